// SM3, HMAC-SM3 and the SM2 KDF: published vectors, seeded cross-checks against node:crypto and
// sm-crypto-v2, streaming edge cases and argument checks.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { kdf as kdfV2 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { HmacSm3, Sm3, hmacSm3, kdf, sm3 } from '../../crypto/sm3.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';

interface Vector {
  id: string;
  algorithm: string;
  inputs: Record<string, string>;
  expected: Record<string, string>;
  source: string;
}

const VECTORS: Vector[] = JSON.parse(
  readFileSync(new URL('../../vectors/crypto/sm-standard.json', import.meta.url), 'utf8'),
).vectors;

/** Seed of every randomised case below; a failure message names it with the case number. */
const SEED = 0x5d3c0de;

/** mulberry32: tiny, seedable, good enough to pick lengths and bytes. */
function prng(seed: number): { int(maxIncl: number): number; bytes(len: number): Uint8Array } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (maxIncl) => Math.floor(next() * (maxIncl + 1)),
    bytes: (len) => {
      const out = new Uint8Array(len);
      for (let i = 0; i < len; i++) out[i] = next() * 256;
      return out;
    },
  };
}

const nodeSm3 = (msg: Uint8Array): string => createHash('sm3').update(msg).digest('hex');
const nodeHmac = (key: Uint8Array, msg: Uint8Array): string => createHmac('sm3', key).update(msg).digest('hex');

/** Random cut points of `len` bytes into pieces of 0..80 bytes (empty pieces included). */
function splits(rng: ReturnType<typeof prng>, len: number): number[] {
  const cuts = [0];
  while (cuts[cuts.length - 1] < len) cuts.push(Math.min(len, cuts[cuts.length - 1] + rng.int(80)));
  return cuts;
}

function feed<T extends { update(d: Uint8Array): unknown }>(h: T, msg: Uint8Array, cuts: number[]): T {
  for (let i = 1; i < cuts.length; i++) h.update(msg.subarray(cuts[i - 1], cuts[i]));
  return h;
}

/** `len` random bytes at a random offset inside a larger buffer, so byteOffset is not 0. */
function offsetBytes(rng: ReturnType<typeof prng>, len: number): Uint8Array {
  const off = rng.int(7);
  return rng.bytes(off + len + rng.int(7)).subarray(off, off + len);
}

describe('published vectors', () => {
  const sm3Vectors = VECTORS.filter((v) => v.algorithm === 'SM3');
  const hmacVectors = VECTORS.filter((v) => v.algorithm === 'HMAC-SM3');

  it('finds SM3 and HMAC-SM3 vectors in vectors/crypto/sm-standard.json', () => {
    expect(sm3Vectors.length, 'no SM3 vectors found').toBeGreaterThan(0);
    expect(hmacVectors.length, 'no HMAC-SM3 vectors found').toBeGreaterThan(0);
  });

  for (const v of sm3Vectors) {
    it(`${v.id} (${v.source})`, () => {
      const msg = hexToBytes(v.inputs.msg);
      const want = v.expected.digest;
      expect(bytesToHex(sm3(msg))).toBe(want);
      const h = sm3.create();
      for (let i = 0; i < msg.length; i++) h.update(msg.subarray(i, i + 1));
      expect(bytesToHex(h.digest()), 'byte by byte').toBe(want);
    });
  }

  for (const v of hmacVectors) {
    it(`${v.id} (${v.source})`, () => {
      const key = hexToBytes(v.inputs.key);
      const msg = hexToBytes(v.inputs.msg);
      const want = v.expected.mac;
      expect(bytesToHex(hmacSm3(key, msg))).toBe(want);
      expect(bytesToHex(hmacSm3.create(key).update(msg).digest()), 'keyed form').toBe(want);
    });
  }
});

describe('sm3 against node:crypto', () => {
  it('one-shot: 400 random lengths 0..300 and 8 up to 100 KB', () => {
    const rng = prng(SEED);
    for (let n = 0; n < 408; n++) {
      const len = n < 400 ? rng.int(300) : 60_000 + rng.int(40_000);
      const msg = offsetBytes(rng, len);
      expect(bytesToHex(sm3(msg)), `seed=${SEED} case=${n} len=${len}`).toBe(nodeSm3(msg));
    }
  });

  it('every length 0..200 once', () => {
    const rng = prng(SEED + 1);
    for (let len = 0; len <= 200; len++) {
      const msg = rng.bytes(len);
      expect(bytesToHex(sm3(msg)), `seed=${SEED + 1} len=${len}`).toBe(nodeSm3(msg));
    }
  });

  it('streaming: 300 random messages cut at random points', () => {
    const rng = prng(SEED + 2);
    for (let n = 0; n < 300; n++) {
      const len = n % 50 === 49 ? rng.int(100_000) : rng.int(300);
      const msg = offsetBytes(rng, len);
      const cuts = splits(rng, len);
      const got = bytesToHex(feed(sm3.create(), msg, cuts).digest());
      expect(got, `seed=${SEED + 2} case=${n} len=${len} cuts=${cuts.join(',')}`).toBe(nodeSm3(msg));
    }
  });

  it('accepts a Node Buffer', () => {
    const buf = Buffer.from('a Buffer is a Uint8Array');
    expect(bytesToHex(sm3(buf))).toBe(nodeSm3(buf));
  });

  it('returns a fresh array each call and leaves the input alone', () => {
    const a = new Uint8Array([1, 2, 3]);
    const first = sm3(a);
    const again = sm3(new Uint8Array(100));
    expect(bytesToHex(first)).toBe(nodeSm3(a));
    expect(first).not.toBe(again);
    expect([...a]).toEqual([1, 2, 3]);
  });
});

describe('hmacSm3 against node:crypto', () => {
  it('one-shot: 400 random keys of 0..130 bytes and messages of 0..300', () => {
    const rng = prng(SEED + 3);
    for (let n = 0; n < 400; n++) {
      const key = offsetBytes(rng, n < 131 ? n : rng.int(130));
      const msg = offsetBytes(rng, n % 100 === 99 ? rng.int(100_000) : rng.int(300));
      const ctx = `seed=${SEED + 3} case=${n} keyLen=${key.length} msgLen=${msg.length}`;
      expect(bytesToHex(hmacSm3(key, msg)), ctx).toBe(nodeHmac(key, msg));
    }
  });

  it('keyed form: 300 random messages cut at random points', () => {
    const rng = prng(SEED + 4);
    for (let n = 0; n < 300; n++) {
      const key = rng.bytes(rng.int(130));
      const msg = rng.bytes(rng.int(300));
      const cuts = splits(rng, msg.length);
      const got = bytesToHex(feed(hmacSm3.create(key), msg, cuts).digest());
      expect(got, `seed=${SEED + 4} case=${n} keyLen=${key.length} cuts=${cuts.join(',')}`).toBe(nodeHmac(key, msg));
    }
  });

  it('keyed form made once and cloned per message', () => {
    const rng = prng(SEED + 5);
    for (const keyLen of [0, 1, 32, 63, 64, 65, 130]) {
      const key = rng.bytes(keyLen);
      const mac = hmacSm3.create(key);
      for (let n = 0; n < 20; n++) {
        const msg = rng.bytes(rng.int(200));
        const ctx = `seed=${SEED + 5} keyLen=${keyLen} case=${n}`;
        expect(bytesToHex(mac.clone().update(msg).digest()), ctx).toBe(nodeHmac(key, msg));
      }
      expect(bytesToHex(mac.digest()), 'the template itself: empty message').toBe(nodeHmac(key, new Uint8Array(0)));
    }
  });

  it('clones mid-message and keeps both halves independent', () => {
    const key = new Uint8Array(20).fill(7);
    const a = hmacSm3.create(key).update(new Uint8Array([1, 2, 3]));
    const b = a.clone();
    a.update(new Uint8Array([4]));
    b.update(new Uint8Array([5]));
    expect(bytesToHex(a.digest())).toBe(nodeHmac(key, new Uint8Array([1, 2, 3, 4])));
    expect(bytesToHex(b.digest())).toBe(nodeHmac(key, new Uint8Array([1, 2, 3, 5])));
  });

  it('has the metadata and class', () => {
    const mac = hmacSm3.create(new Uint8Array(0));
    expect(mac).toBeInstanceOf(HmacSm3);
    expect([mac.outputLen, mac.blockLen, hmacSm3.outputLen, hmacSm3.blockLen]).toEqual([32, 64, 32, 64]);
    expect(() => mac.digest()).not.toThrow();
    expect(() => mac.digest()).toThrow(Error);
    expect(() => mac.update(new Uint8Array(1))).toThrow(/already/);
    const gone = hmacSm3.create(new Uint8Array(1));
    gone.destroy();
    expect(() => gone.update(new Uint8Array(1))).toThrow(/destroyed/);
    expect(() => gone.clone()).toThrow(/destroyed/);
  });
});

describe('streaming edge cases', () => {
  const msg = prng(SEED + 6).bytes(200);

  it('has the noble-hashes metadata', () => {
    const h = sm3.create();
    expect(h).toBeInstanceOf(Sm3);
    expect([sm3.outputLen, sm3.blockLen, h.outputLen, h.blockLen]).toEqual([32, 64, 32, 64]);
  });

  it('ignores empty updates anywhere', () => {
    const e = new Uint8Array(0);
    const h = sm3.create().update(e).update(msg.subarray(0, 10)).update(e).update(e).update(msg.subarray(10)).update(e);
    expect(bytesToHex(h.digest())).toBe(nodeSm3(msg));
    expect(bytesToHex(sm3.create().update(e).digest())).toBe(nodeSm3(e));
  });

  it('byte by byte', () => {
    const h = sm3.create();
    for (let i = 0; i < msg.length; i++) h.update(msg.subarray(i, i + 1));
    expect(bytesToHex(h.digest())).toBe(nodeSm3(msg));
  });

  for (const len of [55, 56, 63, 64, 65, 119, 120, 127, 128, 129]) {
    it(`length ${len}: one-shot, and split at every point around the block edges`, () => {
      const m = msg.subarray(0, len);
      const want = nodeSm3(m);
      expect(bytesToHex(sm3(m))).toBe(want);
      for (const cut of [0, 1, 55, 56, 63, 64, 65, len - 1, len]) {
        if (cut < 0 || cut > len) continue;
        const got = sm3.create().update(m.subarray(0, cut)).update(m.subarray(cut)).digest();
        expect(bytesToHex(got), `len=${len} cut=${cut}`).toBe(want);
      }
    });
  }

  it('clone() mid-stream gives independent copies', () => {
    const h = sm3.create().update(msg.subarray(0, 70));
    const c = h.clone();
    h.update(msg.subarray(70, 150));
    c.update(msg.subarray(70, 100));
    const c2 = c.clone();
    expect(bytesToHex(c.digest())).toBe(nodeSm3(msg.subarray(0, 100)));
    expect(bytesToHex(h.digest())).toBe(nodeSm3(msg.subarray(0, 150)));
    expect(bytesToHex(c2.update(msg.subarray(100)).digest())).toBe(nodeSm3(msg));
  });

  it('digest twice, update, clone after digest, all throw', () => {
    const h = sm3.create().update(msg);
    h.digest();
    expect(() => h.digest()).toThrow(/already/);
    expect(() => h.update(msg)).toThrow(/already/);
    expect(() => h.clone()).toThrow(/already/);
    expect(() => h.digestInto(new Uint8Array(32))).toThrow(Error);
  });

  it('digestInto writes the first 32 bytes of a larger array and rejects a short one', () => {
    const out = new Uint8Array(40).fill(0xee);
    sm3.create().update(msg).digestInto(out);
    expect(bytesToHex(out.subarray(0, 32))).toBe(nodeSm3(msg));
    expect([...out.subarray(32)]).toEqual(new Array(8).fill(0xee));
    expect(() => sm3.create().digestInto(new Uint8Array(31))).toThrow(RangeError);
    expect(() => sm3.create().digestInto('out' as unknown as Uint8Array)).toThrow(/"out"/);
  });

  it('destroy() makes every later call throw', () => {
    const h = sm3.create().update(msg);
    h.destroy();
    expect(() => h.update(msg)).toThrow(/destroyed/);
    expect(() => h.digest()).toThrow(/destroyed/);
    expect(() => h.clone()).toThrow(/destroyed/);
  });
});

describe('kdf (GB/T 32918.4-2016 §5.4.3)', () => {
  /** The definition, straight: SM3(Z ‖ ct) for ct = 1, 2, … concatenated and cut. */
  function reference(z: Uint8Array, byteLen: number): string {
    let out = '';
    for (let ct = 1; out.length < 2 * byteLen; ct++) {
      out += createHash('sm3').update(z).update(new Uint8Array([ct >>> 24, ct >>> 16, ct >>> 8, ct])).digest('hex');
    }
    return out.slice(0, 2 * byteLen);
  }

  const rng = prng(SEED + 7);
  // Z lengths whose tail plus the 4-byte counter ends before, at and after a block edge.
  for (const zLen of [0, 1, 31, 32, 55, 56, 59, 60, 61, 63, 64, 65, 100, 128, 130, 1000]) {
    it(`|Z| = ${zLen}: against the definition and sm-crypto-v2`, () => {
      const z = offsetBytes(rng, zLen);
      for (const byteLen of [0, 1, 31, 32, 33, 64, 100, 257]) {
        const got = bytesToHex(kdf(z, byteLen));
        const ctx = `seed=${SEED + 7} zLen=${zLen} byteLen=${byteLen}`;
        expect(got, ctx).toBe(reference(z, byteLen));
        expect(got, `${ctx} vs sm-crypto-v2`).toBe(bytesToHex(kdfV2(z, byteLen)));
      }
    });
  }

  it('leaves z alone', () => {
    const z = new Uint8Array([9, 8, 7]);
    kdf(z, 70);
    expect([...z]).toEqual([9, 8, 7]);
  });
});

describe('argument checks', () => {
  const bytes = new Uint8Array(4);
  const notBytes = 'abc' as unknown as Uint8Array;

  it('sm3 and its streaming form', () => {
    expect(() => sm3(notBytes)).toThrow(TypeError);
    expect(() => sm3(notBytes)).toThrow(/"msg"/);
    expect(() => sm3([1, 2, 3] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => sm3.create().update(notBytes)).toThrow(/"data"/);
  });

  it('hmacSm3', () => {
    expect(() => hmacSm3(notBytes, bytes)).toThrow(/"key"/);
    expect(() => hmacSm3(bytes, notBytes)).toThrow(/"msg"/);
    expect(() => hmacSm3(bytes, notBytes)).toThrow(TypeError);
    expect(() => hmacSm3.create(notBytes)).toThrow(/"key"/);
    expect(() => hmacSm3.create(bytes).update(notBytes)).toThrow(/"data"/);
  });

  it('kdf', () => {
    expect(() => kdf(bytes, -1)).toThrow(RangeError);
    expect(() => kdf(bytes, (2 ** 32 - 1) * 32 + 1)).toThrow(RangeError);
    expect(() => kdf(bytes, 1.5)).toThrow(TypeError);
    expect(() => kdf(bytes, Number.NaN)).toThrow(TypeError);
    expect(() => kdf(bytes, '4' as unknown as number)).toThrow(/"byteLen"/);
    expect(() => kdf(notBytes, 4)).toThrow(TypeError);
    expect(() => kdf(notBytes, 4)).toThrow(/"z"/);
  });
});
