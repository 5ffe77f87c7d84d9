// The internal SM2 point engine against @noble/curves' weierstrass engine (an independent
// implementation) and against plain BigInt arithmetic.
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { describe, expect, it } from 'vitest';
import * as c from '../../crypto/_sm2-curve.js';
import { seeded } from './support/prng.js';

const Noble = weierstrass({ p: c.P, n: c.N, h: 1n, a: c.A, b: c.B, Gx: c.GX, Gy: c.GY });

function fermatInverse(a: bigint, m: bigint): bigint {
  let r = 1n;
  let b = c.mod(a, m);
  let e = m - 2n;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

describe('SM2 curve engine', () => {
  const rnd = seeded(0x5eed2);

  it('Lehmer inversion matches Fermat for random, small and edge values mod p and n', () => {
    const cases: bigint[] = [1n, 2n, 3n, c.P - 1n, c.N - 1n, (1n << 52n) - 1n, 1n << 52n, (1n << 53n) + 1n, 1n << 255n];
    for (let i = 0; i < 300; i++) cases.push(rnd.bigint(256), rnd.bigint(1 + (i % 255)));
    for (const m of [c.P, c.N]) {
      for (const a of cases) {
        if (c.mod(a, m) === 0n) continue;
        expect(c.invert(a, m), `invert(${a.toString(16)}, ${m === c.P ? 'p' : 'n'})`).toBe(fermatInverse(a, m));
      }
    }
    expect(() => c.invert(0n, c.P)).toThrow(RangeError);
    expect(() => c.invert(c.P, c.P)).toThrow(RangeError);
  });

  it('fixed-base comb, secret and public multiplications agree with noble', () => {
    const G = Noble.BASE;
    for (let i = 0; i < 60; i++) {
      const k = i < 4 ? [1n, 2n, c.N - 1n, c.N - 2n][i] : c.mod(rnd.bigint(256), c.N - 1n) + 1n;
      const want = G.multiply(k).toAffine();
      expect(c.toAffine(c.mulBase(k)), `mulBase k=${k.toString(16)}`).toEqual(want);
      expect(c.toAffine(c.gComb().mulUnsafe(k))).toEqual(want);
      const q = G.multiply(c.mod(rnd.bigint(256), c.N - 1n) + 1n).toAffine();
      const wantQ = Noble.fromAffine(q).multiply(k).toAffine();
      expect(c.toAffine(c.mulSecret(q, k)), `mulSecret k=${k.toString(16)}`).toEqual(wantQ);
      expect(c.toAffine(c.mulUnsafe(q, k))).toEqual(wantQ);
      expect(c.toAffine(new c.Comb(q, 4).mul(k))).toEqual(wantQ);
    }
  });

  it('k = n gives infinity and k·G + (n−k)·G = infinity (exceptional additions)', () => {
    expect(c.mulBase(c.N).z).toBe(0n);
    expect(c.mulSecret(c.G, c.N).z).toBe(0n);
    const k = 12345n;
    const acc = c.gComb().mulUnsafe(k);
    expect(c.toAffine(c.mulUnsafe(c.G, c.N - k, acc))).toBeUndefined();
    // P + P through madd doubles
    const p = c.jacobian(c.G);
    c.madd(p, c.GX, c.GY);
    expect(c.toAffine(p)).toEqual(Noble.BASE.double().toAffine());
  });

  it('batch affine conversion equals one-by-one conversion', () => {
    const pts = Array.from({ length: 20 }, (_, i) => c.mulBase(BigInt(i + 1) * 7919n));
    expect(c.batchToAffine(pts)).toEqual(pts.map((p) => c.toAffine(p)));
  });

  it('curve membership and square roots', () => {
    expect(c.isOnCurve(c.GX, c.GY)).toBe(true);
    expect(c.isOnCurve(c.GX, c.GY + 1n)).toBe(false);
    expect(c.isOnCurve(c.GX + c.P, c.GY)).toBe(false);
    const rhs = (((c.GX * c.GX) % c.P) * c.GX + c.A * c.GX + c.B) % c.P;
    const y = c.sqrtModP(rhs)!;
    expect(y === c.GY || y === c.P - c.GY).toBe(true);
  });
});
