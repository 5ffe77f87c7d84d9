import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as sm2 from '../../crypto/sm2.js';
import { sm3 } from '../../crypto/sm3.js';
import { bytesToHex, concatBytes, hexToBytes } from '../../crypto/utils.js';
import { _sharedPointForTest } from './support/sm2-internals.js';

interface Vector {
  id: string;
  algorithm: string;
  inputs: Record<string, string | number>;
  expected: Record<string, string>;
}
const file = JSON.parse(readFileSync(new URL('../../vectors/crypto/sm-standard.json', import.meta.url), 'utf8')) as { vectors: Vector[] };
const sm2Vectors = file.vectors.filter((v) => v.algorithm.startsWith('SM2'));
const h = (s: string | number) => hexToBytes(String(s));

describe('SM2 published vectors (GB/T 32918.5 annexes)', () => {
  it('has the SM2 vectors', () => {
    expect(sm2Vectors.map((v) => v.algorithm).sort()).toEqual(['SM2-E', 'SM2-ENCRYPT', 'SM2-KEYEXCHANGE', 'SM2-PUBKEY', 'SM2-SIGN', 'SM2-ZA']);
  });

  for (const v of sm2Vectors) {
    it(v.id, () => {
      const i = v.inputs;
      const x = v.expected;
      switch (v.algorithm) {
        case 'SM2-PUBKEY':
          expect(bytesToHex(sm2.getPublicKey(h(i.d)))).toBe(x.public_key);
          expect(bytesToHex(sm2.preparePrivateKey(h(i.d)).publicKey.bytes)).toBe(x.public_key);
          break;
        case 'SM2-ZA':
          expect(bytesToHex(sm2.za(h(i.public_key), h(i.id)))).toBe(x.za);
          expect(bytesToHex(sm2.za(sm2.precomputePublicKey(h(i.public_key)), h(i.id)))).toBe(x.za);
          break;
        case 'SM2-E':
          expect(bytesToHex(sm3(concatBytes(sm2.za(h(i.public_key), h(i.id)), h(i.msg))))).toBe(x.e);
          break;
        case 'SM2-SIGN': {
          const sig = sm2.sign(h(i.msg), h(i.d), { userId: h(i.id), k: h(i.k) });
          expect(bytesToHex(sig)).toBe(x.r + x.s);
          const prepared = sm2.sign(h(i.msg), sm2.preparePrivateKey(h(i.d)), { userId: h(i.id), k: h(i.k) });
          expect(bytesToHex(prepared)).toBe(x.r + x.s);
          const withPub = sm2.sign(h(i.msg), h(i.d), { userId: h(i.id), k: h(i.k), publicKey: h(i.public_key) });
          expect(bytesToHex(withPub)).toBe(x.r + x.s);
          expect(bytesToHex(sm2.signatureToDer(sig))).toBe(x.der);
          expect(bytesToHex(sm2.signatureFromDer(h(x.der)))).toBe(x.r + x.s);
          expect(sm2.verify(sig, h(i.msg), h(i.public_key), { userId: h(i.id) })).toBe(true);
          expect(sm2.verify(sig, h(i.msg), sm2.precomputePublicKey(h(i.public_key)), { userId: h(i.id) })).toBe(true);
          // The vector's ID is the default one; under another ID (another Z_A) it must fail.
          expect(sm2.verify(sig, h(i.msg), h(i.public_key))).toBe(true);
          expect(sm2.verify(sig, h(i.msg), h(i.public_key), { userId: 'ALICE123@YAHOO.COM' })).toBe(false);
          break;
        }
        case 'SM2-ENCRYPT': {
          const c1c3c2 = sm2.encrypt(h(i.public_key), h(i.msg), { k: h(i.k) });
          expect(bytesToHex(c1c3c2)).toBe(x.c1c3c2);
          expect(bytesToHex(sm2.encrypt(h(i.public_key), h(i.msg), { k: h(i.k), mode: 'c1c2c3' }))).toBe(x.c1c2c3);
          expect(bytesToHex(sm2.decrypt(h(i.d), h(x.c1c3c2)))).toBe(i.msg);
          expect(bytesToHex(sm2.decrypt(h(i.d), h(x.c1c2c3), { mode: 'c1c2c3' }))).toBe(i.msg);
          expect(bytesToHex(sm2.ciphertextToDer(c1c3c2))).toBe(x.der_gmt0009);
          expect(bytesToHex(sm2.ciphertextFromDer(h(x.der_gmt0009)))).toBe(x.c1c3c2);
          expect(bytesToHex(sm2.ciphertextFromDer(h(x.der_gmt0009), { mode: 'c1c2c3' }))).toBe(x.c1c2c3);
          break;
        }
        case 'SM2-KEYEXCHANGE': {
          const klen = Number(i.klen_bytes);
          const a = sm2.keyExchange({
            role: 'initiator',
            privateKey: h(i.dA),
            ephemeral: { privateKey: h(i.rA), publicKey: h(i.RA) },
            peerPublicKey: h(i.PB),
            peerEphemeralPublicKey: h(i.RB),
            userId: h(i.idA),
            peerUserId: h(i.idB),
            keyLen: klen,
          });
          const b = sm2.keyExchange({
            role: 'responder',
            privateKey: h(i.dB),
            ephemeral: { privateKey: h(i.rB), publicKey: h(i.RB) },
            peerPublicKey: h(i.PA),
            peerEphemeralPublicKey: h(i.RA),
            userId: h(i.idB),
            peerUserId: h(i.idA),
            keyLen: klen,
          });
          expect(bytesToHex(a.key)).toBe(x.K);
          expect(bytesToHex(b.key)).toBe(x.K);
          expect(bytesToHex(b.confirmation)).toBe(x.SB);
          expect(bytesToHex(a.expectedPeerConfirmation)).toBe(x.SB);
          expect(bytesToHex(a.confirmation)).toBe(x.SA);
          expect(bytesToHex(b.expectedPeerConfirmation)).toBe(x.SA);
          expect(a.checkPeerConfirmation(b.confirmation)).toBe(true);
          expect(b.checkPeerConfirmation(a.confirmation)).toBe(true);
          expect(b.checkPeerConfirmation(b.confirmation)).toBe(false);
          expect(bytesToHex(sm2.za(h(i.PA), h(i.idA)))).toBe(x.ZA);
          expect(bytesToHex(sm2.za(h(i.PB), h(i.idB)))).toBe(x.ZB);
          expect(bytesToHex(sm2.getPublicKey(h(i.rA)))).toBe(i.RA);
          expect(bytesToHex(sm2.getPublicKey(h(i.rB)))).toBe(i.RB);
          const u = _sharedPointForTest(h(i.dA), h(i.rA), h(i.RA), h(i.PB), h(i.RB));
          expect(u).toEqual({ x: x.xU, y: x.yU });
          break;
        }
        default:
          throw new Error(`unknown SM2 vector algorithm ${v.algorithm}: add a case`);
      }
    });
  }
});
