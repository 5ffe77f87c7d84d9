// The compound purchase shared by the gate and the bus validator (terminal-sim/terminals/
// capp-purchase.ts), both purse profiles: a pending purchase survives a card pulled during its
// settlement at either terminal and is then recovered exactly once; the 1A record a pending
// purchase keeps is its own, not the reused command buffer a later tap at the same gate wrote.
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../../crypto/utils.js';
import { issuePsam } from '../../../terminal-sim/psam/index.js';
import { MemoryReader } from '../../../terminal-sim/reader/index.js';
import { BusValidator, createTransitSetup, type BusRoute } from '../../../terminal-sim/terminals/index.js';
import { decodeTransitRecord, TRIP_STATE } from '../../../terminal-sim/transit/index.js';
import { ALGS } from '../support/cards.js';
import { tap } from '../support/terminals.js';

/** Card APDUs before the DEBIT (select, 0017, 1A, 8050, 80DC ×2), and before a settlement's 0018 read (select, 8050). */
const DEBIT = 6;
const LOG_READ = 2;

const ROUTE: BusRoute = { line: 52, stops: [{ code: 1, name: 'A', km: 0 }, { code: 2, name: 'B', km: 12 }] };

describe.each(ALGS)('compound purchase, %s', (algorithm) => {
  it('gate: a card pulled while its pending exit is settled stays pending, then is recovered once', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    expect((await s.enter()).kind).toBe('entered');
    s.clock.advanceMinutes(15);
    s.card.injectTear({ afterApdus: DEBIT, phase: 'after-commit' });
    expect(await s.exit()).toMatchObject({ kind: 'interrupted', pending: true });
    s.card.injectTear({ afterApdus: LOG_READ, phase: 'before-commit' });
    expect(await s.exit()).toMatchObject({ kind: 'interrupted', pending: true });
    expect(await s.exit()).toMatchObject({ kind: 'exited', recovered: true, fareFen: 300, balanceFen: 1700 });
    expect(s.exitGate.pending).toEqual([]);
    expect(s.clear()).toMatchObject({ rejected: [], purchasesFen: 300 });
  });

  it('bus: a card pulled while its pending tap-off is settled stays pending, then is recovered once', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    const reader = new MemoryReader('bus-52');
    const sam = new MemoryReader('bus-52-sam', { card: issuePsam({ terminalId: '300000000052', issuerKeys: s.issuerKeys }) });
    const v = new BusValidator({ cardReader: reader, psam: sam, clock: s.clock, journal: s.journal, route: ROUTE });
    expect((await tap(reader, s.card, () => v.atStop(1).tapOn())).kind).toBe('boarded');
    s.clock.advanceMinutes(20);
    s.card.injectTear({ afterApdus: DEBIT, phase: 'after-commit' });
    expect(await tap(reader, s.card, () => v.atStop(2).tapOff())).toMatchObject({ kind: 'interrupted', pending: true });
    s.card.injectTear({ afterApdus: LOG_READ, phase: 'before-commit' });
    expect(await tap(reader, s.card, () => v.tapOff())).toMatchObject({ kind: 'interrupted', pending: true });
    const o = await tap(reader, s.card, () => v.tapOff());
    expect(o).toMatchObject({ kind: 'alighted', recovered: true });
    const fareFen = o.kind === 'alighted' ? o.fareFen : NaN;
    expect(await s.balanceFen()).toBe(2000 - fareFen);
    expect(s.clear()).toMatchObject({ rejected: [], purchasesFen: fareFen });
  });

  it('gate: a pending exit keeps its own 1A record when the next card at that gate reuses the command buffer', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 2000 });
    const other = s.issueCard({ seed: 7, balanceFen: 2000 });
    const entered = await s.enter();
    if (entered.kind !== 'entered') throw new Error(entered.kind);
    s.clock.advanceMinutes(5);
    expect((await s.enter(other)).kind).toBe('entered');
    s.clock.advanceMinutes(15);
    s.card.injectTear({ afterApdus: DEBIT, phase: 'after-commit' });
    expect(await s.exit()).toMatchObject({ kind: 'interrupted', pending: true });
    s.clock.advanceMinutes(1);
    expect((await s.exit(other)).kind).toBe('exited');
    const [p] = s.exitGate.pending;
    expect(p.serial).toBe(s.card.info.serial);
    expect(decodeTransitRecord(hexToBytes(p.transitRecord))).toMatchObject({
      state: TRIP_STATE.EXITED,
      entryDateTime: entered.record.entryDateTime,
      exitDateTime: p.dateTime,
      exitAmountFen: 300,
    });
    expect(await s.exit()).toMatchObject({ kind: 'exited', recovered: true, record: { entryDateTime: entered.record.entryDateTime, exitDateTime: p.dateTime } });
  });
});
