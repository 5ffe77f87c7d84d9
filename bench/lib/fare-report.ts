// The pure half of the fare benchmark: the target, the console and markdown tables and the JSON
// report. No clock, no I/O.
import { machineLine, sig3, type Machine } from './report.js';

/** One measured row: a case (what is quoted) × explain on or off. */
export interface FareRow {
  caseId: string;
  op: string;
  /** `explain: false` or `explain: true`. */
  impl: string;
  /** 1 / median latency (wall clock, batched): what other benchmarks of the project report. */
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
  /** Quotes per second of this thread's CPU time (user + system), garbage collection included: sustained throughput, best of short rounds. */
  cpuOpsPerSec: number;
  samples: number;
  batch: number;
}

export interface FareTargetResult {
  name: string;
  caseId: string;
  impl: string;
  /** ops/s (p50), as the project's other benchmarks judge their targets. */
  opsPerSec: number;
  /** Sustained quotes per CPU second, shown beside it. */
  cpuOpsPerSec: number;
  target: number;
  met: boolean;
}

/** The target: subway quotes by distance, one core, the gate's way (no explanations). */
export const FARE_TARGETS = [{ name: 'subway quotes by distance (explain: false)', caseId: 'subway-distance', impl: 'explain: false', min: 1_000_000 }] as const;

export const FARE_NOTE =
  'One thread, no workers. Each quote validates a request object (pre-built from JSON text: distinct stations, times, spends), ' +
  'parses both ISO 8601 instants and applies every rule; explain: true also builds the steps with their English and Chinese sentences and the route. ' +
  'ops/s (p50) = 1 / median latency of batches of calls (wall clock), best of the rounds — the figure the target is judged on, as in the other benchmarks; ' +
  'ops/s (CPU, sustained) = quotes per second of this thread\'s CPU time with garbage collection included, best of short rounds. ' +
  'The machine may be running other jobs (on 2 cores that slows a thread even in CPU time): compare figures from the same run.';

export const FARE_USAGE = `usage: node --expose-gc dist/bench/fare.bench.js [options]
  --quick          short run (~10 s): prints the table, writes nothing unless --out is given
  --filter REGEX   run only the cases whose id or name matches (subway-distance, subway-path, bus …); writes nothing unless --out is given
  --time MS        time budget per row and round (default 600 × 4 rounds; quick 150 × 1)
  --out DIR        where to write fare.json and fare.md (default bench/results)
  --readme         also rewrite README.md between <!-- bench:fare --> and <!-- /bench:fare --> (full runs only)
  --help           this text`;

/** PASS/MISS for each target whose row was measured. */
export function evaluateFareTargets(rows: readonly FareRow[]): FareTargetResult[] {
  const out: FareTargetResult[] = [];
  for (const t of FARE_TARGETS) {
    const r = rows.find((x) => x.caseId === t.caseId && x.impl === t.impl);
    if (r === undefined) continue;
    out.push({ name: t.name, caseId: t.caseId, impl: t.impl, opsPerSec: r.opsPerSec, cpuOpsPerSec: r.cpuOpsPerSec, target: t.min, met: r.opsPerSec >= t.min });
  }
  return out;
}

const HEADER = ['Fare quote', 'explain', 'ops/s (p50)', 'ops/s (CPU, sustained)', 'p50 µs', 'p99 µs', 'target'] as const;
const RIGHT = [false, false, true, true, true, true, false] as const;

function cells(rows: readonly FareRow[], targets: readonly FareTargetResult[]): string[][] {
  return rows.map((r) => {
    const t = targets.find((x) => x.caseId === r.caseId && x.impl === r.impl);
    return [r.op, r.impl.replace('explain: ', ''), sig3(r.opsPerSec), sig3(r.cpuOpsPerSec), sig3(r.p50Us), sig3(r.p99Us), t === undefined ? '' : t.met ? 'PASS' : 'MISS'];
  });
}

/** Fixed-width text table for the console. */
export function renderFareTable(rows: readonly FareRow[], targets: readonly FareTargetResult[]): string {
  const c = cells(rows, targets);
  const widths = HEADER.map((h, k) => Math.max(h.length, ...c.map((row) => row[k].length)));
  const line = (row: readonly string[]): string => row.map((v, k) => (RIGHT[k] ? v.padStart(widths[k]) : v.padEnd(widths[k]))).join('  ').trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...c.map(line)].join('\n');
}

/** One PASS/MISS line per target. */
export function renderFareTargets(targets: readonly FareTargetResult[]): string {
  return targets.map((t) => `${t.met ? 'PASS' : 'MISS'}  ${t.name}: ${sig3(t.opsPerSec)} quotes/s at p50, ${sig3(t.cpuOpsPerSec)} sustained per CPU second (target ≥ ${sig3(t.target)})`).join('\n');
}

/** The markdown for bench/results/fare.md and README. */
export function renderFareMarkdown(rows: readonly FareRow[], targets: readonly FareTargetResult[], m: Machine, notes: readonly string[] = []): string {
  const md = [`| ${HEADER.join(' | ')} |`, `|${RIGHT.map((r) => (r ? '---:' : '---')).join('|')}|`];
  for (const row of cells(rows, targets)) md.push(`| ${row.join(' | ')} |`);
  md.push('', ...targets.map((t) => `Target: ${t.name} ≥ ${sig3(t.target)} per second on one core — ${t.met ? 'PASS' : 'MISS'} (${sig3(t.opsPerSec)} at p50; ${sig3(t.cpuOpsPerSec)} sustained per CPU second).`));
  md.push('', `${machineLine(m)}. ${FARE_NOTE}`);
  for (const n of notes) md.push('', n);
  return md.join('\n') + '\n';
}

const sig4 = (n: number): number => Number(n.toPrecision(4));

/** The JSON written to bench/results/fare.json (figures to four significant digits). */
export function buildFareJson(rows: readonly FareRow[], targets: readonly FareTargetResult[], m: Machine, notes: readonly string[] = []): object {
  return {
    date: m.date,
    node: m.node,
    cpu: m.cpu,
    cores: m.cores,
    note: FARE_NOTE,
    notes,
    targets: targets.map((t) => ({ ...t, opsPerSec: sig4(t.opsPerSec), cpuOpsPerSec: sig4(t.cpuOpsPerSec) })),
    rows: rows.map((r) => ({
      caseId: r.caseId,
      op: r.op,
      impl: r.impl,
      opsPerSec: sig4(r.opsPerSec),
      cpuOpsPerSec: sig4(r.cpuOpsPerSec),
      p50Us: sig4(r.p50Us),
      p99Us: sig4(r.p99Us),
      samples: r.samples,
      batch: r.batch,
    })),
  };
}
