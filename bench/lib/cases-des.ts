// DES / 3DES cases against node-forge and node:crypto. OpenSSL 3 keeps single DES in its legacy
// provider, which Node does not load, so node:crypto's single-DES CBC-MAC runs as 'des-ede-cbc'
// with K‖K (E_K D_K E_K = E_K): three DES passes per block where the others do one — the only
// way node:crypto offers, and labelled as such.
import { createCipheriv } from 'node:crypto';
import forge from 'node-forge';
import { desEncryptBlock, expandDesKey, mac9797Alg1 } from '../../crypto/des.js';
import { concatBytes } from '../../crypto/utils.js';
import { expectSame, testBytes, type BenchCase } from './case.js';
import { NODE_REUSED } from './cases-sm3-sm4.js';

export const FORGE = 'node-forge (reused cipher)';
export const NODE_EDE_KK = 'node:crypto (des-ede-cbc, K‖K)';

const bin = (b: Uint8Array): string => forge.util.binary.raw.encode(b);
const unbin = (s: string): Uint8Array => forge.util.binary.raw.decode(s);

/** forge's finish() with a pad function that does nothing: no padding (not in @types). */
function finishUnpadded(c: forge.cipher.BlockCipher): void {
  const finish = c.finish as unknown as (this: forge.cipher.BlockCipher, pad: () => boolean) => boolean;
  if (!finish.call(c, () => true)) throw new Error('node-forge: finish failed');
}

/** 3DES-ECB (two-key, 16-byte key) of one 8-byte block under a key set up once. */
export function tdesBlockCase(id: string, op: string): BenchCase {
  const key = testBytes(16, 11);
  const block = testBytes(8, 12);
  const dk = expandDesKey(key);
  const out = new Uint8Array(8);
  const want = desEncryptBlock(dk, block);
  const ctx = createCipheriv('des-ede', key, null);
  ctx.setAutoPadding(false);
  // forge's 3DES wants 24 bytes: a two-key key goes in as K1‖K2‖K1.
  const fc = forge.cipher.createCipher('3DES-ECB', forge.util.createBuffer(bin(concatBytes(key, key.subarray(0, 8)))));
  const blockBin = bin(block);
  const rows = [
    { impl: 'ssc3', run: () => desEncryptBlock(dk, block, out) },
    { impl: NODE_REUSED, run: () => ctx.update(block) },
    {
      impl: FORGE,
      run: () => {
        fc.start();
        fc.update(forge.util.createBuffer(blockBin));
        finishUnpadded(fc);
        return fc.output.getBytes();
      },
    },
  ];
  return {
    id,
    op,
    bytes: 8,
    rows: rows.map((r) => ({
      ...r,
      check: () => {
        const got = r.run();
        expectSame(r.impl, typeof got === 'string' ? unbin(got) : (got as Uint8Array), want);
      },
    })),
  };
}

/**
 * ISO/IEC 9797-1 MAC algorithm 1 with single DES, padding method 2, ICV 0, over `len` bytes: the
 * purse MAC. The peers pad (0x80 then zeros) and take the last CBC block, per call.
 */
export function desMacCase(id: string, op: string, len: number): BenchCase {
  const key = testBytes(8, 13);
  const data = testBytes(len, 14);
  const dk = expandDesKey(key);
  const want = mac9797Alg1(dk, data, { padding: 'm2' });
  const pad = new Uint8Array(8 - (len % 8));
  pad[0] = 0x80;
  const padBin = bin(pad);
  const dataBin = bin(data);
  const zeroIv = new Uint8Array(8);
  const zeroIvBin = bin(zeroIv);
  const kk = concatBytes(key, key);
  const fc = forge.cipher.createCipher('DES-CBC', forge.util.createBuffer(bin(key)));
  const rows = [
    { impl: 'ssc3', run: () => mac9797Alg1(dk, data, { padding: 'm2' }) },
    {
      impl: FORGE,
      run: () => {
        fc.start({ iv: zeroIvBin });
        fc.update(forge.util.createBuffer(dataBin + padBin));
        finishUnpadded(fc);
        return fc.output.getBytes().slice(-8);
      },
    },
    {
      impl: NODE_EDE_KK,
      run: () => {
        const c = createCipheriv('des-ede-cbc', kk, zeroIv);
        c.setAutoPadding(false);
        const ct = c.update(Buffer.concat([data, pad]));
        c.final();
        return ct.subarray(-8);
      },
    },
  ];
  return {
    id,
    op,
    bytes: len,
    rows: rows.map((r) => ({
      ...r,
      check: () => {
        const got = r.run();
        expectSame(r.impl, typeof got === 'string' ? unbin(got) : (got as Uint8Array), want);
      },
    })),
  };
}
