// fast-check properties of quoteFare over random subway and bus requests (dates 2015–2026, any
// time of day, stations on and off the off-peak lists, every card type, any month spend):
// fares are never negative; never decrease with distance; a monthly tier never raises a fare;
// the steps replay to every intermediate amount and the final fare; the accumulators grow by
// exactly the fare charged (or not at all, on lines that do not count); quoting without
// explanations gives the same decision minus the steps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultFareContext } from '../../engine/rules/fare-context.js';
import { type FareDecision, replaySteps } from '../../engine/rules/fare-decision.js';
import { quoteFare } from '../../engine/rules/fare-quote.js';
import type { FareRequest } from '../../engine/rules/fare-request.js';
import { civilFromDays, daysFromCivil } from '../../engine/rules/time.js';

const ctx = defaultFareContext();
const RUNS = 1500;

const pad = (n: number): string => String(n).padStart(2, '0');
const iso = (days: number, sec: number): string => {
  const [y, m, d] = civilFromDays(days + Math.floor(sec / 86400));
  const s = sec % 86400;
  return `${y}-${pad(m)}-${pad(d)}T${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}+08:00`;
};

const when = fc.record({
  days: fc.integer({ min: daysFromCivil(2015, 1, 1), max: daysFromCivil(2026, 12, 30) }),
  // Weighted to the early morning so that the off-peak rule is exercised.
  sec: fc.oneof(fc.integer({ min: 5 * 3600, max: 7 * 3600 + 120 }), fc.integer({ min: 0, max: 86399 })),
  stay: fc.oneof(fc.integer({ min: 0, max: 3 * 3600 }), fc.integer({ min: 4 * 3600 - 60, max: 6 * 3600 })),
});
const card = fc.constantFrom<FareRequest['cardType']>('standard', 'student', 'senior');
const age = fc.option(fc.integer({ min: 5, max: 95 }), { nil: undefined });
const month = fc.record({ spentFen: fc.oneof(fc.integer({ min: 0, max: 60000 }), fc.constantFrom(9999, 10000, 14999, 15000, 39999, 40000)), rides: fc.integer({ min: 0, max: 300 }) });
const km = fc.integer({ min: 0, max: 150000 }).map((m) => m / 1000);

// Pairs within one paid area of the sample network: network stations (on and off the off-peak
// lists) and the two airport lines; plus names the network does not know.
const NETWORK = ['土桥', '梨园', '国贸', '四惠', '草房', '潞城', '青年路', '金台路', '苹果园'];
const pair = fc.oneof(
  fc.tuple(fc.constantFrom(...NETWORK), fc.constantFrom(...NETWORK)),
  fc.tuple(fc.constantFrom('3号航站楼', '2号航站楼'), fc.constantFrom('东直门', '北新桥')),
  fc.tuple(fc.constantFrom('草桥', '大兴新城'), fc.constantFrom('大兴机场')),
);

const subway = fc.record({ w: when, card, age, month, km, pair }).map(({ w, card, age, month, km, pair }): FareRequest => {
  const r: FareRequest = {
    mode: 'subway',
    cardType: card,
    entry: { station: pair[0], at: iso(w.days, w.sec) },
    exit: { station: pair[1], at: iso(w.days, w.sec + w.stay) },
    distanceKm: km,
    month: { ...month },
  };
  if (age !== undefined) r.holderAge = age;
  return r;
});

const bus = fc
  .record({ w: when, card, age, month, km, outsideShare: fc.integer({ min: 0, max: 100 }), noTapOff: fc.boolean() })
  .map(({ w, card, age, month, km, outsideShare, noTapOff }): FareRequest => {
    const r: FareRequest = { mode: 'bus', cardType: card, entry: { station: 'A', at: iso(w.days, w.sec) }, distanceKm: km, month: { ...month } };
    if (!noTapOff) r.exit = { station: 'B', at: iso(w.days, w.sec + w.stay) };
    if (outsideShare > 0) r.outsideCityKm = Math.floor((km * 1000 * outsideShare) / 100) / 1000;
    if (age !== undefined) r.holderAge = age;
    return r;
  });

const anyRequest = fc.oneof(subway, bus);
const quote = (r: FareRequest): FareDecision => quoteFare(r, ctx);

describe('fare properties', () => {
  it('fares are never negative and are whole fen', () => {
    fc.assert(
      fc.property(anyRequest, (r) => {
        const d = quote(r);
        expect(Number.isSafeInteger(d.fareFen) && d.fareFen >= 0).toBe(true);
        expect(Number.isSafeInteger(d.baseFareFen) && d.baseFareFen >= 0).toBe(true);
        for (const s of d.steps) expect(Number.isSafeInteger(s.fareFen) && s.fareFen >= 0).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('never decrease with distance, everything else the same', () => {
    fc.assert(
      fc.property(anyRequest, km, (r, extra) => {
        const longer: FareRequest = { ...r, distanceKm: r.distanceKm! + extra };
        expect(quote(longer).fareFen).toBeGreaterThanOrEqual(quote(r).fareFen);
        expect(quote(longer).baseFareFen).toBeGreaterThanOrEqual(quote(r).baseFareFen);
      }),
      { numRuns: RUNS },
    );
  });

  it('a monthly tier never raises a fare', () => {
    fc.assert(
      fc.property(subway, (r) => {
        const fresh: FareRequest = { ...r, month: { spentFen: 0, rides: 0 } };
        const d = quote(r);
        expect(d.fareFen).toBeLessThanOrEqual(quote(fresh).fareFen);
        expect(d.monthlyRateMille).toBeLessThanOrEqual(1000);
      }),
      { numRuns: RUNS },
    );
  });

  it('the steps recompute every amount and the final fare', () => {
    fc.assert(
      fc.property(anyRequest, (r) => {
        const d = quote(r);
        const replay = replaySteps(d.steps, d.rounding);
        expect(replay).toEqual(d.steps.map((s) => s.fareFen));
        expect(replay.at(-1)).toBe(d.fareFen);
        expect(d.steps[0]).toMatchObject({ rule: 'base-fare', op: 'set', amountFen: d.baseFareFen });
        for (const s of d.steps) {
          expect(s.note.length).toBeGreaterThan(0);
          expect(s.noteZh.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('accumulators only grow, by exactly the fare charged and one ride', () => {
    fc.assert(
      fc.property(anyRequest, (r) => {
        const d = quote(r);
        const dSpent = d.month.spentFen - r.month.spentFen;
        const dRides = d.month.rides - r.month.rides;
        expect([0, 1]).toContain(dRides);
        expect(dSpent).toBe(dRides === 1 ? d.fareFen : 0);
        // Only the airport lines stay out of the month [U].
        if (dRides === 0) expect(['capital-airport', 'daxing-airport']).toContain(d.fareGroup);
      }),
      { numRuns: RUNS },
    );
  });

  it('explain: false gives the same decision without steps', () => {
    fc.assert(
      fc.property(anyRequest, (r) => {
        const full = quote(r);
        const lean = quoteFare(r, ctx, { explain: false });
        const { steps: _s, route: _r, ...rest } = full;
        expect(lean).toEqual({ ...rest, steps: [] });
      }),
      { numRuns: RUNS },
    );
  });

  it('the same request gives the same decision (no clock, no randomness)', () => {
    fc.assert(
      fc.property(anyRequest, (r) => {
        expect(quote(r)).toEqual(quote(JSON.parse(JSON.stringify(r)) as FareRequest));
      }),
      { numRuns: 300 },
    );
  });

  it('off-peak never raises a fare: the same trip an hour later costs at least as much', () => {
    fc.assert(
      fc.property(subway, (r) => {
        const shift = (at: string): string => iso(daysFromCivil(+at.slice(0, 4), +at.slice(5, 7), +at.slice(8, 10)), +at.slice(11, 13) * 3600 + +at.slice(14, 16) * 60 + +at.slice(17, 19) + 3600);
        const d = quote(r);
        if (!d.offPeak) return;
        const later: FareRequest = { ...r, entry: { ...r.entry, at: shift(r.entry.at) }, exit: { ...r.exit!, at: shift(r.exit!.at) } };
        const dl = quote(later);
        if (dl.tariff === d.tariff && dl.month.period === d.month.period) expect(dl.fareFen).toBeGreaterThanOrEqual(d.fareFen);
      }),
      { numRuns: RUNS },
    );
  });
});
