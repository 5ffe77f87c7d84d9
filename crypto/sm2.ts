/**
 * SM2 public-key cryptography over the recommended curve sm2p256v1:
 * digital signatures (GB/T 32918.2-2016 §6–7) with Z_A (GB/T 32918.2 §5.5), public-key
 * encryption (GB/T 32918.4-2016 §6–7) in both C1‖C3‖C2 (current) and C1‖C2‖C3 (2010 draft /
 * GM/T 0003-2012) orders, key exchange with confirmation (GB/T 32918.3-2016 §6), and the DER
 * forms of GM/T 0009-2012 §7 (signature SEQUENCE { r, s }; ciphertext SEQUENCE { x, y, C3, C2 }).
 *
 * Keys: private 32 bytes (d in [1, n−2], so that 1 + d is invertible, GB/T 32918.1 §6.1),
 * public 65 bytes 04‖X‖Y (33-byte compressed 02/03‖X accepted on input). Hash inputs use SM3.
 * Point arithmetic: see _sm2-curve.ts (why it is not noble's engine, and what "constant time"
 * means here).
 */
import { DER } from '@noble/curves/abstract/weierstrass.js';
import { batchToAffine, gComb, mulBase, mulSecret, mulUnsafe, isOnCurve, sqrtModP, toAffine, invert, mod, Comb, N, P, A, B, GX, GY } from './_sm2-curve.js';
import type { Affine } from './_sm2-curve.js';
import { kdf, sm3 } from './sm3.js';
import { abytes, aoneOf, bigIntToBytes, bytesToBigInt, bytesToHex, concatBytes, equalBytes, hexToBytes, isBytes, utf8ToBytes } from './utils.js';

/** The default user ID of GM/T 0009-2012 §10: "1234567812345678". */
export const DEFAULT_USER_ID: Uint8Array = utf8ToBytes('1234567812345678');

/** Curve parameters, for callers that need them (GB/T 32918.5 §3). */
export const CURVE = Object.freeze({ p: P, a: A, b: B, n: N, h: 1n, Gx: GX, Gy: GY });

/** A source of random bytes; defaults to the platform CSPRNG. Engine code injects a seeded one. */
export type RandomBytes = (len: number) => Uint8Array;

const defaultRandom: RandomBytes = (len) => globalThis.crypto.getRandomValues(new Uint8Array(len));

export type CipherMode = 'c1c3c2' | 'c1c2c3';
const MODES: readonly CipherMode[] = ['c1c3c2', 'c1c2c3'];

/** A user ID given as bytes or as a UTF-8 string. */
export type UserId = Uint8Array | string;

function userIdBytes(id: UserId | undefined): Uint8Array {
  if (id === undefined) return DEFAULT_USER_ID;
  if (typeof id === 'string') return utf8ToBytes(id);
  return abytes('userId', id);
}

/** A random scalar in [1, max] from 40 random bytes (bias below 2^-64, FIPS 186-5 A.2.1 style). */
function randomScalar(rng: RandomBytes, max: bigint): bigint {
  const bytes = rng(40);
  abytes('random bytes', bytes, 40);
  return mod(bytesToBigInt(bytes), max) + 1n;
}

function privateScalar(priv: Uint8Array, name = 'privateKey'): bigint {
  abytes(name, priv, 32);
  const d = bytesToBigInt(priv);
  if (d < 1n || d > N - 2n) throw new RangeError(`"${name}" expected a scalar in [1, n-2]`);
  return d;
}

/**
 * A fresh random private key: 32 bytes, d in [1, n−2].
 * @param rng optional source of random bytes (tests and the card engine inject a seeded one).
 */
export function randomPrivateKey(rng: RandomBytes = defaultRandom): Uint8Array {
  return bigIntToBytes(randomScalar(rng, N - 2n), 32);
}

function encodePoint(p: Affine): Uint8Array {
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(bigIntToBytes(p.x, 32), 1);
  out.set(bigIntToBytes(p.y, 32), 33);
  return out;
}

/**
 * Decodes and validates a public point (GB/T 32918.1 §6.2.1: coordinates in F_p, on the curve,
 * not infinity; the cofactor is 1, so no subgroup check is needed).
 * @throws RangeError naming the argument when it is not a valid point.
 */
export function decodePoint(bytes: Uint8Array, name = 'publicKey'): Affine {
  abytes(name, bytes, 65, 33);
  const x = bytesToBigInt(bytes.subarray(1, 33));
  if (bytes.length === 65) {
    if (bytes[0] !== 4) throw new RangeError(`"${name}" uncompressed point must start with 04, got ${bytes[0].toString(16).padStart(2, '0')}`);
    const y = bytesToBigInt(bytes.subarray(33));
    if (!isOnCurve(x, y)) throw new RangeError(`"${name}" is not a point on the SM2 curve`);
    return { x, y };
  }
  if (bytes[0] !== 2 && bytes[0] !== 3) throw new RangeError(`"${name}" compressed point must start with 02 or 03, got ${bytes[0].toString(16).padStart(2, '0')}`);
  if (x >= P) throw new RangeError(`"${name}" is not a point on the SM2 curve`);
  let y = sqrtModP((((x * x) % P) * x + A * x + B) % P);
  if (y === undefined) throw new RangeError(`"${name}" is not a point on the SM2 curve`);
  if ((y & 1n) !== BigInt(bytes[0] & 1)) y = P - y;
  return { x, y };
}

/**
 * The public key of `privateKey`: 65 bytes 04‖X‖Y.
 * @throws RangeError when the private key is not a scalar in [1, n−2].
 */
export function getPublicKey(privateKey: Uint8Array): Uint8Array {
  return encodePoint(toAffine(mulBase(privateScalar(privateKey)))!);
}

/** Compressed form 02/03‖X of a public key. */
export function compressPublicKey(publicKey: Uint8Array): Uint8Array {
  const p = decodePoint(publicKey);
  const out = new Uint8Array(33);
  out[0] = 2 | Number(p.y & 1n);
  out.set(bigIntToBytes(p.x, 32), 1);
  return out;
}

/** True when `publicKey` decodes to a valid point of the curve. */
export function isValidPublicKey(publicKey: Uint8Array): boolean {
  try {
    decodePoint(publicKey);
    return true;
  } catch {
    return false;
  }
}

const ZA_CONST = concatBytes(bigIntToBytes(A, 32), bigIntToBytes(B, 32), bigIntToBytes(GX, 32), bigIntToBytes(GY, 32));

function zaOfPoint(p: Affine, id: Uint8Array): Uint8Array {
  const bits = id.length * 8;
  if (bits > 0xffff) throw new RangeError(`"userId" expected at most 8191 bytes, got length=${id.length}`);
  const h = sm3.create();
  h.update(new Uint8Array([bits >> 8, bits & 0xff]));
  h.update(id);
  h.update(ZA_CONST);
  h.update(bigIntToBytes(p.x, 32));
  h.update(bigIntToBytes(p.y, 32));
  return h.digest();
}

/**
 * Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2 §5.5). 32 bytes.
 * @param userId default "1234567812345678".
 * @throws RangeError for an invalid public key or a user ID over 8191 bytes.
 */
export function za(publicKey: Uint8Array | Sm2PublicKey, userId?: UserId): Uint8Array {
  if (publicKey instanceof Sm2PublicKey) return publicKey.za(userId);
  return zaOfPoint(decodePoint(publicKey), userIdBytes(userId));
}

/**
 * A public key prepared for repeated verification: the decoded point, a comb table over it
 * (verification then needs no doubling at all) and Z_A per user ID, cached.
 */
export class Sm2PublicKey {
  readonly point: Affine;
  readonly bytes: Uint8Array;
  private comb: Comb | undefined;
  private readonly zaCache = new Map<string, Uint8Array>();

  /** @throws RangeError when `publicKey` is not a valid point. */
  constructor(publicKey: Uint8Array, opts: { precompute?: boolean } = {}) {
    this.point = decodePoint(publicKey);
    this.bytes = encodePoint(this.point);
    if (opts.precompute !== false) this.comb = new Comb(this.point, 7);
  }

  /** Z_A for this key (cached per user ID). */
  za(userId?: UserId): Uint8Array {
    const id = userIdBytes(userId);
    const key = bytesToHex(id);
    let z = this.zaCache.get(key);
    if (!z) {
      z = zaOfPoint(this.point, id);
      if (this.zaCache.size < 16) this.zaCache.set(key, z);
    }
    return z.slice();
  }

  /** @internal k·Q for a secret k: the comb's fixed addition sequence when there is one. */
  _mulSecret(k: bigint): ReturnType<typeof mulBase> {
    return this.comb ? this.comb.mul(k) : mulSecret(this.point, k);
  }

  /** @internal acc + t·Q using the comb when there is one. */
  _mulAddUnsafe(t: bigint, acc: ReturnType<typeof mulBase>): ReturnType<typeof mulBase> {
    return this.comb ? this.comb.mulUnsafe(t, acc) : mulUnsafe(this.point, t, acc);
  }
}

/**
 * Prepares a public key that is verified often (a 7-bit comb of ~2 400 affine points, built once in ~20 ms).
 * @throws RangeError when it is not a valid point.
 */
export function precomputePublicKey(publicKey: Uint8Array): Sm2PublicKey {
  return new Sm2PublicKey(publicKey);
}

/**
 * A private key prepared for repeated signing: keeps its public key, (1 + d)⁻¹ mod n and Z_A per
 * user ID, so a signature costs one fixed-base multiplication.
 */
export class Sm2PrivateKey {
  /** @internal */
  readonly _d: bigint;
  /** @internal (1 + d)^-1 mod n */
  readonly _dInv1: bigint;
  readonly publicKey: Sm2PublicKey;

  /** @throws RangeError when it is not a scalar in [1, n−2]. */
  constructor(privateKey: Uint8Array) {
    this._d = privateScalar(privateKey);
    this._dInv1 = invert(1n + this._d, N);
    this.publicKey = new Sm2PublicKey(encodePoint(toAffine(mulBase(this._d))!), { precompute: false });
  }
}

/** Prepares a private key for repeated signing. */
export function preparePrivateKey(privateKey: Uint8Array): Sm2PrivateKey {
  return new Sm2PrivateKey(privateKey);
}

export interface SignOptions {
  /** The signer's ID for Z_A; default "1234567812345678". */
  userId?: UserId;
  /** The signer's public key, when known: saves deriving it from the private key. */
  publicKey?: Uint8Array;
  /** A fixed nonce (32 bytes, in [1, n−1]): for published test vectors only. */
  k?: Uint8Array;
  /** Source of random bytes for the nonce. */
  rng?: RandomBytes;
}

/**
 * SM2 signature of `msg` (GB/T 32918.2 §6.1): e = SM3(Z_A ‖ M), returns 64 bytes r‖s.
 * @throws TypeError / RangeError for bad arguments (key range, k range, public key mismatch is
 * not checked: a wrong `publicKey` option gives a signature that does not verify).
 */
export function sign(msg: Uint8Array, privateKey: Uint8Array | Sm2PrivateKey, opts: SignOptions = {}): Uint8Array {
  abytes('msg', msg);
  let d: bigint;
  let dInv1: bigint;
  let z: Uint8Array;
  if (privateKey instanceof Sm2PrivateKey) {
    d = privateKey._d;
    dInv1 = privateKey._dInv1;
    z = privateKey.publicKey.za(opts.userId);
  } else {
    d = privateScalar(privateKey);
    dInv1 = invert(1n + d, N);
    const pub = opts.publicKey !== undefined ? decodePoint(opts.publicKey, 'publicKey') : toAffine(mulBase(d))!;
    z = zaOfPoint(pub, userIdBytes(opts.userId));
  }
  const e = bytesToBigInt(sm3.create().update(z).update(msg).digest());
  let fixedK: bigint | undefined;
  if (opts.k !== undefined) {
    fixedK = bytesToBigInt(abytes('k', opts.k, 32));
    if (fixedK < 1n || fixedK >= N) throw new RangeError('"k" expected a scalar in [1, n-1]');
  }
  const rng = opts.rng ?? defaultRandom;
  for (;;) {
    const k = fixedK ?? randomScalar(rng, N - 1n);
    const x1 = toAffine(mulBase(k))!.x;
    const r = (e + x1) % N;
    if (r === 0n || r + k === N) {
      if (fixedK !== undefined) throw new RangeError('"k" gives r = 0 or r + k = n; choose another');
      continue;
    }
    const s = (dInv1 * mod(k - r * d, N)) % N;
    if (s === 0n) {
      if (fixedK !== undefined) throw new RangeError('"k" gives s = 0; choose another');
      continue;
    }
    return concatBytes(bigIntToBytes(r, 32), bigIntToBytes(s, 32));
  }
}

export interface VerifyOptions {
  /** The signer's ID for Z_A; default "1234567812345678". */
  userId?: UserId;
}

/**
 * Verifies a 64-byte r‖s signature (GB/T 32918.2 §7.1). Returns false — never throws — for a
 * wrong signature, r or s outside [1, n−1], a signature of the wrong length, or a public key that
 * is not a valid point.
 * @throws TypeError only when `msg` or `signature` is not a Uint8Array.
 */
export function verify(signature: Uint8Array, msg: Uint8Array, publicKey: Uint8Array | Sm2PublicKey, opts: VerifyOptions = {}): boolean {
  abytes('signature', signature);
  abytes('msg', msg);
  if (signature.length !== 64) return false;
  let key: Sm2PublicKey;
  try {
    key = publicKey instanceof Sm2PublicKey ? publicKey : new Sm2PublicKey(publicKey, { precompute: false });
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
  const r = bytesToBigInt(signature.subarray(0, 32));
  const s = bytesToBigInt(signature.subarray(32));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = (r + s) % N;
  if (t === 0n) return false;
  let z: Uint8Array;
  try {
    z = key.za(opts.userId);
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
  const e = bytesToBigInt(sm3.create().update(z).update(msg).digest());
  const sum = key._mulAddUnsafe(t, gComb().mulUnsafe(s));
  const pt = toAffine(sum);
  if (!pt) return false;
  return (e + pt.x) % N === r;
}

/**
 * DER form (GM/T 0009-2012 §7.3: SEQUENCE { r INTEGER, s INTEGER }) of a 64-byte r‖s signature.
 * @throws RangeError when the signature is not 64 bytes or r or s is zero.
 */
export function signatureToDer(signature: Uint8Array): Uint8Array {
  abytes('signature', signature, 64);
  const r = bytesToBigInt(signature.subarray(0, 32));
  const s = bytesToBigInt(signature.subarray(32));
  if (r === 0n || s === 0n) throw new RangeError('"signature" has r = 0 or s = 0');
  return hexToBytes(DER.hexFromSig({ r, s }));
}

/**
 * 64-byte r‖s from a strict DER signature.
 * @throws RangeError for malformed DER, trailing bytes, or r or s not in [1, n−1].
 */
export function signatureFromDer(der: Uint8Array): Uint8Array {
  abytes('der', der);
  let sig: { r: bigint; s: bigint };
  try {
    sig = DER.toSig(der);
  } catch (e) {
    throw new RangeError(`"der" is not a DER SM2 signature: ${(e as Error).message}`);
  }
  if (sig.r < 1n || sig.r >= N || sig.s < 1n || sig.s >= N) throw new RangeError('"der" has r or s outside [1, n-1]');
  return concatBytes(bigIntToBytes(sig.r, 32), bigIntToBytes(sig.s, 32));
}

export interface EncryptOptions {
  /** Output order; default 'c1c3c2' (GB/T 32918.4-2016). */
  mode?: CipherMode;
  /** A fixed ephemeral scalar (32 bytes): for published test vectors only. */
  k?: Uint8Array;
  rng?: RandomBytes;
}

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i];
  return acc === 0;
}

function xorInto(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/**
 * SM2 public-key encryption (GB/T 32918.4 §6.1). C1 is 04‖X‖Y (65 bytes), C3 = SM3(x2 ‖ M ‖ y2)
 * (32 bytes), C2 = M ⊕ KDF(x2 ‖ y2). Returns C1‖C3‖C2 or C1‖C2‖C3 by `mode`.
 * @throws RangeError for an invalid public key, an empty message or a bad `k`.
 */
export function encrypt(publicKey: Uint8Array | Sm2PublicKey, msg: Uint8Array, opts: EncryptOptions = {}): Uint8Array {
  const pb = publicKey instanceof Sm2PublicKey ? publicKey.point : decodePoint(publicKey);
  abytes('msg', msg);
  if (msg.length === 0) throw new RangeError('"msg" must not be empty (GB/T 32918.4 needs klen > 0)');
  const mode = aoneOf('mode', opts.mode ?? 'c1c3c2', MODES);
  let fixedK: bigint | undefined;
  if (opts.k !== undefined) {
    fixedK = bytesToBigInt(abytes('k', opts.k, 32));
    if (fixedK < 1n || fixedK >= N) throw new RangeError('"k" expected a scalar in [1, n-1]');
  }
  const rng = opts.rng ?? defaultRandom;
  for (;;) {
    const k = fixedK ?? randomScalar(rng, N - 1n);
    // One inversion for both points (Montgomery's trick); neither can be infinity: k ∈ [1, n−1]
    // and P_B is a valid point of prime order n.
    const shared = publicKey instanceof Sm2PublicKey ? publicKey._mulSecret(k) : mulSecret(pb, k);
    const [c1Point, s2] = batchToAffine([mulBase(k), shared]);
    const c1 = encodePoint(c1Point);
    const x2 = bigIntToBytes(s2.x, 32);
    const y2 = bigIntToBytes(s2.y, 32);
    const t = kdf(concatBytes(x2, y2), msg.length);
    if (isAllZero(t)) {
      if (fixedK !== undefined) throw new RangeError('"k" gives an all-zero key stream; choose another');
      continue;
    }
    const c2 = xorInto(msg, t);
    const c3 = sm3.create().update(x2).update(msg).update(y2).digest();
    t.fill(0);
    return mode === 'c1c3c2' ? concatBytes(c1, c3, c2) : concatBytes(c1, c2, c3);
  }
}

export interface DecryptOptions {
  /** Input order; default 'c1c3c2'. */
  mode?: CipherMode;
}

/** Thrown when a ciphertext is malformed or its C3 does not match: the plaintext is withheld. */
export class Sm2DecryptError extends Error {
  override name = 'Sm2DecryptError';
}

/**
 * SM2 decryption (GB/T 32918.4 §7.1). Checks that C1 is on the curve and that C3 matches before
 * returning anything: never returns a wrong plaintext.
 * @throws Sm2DecryptError for a truncated ciphertext, C1 off the curve, or a C3 mismatch;
 * TypeError / RangeError for a bad private key or mode.
 */
export function decrypt(privateKey: Uint8Array | Sm2PrivateKey, ciphertext: Uint8Array, opts: DecryptOptions = {}): Uint8Array {
  const d = privateKey instanceof Sm2PrivateKey ? privateKey._d : privateScalar(privateKey);
  abytes('ciphertext', ciphertext);
  const mode = aoneOf('mode', opts.mode ?? 'c1c3c2', MODES);
  if (ciphertext.length < 65 + 32 + 1) throw new Sm2DecryptError(`ciphertext too short: ${ciphertext.length} bytes, need at least 98`);
  let c1: Affine;
  try {
    if (ciphertext[0] !== 4) throw new RangeError('C1 must be uncompressed');
    c1 = decodePoint(ciphertext.subarray(0, 65), 'C1');
  } catch {
    throw new Sm2DecryptError('C1 is not a valid point on the SM2 curve');
  }
  const msgLen = ciphertext.length - 97;
  const c3 = mode === 'c1c3c2' ? ciphertext.subarray(65, 97) : ciphertext.subarray(65 + msgLen);
  const c2 = mode === 'c1c3c2' ? ciphertext.subarray(97) : ciphertext.subarray(65, 65 + msgLen);
  const s2 = toAffine(mulSecret(c1, d));
  if (!s2) throw new Sm2DecryptError('d·C1 is the point at infinity');
  const x2 = bigIntToBytes(s2.x, 32);
  const y2 = bigIntToBytes(s2.y, 32);
  const t = kdf(concatBytes(x2, y2), msgLen);
  if (isAllZero(t)) throw new Sm2DecryptError('all-zero key stream');
  const m = xorInto(c2, t);
  t.fill(0);
  const u = sm3.create().update(x2).update(m).update(y2).digest();
  if (!equalBytes(u, c3)) {
    m.fill(0);
    throw new Sm2DecryptError('C3 does not match: wrong key or tampered ciphertext');
  }
  return m;
}

/**
 * DER form of a ciphertext (GM/T 0009-2012 §7.2: SEQUENCE { XCoordinate INTEGER,
 * YCoordinate INTEGER, HASH OCTET STRING (32), CipherText OCTET STRING }).
 * @throws RangeError for a malformed raw ciphertext.
 */
export function ciphertextToDer(ciphertext: Uint8Array, opts: { mode?: CipherMode } = {}): Uint8Array {
  abytes('ciphertext', ciphertext);
  const mode = aoneOf('mode', opts.mode ?? 'c1c3c2', MODES);
  if (ciphertext.length < 98 || ciphertext[0] !== 4) throw new RangeError('"ciphertext" expected C1 (04‖X‖Y), C3 and a non-empty C2');
  const msgLen = ciphertext.length - 97;
  const c3 = mode === 'c1c3c2' ? ciphertext.subarray(65, 97) : ciphertext.subarray(65 + msgLen);
  const c2 = mode === 'c1c3c2' ? ciphertext.subarray(97) : ciphertext.subarray(65, 65 + msgLen);
  const { _tlv: tlv, _int: int } = DER;
  const body =
    tlv.encode(0x02, int.encode(bytesToBigInt(ciphertext.subarray(1, 33)))) +
    tlv.encode(0x02, int.encode(bytesToBigInt(ciphertext.subarray(33, 65)))) +
    tlv.encode(0x04, bytesToHex(c3)) +
    tlv.encode(0x04, bytesToHex(c2));
  return hexToBytes(tlv.encode(0x30, body));
}

/**
 * Raw ciphertext from its GM/T 0009 DER form, in the order `mode`.
 * @throws RangeError for malformed DER, trailing bytes, a C3 that is not 32 bytes or an empty C2.
 */
export function ciphertextFromDer(der: Uint8Array, opts: { mode?: CipherMode } = {}): Uint8Array {
  abytes('der', der);
  const mode = aoneOf('mode', opts.mode ?? 'c1c3c2', MODES);
  const { _tlv: tlv, _int: int } = DER;
  try {
    const seq = tlv.decode(0x30, der);
    if (seq.l.length) throw new Error('trailing bytes after the SEQUENCE');
    const xs = tlv.decode(0x02, seq.v);
    const ys = tlv.decode(0x02, xs.l);
    const h = tlv.decode(0x04, ys.l);
    const c = tlv.decode(0x04, h.l);
    if (c.l.length) throw new Error('trailing bytes inside the SEQUENCE');
    if (h.v.length !== 32) throw new Error(`HASH must be 32 bytes, got ${h.v.length}`);
    if (c.v.length === 0) throw new Error('CipherText is empty');
    const x = int.decode(xs.v);
    const y = int.decode(ys.v);
    if (x >= P || y >= P) throw new Error('coordinate out of range');
    const c1 = concatBytes(new Uint8Array([4]), bigIntToBytes(x, 32), bigIntToBytes(y, 32));
    return mode === 'c1c3c2' ? concatBytes(c1, h.v, c.v) : concatBytes(c1, c.v, h.v);
  } catch (e) {
    throw new RangeError(`"der" is not a GM/T 0009 SM2 ciphertext: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Key exchange, GB/T 32918.3-2016 §6.1

export interface KeyExchangeEphemeral {
  /** r: keep secret, use once. */
  privateKey: Uint8Array;
  /** R = r·G, sent to the peer. */
  publicKey: Uint8Array;
}

/** A fresh ephemeral key pair (r, R = r·G) for one key exchange (steps A1–A3 / B1–B3). */
export function keyExchangeEphemeral(rng: RandomBytes = defaultRandom): KeyExchangeEphemeral {
  const r = randomScalar(rng, N - 1n);
  return { privateKey: bigIntToBytes(r, 32), publicKey: encodePoint(toAffine(mulBase(r))!) };
}

export interface KeyExchangeParams {
  /** 'initiator' is user A, 'responder' user B, as in GB/T 32918.3. */
  role: 'initiator' | 'responder';
  privateKey: Uint8Array;
  ephemeral: KeyExchangeEphemeral;
  peerPublicKey: Uint8Array;
  peerEphemeralPublicKey: Uint8Array;
  /** Own ID; default "1234567812345678". */
  userId?: UserId;
  /** Peer's ID; default "1234567812345678". */
  peerUserId?: UserId;
  /** Length of the shared key in bytes. */
  keyLen: number;
}

export interface KeyExchangeResult {
  /** The shared key K (keyLen bytes). */
  key: Uint8Array;
  /** The confirmation this party sends: S_B for the responder, S_A for the initiator. */
  confirmation: Uint8Array;
  /** The confirmation expected from the peer: S_B (= S_1) for the initiator, S_A (= S_2) for the responder. */
  expectedPeerConfirmation: Uint8Array;
  /** Constant-time check of the peer's confirmation. */
  checkPeerConfirmation(s: Uint8Array): boolean;
}

/** x̄ = 2^w + (x AND (2^w − 1)), w = ⌈⌈log2 n⌉ / 2⌉ − 1 = 127 (GB/T 32918.3 §6.1 A4). */
function xBar(x: bigint): bigint {
  const w = 127n;
  return (1n << w) + (x & ((1n << w) - 1n));
}

/**
 * Computes the shared key and the confirmation values of GB/T 32918.3 §6.1 for either role.
 * @throws RangeError for invalid keys, an ephemeral key that does not match, a peer's R off the
 * curve (step A6 / B5 "verify R on the curve") or a shared point at infinity.
 */
export function keyExchange(params: KeyExchangeParams): KeyExchangeResult {
  const role = aoneOf('role', params.role, ['initiator', 'responder'] as const);
  const d = privateScalar(params.privateKey);
  const r = bytesToBigInt(abytes('ephemeral.privateKey', params.ephemeral?.privateKey, 32));
  if (r < 1n || r >= N) throw new RangeError('"ephemeral.privateKey" expected a scalar in [1, n-1]');
  const ownR = decodePoint(params.ephemeral.publicKey, 'ephemeral.publicKey');
  const rG = toAffine(mulBase(r))!;
  if (rG.x !== ownR.x || rG.y !== ownR.y) throw new RangeError('"ephemeral.publicKey" does not match "ephemeral.privateKey" (R must be r·G)');
  const ownP = toAffine(mulBase(d))!;
  const peerP = decodePoint(params.peerPublicKey, 'peerPublicKey');
  const peerR = decodePoint(params.peerEphemeralPublicKey, 'peerEphemeralPublicKey');
  const keyLen = params.keyLen;
  if (!Number.isSafeInteger(keyLen) || keyLen < 1) throw new RangeError(`"keyLen" expected a positive integer, got ${String(keyLen)}`);

  const t = (d + xBar(ownR.x) * r) % N;
  // U = [h·t](P_peer + [x̄_peer]R_peer); h = 1
  const sum = mulUnsafe(peerR, xBar(peerR.x), { x: peerP.x, y: peerP.y, z: 1n });
  const sumA = toAffine(sum);
  if (!sumA) throw new RangeError('key exchange: P + x̄·R is the point at infinity');
  const u = toAffine(mulSecret(sumA, t));
  if (!u) throw new RangeError('key exchange: shared point is the point at infinity');

  const ownZ = zaOfPoint(ownP, userIdBytes(params.userId));
  const peerZ = zaOfPoint(peerP, userIdBytes(params.peerUserId));
  const [zA, zB] = role === 'initiator' ? [ownZ, peerZ] : [peerZ, ownZ];
  const [rA, rB] = role === 'initiator' ? [ownR, peerR] : [peerR, ownR];
  const xu = bigIntToBytes(u.x, 32);
  const yu = bigIntToBytes(u.y, 32);
  const key = kdf(concatBytes(xu, yu, zA, zB), keyLen);
  const inner = sm3(concatBytes(xu, zA, zB, bigIntToBytes(rA.x, 32), bigIntToBytes(rA.y, 32), bigIntToBytes(rB.x, 32), bigIntToBytes(rB.y, 32)));
  const s02 = sm3(concatBytes(new Uint8Array([2]), yu, inner)); // S_B = S_1
  const s03 = sm3(concatBytes(new Uint8Array([3]), yu, inner)); // S_A = S_2
  const [confirmation, expected] = role === 'initiator' ? [s03, s02] : [s02, s03];
  return {
    key,
    confirmation,
    expectedPeerConfirmation: expected,
    checkPeerConfirmation: (s: Uint8Array) => isBytes(s) && equalBytes(s, expected),
  };
}
