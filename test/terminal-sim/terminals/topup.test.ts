// Tests for the top-up terminal (terminal-sim/terminals/topup.ts): loads for both profiles with
// the host's MAC2 and a verified TAC, the business rules [S] (multiples of 10 yuan, first load
// ≥ 20 yuan, maximum balance — checked by the terminal and refused by the card too), and every
// refusal as an outcome.
import { describe, expect, it } from 'vitest';
import { TRANSIT_AID } from '../../../engine/index.js';
import { hexToBytes } from '../../../crypto/utils.js';
import { IssuerHost } from '../../../terminal-sim/issuer/index.js';
import { ConditionsNotSatisfiedError, MemoryReader } from '../../../terminal-sim/reader/index.js';
import { createTransitSetup, TopUpTerminal } from '../../../terminal-sim/terminals/index.js';
import { ALGS, DEMO, inspect, OTHER_KEYS } from '../support/cards.js';
import { tap } from '../support/terminals.js';

describe.each(ALGS)('top-up terminal, %s', (algorithm) => {
  it('loads 50 yuan, then 10 more; the host verifies each TAC and clearing accepts them', async () => {
    const s = createTransitSetup({ algorithm, seed: 11 });
    const first = await s.load(5000);
    expect(first).toMatchObject({ kind: 'loaded', amountFen: 5000, balanceFen: 5000, recovered: false, settledPending: false, tacVerified: true });
    if (first.kind !== 'loaded') return;
    expect(first.journal).toMatchObject({ serial: s.card.info.serial, counter: 0, amountFen: 5000, type: 2, terminalId: '100000009001', dateTime: '20260302083000', alg: algorithm });
    expect(first.journal.terminalSeq).toBeUndefined();
    s.clock.advanceMinutes(1);
    expect(await s.load(1000)).toMatchObject({ kind: 'loaded', balanceFen: 6000, journal: { counter: 1 } });
    expect(await inspect(s.card)).toMatchObject({ balanceFen: 6000, onlineCounter: 2, offlineCounter: 0 });
    expect(s.clear()).toMatchObject({ rejected: [], loadsFen: 6000 });
  });

  it('refuses amounts that are not positive multiples of 10 yuan, without touching the card', async () => {
    const s = createTransitSetup({ algorithm });
    for (const amount of [1500, 0, -1000, 1000.5]) {
      expect(await s.load(amount)).toMatchObject({ kind: 'refused', reason: 'invalid-amount' });
    }
    await expect(s.load('10' as unknown as number)).rejects.toThrow(TypeError);
    expect(await inspect(s.card)).toMatchObject({ balanceFen: 0, onlineCounter: 0 });
  });

  it('refuses a first load under 20 yuan, then accepts 10 yuan once loaded', async () => {
    const s = createTransitSetup({ algorithm });
    expect(await s.load(1000)).toMatchObject({ kind: 'refused', reason: 'first-load-minimum', detail: 'a first load is at least 2000 fen, got 1000' });
    expect(await inspect(s.card)).toMatchObject({ balanceFen: 0, onlineCounter: 0 });
    expect(await s.load(2000)).toMatchObject({ kind: 'loaded' });
    expect(await s.load(1000)).toMatchObject({ kind: 'loaded', balanceFen: 3000 });
  });

  it('respects the maximum balance: the terminal refuses, and the card refuses too', async () => {
    const s = createTransitSetup({ algorithm, balanceFen: 97_000 });
    expect(await s.load(2000)).toMatchObject({ kind: 'loaded', balanceFen: 99_000 });
    const r = await s.load(2000);
    expect(r).toMatchObject({ kind: 'refused', reason: 'exceeds-max-balance' });
    expect(r.kind === 'refused' && r.error).toBeInstanceOf(ConditionsNotSatisfiedError);
    expect(await s.load(1000)).toMatchObject({ kind: 'loaded', balanceFen: 100_000 });
    // A terminal configured lower refuses by itself.
    const low = new TopUpTerminal({ reader: s.readers.topUp, host: s.host, clock: s.clock, journal: s.journal, terminalId: '100000009002', rules: { maxBalanceFen: 50_000 } });
    const other = s.issueCard({ seed: 2, balanceFen: 49_000 });
    const r2 = await tap(s.readers.topUp, other, () => low.load(2000));
    expect(r2).toMatchObject({ kind: 'refused', reason: 'exceeds-max-balance', detail: 'balance 49000 + 2000 fen passes the maximum 50000 fen' });
    expect(r2.kind === 'refused' && r2.error).toBeUndefined();
  });

  it('refuses when the host declines (another issuer\'s card), a blocked card, an expired card', async () => {
    const s = createTransitSetup({ algorithm, issuerKeys: OTHER_KEYS });
    const demoHostTerminal = new TopUpTerminal({ reader: s.readers.topUp, host: new IssuerHost(DEMO), clock: s.clock, journal: s.journal, terminalId: '100000009003' });
    expect(await tap(s.readers.topUp, s.card, () => demoHostTerminal.load(5000))).toMatchObject({ kind: 'refused', reason: 'host-declined', detail: 'mac1-invalid: load MAC1 does not verify' });
    expect(await inspect(s.card)).toMatchObject({ balanceFen: 0, onlineCounter: 0 });

    const blocked = s.issueCard({ seed: 3 });
    blocked.setApplicationBlocked(hexToBytes(TRANSIT_AID), true);
    expect(await s.load(5000, blocked)).toMatchObject({ kind: 'refused', reason: 'blocked', error: { sw: 0x6a81 } });

    s.clock.set(Date.UTC(2036, 2, 2, 0, 0, 0));
    expect(await s.load(5000)).toMatchObject({ kind: 'refused', reason: 'expired' });
  });

  it('reports no card and nothing pending as outcomes', async () => {
    const s = createTransitSetup({ algorithm });
    expect(await s.topUp.load(5000)).toMatchObject({ kind: 'interrupted', pending: false });
    expect(await tap(s.readers.topUp, s.card, () => s.topUp.settlePending())).toEqual({ kind: 'nothing-pending', serial: s.card.info.serial });
    expect(() => new TopUpTerminal({ reader: new MemoryReader('x'), host: s.host, clock: s.clock, journal: s.journal, terminalId: 'abc' })).toThrow(RangeError);
  });
});
