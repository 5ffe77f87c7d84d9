/**
 * What the card takes from its environment instead of reading it itself (DEVELOPERS.md: engine/
 * reads no clock and draws no randomness): a Clock and an Rng. With `seededRng` the same seed
 * gives the same bytes, so a seeded run reproduces every response byte.
 */
import { sm3 } from '../../crypto/sm3.js';
import { aint, concatBytes } from '../../crypto/utils.js';

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface Rng {
  /** `len` random bytes (a new array). */
  bytes(len: number): Uint8Array;
  /**
   * The generator's position, for generators that can resume (seededRng): a card image keeps it
   * so that a card rebuilt from its image never replays randoms it already gave out.
   */
  exportState?(): string;
}

/** A clock that always answers `ms`. */
export function fixedClock(ms: number): Clock {
  return { now: () => ms };
}

/** A clock starting at `startMs` that advances `stepMs` on every reading. */
export function steppingClock(startMs: number, stepMs = 1000): Clock {
  let t = startMs - stepMs;
  return { now: () => (t += stepMs) };
}

/**
 * A deterministic generator: SM3 in counter mode over the seed (a hash DRBG in the spirit of
 * NIST SP 800-90A Hash_DRBG, without reseeding: for simulations and tests, not for real keys).
 */
export function seededRng(seed: number | string | Uint8Array, state?: string): Rng {
  const seedBytes =
    typeof seed === 'number'
      ? new TextEncoder().encode(`ssc3-seed:${aint('seed', seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)}`)
      : typeof seed === 'string'
        ? new TextEncoder().encode(`ssc3-seed:${seed}`)
        : seed.slice();
  const key = sm3(seedBytes);
  const block = new Uint8Array(40);
  block.set(key);
  const view = new DataView(block.buffer);
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  let pos = 0;
  const refill = (): void => {
    view.setUint32(32, Math.floor(counter / 0x1_0000_0000));
    view.setUint32(36, counter >>> 0);
    counter++;
    pool = sm3(block);
    pos = 0;
  };
  if (state !== undefined) {
    // "<blocks drawn>:<bytes used of the last block>"
    const m = /^(\d{1,15}):(\d{1,2})$/.exec(state);
    if (!m || Number(m[2]) > 32 || (m[1] === '0' && m[2] !== '0')) throw new RangeError(`"state" expected "<blocks>:<pos>", got ${JSON.stringify(state)}`);
    if (Number(m[1]) > 0) {
      counter = Number(m[1]) - 1;
      refill();
      pos = Number(m[2]);
    }
  }
  return {
    exportState: () => `${counter}:${pos}`,
    bytes(len: number): Uint8Array {
      aint('len', len, 0, 1 << 20);
      const out = new Uint8Array(len);
      let o = 0;
      while (o < len) {
        if (pos >= pool.length) refill();
        const n = Math.min(len - o, pool.length - pos);
        // Byte by byte: a view into the 32-byte pool would move it off V8's heap (≈ 0.5 µs).
        for (let i = 0; i < n; i++) out[o + i] = pool[pos + i];
        o += n;
        pos += n;
      }
      return out;
    },
  };
}

/** Derives an independent child generator (e.g. one per card) from a parent. */
export function childRng(parent: Rng, label: string): Rng {
  return seededRng(concatBytes(parent.bytes(32), new TextEncoder().encode(label)));
}
