// Tests for crypto/des.ts: published known answers, the purse's 3DES vectors, randomised
// cross-checks against node-forge and node:crypto (OpenSSL), and the argument checks.
//
// The PRNG seed is fixed so failures reproduce; set DES_TEST_SEED to explore others. Every
// randomised assertion names the seed and case, plus the inputs, in its failure message.
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import {
  cbcDecrypt,
  cbcEncrypt,
  desDecryptBlock,
  desEncryptBlock,
  DesKey,
  ecbDecrypt,
  ecbEncrypt,
  expandDesKey,
  mac9797Alg1,
  mac9797Alg3,
  padIso9797M1,
  padIso9797M2,
} from '../../crypto/des.js';
import { bytesToHex as hex, concatBytes, hexToBytes as bytes } from '../../crypto/utils.js';

const SEED = Number(process.env.DES_TEST_SEED ?? 0x5eed_de5);
const CASES = 300;

/** mulberry32: small, seedable, good enough to pick keys and lengths. */
function prng(seed: number): { u32: () => number; int: (n: number) => number; bytes: (n: number) => Uint8Array } {
  let a = seed >>> 0;
  const u32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    u32,
    int: (n) => u32() % n,
    bytes: (n) => Uint8Array.from({ length: n }, () => u32() & 255),
  };
}

// ---- oracles -----------------------------------------------------------------------------------

const bin = (b: Uint8Array): string => forge.util.binary.raw.encode(b);
const unbin = (s: string): Uint8Array => forge.util.binary.raw.decode(s);

/** node-forge, no padding. Its 3DES wants 24 bytes, so a 16-byte key goes in as K1‖K2‖K1. */
function forgeCrypt(mode: 'ECB' | 'CBC', key: Uint8Array, data: Uint8Array, decrypt: boolean, iv?: Uint8Array): Uint8Array {
  const alg = `${key.length === 8 ? 'DES' : '3DES'}-${mode}` as forge.cipher.Algorithm;
  const k = forge.util.createBuffer(bin(key.length === 16 ? concatBytes(key, key.subarray(0, 8)) : key));
  const c = decrypt ? forge.cipher.createDecipher(alg, k) : forge.cipher.createCipher(alg, k);
  c.start(iv ? { iv: bin(iv) } : {});
  c.update(forge.util.createBuffer(bin(data)));
  // finish(pad) with a pad function that does nothing turns padding off (not in @types).
  const finish = c.finish as unknown as (this: forge.cipher.BlockCipher, pad: () => boolean) => boolean;
  if (!finish.call(c, () => true)) throw new Error('forge finish failed');
  return unbin(c.output.getBytes());
}

// OpenSSL 3 keeps single DES in the legacy provider, which Node does not load by default; DES is
// then checked as EDE with K1 = K2 (E_K D_K E_K = E_K by definition), still OpenSSL's DES.
const NODE_HAS_DES = (() => {
  if (!getCiphers().includes('des-ecb')) return false;
  try {
    createCipheriv('des-ecb', Buffer.alloc(8), null);
    return true;
  } catch {
    return false;
  }
})();

function nodeCrypt(mode: 'ECB' | 'CBC', key: Uint8Array, data: Uint8Array, decrypt: boolean, iv?: Uint8Array): Uint8Array {
  let name: string;
  let k = key;
  if (key.length === 8) {
    if (NODE_HAS_DES) name = 'des';
    else {
      name = 'des-ede';
      k = concatBytes(key, key);
    }
  } else name = key.length === 16 ? 'des-ede' : 'des-ede3';
  if (mode === 'CBC') name += '-cbc';
  else if (name === 'des') name = 'des-ecb';
  const c = decrypt ? createDecipheriv(name, k, mode === 'CBC' ? iv! : null) : createCipheriv(name, k, mode === 'CBC' ? iv! : null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

const ORACLES = { 'node-forge': forgeCrypt, 'node:crypto': nodeCrypt } as const;

/** Padding written out here, independently of the module's helpers. */
function refPad(data: Uint8Array, padding: 'm1' | 'm2'): Uint8Array {
  const bytesOut = [...data];
  if (padding === 'm2') bytesOut.push(0x80);
  while (bytesOut.length % 8 !== 0 || bytesOut.length === 0) bytesOut.push(0);
  return Uint8Array.from(bytesOut);
}

/** ISO/IEC 9797-1 MAC algorithm 1 from an oracle's CBC: pad, CBC-encrypt, last block. */
function refAlg1(oracle: typeof forgeCrypt, key: Uint8Array, data: Uint8Array, padding: 'm1' | 'm2', iv: Uint8Array = new Uint8Array(8)): Uint8Array {
  return oracle('CBC', key, refPad(data, padding), false, iv).slice(-8);
}

/**
 * MAC algorithm 3 as the standard states it: CBC under K (single DES) over every block, giving
 * H_q, then output transformation 3, G = e_K(d_K'(H_q)).
 */
function refAlg3(oracle: typeof forgeCrypt, key: Uint8Array, data: Uint8Array, padding: 'm1' | 'm2', iv: Uint8Array = new Uint8Array(8)): Uint8Array {
  const k1 = key.subarray(0, 8);
  const k2 = key.subarray(8, 16);
  const hq = oracle('CBC', k1, refPad(data, padding), false, iv).slice(-8);
  return oracle('ECB', k1, oracle('ECB', k2, hq, true), false);
}

// ---- known answers -----------------------------------------------------------------------------

describe('known answers', () => {
  // J. Orlin Grabbe, "The DES Algorithm Illustrated" (worked example, every step shown).
  it('DES: the classic worked example 133457799bbcdff1 / 0123456789abcdef', () => {
    const key = bytes('133457799bbcdff1');
    expect(hex(desEncryptBlock(key, bytes('0123456789abcdef')))).toBe('85e813540f0ab405');
    expect(hex(desDecryptBlock(key, bytes('85e813540f0ab405')))).toBe('0123456789abcdef');
  });

  // NIST SP 800-20 (1999), Appendix A. The TDEA known-answer tests use K1 = K2 = K3 =
  // 0101010101010101 (or a single varying key), so every keying option reduces to DES and the
  // same answers hold for 8-, 16- and 24-byte keys.
  const SP800_20 = [
    // Table A.1, variable plaintext KAT, key 01…01: rounds 1–3.
    { key: '0101010101010101', pt: '8000000000000000', ct: '95f8a5e5dd31d900' },
    { key: '0101010101010101', pt: '4000000000000000', ct: 'dd7f121ca5015619' },
    { key: '0101010101010101', pt: '2000000000000000', ct: '2e8653104f3834ea' },
    // Table A.2, variable key KAT, plaintext 0: round 1.
    { key: '8001010101010101', pt: '0000000000000000', ct: '95a8d72813daa94d' },
  ];
  for (const { key, pt, ct } of SP800_20) {
    it.each([1, 2, 3])(`TDEA SP 800-20 KAT key=${key} pt=${pt} with the key repeated %i times`, (times) => {
      const k = bytes(key.repeat(times));
      expect(hex(ecbEncrypt(k, bytes(pt)))).toBe(ct);
      expect(hex(ecbDecrypt(k, bytes(ct)))).toBe(pt);
    });
  }

  // NIST SP 800-67 Rev. 1 (2012), Appendix B, TDEA ECB example, keying option 1; the plaintext
  // is "The qufck brown fox jump" (typo in the original).
  it('TDEA SP 800-67 Appendix B example (3-key ECB, three blocks)', () => {
    const key = bytes('0123456789abcdef23456789abcdef01456789abcdef0123');
    const pt = new TextEncoder().encode('The qufck brown fox jump');
    const ct = 'a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900';
    expect(hex(ecbEncrypt(key, pt))).toBe(ct);
    expect(ecbDecrypt(key, bytes(ct))).toEqual(pt);
  });
});

// ---- purse vectors -----------------------------------------------------------------------------

interface PurseVector {
  id: string;
  source: string;
  cardLoadKey?: string;
  cardPurchaseKey?: string;
  input?: string;
  sessionKey?: string;
  data?: string;
  expected: { sessionKey?: string; mac?: string };
}

describe('vectors/purse/purse-3des.json', () => {
  const file = JSON.parse(readFileSync(new URL('../../vectors/purse/purse-3des.json', import.meta.url), 'utf8')) as {
    vectors: PurseVector[];
  };
  const vectors = file.vectors ?? [];

  it('has session-key and MAC vectors', () => {
    expect(vectors.length).toBeGreaterThan(0);
    expect(vectors.some((v) => v.expected.sessionKey !== undefined)).toBe(true);
    expect(vectors.some((v) => v.expected.mac !== undefined)).toBe(true);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const cardKey = v.cardLoadKey ?? v.cardPurchaseKey;
    if (cardKey !== undefined && v.input !== undefined && v.expected.sessionKey !== undefined) {
      // Session key: 2-key 3DES-ECB of the 8-byte input under the 16-byte card key.
      expect(hex(ecbEncrypt(bytes(cardKey), bytes(v.input)))).toBe(v.expected.sessionKey);
      expect(hex(desEncryptBlock(expandDesKey(bytes(cardKey)), bytes(v.input)))).toBe(v.expected.sessionKey);
    } else if (v.sessionKey !== undefined && v.data !== undefined && v.expected.mac !== undefined) {
      // MAC: single-DES CBC-MAC, ICV 0, padding method 2, first 4 bytes.
      const mac = mac9797Alg1(bytes(v.sessionKey), bytes(v.data), { padding: 'm2' });
      expect(hex(mac.subarray(0, 4))).toBe(v.expected.mac);
    } else {
      throw new Error(`vector ${v.id}: unknown shape ${JSON.stringify(Object.keys(v))}`);
    }
  });
});

// ---- cross-checks ------------------------------------------------------------------------------

describe.each([8, 16, 24])('cross-check with a %i-byte key', (keyLen) => {
  for (const [oracleName, oracle] of Object.entries(ORACLES)) {
    it(`ECB and CBC, both directions, match ${oracleName} (${CASES} cases)`, () => {
      const rnd = prng(SEED ^ keyLen);
      for (let i = 0; i < CASES; i++) {
        const key = rnd.bytes(keyLen);
        const iv = rnd.bytes(8);
        const data = rnd.bytes(8 * rnd.int(33)); // 0..256 bytes
        const ctx = `seed=${SEED} case=${i} key=${hex(key)} iv=${hex(iv)} data=${hex(data)}`;
        expect(hex(ecbEncrypt(key, data)), `ecbEncrypt ${ctx}`).toBe(hex(oracle('ECB', key, data, false)));
        expect(hex(ecbDecrypt(key, data)), `ecbDecrypt ${ctx}`).toBe(hex(oracle('ECB', key, data, true)));
        expect(hex(cbcEncrypt(key, iv, data)), `cbcEncrypt ${ctx}`).toBe(hex(oracle('CBC', key, data, false, iv)));
        expect(hex(cbcDecrypt(key, iv, data)), `cbcDecrypt ${ctx}`).toBe(hex(oracle('CBC', key, data, true, iv)));
      }
    });

    it(`MAC algorithm 1, padding m1 and m2, with and without iv, matches ${oracleName} (${CASES} cases)`, () => {
      const rnd = prng(SEED ^ (keyLen << 8));
      for (let i = 0; i < CASES; i++) {
        const key = rnd.bytes(keyLen);
        const data = rnd.bytes(rnd.int(101)); // any length, 0..100
        const padding = rnd.int(2) === 0 ? 'm1' : 'm2';
        const iv = rnd.int(2) === 0 ? undefined : rnd.bytes(8);
        const ctx = `seed=${SEED} case=${i} key=${hex(key)} padding=${padding} iv=${iv && hex(iv)} data=${hex(data)}`;
        const want = hex(refAlg1(oracle, key, data, padding, iv));
        expect(hex(mac9797Alg1(key, data, { padding, iv })), ctx).toBe(want);
        expect(hex(mac9797Alg1(expandDesKey(key), data, { padding, iv })), `DesKey ${ctx}`).toBe(want);
      }
    });
  }

  it('a DesKey and the raw key give the same results', () => {
    const rnd = prng(SEED ^ (keyLen << 16));
    for (let i = 0; i < 50; i++) {
      const key = rnd.bytes(keyLen);
      const dk = expandDesKey(key);
      const iv = rnd.bytes(8);
      const data = rnd.bytes(8 * rnd.int(9));
      const ctx = `seed=${SEED} case=${i} key=${hex(key)}`;
      expect(ecbEncrypt(dk, data), ctx).toEqual(ecbEncrypt(key, data));
      expect(ecbDecrypt(dk, data), ctx).toEqual(ecbDecrypt(key, data));
      expect(cbcEncrypt(dk, iv, data), ctx).toEqual(cbcEncrypt(key, iv, data));
      expect(cbcDecrypt(dk, iv, data), ctx).toEqual(cbcDecrypt(key, iv, data));
      const block = rnd.bytes(8);
      expect(desEncryptBlock(dk, block), ctx).toEqual(ecbEncrypt(key, block));
      expect(desDecryptBlock(dk, block), ctx).toEqual(ecbDecrypt(key, block));
      expect(cbcDecrypt(dk, iv, cbcEncrypt(dk, iv, data)), ctx).toEqual(data);
    }
  });
});

describe('MAC algorithm 3 (retail MAC)', () => {
  for (const [oracleName, oracle] of Object.entries(ORACLES)) {
    it(`matches single-DES CBC under K then e_K(d_K'(H_q)) with ${oracleName} (${CASES} cases)`, () => {
      const rnd = prng(SEED ^ 0xa13);
      for (let i = 0; i < CASES; i++) {
        const key = rnd.bytes(16);
        const data = rnd.bytes(rnd.int(101));
        const padding = rnd.int(2) === 0 ? 'm1' : 'm2';
        const iv = rnd.int(2) === 0 ? undefined : rnd.bytes(8);
        const ctx = `seed=${SEED} case=${i} key=${hex(key)} padding=${padding} iv=${iv && hex(iv)} data=${hex(data)}`;
        const want = hex(refAlg3(oracle, key, data, padding, iv));
        expect(hex(mac9797Alg3(key, data, { padding, iv })), ctx).toBe(want);
        expect(hex(mac9797Alg3(expandDesKey(key), data, { padding, iv })), `DesKey ${ctx}`).toBe(want);
      }
    });
  }

  it("equals single-DES MAC algorithm 1 when K' = K (the output transformation cancels)", () => {
    const rnd = prng(SEED ^ 0xa3a1);
    for (let i = 0; i < 50; i++) {
      const k = rnd.bytes(8);
      const data = rnd.bytes(rnd.int(40));
      expect(mac9797Alg3(concatBytes(k, k), data, { padding: 'm2' }), `seed=${SEED} case=${i}`).toEqual(
        mac9797Alg1(k, data, { padding: 'm2' }),
      );
    }
  });
});

// ---- padding ---------------------------------------------------------------------------------

describe('ISO/IEC 9797-1 padding', () => {
  const M1: [string, number, string][] = [
    ['', 8, '0000000000000000'], // empty → one zero block (a positive multiple is required)
    ['aa', 8, 'aa00000000000000'],
    ['0102030405060708', 8, '0102030405060708'],
    ['010203040506070809', 8, '01020304050607080900000000000000'],
    ['aa', 16, 'aa000000000000000000000000000000'],
  ];
  const M2: [string, number, string][] = [
    ['', 8, '8000000000000000'],
    ['aa', 8, 'aa80000000000000'],
    ['01020304050607', 8, '0102030405060780'],
    ['0102030405060708', 8, '01020304050607088000000000000000'],
    ['aa', 16, 'aa800000000000000000000000000000'],
  ];
  it.each(M1)('method 1: %s to blocks of %i → %s', (data, blockLen, want) => {
    expect(hex(padIso9797M1(bytes(data), blockLen))).toBe(want);
  });
  it.each(M2)('method 2: %s to blocks of %i → %s', (data, blockLen, want) => {
    expect(hex(padIso9797M2(bytes(data), blockLen))).toBe(want);
  });

  it('MACs of the empty message: m1 pads to one zero block, m2 to one 80 00… block', () => {
    const key = bytes('9b1d924e05595603');
    expect(mac9797Alg1(key, new Uint8Array(0), { padding: 'm1' })).toEqual(ecbEncrypt(key, new Uint8Array(8)));
    expect(mac9797Alg1(key, new Uint8Array(0), { padding: 'm2' })).toEqual(ecbEncrypt(key, bytes('8000000000000000')));
  });

  it('returns a new array even when no padding byte is added', () => {
    const data = bytes('0102030405060708');
    const out = padIso9797M1(data, 8);
    expect(out).toEqual(data);
    expect(out.buffer).not.toBe(data.buffer);
  });
});

// ---- aliasing, keys, argument checks ------------------------------------------------------------

describe('inputs and outputs', () => {
  it('never mutates inputs and never returns them', () => {
    const key = bytes('0123456789abcdef23456789abcdef01');
    const iv = bytes('1122334455667788');
    const data = bytes('00112233445566778899aabbccddeeff');
    const snapshot = [hex(key), hex(iv), hex(data)];
    const outs = [
      ecbEncrypt(key, data),
      ecbDecrypt(key, data),
      cbcEncrypt(key, iv, data),
      cbcDecrypt(key, iv, data),
      desEncryptBlock(key, data.subarray(0, 8)),
      desDecryptBlock(key, data.subarray(0, 8)),
      mac9797Alg1(key, data, { padding: 'm2', iv }),
      mac9797Alg3(key, data, { padding: 'm1', iv }),
      padIso9797M2(data, 8),
    ];
    expect([hex(key), hex(iv), hex(data)]).toEqual(snapshot);
    for (const o of outs) {
      expect(o.buffer).not.toBe(data.buffer);
      expect(o.buffer).not.toBe(iv.buffer);
      expect(o.constructor).toBe(Uint8Array);
    }
  });

  it('accepts Node Buffers and returns plain Uint8Arrays', () => {
    const out = ecbEncrypt(Buffer.from('133457799bbcdff1', 'hex'), Buffer.from('0123456789abcdef', 'hex'));
    expect(out.constructor).toBe(Uint8Array);
    expect(hex(out)).toBe('85e813540f0ab405');
  });

  it('block functions write into `out`, which may be the block itself', () => {
    const key = bytes('133457799bbcdff1');
    const block = bytes('0123456789abcdef');
    const out = new Uint8Array(8);
    expect(desEncryptBlock(key, block, out)).toBe(out);
    expect(hex(out)).toBe('85e813540f0ab405');
    expect(desEncryptBlock(key, block, block)).toBe(block);
    expect(hex(block)).toBe('85e813540f0ab405');
    desDecryptBlock(key, block, block);
    expect(hex(block)).toBe('0123456789abcdef');
  });
});

describe('DesKey', () => {
  it('never shows its round keys', () => {
    const dk = expandDesKey(bytes('0123456789abcdef23456789abcdef01'));
    expect(dk).toBeInstanceOf(DesKey);
    expect(dk.keyLen).toBe(16);
    expect(inspect(dk)).toBe('DesKey { keyLen: 16 }');
    expect(String(dk)).toBe('DesKey { keyLen: 16 }');
    expect(JSON.stringify(dk)).toBe('{"keyLen":16}');
  });

  it('is refused once destroyed', () => {
    const dk = expandDesKey(bytes('133457799bbcdff1'));
    expect(dk.destroyed).toBe(false);
    dk.destroy();
    expect(dk.destroyed).toBe(true);
    expect(() => desEncryptBlock(dk, new Uint8Array(8))).toThrow(TypeError);
    expect(() => mac9797Alg1(dk, new Uint8Array(8), { padding: 'm2' })).toThrow(/"key" is a destroyed DesKey/);
  });

  it('is not disturbed by raw-key calls in between (they use a scratch schedule)', () => {
    const dk = expandDesKey(bytes('133457799bbcdff1'));
    ecbEncrypt(bytes('0123456789abcdef23456789abcdef01456789abcdef0123'), new Uint8Array(64));
    expect(hex(desEncryptBlock(dk, bytes('0123456789abcdef')))).toBe('85e813540f0ab405');
  });
});

describe('argument checks', () => {
  const k8 = new Uint8Array(8);
  const k16 = new Uint8Array(16);
  const b8 = new Uint8Array(8);
  const M2 = { padding: 'm2' } as const;
  // Deliberately wrong types go through `any`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const bad = (v: unknown): any => v;
  const CASES_BAD: [string, () => unknown, typeof TypeError | typeof RangeError, RegExp | string][] = [
    ['key of 15 bytes', () => ecbEncrypt(new Uint8Array(15), b8), RangeError, '"key" expected Uint8Array of length one of 8, 16, 24, got length=15'],
    ['key not bytes', () => desEncryptBlock(bad('133457799bbcdff1'), b8), TypeError, /^"key" expected Uint8Array, got string/],
    ['key as a number array', () => cbcEncrypt(bad([1, 2, 3, 4, 5, 6, 7, 8]), b8, b8), TypeError, /"key"/],
    ['expandDesKey of 7 bytes', () => expandDesKey(new Uint8Array(7)), RangeError, /"key" .*got length=7/],
    ['block of 7 bytes', () => desEncryptBlock(k8, new Uint8Array(7)), RangeError, '"block" expected Uint8Array of length 8, got length=7'],
    ['block not bytes', () => desDecryptBlock(k8, bad(null)), TypeError, /"block"/],
    ['out of 9 bytes', () => desEncryptBlock(k8, b8, new Uint8Array(9)), RangeError, /"out" .*got length=9/],
    ['ECB data of 12 bytes', () => ecbEncrypt(k16, new Uint8Array(12)), RangeError, '"data" expected Uint8Array of length a multiple of 8, got length=12'],
    ['ECB decrypt data of 1 byte', () => ecbDecrypt(k16, new Uint8Array(1)), RangeError, /"data"/],
    ['CBC data of 9 bytes', () => cbcDecrypt(k8, b8, new Uint8Array(9)), RangeError, /"data"/],
    ['data as Uint16Array', () => ecbEncrypt(k8, bad(new Uint16Array(4))), TypeError, /"data" expected Uint8Array/],
    ['iv of 7 bytes', () => cbcEncrypt(k8, new Uint8Array(7), b8), RangeError, '"iv" expected Uint8Array of length 8, got length=7'],
    ['iv missing', () => cbcDecrypt(k8, bad(undefined), b8), TypeError, /"iv"/],
    ['MAC data not bytes', () => mac9797Alg1(k8, bad('abc'), M2), TypeError, /"data"/],
    ['MAC opts missing', () => mac9797Alg1(k8, b8, bad(undefined)), TypeError, /"opts"/],
    ['MAC padding unknown', () => mac9797Alg1(k8, b8, bad({ padding: 'm3' })), RangeError, /"opts.padding" expected one of 'm1', 'm2'/],
    ['MAC padding missing', () => mac9797Alg3(k16, b8, bad({})), RangeError, /"opts.padding"/],
    ['MAC iv of 4 bytes', () => mac9797Alg1(k8, b8, { padding: 'm1', iv: new Uint8Array(4) }), RangeError, /"opts.iv" .*got length=4/],
    ['alg 3 with an 8-byte key', () => mac9797Alg3(k8, b8, M2), RangeError, '"key" expected Uint8Array of length 16, got length=8'],
    ['alg 3 with a 24-byte key', () => mac9797Alg3(new Uint8Array(24), b8, M2), RangeError, /"key"/],
    ['alg 3 with a DesKey of 24 bytes', () => mac9797Alg3(expandDesKey(new Uint8Array(24)), b8, M2), RangeError, /"key" .*keyLen=24/],
    ['padding blockLen 0', () => padIso9797M2(b8, 0), RangeError, /"blockLen"/],
    ['padding blockLen 1.5', () => padIso9797M1(b8, 1.5), TypeError, /"blockLen"/],
    ['padding data not bytes', () => padIso9797M1(bad('x'), 8), TypeError, /"data"/],
  ];
  it.each(CASES_BAD)('%s', (_name, fn, errorClass, message) => {
    expect(fn).toThrow(errorClass);
    expect(fn).toThrow(message);
  });

  it('checks arguments in order, before any work', () => {
    expect(() => cbcEncrypt(new Uint8Array(3), new Uint8Array(3), new Uint8Array(3))).toThrow(/"key"/);
    expect(() => cbcEncrypt(k8, new Uint8Array(3), new Uint8Array(3))).toThrow(/"iv"/);
  });
});
