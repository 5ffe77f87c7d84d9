// The pure parts of the transit tap benchmark: the taps/s target, tables and JSON. No timing is
// asserted here, ever (the tap rig itself runs in `npm run bench`).
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../bench/lib/report.js';
import { replaceMarkedSection } from '../../bench/lib/report.js';
import {
  buildTapJson,
  evaluateTapTargets,
  renderTapMarkdown,
  renderTapTable,
  renderTapTargets,
  TAP_TARGET_PER_SEC,
  type TapRow,
} from '../../bench/lib/transit-report.js';

const row = (profile: string, tapsPerSec: number): TapRow => ({
  profile,
  tapsPerSec,
  meanUs: 1e6 / tapsPerSec,
  p50Us: 0.8e6 / tapsPerSec,
  p99Us: 3e6 / tapsPerSec,
  apdusPerTap: 10,
  samples: 1234,
});

const ROWS = [row('3des', 31_250), row('sm4', 20_000)];
const MACHINE: Machine = { date: '2025-01-02T03:04:05.000Z', node: 'v20.20.2', openssl: '3.0.19', cpu: 'Test CPU', cores: 2 };

describe('taps/s target', () => {
  it('is the issue’s 25 000 taps/s, met at the boundary', () => {
    expect(TAP_TARGET_PER_SEC).toBe(25_000);
    expect(evaluateTapTargets([row('a', 25_000), row('b', 24_999.9)]).map((t) => t.met)).toEqual([true, false]);
  });

  it('prints one PASS/MISS line per profile', () => {
    expect(renderTapTargets(evaluateTapTargets(ROWS)).split('\n')).toEqual([
      'PASS  3des  31,250 taps/s  (target ≥ 25,000)',
      'MISS  sm4   20,000 taps/s  (target ≥ 25,000)',
    ]);
  });
});

describe('tables', () => {
  it('renders the markdown table with the verdict per profile, then the note', () => {
    const lines = renderTapMarkdown(ROWS, evaluateTapTargets(ROWS), MACHINE).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '| Gate exit tap | taps/s | mean µs | p50 µs | p99 µs | APDUs/tap | target |',
      '|---|---:|---:|---:|---:|---:|---|',
      '| 3des profile | 31,250 | 32 | 25.6 | 96 | 10 | PASS |',
      '| sm4 profile | 20,000 | 50 | 40 | 150 | 10 | MISS |',
    ]);
    expect(lines[5].startsWith('Target: ≥ 25,000 taps/s per profile. Node v20.20.2 · OpenSSL 3.0.19 · Test CPU · 2 cores · 2025-01-02 03:04 UTC.')).toBe(true);
  });

  it('renders an aligned text table', () => {
    const lines = renderTapTable(ROWS, evaluateTapTargets(ROWS)).split('\n');
    expect(lines[0]).toMatch(/^Gate exit tap\s+taps\/s\s+mean µs\s+p50 µs\s+p99 µs\s+APDUs\/tap\s+target$/);
    expect(lines[2]).toMatch(/^3des profile\s+31,250\s+32\s+25\.6\s+96\s+10\s+PASS$/);
  });

  it('fits between the README markers bench:transit', () => {
    const md = renderTapMarkdown(ROWS, evaluateTapTargets(ROWS), MACHINE);
    const readme = 'a\n<!-- bench:crypto -->\nc\n<!-- /bench:crypto -->\n<!-- bench:transit -->\nold\n<!-- /bench:transit -->\nz\n';
    const next = replaceMarkedSection(readme, md, 'transit')!;
    expect(next).toContain('<!-- bench:crypto -->\nc\n<!-- /bench:crypto -->');
    expect(next).toContain(`<!-- bench:transit -->\n${md.trimEnd()}\n<!-- /bench:transit -->`);
  });
});

describe('JSON report', () => {
  it('has the documented shape, figures to four significant digits', () => {
    const json = buildTapJson([row('3des', 31_234.5678)], evaluateTapTargets([row('3des', 31_234.5678)]), MACHINE) as {
      target: number;
      profiles: object[];
    };
    expect(json.target).toBe(25_000);
    expect(json.profiles[0]).toEqual({ profile: '3des', tapsPerSec: 31230, meanUs: 32.02, p50Us: 25.61, p99Us: 96.05, apdusPerTap: 10, samples: 1234, met: true });
  });
});
