// The gate charging Beijing fares (issue 4 "Wiring"): the station directory of the sample
// network, the FareInput → quoteFare mapping, and the gate end to end through
// createTransitSetup({ fare: 'beijing' }) for both purse profiles: 土桥 → 国贸 (21.1 km, 5 yuan),
// the month accumulators of the 1A record growing by each fare until the 100-yuan tier applies
// from the ride after the threshold, off-peak at 06:55 on a workday, the student fare, the
// engine's over-time fare added once, and an unpriceable trip refused with nothing charged.
import { describe, expect, it } from 'vitest';
import { defaultFareContext, sampleNetwork } from '../../../engine/rules/index.js';
import {
  BEIJING_SETUP_STATIONS,
  beijingFare,
  beijingIso,
  createTransitSetup,
  engineCardType,
  FareError,
  StationDirectory,
  UnknownStationCodeError,
  type FareInput,
} from '../../../terminal-sim/terminals/index.js';
import { TRIP_STATE } from '../../../terminal-sim/transit/index.js';
import { ALGS, inspect } from '../support/cards.js';

/** 2026-03-02 (a Monday, a working day) hh:mm Beijing, as epoch ms. */
const at = (hh: number, mm: number) => Date.UTC(2026, 2, 2, hh - 8, mm, 0);

describe('StationDirectory (ssc3 profile codes of the sample network)', () => {
  const dir = StationDirectory.fromNetwork(sampleNetwork());

  it('numbers lines by network order and stations by position on the line', () => {
    expect(dir.code('国贸')).toEqual({ line: 1, station: 1 });
    expect(dir.code('土桥')).toEqual({ line: 1, station: 15 });
    expect(dir.name({ line: 1, station: 15 })).toEqual({ station: '土桥', line: '1号线' });
    expect(dir.name({ line: 3, station: 1 })).toEqual({ station: '金台路', line: '6号线' });
    expect(BEIJING_SETUP_STATIONS).toEqual({ entry: dir.code('土桥'), exit: dir.code('国贸') });
  });

  it('gives a transfer station one code per line, each naming it', () => {
    expect(dir.code('大望路', '1号线')).toEqual({ line: 1, station: 2 });
    expect(dir.code('大望路', '14号线')).toEqual({ line: 2, station: 1 });
    expect(dir.name({ line: 2, station: 1 }).station).toBe('大望路');
    expect(dir.entries()).toHaveLength(sampleNetwork().lines.reduce((n, l) => n + l.stations.length, 0));
  });

  it('refuses unknown codes and names', () => {
    expect(dir.lookup(1, 99)).toBeUndefined();
    expect(dir.lookup(0, 1)).toBeUndefined();
    expect(() => dir.name({ line: 9, station: 1 })).toThrow(UnknownStationCodeError);
    expect(() => dir.code('不存在')).toThrow(/"station" "不存在"/);
    expect(() => dir.code('国贸', '6号线')).toThrow(/"line" "6号线" does not serve "国贸"/);
  });
});

describe('beijingFare: FareInput → quoteFare', () => {
  const fare = beijingFare();
  const input = (o: Partial<FareInput> = {}): FareInput => ({
    cardType: 0x01,
    entry: { city: '1000', line: 1, station: 15, device: '100000000101', dateTime: '20260302083000' },
    exit: { city: '1000', line: 1, station: 1, device: '100000000205', dateTime: '20260302090000' },
    durationMinutes: 30,
    overtime: false,
    month: { yyyymm: '202603', spendFen: 0, rides: 0 },
    ...o,
  });

  it('prices 土桥 → 国贸 at 5 yuan and returns the month after the ride', () => {
    expect(fare(input())).toEqual({ fareFen: 500, baseFareFen: 500, month: { spendFen: 500, rides: 1 }, overtime: false });
  });

  it('maps the card type byte: 01 standard, 02 student, 03 senior, 04 standard [U]', () => {
    expect([1, 2, 3, 4].map(engineCardType)).toEqual(['standard', 'student', 'senior', 'standard']);
    expect(fare(input({ cardType: 0x02 })).fareFen).toBe(250);
    expect(fare(input({ cardType: 0x04 })).fareFen).toBe(500);
    expect(() => engineCardType(0x07)).toThrow(FareError);
  });

  it('ignores the gate over-time flag: the engine decides from the times', () => {
    expect(fare(input({ overtime: true })).fareFen).toBe(500);
    expect(fare(input({ exit: { ...input().exit, dateTime: '20260302123001' }, durationMinutes: 240 })).fareFen).toBe(800);
  });

  it('applies the tier by the spend before the ride', () => {
    expect(fare(input({ month: { yyyymm: '202603', spendFen: 9500, rides: 19 } })).fareFen).toBe(500);
    expect(fare(input({ month: { yyyymm: '202603', spendFen: 10000, rides: 20 } }))).toEqual({ fareFen: 400, baseFareFen: 500, month: { spendFen: 10400, rides: 21 }, overtime: false });
  });

  it('turns unpriceable trips into FareError', () => {
    expect(() => fare(input({ entry: { ...input().entry, line: 9 } }))).toThrow(FareError);
    expect(() => fare(input({ entry: { ...input().entry, line: 9 } }))).toThrow(/line 9 station 15 is not in the directory/);
    // 1990: no tariff in force.
    expect(() => fare(input({ entry: { ...input().entry, dateTime: '19900302083000' } }))).toThrow(FareError);
    expect(() => beijingFare({ context: defaultFareContext({ network: null }) })).toThrow(/"directory" expected/);
  });

  it('converts Beijing digits to ISO with +08:00', () => {
    expect(beijingIso('20260302065500')).toBe('2026-03-02T06:55:00+08:00');
    expect(() => beijingIso('2026')).toThrow(FareError);
  });
});

describe.each(ALGS)('gate with Beijing fares end to end, %s', (algorithm) => {
  const trip = async (s: ReturnType<typeof createTransitSetup>, minutes = 30) => {
    expect((await s.enter()).kind).toBe('entered');
    s.clock.advanceMinutes(minutes);
    return s.exit();
  };

  it('charges 土桥 → 国贸 5 yuan and keeps the month in the 1A record', async () => {
    const s = createTransitSetup({ algorithm, fare: 'beijing' });
    await s.load(5000);
    const out = await trip(s);
    expect(out).toMatchObject({ kind: 'exited', fareFen: 500, baseFareFen: 500, balanceFen: 4500, overtime: false });
    const rec = (await inspect(s.card)).rail;
    expect(rec).toMatchObject({ state: TRIP_STATE.EXITED, entryLine: 1, entryStation: 15, exitLine: 1, exitStation: 1, exitAmountFen: 500, fareBeforeDiscountFen: 500, accMonth: '202603', monthSpendFen: 500, monthRides: 1 });
    expect(s.clear()).toMatchObject({ rejected: [], purchasesFen: 500 });
  });

  it('grows the accumulators by each fare; the 100-yuan tier applies from the ride after the threshold', async () => {
    const s = createTransitSetup({ algorithm, fare: 'beijing' });
    await s.load(20000);
    const fares: number[] = [];
    for (let i = 0; i < 22; i++) {
      const out = await trip(s);
      if (out.kind !== 'exited') throw new Error(`ride ${i + 1}: ${out.kind}`);
      fares.push(out.fareFen);
      expect(out.record.monthSpendFen).toBe(fares.reduce((a, b) => a + b, 0));
      expect(out.record.monthRides).toBe(i + 1);
      s.clock.advanceMinutes(1);
    }
    // 20 rides at 5 yuan reach 100 yuan exactly; the 21st and 22nd pay 80 %.
    expect(fares).toEqual([...Array<number>(20).fill(500), 400, 400]);
    expect(await s.balanceFen()).toBe(20000 - 10800);
    const cleared = s.clear();
    expect(cleared.rejected).toEqual([]);
    expect(cleared.purchasesFen).toBe(10800);
  });

  it('halves the fare for a 06:55 workday entry at 土桥 (off-peak)', async () => {
    const s = createTransitSetup({ algorithm, fare: 'beijing', startMs: at(6, 55), balanceFen: 2000 });
    expect(await trip(s, 45)).toMatchObject({ kind: 'exited', fareFen: 250, baseFareFen: 500 });
    // 07:01 is too late; 06:55 on a Sunday is not a working day.
    const late = createTransitSetup({ algorithm, fare: 'beijing', startMs: at(7, 1), balanceFen: 2000 });
    expect(await trip(late, 45)).toMatchObject({ kind: 'exited', fareFen: 500 });
    const sunday = createTransitSetup({ algorithm, fare: 'beijing', startMs: at(6, 55) - 86_400_000, balanceFen: 2000 });
    expect(await trip(sunday, 45)).toMatchObject({ kind: 'exited', fareFen: 500 });
  });

  it('charges a student card the student fare', async () => {
    const s = createTransitSetup({ algorithm, fare: 'beijing', profile: 'beijing-student', balanceFen: 2000 });
    expect(await trip(s)).toMatchObject({ kind: 'exited', fareFen: 250, baseFareFen: 500, balanceFen: 1750 });
  });

  it('adds the engine over-time fare once after 4 hours (no gate surcharge on top)', async () => {
    const s = createTransitSetup({ algorithm, fare: 'beijing', balanceFen: 2000 });
    const out = await trip(s, 241);
    expect(out).toMatchObject({ kind: 'exited', overtime: true, fareFen: 800, balanceFen: 1200 });
    expect(s.clear().rejected).toEqual([]);
  });

  it('reports the over-time the engine charged, to the second (4 h 0 min 30 s is over 4 hours)', async () => {
    const s = createTransitSetup({ algorithm, fare: 'beijing', balanceFen: 2000 });
    expect((await s.enter()).kind).toBe('entered');
    s.clock.advance(240 * 60_000 + 30_000);
    expect(await s.exit()).toMatchObject({ kind: 'exited', overtime: true, durationMinutes: 240, fareFen: 800 });
    const onTime = createTransitSetup({ algorithm, fare: 'beijing', balanceFen: 2000 });
    expect(await trip(onTime, 240)).toMatchObject({ kind: 'exited', overtime: false, fareFen: 500 });
  });

  it('refuses a trip the engine cannot price (unknown station code) and charges nothing', async () => {
    const s = createTransitSetup({ algorithm, fare: 'beijing', balanceFen: 2000, stations: { entry: { line: 1, station: 15 }, exit: { line: 7, station: 3 } } });
    expect((await s.enter()).kind).toBe('entered');
    s.clock.advanceMinutes(20);
    const out = await s.exit();
    expect(out).toMatchObject({ kind: 'refused', reason: 'fare-error' });
    if (out.kind === 'refused') expect(out.detail).toMatch(/line 7 station 3/);
    expect(await s.balanceFen()).toBe(2000);
    expect((await inspect(s.card)).rail.state).toBe(TRIP_STATE.ENTERED);
  });

  it('keeps the flat placeholder by default', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    expect(await trip(s)).toMatchObject({ kind: 'exited', fareFen: 300 });
  });
});
