// HTTP load with autocannon (in this process, against the server child): keep-alive connections,
// one request in flight on each, every request built from a pool of cards so that no card ever
// has two requests in flight — a card goes back to the pool only when its reply has been checked.
// A reply counts when it is a 200 whose body passes the case's check; anything else is an error.
//
// The warm-up and the timed run are one autocannon run on the same connections, timed from the
// mark: a server busy with taps accepts one new connection per event-loop iteration (libuv ≥ 1.45,
// libuv/libuv#3696), so connections opened at the start of a timed run under load took up to
// 1.5 s to get their first answer, and that showed as the run's max latency.
import autocannon from 'autocannon';
import { latencySummary } from './server-report.js';

/** One card and what the case knows of it (the next APDU of its cycle, inside or outside the paid area…). */
export interface PooledCard<S> {
  id: string;
  state: S;
}

/** What one case sends and expects. */
export interface HttpCase<S> {
  /** The request for a card taken from the pool: path and JSON body. */
  request(card: PooledCard<S>): { path: string; body: string };
  /**
   * Checks a reply and updates the card's state.
   * @returns ok: whether the reply counts (else it is an error); keep: whether the card goes back
   *   to the pool (false: its purse is nearly empty, or it keeps failing).
   */
  check(card: PooledCard<S>, status: number, body: string): { ok: boolean; keep: boolean };
}

export interface HttpLoadOptions {
  url: string;
  connections: number;
  /** Timed seconds, after the warm-up. */
  durationS: number;
  /** Untimed seconds first, on the same connections and pool (default 0). */
  warmupS?: number;
  /** Called when the timed part starts (e.g. to start CPU meters). */
  onTimed?: () => void;
}

export interface HttpLoadResult {
  good: number;
  /** Transport errors + timeouts + bad replies. */
  errors: number;
  /** Seconds from the mark to the end of the run. */
  durationS: number;
  /** Client-side latency of the 200 replies (good or not), ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Cards left in the pool afterwards (the others were in flight at the end, or retired). */
  poolLeft: number;
}

/**
 * What both load generators keep (runHttpLoad here, runLeanHttpLoad in lean-http-load.ts): the
 * mark after the warm-up, from which replies and errors count (the pool is kept up to date
 * throughout); every 200 reply's latency, unrounded; and the result.
 */
export class LoadTally {
  /** Whether the mark has passed: only then do replies, errors and latencies count. */
  private timing = false;
  private good = 0;
  private bad = 0;
  private starved = 0;
  private transportErrors = 0;
  private startMs = 0;
  private markMs = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private latencies = new Float64Array(1 << 16);
  private n = 0;

  /** @throws Error when the pool has no more cards than connections (a card is never on two at once) */
  constructor(
    poolSize: number,
    private readonly opts: HttpLoadOptions,
  ) {
    if (poolSize <= opts.connections) throw new Error(`the pool has ${poolSize} cards for ${opts.connections} connections: need more cards than connections`);
  }

  get warmupS(): number {
    return this.opts.warmupS ?? 0;
  }

  /** The load has started: the mark comes after the warm-up (at once without one). */
  start(): void {
    this.startMs = performance.now();
    const mark = (): void => {
      this.timing = true;
      this.markMs = performance.now();
      this.opts.onTimed?.();
    };
    if (this.warmupS > 0) this.timer = setTimeout(mark, this.warmupS * 1000);
    else mark();
  }

  /** A reply the case checked: good or bad, when timing. */
  reply(ok: boolean): void {
    if (!this.timing) return;
    if (ok) this.good++;
    else this.bad++;
  }

  /** No card was free for a request, when timing. */
  starve(): void {
    if (this.timing) this.starved++;
  }

  /** A request that failed in transport, when timing. */
  transportError(): void {
    if (this.timing) this.transportErrors++;
  }

  /** A 200 reply's latency, when timing. */
  latency(ms: number): void {
    if (!this.timing) return;
    if (this.n === this.latencies.length) {
      const bigger = new Float64Array(this.n * 2);
      bigger.set(this.latencies);
      this.latencies = bigger;
    }
    this.latencies[this.n++] = ms;
  }

  /** Stops the mark's timer (the load ended or failed). */
  stop(): void {
    clearTimeout(this.timer);
  }

  /** @throws Error when the load ended before its warm-up did */
  result(endMs: number, poolLeft: number): HttpLoadResult {
    this.stop();
    if (this.markMs === 0) throw new Error(`the load ended ${((endMs - this.startMs) / 1000).toFixed(1)} s after it started, before its warm-up of ${this.warmupS} s`);
    const lat = this.n > 0 ? latencySummary(this.latencies.subarray(0, this.n)) : { p50Ms: NaN, p99Ms: NaN, maxMs: NaN };
    return { good: this.good, errors: this.bad + this.starved + this.transportErrors, durationS: (endMs - this.markMs) / 1000, ...lat, poolLeft };
  }
}

/**
 * Runs `c` for `durationS` over `connections` keep-alive connections, taking cards from `pool`
 * (which it mutates: cards in flight at the end are dropped, as their state is unknown).
 * @throws Error when the pool has fewer cards than connections, or autocannon fails.
 */
export async function runHttpLoad<S>(pool: PooledCard<S>[], c: HttpCase<S>, opts: HttpLoadOptions): Promise<HttpLoadResult> {
  const tally = new LoadTally(pool.length, opts);
  const inFlight = new Set<PooledCard<S>>();
  // autocannon keeps a per-request context from setupRequest to onResponse (one request in flight
  // per connection): the card rides in it.
  type Ctx = { card?: PooledCard<S> };
  // Without a callback autocannon returns its event emitter, which is also a thenable (the types
  // only say Promise). Its own histogram keeps whole milliseconds: every latency is kept here.
  const tracker = autocannon({
    url: opts.url,
    connections: opts.connections,
    pipelining: 1,
    duration: tally.warmupS + opts.durationS,
    timeout: 10,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const ctx = context as Ctx;
          const card = pool.shift();
          if (card === undefined) {
            // Cannot happen while cards outnumber connections, unless too many were retired.
            tally.starve();
            ctx.card = undefined;
            return { ...req, path: '/healthz', method: 'GET', body: undefined };
          }
          inFlight.add(card);
          ctx.card = card;
          const { path, body } = c.request(card);
          return { ...req, path, body };
        },
        onResponse: (status, body, context) => {
          const ctx = context as Ctx;
          const card = ctx.card;
          if (card === undefined || !inFlight.delete(card)) return;
          ctx.card = undefined;
          const { ok, keep } = c.check(card, status, body);
          tally.reply(ok);
          if (keep) pool.push(card);
        },
      },
    ],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  tracker.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode === 200) tally.latency(responseTimeMs);
  });
  tracker.on('reqError', () => {
    tally.transportError();
  });
  tally.start();
  try {
    await tracker;
  } finally {
    tally.stop();
  }
  return tally.result(performance.now(), pool.length);
}

// ---------------------------------------------------------------------------------------------
// The APDU mix: what a reader does with each card — SELECT the transit application, READ BINARY
// of EF15 (issuer data, by SFI), GET BALANCE — in turn.

export const APDU_MIX = [
  { name: 'SELECT transit AID', hex: '00a4040008a000000632010105' },
  { name: 'READ BINARY EF15', hex: '00b0950000' },
  { name: 'GET BALANCE', hex: '805c000204' },
] as const;

/** Card state of the APDU case: the index in APDU_MIX of its next command. */
export function apduCase(): HttpCase<number> {
  const bodies = APDU_MIX.map((a) => JSON.stringify({ apdu: a.hex }));
  return {
    request: (card) => ({ path: `/v1/cards/${card.id}/apdu`, body: bodies[card.state] }),
    check: (card, status, body) => {
      const ok = status === 200 && body.includes('"sw":"9000"');
      // After a failure the card starts again with SELECT.
      card.state = ok ? (card.state + 1) % APDU_MIX.length : 0;
      return { ok, keep: true };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Taps: each card alternates an entry gate and an exit gate.

export interface TapState {
  /** Where the card's next tap goes. */
  next: 'entry' | 'exit';
  /** Taps refused or otherwise unexpected, in a row: after 3 the card is retired. */
  failures: number;
}

export interface TapGates {
  entryId: string;
  exitId: string;
  /** Below this balance after an exit, the card is retired (its next trip might be refused). */
  minBalanceFen: number;
}

/** The tap case: entered after an entry tap, exited after an exit tap; a card low on money retires. */
export function tapCase(g: TapGates): HttpCase<TapState> {
  return {
    request: (card) => ({
      path: `/v1/terminals/${card.state.next === 'entry' ? g.entryId : g.exitId}/taps`,
      body: `{"cardId":${JSON.stringify(card.id)}}`,
    }),
    check: (card, status, body) => {
      const want = card.state.next === 'entry' ? 'entered' : 'exited';
      let reply: { outcome?: unknown; balanceFen?: unknown; balanceAfterFen?: unknown } | undefined;
      if (status === 200) {
        try {
          reply = JSON.parse(body) as typeof reply;
        } catch {
          reply = undefined;
        }
      }
      if (reply?.outcome !== want) {
        card.state.failures++;
        return { ok: false, keep: card.state.failures < 3 };
      }
      card.state.failures = 0;
      card.state.next = card.state.next === 'entry' ? 'exit' : 'entry';
      const balance = typeof reply.balanceAfterFen === 'number' ? reply.balanceAfterFen : reply.balanceFen;
      return { ok: true, keep: !(want === 'exited' && typeof balance === 'number' && balance < g.minBalanceFen) };
    },
  };
}
