// The bus validator (issue 4 "Wiring": tap-on / tap-off joins the gate), both purse profiles:
// distance fares from the route's km positions with and without kilometres outside the city
// limits, the student and senior (free) fares, a missing tap-off charged at the next tap-on in
// the same debit as the new boarding, refusals, the 1A bus record and the 1E log, 闪卡 recovery
// of a debit whose answer was lost, and every journaled TAC accepted at clearing.
import { describe, expect, it } from 'vitest';
import type { Card } from '../../../engine/index.js';
import { issuePsam } from '../../../terminal-sim/psam/index.js';
import { MemoryReader } from '../../../terminal-sim/reader/index.js';
import { BusValidator, createTransitSetup, type BusOutcome, type BusRoute, type TransitSetup } from '../../../terminal-sim/terminals/index.js';
import { readTransitRecord, readTravelRecord, selectTransitApplication, TRANSIT_RECORD_ID, TRAVEL_SUBTYPE, TRIP_STATE } from '../../../terminal-sim/transit/index.js';
import { ALGS } from '../support/cards.js';
import { tap } from '../support/terminals.js';

/** Route 52: five stops; the last 10 km (20 → 30) run outside the city limits. */
const ROUTE: BusRoute = {
  line: 52,
  name: '52路',
  stops: [
    { code: 1, name: 'A', km: 0 },
    { code: 2, name: 'B', km: 5 },
    { code: 3, name: 'C', km: 12 },
    { code: 4, name: 'D', km: 20 },
    { code: 5, name: 'E', km: 30 },
  ],
  outsideCity: [{ fromKm: 20, toKm: 30 }],
};
const OTHER: BusRoute = { line: 7, stops: [{ code: 1, name: 'X', km: 0 }, { code: 2, name: 'Y', km: 3 }] };

function bus(s: TransitSetup, route: BusRoute = ROUTE) {
  const reader = new MemoryReader(`bus-${route.line}`);
  const sam = new MemoryReader(`bus-${route.line}-sam`, { card: issuePsam({ terminalId: '300000000052', issuerKeys: s.issuerKeys }) });
  const v = new BusValidator({ cardReader: reader, psam: sam, clock: s.clock, journal: s.journal, route, routes: [ROUTE, OTHER] });
  return {
    v,
    reader,
    on: (stop: number, card: Card = s.card) => tap(reader, card, () => v.atStop(stop).tapOn()),
    off: (stop: number, card: Card = s.card) => tap(reader, card, () => v.atStop(stop).tapOff()),
  };
}

async function busRecord(s: TransitSetup, card: Card = s.card) {
  return tap(s.readers.desk, card, async () => {
    await s.readers.desk.connect();
    await selectTransitApplication(s.readers.desk);
    const r = await readTransitRecord(s.readers.desk, TRANSIT_RECORD_ID.BUS);
    if (!r.ok) throw new Error(r.detail);
    return { record: r.record, travel: await readTravelRecord(s.readers.desk, 1) };
  });
}

function expectKind<K extends BusOutcome['kind']>(o: BusOutcome, kind: K): Extract<BusOutcome, { kind: K }> {
  expect(o.kind, JSON.stringify(o)).toBe(kind);
  return o as Extract<BusOutcome, { kind: K }>;
}

describe.each(ALGS)('BusValidator, %s', (algorithm) => {
  const setup = (profile = 'beijing-standard') => createTransitSetup({ algorithm, profile, balanceFen: 2000 });

  it('tap-on writes the boarded bus record with an amount-0 purchase; tap-off charges the distance fare', async () => {
    const s = setup();
    const b = bus(s);
    const on = expectKind(await b.on(1), 'boarded');
    expect(on).toMatchObject({ balanceFen: 2000, stop: { code: 1 }, recovered: false, mac2Verified: true });
    expect(on.missingTapOff).toBeUndefined();
    let r = await busRecord(s);
    expect(r.record).toMatchObject({ recordId: 2, state: TRIP_STATE.ENTERED, entryLine: 52, entryStation: 1, entryDevice: '300000000052', entryDateTime: '20260302083000', entryAmountFen: 0 });
    expect(r.travel).toMatchObject({ subType: TRAVEL_SUBTYPE.BUS, line: 52, station: 1, amountFen: 0 });
    s.clock.advanceMinutes(25);
    // A → C: 12 km = 3 yuan, the card pays 50 %.
    const off = expectKind(await b.off(3), 'alighted');
    expect(off).toMatchObject({ distanceKm: 12, outsideCityKm: 0, fareFen: 150, baseFareFen: 300, balanceFen: 1850, mac2Verified: true });
    r = await busRecord(s);
    expect(r.record).toMatchObject({ state: TRIP_STATE.EXITED, exitLine: 52, exitStation: 3, exitAmountFen: 150, fareBeforeDiscountFen: 300, accMonth: '202603', monthSpendFen: 150, monthRides: 1 });
    expect(r.travel).toMatchObject({ subType: TRAVEL_SUBTYPE.BUS, station: 3, amountFen: 150, balanceFen: 1850 });
    // The rail record is untouched.
    expect(await s.balanceFen()).toBe(1850);
    expect(s.clear()).toMatchObject({ rejected: [], purchasesFen: 150 });
  });

  it('prices kilometres outside the city limits at 80 % (outside priced first)', async () => {
    const s = setup();
    const b = bus(s);
    expectKind(await b.on(3), 'boarded');
    s.clock.advanceMinutes(30);
    // C → E: 18 km = 4 yuan; the 10 km outside: 2 yuan at 80 % = 1.60, the rest 2 yuan at 50 % = 1.00.
    expect(expectKind(await b.off(5), 'alighted')).toMatchObject({ distanceKm: 18, outsideCityKm: 10, baseFareFen: 400, fareFen: 260 });
    // The other way round, E → C, is the same trip.
    expectKind(await b.on(5), 'boarded');
    expect(expectKind(await b.off(3), 'alighted')).toMatchObject({ distanceKm: 18, outsideCityKm: 10, fareFen: 260 });
    expect((await busRecord(s)).record).toMatchObject({ monthSpendFen: 520, monthRides: 2 });
    expect(s.clear().rejected).toEqual([]);
  });

  it('charges a student card 25 % and lets a senior card ride free', async () => {
    const st = setup('beijing-student');
    const bs = bus(st);
    expectKind(await bs.on(1), 'boarded');
    expect(expectKind(await bs.off(3), 'alighted')).toMatchObject({ fareFen: 75, baseFareFen: 300, balanceFen: 1925 });
    const se = setup('beijing-senior');
    const bz = bus(se);
    expectKind(await bz.on(1), 'boarded');
    expect(expectKind(await bz.off(5), 'alighted')).toMatchObject({ fareFen: 0, baseFareFen: 600, balanceFen: 2000 });
    for (const s of [st, se]) expect(s.clear().rejected).toEqual([]);
    expect(se.journal.records.map((r) => r.amountFen)).toEqual([0, 0]);
  });

  it('charges a missing tap-off at the next tap-on: boarding stop to the farther terminus, undiscounted, in the same debit', async () => {
    const s = setup();
    const b = bus(s);
    expectKind(await b.on(2), 'boarded'); // B, 5 km: the farther terminus is E, 25 km away
    s.clock.advanceMinutes(120);
    const on = expectKind(await b.on(4), 'boarded');
    // 25 km = 2 + 3 yuan, full fare.
    expect(on.missingTapOff).toEqual({ line: 52, stop: 2, boardedAt: '20260302083000', distanceKm: 25, fareFen: 500, baseFareFen: 500 });
    expect(on).toMatchObject({ balanceFen: 1500, stop: { code: 4 } });
    const r = await busRecord(s);
    expect(r.record).toMatchObject({ state: TRIP_STATE.ENTERED, entryStation: 4, entryAmountFen: 500, fareBeforeDiscountFen: 500, monthSpendFen: 500, monthRides: 1 });
    expect(r.travel).toMatchObject({ station: 4, amountFen: 500 });
    // The new boarding then taps off normally: D → E, 10 km all outside = 2 yuan at 80 %.
    expect(expectKind(await b.off(5), 'alighted')).toMatchObject({ fareFen: 160, balanceFen: 1340 });
    expect(s.clear()).toMatchObject({ rejected: [], purchasesFen: 660 });
    expect(s.journal.records).toHaveLength(3);
  });

  it('prices a missing tap-off made on another route from that route', async () => {
    const s = setup();
    const other = bus(s, OTHER);
    expectKind(await other.on(2), 'boarded'); // Y at 3 km: farther terminus X, 3 km
    const on = expectKind(await bus(s).on(1), 'boarded');
    expect(on.missingTapOff).toMatchObject({ line: 7, distanceKm: 3, fareFen: 200 });
  });

  it('refuses tap-off without tap-on, on another route, and a missing tap-off the balance cannot pay', async () => {
    const s = setup();
    const b = bus(s);
    expect(await b.off(3)).toMatchObject({ kind: 'refused', reason: 'not-boarded' });
    expectKind(await b.on(1), 'boarded');
    expect(await bus(s, OTHER).off(2)).toMatchObject({ kind: 'refused', reason: 'wrong-route' });
    const poor = s.issueCard({ seed: 9, balanceFen: 100 });
    expectKind(await b.on(1, poor), 'boarded');
    expect(await b.on(2, poor)).toMatchObject({ kind: 'refused', reason: 'insufficient-balance' });
    expect((await busRecord(s, poor)).record).toMatchObject({ state: TRIP_STATE.ENTERED, entryStation: 1 });
    expect(() => b.v.atStop(9)).toThrow(/"stop" 9 is not a stop of route 52/);
    expect(() => new BusValidator({ ...b.v['opts'], route: { line: 1, stops: [{ code: 1, name: 'a', km: 2 }, { code: 2, name: 'b', km: 1 }] } })).toThrow(/"route.stops\[1\].km"/);
  });

  it('recovers a tap-off debit whose answer was lost (闪卡): journaled once with the proven TAC', async () => {
    const s = setup();
    const b = bus(s);
    expectKind(await b.on(1), 'boarded');
    const before = s.journal.records.length;
    // SELECT, READ 0017, READ 1A #2, 8050, 80DC 1A, 80DC 1E complete; 8054 commits, the answer is lost.
    s.card.injectTear({ afterApdus: 6, phase: 'after-commit' });
    expect(await b.off(3)).toMatchObject({ kind: 'interrupted', pending: true });
    expect(s.journal.records).toHaveLength(before);
    const again = expectKind(await b.off(3), 'alighted');
    expect(again).toMatchObject({ recovered: true, fareFen: 150, balanceFen: 1850 });
    expect(await s.balanceFen()).toBe(1850);
    expect(s.journal.records).toHaveLength(before + 1);
    expect(s.clear()).toMatchObject({ rejected: [], purchasesFen: 150 });
  });

  it('redoes a tap whose debit the card never committed', async () => {
    const s = setup();
    const b = bus(s);
    s.card.injectTear({ afterApdus: 6, phase: 'before-commit' });
    expect(await b.on(1)).toMatchObject({ kind: 'interrupted', pending: true });
    expect(expectKind(await b.on(1), 'boarded').recovered).toBe(false);
    expect(s.clear().rejected).toEqual([]);
  });
});
