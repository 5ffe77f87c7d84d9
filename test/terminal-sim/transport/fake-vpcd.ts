/**
 * A stand-in for pcscd's vpcd driver side: listens on an ephemeral 127.0.0.1 port, accepts the
 * vicc's connection, sends framed requests and collects framed replies.
 */
import net from 'node:net';
import { encodeVpcdFrame, VpcdFrameDecoder } from '../../../terminal-sim/transport/index.js';

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout (${ms} ms) waiting for ${what}`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

export class FakeVpcd {
  readonly server = net.createServer();
  port = 0;
  sock: net.Socket | undefined;
  closed = false;
  private readonly replies: Uint8Array[] = [];
  private replyWaiters: ((m: Uint8Array) => void)[] = [];
  private connWaiters: ((s: net.Socket) => void)[] = [];
  private closeWaiters: (() => void)[] = [];

  constructor() {
    this.server.on('connection', (s) => {
      s.setNoDelay(true);
      this.sock = s;
      this.closed = false;
      const dec = new VpcdFrameDecoder();
      s.on('data', (chunk: Buffer) => {
        for (const m of dec.push(chunk)) {
          const w = this.replyWaiters.shift();
          if (w) w(m);
          else this.replies.push(m);
        }
      });
      s.on('error', () => {});
      s.on('close', () => {
        this.closed = true;
        for (const w of this.closeWaiters.splice(0)) w();
      });
      for (const w of this.connWaiters.splice(0)) w(s);
    });
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  connection(ms = 2000): Promise<net.Socket> {
    if (this.sock && !this.closed) return Promise.resolve(this.sock);
    return within(new Promise((r) => this.connWaiters.push(r)), ms, 'the vicc to connect');
  }

  whenClosed(ms = 2000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return within(new Promise((r) => this.closeWaiters.push(r)), ms, 'the vicc to close');
  }

  /** Sends one framed message. */
  send(payload: Uint8Array): void {
    this.sock!.write(encodeVpcdFrame(payload));
  }

  /** The next reply frame. */
  reply(ms = 2000): Promise<Uint8Array> {
    const m = this.replies.shift();
    if (m) return Promise.resolve(m);
    return within(new Promise((r) => this.replyWaiters.push(r)), ms, 'a reply');
  }

  /** Number of replies received and not yet read. */
  get queued(): number {
    return this.replies.length;
  }

  async request(payload: Uint8Array): Promise<Uint8Array> {
    this.send(payload);
    return this.reply();
  }

  async close(): Promise<void> {
    this.sock?.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
