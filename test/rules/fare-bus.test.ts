// Bus fare decisions: distance bands, the card discounts (inside and outside the city limits,
// with both split rules), students, seniors by card and by age, rounding modes as data, and the
// missing tap-off rule.
import { describe, expect, it } from 'vitest';
import { BJ_BUS_2014_12_28 } from '../../engine/rules/data/index.js';
import { SHIPPED_TARIFF_DOCS } from '../../engine/rules/data/index.js';
import { defaultFareContext } from '../../engine/rules/fare-context.js';
import { replaySteps } from '../../engine/rules/fare-decision.js';
import { quoteFare } from '../../engine/rules/fare-quote.js';
import { compileTariffs } from '../../engine/rules/tariff-compile.js';
import type { BusTariff } from '../../engine/rules/tariff-types.js';
import { busTrip } from './fare-support.js';

const ctx = defaultFareContext();
const q = (o: Parameters<typeof busTrip>[0], c = ctx) => quoteFare(busTrip(o), c);
const withBus = (edit: (b: BusTariff) => void) => {
  const bus = JSON.parse(JSON.stringify(BJ_BUS_2014_12_28)) as BusTariff;
  edit(bus);
  return defaultFareContext({ tariffs: compileTariffs([...SHIPPED_TARIFF_DOCS.filter((d) => d.kind !== 'bus'), bus]) });
};

describe('bus fares', () => {
  it.each([
    [1, 200, 100], [10, 200, 100], [10.001, 300, 150], [15, 300, 150], [15.001, 400, 200], [20.001, 500, 250], [42, 900, 450],
  ])('%d km: base %d, standard card pays %d', (km, base, fen) => {
    const d = q({ km });
    expect([d.baseFareFen, d.fareFen]).toEqual([base, fen]);
    expect(d.steps[1].note).toBe(`Standard card pays 50 %: ${(base / 100).toFixed(2)} → ${(fen / 100).toFixed(2)} yuan`);
  });

  it('80 % for the kilometres outside the city limits, priced first', () => {
    // 17.2 km, 6 outside: 6 km cost 2 yuan at 80 %, the other 2 yuan of 4 at 50 %.
    const d = q({ km: 17.2, outside: 6 });
    expect([d.baseFareFen, d.fareFen]).toEqual([400, 260]);
    expect(d.steps[1].note).toBe('Standard card pays 50 % inside the city limits and 80 % for the 6 km outside (the outside kilometres priced first; 65 % overall): 4.00 → 2.60 yuan');
    expect(d.steps[1].noteZh).toBe('普通卡市域内5折、市域外6公里8折（市域外里程先行计价）：4.00元→2.60元');
    expect(q({ km: 12, outside: 12 }).fareFen).toBe(240);
    expect(q({ km: 12, outside: 0 }).fareFen).toBe(150);
  });

  it('pro-rata split, when the tariff says so', () => {
    const c = withBus((b) => (b.outsideCitySplit = 'pro-rata'));
    // 400 × (11.2 × 500 + 6 × 800) / (17.2 × 1000) = 241.86…
    const d = q({ km: 17.2, outside: 6 }, c);
    expect(d.fareFen).toBe(242);
    expect([d.steps[1].rateNum, d.steps[1].rateDen]).toEqual([26, 43]);
    expect(replaySteps(d.steps, d.rounding).at(-1)).toBe(242);
  });

  it('student card pays 25 %', () => {
    expect(q({ km: 12, card: 'student' }).fareFen).toBe(75);
    expect(q({ km: 12, card: 'student', outside: 5 }).fareFen).toBe(75);
  });

  it('seniors ride free: senior card, or 65+ on any card', () => {
    expect(q({ km: 12, card: 'senior' }).fareFen).toBe(0);
    const byAge = q({ km: 12, card: 'standard', age: 70 });
    expect([byAge.fareFen, byAge.pricedAs]).toEqual([0, 'senior']);
    expect(byAge.steps[1].note).toBe('Holder aged 70 (65 or more): priced with senior benefits on a standard card');
    expect(byAge.steps[2].note).toBe('Senior card rides free: 3.00 → 0.00 yuan');
    const young = q({ km: 12, card: 'senior', age: 64 });
    expect([young.fareFen, young.pricedAs]).toEqual([150, 'standard']);
  });

  it('rounds by the tariff\'s mode', () => {
    const third = (mode: BusTariff['rounding']) =>
      withBus((b) => {
        b.rounding = mode;
        b.cardTypes.standard.rateMille = 333;
      });
    expect(q({ km: 5 }, third('half-up')).fareFen).toBe(67); // 66.6
    expect(q({ km: 5 }, third('down')).fareFen).toBe(66);
    const half = (mode: BusTariff['rounding']) =>
      withBus((b) => {
        b.rounding = mode;
        b.fare.bands[0].fareFen = 205;
        b.cardTypes.standard.rateMille = 500;
      });
    expect(q({ km: 5 }, half('half-up')).fareFen).toBe(103); // 102.5
    expect(q({ km: 5 }, half('half-even')).fareFen).toBe(102);
    expect(q({ km: 5 }, half('up')).fareFen).toBe(103);
  });

  it('updates the bus month accumulators by the fare charged', () => {
    expect(q({ km: 12, spent: 1000, rides: 7 }).month).toEqual({ spentFen: 1150, rides: 8, period: '2024-03' });
  });
});

describe('missing tap-off', () => {
  it('charges to the farther terminus without discount', () => {
    // 23 km from the boarding stop to the farther terminus: 2 + 3 yuan.
    const d = q({ km: 23, noTapOff: true });
    expect([d.missingTapOff, d.baseFareFen, d.fareFen, d.durationMinutes]).toEqual([true, 500, 500, null]);
    expect(d.steps.map((s) => s.rule)).toEqual(['base-fare', 'missing-tap-off']);
    expect(d.steps[1].note).toBe('No tap-off: charged from the boarding stop to the farther terminus (23 km), without the card discount');
    expect(q({ km: 23, noTapOff: true, card: 'student' }).fareFen).toBe(500);
  });

  it('seniors stay free [U]; discounted when the tariff says so', () => {
    expect(q({ km: 23, noTapOff: true, card: 'senior' }).fareFen).toBe(0);
    expect(q({ km: 23, noTapOff: true }, withBus((b) => (b.missingTapOff.discounted = true))).fareFen).toBe(250);
    expect(q({ km: 23, noTapOff: true, card: 'senior' }, withBus((b) => (b.missingTapOff.freeStaysFree = false))).fareFen).toBe(500);
  });
});
