// Tests for the rail gate (terminal-sim/terminals/gate.ts), DOMAIN.md §3 "Gate flow": entry and
// exit for both profiles with the 1A record, the 1E log and the 0018 log read back from the
// card; every refusal as an outcome; the 4-hour rule; the fare function's inputs and the month
// accumulators; a lost CREDIT SAM FOR PURCHASE; a PSAM of another issuer; and the 闪卡
// recovery cases that the tearing suite does not reach (another terminal's transaction in
// between, a proof replaced by a later load, a tear during recovery, restored pending state).
import { describe, expect, it } from 'vitest';
import { TRANSIT_AID } from '../../../engine/index.js';
import { hexToBytes } from '../../../crypto/utils.js';
import { CardRemovedError, MacInvalidError, MemoryReader } from '../../../terminal-sim/reader/index.js';
import { createTransitSetup, Gate, type FareInput, type GateOutcome } from '../../../terminal-sim/terminals/index.js';
import {
  readTransactionLog,
  readTravelRecord,
  TRIP_STATE,
  type TravelRecord,
} from '../../../terminal-sim/transit/index.js';
import { ALGS, CELL, cell, FlakyReader, inspect, OTHER_KEYS, patchCard, removedAt, selectedReader } from '../support/cards.js';
import { extraGate } from '../support/terminals.js';

function expectKind<K extends GateOutcome['kind']>(o: GateOutcome, kind: K): Extract<GateOutcome, { kind: K }> {
  expect(o.kind, JSON.stringify(o)).toBe(kind);
  return o as Extract<GateOutcome, { kind: K }>;
}

describe.each(ALGS)('gate, %s', (algorithm) => {
  it('entry then exit: charged the fare, 1A/1E/0018 written, journaled, cleared', async () => {
    const s = createTransitSetup({ algorithm, seed: 21, balanceFen: 2000 });
    const entered = expectKind(await s.enter(), 'entered');
    expect(entered).toMatchObject({ serial: s.card.info.serial, balanceFen: 2000, recovered: false, mac2Verified: true });
    expect(entered.record).toMatchObject({ recordId: 1, state: TRIP_STATE.ENTERED, entryCity: '1000', entryLine: 1, entryStation: 101, entryDevice: '100000000101', entryDateTime: '20260302083000', entryAmountFen: 0 });
    expect(entered.journal).toMatchObject({ counter: 0, amountFen: 0, type: 9, terminalId: '100000000101', terminalSeq: 1, dateTime: '20260302083000', alg: algorithm });
    expect((await inspect(s.card)).rail).toEqual(entered.record);

    s.clock.advanceMinutes(42);
    const exited = expectKind(await s.exit(), 'exited');
    expect(exited).toMatchObject({ fareFen: 300, baseFareFen: 300, overtime: false, durationMinutes: 42, balanceFen: 1700, mac2Verified: true });
    expect(exited.record).toEqual({
      ...entered.record,
      state: TRIP_STATE.EXITED,
      exitLine: 2,
      exitStation: 205,
      exitDevice: '100000000205',
      exitDateTime: '20260302091200',
      exitAmountFen: 300,
      fareBeforeDiscountFen: 300,
      accMonth: '202603',
      monthSpendFen: 300,
      monthRides: 1,
    });
    expect(exited.journal).toMatchObject({ counter: 1, amountFen: 300, type: 9, terminalId: '100000000205', terminalSeq: 1, dateTime: '20260302091200' });
    const state = await inspect(s.card);
    expect(state).toMatchObject({ balanceFen: 1700, offlineCounter: 2, onlineCounter: 0 });
    expect(state.rail).toEqual(exited.record);

    const r = await selectedReader(s.card);
    const exitLog: TravelRecord = { type: 2, device: '0000100000000205', subType: 1, line: 2, station: 205, amountFen: 300, balanceFen: 1700, dateTime: '20260302091200', city: '1000', acquirer: '0000000000001000' };
    expect(await readTravelRecord(r, 1)).toEqual(exitLog);
    expect(await readTravelRecord(r, 2)).toEqual({ ...exitLog, type: 1, device: '0000100000000101', line: 1, station: 101, amountFen: 0, balanceFen: 2000, dateTime: '20260302083000' });
    expect(await readTransactionLog(r, 1)).toEqual({ counter: 1, overdraftFen: 0, amountFen: 300, type: 9, terminalId: '100000000205', dateTime: '20260302091200' });
    expect(await readTransactionLog(r, 2)).toMatchObject({ counter: 0, amountFen: 0, type: 9, terminalId: '100000000101' });

    expect(s.clear()).toMatchObject({ rejected: [], purchasesFen: 300 });
    expect(s.entryGate.pending).toEqual([]);
    expect(s.exitGate.pending).toEqual([]);
  });

  it('refuses a repeated entry and an exit without entry, charging nothing', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    expect(expectKind(await s.exit(), 'refused')).toMatchObject({ reason: 'exit-without-entry', serial: s.card.info.serial });
    expectKind(await s.enter(), 'entered');
    s.clock.advanceMinutes(5);
    expect(expectKind(await s.enter(), 'refused')).toMatchObject({ reason: 'repeated-entry', detail: 'already entered at line 1 station 101 on 20260302083000' });
    expectKind(await s.exit(), 'exited');
    expect(expectKind(await s.exit(), 'refused').reason).toBe('exit-without-entry');
    expect(await inspect(s.card)).toMatchObject({ balanceFen: 1700, offlineCounter: 2 });
    expect(s.journal.records).toHaveLength(2);
  });

  it('refuses a non-interoperable card (0017 interop type 0000)', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    const ef17 = cell(s.card, CELL.ef17).slice();
    ef17[8] = 0;
    ef17[9] = 0;
    const card = patchCard(s.card, { [CELL.ef17]: ef17 });
    expect(expectKind(await s.enter(card), 'refused')).toMatchObject({ reason: 'not-interoperable' });
    expect(await inspect(card)).toMatchObject({ offlineCounter: 0 });
  });

  it('refuses a blocked application (6A81)', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    s.card.setApplicationBlocked(hexToBytes(TRANSIT_AID), true);
    const r = expectKind(await s.enter(), 'refused');
    expect(r.reason).toBe('blocked');
    expect(r.error).toMatchObject({ sw: 0x6a81, command: 'SELECT transit' });
  });

  it('refuses an exit the balance does not cover (9401), keeping the entry', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 100 });
    expectKind(await s.enter(), 'entered');
    s.clock.advanceMinutes(20);
    const r = expectKind(await s.exit(), 'refused');
    expect(r).toMatchObject({ reason: 'insufficient-balance', error: { sw: 0x9401 } });
    const st = await inspect(s.card);
    expect(st).toMatchObject({ balanceFen: 100, offlineCounter: 1 });
    expect(st.rail.state).toBe(TRIP_STATE.ENTERED);
    // Topped up, the same trip exits.
    expectKind(await s.load(2000).then(() => s.exit()), 'exited');
  });

  it('refuses entry under a configured minimum balance', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 100 });
    const g = extraGate(s, 'entry', { minEntryBalanceFen: 200 });
    expect(expectKind(await g.present(s.card), 'refused')).toMatchObject({ reason: 'insufficient-balance', detail: 'balance 100 fen below the entry minimum 200 fen' });
  });

  it('refuses a 1A record with a bad CRC', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    expectKind(await s.enter(), 'entered');
    const rail = cell(s.card, CELL.rail).slice();
    rail[8] ^= 0x01; // entry station
    const card = patchCard(s.card, { [CELL.rail]: rail });
    s.clock.advanceMinutes(10);
    expect(expectKind(await s.exit(card), 'refused')).toMatchObject({ reason: 'bad-crc' });
    expect(expectKind(await s.enter(card), 'refused')).toMatchObject({ reason: 'bad-crc' });
    expect(await inspect(card).catch((e: Error) => e.message)).toMatch(/1A unreadable/);
  });

  it('refuses an expired card', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    s.clock.set(Date.UTC(2036, 5, 1));
    expect(expectKind(await s.enter(), 'refused')).toMatchObject({ reason: 'expired' });
  });

  it('flags a trip over 4 hours for the fare function (limit configurable)', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 5000 });
    expectKind(await s.enter(), 'entered');
    s.clock.advanceMinutes(240);
    expect(expectKind(await s.exit(), 'exited')).toMatchObject({ overtime: false, durationMinutes: 240, fareFen: 300 });
    expectKind(await s.enter(), 'entered');
    s.clock.advanceMinutes(241);
    const late = expectKind(await s.exit(), 'exited');
    expect(late).toMatchObject({ overtime: true, durationMinutes: 241, fareFen: 600, baseFareFen: 600 });
    expect(late.record.exitAmountFen).toBe(600);
    const lenient = extraGate(s, 'exit', { overtimeLimitMinutes: 300 });
    expectKind(await s.enter(), 'entered');
    s.clock.advanceMinutes(241);
    expect(expectKind(await lenient.present(s.card), 'exited')).toMatchObject({ overtime: false, fareFen: 300 });
  });

  it('reports the fare function’s own over-time judgment when it gives one, and refuses a malformed one', async () => {
    const judged = createTransitSetup({ algorithm, balanceFen: 5000, fare: () => ({ fareFen: 300, baseFareFen: 300, overtime: true }) });
    expectKind(await judged.enter(), 'entered');
    judged.clock.advanceMinutes(10);
    expect(expectKind(await judged.exit(), 'exited')).toMatchObject({ overtime: true, durationMinutes: 10, fareFen: 300 });
    const bad = createTransitSetup({ algorithm, balanceFen: 5000, fare: () => ({ fareFen: 300, baseFareFen: 300, overtime: 'yes' as unknown as boolean }) });
    expectKind(await bad.enter(), 'entered');
    await expect(bad.exit()).rejects.toThrow(/"fare.overtime" expected a boolean, got string/);
  });

  it('gives the fare function the trip, card type and month accumulators, and stores its answer', async () => {
    const inputs: FareInput[] = [];
    const s = createTransitSetup({
      algorithm,
      balanceFen: 5000,
      profile: 'beijing-student',
      fare: (input) => {
        inputs.push(input);
        return { fareFen: 250, baseFareFen: 400 };
      },
    });
    expectKind(await s.enter(), 'entered');
    s.clock.advanceMinutes(30);
    const first = expectKind(await s.exit(), 'exited');
    expect(inputs[0]).toEqual({
      cardType: 2,
      entry: { city: '1000', line: 1, station: 101, device: '100000000101', dateTime: '20260302083000' },
      exit: { city: '1000', line: 2, station: 205, device: '100000000205', dateTime: '20260302090000' },
      durationMinutes: 30,
      overtime: false,
      month: { yyyymm: '202603', spendFen: 0, rides: 0 },
    });
    expect(first.record).toMatchObject({ exitAmountFen: 250, fareBeforeDiscountFen: 400, accMonth: '202603', monthSpendFen: 250, monthRides: 1 });
    // Same month: accumulated.
    expectKind(await s.enter(), 'entered');
    s.clock.advanceMinutes(20);
    const second = expectKind(await s.exit(), 'exited');
    expect(inputs[1].month).toEqual({ yyyymm: '202603', spendFen: 250, rides: 1 });
    expect(second.record).toMatchObject({ monthSpendFen: 500, monthRides: 2 });
    // Next month: reset (the month of the exit counts).
    s.clock.set(Date.UTC(2026, 2, 31, 15, 50)); // 23:50 Beijing, 31 March
    expectKind(await s.enter(), 'entered');
    s.clock.advanceMinutes(20); // 00:10, 1 April
    const third = expectKind(await s.exit(), 'exited');
    expect(inputs[2].month).toEqual({ yyyymm: '202604', spendFen: 0, rides: 0 });
    expect(third.record).toMatchObject({ accMonth: '202604', monthSpendFen: 250, monthRides: 1 });
    expect(await inspect(s.card)).toMatchObject({ balanceFen: 5000 - 750 });
    expect(s.clear().rejected).toEqual([]);
  });

  it('a PSAM lost at CREDIT SAM FOR PURCHASE is fine: journaled, the TAC proves it', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    const g = extraGate(s, 'entry', {
      wrapSam: (r) => {
        const f = new FlakyReader(r);
        f.failWhen = removedAt(0x72, r.name);
        return f;
      },
    });
    const o = expectKind(await g.present(s.card), 'entered');
    expect(o.mac2Verified).toBeUndefined();
    expect(s.clear()).toMatchObject({ rejected: [], accepted: [o.journal] });
  });

  it('a PSAM of another issuer: the card refuses MAC1 (9302), nothing happens', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    const g = extraGate(s, 'entry', { issuerKeys: OTHER_KEYS });
    const o = expectKind(await g.present(s.card), 'refused');
    expect(o.reason).toBe('card-error');
    expect(o.error).toBeInstanceOf(MacInvalidError);
    expect(o.error?.command).toBe('DEBIT FOR PURCHASE');
    expect(g.gate.pending).toEqual([]);
    const st = await inspect(s.card);
    expect(st).toMatchObject({ balanceFen: 2000, offlineCounter: 0 });
    expect(st.rail.state).toBe(TRIP_STATE.NONE);
  });

  it('an empty PSAM slot is a terminal fault (thrown), not a refusal', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    s.readers.entrySam.removeCard();
    await expect(s.enter()).rejects.toBeInstanceOf(CardRemovedError);
    expect(() => new Gate({ direction: 'up' as 'entry', cardReader: new MemoryReader('a'), psam: new MemoryReader('b'), clock: s.clock, journal: s.journal, station: { line: 1, station: 1 } })).toThrow(RangeError);
  });

  it('no card in the field: interrupted, nothing pending', async () => {
    const s = createTransitSetup({ algorithm });
    expect(await s.entryGate.present()).toMatchObject({ kind: 'interrupted', pending: false });
  });
});

describe.each(ALGS)('闪卡 recovery, %s', (algorithm) => {
  /** Index of DEBIT FOR PURCHASE among the entry flow's card APDUs (select, 0017, 1A, 8050, 80DC ×2). */
  const DEBIT = 6;

  it('another terminal\'s transaction in between is not taken for ours', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    s.card.injectTear({ afterApdus: DEBIT, phase: 'before-commit' });
    expect(await s.enter()).toMatchObject({ kind: 'interrupted', pending: true });
    // The card enters elsewhere first: its offline counter moves on.
    const other = extraGate(s, 'entry');
    s.clock.advanceMinutes(1);
    expectKind(await other.present(s.card), 'entered');
    // Back at the first gate: the counter moved, but not for us — no proof taken, and the card
    // (entered now) is refused as a repeated entry.
    s.clock.advanceMinutes(1);
    expect(expectKind(await s.enter(), 'refused').reason).toBe('repeated-entry');
    expect(s.entryGate.pending).toEqual([]);
    expect(s.journal.records.map((r) => r.terminalId)).toEqual([s.journal.records[0].terminalId]);
    expect(s.journal.records[0].terminalId).not.toBe('100000000101');
    expect(s.clear().rejected).toEqual([]);
  });

  it('a load between an interrupted debit and recovery keeps the debit provable (one proof per counter [P])', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 0 });
    expect((await s.load(2000)).kind).toBe('loaded');
    s.card.injectTear({ afterApdus: DEBIT, phase: 'after-commit' });
    expect(await s.enter()).toMatchObject({ kind: 'interrupted', pending: true });
    expect((await s.load(1000)).kind).toBe('loaded');
    expect(expectKind(await s.enter(), 'entered')).toMatchObject({ recovered: true });
    expect(s.entryGate.unproven).toEqual([]);
    expect(s.entryGate.pending).toEqual([]);
    expect(await inspect(s.card)).toMatchObject({ balanceFen: 3000, offlineCounter: 1 });
    expect(s.clear()).toMatchObject({ rejected: [] });
  });

  it('a debit the card made but whose proof a later purchase replaced is settled as unproven, never charged again', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    s.card.injectTear({ afterApdus: DEBIT, phase: 'after-commit' });
    expect(await s.enter()).toMatchObject({ kind: 'interrupted', pending: true });
    // The card leaves through another gate first: its exit replaces the entry's proof.
    s.clock.advanceMinutes(10);
    expectKind(await s.exit(), 'exited');
    const o = expectKind(await s.enter(), 'unproven');
    expect(o.pending).toMatchObject({ serial: s.card.info.serial, counter: 0, direction: 'entry' });
    expect(s.entryGate.unproven).toHaveLength(1);
    expect(s.entryGate.pending).toEqual([]);
    expect(await inspect(s.card)).toMatchObject({ balanceFen: 1700, offlineCounter: 2 });
  });

  it('keeps the pending transaction through a tear during recovery, and after a restart', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    expectKind(await s.enter(), 'entered');
    s.clock.advanceMinutes(15);
    s.card.injectTear({ afterApdus: DEBIT, phase: 'after-commit' });
    expect(await s.exit()).toMatchObject({ kind: 'interrupted', pending: true });
    s.card.injectTear({ afterApdus: 1, phase: 'before-commit' }); // the probe
    expect(await s.exit()).toMatchObject({ kind: 'interrupted', pending: true });
    // The gate restarts from its stored pending list.
    const restarted = new Gate({ direction: 'exit', cardReader: s.readers.exit, psam: s.readers.exitSam, clock: s.clock, journal: s.journal, station: { line: 2, station: 205 }, pending: s.exitGate.pending });
    s.readers.exit.insertCard(s.card);
    const o = expectKind(await restarted.present(), 'exited');
    s.readers.exit.removeCard();
    expect(o).toMatchObject({ recovered: true, fareFen: 300, mac2Verified: undefined, journal: { recovered: true } });
    expect(await inspect(s.card)).toMatchObject({ balanceFen: 1700, offlineCounter: 2 });
    expect(s.clear()).toMatchObject({ rejected: [], purchasesFen: 300 });
  });
});
