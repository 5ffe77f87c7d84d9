// WebSocket APDU load (in this process, against the server child): `inFlight` sockets, each on its
// own card with exactly one APDU in flight — the next is sent when the reply arrives — timing every
// round trip on the client. The APDU mix is the HTTP case's (SELECT, READ BINARY, GET BALANCE).
import WebSocket from 'ws';
import { APDU_MIX } from './http-load.js';

export interface WsLoadResult {
  good: number;
  errors: number;
  durationS: number;
  /** Round trip of every good message, ms, in arrival order. */
  latenciesMs: Float64Array;
}

/**
 * Opens one socket per card of `cardIds` (one APDU in flight on each), sends for `warmupMs`
 * untimed and then for `durationMs` timed (calling `mark` around it), and closes them.
 * @throws Error when a socket fails to open or closes early.
 */
export async function runWsLoad(
  baseUrl: string,
  cardIds: readonly string[],
  durationMs: number,
  warmupMs: number,
  /** Called as the timed run starts and as it ends. */
  mark: (phase: 'start' | 'stop') => void = () => {},
): Promise<WsLoadResult> {
  const wsBase = baseUrl.replace(/^http/, 'ws');
  const msgs = APDU_MIX.map((a) => a.hex);
  let latencies = new Float64Array(1 << 16);
  let good = 0;
  let errors = 0;
  let timing = false;
  let stopping = false;
  let t0 = 0;
  let t1 = 0;

  const sockets = await Promise.all(
    cardIds.map(
      (id) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`${wsBase}/v1/cards/${encodeURIComponent(id)}/apdu`, { perMessageDeflate: false });
          ws.on('open', () => resolve(ws));
          ws.on('error', reject);
        }),
    ),
  );

  const done = sockets.map(
    (ws) =>
      new Promise<void>((resolve, reject) => {
        let k = 0;
        let sentAt = 0;
        const sendNext = () => {
          if (stopping) return resolve();
          sentAt = performance.now();
          ws.send(msgs[k]);
        };
        ws.on('message', (raw) => {
          const now = performance.now();
          // ws hands a Buffer by default (binaryType 'nodebuffer').
          const data = raw as Buffer;
          // Text reply: response data ‖ SW in hex; anything else (error JSON) is an error.
          const ok = data.length >= 4 && data.toString('latin1', data.length - 4) === '9000';
          if (timing) {
            if (ok) {
              if (good === latencies.length) {
                const bigger = new Float64Array(latencies.length * 2);
                bigger.set(latencies);
                latencies = bigger;
              }
              latencies[good++] = now - sentAt;
            } else errors++;
          }
          k = ok ? (k + 1) % msgs.length : 0;
          sendNext();
        });
        ws.on('close', (code) => (stopping ? resolve() : reject(new Error(`WebSocket closed early: ${code}`))));
        sendNext();
      }),
  );

  await new Promise((r) => setTimeout(r, warmupMs));
  mark('start');
  timing = true;
  t0 = performance.now();
  await new Promise((r) => setTimeout(r, durationMs));
  timing = false;
  t1 = performance.now();
  mark('stop');
  stopping = true;
  await Promise.all(done);
  for (const ws of sockets) ws.close();
  return { good, errors, durationS: (t1 - t0) / 1000, latenciesMs: latencies.subarray(0, good) };
}
