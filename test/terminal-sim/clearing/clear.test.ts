// Tests for terminal-sim/clearing: a journal from real terminal runs clears; a tampered amount,
// terminal, date or TAC is caught (tac-mismatch), a malformed record is reported, a replayed
// record is a duplicate, and the totals count accepted records only.
import { describe, expect, it } from 'vitest';
import { clear, Journal, type JournalRecord } from '../../../terminal-sim/clearing/index.js';
import { createTransitSetup } from '../../../terminal-sim/terminals/index.js';
import { ALGS, DEMO, OTHER_KEYS } from '../support/cards.js';

describe.each(ALGS)('clear, %s', (algorithm) => {
  async function journal(): Promise<readonly JournalRecord[]> {
    const s = createTransitSetup({ algorithm, seed: 5 });
    expect((await s.load(5000)).kind).toBe('loaded');
    expect((await s.enter()).kind).toBe('entered');
    s.clock.advanceMinutes(30);
    expect((await s.exit()).kind).toBe('exited');
    return s.journal.records;
  }

  it('accepts the records of real runs and totals them', async () => {
    const records = await journal();
    expect(records.map((r) => [r.type, r.amountFen])).toEqual([
      [2, 5000],
      [9, 0],
      [9, 300],
    ]);
    const r = clear(records, DEMO);
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toHaveLength(3);
    expect(r.loadsFen).toBe(5000);
    expect(r.purchasesFen).toBe(300);
  });

  it('catches a tampered amount, terminal, date, sequence number or TAC', async () => {
    const [load, entry, exit] = await journal();
    const flipTac = (t: string) => (parseInt(t[0], 16) ^ 1).toString(16) + t.slice(1);
    const bad: JournalRecord[] = [
      { ...exit, amountFen: 30 },
      { ...load, amountFen: 50_000 },
      { ...entry, terminalId: '100000000102' },
      { ...exit, dateTime: '20260302085501' },
      { ...exit, terminalSeq: 2 },
      { ...load, tac: flipTac(load.tac) },
    ];
    const r = clear(bad, DEMO);
    expect(r.accepted).toEqual([]);
    expect(r.rejected.map((x) => [x.index, x.problem])).toEqual(bad.map((_, i) => [i, 'tac-mismatch']));
    expect(r.rejected[0].reason).toBe("TAC does not verify with the card's TAC key");
    expect(r.loadsFen + r.purchasesFen).toBe(0);
    // Another issuer's keys accept nothing.
    expect(clear([load, entry, exit], OTHER_KEYS).rejected).toHaveLength(3);
  });

  it('reports malformed records and duplicates', async () => {
    const [load, entry, exit] = await journal();
    const r = clear([load, { ...exit, terminalSeq: undefined }, { ...entry, tac: 'xyz' }, entry, exit, exit, { ...load, serial: '1' }], DEMO);
    expect(r.rejected.map((x) => [x.index, x.problem, x.reason])).toEqual([
      [1, 'malformed', '"record.terminalSeq" is required for a purchase'],
      [2, 'malformed', '"record.tac" expected 8 hex digits, got "xyz"'],
      [5, 'duplicate', `transaction offline counter 1 of card ${exit.serial} already cleared`],
      [6, 'malformed', '"record.serial" expected 20 hex digits, got "1"'],
    ]);
    expect(r.accepted).toEqual([load, entry, exit]);
  });

  it('checks its arguments', () => {
    expect(() => clear('x' as unknown as JournalRecord[], DEMO)).toThrow(TypeError);
    expect(() => clear([], { tac: new Uint8Array(8) })).toThrow(RangeError);
    const j = new Journal();
    expect(clear(j.records, DEMO)).toEqual({ accepted: [], rejected: [], loadsFen: 0, purchasesFen: 0 });
  });
});
