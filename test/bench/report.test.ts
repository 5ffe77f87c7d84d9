// The pure parts of the crypto benchmark: ratios, targets, tables and the README section swap.
// No timing is asserted here, ever.
import { describe, expect, it } from 'vitest';
import { MAX_CONNECTIONS, parseFlags, partialRun, readmeAllowed, resultsDirOf } from '../../bench/lib/cli.js';
import { batchSize } from '../../bench/lib/measure.js';
import {
  buildJson,
  evaluateTargets,
  ratioOf,
  renderMarkdown,
  renderTargets,
  renderTextTable,
  replaceMarkedSection,
  sig3,
  type Machine,
  type RowResult,
} from '../../bench/lib/report.js';

const row = (caseId: string, impl: string, opsPerSec: number, extra: Partial<RowResult> = {}): RowResult => ({
  caseId,
  op: caseId.toUpperCase(),
  impl,
  opsPerSec,
  p50Us: 1e6 / opsPerSec,
  p99Us: 2e6 / opsPerSec,
  samples: 100,
  batch: 1,
  ...extra,
});

const ROWS: RowResult[] = [
  row('sm3', 'ssc3', 300, { mbPerSec: 314.6 }),
  row('sm3', 'sm-crypto-v2', 100, { mbPerSec: 104.9 }),
  row('sm3', 'node:crypto', 600, { mbPerSec: 629.1 }),
  row('sign', 'ssc3 (prepared key)', 4000),
  row('sign', 'ssc3 (key bytes)', 2000),
  row('sign', 'sm-crypto-v2', 1000),
];

const MACHINE: Machine = { date: '2025-01-02T03:04:05.000Z', node: 'v20.20.2', openssl: '3.0.19', cpu: 'Test CPU', cores: 2 };

describe('ratios and targets', () => {
  it('divides the case’s first (ssc3) row by each peer row, and gives none for ssc3 rows', () => {
    expect(ROWS.map((r) => ratioOf(ROWS, r))).toEqual([undefined, 3, 0.5, undefined, undefined, 4]);
  });

  it('marks each target met or missed, the boundary included', () => {
    const got = evaluateTargets(ROWS, [
      { name: 'a', caseId: 'sm3', peer: 'sm-crypto-v2', min: 3 },
      { name: 'b', caseId: 'sm3', peer: 'node:crypto', min: 0.51 },
      { name: 'c', caseId: 'sign', peer: 'sm-crypto-v2', min: 2.5, ours: 'ssc3 (key bytes)' },
    ]);
    expect(got).toEqual([
      { name: 'a', ratio: 3, target: 3, met: true },
      { name: 'b', ratio: 0.5, target: 0.51, met: false },
      { name: 'c', ratio: 2, target: 2.5, met: false },
    ]);
    expect(renderTargets(got).split('\n').map((l) => l.slice(0, 4))).toEqual(['PASS', 'MISS', 'MISS']);
  });

  it('skips targets of cases not run (--filter) but throws on a row name that does not exist', () => {
    expect(evaluateTargets(ROWS, [{ name: 'x', caseId: 'verify', peer: 'sm-crypto-v2', min: 1 }])).toEqual([]);
    expect(() => evaluateTargets(ROWS, [{ name: 'x', caseId: 'sm3', peer: 'sm-crypto-v3', min: 1 }])).toThrow(
      'target "x": case sm3 has no row "sm-crypto-v3"',
    );
  });
});

describe('tables', () => {
  it('formats numbers with three significant digits and thousands separators', () => {
    expect([sig3(0.123456), sig3(12.345), sig3(999.4), sig3(1234.5), sig3(1234567)]).toEqual(['0.123', '12.3', '999', '1,235', '1,234,567']);
  });

  it('renders the markdown table: op on the first row of a case, MB/s only where it applies', () => {
    const targets = evaluateTargets(ROWS, [{ name: 'SM3 vs v2', caseId: 'sm3', peer: 'sm-crypto-v2', min: 1.4 }]);
    const lines = renderMarkdown(ROWS, targets, MACHINE).split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '| Operation | Implementation | ops/s | MB/s | p50 µs | p99 µs | ssc3 ÷ peer |',
      '|---|---|---:|---:|---:|---:|---:|',
      '| SM3 | ssc3 | 300 | 315 | 3,333 | 6,667 |  |',
      '|  | sm-crypto-v2 | 100 | 105 | 10,000 | 20,000 | 3.00× |',
      '|  | node:crypto | 600 | 629 | 1,667 | 3,333 | 0.50× |',
      '| SIGN | ssc3 (prepared key) | 4,000 |  | 250 | 500 |  |',
      '|  | ssc3 (key bytes) | 2,000 |  | 500 | 1,000 |  |',
      '|  | sm-crypto-v2 | 1,000 |  | 1,000 | 2,000 | 4.00× |',
    ]);
    expect(lines).toContain('| SM3 vs v2 | 3.00× | ≥ 1.40× | PASS |');
    expect(lines.some((l) => l.startsWith('Node v20.20.2 · OpenSSL 3.0.19 · Test CPU · 2 cores · 2025-01-02 03:04 UTC'))).toBe(true);
  });

  it('renders an aligned text table with a blank line between cases', () => {
    const lines = renderTextTable(ROWS).split('\n');
    expect(lines[0]).toMatch(/^Operation\s+Implementation\s+ops\/s\s+MB\/s\s+p50 µs\s+p99 µs\s+ssc3 ÷ peer$/);
    expect(lines.indexOf('')).toBe(5);
    expect(lines[3].endsWith('3.00×')).toBe(true);
  });
});

describe('README section', () => {
  const body = '| a | b |\n';

  it('replaces only what lies between <!-- bench:crypto --> and <!-- /bench:crypto -->', () => {
    const text = 'intro\n<!-- bench:crypto -->\nold\nstuff\n<!-- /bench:crypto -->\noutro\n';
    expect(replaceMarkedSection(text, body)).toBe('intro\n<!-- bench:crypto -->\n| a | b |\n<!-- /bench:crypto -->\noutro\n');
  });

  it('also takes a second <!-- bench:crypto --> as the end marker', () => {
    const text = 'x <!-- bench:crypto -->old<!-- bench:crypto --> y';
    expect(replaceMarkedSection(text, body)).toBe('x <!-- bench:crypto -->\n| a | b |\n<!-- bench:crypto --> y');
  });

  it('is idempotent', () => {
    const once = replaceMarkedSection('<!-- bench:crypto --><!-- /bench:crypto -->', body)!;
    expect(replaceMarkedSection(once, body)).toBe(once);
  });

  it('returns undefined when a marker is missing', () => {
    expect(replaceMarkedSection('no markers here', body)).toBeUndefined();
    expect(replaceMarkedSection('<!-- bench:crypto --> only the start', body)).toBeUndefined();
    expect(replaceMarkedSection('<!-- bench:other -->x<!-- /bench:other -->', body)).toBeUndefined();
  });
});

describe('flags and batching', () => {
  it('parses the flags and rejects bad values', () => {
    const f = parseFlags(['--quick', '--filter', 'sm2|sm3', '--time', '250']);
    expect([f.quick, f.filter?.test('SM2 sign'), f.timeMs, f.out, f.readme]).toEqual([true, true, 250, undefined, false]);
    expect(() => parseFlags(['--time', '0'])).toThrow(RangeError);
    expect(() => parseFlags(['--filter', '('])).toThrow(RangeError);
    expect(() => parseFlags(['--nope'])).toThrow(TypeError);
  });

  it('takes --connections for the server benchmark: an integer from 1 to MAX_CONNECTIONS', () => {
    expect(parseFlags(['--connections', '64']).connections).toBe(64);
    expect(parseFlags([])).not.toHaveProperty('connections');
    for (const bad of ['0', '1.5', 'x', String(MAX_CONNECTIONS + 1)]) expect(() => parseFlags(['--connections', bad])).toThrow(/--connections/);
  });

  it('takes --client for the server benchmark: lean or autocannon', () => {
    expect(parseFlags(['--client', 'autocannon']).client).toBe('autocannon');
    expect(parseFlags(['--client', 'lean']).client).toBe('lean');
    expect(parseFlags([])).not.toHaveProperty('client');
    for (const bad of ['', 'wrk', 'Lean']) expect(() => parseFlags(['--client', bad])).toThrow(/--client/);
  });

  it('batches calls shorter than the batch time', () => {
    expect([batchSize(0.5, 0.1), batchSize(0.1, 0.1), batchSize(0.001, 0.1), batchSize(0, 0.1)]).toEqual([1, 1, 100, 100_000]);
  });
});

describe('JSON report', () => {
  it('has the documented shape, figures to four significant digits', () => {
    const rows = [row('sm3', 'ssc3', 123456.789, { mbPerSec: 7.654321 }), row('sm3', 'node:crypto', 1000)];
    const targets = evaluateTargets(rows, [{ name: 't', caseId: 'sm3', peer: 'node:crypto', min: 1 }]);
    const json = buildJson(rows, targets, MACHINE) as { date: string; cases: object[]; targets: object[] };
    expect(json.date).toBe(MACHINE.date);
    expect(json.cases[0]).toEqual({ op: 'SM3', impl: 'ssc3', opsPerSec: 123500, mbPerSec: 7.654, p50Us: 8.1, p99Us: 16.2, samples: 100, batch: 1 });
    expect(json.cases[1]).not.toHaveProperty('mbPerSec');
    expect(json.targets).toEqual([{ name: 't', ratio: 123.5, target: 1, met: true }]);
  });
});

describe('where a run writes', () => {
  it('a full run writes bench/results (or --out); a quick or filtered one only where --out says', () => {
    const root = '/r';
    expect(resultsDirOf(parseFlags([]), root)).toBe('/r/bench/results');
    expect(resultsDirOf(parseFlags(['--out', '/o']), root)).toBe('/o');
    expect(resultsDirOf(parseFlags(['--quick']), root)).toBeUndefined();
    expect(resultsDirOf(parseFlags(['--filter', 'sm2']), root)).toBeUndefined();
    expect(resultsDirOf(parseFlags(['--filter', 'sm2', '--out', '/o']), root)).toBe('/o');
    expect(resultsDirOf(parseFlags([]), root, 'SSC3_SERVER_ARGS=--memory')).toBeUndefined();
  });

  it('--readme rewrites the README after a full run only', () => {
    expect(readmeAllowed(parseFlags([]))).toBe(false);
    expect(readmeAllowed(parseFlags(['--readme']))).toBe(true);
    expect(readmeAllowed(parseFlags(['--readme', '--filter', 'sm2']))).toBe(false);
    expect(readmeAllowed(parseFlags(['--readme', '--quick']))).toBe(false);
    expect(readmeAllowed(parseFlags(['--readme']), 'SSC3_SERVER_ARGS=--memory')).toBe(false);
    expect(partialRun(parseFlags(['--quick', '--filter', 'x']))).toBe('--quick');
  });
});
