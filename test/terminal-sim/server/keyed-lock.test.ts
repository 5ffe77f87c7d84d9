import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../../terminal-sim/server/keyed-lock.js';

/** A promise and its resolver: a flow that ends when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const ticks = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('KeyedLock', () => {
  it('runs flows on one key one at a time, first come first served', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const gates = [gate(), gate(), gate()];
    const runs = gates.map((g, i) =>
      lock.run(['card'], async () => {
        log.push(`start ${i}`);
        await g.promise;
        log.push(`end ${i}`);
        return i;
      }),
    );
    await ticks();
    expect(log).toEqual(['start 0']);
    expect(lock.isHeld('card')).toBe(true);
    gates[2].open(); // the third may not start before the second
    gates[0].open();
    await ticks();
    expect(log).toEqual(['start 0', 'end 0', 'start 1']);
    gates[1].open();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(lock.isHeld('card')).toBe(false);
  });

  it('runs flows on different keys at once', async () => {
    const lock = new KeyedLock();
    const g = gate();
    let both = 0;
    const a = lock.run(['a'], async () => {
      both++;
      await g.promise;
    });
    const b = lock.run(['b'], async () => {
      both++;
      await g.promise;
    });
    await ticks();
    expect(both).toBe(2);
    g.open();
    await Promise.all([a, b]);
  });

  it('a flow on several keys waits for all of them; opposite orders do not deadlock', async () => {
    const lock = new KeyedLock();
    const first = gate();
    const log: string[] = [];
    const holdA = lock.run(['a'], async () => {
      await first.promise;
      log.push('a alone');
    });
    const ab = lock.run(['b', 'a', 'b'], async () => void log.push('a+b'));
    const ba = lock.run(['a', 'b'], async () => void log.push('b+a'));
    const bOnly = lock.run(['b'], async () => void log.push('b alone'));
    await ticks();
    // b is free, but the two-key flows queued on it first (queueing takes every key at once)
    expect(log).toEqual([]);
    first.open();
    await Promise.all([holdA, ab, ba, bOnly]);
    expect(log).toEqual(['a alone', 'a+b', 'b+a', 'b alone']);
    expect(lock.isHeld('a')).toBe(false);
    expect(lock.isHeld('b')).toBe(false);
  });

  it('releases the keys when the flow throws, and passes the error on', async () => {
    const lock = new KeyedLock();
    await expect(
      lock.run(['x', 'y'], async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(lock.isHeld('x')).toBe(false);
    await expect(lock.run(['y'], async () => 'next')).resolves.toBe('next');
  });
});
