/**
 * Per-key async mutual exclusion for the server's flows: a tap holds its terminal (one reader,
 * one PSAM) and its card (one purse transaction at a time) until its state is saved. Keys are
 * taken in sorted order, so two flows that need the same keys cannot deadlock.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** True while a flow holds or waits for `key`. */
  isHeld(key: string): boolean {
    return this.tails.has(key);
  }

  /** Runs `f` once every key is free; releases them when it settles (even when it throws). */
  async run<T>(keys: readonly string[], f: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const waits: Promise<void>[] = [];
    for (const k of sorted) {
      const prev = this.tails.get(k);
      if (prev) waits.push(prev);
      const tail = prev ? prev.then(() => done) : done;
      this.tails.set(k, tail);
      // The last flow on a key removes it, so idle keys do not accumulate.
      void tail.then(() => {
        if (this.tails.get(k) === tail) this.tails.delete(k);
      });
    }
    if (waits.length > 0) await Promise.all(waits);
    try {
      return await f();
    } finally {
      release();
    }
  }
}
