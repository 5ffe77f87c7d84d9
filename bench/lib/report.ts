// The pure half of the benchmark: ratios and targets, the console and markdown tables, the JSON
// report and the README section swap. No clock, no I/O: test/bench/report.test.ts covers it.

/** One measured row. ops/s is 1000 / p50 latency. */
export interface RowResult {
  caseId: string;
  op: string;
  impl: string;
  opsPerSec: number;
  mbPerSec?: number;
  p50Us: number;
  p99Us: number;
  samples: number;
  /** Calls per sample (1: each call timed on its own). */
  batch: number;
}

/** A speed target: ssc3's row ÷ the peer's row, both from the same case and run, ≥ min. */
export interface TargetSpec {
  name: string;
  caseId: string;
  peer: string;
  min: number;
  /** ssc3's row; the case's first row when omitted. */
  ours?: string;
}

export interface TargetResult {
  name: string;
  ratio: number;
  target: number;
  met: boolean;
}

export interface Machine {
  date: string;
  node: string;
  openssl: string;
  cpu: string;
  cores: number;
}

export const NOTE =
  'One thread on one core, no workers; peers measured in the same run. ops/s = 1 / median latency; ' +
  'calls under 0.1 ms are timed in batches (p50/p99 then describe batch means). The machine may be ' +
  'running other jobs: trust the ratios more than the absolute figures.';

/** Whether a row is one of ssc3's (no ratio is shown for those). */
export function isOurs(impl: string): boolean {
  return impl === 'ssc3' || impl.startsWith('ssc3 ');
}

/** ssc3's primary row of each case: the first result with that caseId. */
function primaryOf(rows: readonly RowResult[], caseId: string): RowResult | undefined {
  return rows.find((r) => r.caseId === caseId);
}

/** ssc3 ÷ peer for a peer row; undefined for ssc3's rows. */
export function ratioOf(rows: readonly RowResult[], row: RowResult): number | undefined {
  if (isOurs(row.impl)) return undefined;
  const ours = primaryOf(rows, row.caseId);
  return ours === undefined ? undefined : ours.opsPerSec / row.opsPerSec;
}

/**
 * Evaluates the targets whose case was measured (others are skipped: --filter).
 * @throws Error when a measured case lacks the row a target names (a typo, not a filter).
 */
export function evaluateTargets(rows: readonly RowResult[], specs: readonly TargetSpec[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const t of specs) {
    const caseRows = rows.filter((r) => r.caseId === t.caseId);
    if (caseRows.length === 0) continue;
    const ours = t.ours === undefined ? caseRows[0] : caseRows.find((r) => r.impl === t.ours);
    const peer = caseRows.find((r) => r.impl === t.peer);
    if (ours === undefined || peer === undefined) {
      const missing = ours === undefined ? t.ours : t.peer;
      throw new Error(`target "${t.name}": case ${t.caseId} has no row "${missing}"`);
    }
    const ratio = ours.opsPerSec / peer.opsPerSec;
    out.push({ name: t.name, ratio, target: t.min, met: ratio >= t.min });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Number formats.

function thousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Three significant digits, never an exponent; whole numbers with separators from 1000 up. */
export function sig3(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return thousands(n);
  return String(Number(n.toPrecision(3)));
}

export function fmtRatio(r: number): string {
  return `${r.toFixed(2)}×`;
}

// ---------------------------------------------------------------------------------------------
// Tables.

const HEADER = ['Operation', 'Implementation', 'ops/s', 'MB/s', 'p50 µs', 'p99 µs', 'ssc3 ÷ peer'] as const;
// Left-aligned text columns, right-aligned numbers.
const RIGHT = [false, false, true, true, true, true, true] as const;

/** Table cells: the operation is named on the first row of its case only. */
export function tableCells(rows: readonly RowResult[]): string[][] {
  return rows.map((r, i) => {
    const ratio = ratioOf(rows, r);
    return [
      i > 0 && rows[i - 1].caseId === r.caseId ? '' : r.op,
      r.impl,
      sig3(r.opsPerSec),
      r.mbPerSec === undefined ? '' : sig3(r.mbPerSec),
      sig3(r.p50Us),
      sig3(r.p99Us),
      ratio === undefined ? '' : fmtRatio(ratio),
    ];
  });
}

/** Fixed-width text table for the console, a blank line between cases. */
export function renderTextTable(rows: readonly RowResult[]): string {
  const cells = tableCells(rows);
  const widths = HEADER.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: readonly string[]): string =>
    row.map((v, c) => (RIGHT[c] ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ').trimEnd();
  const out = [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  ')];
  cells.forEach((row, i) => {
    if (i > 0 && row[0] !== '') out.push('');
    out.push(line(row));
  });
  return out.join('\n');
}

/** PASS/MISS lines, one per target. */
export function renderTargets(targets: readonly TargetResult[]): string {
  const w = Math.max(0, ...targets.map((t) => t.name.length));
  return targets
    .map((t) => `${t.met ? 'PASS' : 'MISS'}  ${t.name.padEnd(w)}  ${fmtRatio(t.ratio).padStart(7)}  (target ≥ ${fmtRatio(t.target)})`)
    .join('\n');
}

export function machineLine(m: Machine): string {
  // 2025-01-02T03:04:05.000Z → 2025-01-02 03:04 UTC
  const when = `${m.date.slice(0, 10)} ${m.date.slice(11, 16)} UTC`;
  return `Node ${m.node} · OpenSSL ${m.openssl} · ${m.cpu} · ${m.cores} cores · ${when}`;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The markdown for README: results table, targets table, machine line and note. */
export function renderMarkdown(rows: readonly RowResult[], targets: readonly TargetResult[], m: Machine): string {
  const md: string[] = [];
  md.push(`| ${HEADER.join(' | ')} |`);
  md.push(`|${RIGHT.map((r) => (r ? '---:' : '---')).join('|')}|`);
  for (const row of tableCells(rows)) md.push(`| ${row.map(mdCell).join(' | ')} |`);
  if (targets.length > 0) {
    md.push('', '| Target | Measured | Wanted | |', '|---|---:|---:|---|');
    for (const t of targets) {
      md.push(`| ${mdCell(t.name)} | ${fmtRatio(t.ratio)} | ≥ ${fmtRatio(t.target)} | ${t.met ? 'PASS' : 'MISS'} |`);
    }
  }
  md.push('', `${machineLine(m)}. ${NOTE}`);
  return md.join('\n') + '\n';
}

/** Four significant digits: the run-to-run spread is far wider, and diffs stay readable. */
export const sig4 = (n: number): number => Number(n.toPrecision(4));

/** The JSON written to bench/results/crypto.json (figures to four significant digits). */
export function buildJson(rows: readonly RowResult[], targets: readonly TargetResult[], m: Machine): object {
  return {
    date: m.date,
    node: m.node,
    openssl: m.openssl,
    cpu: m.cpu,
    cores: m.cores,
    note: NOTE,
    cases: rows.map((r) => ({
      op: r.op,
      impl: r.impl,
      opsPerSec: sig4(r.opsPerSec),
      ...(r.mbPerSec === undefined ? {} : { mbPerSec: sig4(r.mbPerSec) }),
      p50Us: sig4(r.p50Us),
      p99Us: sig4(r.p99Us),
      samples: r.samples,
      batch: r.batch,
    })),
    targets: targets.map((t) => ({ name: t.name, ratio: sig4(t.ratio), target: t.target, met: t.met })),
  };
}

// ---------------------------------------------------------------------------------------------
// README section.

/**
 * Replaces what lies between `<!-- bench:NAME -->` and the next `<!-- /bench:NAME -->` (or, when
 * there is none, a second `<!-- bench:NAME -->`), keeping both markers and everything outside.
 * @returns the new text, or undefined when the markers are not both there.
 */
export function replaceMarkedSection(text: string, body: string, name = 'crypto'): string | undefined {
  const open = `<!-- bench:${name} -->`;
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const from = start + open.length;
  let end = text.indexOf(`<!-- /bench:${name} -->`, from);
  if (end < 0) end = text.indexOf(open, from);
  if (end < 0) return undefined;
  return `${text.slice(0, from)}\n${body.trimEnd()}\n${text.slice(end)}`;
}
