// A small seeded PRNG (xorshift128+ over two 32-bit halves, via mulberry32 seeding) so that
// randomised cross-checks reproduce: a failure message carries its seed and case number.
export interface Prng {
  readonly seed: number;
  /** A uniform 32-bit unsigned integer. */
  u32(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  bytes(len: number): Uint8Array;
  /** A random bigint of at most `bits` bits. */
  bigint(bits: number): bigint;
}

export function seeded(seed: number): Prng {
  let a = seed >>> 0;
  const u32 = (): number => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const bytes = (len: number): Uint8Array => {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = u32() & 0xff;
    return out;
  };
  return {
    seed,
    u32,
    int: (max) => Math.floor((u32() / 0x1_0000_0000) * max),
    bytes,
    bigint(bits) {
      let x = 0n;
      for (let i = 0; i < Math.ceil(bits / 32); i++) x = (x << 32n) | BigInt(u32());
      return x & ((1n << BigInt(bits)) - 1n);
    },
  };
}
