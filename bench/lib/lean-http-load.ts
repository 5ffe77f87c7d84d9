// HTTP load on node:net (the default load generator of the server benchmark): keep-alive
// HTTP/1.1 connections with one request in flight on each, every reply read whole and checked by
// the case, as runHttpLoad (autocannon) does, for about half the CPU a request. The load
// generator shares the machine's two cores with the server (README "Benchmarks"): what it spends
// the server cannot, and at 5,000 taps a second autocannon took 0.4 of a core. It knows only
// what these cases need: requests it builds itself, and replies with a Content-Length.
import { connect, type Socket } from 'node:net';
import { LoadTally, type HttpCase, type HttpLoadOptions, type HttpLoadResult, type PooledCard } from './http-load.js';

/** A request with no reply after this long counts as an error, and its connection is opened again. */
const TIMEOUT_MS = 10_000;
/** Before opening a connection again after an error (a server that is gone is not hammered). */
const RECONNECT_MS = 20;

const HEAD_END = Buffer.from('\r\n\r\n');

/** One reply as far as it has arrived: undefined until it is whole. */
export interface ParsedReply {
  status: number;
  body: string;
  /** Bytes of the buffer it took. */
  length: number;
  /** The server said `Connection: close`. */
  close: boolean;
}

/**
 * Reads one HTTP/1.1 reply from the start of `buf`.
 * @returns the reply, or undefined while it is not whole
 * @throws Error for a reply this client cannot read (no status line, no Content-Length, chunked)
 */
export function parseReply(buf: Buffer): ParsedReply | undefined {
  const headEnd = buf.indexOf(HEAD_END);
  if (headEnd < 0) {
    if (buf.length > 64 * 1024) throw new Error('reply head longer than 64 KiB');
    return undefined;
  }
  const head = buf.toString('latin1', 0, headEnd);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!m) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(head.slice(0, 40))}`);
  let contentLength = -1;
  let close = false;
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') contentLength = Number(value);
    else if (name === 'transfer-encoding') throw new Error(`transfer-encoding ${value} is not read by this client`);
    else if (name === 'connection') close = value.toLowerCase() === 'close';
  }
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) throw new Error('reply without a Content-Length');
  const length = headEnd + 4 + contentLength;
  if (buf.length < length) return undefined;
  return { status: Number(m[1]), body: buf.toString('utf8', headEnd + 4, length), length, close };
}

/**
 * The same load as runHttpLoad, on node:net: `opts.warmupS` untimed, then `opts.durationS` timed
 * on the same connections. Cards in flight at the end are dropped from `pool` (their state is unknown).
 * @throws Error when the pool has no more cards than connections
 */
export async function runLeanHttpLoad<S>(pool: PooledCard<S>[], c: HttpCase<S>, opts: HttpLoadOptions): Promise<HttpLoadResult> {
  const tally = new LoadTally(pool.length, opts);
  const url = new URL(opts.url);
  const port = Number(url.port || 80);
  const host = url.hostname;
  let stopping = false;

  interface Conn {
    socket: Socket | undefined;
    card: PooledCard<S> | undefined;
    /** When the request in flight was sent (0: none in flight). */
    sentMs: number;
    buf: Buffer | undefined;
  }
  const conns: Conn[] = [];

  const countError = (): void => {
    tally.transportError();
  };
  const send = (k: Conn): void => {
    if (stopping || !k.socket) return;
    const card = pool.shift();
    let request: string;
    if (card === undefined) {
      // Cannot happen while cards outnumber connections, unless too many were retired.
      tally.starve();
      request = `GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`;
    } else {
      const { path, body } = c.request(card);
      request = `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    }
    k.card = card;
    k.sentMs = performance.now();
    k.socket.write(request);
  };
  // The card in flight is dropped: whether the server acted on it is unknown.
  const reopen = (k: Conn): void => {
    k.socket?.destroy();
    k.socket = undefined;
    k.card = undefined;
    k.sentMs = 0;
    k.buf = undefined;
    if (!stopping) setTimeout(() => open(k), RECONNECT_MS);
  };
  const onData = (k: Conn, chunk: Buffer): void => {
    k.buf = k.buf ? Buffer.concat([k.buf, chunk]) : chunk;
    let reply: ParsedReply | undefined;
    try {
      reply = parseReply(k.buf);
    } catch {
      countError();
      reopen(k);
      return;
    }
    if (!reply) return;
    // One request in flight: anything after its reply is a protocol error.
    if (k.buf.length > reply.length || k.sentMs === 0) {
      countError();
      reopen(k);
      return;
    }
    k.buf = undefined;
    const card = k.card;
    const latency = performance.now() - k.sentMs;
    k.card = undefined;
    k.sentMs = 0;
    if (card !== undefined) {
      const { ok, keep } = c.check(card, reply.status, reply.body);
      tally.reply(ok);
      if (reply.status === 200) tally.latency(latency);
      if (keep) pool.push(card);
    }
    if (reply.close) reopen(k);
    else send(k);
  };
  const open = (k: Conn): void => {
    if (stopping) return;
    const s = connect(port, host);
    k.socket = s;
    s.setNoDelay(true);
    s.on('connect', () => send(k));
    s.on('data', (chunk: Buffer) => {
      if (k.socket === s) onData(k, chunk);
    });
    s.on('error', () => {
      if (k.socket !== s || stopping) return;
      countError();
      reopen(k);
    });
    s.on('close', () => {
      if (k.socket !== s || stopping) return;
      countError();
      reopen(k);
    });
  };
  for (let i = 0; i < opts.connections; i++) {
    const k: Conn = { socket: undefined, card: undefined, sentMs: 0, buf: undefined };
    conns.push(k);
    open(k);
  }
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const k of conns) {
      if (k.sentMs !== 0 && now - k.sentMs > TIMEOUT_MS) {
        countError();
        reopen(k);
      }
    }
  }, 1_000);
  tally.start();
  await new Promise((resolve) => setTimeout(resolve, (tally.warmupS + opts.durationS) * 1000));
  const endMs = performance.now();
  stopping = true;
  clearInterval(watchdog);
  for (const k of conns) k.socket?.destroy();
  return tally.result(endMs, pool.length);
}
