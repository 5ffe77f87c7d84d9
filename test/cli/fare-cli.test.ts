// `ssc3 fare quote | tariffs`: the issue's request shape in, the engine's decision out (one line
// of JSON equal to quoteFare's), from --json and stdin, with a full network file; every invalid
// request one line naming the field, exit 2.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultFareContext, listTariffs, quoteFare } from '../../engine/rules/index.js';
import { runCli } from '../support/run-cli.js';
import { testTempDir } from '../support/temp-dir.js';

const cli = runCli;

const ISSUE_EXAMPLE = {
  mode: 'subway',
  cardType: 'standard',
  entry: { station: '土桥', at: '2024-03-05T06:55:00+08:00' },
  exit: { station: '国贸', at: '2024-03-05T07:40:00+08:00' },
  distanceKm: 17.2,
  month: { spentFen: 9800, rides: 30 },
};
const SHARED_NETWORK = new URL('../../../shared/data/beijing-subway.json', import.meta.url).pathname;

describe('ssc3 fare quote', () => {
  it('answers the issue example with the engine decision, in the documented shape', async () => {
    const { code, out, err } = await cli(['fare', 'quote', '--json', JSON.stringify(ISSUE_EXAMPLE)]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.endsWith('\n') && out.trim().split('\n')).toHaveLength(1);
    const d = JSON.parse(out);
    expect(d).toEqual(JSON.parse(JSON.stringify(quoteFare(ISSUE_EXAMPLE, defaultFareContext()))));
    // 17.2 km → 5 yuan; 98 yuan spent: no tier yet; 06:55 at 土桥 on a Tuesday: off-peak 50 %.
    expect(d).toMatchObject({ fareFen: 250, baseFareFen: 500, distanceKm: 17.2, month: { spentFen: 10050, rides: 31 }, tariff: 'bj-subway-2014-12-28' });
    for (const s of d.steps) expect(Object.keys(s)).toEqual(expect.arrayContaining(['rule', 'fareFen', 'note']));
  });

  it('reads stdin, prices by the sample network when distanceKm is absent, and --no-explain drops the steps', async () => {
    const { distanceKm: _omit, ...req } = ISSUE_EXAMPLE;
    const { code, out } = await cli(['fare', 'quote', '--no-explain'], JSON.stringify(req));
    expect(code).toBe(0);
    const d = JSON.parse(out);
    expect(d.steps).toEqual([]);
    expect(d.distanceKm).toBeCloseTo(21.131, 3);
    expect(d.fareFen).toBe(250);
  });

  it.skipIf(!existsSync(SHARED_NETWORK))('--network loads a full network file', async () => {
    const req = { ...ISSUE_EXAMPLE, distanceKm: undefined, entry: { station: '苹果园', at: '2026-03-05T08:55:00+08:00' }, exit: { station: '天通苑北', at: '2026-03-05T09:40:00+08:00' }, month: { spentFen: 0, rides: 0 } };
    const { code, out, err } = await cli(['fare', 'quote', '--network', SHARED_NETWORK, '--json', JSON.stringify(req)]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out).distanceKm).toBeGreaterThan(30);
  });

  it('bus trips', async () => {
    const bus = { mode: 'bus', cardType: 'student', entry: { station: 'A', at: '2026-03-05T08:00:00+08:00' }, exit: { station: 'B', at: '2026-03-05T08:30:00+08:00' }, distanceKm: 12, month: { spentFen: 0, rides: 0 } };
    const { code, out } = await cli(['fare', 'quote', '--json', JSON.stringify(bus)]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(quoteFare(bus, defaultFareContext()))));
  });

  const bad: [string, string[], string, RegExp][] = [
    ['invalid JSON', ['fare', 'quote', '--json', '{'], '', /--json: invalid JSON/],
    ['empty stdin', ['fare', 'quote'], '', /stdin/],
    ['a missing field', ['fare', 'quote', '--json', '{"mode":"subway"}'], '', /cardType/],
    ['a bad date-time', ['fare', 'quote', '--json', JSON.stringify({ ...ISSUE_EXAMPLE, entry: { station: '土桥', at: '2024-03-05 06:55' } })], '', /entry\.at/],
    ['an unknown station', ['fare', 'quote', '--json', JSON.stringify({ ...ISSUE_EXAMPLE, distanceKm: undefined, exit: { station: '火星', at: ISSUE_EXAMPLE.exit.at } })], '', /火星/],
    ['a date the calendar does not cover (off-peak depends on it)', ['fare', 'quote', '--json', JSON.stringify({ ...ISSUE_EXAMPLE, entry: { station: '土桥', at: '2027-03-05T06:55:00+08:00' }, exit: { station: '国贸', at: '2027-03-05T07:40:00+08:00' } })], '', /2027-03-05/],
    ['a missing network file', ['fare', 'quote', '--network', '/nonexistent/net.json', '--json', JSON.stringify(ISSUE_EXAMPLE)], '', /--network/],
    ['a bad --date', ['fare', 'tariffs', '--date', '2026-02-30'], '', /--date/],
  ];
  for (const [what, argv, stdin, re] of bad) {
    it(`refuses ${what}: one line, exit 2`, async () => {
      const { code, out, err } = await cli(argv, stdin);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(/^ssc3: /);
      expect(err).toMatch(re);
    });
  }

  it('--calendar supplies a year chinese-days does not cover, laid over it', async () => {
    const dir = testTempDir('cal');
    const file = join(dir, 'workdays-2027.json');
    // Made-up test data, not the State Council's 2027 schedule: Friday 2027-03-05 a holiday.
    writeFileSync(file, JSON.stringify({ years: { '2027': { holidays: [{ date: '2027-03-05' }], makeupWorkdays: [] } } }));
    const trip = (day: string) => JSON.stringify({ ...ISSUE_EXAMPLE, entry: { station: '土桥', at: `${day}T06:55:00+08:00` }, exit: { station: '国贸', at: `${day}T07:40:00+08:00` } });
    const working = await cli(['fare', 'quote', '--calendar', file, '--json', trip('2027-03-04')]);
    expect(working.err).toBe('');
    expect(JSON.parse(working.out)).toMatchObject({ fareFen: 250, baseFareFen: 500 }); // a Thursday: off-peak 50 %
    const holiday = await cli(['fare', 'quote', '--calendar', file, '--json', trip('2027-03-05')]);
    expect(JSON.parse(holiday.out)).toMatchObject({ fareFen: 500 }); // the file's holiday: no off-peak
    const before = await cli(['fare', 'quote', '--calendar', file, '--json', JSON.stringify(ISSUE_EXAMPLE)]);
    expect(JSON.parse(before.out)).toMatchObject({ fareFen: 250 }); // 2024 still from chinese-days
  });

  it('refuses an unreadable or malformed --calendar file, naming it', async () => {
    const dir = testTempDir('cal');
    const gap = join(dir, 'gap.json');
    writeFileSync(gap, JSON.stringify({ years: { '2029': { holidays: [], makeupWorkdays: [] } } }));
    const badDate = join(dir, 'bad.json');
    writeFileSync(badDate, JSON.stringify({ years: { '2027': { holidays: [{ date: '2027-02-30' }], makeupWorkdays: [] } } }));
    for (const [file, re] of [
      ['/nonexistent/cal.json', /^ssc3: --calendar: cannot read "\/nonexistent\/cal.json" as JSON \(ENOENT\)/],
      [gap, /^ssc3: --calendar: .*years not contiguous \(2026 then 2029\)/],
      [badDate, /^ssc3: --calendar: .*years\.2027\.holidays\[0\]\.date/],
    ] as const) {
      const { code, out, err } = await cli(['fare', 'quote', '--calendar', file, '--json', JSON.stringify(ISSUE_EXAMPLE)]);
      expect([code, out, err.trim().split('\n').length]).toEqual([2, '', 1]);
      expect(err).toMatch(re);
    }
  });

  it('refuses a malformed network file with the bad field named', async () => {
    const dir = testTempDir('net');
    const file = join(dir, 'net.json');
    writeFileSync(file, JSON.stringify({ lines: [{ name: 'X', stations: ['a', 'b'], segments_m: [] }] }));
    const { code, err } = await cli(['fare', 'quote', '--network', file, '--json', JSON.stringify(ISSUE_EXAMPLE)]);
    expect(code).toBe(2);
    expect(err).toMatch(/^ssc3: --network: /);
  });
});

describe('ssc3 fare tariffs', () => {
  it('lists what is in force on a date, and everything without one', async () => {
    const on = await cli(['fare', 'tariffs', '--date', '2016-06-01']);
    expect(on.code).toBe(0);
    expect(JSON.parse(on.out)).toEqual(JSON.parse(JSON.stringify(listTariffs('2016-06-01'))));
    expect(JSON.parse(on.out).map((t: { id: string }) => t.id)).toContain('bj-off-peak-2015-12-26');
    const all = await cli(['fare', 'tariffs']);
    expect(JSON.parse(all.out).length).toBeGreaterThan(JSON.parse(on.out).length);
  });
});
