// The pure half of the server benchmark (bench/server.bench.ts): latency percentiles, the issue's
// targets, the console and markdown tables and the JSON report. No clock, no I/O:
// test/bench/server-report.test.ts covers it.
import { machineLine, sig3, type Machine } from './report.js';

/** The cases, in report order; --filter matches these ids. */
export const SERVER_CASES = ['http-tap', 'http-tap-busy', 'http-tap-issuing', 'http-tap-512', 'http-apdu', 'ws-apdu-1', 'ws-apdu-8', 'pcsc-apdu'] as const;
export type ServerCaseId = (typeof SERVER_CASES)[number];

/** One measured (or skipped) case. Latencies are client-side, per request or message, in ms. */
export interface ServerRow {
  id: ServerCaseId;
  /** Human name, e.g. 'APDU over HTTP'. */
  name: string;
  /** How the load was made, e.g. '16 connections, 32 cards, SELECT/READ BINARY/GET BALANCE'. */
  setup: string;
  /** 'taps' | 'APDUs' | 'msgs': what perSec counts. */
  unit: string;
  /** Good operations (200 and the expected outcome / SW) per second of the timed run. */
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Good operations in the timed run. */
  count: number;
  /** Anything else: transport errors, timeouts, non-200 replies, unexpected outcomes or SWs. */
  errors: number;
  durationS: number;
  /** CPU seconds the server process used during the timed run (undefined: not measured). */
  serverCpuS?: number;
  /**
   * CPU seconds of the server's busiest thread during the timed run (undefined: not measured). Near
   * the run's duration, that thread bounds the server (the service thread, in `ssc3 serve`).
   */
  busiestThreadCpuS?: number;
  /** CPU seconds the load generator's process used during the timed run (undefined: not measured). */
  loadCpuS?: number;
  /** Set when the case did not run: why (then the figures are NaN). */
  skipped?: string;
}

/** A target of issue 5, on one case: perSec ≥ value, or p99Ms < value. */
export interface ServerTargetSpec {
  id: ServerCaseId;
  name: string;
  metric: 'perSec' | 'p99Ms';
  value: number;
}

export interface ServerTargetResult {
  id: ServerCaseId;
  name: string;
  metric: 'perSec' | 'p99Ms';
  value: number;
  measured: number;
  /** undefined when the case was skipped or not selected. */
  met: boolean | undefined;
}

/**
 * Issue 5, "Speed": the server's targets. Taps per second is a capacity, so its target is on the
 * case that loads the server until it is saturated (http-tap-busy, 256 connections); http-tap,
 * at 16, shows latency under a light load. http-tap-512 (twice the requests in flight) has no
 * target: it shows what more connections give (README "Where 5,000/s stands").
 */
export const SERVER_TARGETS: readonly ServerTargetSpec[] = [
  { id: 'http-tap-busy', name: 'full taps over HTTP, SQLite, 256 connections', metric: 'perSec', value: 5_000 },
  { id: 'http-apdu', name: 'APDUs over HTTP, SQLite', metric: 'perSec', value: 10_000 },
  { id: 'ws-apdu-1', name: 'WebSocket APDU round trip p99', metric: 'p99Ms', value: 2 },
  { id: 'pcsc-apdu', name: 'APDUs through pcscd + vpcd', metric: 'perSec', value: 4_000 },
];

export const SERVER_NOTE =
  'The server runs in a child process (`ssc3 serve --data <tmp>`: SQLite, WAL, every reply after the fsync of its commit, group commits on a writer thread; HTTP in the main thread, the cards, terminals and store in a service thread); ' +
  'the load comes from a second process (a lean HTTP/1.1 client on node:net for HTTP, which checks every reply as autocannon would for about half its CPU; the ws client for WebSocket; pyscard through pcscd for PC/SC) ' +
  'that shares the machine’s cores with the server (see the machine line), so the load generator takes CPU from the server. Latencies are client-side. ' +
  '"per server CPU s" = good operations per CPU second (user + system) of the server process during the timed run: ' +
  'what one core given to the server alone could approach. ' +
  '"cores" = CPU seconds per second of the timed run, of the server process (in brackets: of its busiest thread) and of the load generator (pyscard and pcscd not counted): ' +
  'a busiest thread near 1.00 bounds the server, whatever the machine has left. ' +
  'Only 200 replies with the expected outcome or status word count; everything else is an error. ' +
  'The machine may be running other jobs: figures are noisy.';

/**
 * The p-th percentile (0 ≤ p ≤ 100) of ascending `sorted` by nearest rank: the smallest value with
 * at least p % of the values at or below it (p = 0 gives the minimum, 100 the maximum).
 * @throws RangeError for an empty array or p outside [0, 100].
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('"sorted" expected at least one value, got length=0');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`"p" expected a number in [0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50, p99 and max of unsorted latencies (the array is sorted in place). @throws RangeError when empty */
export function latencySummary(latenciesMs: Float64Array | number[]): { p50Ms: number; p99Ms: number; maxMs: number } {
  const a = latenciesMs instanceof Float64Array ? latenciesMs.sort() : Float64Array.from(latenciesMs).sort();
  return { p50Ms: percentile(a, 50), p99Ms: percentile(a, 99), maxMs: a[a.length - 1] };
}

/** A row for a case that did not run. */
export function skippedRow(id: ServerCaseId, name: string, setup: string, unit: string, reason: string): ServerRow {
  return { id, name, setup, unit, perSec: NaN, p50Ms: NaN, p99Ms: NaN, maxMs: NaN, count: 0, errors: 0, durationS: 0, skipped: reason };
}

/** Evaluates every target against the rows (met undefined when its case is missing or skipped). */
export function evaluateServerTargets(rows: readonly ServerRow[], specs: readonly ServerTargetSpec[] = SERVER_TARGETS): ServerTargetResult[] {
  return specs.map((t) => {
    const row = rows.find((r) => r.id === t.id);
    if (row === undefined || row.skipped !== undefined) return { ...t, measured: NaN, met: undefined };
    const measured = row[t.metric];
    return { ...t, measured, met: t.metric === 'perSec' ? measured >= t.value : measured < t.value };
  });
}

// ---------------------------------------------------------------------------------------------
// Formats.

/** Milliseconds with three significant digits; '' for NaN. */
function ms(n: number): string {
  return Number.isNaN(n) ? '' : sig3(n);
}

function status(t: ServerTargetResult | undefined): string {
  if (t === undefined) return '';
  return t.met === undefined ? 'skipped' : t.met ? 'PASS' : 'MISS';
}

const HEADER = ['Case', 'Load', 'per s', 'per server CPU s', 'cores: server (busiest thread) / load', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'target'] as const;
const RIGHT = [false, false, true, true, true, true, true, true, true, false] as const;

/**
 * "1.27 (0.98) / 0.21": CPU seconds per second of the run, of the server (of its busiest thread, when
 * measured) and of the load generator; '' when neither was measured.
 */
export function coresText(r: ServerRow): string {
  const per = (s: number | undefined) => (s === undefined || !(r.durationS > 0) ? '–' : (s / r.durationS).toFixed(2));
  const busiest = r.busiestThreadCpuS === undefined ? '' : ` (${per(r.busiestThreadCpuS)})`;
  return r.serverCpuS === undefined && r.loadCpuS === undefined ? '' : `${per(r.serverCpuS)}${busiest} / ${per(r.loadCpuS)}`;
}

/** Good operations per CPU second of the server process; undefined when not measured. */
export function perServerCpuSec(r: ServerRow): number | undefined {
  return r.serverCpuS === undefined || r.serverCpuS <= 0 ? undefined : r.count / r.serverCpuS;
}

/** The target wording of a spec, e.g. '≥ 5,000 taps/s' or 'p99 < 2 ms'. */
export function targetText(t: ServerTargetSpec, unit: string): string {
  return t.metric === 'perSec' ? `≥ ${sig3(t.value)} ${unit}/s` : `p99 < ${sig3(t.value)} ms`;
}

/** Table cells, one row per case. A skipped case says why in the load column. */
export function serverCells(rows: readonly ServerRow[], targets: readonly ServerTargetResult[]): string[][] {
  return rows.map((r) => {
    const t = targets.find((x) => x.id === r.id);
    if (r.skipped !== undefined) return [r.name, `skipped: ${r.skipped}`, '', '', '', '', '', '', '', t === undefined ? '' : `${targetText(t, r.unit)}: skipped`];
    const perCpu = perServerCpuSec(r);
    return [
      r.name,
      r.setup,
      `${sig3(r.perSec)} ${r.unit}/s`,
      perCpu === undefined ? '' : sig3(perCpu),
      coresText(r),
      ms(r.p50Ms),
      ms(r.p99Ms),
      ms(r.maxMs),
      String(r.errors),
      t === undefined ? '' : `${targetText(t, r.unit)}: ${status(t)}`,
    ];
  });
}

/** Fixed-width text table for the console. */
export function renderServerTable(rows: readonly ServerRow[], targets: readonly ServerTargetResult[]): string {
  const c = serverCells(rows, targets);
  const widths = HEADER.map((h, k) => Math.max(h.length, ...c.map((row) => row[k].length)));
  const line = (row: readonly string[]): string =>
    row.map((v, k) => (RIGHT[k] ? v.padStart(widths[k]) : v.padEnd(widths[k]))).join('  ').trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...c.map(line)].join('\n');
}

/** One line per target, e.g. `PASS  APDUs over HTTP, SQLite  12,345 APDUs/s  (target ≥ 10,000 APDUs/s)`. */
export function renderServerTargets(rows: readonly ServerRow[], targets: readonly ServerTargetResult[]): string {
  const w = Math.max(0, ...targets.map((t) => t.name.length));
  return targets
    .map((t) => {
      const unit = rows.find((r) => r.id === t.id)?.unit ?? '';
      const got = t.met === undefined ? 'not measured' : t.metric === 'perSec' ? `${sig3(t.measured)} ${unit}/s` : `p99 ${sig3(t.measured)} ms`;
      return `${status(t).padEnd(7)} ${t.name.padEnd(w)}  ${got}  (target ${targetText(t, unit)})`;
    })
    .join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The markdown for README and server.md: the table, then the machine line and the note. */
export function renderServerMarkdown(rows: readonly ServerRow[], targets: readonly ServerTargetResult[], m: Machine): string {
  const md = [`| ${HEADER.join(' | ')} |`, `|${RIGHT.map((r) => (r ? '---:' : '---')).join('|')}|`];
  for (const row of serverCells(rows, targets)) md.push(`| ${row.map(mdCell).join(' | ')} |`);
  md.push('', `${machineLine(m)}. ${SERVER_NOTE}`);
  return md.join('\n') + '\n';
}

const sig4 = (n: number): number | null => (Number.isFinite(n) ? Number(n.toPrecision(4)) : null);

/** The JSON written to bench/results/server.json (figures to four significant digits; null when skipped). */
export function buildServerJson(rows: readonly ServerRow[], targets: readonly ServerTargetResult[], m: Machine): object {
  return {
    date: m.date,
    node: m.node,
    cpu: m.cpu,
    cores: m.cores,
    note: SERVER_NOTE,
    cases: rows.map((r) => ({
      id: r.id,
      name: r.name,
      setup: r.setup,
      unit: r.unit,
      perSec: sig4(r.perSec),
      p50Ms: sig4(r.p50Ms),
      p99Ms: sig4(r.p99Ms),
      maxMs: sig4(r.maxMs),
      count: r.count,
      errors: r.errors,
      durationS: sig4(r.durationS),
      ...(r.serverCpuS === undefined ? {} : { serverCpuS: sig4(r.serverCpuS), perServerCpuSec: sig4(perServerCpuSec(r) ?? NaN) }),
      ...(r.busiestThreadCpuS === undefined ? {} : { busiestThreadCpuS: sig4(r.busiestThreadCpuS) }),
      ...(r.loadCpuS === undefined ? {} : { loadCpuS: sig4(r.loadCpuS) }),
      ...(r.skipped === undefined ? {} : { skipped: r.skipped }),
    })),
    targets: targets.map((t) => ({ id: t.id, name: t.name, metric: t.metric, target: t.value, measured: sig4(t.measured), met: t.met ?? null })),
  };
}
