/**
 * Per-key async mutual exclusion for the server's flows: a tap holds its terminal (one reader,
 * one PSAM) and its card (one purse transaction at a time) until its state is saved. Keys are
 * taken in sorted order, so two flows that need the same keys cannot deadlock.
 *
 * Each key has a queue of the flows that hold or wait for it, first come first served; a flow
 * joins the queue of every one of its keys when it calls, and runs once it heads them all. A
 * flow that finds its keys free runs without waiting on a promise of its own: every tap takes
 * this lock twice, and the former promise chain per key (a promise and two reactions per key
 * and call) made about 2.6 KB of garbage a call.
 */

/** A flow in the queues of its keys. */
interface Waiter {
  /** Keys whose queue it does not head yet; it runs at 0. */
  ahead: number;
  /** Set while it waits (ahead > 0): starts it. */
  wake: (() => void) | undefined;
}

export class KeyedLock {
  /** Per key, the flow that holds it first, then the flows waiting for it, in call order. */
  private readonly queues = new Map<string, Waiter[]>();

  /** True while a flow holds or waits for `key`. */
  isHeld(key: string): boolean {
    return this.queues.has(key);
  }

  /** Runs `f` once every key is free; releases them when it settles (even when it throws). */
  async run<T>(keys: readonly string[], f: () => Promise<T>): Promise<T> {
    const sorted = keys.length === 1 ? keys : [...new Set(keys)].sort();
    const me: Waiter = { ahead: 0, wake: undefined };
    for (const k of sorted) {
      const queue = this.queues.get(k);
      if (queue === undefined) this.queues.set(k, [me]);
      else {
        queue.push(me);
        me.ahead++;
      }
    }
    // Set synchronously, before any holder can release (releases run on later ticks).
    if (me.ahead > 0) await new Promise<void>((resolve) => (me.wake = resolve));
    try {
      return await f();
    } finally {
      this.release(sorted);
    }
  }

  /** The flow heading every queue of `keys` is done: the next in each moves up, and runs once it heads all of its own. */
  private release(keys: readonly string[]): void {
    for (const k of keys) {
      const queue = this.queues.get(k)!;
      queue.shift();
      // The last flow on a key removes it, so idle keys do not accumulate.
      if (queue.length === 0) this.queues.delete(k);
      else if (--queue[0].ahead === 0) queue[0].wake!();
    }
  }
}
