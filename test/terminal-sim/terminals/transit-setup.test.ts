// Tests for the facade createTransitSetup (used by the CLI demo and the benchmark): the demo
// story for both profiles (issued → topped up 50 yuan → enters → exits → charged → TACs verified
// at clearing), a --trace transcript that is deterministic for a seed and carries no key, and
// several cards on one installation.
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../crypto/utils.js';
import { formatTraceEvent } from '../../../terminal-sim/reader/index.js';
import { createTransitSetup } from '../../../terminal-sim/terminals/index.js';
import { ALGS, DEMO } from '../support/cards.js';

async function demo(algorithm: (typeof ALGS)[number], seed: number) {
  const lines: string[] = [];
  const s = createTransitSetup({ algorithm, seed, trace: (e) => lines.push(formatTraceEvent(e)) });
  const issued = await s.balanceFen();
  const load = await s.load(5000);
  const entry = await s.enter();
  s.clock.advanceMinutes(25);
  const exit = await s.exit();
  return { s, lines, issued, load, entry, exit, cleared: s.clear(), balance: await s.balanceFen() };
}

describe.each(ALGS)('createTransitSetup, %s', (algorithm) => {
  it('runs the demo story: issued, topped up 50 yuan, enters, exits, charged, cleared', async () => {
    const d = await demo(algorithm, 1);
    expect(d.s.algorithm).toBe(algorithm);
    expect(d.s.card.info.algorithm).toBe(algorithm);
    expect(d.issued).toBe(0);
    expect(d.load).toMatchObject({ kind: 'loaded', balanceFen: 5000, tacVerified: true });
    expect(d.entry).toMatchObject({ kind: 'entered', balanceFen: 5000 });
    expect(d.exit).toMatchObject({ kind: 'exited', fareFen: 300, balanceFen: 4700 });
    expect(d.balance).toBe(4700);
    expect(d.cleared).toMatchObject({ rejected: [], loadsFen: 5000, purchasesFen: 300 });
    expect(d.cleared.accepted).toHaveLength(3);
    expect(d.s.journal.records.every((r) => d.s.host.verifyTac(r))).toBe(true);
  });

  it('traces every reader deterministically per seed, and never a key', async () => {
    const a = await demo(algorithm, 4);
    const b = await demo(algorithm, 4);
    const c = await demo(algorithm, 5);
    expect(a.lines).toEqual(b.lines);
    expect(a.lines).not.toEqual(c.lines);
    const readers = new Set(a.lines.map((l) => l.split('  ')[0]));
    expect([...readers].sort()).toEqual(['desk', 'entry-gate', 'entry-gate-sam', 'exit-gate', 'exit-gate-sam', 'top-up']);
    expect(a.lines.some((l) => l.includes('DEBIT FOR PURCHASE'))).toBe(true);
    const wire = a.lines.join('\n');
    for (const k of [DEMO.purchase, DEMO.load, DEMO.tac]) expect(wire).not.toContain(bytesToHex(k));
  });

  it('serves several cards', async () => {
    const s = createTransitSetup({ algorithm, seed: 2 });
    const other = s.issueCard({ seed: 99, balanceFen: 1000 });
    expect(other.info.serial).not.toBe(s.card.info.serial);
    expect((await s.enter(other)).kind).toBe('entered');
    expect((await s.exit()).kind).toBe('refused');
    s.clock.advanceMinutes(10);
    expect(await s.exit(other)).toMatchObject({ kind: 'exited', balanceFen: 700 });
    expect(await s.balanceFen(other)).toBe(700);
    expect(() => createTransitSetup({ algorithm: 'aes' as 'sm4' })).toThrow(RangeError);
  });
});
