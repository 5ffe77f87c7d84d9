/**
 * SqliteCardStore's end of its writer thread (sqlite-writer.ts): sends batches of statements and
 * hands each outcome, in the order sent, to the callback given with it — from the event loop, or
 * synchronously when the store closes (drainSync: Atomics.wait on a shared counter the thread
 * bumps after each reply, then receiveMessageOnPort), so that a callback may send again and the
 * close still waits for that. A thread gone fails every batch out, with why. One channel carries
 * both ways; the thread keeps the process alive only while a batch is out.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { WriterOp, WriterReply, WriterRequest, WriterSetup } from './writer-messages.js';

export interface WriterThreadOptions extends Omit<WriterSetup, 'signal'> {
  /** Node flags of the thread (tests: a TypeScript loader). */
  execArgv?: string[];
}

/** How long close() waits for the thread's last replies. */
const CLOSE_WAIT_MS = 30_000;

function entryUrl(): URL {
  const js = new URL('./sqlite-writer.js', import.meta.url);
  return existsSync(fileURLToPath(js)) ? js : new URL('./sqlite-writer.ts', import.meta.url);
}

export class WriterThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private readonly pending = new Map<number, (r: WriterReply | Error) => void>();
  private seq = 0;
  private failure: Error | undefined;

  constructor(opts: WriterThreadOptions) {
    const signal = new SharedArrayBuffer(4);
    this.signal = new Int32Array(signal);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const setup: WriterSetup & { port: MessagePort } = { path: opts.path, busyTimeoutMs: opts.busyTimeoutMs, cacheKiB: opts.cacheKiB, sql: opts.sql, signal, port: port2 };
    this.worker = new Worker(entryUrl(), { workerData: setup, transferList: [port2], ...(opts.execArgv ? { execArgv: opts.execArgv } : {}) });
    this.worker.unref();
    this.port.on('message', (r: WriterReply) => this.settle(r));
    this.port.unref();
    this.worker.on('error', (e) => this.fail(new Error(`card store writer thread failed: ${e.message}`, { cause: e })));
    this.worker.on('exit', (code) => this.fail(new Error(`card store writer thread exited (code ${code})`)));
  }

  /** Why the thread is gone, if it is. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Batches sent and not answered. */
  get outstanding(): number {
    return this.pending.size;
  }

  /**
   * Runs `ops` in one transaction on the thread, if `epoch` is the thread's: `then` gets done,
   * stale (nothing ran) or failed (rolled back), or the Error that ended the thread.
   */
  run(ops: WriterOp[], epoch: number, then: (r: WriterReply | Error) => void): void {
    this.request({ t: 'batch', seq: ++this.seq, epoch, ops }, then);
  }

  /** Waits, blocking this thread, until every batch sent has its reply (and has been settled). */
  drainSync(): void {
    const deadline = Date.now() + CLOSE_WAIT_MS;
    while (this.pending.size > 0 && this.failure === undefined) {
      const seen = Atomics.load(this.signal, 0);
      const m = receiveMessageOnPort(this.port);
      if (m) {
        this.settle(m.message as WriterReply);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.fail(new Error(`card store writer thread did not answer within ${CLOSE_WAIT_MS} ms`));
        break;
      }
      Atomics.wait(this.signal, 0, seen, left);
    }
  }

  /** Closes the thread's connection and ends it (after the batches sent). */
  close(): void {
    if (this.failure === undefined) {
      this.request({ t: 'close', seq: ++this.seq }, () => undefined);
      this.drainSync();
    }
    this.port.close();
    void this.worker.terminate();
  }

  private request(m: WriterRequest, then: (r: WriterReply | Error) => void): void {
    if (this.failure) {
      // Asynchronously, as a reply would come.
      const e = this.failure;
      queueMicrotask(() => then(e));
      return;
    }
    this.pending.set(m.seq, then);
    this.port.ref();
    this.port.postMessage(m);
  }

  private settle(r: WriterReply): void {
    const then = this.pending.get(r.seq);
    if (!then) return;
    this.pending.delete(r.seq);
    if (this.pending.size === 0) this.port.unref();
    then(r);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const all = [...this.pending.values()];
    this.pending.clear();
    this.port.unref();
    for (const then of all) then(this.failure);
  }
}
