// The tearing suite: for the entry, exit and load flows of both profiles, power is cut at EVERY
// card APDU of the flow × {before commit, during commit after step 1 (journal written, not
// valid → rolls back), after step 2 (valid → rolls forward), after step 3 (partly applied →
// rolls forward), after commit} (Card.injectTear). The card is then presented again (powered on
// through the reader: NVM recovery runs) and the terminal recovers. Checked every time:
// - money is conserved: balance (GET BALANCE) = issue balance + journaled loads − journaled debits;
// - no double charge: each counter advanced exactly once per journaled transaction;
// - the 1A record is consistent with the journal (entered after a completed entry, exited after
//   an exit, the entry kept when an exit did not happen);
// - every journaled transaction has a TAC clearing accepts; nothing stays pending;
// - the outcome says `recovered` exactly when the card had committed before it was pulled.
import { describe, expect, it } from 'vitest';
import type { TearSpec } from '../../../engine/index.js';
import type { ApduTraceEvent } from '../../../terminal-sim/reader/index.js';
import { createTransitSetup, type TransitSetup } from '../../../terminal-sim/terminals/index.js';
import { TRIP_STATE } from '../../../terminal-sim/transit/index.js';
import { ALGS, inspect } from '../support/cards.js';
import { tap } from '../support/terminals.js';

type Phase = Omit<TearSpec, 'afterApdus'>;
const PHASES: Phase[] = [
  { phase: 'before-commit' },
  { phase: 'during-commit', step: 1 },
  { phase: 'during-commit', step: 2 },
  { phase: 'during-commit', step: 3 },
  { phase: 'after-commit' },
];
const phaseName = (p: Phase) => (p.step ? `${p.phase} step ${p.step}` : p.phase);
/** True when a tear in this phase of the committing APDU leaves the card committed. */
const commits = (p: Phase) => p.phase === 'after-commit' || (p.phase === 'during-commit' && (p.step ?? 2) >= 2);

type Flow = 'entry' | 'exit' | 'load';
const ISSUE_BALANCE: Record<Flow, number> = { entry: 2000, exit: 2000, load: 0 };
const LOAD_FEN = 5000;

function setup(algorithm: (typeof ALGS)[number], flow: Flow, trace?: (e: ApduTraceEvent) => void): TransitSetup {
  return createTransitSetup({ algorithm, seed: 31, balanceFen: ISSUE_BALANCE[flow], trace });
}

/** Runs the flow's preconditions (an exit needs an entry). */
async function prepare(s: TransitSetup, flow: Flow): Promise<void> {
  if (flow === 'exit') {
    expect((await s.enter()).kind).toBe('entered');
    s.clock.advanceMinutes(20);
  }
}

function run(s: TransitSetup, flow: Flow) {
  return flow === 'entry' ? s.enter() : flow === 'exit' ? s.exit() : s.load(LOAD_FEN);
}

/** After an interruption: the card comes back to the same terminal. */
function again(s: TransitSetup, flow: Flow) {
  if (flow !== 'load') return run(s, flow);
  // The top-up clerk presents the card again: a pending load is settled, otherwise re-ordered.
  return s.topUp.pending.length > 0 ? tap(s.readers.topUp, s.card, () => s.topUp.settlePending()) : run(s, flow);
}

/** The card APDUs of a clean run of the flow, by label. */
async function flowApdus(algorithm: (typeof ALGS)[number], flow: Flow): Promise<string[]> {
  const labels: string[] = [];
  const reader = flow === 'load' ? 'top-up' : `${flow}-gate`;
  let on = flow !== 'exit';
  const s = setup(algorithm, flow, (e) => {
    if (on && e.kind === 'apdu' && e.reader === reader) labels.push(e.label ?? '?');
  });
  await prepare(s, flow);
  on = true;
  const o = await run(s, flow);
  expect(o.kind).toMatch(/^(entered|exited|loaded)$/);
  return labels;
}

describe.each(ALGS)('tearing, %s', (algorithm) => {
  describe.each<Flow>(['entry', 'exit', 'load'])('%s flow', (flow) => {
    it('tears at every APDU × phase, recovers, conserves money and never charges twice', async () => {
      const apdus = await flowApdus(algorithm, flow);
      const committing = flow === 'load' ? 'CREDIT FOR LOAD' : 'DEBIT FOR PURCHASE';
      expect(apdus).toContain(committing);
      expect(apdus.length).toBe(flow === 'load' ? 4 : 7);
      let cases = 0;
      for (let i = 0; i < apdus.length; i++) {
        for (const p of PHASES) {
          const where = `${flow}: tear at APDU ${i} (${apdus[i]}), ${phaseName(p)}`;
          const s = setup(algorithm, flow);
          await prepare(s, flow);
          s.card.injectTear({ afterApdus: i, ...p });
          const first = await run(s, flow);
          expect(first.kind, where).toBe('interrupted');
          const isCommit = apdus[i] === committing;
          expect(first.kind === 'interrupted' && first.pending, where).toBe(isCommit);

          s.clock.advanceMinutes(1);
          const second = await again(s, flow);
          expect(second.kind, `${where}: ${JSON.stringify(second)}`).toBe(flow === 'entry' ? 'entered' : flow === 'exit' ? 'exited' : 'loaded');
          const recovered = isCommit && commits(p);
          expect(second.kind !== 'interrupted' && 'recovered' in second && second.recovered, where).toBe(recovered);
          if (flow === 'load' && second.kind === 'loaded') expect(second.settledPending, where).toBe(isCommit);
          if (isCommit && p.phase === 'during-commit') expect(s.card.lastRecovery === 'clean', where).toBe(false);

          const st = await inspect(s.card);
          const records = s.journal.records;
          const loads = records.filter((r) => r.type === 2);
          const debits = records.filter((r) => r.type === 9);
          const sum = (rs: typeof records) => rs.reduce((a, r) => a + r.amountFen, 0);
          // Money is conserved.
          expect(st.balanceFen, where).toBe(ISSUE_BALANCE[flow] + sum(loads) - sum(debits));
          // Each counter advanced once per journaled transaction: no double charge.
          expect(st.offlineCounter, where).toBe(debits.length);
          expect(st.onlineCounter, where).toBe(loads.length);
          // The flow happened exactly once.
          if (flow === 'load') expect(sum(loads), where).toBe(LOAD_FEN);
          else expect(debits.length, where).toBe(flow === 'entry' ? 1 : 2);
          if (flow === 'exit') expect(sum(debits), where).toBe(300);
          // 1A consistent with the journal.
          if (flow === 'entry') expect(st.rail).toMatchObject({ state: TRIP_STATE.ENTERED, entryLine: 1, entryStation: 101, entryDateTime: debits[0].dateTime });
          if (flow === 'exit') expect(st.rail).toMatchObject({ state: TRIP_STATE.EXITED, entryStation: 101, exitStation: 205, exitAmountFen: 300, exitDateTime: debits[1].dateTime, monthRides: 1 });
          if (flow === 'load') expect(st.rail.state, where).toBe(TRIP_STATE.NONE);
          // Every journaled TAC clears; nothing is left pending.
          expect(s.clear().rejected, where).toEqual([]);
          expect([...s.entryGate.pending, ...s.exitGate.pending, ...s.topUp.pending], where).toEqual([]);
          cases++;
        }
      }
      expect(cases).toBe(apdus.length * PHASES.length);
    });
  });
});
