/**
 * The services in a worker thread of their own (service-worker.ts), seen from the HTTP thread as
 * ApiServices: calls cross to it and answers come back, in order, as messages — the calls of one
 * event-loop turn in one message, and the answers of one turn of the thread in one (outbox.ts).
 *
 * Why a thread: under load a full tap costs the server 75–90 µs of CPU in the HTTP thread
 * (parsing, schemas, the socket, the messages) and 180–220 µs in the service thread (card, PSAM,
 * SQLite). On one thread they add up; on two the HTTP work of some requests overlaps the card work
 * of others (README "Benchmarks"). Card state stays in one thread, so the flows, locks and group
 * commits are those of the single-thread server.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VpcdEvent } from '../transport/vpcd.js';
import { API_METHODS } from './api-services.js';
import type { ApiServices } from './api-services.js';
import { Outbox, sendGrouped } from './outbox.js';
import { decodeError } from './service-messages.js';
import type { FromService, ServiceAnswer, ServiceCall, ServicePart, ServiceSpec, ToService } from './service-messages.js';

export interface ServiceThreadOptions {
  spec: ServiceSpec;
  /** Slot connection events, forwarded from the thread. */
  onReaderEvent?: (slot: number, event: VpcdEvent) => void;
  /** The thread stopped without close() (a crash in it) after it was ready: every later call fails. */
  onExit?: (error: Error) => void;
  /**
   * The worker's Node flags (default: this process's). Tests running the TypeScript sources pass
   * a loader here.
   */
  execArgv?: string[];
}

export interface ServiceThread extends ApiServices {
  /** The worker's thread id (for logs and tests). */
  readonly threadId: number;
}

/** service-worker.js next to this module, or service-worker.ts when running from sources. */
function workerUrl(): URL {
  const js = new URL('./service-worker.js', import.meta.url);
  return existsSync(fileURLToPath(js)) ? js : new URL('./service-worker.ts', import.meta.url);
}

/**
 * Starts the thread and waits until its store is open.
 * @throws Error with the thread's own message when the store or services cannot start
 */
export async function startServiceThread(opts: ServiceThreadOptions): Promise<ServiceThread> {
  const worker = new Worker(workerUrl(), { workerData: opts.spec, ...(opts.execArgv ? { execArgv: opts.execArgv } : {}) });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 0;
  let stopped: Error | undefined;
  let closing: Promise<void> | undefined;
  let isReady = false;
  let markReady!: () => void;
  let markFailed!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  const stop = (e: Error) => {
    stopped ??= e;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
  };

  const answer = (m: ServiceAnswer) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.t === 'result') p.resolve(m.value);
    else p.reject(decodeError(m.error));
  };

  worker.on('message', (m: FromService) => {
    switch (m.t) {
      case 'result':
      case 'error':
        answer(m);
        return;
      case 'answers':
        for (const a of m.answers) answer(a);
        return;
      case 'reader':
        opts.onReaderEvent?.(m.slot, m.event);
        return;
      case 'ready':
        isReady = true;
        markReady();
        return;
      case 'failed':
        markFailed(decodeError(m.error));
        return;
      case 'closed':
        markClosed();
        return;
    }
  });
  worker.on('error', (e) => {
    markFailed(e);
    stop(new Error(`the service thread failed: ${e.message}`));
  });
  worker.on('exit', (code) => {
    markClosed();
    markFailed(new Error(`the service thread exited with code ${code} before it was ready`));
    if (closing === undefined) {
      const e = stopped ?? new Error(`the service thread exited with code ${code}`);
      stop(e);
      // A thread that never got ready failed the start instead (startServiceThread throws).
      if (isReady) opts.onExit?.(e);
    } else stop(new Error('the services are closed'));
  });

  try {
    await ready;
  } catch (e) {
    await worker.terminate();
    throw e;
  }

  /** A call that could not be sent fails here; nothing waits for it. */
  const unsent = (c: ServiceCall, e: unknown) => {
    const p = pending.get(c.id);
    pending.delete(c.id);
    p?.reject(e as Error);
  };
  const post = (c: ServiceCall) => {
    try {
      worker.postMessage(c satisfies ToService);
    } catch (e) {
      // An argument structured clone cannot copy (a function): this call fails alone.
      unsent(c, e);
    }
  };
  const outbox = new Outbox<ServiceCall>((calls) => sendGrouped(calls, post, (cs) => worker.postMessage({ t: 'calls', calls: cs } satisfies ToService)));

  const call = (part: ServicePart, method: string) => (...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (stopped) return reject(stopped);
      if (closing) return reject(new Error('the services are closed'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      outbox.push({ t: 'call', id, part, method, args });
    });
  const remoteStatus = call('top', 'status');
  const part = <P extends 'cards' | 'terminals' | 'readers'>(p: P, methods: readonly string[]) =>
    Object.fromEntries(methods.map((m) => [m, call(p, m)])) as unknown as ApiServices[P];

  return {
    threadId: worker.threadId,
    cards: part('cards', API_METHODS.cards),
    terminals: part('terminals', API_METHODS.terminals),
    readers: part('readers', API_METHODS.readers),
    journal: call('top', 'journal') as ApiServices['journal'],
    status: async () => {
      const v = (await remoteStatus()) as Awaited<ReturnType<ApiServices['status']>>;
      return { ...v, service: { ...v.service, thread: true } };
    },
    close() {
      closing ??= (async () => {
        if (stopped === undefined) {
          // After the calls already made: they are answered (and their taps committed) first.
          outbox.flush();
          worker.postMessage({ t: 'close' } satisfies ToService);
          // The thread commits what is queued and checkpoints first; a hung one is ended.
          const timer = setTimeout(() => void worker.terminate(), 10_000);
          await closed;
          clearTimeout(timer);
        }
        await worker.terminate();
      })();
      return closing;
    },
  };
}
