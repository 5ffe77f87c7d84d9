// The pure half of the transit benchmark: the taps/s target, the console and markdown tables and
// the JSON report. No clock, no I/O: test/bench/transit-report.test.ts covers it.
import { machineLine, sig3, sig4, type Machine } from './report.js';

/** One profile's exit tap, measured. */
export interface TapRow {
  /** Purse profile: '3des' or 'sm4'. */
  profile: string;
  /** 1 / mean latency: GC pauses included. */
  tapsPerSec: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  /** APDUs of one exit tap, card and PSAM together. */
  apdusPerTap: number;
  samples: number;
}

export interface TapTargetResult {
  profile: string;
  tapsPerSec: number;
  target: number;
  met: boolean;
}

/** The target: a full gate exit in-process, on one core. */
export const TAP_TARGET_PER_SEC = 25_000;

export const TAP_NOTE =
  'Full gate exit in-process (card and PSAM on in-memory readers, no trace hook), one thread on one core; ' +
  'the entry tap before each exit is not timed. taps/s = 1 / mean exit latency (GC pauses included), best of the rounds. ' +
  'The machine may be running other jobs: compare figures from the same run.';

/** PASS/MISS of each row against `target` taps/s. */
export function evaluateTapTargets(rows: readonly TapRow[], target = TAP_TARGET_PER_SEC): TapTargetResult[] {
  return rows.map((r) => ({ profile: r.profile, tapsPerSec: r.tapsPerSec, target, met: r.tapsPerSec >= target }));
}

const HEADER = ['Gate exit tap', 'taps/s', 'mean µs', 'p50 µs', 'p99 µs', 'APDUs/tap', 'target'] as const;
const RIGHT = [false, true, true, true, true, true, false] as const;

function cells(rows: readonly TapRow[], targets: readonly TapTargetResult[]): string[][] {
  return rows.map((r, i) => [
    `${r.profile} profile`,
    sig3(r.tapsPerSec),
    sig3(r.meanUs),
    sig3(r.p50Us),
    sig3(r.p99Us),
    String(r.apdusPerTap),
    targets[i] === undefined ? '' : targets[i].met ? 'PASS' : 'MISS',
  ]);
}

/** Fixed-width text table for the console. */
export function renderTapTable(rows: readonly TapRow[], targets: readonly TapTargetResult[]): string {
  const c = cells(rows, targets);
  const widths = HEADER.map((h, k) => Math.max(h.length, ...c.map((row) => row[k].length)));
  const line = (row: readonly string[]): string =>
    row.map((v, k) => (RIGHT[k] ? v.padStart(widths[k]) : v.padEnd(widths[k]))).join('  ').trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...c.map(line)].join('\n');
}

/** One PASS/MISS line per profile, e.g. `PASS  3des  31,234 taps/s  (target ≥ 25,000)`. */
export function renderTapTargets(targets: readonly TapTargetResult[]): string {
  const w = Math.max(0, ...targets.map((t) => t.profile.length));
  const n = Math.max(0, ...targets.map((t) => sig3(t.tapsPerSec).length));
  return targets
    .map((t) => `${t.met ? 'PASS' : 'MISS'}  ${t.profile.padEnd(w)}  ${sig3(t.tapsPerSec).padStart(n)} taps/s  (target ≥ ${sig3(t.target)})`)
    .join('\n');
}

/** The markdown for README: the table, then the machine line and the note. */
export function renderTapMarkdown(rows: readonly TapRow[], targets: readonly TapTargetResult[], m: Machine): string {
  const md = [`| ${HEADER.join(' | ')} |`, `|${RIGHT.map((r) => (r ? '---:' : '---')).join('|')}|`];
  for (const row of cells(rows, targets)) md.push(`| ${row.join(' | ')} |`);
  const target = targets[0]?.target ?? TAP_TARGET_PER_SEC;
  md.push('', `Target: ≥ ${sig3(target)} taps/s per profile. ${machineLine(m)}. ${TAP_NOTE}`);
  return md.join('\n') + '\n';
}

/** The JSON written to bench/results/transit.json (figures to four significant digits). */
export function buildTapJson(rows: readonly TapRow[], targets: readonly TapTargetResult[], m: Machine): object {
  return {
    date: m.date,
    node: m.node,
    cpu: m.cpu,
    cores: m.cores,
    note: TAP_NOTE,
    target: targets[0]?.target ?? TAP_TARGET_PER_SEC,
    profiles: rows.map((r, i) => ({
      profile: r.profile,
      tapsPerSec: sig4(r.tapsPerSec),
      meanUs: sig4(r.meanUs),
      p50Us: sig4(r.p50Us),
      p99Us: sig4(r.p99Us),
      apdusPerTap: r.apdusPerTap,
      samples: r.samples,
      met: targets[i]?.met ?? false,
    })),
  };
}
