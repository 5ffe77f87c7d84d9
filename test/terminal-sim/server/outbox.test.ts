// Outbox (outbox.ts): what is pushed in one event-loop turn is sent once, together and in order,
// when the turn ends; flush() sends at once; nothing is sent for an empty turn.
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../../terminal-sim/server/outbox.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Outbox', () => {
  it('sends the messages of one turn together, in order, after the turn', async () => {
    const sent: number[][] = [];
    const box = new Outbox<number>((ms) => sent.push(ms));
    box.push(1);
    box.push(2);
    await Promise.resolve();
    box.push(3);
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([[1, 2, 3]]);
    box.push(4);
    await nextTurn();
    expect(sent).toEqual([[1, 2, 3], [4]]);
    await nextTurn();
    expect(sent).toHaveLength(2);
  });

  it('flush() sends what is queued at once, and the turn’s end then has nothing left to send', async () => {
    const sent: string[][] = [];
    const box = new Outbox<string>((ms) => sent.push(ms));
    box.flush();
    expect(sent).toEqual([]);
    box.push('a');
    box.push('b');
    box.flush();
    expect(sent).toEqual([['a', 'b']]);
    box.push('c');
    await nextTurn();
    expect(sent).toEqual([['a', 'b'], ['c']]);
  });
});
