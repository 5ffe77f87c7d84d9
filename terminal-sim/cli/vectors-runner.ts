/**
 * Runs the shipped known-answer vectors through the crypto modules, for `ssc3 crypto vectors`:
 * vectors/crypto/sm-standard.json (GB/T 32905 SM3, GM/T 0042 HMAC-SM3, GB/T 32907 SM4,
 * GB/T 32918.5 SM2 annexes) and vectors/purse/purse-3des.json (the PBOC / JT/T 978 3DES purse:
 * session keys by 2-key 3DES-ECB, MACs by ISO/IEC 9797-1 algorithm 1, padding 2, first 4 bytes).
 *
 * Loud by design (STYLE.md, vectors): an unknown algorithm, an unknown vector shape, a missing
 * input, an expected field this runner does not check, or a file that cannot be read is a
 * failure, never a silent skip.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as des from '../../crypto/des.js';
import * as sm2 from '../../crypto/sm2.js';
import { hmacSm3, sm3 } from '../../crypto/sm3.js';
import * as sm4 from '../../crypto/sm4.js';
import { bytesToHex, concatBytes, hexToBytes } from '../../crypto/utils.js';

/** The vector files, relative to the vectors directory, and how their vectors are dispatched. */
export const VECTOR_FILES: readonly { path: string; kind: 'sm' | 'purse' }[] = [
  { path: 'crypto/sm-standard.json', kind: 'sm' },
  { path: 'purse/purse-3des.json', kind: 'purse' },
];

/** The outcome of one vector (or of a file that could not be loaded, `id` then being its path). */
export interface VectorResult {
  id: string;
  ok: boolean;
  /** What differed, or what went wrong; only when !ok. */
  detail?: string;
}

type Json = Record<string, unknown>;

/**
 * Collects the differences of one vector. `exp()` marks an expected field as checked, so that
 * fields no check consumed can be reported at the end.
 */
class Check {
  readonly diffs: string[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly inputs: Json,
    private readonly expected: Json,
  ) {}

  /** Input `name` as bytes. @throws TypeError / RangeError when missing or not hex. */
  in(name: string): Uint8Array {
    return hexToBytes(this.inputs[name] as string, `inputs.${name}`);
  }

  /** Input `name` as a positive integer. @throws TypeError when missing or not one. */
  int(name: string): number {
    const v = this.inputs[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new TypeError(`"inputs.${name}" expected a positive integer`);
    return v;
  }

  has(name: string): boolean {
    return this.expected[name] !== undefined;
  }

  /** Expected field `name` (lower-case hex). @throws TypeError when missing or not a string. */
  exp(name: string): string {
    const v = this.expected[name];
    if (typeof v !== 'string') throw new TypeError(`"expected.${name}" expected a hex string`);
    this.seen.add(name);
    return v.toLowerCase();
  }

  /** Compares `got` with the expected field `name`. */
  eq(name: string, got: Uint8Array): void {
    this.same(name, got, this.exp(name));
  }

  /** Compares `got` with a value derived from expected fields, under the label `what`. */
  same(what: string, got: Uint8Array, want: string): void {
    const g = bytesToHex(got);
    if (g !== want) this.diffs.push(`${what} expected ${want}, got ${g}`);
  }

  /** Records a failed boolean check. */
  ok(what: string, cond: boolean): void {
    if (!cond) this.diffs.push(what);
  }

  /** Reports expected fields that no check consumed, except those in `unreachable`. */
  unchecked(unreachable: readonly string[] = []): void {
    for (const name of Object.keys(this.expected)) {
      if (!this.seen.has(name) && !unreachable.includes(name)) this.diffs.push(`expected.${name} is not checked by this runner`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// sm-standard.json: { vectors: [{ id, algorithm, inputs, expected }] }

const SM_ALGORITHMS: Record<string, (c: Check) => void> = {
  SM3: (c) => c.eq('digest', sm3(c.in('msg'))),

  'HMAC-SM3': (c) => c.eq('mac', hmacSm3(c.in('key'), c.in('msg'))),

  'SM4-ECB': (c) => {
    const key = c.in('key');
    const pt = c.in('plaintext');
    c.eq('ciphertext', sm4.ecbEncrypt(key, pt));
    c.same('decrypt(ciphertext)', sm4.ecbDecrypt(key, hexToBytes(c.exp('ciphertext'))), bytesToHex(pt));
  },

  'SM4-CBC': (c) => {
    const key = c.in('key');
    const iv = c.in('iv');
    const pt = c.in('plaintext');
    c.eq('ciphertext', sm4.cbcEncrypt(key, iv, pt));
    c.same('decrypt(ciphertext)', sm4.cbcDecrypt(key, iv, hexToBytes(c.exp('ciphertext'))), bytesToHex(pt));
  },

  // GB/T 32907 Example 2: the block encrypted n times under one key (≈0.3 s for 10^6).
  'SM4-ECB-ITERATED': (c) => {
    const key = sm4.expandKey(c.in('key'));
    const n = c.int('iterations');
    let block = c.in('plaintext');
    for (let i = 0; i < n; i++) block = sm4.ecbEncrypt(key, block);
    key.wipe();
    c.eq('ciphertext', block);
  },

  'SM2-PUBKEY': (c) => c.eq('public_key', sm2.getPublicKey(c.in('d'))),

  'SM2-ZA': (c) => c.eq('za', sm2.za(c.in('public_key'), c.in('id'))),

  'SM2-E': (c) => c.eq('e', sm3(concatBytes(sm2.za(c.in('public_key'), c.in('id')), c.in('msg')))),

  'SM2-SIGN': (c) => {
    const d = c.in('d');
    const pub = c.in('public_key');
    const userId = c.in('id');
    const msg = c.in('msg');
    c.same('public key of d', sm2.getPublicKey(d), bytesToHex(pub));
    const want = c.exp('r') + c.exp('s');
    const sig = sm2.sign(msg, d, { userId, k: c.in('k') });
    c.same('r‖s', sig, want);
    if (c.has('der')) {
      c.eq('der', sm2.signatureToDer(sig));
      c.same('signatureFromDer(der)', sm2.signatureFromDer(hexToBytes(c.exp('der'))), want);
    }
    c.ok('verify(expected r‖s) returned false', sm2.verify(hexToBytes(want), msg, pub, { userId }));
  },

  'SM2-ENCRYPT': (c) => {
    const d = c.in('d');
    const pub = c.in('public_key');
    const msg = c.in('msg');
    const k = c.in('k');
    c.same('public key of d', sm2.getPublicKey(d), bytesToHex(pub));
    const c1c3c2 = sm2.encrypt(pub, msg, { k, mode: 'c1c3c2' });
    c.eq('c1c3c2', c1c3c2);
    c.eq('c1c2c3', sm2.encrypt(pub, msg, { k, mode: 'c1c2c3' }));
    if (c.has('c1')) c.eq('c1', c1c3c2.subarray(0, 65));
    if (c.has('c3')) c.eq('c3', c1c3c2.subarray(65, 97));
    if (c.has('c2')) c.eq('c2', c1c3c2.subarray(97));
    const pt = bytesToHex(msg);
    c.same('decrypt(c1c3c2)', sm2.decrypt(d, hexToBytes(c.exp('c1c3c2')), { mode: 'c1c3c2' }), pt);
    c.same('decrypt(c1c2c3)', sm2.decrypt(d, hexToBytes(c.exp('c1c2c3')), { mode: 'c1c2c3' }), pt);
    if (c.has('der_gmt0009')) c.eq('der_gmt0009', sm2.ciphertextToDer(c1c3c2));
  },

  'SM2-KEYEXCHANGE': (c) => {
    const keyLen = c.int('klen_bytes');
    const common = { keyLen };
    const a = sm2.keyExchange({
      ...common,
      role: 'initiator',
      privateKey: c.in('dA'),
      ephemeral: { privateKey: c.in('rA'), publicKey: c.in('RA') },
      peerPublicKey: c.in('PB'),
      peerEphemeralPublicKey: c.in('RB'),
      userId: c.in('idA'),
      peerUserId: c.in('idB'),
    });
    const b = sm2.keyExchange({
      ...common,
      role: 'responder',
      privateKey: c.in('dB'),
      ephemeral: { privateKey: c.in('rB'), publicKey: c.in('RB') },
      peerPublicKey: c.in('PA'),
      peerEphemeralPublicKey: c.in('RA'),
      userId: c.in('idB'),
      peerUserId: c.in('idA'),
    });
    c.eq('K', a.key);
    c.same('K (responder)', b.key, c.exp('K'));
    if (c.has('ZA')) c.eq('ZA', sm2.za(c.in('PA'), c.in('idA')));
    if (c.has('ZB')) c.eq('ZB', sm2.za(c.in('PB'), c.in('idB')));
    c.eq('SB', b.confirmation);
    c.eq('SA', a.confirmation);
    c.ok('initiator rejected S_B', a.checkPeerConfirmation(b.confirmation));
    c.ok('responder rejected S_A', b.checkPeerConfirmation(a.confirmation));
  },
};

// Expected fields no public API reaches. The key exchange's shared point U stays inside
// crypto/sm2.ts; K, S_A and S_B, which are checked, are all derived from it.
const UNREACHABLE: Record<string, readonly string[]> = { 'SM2-KEYEXCHANGE': ['xU', 'yU'] };

function runSmVector(v: Json): string[] {
  const algorithm = v.algorithm;
  const handler = typeof algorithm === 'string' && Object.hasOwn(SM_ALGORITHMS, algorithm) ? SM_ALGORITHMS[algorithm] : undefined;
  if (handler === undefined) return [`unknown algorithm ${JSON.stringify(algorithm)}`];
  const c = new Check(objectOr(v.inputs), objectOr(v.expected));
  handler(c);
  c.unchecked(UNREACHABLE[algorithm as string] ?? []);
  return c.diffs;
}

// ---------------------------------------------------------------------------------------------
// purse-3des.json: { vectors: [{ id, cardLoadKey | cardPurchaseKey, input, expected.sessionKey }
//                               | { id, sessionKey, data, expected.mac }] }

function runPurseVector(v: Json): string[] {
  const top = (name: string): Uint8Array => hexToBytes(v[name] as string, name);
  const c = new Check({}, objectOr(v.expected));
  const cardKeyField = v.cardLoadKey !== undefined ? 'cardLoadKey' : v.cardPurchaseKey !== undefined ? 'cardPurchaseKey' : undefined;
  if (cardKeyField !== undefined && v.input !== undefined && c.has('sessionKey')) {
    // Session key: 2-key 3DES-ECB of the 8-byte input under the 16-byte card key.
    c.eq('sessionKey', des.ecbEncrypt(top(cardKeyField), top('input')));
  } else if (v.sessionKey !== undefined && v.data !== undefined && c.has('mac')) {
    // MAC: single-DES CBC-MAC under the session key, ICV 0, padding method 2, first 4 bytes.
    c.eq('mac', des.mac9797Alg1(top('sessionKey'), top('data'), { padding: 'm2' }).subarray(0, 4));
  } else {
    return [`unknown purse vector shape (fields: ${Object.keys(v).join(', ')})`];
  }
  c.unchecked();
  return c.diffs;
}

// ---------------------------------------------------------------------------------------------

function objectOr(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * Runs every vector of every file in {@link VECTOR_FILES} under `dir`, calling `onResult` once
 * per vector as it finishes (and once per file that cannot be loaded).
 * @returns the counts.
 */
export function runVectors(dir: string, onResult: (r: VectorResult) => void): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  const report = (r: VectorResult): void => {
    if (r.ok) passed++;
    else failed++;
    onResult(r);
  };
  for (const file of VECTOR_FILES) {
    let vectors: unknown[];
    try {
      const parsed = JSON.parse(readFileSync(join(dir, file.path), 'utf8')) as unknown;
      const list = objectOr(parsed).vectors;
      if (!Array.isArray(list)) throw new Error('no "vectors" array');
      if (list.length === 0) throw new Error('"vectors" is empty');
      vectors = list;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      report({ id: file.path, ok: false, detail: `cannot load: ${code ?? errorText(e)}` });
      continue;
    }
    vectors.forEach((raw, i) => {
      const v = objectOr(raw);
      const id = typeof v.id === 'string' && v.id !== '' ? v.id : `${file.path}#${i}`;
      let diffs: string[];
      try {
        diffs = file.kind === 'sm' ? runSmVector(v) : runPurseVector(v);
      } catch (e) {
        diffs = [`threw ${errorText(e)}`];
      }
      report(diffs.length === 0 ? { id, ok: true } : { id, ok: false, detail: diffs.join('; ') });
    });
  }
  return { passed, failed };
}
