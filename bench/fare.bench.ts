// Fare quote benchmark (issue 4): Beijing subway quotes by distance — the gate's call, target
// ≥ 1 000 000 quotes per second on one core — plus subway quotes that search the network (the
// shipped sample and, when ../shared/data/beijing-subway.json is there, the full network, with
// cached shortest-path trees and with a Dijkstra per quote) and bus quotes; each with and without
// explanations. Prints a table and PASS/MISS; writes bench/results/fare.{json,md}; with --readme,
// refreshes README.md's section.
//
//   npm run build && node --expose-gc dist/bench/fare.bench.js          full run (~1 min)
//   node --expose-gc dist/bench/fare.bench.js --quick                   ~10 s, writes nothing
//   node --expose-gc dist/bench/fare.bench.js --filter subway-distance --time 2000
//
// Every quote works on its own request object, built once from JSON text (so its strings are
// what JSON.parse gives a server), from a pool of 1024 with distinct stations, instants and
// spends: no result is cached between calls. Each row runs in rounds and keeps its best.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultFareContext, type FareContext, type FareRequest, loadNetwork, quoteFare, replaySteps, type SubwayNetwork } from '../engine/rules/index.js';
import { checkCases, type BenchCase } from './lib/case.js';
import { runIfEntry, updateReadmeSection } from './lib/entry.js';
import { flagsOrExit, readmeAllowed, resultsDirOf, timingOf } from './lib/cli.js';
import {
  buildFareJson,
  evaluateFareTargets,
  FARE_NOTE,
  FARE_USAGE,
  type FareRow,
  renderFareMarkdown,
  renderFareTable,
  renderFareTargets,
} from './lib/fare-report.js';
import { currentMachine, measureCase, type MeasureOptions } from './lib/measure.js';
import { machineLine } from './lib/report.js';

// ---- inputs ----------------------------------------------------------------------------------
const SIZES = {
  /** Distinct requests per case, cycled through. */
  pool: 1024,
  /** Subway distances drawn from 0 … this many metres. */
  maxSubwayM: 60_000,
  /** Bus distances drawn from 0 … this many metres. */
  maxBusM: 40_000,
} as const;

const QUICK: MeasureOptions = { timeMs: 150, warmupMs: 50, rounds: 1, minIterations: 4, batchMs: 0.2 };
const FULL: MeasureOptions = { timeMs: 600, warmupMs: 150, rounds: 4, minIterations: 8, batchMs: 0.2 };

/** The repository root, from dist/bench/fare.bench.js. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FULL_NETWORK = join(ROOT, '..', 'shared', 'data', 'beijing-subway.json');

const LEAN = { explain: false } as const;
/** Untimed calls per row before any timing. */
const WARMUP_CALLS = 20_000;
const EXPLAIN = { explain: true } as const;

/** Reproducible numbers (xorshift32): the same pools every run. */
function rng(seed: number): (n: number) => number {
  let x = seed | 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A Beijing time on a 2024–2026 day: `dayIndex` days after 2024-01-01, `sec` after midnight. */
function at(dayIndex: number, sec: number): string {
  const t = new Date(Date.UTC(2024, 0, 1) + dayIndex * 86400000 + sec * 1000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}+08:00`;
}

/** JSON text → object, as a server would receive it. */
const viaJson = (r: FareRequest): FareRequest => JSON.parse(JSON.stringify(r)) as FareRequest;

const CARDS = ['standard', 'standard', 'standard', 'standard', 'student', 'senior'] as const;

function subwayPool(stations: readonly (readonly [string, string])[], withDistance: boolean, seed: number): FareRequest[] {
  const r = rng(seed);
  return Array.from({ length: SIZES.pool }, () => {
    const [from, to] = stations[r(stations.length)];
    const day = r(3 * 365);
    // A third of the entries before 07:00, where the off-peak rule and the calendar are consulted.
    const sec = r(3) === 0 ? 5 * 3600 + r(2 * 3600 + 120) : r(86400 - 5 * 3600);
    const req: FareRequest = {
      mode: 'subway',
      cardType: CARDS[r(CARDS.length)],
      entry: { station: from, at: at(day, sec) },
      exit: { station: to, at: at(day, sec + 600 + r(5 * 3600)) },
      month: { spentFen: r(50000), rides: r(120) },
    };
    if (withDistance) req.distanceKm = r(SIZES.maxSubwayM) / 1000;
    return viaJson(req);
  });
}

function busPool(seed: number): FareRequest[] {
  const r = rng(seed);
  return Array.from({ length: SIZES.pool }, () => {
    const day = r(3 * 365);
    const sec = r(86400 - 3 * 3600);
    const m = r(SIZES.maxBusM);
    const req: FareRequest = { mode: 'bus', cardType: CARDS[r(CARDS.length)], entry: { station: '西直门', at: at(day, sec) }, distanceKm: m / 1000, month: { spentFen: r(20000), rides: r(120) } };
    if (r(20) !== 0) req.exit = { station: '颐和园', at: at(day, sec + 300 + r(7200)) };
    if (r(4) === 0) req.outsideCityKm = r(m + 1) / 1000;
    if (r(10) === 0) req.holderAge = 60 + r(20);
    return viaJson(req);
  });
}

/** Station pairs of the network's own paid area (every line but the special ones), connected. */
function networkPairs(net: SubwayNetwork, ctx: FareContext, seed: number, count: number): [string, string][] {
  const r = rng(seed);
  const names = net.stations.map((s) => s.id);
  const pairs: [string, string][] = [];
  for (let tries = 0; pairs.length < count && tries < count * 50; tries++) {
    const pair: [string, string] = [names[r(names.length)], names[r(names.length)]];
    try {
      const d = quoteFare({ mode: 'subway', cardType: 'standard', entry: { station: pair[0], at: '2024-03-05T12:00:00+08:00' }, exit: { station: pair[1], at: '2024-03-05T12:30:00+08:00' }, month: { spentFen: 0, rides: 0 } }, { ...ctx, network: net }, LEAN);
      if (d.fareGroup === 'network') pairs.push(pair);
    } catch {
      // Another paid area, or not connected (the sample has three parts): not a gate's trip.
    }
  }
  return pairs;
}

/** One row: quote the pool in turn. */
function row(impl: string, pool: readonly FareRequest[], ctx: FareContext, opts: typeof LEAN | typeof EXPLAIN, before?: () => void) {
  let i = 0;
  const run = before === undefined ? () => quoteFare(pool[i++ & (SIZES.pool - 1)], ctx, opts) : () => (before(), quoteFare(pool[i++ & (SIZES.pool - 1)], ctx, opts));
  return {
    impl,
    run,
    check: () => {
      for (const req of pool) {
        const full = quoteFare(req, ctx, EXPLAIN);
        const lean = quoteFare(req, ctx, LEAN);
        if (lean.fareFen !== full.fareFen || replaySteps(full.steps, full.rounding).at(-1) !== full.fareFen) throw new Error(`quote disagrees for ${JSON.stringify(req)}`);
      }
    },
  };
}

function buildCases(full: SubwayNetwork | undefined): { cases: BenchCase[]; notes: string[] } {
  const notes: string[] = [];
  const ctx = defaultFareContext();
  const sample = ctx.network!;
  const samplePairs = networkPairs(sample, ctx, 7, 256);
  const distancePool = subwayPool(samplePairs, true, 1);
  const cases: BenchCase[] = [
    { id: 'subway-distance', op: 'Subway, by distance', rows: [row('explain: false', distancePool, ctx, LEAN), row('explain: true', distancePool, ctx, EXPLAIN)] },
  ];
  sample.area().precompute();
  const samplePool = subwayPool(samplePairs, false, 2);
  cases.push({ id: 'subway-path-sample', op: `Subway, path on the sample (${sample.stations.length} stations, cached)`, rows: [row('explain: false', samplePool, ctx, LEAN), row('explain: true', samplePool, ctx, EXPLAIN)] });
  if (full !== undefined) {
    const fctx = defaultFareContext({ network: full });
    const pairs = networkPairs(full, fctx, 11, 512);
    const fullPool = subwayPool(pairs, false, 3);
    cases.push({ id: 'subway-path-full', op: `Subway, path on the full network (${full.stations.length} stations, cached)`, rows: [row('explain: false', fullPool, fctx, LEAN), row('explain: true', fullPool, fctx, EXPLAIN)] });
    cases.push({ id: 'subway-path-full-cold', op: 'Subway, full network, one Dijkstra per quote', rows: [row('explain: false', fullPool, fctx, LEAN, () => full.clearCaches())] });
  } else {
    notes.push(`The full-network rows were skipped: ${FULL_NETWORK} is absent.`);
  }
  const bus = busPool(4);
  cases.push({ id: 'bus', op: 'Bus, by distance', rows: [row('explain: false', bus, ctx, LEAN), row('explain: true', bus, ctx, EXPLAIN)] });
  return { cases, notes };
}

/**
 * Quotes per second of this thread's CPU time, garbage collection included: the row's function
 * run for `ms` of CPU per round, best of `rounds` (short rounds, so that a burst of load from other
 * jobs — which slows a thread sharing the core — spoils a round, not the figure).
 */
function cpuOpsPerSec(run: () => unknown, ms: number, rounds: number): number {
  let best = 0;
  let sink: unknown;
  for (let r = 0; r < rounds; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.cpuUsage();
    let n = 0;
    let used = 0;
    while (used < ms * 1000) {
      for (let k = 0; k < 1000; k++) sink = run();
      n += 1000;
      const u = process.cpuUsage(start);
      used = u.user + u.system;
    }
    best = Math.max(best, (n * 1e6) / used);
  }
  void sink;
  return best;
}

/**
 * Runs the benchmark with command-line flags `argv`.
 * @returns the process exit code: 0, or 2 for bad flags or when no case matches --filter.
 * @throws Error when a quote fails its check or a task fails.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = flagsOrExit(argv, FARE_USAGE);
  if (typeof flags === 'number') return flags;
  const opts: MeasureOptions = timingOf(flags, QUICK, FULL);
  const full = existsSync(FULL_NETWORK) ? loadNetwork(JSON.parse(readFileSync(FULL_NETWORK, 'utf8')), { name: 'beijing-subway.json' }) : undefined;
  if (full === undefined) console.log(`note: ${FULL_NETWORK} is absent; the full-network rows are skipped`);
  const built = buildCases(full);
  const cases = built.cases.filter((c) => flags.filter === undefined || flags.filter.test(c.id) || flags.filter.test(c.op));
  if (cases.length === 0) {
    console.error(`no case matches --filter ${String(flags.filter)}; cases: ${built.cases.map((c) => c.id).join(', ')}`);
    return 2;
  }
  checkCases(cases);
  // Every row runs untimed first, so that the shared code (quoteFare serves all rows) has seen
  // every kind of request before anything is timed: otherwise the first case is timed while the
  // JIT still re-optimises for the rows after it (measured: the first case's sustained figure
  // came out ~35 % low, whichever case it was).
  for (const c of cases) for (const r of c.rows) for (let k = 0; k < WARMUP_CALLS; k++) r.run();

  const m = currentMachine();
  console.log(`${machineLine(m)}\n${FARE_NOTE}\n`);
  const rows: FareRow[] = [];
  for (const [i, c] of cases.entries()) {
    process.stderr.write(`[${i + 1}/${cases.length}] ${c.op} (${c.rows.length} rows × ${opts.rounds} rounds)\n`);
    const measured = await measureCase(c, opts);
    measured.forEach((r, k) => {
      rows.push({
        caseId: c.id,
        op: c.op,
        impl: r.impl,
        opsPerSec: r.opsPerSec,
        p50Us: r.p50Us,
        p99Us: r.p99Us,
        cpuOpsPerSec: cpuOpsPerSec(c.rows[k].run, Math.max(50, opts.timeMs / 4), opts.rounds * 4),
        samples: r.samples,
        batch: r.batch,
      });
    });
  }
  const targets = evaluateFareTargets(rows);
  console.log(renderFareTable(rows, targets));
  console.log(`\nTarget${flags.quick ? ' (quick run: indicative only)' : ''}\n${renderFareTargets(targets)}`);
  console.log(`\n${machineLine(m)}`);

  const md = renderFareMarkdown(rows, targets, m, built.notes);
  const outDir = resultsDirOf(flags, ROOT);
  if (outDir !== undefined) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'fare.json'), JSON.stringify(buildFareJson(rows, targets, m, built.notes), null, 2) + '\n');
    writeFileSync(join(outDir, 'fare.md'), md);
    console.log(`wrote ${join(outDir, 'fare.json')}, fare.md`);
  }
  if (readmeAllowed(flags)) updateReadmeSection(ROOT, 'fare', md);
  return 0;
}

runIfEntry(import.meta.url, main);
