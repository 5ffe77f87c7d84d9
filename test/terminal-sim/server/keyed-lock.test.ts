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

  it('starts a flow on free keys at once, in the same tick', () => {
    const lock = new KeyedLock();
    let started = false;
    void lock.run(['a', 'b'], async () => void (started = true));
    expect(started).toBe(true);
  });

  it('a flow waiting on two keys starts when the later holder lets go, whichever that is', async () => {
    for (const order of [['a', 'b'], ['b', 'a']] as const) {
      const lock = new KeyedLock();
      const gates = { a: gate(), b: gate() };
      const log: string[] = [];
      const holders = (['a', 'b'] as const).map((k) => lock.run([k], async () => void (await gates[k].promise, log.push(`${k} done`))));
      const both = lock.run(['b', 'a'], async () => void log.push('both'));
      gates[order[0]].open();
      await ticks();
      expect(log).toEqual([`${order[0]} done`]);
      gates[order[1]].open();
      await Promise.all([...holders, both]);
      expect(log).toEqual([`${order[0]} done`, `${order[1]} done`, 'both']);
      expect(lock.isHeld('a') || lock.isHeld('b')).toBe(false);
    }
  });

  it('releases the keys of a flow that throws before returning a promise', async () => {
    const lock = new KeyedLock();
    const f = (() => {
      throw new Error('sync boom');
    }) as () => Promise<void>;
    await expect(lock.run(['k'], f)).rejects.toThrow('sync boom');
    expect(lock.isHeld('k')).toBe(false);
  });

  it('keeps first come first served per key under many overlapping flows on shared keys, and leaves no key behind', async () => {
    const lock = new KeyedLock();
    const keys = ['k0', 'k1', 'k2', 'k3'];
    // A seeded walk: each flow takes one to three keys and holds them a few ticks.
    let seed = 7;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const starts = new Map<string, number[]>(keys.map((k) => [k, []]));
    const holding = new Set<string>();
    const flows: Promise<void>[] = [];
    const calls = new Map<string, number[]>(keys.map((k) => [k, []]));
    for (let i = 0; i < 200; i++) {
      const mine = keys.filter(() => next(3) === 0);
      if (mine.length === 0) mine.push(keys[next(4)]);
      for (const k of mine) calls.get(k)!.push(i);
      const hold = next(4);
      flows.push(
        lock.run(mine, async () => {
          for (const k of mine) {
            expect(holding.has(k)).toBe(false);
            holding.add(k);
            starts.get(k)!.push(i);
          }
          await ticks(hold);
          for (const k of mine) holding.delete(k);
        }),
      );
      if (next(2) === 0) await ticks(next(3));
    }
    await Promise.all(flows);
    for (const k of keys) {
      expect(starts.get(k)).toEqual(calls.get(k));
      expect(lock.isHeld(k)).toBe(false);
    }
  });
});
