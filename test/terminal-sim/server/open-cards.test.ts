// CardService keeps at most maxOpenCards cards open in memory (issue 5, a long-running server):
// the least recently used beyond it are closed, and come back from the store on their next use
// as if presented again; cards whose state only memory holds are never closed.
import { describe, expect, it } from 'vitest';
import { CardService } from '../../../terminal-sim/server/card-service.js';
import { TerminalService } from '../../../terminal-sim/server/terminal-service.js';
import { MemoryCardStore } from '../../../terminal-sim/store/index.js';
import { now, READ_0015, SELECT_TRANSIT } from './helpers.js';

function setUp(maxOpenCards: number) {
  const store = new MemoryCardStore({ now });
  const cards = new CardService({ store, now, maxOpenCards });
  const ids = [1, 2, 3, 4].map((seed) => cards.create({ seed, balanceFen: 5000 }).id);
  return { store, cards, ids };
}

describe('CardService maxOpenCards', () => {
  it('closes the least recently used card beyond the limit; its next use opens it afresh', async () => {
    const { cards, ids } = setUp(2);
    const [a, b, c] = ids;
    expect((await cards.transmit(a, Uint8Array.from(Buffer.from(SELECT_TRANSIT, 'hex')))).sw).toBe('9000');
    expect((await cards.transmit(a, Uint8Array.from(Buffer.from(READ_0015, 'hex')))).sw).toBe('9000');
    await cards.transmit(b, Uint8Array.from(Buffer.from(SELECT_TRANSIT, 'hex')));
    await cards.transmit(a, Uint8Array.from(Buffer.from(READ_0015, 'hex'))); // a is now the most recent
    await cards.transmit(c, Uint8Array.from(Buffer.from(SELECT_TRANSIT, 'hex')));
    expect(cards.openCount).toBe(2);
    // b was closed, a was not: a still has its application selected, b starts at the MF again.
    expect((await cards.transmit(a, Uint8Array.from(Buffer.from(READ_0015, 'hex')))).sw).toBe('9000');
    expect((await cards.transmit(b, Uint8Array.from(Buffer.from(READ_0015, 'hex')))).sw).not.toBe('9000');
    expect(cards.openCount).toBe(2);
  });

  it('a closed card keeps what it stored: an entry before the close, the exit after it', async () => {
    const { store, cards, ids } = setUp(1);
    const terminals = new TerminalService({ store, cards, now });
    const entry = terminals.create({ kind: 'gate', direction: 'entry' }).id;
    const exit = terminals.create({ kind: 'gate', direction: 'exit' }).id;
    const [a, b] = ids;
    expect((await terminals.tap(entry, { cardId: a })).outcome).toBe('entered');
    expect((await terminals.tap(entry, { cardId: b })).outcome).toBe('entered'); // closes a
    expect(cards.openCount).toBe(1);
    const out = await terminals.tap(exit, { cardId: a, at: new Date(now() + 20 * 60_000).toISOString() });
    expect(out.outcome).toBe('exited');
    expect(out.balanceFen).toBe(5000 - out.fareFen!);
    await terminals.tap(exit, { cardId: b, at: new Date(now() + 20 * 60_000).toISOString() }); // closes a again
    expect(cards.openCount).toBe(1);
    expect(cards.detail(a).balanceFen).toBe(out.balanceFen); // read from the stored image
  });

  it('never closes a card with a tear armed, a torn (unpowered) card or a card in a PC/SC slot', async () => {
    const { cards, ids } = setUp(1);
    const [a, b, c, d] = ids;
    cards.injectTear(a, { afterApdus: 5, phase: 'before-commit' });
    cards.injectTear(b, { afterApdus: 0, phase: 'before-commit' });
    await expect(cards.transmit(b, Uint8Array.from(Buffer.from('0084000004', 'hex')))).rejects.toThrow(/torn/i);
    cards.claimForReader(c, '0');
    await cards.transmit(d, Uint8Array.from(Buffer.from(SELECT_TRANSIT, 'hex')));
    expect(cards.openCount).toBe(4);
    await cards.releaseFromReader(c);
    await cards.transmit(d, Uint8Array.from(Buffer.from(READ_0015, 'hex')));
    // Opening another card is what closes idle ones: c (released, powered, idle) goes now.
    const e = cards.create({ seed: 5 }).id;
    await cards.transmit(e, Uint8Array.from(Buffer.from(SELECT_TRANSIT, 'hex')));
    expect(cards.openCount).toBe(3); // a (tear armed), b (torn), e (just opened)
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new CardService({ store: new MemoryCardStore({ now }), now, maxOpenCards: bad })).toThrow(RangeError);
  });
});
