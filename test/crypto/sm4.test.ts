// SM4 (GB/T 32907-2016) in ECB, CBC and CTR, and the ISO/IEC 9797-1 CBC-MAC: published vectors,
// seeded cross-checks against node:crypto (OpenSSL) and sm-crypto-v2, and argument checks.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sm4 as sm4v2 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import {
  type CbcMacPadding,
  type Sm4Padding,
  Sm4Key,
  cbcDecrypt,
  cbcEncrypt,
  cbcMac,
  ctr,
  decryptBlock,
  ecbDecrypt,
  ecbEncrypt,
  encryptBlock,
  expandKey,
} from '../../crypto/sm4.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';
import { type Prng, seeded } from './support/prng.js';

interface Vector {
  id: string;
  algorithm: string;
  inputs: Record<string, string | number>;
  expected: Record<string, string>;
  source: string;
}

const ALL_VECTORS: Vector[] = JSON.parse(
  readFileSync(new URL('../../vectors/crypto/sm-standard.json', import.meta.url), 'utf8'),
).vectors;
const SM4_VECTORS = ALL_VECTORS.filter((v) => v.algorithm.startsWith('SM4'));

/** Seed of every randomised case below; failure messages carry it with the case number. */
const SEED = 0x5a4c0de;

const hex = bytesToHex;
const h = (s: string | number): Uint8Array => hexToBytes(String(s));

/** `len` random bytes at a random offset inside a larger buffer, so byteOffset is not 0. */
function offsetBytes(rng: Prng, len: number): Uint8Array {
  const off = rng.int(8);
  const buf = rng.bytes(len + off + rng.int(8));
  return buf.subarray(off, off + len);
}

type NodeMode = 'sm4-ecb' | 'sm4-cbc' | 'sm4-ctr';

function nodeEncrypt(mode: NodeMode, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, pad = false): Uint8Array {
  const c = createCipheriv(mode, key, iv);
  c.setAutoPadding(pad);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

function nodeDecrypt(mode: NodeMode, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, pad = false): Uint8Array {
  const d = createDecipheriv(mode, key, iv);
  d.setAutoPadding(pad);
  return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
}

/** ISO/IEC 9797-1 padding by hand: method 1 to a positive multiple of 16, method 2 with 0x80. */
function isoPad(data: Uint8Array, padding: CbcMacPadding): Uint8Array {
  const base = padding === 'iso9797-m2' ? data.length + 1 : data.length;
  const len = Math.max(16, Math.ceil(base / 16) * 16);
  const out = new Uint8Array(len);
  out.set(data);
  if (padding === 'iso9797-m2') out[data.length] = 0x80;
  return out;
}

/** CBC-MAC reference: node:crypto SM4-CBC over the hand-padded data, last block. */
function refMac(key: Uint8Array, data: Uint8Array, padding: CbcMacPadding, iv?: Uint8Array): Uint8Array {
  const ct = nodeEncrypt('sm4-cbc', key, iv ?? new Uint8Array(16), isoPad(data, padding));
  return ct.subarray(ct.length - 16);
}

describe('SM4 published vectors (vectors/crypto/sm-standard.json)', () => {
  const KNOWN = ['SM4-ECB', 'SM4-CBC', 'SM4-ECB-ITERATED'];

  it('has SM4 vectors, all of a known kind', () => {
    expect(SM4_VECTORS.length, 'no SM4 vector found in sm-standard.json').toBeGreaterThanOrEqual(5);
    for (const v of SM4_VECTORS) expect(KNOWN, `${v.id}: unknown algorithm ${v.algorithm}`).toContain(v.algorithm);
    for (const kind of KNOWN) expect(SM4_VECTORS.some((v) => v.algorithm === kind), kind).toBe(true);
  });

  for (const v of SM4_VECTORS.filter((x) => x.algorithm === 'SM4-ECB')) {
    it(`${v.id} (${v.source.split(';')[0]})`, () => {
      const key = h(v.inputs.key);
      const pt = h(v.inputs.plaintext);
      const ct = v.expected.ciphertext;
      expect(hex(ecbEncrypt(key, pt))).toBe(ct);
      expect(hex(ecbEncrypt(expandKey(key), pt))).toBe(ct);
      expect(hex(ecbDecrypt(key, h(ct)))).toBe(hex(pt));
      for (let p = 0; p < pt.length; p += 16) {
        expect(hex(encryptBlock(key, pt.subarray(p, p + 16)))).toBe(ct.slice(2 * p, 2 * p + 32));
        expect(hex(decryptBlock(expandKey(key), h(ct).subarray(p, p + 16)))).toBe(hex(pt.subarray(p, p + 16)));
      }
    });
  }

  for (const v of SM4_VECTORS.filter((x) => x.algorithm === 'SM4-CBC')) {
    it(`${v.id} (${v.source.split(';')[0]})`, () => {
      const key = h(v.inputs.key);
      const iv = h(v.inputs.iv);
      const pt = h(v.inputs.plaintext);
      const ct = v.expected.ciphertext;
      expect(hex(cbcEncrypt(key, iv, pt))).toBe(ct);
      expect(hex(cbcDecrypt(expandKey(key), iv, h(ct)))).toBe(hex(pt));
      // A CBC-MAC (method 1, whole blocks: no padding) is the last ciphertext block.
      expect(hex(cbcMac(key, pt, { padding: 'iso9797-m1', iv }))).toBe(ct.slice(-32));
    });
  }

  for (const v of SM4_VECTORS.filter((x) => x.algorithm === 'SM4-ECB-ITERATED')) {
    it(`${v.id}: ${v.inputs.iterations} encryptions in place, then as many decryptions back`, () => {
      const key = expandKey(h(v.inputs.key));
      const n = Number(v.inputs.iterations);
      const block = h(v.inputs.plaintext);
      for (let i = 0; i < n; i++) encryptBlock(key, block, block);
      expect(hex(block)).toBe(v.expected.ciphertext);
      for (let i = 0; i < n; i++) decryptBlock(key, block, block);
      expect(hex(block)).toBe(String(v.inputs.plaintext));
    });
  }
});

describe('SM4 cross-checked against node:crypto', () => {
  const CASES = 300;

  for (const mode of ['ecb', 'cbc'] as const) {
    for (const padding of ['none', 'pkcs7'] as const satisfies readonly Sm4Padding[]) {
      it(`${mode.toUpperCase()} padding '${padding}': ${CASES} random keys, ivs and lengths 0..300, both directions`, () => {
        const rng = seeded(SEED + (mode === 'ecb' ? 1 : 2) * 10 + (padding === 'none' ? 1 : 2));
        const nodeMode = `sm4-${mode}` as const;
        for (let i = 0; i < CASES; i++) {
          const keyBytes = rng.bytes(16);
          const key = rng.int(2) === 0 ? keyBytes : expandKey(keyBytes);
          const iv = rng.bytes(16);
          const len = padding === 'none' ? 16 * rng.int(19) : rng.int(301);
          const pt = offsetBytes(rng, len);
          const msg = `seed=${rng.seed} case=${i} key=${hex(keyBytes)} iv=${hex(iv)} len=${len}`;
          const want = nodeEncrypt(nodeMode, keyBytes, mode === 'ecb' ? null : iv, pt, padding === 'pkcs7');
          const got = mode === 'ecb' ? ecbEncrypt(key, pt, { padding }) : cbcEncrypt(key, iv, pt, { padding });
          expect(hex(got), msg).toBe(hex(want));
          const back = mode === 'ecb' ? ecbDecrypt(key, want, { padding }) : cbcDecrypt(key, iv, want, { padding });
          expect(hex(back), msg).toBe(hex(pt));
        }
      });
    }
  }

  it('ECB and CBC over longer data (4-block interleaved path with every tail length)', () => {
    const rng = seeded(SEED + 30);
    for (let i = 0; i < 40; i++) {
      const key = rng.bytes(16);
      const iv = rng.bytes(16);
      const len = 16 * (64 + rng.int(200));
      const pt = offsetBytes(rng, len);
      const msg = `seed=${rng.seed} case=${i} key=${hex(key)} len=${len}`;
      const k = expandKey(key);
      expect(hex(ecbEncrypt(k, pt)), msg).toBe(hex(nodeEncrypt('sm4-ecb', key, null, pt)));
      expect(hex(ecbDecrypt(k, pt)), msg).toBe(hex(nodeDecrypt('sm4-ecb', key, null, pt)));
      expect(hex(cbcEncrypt(k, iv, pt)), msg).toBe(hex(nodeEncrypt('sm4-cbc', key, iv, pt)));
      expect(hex(cbcDecrypt(k, iv, pt)), msg).toBe(hex(nodeDecrypt('sm4-cbc', key, iv, pt)));
    }
  });

  // IVs where the 128-bit counter carries across word boundaries or wraps to zero.
  const EDGE_IVS = [
    'ffffffffffffffffffffffffffffffff',
    'fffffffffffffffffffffffffffffffe',
    'fffffffffffffffffffffffffffffff0',
    '0000000000000000ffffffffffffffff',
    '0000000000000000fffffffffffffffd',
    '00000000ffffffffffffffffffffffff',
    '000000000000000000000000ffffffff',
    '0123456789abcdef01234567fffffffe',
    '7fffffffffffffffffffffffffffffff',
    '00000000000000000000000000000000',
  ];

  it(`CTR: ${CASES} random keys, lengths 0..300 and ivs (random and near carries / the 2^128 wrap)`, () => {
    const rng = seeded(SEED + 40);
    for (let i = 0; i < CASES; i++) {
      const keyBytes = rng.bytes(16);
      const key = rng.int(2) === 0 ? keyBytes : expandKey(keyBytes);
      const iv = rng.int(2) === 0 ? rng.bytes(16) : h(EDGE_IVS[rng.int(EDGE_IVS.length)]);
      const len = rng.int(301);
      const data = offsetBytes(rng, len);
      const msg = `seed=${rng.seed} case=${i} key=${hex(keyBytes)} iv=${hex(iv)} len=${len}`;
      const want = nodeEncrypt('sm4-ctr', keyBytes, iv, data);
      expect(hex(ctr(key, iv, data)), msg).toBe(hex(want));
      expect(hex(ctr(key, iv, want)), msg).toBe(hex(data));
    }
  });

  it('CTR wraps the whole 128-bit counter: iv ff..ff continues with 00..00', () => {
    const key = h('0123456789abcdeffedcba9876543210');
    const ks = ctr(key, h(EDGE_IVS[0]), new Uint8Array(48));
    expect(hex(ks.subarray(0, 16))).toBe(hex(encryptBlock(key, h(EDGE_IVS[0]))));
    expect(hex(ks.subarray(16, 32))).toBe(hex(encryptBlock(key, new Uint8Array(16))));
    expect(hex(ks.subarray(32))).toBe(hex(encryptBlock(key, h('00000000000000000000000000000001'))));
  });

  it('CTR over longer data with edge ivs, every tail length', () => {
    const rng = seeded(SEED + 41);
    for (let i = 0; i < 60; i++) {
      const key = rng.bytes(16);
      const iv = i < EDGE_IVS.length ? h(EDGE_IVS[i]) : rng.bytes(16);
      const len = 1024 + rng.int(2048);
      const data = offsetBytes(rng, len);
      const msg = `seed=${rng.seed} case=${i} key=${hex(key)} iv=${hex(iv)} len=${len}`;
      expect(hex(ctr(expandKey(key), iv, data)), msg).toBe(hex(nodeEncrypt('sm4-ctr', key, iv, data)));
    }
  });

  it('decrypting with PKCS#7 accepts exactly what node:crypto accepts', () => {
    const rng = seeded(SEED + 50);
    let valid = 0;
    for (let i = 0; i < CASES; i++) {
      const key = rng.bytes(16);
      const iv = rng.bytes(16);
      // A last plaintext block ending in n repeats of n, with one byte of the pad sometimes off,
      // or with n out of range: about half the cases are well padded.
      const blocks = 1 + rng.int(3);
      const pt = rng.bytes(16 * blocks);
      const n = rng.int(18);
      for (let j = 1; j <= Math.min(n, 16); j++) pt[pt.length - j] = n;
      if (n > 0 && n <= 16 && rng.int(3) === 0) pt[pt.length - 1 - rng.int(n)] ^= 1 << rng.int(8);
      const ct = nodeEncrypt('sm4-cbc', key, iv, pt);
      const msg = `seed=${rng.seed} case=${i} key=${hex(key)} iv=${hex(iv)} plain=${hex(pt)}`;
      let want: string;
      try {
        want = hex(nodeDecrypt('sm4-cbc', key, iv, ct, true));
        valid++;
      } catch {
        want = 'invalid PKCS#7 padding';
      }
      let got: string;
      try {
        got = hex(cbcDecrypt(key, iv, ct, { padding: 'pkcs7' }));
      } catch (e) {
        expect(e, msg).toBeInstanceOf(Error);
        expect((e as Error).constructor, msg).toBe(Error);
        got = (e as Error).message;
      }
      expect(got, msg).toBe(want);
    }
    expect(valid).toBeGreaterThan(CASES / 4);
    expect(valid).toBeLessThan((CASES * 3) / 4);
  });
});

describe('single blocks and Sm4Key', () => {
  const key = h('0123456789abcdeffedcba9876543210');

  it('encrypts and decrypts in place and into a given out', () => {
    const k = expandKey(key);
    const b = h('0123456789abcdeffedcba9876543210');
    expect(encryptBlock(k, b, b)).toBe(b);
    expect(hex(b)).toBe('681edf34d206965e86b3e94f536e4246');
    const out = new Uint8Array(16);
    expect(decryptBlock(k, b, out)).toBe(out);
    expect(hex(out)).toBe(hex(key));
    expect(hex(b)).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('expandKey and new Sm4Key agree with the raw key, and keep no reference to it', () => {
    const raw = Uint8Array.from(key);
    const a = expandKey(raw);
    const b = new Sm4Key(raw);
    raw.fill(0);
    expect(a).toBeInstanceOf(Sm4Key);
    expect(hex(encryptBlock(a, key))).toBe('681edf34d206965e86b3e94f536e4246');
    expect(hex(encryptBlock(b, key))).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('does not expose the round keys', () => {
    const k = expandKey(key);
    expect(Object.keys(k)).toEqual([]);
    expect(JSON.stringify(k)).toBe('{}');
  });

  it('a wiped key throws instead of encrypting with zero round keys', () => {
    const k = expandKey(key);
    k.wipe();
    expect(() => encryptBlock(k, key)).toThrow(/wiped/);
    expect(() => cbcMac(k, key, { padding: 'iso9797-m2' })).toThrow(/wiped/);
    expect(() => ctr(k, key, key)).toThrow(/wiped/);
  });
});

describe('cbcMac (ISO/IEC 9797-1 MAC algorithm 1)', () => {
  it('matches node:crypto SM4-CBC over hand-padded data, lengths 0..80, both paddings, with and without iv', () => {
    const rng = seeded(SEED + 60);
    for (let len = 0; len <= 80; len++) {
      for (const padding of ['iso9797-m1', 'iso9797-m2'] as const) {
        for (const withIv of [false, true]) {
          const keyBytes = rng.bytes(16);
          const key = rng.int(2) === 0 ? keyBytes : expandKey(keyBytes);
          const iv = withIv ? rng.bytes(16) : undefined;
          const data = offsetBytes(rng, len);
          const msg = `seed=${rng.seed} len=${len} ${padding} key=${hex(keyBytes)} iv=${iv ? hex(iv) : '-'} data=${hex(data)}`;
          const mac = cbcMac(key, data, iv ? { padding, iv } : { padding });
          expect(mac.length, msg).toBe(16);
          expect(hex(mac), msg).toBe(hex(refMac(keyBytes, data, padding, iv)));
        }
      }
    }
  });

  it("equals the last block of sm-crypto-v2's CBC, as a peer would compute it", () => {
    const rng = seeded(SEED + 61);
    for (let i = 0; i < 100; i++) {
      const key = rng.bytes(16);
      const iv = rng.int(2) === 0 ? rng.bytes(16) : undefined;
      const padding: CbcMacPadding = rng.int(2) === 0 ? 'iso9797-m1' : 'iso9797-m2';
      const data = rng.bytes(rng.int(81));
      const ct = sm4v2.encrypt(isoPad(data, padding), key, {
        mode: 'cbc',
        iv: iv ?? new Uint8Array(16),
        padding: 'none',
        output: 'array',
      });
      const msg = `seed=${rng.seed} case=${i} key=${hex(key)} ${padding} data=${hex(data)}`;
      expect(hex(cbcMac(key, data, iv ? { padding, iv } : { padding })), msg).toBe(hex(ct.subarray(ct.length - 16)));
    }
  });

  it('method 1: empty data is one zero block; whole blocks get no padding; method 2 always pads', () => {
    const key = h('0123456789abcdeffedcba9876543210');
    const zero = new Uint8Array(16);
    expect(hex(cbcMac(key, new Uint8Array(0), { padding: 'iso9797-m1' }))).toBe(hex(encryptBlock(key, zero)));
    const block = h('00112233445566778899aabbccddeeff');
    expect(hex(cbcMac(key, block, { padding: 'iso9797-m1' }))).toBe(hex(encryptBlock(key, block)));
    const padBlock = h('80000000000000000000000000000000');
    expect(hex(cbcMac(key, new Uint8Array(0), { padding: 'iso9797-m2' }))).toBe(hex(encryptBlock(key, padBlock)));
    const c1 = encryptBlock(key, block);
    const last = c1.map((b, i) => b ^ padBlock[i]);
    expect(hex(cbcMac(key, block, { padding: 'iso9797-m2' }))).toBe(hex(encryptBlock(key, last)));
  });
});

describe('inputs are never mutated nor aliased', () => {
  it('leaves every argument unchanged and returns fresh arrays (Node Buffers included)', () => {
    const rng = seeded(SEED + 70);
    for (let i = 0; i < 40; i++) {
      // Buffer.from(array) lands in Node's shared pool: slice() on it would return a view.
      const keyRaw = Buffer.from(rng.bytes(16));
      const iv = Buffer.from(rng.bytes(16));
      const len = 16 * rng.int(10);
      const data = Buffer.from(rng.bytes(len));
      const before = [hex(keyRaw), hex(iv), hex(data)];
      const outs = [
        ecbEncrypt(keyRaw, data),
        ecbEncrypt(keyRaw, data, { padding: 'pkcs7' }),
        ecbDecrypt(keyRaw, data),
        cbcEncrypt(keyRaw, iv, data),
        cbcEncrypt(keyRaw, iv, data, { padding: 'pkcs7' }),
        cbcDecrypt(keyRaw, iv, data),
        ctr(keyRaw, iv, data),
        cbcMac(keyRaw, data, { padding: 'iso9797-m2', iv }),
      ];
      if (len >= 16) outs.push(encryptBlock(keyRaw, data.subarray(0, 16)), decryptBlock(keyRaw, data.subarray(0, 16)));
      expect([hex(keyRaw), hex(iv), hex(data)], `seed=${rng.seed} case=${i}`).toEqual(before);
      for (const out of outs) {
        expect(out).toBeInstanceOf(Uint8Array);
        expect(out.buffer).not.toBe(data.buffer);
        expect(out.buffer).not.toBe(iv.buffer);
        expect(out.buffer).not.toBe(keyRaw.buffer);
      }
    }
  });

  it('pkcs7 output is a tight array of its own', () => {
    const key = new Uint8Array(16);
    const pt = cbcDecrypt(key, key, cbcEncrypt(key, key, new Uint8Array(5), { padding: 'pkcs7' }), { padding: 'pkcs7' });
    expect(pt.length).toBe(5);
    expect(pt.buffer.byteLength).toBe(5);
  });
});

describe('argument checks', () => {
  const key = new Uint8Array(16);
  const iv = new Uint8Array(16);
  const data = new Uint8Array(32);

  it('key: TypeError when not bytes, RangeError naming "key" for a wrong length', () => {
    for (const bad of [new Uint8Array(15), new Uint8Array(17), new Uint8Array(0), new Uint8Array(32)]) {
      const re = new RegExp(`^"key" expected Uint8Array of length 16, got length=${bad.length}$`);
      expect(() => expandKey(bad)).toThrow(RangeError);
      expect(() => expandKey(bad)).toThrow(re);
      expect(() => encryptBlock(bad, data.subarray(0, 16))).toThrow(re);
      expect(() => decryptBlock(bad, data.subarray(0, 16))).toThrow(re);
      expect(() => ecbEncrypt(bad, data)).toThrow(re);
      expect(() => ecbDecrypt(bad, data)).toThrow(re);
      expect(() => cbcEncrypt(bad, iv, data)).toThrow(re);
      expect(() => cbcDecrypt(bad, iv, data)).toThrow(re);
      expect(() => ctr(bad, iv, data)).toThrow(re);
      expect(() => cbcMac(bad, data, { padding: 'iso9797-m1' })).toThrow(re);
    }
    for (const bad of ['0123456789abcdef', Array.from(key), null, undefined, new Uint16Array(8)]) {
      expect(() => expandKey(bad as never)).toThrow(TypeError);
      expect(() => encryptBlock(bad as never, data.subarray(0, 16))).toThrow(TypeError);
      expect(() => ecbEncrypt(bad as never, data)).toThrow(/^"key" expected Uint8Array/);
      expect(() => cbcMac(bad as never, data, { padding: 'iso9797-m1' })).toThrow(TypeError);
    }
  });

  it('iv: RangeError naming "iv" (or "opts.iv") for a wrong length, TypeError when not bytes', () => {
    for (const bad of [new Uint8Array(15), new Uint8Array(8), new Uint8Array(0)]) {
      const re = new RegExp(`^"iv" expected Uint8Array of length 16, got length=${bad.length}$`);
      expect(() => cbcEncrypt(key, bad, data)).toThrow(RangeError);
      expect(() => cbcEncrypt(key, bad, data)).toThrow(re);
      expect(() => cbcDecrypt(key, bad, data)).toThrow(re);
      expect(() => ctr(key, bad, data)).toThrow(re);
      expect(() => cbcMac(key, data, { padding: 'iso9797-m2', iv: bad })).toThrow(/^"opts\.iv" expected Uint8Array of length 16/);
    }
    expect(() => cbcEncrypt(key, 'iv' as never, data)).toThrow(TypeError);
    expect(() => ctr(key, null as never, data)).toThrow(/"iv"/);
  });

  it('block and out: RangeError naming them', () => {
    expect(() => encryptBlock(key, new Uint8Array(15))).toThrow(/^"block" expected Uint8Array of length 16, got length=15$/);
    expect(() => decryptBlock(key, new Uint8Array(32))).toThrow(RangeError);
    expect(() => encryptBlock(key, iv, new Uint8Array(8))).toThrow(/^"out" expected Uint8Array of length 16, got length=8$/);
    expect(() => encryptBlock(key, [1, 2] as never)).toThrow(TypeError);
  });

  it("data: TypeError when not bytes; RangeError naming \"data\" when padding 'none' gets a partial block", () => {
    for (const bad of ['abc', [1, 2, 3], null, undefined, new ArrayBuffer(16)]) {
      expect(() => ecbEncrypt(key, bad as never)).toThrow(TypeError);
      expect(() => ecbDecrypt(key, bad as never)).toThrow(/"data"/);
      expect(() => cbcEncrypt(key, iv, bad as never)).toThrow(TypeError);
      expect(() => cbcDecrypt(key, iv, bad as never)).toThrow(TypeError);
      expect(() => ctr(key, iv, bad as never)).toThrow(/^"data" expected Uint8Array/);
      expect(() => cbcMac(key, bad as never, { padding: 'iso9797-m2' })).toThrow(TypeError);
    }
    for (const len of [1, 15, 17, 33]) {
      const d = new Uint8Array(len);
      const re = new RegExp(`^"data" expected a multiple of 16 bytes with padding 'none', got length=${len}$`);
      expect(() => ecbEncrypt(key, d)).toThrow(RangeError);
      expect(() => ecbEncrypt(key, d)).toThrow(re);
      expect(() => ecbEncrypt(key, d, { padding: 'none' })).toThrow(re);
      expect(() => ecbDecrypt(key, d)).toThrow(re);
      expect(() => cbcEncrypt(key, iv, d)).toThrow(re);
      expect(() => cbcDecrypt(key, iv, d)).toThrow(re);
      expect(() => cbcDecrypt(key, iv, d, { padding: 'pkcs7' })).toThrow(/"data" expected a non-zero multiple of 16/);
    }
    expect(() => ecbDecrypt(key, new Uint8Array(0), { padding: 'pkcs7' })).toThrow(
      /^"data" expected a non-zero multiple of 16 bytes with padding 'pkcs7', got length=0$/,
    );
    expect(ecbEncrypt(key, new Uint8Array(0)).length).toBe(0);
    expect(ecbEncrypt(key, new Uint8Array(0), { padding: 'pkcs7' }).length).toBe(16);
    expect(ecbEncrypt(key, new Uint8Array(16), { padding: 'pkcs7' }).length).toBe(32);
  });

  it("bad PKCS#7 padding on decrypt: Error('invalid PKCS#7 padding'), never a result", () => {
    const k = expandKey(h('0123456789abcdeffedcba9876543210'));
    const bad = ['00', '11', 'ff', '0102', '030203', '10'.repeat(15) + '0f'].map((tail) => {
      const pt = new Uint8Array(32).fill(0xaa);
      pt.set(h(tail), 32 - tail.length / 2);
      return pt;
    });
    for (const pt of bad) {
      for (const decrypt of [
        () => ecbDecrypt(k, ecbEncrypt(k, pt), { padding: 'pkcs7' }),
        () => cbcDecrypt(k, iv, cbcEncrypt(k, iv, pt), { padding: 'pkcs7' }),
      ]) {
        let thrown: unknown;
        try {
          decrypt();
        } catch (e) {
          thrown = e;
        }
        expect(thrown, hex(pt)).toBeInstanceOf(Error);
        expect((thrown as Error).constructor, hex(pt)).toBe(Error);
        expect((thrown as Error).message).toBe('invalid PKCS#7 padding');
      }
    }
    const good = new Uint8Array(32).fill(0x10);
    expect(ecbDecrypt(k, ecbEncrypt(k, good), { padding: 'pkcs7' }).length).toBe(16);
  });

  it('padding: RangeError naming opts.padding for an unknown name; TypeError for a bad opts', () => {
    for (const bad of ['PKCS7', 'pkcs5', 'zero', '', 7]) {
      const opts = { padding: bad } as never;
      expect(() => ecbEncrypt(key, data, opts)).toThrow(RangeError);
      expect(() => ecbEncrypt(key, data, opts)).toThrow(/^"opts\.padding" expected one of 'none', 'pkcs7'/);
      expect(() => ecbDecrypt(key, data, opts)).toThrow(/"opts\.padding"/);
      expect(() => cbcEncrypt(key, iv, data, opts)).toThrow(/"opts\.padding"/);
      expect(() => cbcDecrypt(key, iv, data, opts)).toThrow(/"opts\.padding"/);
      expect(() => cbcMac(key, data, opts)).toThrow(RangeError);
      expect(() => cbcMac(key, data, opts)).toThrow(/^"opts\.padding" expected one of 'iso9797-m1', 'iso9797-m2'/);
    }
    expect(() => cbcMac(key, data, { padding: 'pkcs7' } as never)).toThrow(RangeError);
    expect(() => ecbEncrypt(key, data, 'pkcs7' as never)).toThrow(TypeError);
    expect(() => ecbEncrypt(key, data, 'pkcs7' as never)).toThrow(/^"opts" expected object, got string$/);
    expect(() => cbcMac(key, data, undefined as never)).toThrow(TypeError);
    expect(() => cbcMac(key, data, undefined as never)).toThrow(/"opts"/);
    expect(() => cbcMac(key, data, {} as never)).toThrow(TypeError);
    expect(() => cbcMac(key, data, {} as never)).toThrow(/"opts\.padding" is required/);
    expect(hex(ecbEncrypt(key, data, {}))).toBe(hex(ecbEncrypt(key, data, { padding: 'none' })));
  });
});
