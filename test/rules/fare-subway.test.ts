// Subway fare decisions as tables: the example, every band edge, monthly tier thresholds
// (the crossing ride not split), off-peak at 06:59/07:00/07:01, weekends, make-up working days,
// holidays, 2027 (refused), both off-peak schemes by date, airport lines and the tram, the 4-hour
// rule, card types, month reset, routes over the sample and the full network.
import { describe, expect, it, vi } from 'vitest';
import { CalendarCoverageError, FareRequestError } from '../../engine/rules/errors.js';
import { defaultFareContext } from '../../engine/rules/fare-context.js';
import { replaySteps } from '../../engine/rules/fare-decision.js';
import { quoteFare } from '../../engine/rules/fare-quote.js';
import { loadNetwork } from '../../engine/rules/network-load.js';
import { bj, subwayTrip } from './fare-support.js';
import { readShared } from './shared-data.js';

const ctx = defaultFareContext();
const q = (o: Parameters<typeof subwayTrip>[0]) => quoteFare(subwayTrip(o), ctx);
const fare = (o: Parameters<typeof subwayTrip>[0]): number => q(o).fareFen;

describe('the issue example', () => {
  it('土桥 → 国贸 at 06:55 on a Tuesday, 17.2 km, 98 yuan spent', () => {
    const d = quoteFare(
      { mode: 'subway', cardType: 'standard', entry: { station: '土桥', at: '2024-03-05T06:55:00+08:00' }, exit: { station: '国贸', at: '2024-03-05T07:40:00+08:00' }, distanceKm: 17.2, month: { spentFen: 9800, rides: 30 } },
      ctx,
    );
    expect(d).toMatchObject({ fareFen: 250, baseFareFen: 500, distanceKm: 17.2, month: { spentFen: 10050, rides: 31, period: '2024-03' }, tariff: 'bj-subway-2014-12-28' });
    expect(d.tariffs).toEqual(['bj-subway-2014-12-28', 'bj-off-peak-2017-01-01']);
    expect(d.steps.map((s) => [s.rule, s.op, s.fareFen])).toEqual([
      ['base-fare', 'set', 500],
      ['monthly-tier', 'note', 500],
      ['off-peak', 'rate', 250],
    ]);
    expect(d.steps[2].note).toBe('Off-peak: entry at 土桥 at 2024-03-05 06:55 on a working day, at or before 07:00: pays 50 %: 5.00 → 2.50 yuan');
    expect(d.steps[2].noteZh).toBe('低峰优惠：工作日2024-03-05 06:55于土桥进站（07:00含之前），5折：5.00元→2.50元');
    expect(replaySteps(d.steps, d.rounding).at(-1)).toBe(250);
  });

  it('the same trip measured on the sample network: 21.131 km along line 1', () => {
    const d = quoteFare(
      { mode: 'subway', cardType: 'standard', entry: { station: '土桥', at: '2024-03-05T06:55:00+08:00' }, exit: { station: '国贸', at: '2024-03-05T07:40:00+08:00' }, month: { spentFen: 9800, rides: 30 } },
      ctx,
    );
    expect([d.distanceKm, d.chargedDistanceKm, d.baseFareFen, d.fareFen]).toEqual([21.131, 21.1, 500, 250]);
    expect(d.route?.legs.map((l) => l.line)).toEqual(['1号线']);
    expect(d.steps[0].note).toBe('Network fare for 21.131 km (21.1 km after being cut down to whole 100 m): 5.00 yuan (band 12–22 km); shortest path from 土桥: 1号线 to 国贸');
  });
});

describe('distance bands', () => {
  it('entering and leaving at the same station pays the starting fare', () => {
    const d = q({ entry: '四惠', exit: '四惠', minutes: 10 });
    expect([d.distanceKm, d.fareFen]).toEqual([0, 300]);
  });

  it.each([
    [0, 300], [6, 300], [6.099, 300], [6.1, 400], [12.099, 400], [12.1, 500], [22.099, 500], [22.1, 600],
    [32.099, 600], [32.1, 700], [52.099, 700], [52.1, 800], [72.1, 900], [92.1, 1000], [112.1, 1100],
  ])('%d km → %d fen', (km, fen) => {
    expect(fare({ km, entry: '国贸', exit: '四惠' })).toBe(fen);
  });
});

describe('monthly tiers', () => {
  // 5-yuan trip at 08:30 (no off-peak): [spent before, fare]
  it.each([
    [0, 500], [9999, 500], [10000, 400], [14999, 400], [15000, 250], [39999, 250], [40000, 500], [100000, 500],
  ])('spent %d fen before the ride → %d fen', (spent, fen) => {
    expect(fare({ km: 15, spent })).toBe(fen);
  });

  it('the ride that crosses a threshold is not split; the next one is discounted', () => {
    const first = q({ km: 15, spent: 9800, rides: 30 });
    expect(first.fareFen).toBe(500);
    expect(first.month).toEqual({ spentFen: 10300, rides: 31, period: '2024-03' });
    const second = q({ km: 15, spent: first.month.spentFen, rides: first.month.rides });
    expect(second.fareFen).toBe(400);
    expect(second.steps[1].note).toBe('Monthly discount: 103.00 yuan spent on rail this month before this ride (100.00 or more): pays 80 %: 5.00 → 4.00 yuan');
    const crossing150 = q({ km: 15, spent: 14900 });
    expect(crossing150.fareFen).toBe(400);
    expect(q({ km: 15, spent: crossing150.month.spentFen }).fareFen).toBe(250);
  });

  it('multiplies with the off-peak rate (the 2015 scheme: 80 % × 70 %)', () => {
    const d = q({ km: 15, spent: 12000, date: '2016-03-01', at: '06:30' });
    expect([d.monthlyRateMille, d.offPeakRateMille, d.fareFen]).toEqual([800, 700, 280]);
  });

  it('resets when the accumulators are for another month', () => {
    const r = subwayTrip({ km: 15, spent: 20000, rides: 50 });
    r.month.period = '2024-02';
    const d = quoteFare(r, ctx);
    expect(d.fareFen).toBe(500);
    expect(d.month).toEqual({ spentFen: 500, rides: 1, period: '2024-03' });
    expect(d.steps.map((s) => s.rule)).toContain('month-reset');
    r.month.period = '2024-03';
    expect(quoteFare(r, ctx).fareFen).toBe(250);
  });

  it('belongs to the month of the exit', () => {
    const r = subwayTrip({ km: 15, date: '2024-03-31', at: '23:50', minutes: 20 });
    expect(quoteFare(r, ctx).month.period).toBe('2024-04');
  });
});

describe('off-peak (current scheme, 50 %)', () => {
  const at = (date: string, time: string, entry = '土桥') => q({ km: 15, date, at: time, entry });
  it.each([
    ['06:59', true],
    ['07:00', true],
    ['07:00:59', true],
    ['07:01', false],
    ['05:10', true],
    ['00:00', true],
  ])('Tuesday 2024-03-05 entry at %s → off-peak %s', (time, yes) => {
    const d = at('2024-03-05', time);
    expect(d.offPeak).toBe(yes);
    expect(d.fareFen).toBe(yes ? 250 : 500);
  });

  it('at every one of the 25 stations, and nowhere else', () => {
    for (const s of ['土桥', '临河里', '梨园', '九棵树', '果园', '通州北苑', '八里桥', '管庄', '双桥', '传媒大学', '高碑店', '南邵', '沙河高教园', '沙河', '巩华城', '朱辛庄', '北运河西', '通运门', '通州北关', '物资学院路', '常营', '草房', '黄渠', '褡裢坡', '青年路']) {
      expect(at('2024-03-05', '06:30', s).offPeak, s).toBe(true);
    }
    for (const s of ['四惠', '国贸', '花庄', '潞城', '昌平']) expect(at('2024-03-05', '06:30', s).offPeak, s).toBe(false);
  });

  it('not on a weekend or a holiday; yes on make-up working days', () => {
    expect(at('2024-03-09', '06:30').offPeak).toBe(false); // Saturday
    expect(at('2024-03-09', '06:30').steps.at(-1)!.note).toBe('Off-peak: entry at 土桥 at 2024-03-09 06:30, but not a working day: no off-peak discount');
    expect(at('2024-10-01', '06:30').offPeak).toBe(false); // National Day, a Tuesday
    expect(at('2024-02-12', '06:30').offPeak).toBe(false); // Spring Festival, a Monday
    expect(at('2024-02-04', '06:30').offPeak).toBe(true); // Sunday, make-up working day
    expect(at('2024-02-18', '06:30').offPeak).toBe(true); // Sunday, make-up working day
    expect(at('2025-09-28', '06:30').offPeak).toBe(true); // Sunday, make-up working day
  });

  it('uses Beijing local time whatever the offset of the request', () => {
    const r = subwayTrip({ km: 15 });
    r.entry.at = '2024-03-04T22:55:00Z';
    r.exit!.at = '2024-03-04T23:40:00Z';
    expect(quoteFare(r, ctx).offPeak).toBe(true);
    r.entry.at = '2024-03-05T00:30:00+01:00'; // 07:30 in Beijing
    r.exit!.at = '2024-03-05T01:00:00+01:00';
    expect(quoteFare(r, ctx).offPeak).toBe(false);
  });

  it('refuses a 2027 date only when the answer needs the calendar', () => {
    expect(() => at('2027-03-01', '06:30')).toThrow(CalendarCoverageError);
    expect(() => at('2027-03-01', '06:30')).toThrow('does not cover 2027-03-01 (it covers 2004-01-01 … 2026-12-31)');
    expect(at('2027-03-01', '08:30').fareFen).toBe(500); // after 07:00: no working-day question
    expect(at('2027-03-01', '06:30', '四惠').fareFen).toBe(500); // not an off-peak station
  });
});

describe('off-peak schemes by date', () => {
  it('2015 trial: 30 % off at 16 stations from 2015-12-26 to 2016-12-31', () => {
    expect(q({ km: 15, date: '2015-12-25', at: '06:30' }).offPeak).toBe(false); // before the trial
    const d = q({ km: 15, date: '2015-12-28', at: '06:30' });
    expect([d.offPeak, d.offPeakRateMille, d.fareFen, d.tariffs[1]]).toEqual([true, 700, 350, 'bj-off-peak-2015-12-26']);
    expect(q({ km: 15, date: '2016-03-01', at: '06:30', entry: '南邵' }).fareFen).toBe(350);
    expect(q({ km: 15, date: '2016-03-01', at: '06:30', entry: '草房' }).offPeak).toBe(false); // line 6 not in 2015
    expect(q({ km: 15, date: '2016-12-30', at: '06:30' }).fareFen).toBe(350);
  });

  it('current scheme: 50 % off at 25 stations from 2017-01-01', () => {
    const d = q({ km: 15, date: '2017-01-03', at: '06:30', entry: '草房' });
    expect([d.offPeakRateMille, d.fareFen, d.tariffs[1]]).toEqual([500, 250, 'bj-off-peak-2017-01-01']);
  });

  it('before the 2014 reform: the 2-yuan flat fare, no tiers, no off-peak', () => {
    const d = q({ date: '2013-06-04', at: '06:30', spent: 20000 });
    expect([d.tariff, d.fareFen, d.baseFareFen, d.offPeak, d.monthlyRateMille]).toEqual(['bj-subway-2007-10-07', 200, 200, false, 1000]);
    expect(() => q({ date: '2006-01-04' })).toThrow('"entry.at": no subway tariff is in force on 2006-01-04');
  });
});

describe('special lines', () => {
  it('Capital Airport line: 25 yuan flat, no monthly tier, not counted toward the month', () => {
    const d = q({ entry: '3号航站楼', exit: '东直门', spent: 20000, rides: 40 });
    expect([d.fareGroup, d.fareFen, d.baseFareFen, d.distanceKm]).toEqual(['capital-airport', 2500, 2500, 31.003]);
    expect(d.month).toEqual({ spentFen: 20000, rides: 40, period: '2024-03' });
    expect(d.steps[1].note).toBe('Monthly discount: not on the Capital Airport line');
  });

  it('Daxing Airport line: 10 / 25 / 35 yuan by distance', () => {
    expect(fare({ entry: '草桥', exit: '大兴新城' })).toBe(1000); // 13.028 km
    expect(fare({ entry: '大兴新城', exit: '大兴机场' })).toBe(2500); // 25.303 km
    expect(fare({ entry: '草桥', exit: '大兴机场' })).toBe(3500); // 38.331 km
  });

  it('a trip through separate gates is refused, naming the paid areas', () => {
    expect(() => q({ entry: '土桥', exit: '大兴机场' })).toThrow(FareRequestError);
    expect(() => q({ entry: '土桥', exit: '大兴机场' })).toThrow(
      '"exit.station": no single paid area holds both "土桥" and "大兴机场" ("土桥" is on the network; "大兴机场" is on the Daxing Airport line (own gates)): a journey through separate gates is quoted as one trip per paid area',
    );
  });

  it('with distanceKm and no network, a line hint picks the special fare', () => {
    const noNet = defaultFareContext({ network: null });
    expect(quoteFare(subwayTrip({ entry: '3号航站楼', exit: '东直门', km: 31, entryLine: '首都机场线' }), noNet).fareFen).toBe(2500);
    expect(quoteFare(subwayTrip({ entry: '3号航站楼', exit: '东直门', km: 31 }), noNet).fareFen).toBe(600);
  });
});

describe('the 4-hour rule', () => {
  it.each([
    [239, false, 500],
    [240, false, 500],
    [241, true, 800],
    [600, true, 800],
  ])('%d minutes in the paid area → over time %s, %d fen', (minutes, over, fen) => {
    const d = q({ km: 15, minutes });
    expect([d.overtime, d.fareFen]).toEqual([over, fen]);
  });

  it('counts to the second, adds the starting fare after every discount', () => {
    const r = subwayTrip({ km: 15, spent: 15000, date: '2024-03-05', at: '06:30' });
    r.exit!.at = bj('2024-03-05', '10:30:01');
    const d = quoteFare(r, ctx);
    expect(d.steps.map((s) => [s.rule, s.fareFen])).toEqual([
      ['base-fare', 500],
      ['monthly-tier', 250],
      ['off-peak', 125],
      ['overtime', 425],
    ]);
    expect(d.steps[3].note).toBe('Over the 4-hour limit (4 h 0 min in the paid area): 3.00 yuan added: 1.25 → 4.25 yuan');
    expect(d.month.spentFen).toBe(15425);
  });
});

describe('card types', () => {
  it('student card: 50 %, no monthly tier, no off-peak [U]', () => {
    const d = q({ km: 15, card: 'student', spent: 20000, at: '06:30' });
    expect([d.fareFen, d.monthlyRateMille, d.offPeak]).toEqual([250, 1000, false]);
    expect(d.steps.map((s) => s.note)).toEqual([
      'Network fare for 15 km (distance given by the request): 5.00 yuan (band 12–22 km)',
      'Student card pays 50 %: 5.00 → 2.50 yuan',
      'Monthly discount: not for the student card',
      'Off-peak: entry at 土桥 at 2024-03-05 06:30, but not for this card type: no off-peak discount',
    ]);
    expect(d.steps[1].noteZh).toBe('学生卡5折：5.00元→2.50元');
  });

  it('senior card: priced as a standard card; under 65 says so', () => {
    expect(q({ km: 15, card: 'senior', spent: 12000 }).fareFen).toBe(400);
    const d = q({ km: 15, card: 'senior', age: 60 });
    expect(d.pricedAs).toBe('standard');
    expect(d.steps[1].note).toBe('Senior benefits need age 65 or more; the holder is 60: priced as a standard card');
  });
});

describe('requests refused', () => {
  it('names the field', () => {
    expect(() => q({ entry: '国茂' })).toThrow('"entry.station": "国茂" is not a station of network "sample"; did you mean "国贸"?');
    expect(() => q({ entry: '国贸', exit: '南邵' })).toThrow('"exit.station": no route from "国贸" to "南邵" in network "sample"');
    expect(() => quoteFare(subwayTrip({}), defaultFareContext({ network: null }))).toThrow('"distanceKm" is required: the fare context has no network to measure the trip');
    expect(() => q({ entry: '土桥', exit: '国贸', entryLine: '6号线' })).toThrow('"entry.line": line "6号线" does not serve "土桥" (1号线 do)');
  });

  it('accepts station names outside the network when the distance is given', () => {
    expect(fare({ entry: '苹果园', exit: '西单', km: 13.9 })).toBe(500);
  });

  it('checks its context, on the first call too', async () => {
    expect(() => quoteFare(subwayTrip({}), {} as never)).toThrow(TypeError);
    vi.resetModules();
    const fresh = await import('../../engine/rules/fare-quote.js');
    const freshCtx = (await import('../../engine/rules/fare-context.js')).defaultFareContext();
    expect(() => fresh.quoteFare(subwayTrip({}), {} as never)).toThrow('"context.tariffs" expected a TariffSet (compileTariffs())');
    expect(() => fresh.quoteFare(subwayTrip({}), { tariffs: freshCtx.tariffs } as never)).toThrow('"context.calendar" expected a WorkdayCalendar');
    expect(fresh.quoteFare(subwayTrip({ km: 5 }), freshCtx).fareFen).toBe(300);
  });
});

const full = readShared('beijing-subway.json');

describe.runIf(full !== undefined)('on the full network', () => {
  // vitest still runs a skipped describe's body to collect it: build nothing from an absent file.
  const fctx = full === undefined ? (undefined as never) : defaultFareContext({ network: loadNetwork(full, { name: 'beijing-subway.json' }) });
  const fq = (o: Parameters<typeof subwayTrip>[0]) => quoteFare(subwayTrip(o), fctx);

  it('prices shortest paths across transfers', () => {
    const d = fq({ entry: '土桥', exit: '西直门' });
    expect([d.distanceKm, d.chargedDistanceKm, d.baseFareFen]).toEqual([33.054, 33, 700]);
    expect(fq({ entry: '国贸', exit: '西直门' }).fareFen).toBe(400); // 11.923 km
    expect(fq({ entry: '昌平西山口', exit: '潞城' }).baseFareFen).toBe(900); // 78.92 km
    const r = fq({ entry: '土桥', exit: '西直门' }).route!;
    expect(r.legs.reduce((s, l) => s + l.distanceM, 0)).toBe(33054);
  });

  it('tells the airport line from the network at shared stations', () => {
    expect(fq({ entry: '东直门', exit: '三元桥' }).fareFen).toBe(300); // network, 5.881 km
    expect(fq({ entry: '东直门', exit: '三元桥', entryLine: '首都机场线' }).fareFen).toBe(2500);
    expect(fq({ entry: '巴沟', exit: '香山' })).toMatchObject({ fareGroup: 'xijiao-tram', fareFen: 400 });
    expect(fq({ entry: '巴沟', exit: '香山', spent: 12000 }).fareFen).toBe(320);
  });

  it('knows every off-peak station and special line of the shipped tariffs', async () => {
    const { SHIPPED_TARIFF_DOCS } = await import('../../engine/rules/data/index.js');
    const net = fctx.network!;
    for (const doc of SHIPPED_TARIFF_DOCS) {
      if (doc.kind === 'subway-off-peak') for (const s of doc.stations) expect(net.find(s)?.id, `${doc.id}: ${s}`).toBe(s);
      if (doc.kind === 'subway') for (const l of doc.specialLines.flatMap((x) => x.lines)) expect(net.line(l), `${doc.id}: ${l}`).toBeDefined();
    }
  });

  it('refuses an ambiguous sign name', () => {
    expect(() => fq({ entry: '木樨地', exit: '国贸' })).toThrow('"entry.station": "木樨地" names several stations');
    expect(fq({ entry: '木樨地(1号线)', exit: '国贸' }).distanceKm).toBeGreaterThan(0);
  });
});
