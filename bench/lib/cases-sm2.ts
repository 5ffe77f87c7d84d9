// SM2 cases (sign with Z_A, verify, encrypt, decrypt in C1C3C2) against sm-crypto-v2 and sm-crypto.
// The peers take hex keys and return hex; sm-crypto-v2 can also precompute a public key, which it
// is given wherever it accepts one. Signatures and ciphertexts are randomised, so the checks
// cross-verify (a peer's signature must verify with ssc3 and ssc3's with the peer) instead of
// comparing bytes.
import { smCrypto } from './sm-crypto.js';
import { sm2 as v2 } from 'sm-crypto-v2';
import { decrypt, encrypt, getPublicKey, precomputePublicKey, preparePrivateKey, sign, verify } from '../../crypto/sm2.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';
import { expectSame, expectTrue, testBytes, type BenchCase, type Row } from './case.js';
import { V1, V2 } from './cases-sm3-sm4.js';

export const V2_PRECOMPUTED = 'sm-crypto-v2 (precomputed key)';

// The private key of GB/T 32918.2-2016 Appendix A's signature example; any valid key would do.
const PRIV_HEX = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8';
const PRIV = hexToBytes(PRIV_HEX);
const PUB = getPublicKey(PRIV);
/** 04‖X‖Y, as both peers take it. */
const PUB_HEX = bytesToHex(PUB);

/** sm-crypto(-v2) write C1 as X‖Y without the 04 prefix. */
const fromPeerCiphertext = (hex: string): Uint8Array => hexToBytes(`04${hex}`);
const toPeerCiphertext = (ct: Uint8Array): string => bytesToHex(ct).slice(2);

function row(impl: string, run: () => unknown, check: (out: unknown) => void): Row {
  return { impl, run, check: () => check(run()) };
}

/** Flips one bit of a copy. */
function tampered(b: Uint8Array): Uint8Array {
  const t = b.slice();
  t[t.length - 1] ^= 1;
  return t;
}

export function sm2SignCase(id: string, op: string, msgLen: number): BenchCase {
  const msg = testBytes(msgLen, 7);
  const prepared = preparePrivateKey(PRIV);
  const ok = (impl: string) => (sig: unknown) => {
    const bytes = typeof sig === 'string' ? hexToBytes(sig) : (sig as Uint8Array);
    expectTrue(verify(bytes, msg, PUB), `${impl}: its signature does not verify with ssc3`);
  };
  const opts = { hash: true, publicKey: PUB_HEX };
  return {
    id,
    op,
    rows: [
      row('ssc3 (prepared key)', () => sign(msg, prepared), ok('ssc3 (prepared key)')),
      row('ssc3 (key bytes + publicKey)', () => sign(msg, PRIV, { publicKey: PUB }), ok('ssc3 (key bytes + publicKey)')),
      row(V2, () => v2.doSignature(msg, PRIV_HEX, opts), ok(V2)),
      row(V1, () => smCrypto.sm2.doSignature(msg, PRIV_HEX, opts), ok(V1)),
    ],
  };
}

/** Verification of one valid signature; the checks also feed a forged one, which must fail. */
export function sm2VerifyCase(id: string, op: string, msgLen: number, precomputed: boolean): BenchCase {
  const msg = testBytes(msgLen, 8);
  const sig = sign(msg, PRIV);
  const sigHex = bytesToHex(sig);
  const bad = tampered(sig);
  const badHex = bytesToHex(bad);
  const check = (impl: string, f: (s: Uint8Array, h: string) => boolean) => (out: unknown) => {
    expectTrue(out === true, `${impl}: rejects a valid signature`);
    expectTrue(f(bad, badHex) === false, `${impl}: accepts a forged signature`);
  };
  let rows: Row[];
  if (precomputed) {
    const key = precomputePublicKey(PUB);
    const point = v2.precomputePublicKey(PUB_HEX);
    const ours = (s: Uint8Array): boolean => verify(s, msg, key);
    const theirs = (_: Uint8Array, h: string): boolean => v2.doVerifySignature(msg, h, point, { hash: true });
    rows = [
      row('ssc3 (precomputed key)', () => ours(sig), check('ssc3', ours)),
      row(V2_PRECOMPUTED, () => theirs(sig, sigHex), check(V2_PRECOMPUTED, theirs)),
    ];
  } else {
    const ours = (s: Uint8Array): boolean => verify(s, msg, PUB);
    const theirs2 = (_: Uint8Array, h: string): boolean => v2.doVerifySignature(msg, h, PUB_HEX, { hash: true });
    const theirs1 = (_: Uint8Array, h: string): boolean => smCrypto.sm2.doVerifySignature(msg, h, PUB_HEX, { hash: true });
    rows = [
      row('ssc3 (key bytes)', () => ours(sig), check('ssc3', ours)),
      row(V2, () => theirs2(sig, sigHex), check(V2, theirs2)),
      row(V1, () => theirs1(sig, sigHex), check(V1, theirs1)),
    ];
  }
  return { id, op, rows };
}

export function sm2EncryptCase(id: string, op: string, msgLen: number): BenchCase {
  const msg = testBytes(msgLen, 9);
  const key = precomputePublicKey(PUB);
  const point = v2.precomputePublicKey(PUB_HEX);
  const opens = (impl: string) => (ct: unknown) => {
    const bytes = typeof ct === 'string' ? fromPeerCiphertext(ct) : (ct as Uint8Array);
    expectSame(`${impl}: ciphertext decrypted by ssc3`, decrypt(PRIV, bytes), msg);
  };
  return {
    id,
    op,
    rows: [
      row('ssc3 (precomputed key)', () => encrypt(key, msg), opens('ssc3 (precomputed key)')),
      row('ssc3 (key bytes)', () => encrypt(PUB, msg), opens('ssc3 (key bytes)')),
      row(V2_PRECOMPUTED, () => v2.doEncrypt(msg, point, 1), opens(V2_PRECOMPUTED)),
      row(V2, () => v2.doEncrypt(msg, PUB_HEX, 1), opens(V2)),
      row(V1, () => smCrypto.sm2.doEncrypt(msg, PUB_HEX, 1), opens(V1)),
    ],
  };
}

export function sm2DecryptCase(id: string, op: string, msgLen: number): BenchCase {
  const msg = testBytes(msgLen, 10);
  const ct = encrypt(PUB, msg);
  const ctHex = toPeerCiphertext(ct);
  const prepared = preparePrivateKey(PRIV);
  const gives = (impl: string) => (m: unknown) => expectSame(impl, m as Uint8Array | number[], msg);
  return {
    id,
    op,
    rows: [
      row('ssc3 (prepared key)', () => decrypt(prepared, ct), gives('ssc3 (prepared key)')),
      row('ssc3 (key bytes)', () => decrypt(PRIV, ct), gives('ssc3 (key bytes)')),
      row(V2, () => v2.doDecrypt(ctHex, PRIV_HEX, 1, { output: 'array' }), gives(V2)),
      row(V1, () => smCrypto.sm2.doDecrypt(ctHex, PRIV_HEX, 1, { output: 'array' }), gives(V1)),
    ],
  };
}
