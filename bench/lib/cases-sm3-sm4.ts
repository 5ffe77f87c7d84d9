// SM3 and SM4 cases: ssc3 against sm-crypto-v2, sm-crypto and node:crypto (OpenSSL), each peer
// called the fastest way it offers (Uint8Array in, fixed-key contexts where it has them).
import { createCipheriv, createHash } from 'node:crypto';
import { smCrypto } from './sm-crypto.js';
import { sm3 as sm3v2, sm4 as sm4v2 } from 'sm-crypto-v2';
import { sm3 } from '../../crypto/sm3.js';
import { cbcEncrypt, cbcMac, encryptBlock, expandKey } from '../../crypto/sm4.js';
import { expectSame, testBytes, type BenchCase } from './case.js';

export const NODE = 'node:crypto';
export const NODE_REUSED = 'node:crypto (reused ctx)';
export const V2 = 'sm-crypto-v2';
export const V1 = 'sm-crypto';

/** SM3 over `len` bytes. */
export function sm3Case(id: string, op: string, len: number): BenchCase {
  const msg = testBytes(len, 1);
  const want = sm3(msg);
  const rows = [
    { impl: 'ssc3', run: () => sm3(msg) },
    { impl: V2, run: () => sm3v2(msg) },
    { impl: V1, run: () => smCrypto.sm3(msg) },
    { impl: NODE, run: () => createHash('sm3').update(msg).digest() },
  ];
  return { id, op, bytes: len, rows: rows.map((r) => ({ ...r, check: () => expectSame(r.impl, r.run(), want) })) };
}

const KEY = testBytes(16, 2);
const IV = testBytes(16, 3);
const ZERO_IV = new Uint8Array(16);

/** One SM4 block under a key set up once. */
export function sm4BlockCase(id: string, op: string): BenchCase {
  const block = testBytes(16, 4);
  const ek = expandKey(KEY);
  const out = new Uint8Array(16);
  const want = encryptBlock(ek, block);
  // One ECB context for the whole run: OpenSSL's key schedule is done once, as ours is.
  const ctx = createCipheriv('sm4-ecb', KEY, null);
  ctx.setAutoPadding(false);
  const rows = [
    { impl: 'ssc3', run: () => encryptBlock(ek, block, out) },
    { impl: NODE_REUSED, run: () => ctx.update(block) },
    { impl: V2, run: () => sm4v2.encrypt(block, KEY, { padding: 'none', output: 'array' }) },
    { impl: V1, run: () => smCrypto.sm4.encrypt(block, KEY, { padding: 'none', output: 'array' }) },
  ];
  return { id, op, bytes: 16, rows: rows.map((r) => ({ ...r, check: () => expectSame(r.impl, r.run(), want) })) };
}

/** SM4-CBC encryption of `len` bytes (a multiple of 16: no padding anywhere). */
export function sm4CbcCase(id: string, op: string, len: number): BenchCase {
  const data = testBytes(len, 5);
  const ek = expandKey(KEY);
  const want = cbcEncrypt(ek, IV, data);
  const opts = { mode: 'cbc', iv: IV, padding: 'none', output: 'array' } as const;
  const rows = [
    { impl: 'ssc3', run: () => cbcEncrypt(ek, IV, data) },
    {
      impl: NODE,
      run: () => {
        const c = createCipheriv('sm4-cbc', KEY, IV);
        c.setAutoPadding(false);
        const ct = c.update(data);
        c.final();
        return ct;
      },
    },
    { impl: V2, run: () => sm4v2.encrypt(data, KEY, opts) },
    { impl: V1, run: () => smCrypto.sm4.encrypt(data, KEY, opts) },
  ];
  return { id, op, bytes: len, rows: rows.map((r) => ({ ...r, check: () => expectSame(r.impl, r.run(), want) })) };
}

/**
 * SM4 CBC-MAC (ISO/IEC 9797-1 algorithm 1, ICV 0) over `len` bytes, a multiple of 16 so that
 * padding method 1 adds nothing and the peers need no padding step: their MAC is the last block
 * of a CBC encryption.
 */
export function sm4CbcMacCase(id: string, op: string, len: number): BenchCase {
  const data = testBytes(len, 6);
  const ek = expandKey(KEY);
  const want = cbcMac(ek, data, { padding: 'iso9797-m1' });
  const opts = { mode: 'cbc', iv: ZERO_IV, padding: 'none', output: 'array' } as const;
  const rows = [
    { impl: 'ssc3', run: () => cbcMac(ek, data, { padding: 'iso9797-m1' }) },
    { impl: V2, run: () => sm4v2.encrypt(data, KEY, opts).subarray(-16) },
    { impl: V1, run: () => smCrypto.sm4.encrypt(data, KEY, opts).slice(-16) },
    {
      impl: NODE,
      run: () => {
        const c = createCipheriv('sm4-cbc', KEY, ZERO_IV);
        c.setAutoPadding(false);
        const ct = c.update(data);
        c.final();
        return ct.subarray(-16);
      },
    },
  ];
  return { id, op, bytes: len, rows: rows.map((r) => ({ ...r, check: () => expectSame(r.impl, r.run(), want) })) };
}
