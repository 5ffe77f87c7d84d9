/**
 * Cross interoperability of the two gates on one card (DOMAIN.md §3 "Gate flow", the 1A record):
 * the independent terminal (./independent-terminal.ts, written only from DOMAIN.md) enters and
 * ssc3's exit gate (terminal-sim/terminals/gate.ts) lets the card out, and the reverse. Each side
 * reads what the other wrote: 1A record (CRC, state, entry fields, month accumulators), balance,
 * counters; ssc3's clearing checks the independent terminal's TACs too.
 */
import { describe, expect, it } from 'vitest';
import { createTransitSetup, flatFare, type GateOutcome } from '../../terminal-sim/terminals/index.js';
import {
  clearingRecord,
  decodeRailRecord,
  decodeTravelLog,
  getBalance,
  independentEntry,
  independentExit,
  independentTopUp,
  peekOfflineCounter,
  read1A,
  read1E,
  selectTransit,
  SoftPsam,
  toHex,
  type Alg,
} from './independent-terminal.js';

const OUR_STATION = { line: 7, station: 31 };
const FARE_FEN = 500;

function setup(alg: Alg) {
  const s = createTransitSetup({ algorithm: alg, fare: flatFare({ fareFen: FARE_FEN }) });
  const psam = new SoftPsam(Uint8Array.from([0x20, 0, 0, 0, 0, 0x77]), 1);
  // Our terminal talks to the card directly: it needs power (the setup's readers power it themselves).
  const ours = {
    at: () => new Date(s.clock.now()),
    run<T>(f: () => T): T {
      s.card.powerOn();
      try {
        return f();
      } finally {
        s.card.powerOff();
      }
    },
  };
  return { s, psam, ours };
}

function expectKind<K extends GateOutcome['kind']>(o: GateOutcome, kind: K): Extract<GateOutcome, { kind: K }> {
  if (o.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(o, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v))}`);
  return o as Extract<GateOutcome, { kind: K }>;
}

describe.each(['3des', 'sm4'] as const)('cross gate, %s profile', (alg) => {
  it('independent terminal tops up and enters; ssc3 exit gate lets the card out and charges the fare', async () => {
    const { s, psam, ours } = setup(alg);
    const load = ours.run(() => independentTopUp(s.card, { amountFen: 5000, at: ours.at(), alg }));
    const entry = ours.run(() => independentEntry(s.card, { station: OUR_STATION, at: ours.at(), alg, psam }));

    // ssc3's entry gate refuses the card our terminal entered: repeated entry.
    expect(expectKind(await s.enter(), 'refused').reason).toBe('repeated-entry');

    s.clock.advanceMinutes(25);
    const out = expectKind(await s.exit(), 'exited');
    expect(out.fareFen).toBe(FARE_FEN);
    expect(out.balanceFen).toBe(5000 - FARE_FEN);
    expect(out.mac2Verified).toBe(true);
    expect(out.overtime).toBe(false);
    expect(out.record).toMatchObject({ entryLine: OUR_STATION.line, entryStation: OUR_STATION.station, entryDevice: toHex(entry.terminalId) });

    // Our terminal reads what ssc3 wrote: CRC valid, state 02, our entry kept, month accumulated.
    ours.run(() => {
      selectTransit(s.card);
      expect(getBalance(s.card)).toBe(5000 - FARE_FEN);
      const rail = decodeRailRecord(read1A(s.card));
      expect(rail).toMatchObject({
        state: 0x02,
        entryCity: '1000',
        entry: OUR_STATION,
        entryDateTime: toHex(new Uint8Array([...entry.date, ...entry.time])),
        entryAmountFen: 0,
        exitAmountFen: FARE_FEN,
        fareBeforeDiscountFen: FARE_FEN,
        accumulationMonth: toHex(entry.date).slice(0, 6),
        monthRailSpendFen: FARE_FEN,
        monthRailRides: 1,
      });
      expect(toHex(rail.entryDevice)).toBe(toHex(entry.terminalId));
      expect(decodeTravelLog(read1E(s.card, 1))).toMatchObject({ amountFen: FARE_FEN, balanceFen: 5000 - FARE_FEN, subType: 0x01, city: '1000' });
      expect(toHex(read1E(s.card, 2))).toBe(toHex(entry.travelLog));
      // Not compared: the 1E "type" byte. DOMAIN.md names it without values; ssc3 writes 01/02
      // (entry/exit), the independent terminal 09 (the §3 transaction type). Reported.
      expect(peekOfflineCounter(s.card)).toBe(entry.offlineCounter + 2);
      // And refuses to let it out twice.
      expect(() => independentExit(s.card, { station: OUR_STATION, at: ours.at(), alg, psam, fareFen: FARE_FEN })).toThrow(/exit-without-entry/);
    });

    // ssc3's clearing accepts our TACs as well as its own.
    for (const r of [load, entry]) s.journal.append(clearingRecord(r));
    const cleared = s.clear();
    expect(cleared.rejected).toEqual([]);
    expect(cleared.accepted).toHaveLength(3);
    expect(cleared.purchasesFen).toBe(FARE_FEN);
    expect(cleared.loadsFen).toBe(5000);
  });

  it('ssc3 top-up and entry gate; the independent terminal lets the card out', async () => {
    const { s, psam, ours } = setup(alg);
    expect((await s.load(5000)).kind).toBe('loaded');
    const entered = expectKind(await s.enter(), 'entered');

    // Our terminal refuses to enter it again.
    ours.run(() => expect(() => independentEntry(s.card, { station: OUR_STATION, at: ours.at(), alg, psam })).toThrow(/repeated-entry/));

    s.clock.advanceMinutes(40);
    const exit = ours.run(() => independentExit(s.card, { station: OUR_STATION, at: ours.at(), alg, psam, fareFen: FARE_FEN }));
    expect(exit.recordBefore).toMatchObject({ state: 0x01, entry: { line: entered.record.entryLine, station: entered.record.entryStation }, entryDateTime: entered.record.entryDateTime });
    expect(exit.offlineCounter).toBe(entered.journal.counter + 1);
    expect(exit.balanceBeforeFen).toBe(5000);
    expect(exit.overtime).toBe(false);

    expect(await s.balanceFen()).toBe(5000 - FARE_FEN);
    // ssc3's exit gate now sees a completed trip and refuses an exit without entry.
    expect(expectKind(await s.exit(), 'refused').reason).toBe('exit-without-entry');
    // ssc3's entry gate reads our exit record (CRC, state 02) and starts the next trip, keeping the month accumulators.
    s.clock.advanceMinutes(60);
    const next = expectKind(await s.enter(), 'entered');
    expect(next.record).toMatchObject({ accMonth: toHex(exit.date).slice(0, 6), monthSpendFen: FARE_FEN, monthRides: 1 });

    s.journal.append(clearingRecord(exit));
    const cleared = s.clear();
    expect(cleared.rejected).toEqual([]);
    expect(cleared.purchasesFen).toBe(FARE_FEN);
  });

  it('the insufficient-balance refusal agrees: both gates see the card 9401 and leave the card as it was', async () => {
    const { s, psam, ours } = setup(alg);
    ours.run(() => independentTopUp(s.card, { amountFen: 300, at: ours.at(), alg }));
    ours.run(() => independentEntry(s.card, { station: OUR_STATION, at: ours.at(), alg, psam }));
    const rail = ours.run(() => (selectTransit(s.card), toHex(read1A(s.card))));
    const s2 = createTransitSetup({ algorithm: alg, fare: flatFare({ fareFen: 301 }) });
    // Use the second setup's exit gate (fare 301) on our card.
    s2.readers.exit.insertCard(s.card);
    const refused = expectKind(await s2.exitGate.present(), 'refused');
    s2.readers.exit.removeCard();
    expect(refused.reason).toBe('insufficient-balance');
    expect(() => ours.run(() => independentExit(s.card, { station: OUR_STATION, at: ours.at(), alg, psam, fareFen: 301 }))).toThrow(/insufficient-balance/);
    ours.run(() => {
      selectTransit(s.card);
      expect(getBalance(s.card)).toBe(300);
      expect(toHex(read1A(s.card))).toBe(rail);
    });
  });
});
