// The pure parts of the server benchmark: percentiles, targets, tables and JSON. No timing is
// asserted here, ever (the load itself runs in `npm run bench`).
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../bench/lib/report.js';
import { replaceMarkedSection } from '../../bench/lib/report.js';
import {
  buildServerJson,
  evaluateServerTargets,
  latencySummary,
  percentile,
  perServerCpuSec,
  renderServerMarkdown,
  coresText,
  renderServerTable,
  renderServerTargets,
  SERVER_TARGETS,
  skippedRow,
  type ServerCaseId,
  type ServerRow,
} from '../../bench/lib/server-report.js';
import { apduCase, APDU_MIX, tapCase, type PooledCard, type TapState } from '../../bench/lib/http-load.js';
import { busiestThreadSeconds, serveArgs, threadCpuSecondsOf, wordsOf } from '../../bench/lib/server-process.js';

const MACHINE: Machine = { date: '2025-01-02T03:04:05.000Z', node: 'v20.20.2', openssl: '3.0.19', cpu: 'Test CPU', cores: 2 };

const row = (id: ServerCaseId, perSec: number, p99Ms: number, unit = 'APDUs'): ServerRow => ({
  id,
  name: `case ${id}`,
  setup: 'some load',
  unit,
  perSec,
  p50Ms: p99Ms / 4,
  p99Ms,
  maxMs: p99Ms * 3,
  count: Math.round(perSec * 10),
  errors: 0,
  durationS: 10,
});

describe('percentile (nearest rank)', () => {
  const a = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  it.each([
    [0, 1],
    [10, 1],
    [11, 2],
    [50, 5],
    [51, 6],
    [90, 9],
    [99, 10],
    [100, 10],
  ])('p%d of 1..10 is %d', (p, want) => {
    expect(percentile(a, p)).toBe(want);
  });

  it('p99 of 1..1000 is 990, p50 is 500', () => {
    const big = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(big, 99)).toBe(990);
    expect(percentile(big, 50)).toBe(500);
  });

  it('one value is every percentile', () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });

  it('rejects an empty array and p outside [0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([], 50)).toThrow('"sorted" expected at least one value, got length=0');
    expect(() => percentile([1], -1)).toThrow('"p" expected a number in [0, 100], got -1');
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], NaN)).toThrow(RangeError);
  });

  it('latencySummary sorts unsorted input and gives p50, p99 and max', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(latencySummary(xs)).toEqual({ p50Ms: 50, p99Ms: 99, maxMs: 100 });
    expect(latencySummary(Float64Array.from([3, 1, 2]))).toEqual({ p50Ms: 2, p99Ms: 3, maxMs: 3 });
    expect(() => latencySummary([])).toThrow(RangeError);
  });
});

describe('targets', () => {
  it('are the issue’s four', () => {
    expect(SERVER_TARGETS.map((t) => [t.id, t.metric, t.value])).toEqual([
      ['http-tap-busy', 'perSec', 5000],
      ['http-apdu', 'perSec', 10000],
      ['ws-apdu-1', 'p99Ms', 2],
      ['pcsc-apdu', 'perSec', 4000],
    ]);
  });

  it('throughput is met at the boundary, p99 only strictly below it', () => {
    const t = evaluateServerTargets([row('http-tap', 9999, 1, 'taps'), row('http-tap-busy', 5000, 1, 'taps'), row('http-apdu', 9999, 1), row('ws-apdu-1', 30000, 2), row('pcsc-apdu', 4001, 0.1)]);
    expect(t.map((x) => x.met)).toEqual([true, false, false, true]);
    expect(evaluateServerTargets([row('ws-apdu-1', 1, 1.999)])[2].met).toBe(true);
  });

  it('the 512-connection tap row is judged by nothing: its figure does not stand for the busy row', () => {
    const t = evaluateServerTargets([row('http-tap-busy', 4_000, 1, 'taps'), row('http-tap-512', 6_000, 1, 'taps')]);
    expect(t.find((x) => x.id === 'http-tap-busy')).toMatchObject({ measured: 4000, met: false });
    expect(t.some((x) => x.id === 'http-tap-512')).toBe(false);
  });

  it('a skipped or missing case is neither met nor missed', () => {
    const t = evaluateServerTargets([skippedRow('http-tap-busy', 'Full tap', '', 'taps', 'route not available')]);
    expect(t.every((x) => x.met === undefined)).toBe(true);
    expect(t[0].measured).toBeNaN();
  });
});

describe('tables and JSON', () => {
  const rows = [
    skippedRow('http-tap-busy', 'Full tap over HTTP', '256 connections', 'taps', 'route not available'),
    row('http-apdu', 12_345.6, 8.5),
    row('ws-apdu-1', 27_000, 0.0794, 'msgs'),
    row('ws-apdu-8', 25_000, 0.7, 'msgs'),
  ];
  const targets = evaluateServerTargets(rows).filter((t) => rows.some((r) => r.id === t.id));

  it('the console table names skipped cases and each target’s outcome', () => {
    const text = renderServerTable(rows, targets);
    expect(text).toContain('skipped: route not available');
    expect(text).toContain('12,346 APDUs/s');
    expect(text).toContain('≥ 10,000 APDUs/s: PASS');
    expect(text).toContain('p99 < 2 ms: PASS');
    expect(text).toContain('≥ 5,000 taps/s: skipped');
    // ws-apdu-8 has no target: its target column is empty.
    expect(text.split('\n')[5].trimEnd().endsWith('0')).toBe(true);
  });

  it('ops per server CPU second: count ÷ the server’s CPU seconds, blank when not measured', () => {
    const measured = { ...row('http-apdu', 5000, 1), count: 50_000, serverCpuS: 4 };
    expect(perServerCpuSec(measured)).toBe(12_500);
    expect(perServerCpuSec(row('http-apdu', 5000, 1))).toBeUndefined();
    expect(perServerCpuSec({ ...measured, serverCpuS: 0 })).toBeUndefined();
    const cells = renderServerTable([measured], []).split('\n')[2];
    expect(cells).toMatch(/5,000 APDUs\/s +12,500 /);
    const j = buildServerJson([measured], [], MACHINE) as { cases: { serverCpuS?: number; perServerCpuSec?: number }[] };
    expect(j.cases[0]).toMatchObject({ serverCpuS: 4, perServerCpuSec: 12_500 });
  });

  it('cores: CPU seconds per second of the run, server / load generator, a dash for one not measured', () => {
    const r = { ...row('http-tap', 2000, 1), count: 20_000, durationS: 10, serverCpuS: 9.96, loadCpuS: 2.1 };
    expect(coresText(r)).toBe('1.00 / 0.21');
    expect(coresText({ ...r, serverCpuS: undefined })).toBe('– / 0.21');
    expect(coresText(row('http-tap', 2000, 1))).toBe('');
    expect(renderServerTable([r], []).split('\n')[2]).toMatch(/APDUs\/s +[0-9,]+ +1\.00 \/ 0\.21 /);
    const j = buildServerJson([r], [], MACHINE) as { cases: { loadCpuS?: number }[] };
    expect(j.cases[0].loadCpuS).toBe(2.1);
  });

  it('cores: the busiest thread in brackets when measured, and in the JSON', () => {
    const r = { ...row('http-tap-busy', 4000, 1), count: 40_000, durationS: 10, serverCpuS: 12.7, busiestThreadCpuS: 9.8, loadCpuS: 2.7 };
    expect(coresText(r)).toBe('1.27 (0.98) / 0.27');
    const j = buildServerJson([r], [], MACHINE) as { cases: { busiestThreadCpuS?: number }[] };
    expect(j.cases[0].busiestThreadCpuS).toBe(9.8);
  });

  it('target lines say PASS / MISS / skipped', () => {
    const lines = renderServerTargets(rows, targets).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^skipped +full taps over HTTP, SQLite, 256 connections +not measured {2}\(target ≥ 5,000 taps\/s\)$/);
    expect(lines[1]).toMatch(/^PASS +APDUs over HTTP, SQLite +12,346 APDUs\/s/);
    expect(lines[2]).toContain('p99 0.0794 ms');
  });

  it('markdown: one table row per case, pipes escaped, machine line and note', () => {
    const md = renderServerMarkdown([{ ...rows[1], setup: 'a | b' }], targets, MACHINE);
    expect(md).toContain('| case http-apdu | a \\| b |');
    expect(md).toContain('a \\| b');
    expect(md).toContain('Node v20.20.2 · OpenSSL 3.0.19 · Test CPU · 2 cores · 2025-01-02 03:04 UTC.');
    expect(md).toContain('shares the machine’s cores with the server');
    expect(replaceMarkedSection('a\n<!-- bench:server -->\nold\n<!-- /bench:server -->\nz\n', md, 'server')).toBe(
      `a\n<!-- bench:server -->\n${md.trimEnd()}\n<!-- /bench:server -->\nz\n`,
    );
  });

  it('JSON: four significant digits, null for a skipped case’s figures', () => {
    const j = buildServerJson(rows, targets, MACHINE) as {
      cases: { id: string; perSec: number | null; skipped?: string }[];
      targets: { id: string; met: boolean | null; measured: number | null }[];
    };
    expect(j.cases[0]).toMatchObject({ id: 'http-tap-busy', perSec: null, skipped: 'route not available' });
    expect(j.cases[1].perSec).toBe(12350);
    expect(j.targets.map((t) => t.met)).toEqual([null, true, true]);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});

describe('per-thread CPU of a process (/proc)', () => {
  it('reads every thread of this process; the busiest is the largest growth, a new thread counted from zero', () => {
    const threads = threadCpuSecondsOf(process.pid);
    if (threads === undefined) return; // not Linux
    expect(threads.get(process.pid)).toBeGreaterThanOrEqual(0);
    const before = new Map([[1, 2.0], [2, 5.0]]);
    const after = new Map([[1, 2.5], [2, 5.25], [3, 0.75]]);
    expect(busiestThreadSeconds(before, after)).toBe(0.75);
    expect(busiestThreadSeconds(before, new Map([[1, 3.0]]))).toBe(1);
    expect(threadCpuSecondsOf(2 ** 22 + 12345)).toBeUndefined();
  });
});

describe('request cases (no server: build and check only)', () => {
  it('the APDU case walks SELECT, READ BINARY, GET BALANCE and restarts with SELECT after a failure', () => {
    const c = apduCase();
    const card: PooledCard<number> = { id: 'card-1', state: 0 };
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = c.request(card);
      expect(r.path).toBe('/v1/cards/card-1/apdu');
      sent.push((JSON.parse(r.body) as { apdu: string }).apdu);
      expect(c.check(card, 200, '{"response":"","sw":"9000"}')).toEqual({ ok: true, keep: true });
    }
    expect(sent).toEqual([...APDU_MIX.map((a) => a.hex), APDU_MIX[0].hex]);
    expect(c.check(card, 200, '{"response":"","sw":"6a82"}')).toEqual({ ok: false, keep: true });
    expect(card.state).toBe(0);
    expect(c.check(card, 500, '{}').ok).toBe(false);
  });

  it('the tap case alternates gates, counts only the expected outcome and retires a card low on money', () => {
    const c = tapCase({ entryId: 'g-in', exitId: 'g-out', minBalanceFen: 1000 });
    const card: PooledCard<TapState> = { id: 'c1', state: { next: 'entry', failures: 0 } };
    expect(c.request(card)).toEqual({ path: '/v1/terminals/g-in/taps', body: '{"cardId":"c1"}' });
    expect(c.check(card, 200, '{"outcome":"entered"}')).toEqual({ ok: true, keep: true });
    expect(c.request(card).path).toBe('/v1/terminals/g-out/taps');
    expect(c.check(card, 200, '{"outcome":"entered"}')).toEqual({ ok: false, keep: true });
    expect(c.check(card, 503, 'not json')).toEqual({ ok: false, keep: true });
    expect(c.check(card, 200, '{"outcome":"refused"}')).toEqual({ ok: false, keep: false });
    card.state.failures = 0;
    expect(c.check(card, 200, '{"outcome":"exited","balanceFen":5000}')).toEqual({ ok: true, keep: true });
    expect(card.state.next).toBe('entry');
    c.check(card, 200, '{"outcome":"entered"}');
    expect(c.check(card, 200, '{"outcome":"exited","balanceFen":999}')).toEqual({ ok: true, keep: false });
  });
});

describe('the server child\'s arguments', () => {
  it('SQLite in the data folder by default; --memory drops --data; extra options follow', () => {
    expect(serveArgs('/tmp/d', [])).toEqual(['serve', '--port', '0', '--data', '/tmp/d']);
    expect(serveArgs('/tmp/d', ['--memory'])).toEqual(['serve', '--port', '0', '--memory']);
    expect(serveArgs('/tmp/d', ['--single-thread'])).toEqual(['serve', '--port', '0', '--data', '/tmp/d', '--single-thread']);
    expect(wordsOf(undefined)).toEqual([]);
    expect(wordsOf('  --memory   --single-thread ')).toEqual(['--memory', '--single-thread']);
  });
});
