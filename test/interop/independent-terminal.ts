/**
 * An independent reference terminal for the JT/T 978 transit purse ("ssc3 profile").
 *
 * Written ONLY from /work/shared/DOMAIN.md (§1 and §3) and the demo issuer keys it lists. It
 * imports nothing from the project: the card is a black box that speaks APDUs
 * (`transmit(apdu) → data ‖ SW1 SW2`). The primitives come from node:crypto ('des-ede' = 2-key
 * 3DES ECB; single DES is 'des-ede' under K‖K; 'sm4-ecb') and node:zlib (crc32).
 *
 * The terminal plays three roles itself:
 *  - the PSAM (§3 "PSAM"): it holds the purchase master key, assigns the terminal sequence
 *    number, computes MAC1 and checks MAC2;
 *  - the issuer host for top-ups (§3 "INITIALIZE FOR LOAD" / "CREDIT FOR LOAD"): it holds the
 *    load master key, checks MAC1 and computes MAC2;
 *  - clearing (§3 "TACs are checked at clearing"): it holds the TAC master key and checks every TAC.
 *
 * Where DOMAIN.md is ambiguous the most literal reading is taken and marked "AMBIGUITY" below.
 */
import { createCipheriv } from 'node:crypto';
import { crc32 } from 'node:zlib';

// ---------------------------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------------------------

/** Strict lower/upper-case hex (spaces allowed, for human-written APDUs) → bytes. */
export function hex(s: string): Uint8Array {
  const t = s.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(t)) throw new RangeError(`"hex" expected an even number of hex digits, got ${JSON.stringify(s)}`);
  return Uint8Array.from(Buffer.from(t, 'hex'));
}

/** Bytes → lower-case hex. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((x, i) => x ^ b[i]);
}

function not(a: Uint8Array): Uint8Array {
  return a.map((x) => x ^ 0xff);
}

/** Big-endian unsigned integer of `len` bytes. */
export function u(n: number, len: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** (8 * len)) throw new RangeError(`"n" expected an integer in [0, 2^${8 * len}), got ${n}`);
  const out = new Uint8Array(len);
  for (let i = len - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

/** Big-endian unsigned integer from bytes. */
export function readU(b: Uint8Array, off = 0, len = b.length - off): number {
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + b[off + i];
  return v;
}

/** Decimal digits → packed BCD ("All integers big-endian; dates BCD", §3 1A record). */
export function bcd(digits: string): Uint8Array {
  if (!/^(\d\d)*$/.test(digits)) throw new RangeError(`"digits" expected an even number of decimal digits, got ${JSON.stringify(digits)}`);
  return hex(digits);
}

/** Compare MACs without early exit (STYLE.md "Bytes"). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

// ---------------------------------------------------------------------------------------------
// Block ciphers and MACs — DOMAIN.md §3 "Purse cryptography"
// ---------------------------------------------------------------------------------------------

function ecb(cipher: 'des-ede' | 'sm4-ecb', key: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(cipher, key, null);
  c.setAutoPadding(false);
  return Uint8Array.from(Buffer.concat([c.update(data), c.final()]));
}

/** 2-key 3DES ECB (EDE). */
export function tdes(key16: Uint8Array, data: Uint8Array): Uint8Array {
  return ecb('des-ede', key16, data);
}

/** Single DES ECB: 3DES with K1 = K2 is DES (OpenSSL 3's default provider has no plain DES). */
export function des(key8: Uint8Array, data: Uint8Array): Uint8Array {
  return ecb('des-ede', concat(key8, key8), data);
}

/** SM4 ECB. */
export function sm4(key16: Uint8Array, data: Uint8Array): Uint8Array {
  return ecb('sm4-ecb', key16, data);
}

/** ISO/IEC 9797-1 padding method 2: append 80, then 00 up to a multiple of the block length. */
export function pad2(data: Uint8Array, blockLen: number): Uint8Array {
  const padded = new Uint8Array((Math.floor(data.length / blockLen) + 1) * blockLen);
  padded.set(data);
  padded[data.length] = 0x80;
  return padded;
}

/** CBC-MAC with ICV 0 and padding method 2; returns the first 4 bytes (§3: "first 4 bytes"). */
function cbcMac4(encrypt: (block: Uint8Array) => Uint8Array, blockLen: number, data: Uint8Array): Uint8Array {
  const padded = pad2(data, blockLen);
  let chain: Uint8Array = new Uint8Array(blockLen);
  for (let o = 0; o < padded.length; o += blockLen) chain = encrypt(xor(chain, padded.subarray(o, o + blockLen)));
  return chain.slice(0, 4);
}

export type Alg = '3des' | 'sm4';

/**
 * §3 alg id byte of INITIALIZE FOR LOAD/PURCHASE: 00 = 3DES, 04 = SM4. DOMAIN.md says one
 * public source gives 01 for 3DES and to "accept both when reading records"; we accept 01 too.
 */
export function algOfId(algId: number): Alg {
  if (algId === 0x00 || algId === 0x01) return '3des';
  if (algId === 0x04) return 'sm4';
  throw new TerminalError(`unknown purse algorithm id ${algId.toString(16).padStart(2, '0')}`);
}

/**
 * §3 card key diversification from the app serial in 0015 (f = its last 8 bytes):
 * 3DES `K_card = 3DES(MK, f) ‖ 3DES(MK, ~f)`; SM4 `K_card = SM4-ECB(MK, f ‖ ~f)`.
 */
export function diversify(alg: Alg, masterKey: Uint8Array, appSerial10: Uint8Array): Uint8Array {
  if (appSerial10.length !== 10) throw new RangeError(`"appSerial10" expected Uint8Array of length 10, got length=${appSerial10.length}`);
  const f = appSerial10.slice(2);
  return alg === '3des' ? concat(tdes(masterKey, f), tdes(masterKey, not(f))) : sm4(masterKey, concat(f, not(f)));
}

/**
 * §3 session key from the 8-byte input (load: random 4 ‖ online counter 2 ‖ 80 00; purchase:
 * random 4 ‖ offline counter 2 ‖ terminal seq[2..3]): 3DES-ECB(K_card, input) (8 bytes), or
 * SM4-ECB(K_card, input ‖ 80 00 00 00 00 00 00 00) (16 bytes).
 */
export function sessionKey(alg: Alg, cardKey: Uint8Array, input8: Uint8Array): Uint8Array {
  if (input8.length !== 8) throw new RangeError(`"input8" expected Uint8Array of length 8, got length=${input8.length}`);
  return alg === '3des' ? tdes(cardKey, input8) : sm4(cardKey, concat(input8, hex('8000000000000000')));
}

/**
 * §3 MAC under a session key: 3DES profile single-DES CBC-MAC (8-byte key, 8-byte blocks);
 * SM4 profile SM4 CBC-MAC (16-byte blocks). ICV 0, padding method 2, first 4 bytes.
 */
export function purseMac(alg: Alg, key: Uint8Array, data: Uint8Array): Uint8Array {
  return alg === '3des' ? cbcMac4((b) => des(key, b), 8, data) : cbcMac4((b) => sm4(key, b), 16, data);
}

/**
 * §3 TAC under the card's own TAC key: 3DES "DES-MAC with ICV 0 under K_TAC[0..7] XOR
 * K_TAC[8..15]"; SM4 "the same MAC under K_TAC_card (no folding)".
 */
export function purseTac(alg: Alg, cardTacKey: Uint8Array, data: Uint8Array): Uint8Array {
  const key = alg === '3des' ? xor(cardTacKey.subarray(0, 8), cardTacKey.subarray(8, 16)) : cardTacKey;
  return purseMac(alg, key, data);
}

/** §3 CRC-32 (IEEE 802.3, as zlib) of bytes 0..123 of the 1A record, big-endian. */
export function railCrc(record: Uint8Array): Uint8Array {
  return u(crc32(record.subarray(0, 124)) >>> 0, 4);
}

// ---------------------------------------------------------------------------------------------
// Keys — §3 "Demo issuer keys [P]"
// ---------------------------------------------------------------------------------------------

export interface IssuerMasterKeys {
  purchase: Uint8Array;
  load: Uint8Array;
  tac: Uint8Array;
}

/** §3 demo issuer keys (test only); both alg profiles use the same 16-byte masters. */
export const DEMO_ISSUER_KEYS: IssuerMasterKeys = {
  purchase: hex('00112233445566778899aabbccddeeff'),
  load: hex('0f1e2d3c4b5a69788796a5b4c3d2e1f0'),
  tac: hex('f0e1d2c3b4a5968778695a4b3c2d1e0f'),
};
/** §3 "key index 01, key version 01". */
export const DEMO_KEY_INDEX = 0x01;
export const DEMO_KEY_VERSION = 0x01;

/** §3 transaction types (MAC input and 0018). */
export const TX = { edLoad: 0x01, epLoad: 0x02, epPurchase: 0x06, compoundPurchase: 0x09 } as const;

// ---------------------------------------------------------------------------------------------
// APDU transport
// ---------------------------------------------------------------------------------------------

/** What the terminal needs of a card: ISO 7816 APDU exchange. */
export interface ApduCard {
  transmit(apdu: Uint8Array): Uint8Array;
}

export class TerminalError extends Error {}

/** A status word the terminal did not expect, with the command that got it. */
export class CardStatusError extends TerminalError {
  constructor(
    readonly command: string,
    readonly sw: number,
  ) {
    super(`${command} → ${sw.toString(16).padStart(4, '0')}`);
  }
}

/** Why the terminal refused a transaction (§3 Gate flow); no purse command was sent after the refusal. */
export type RefusalReason =
  | 'not-interoperable'
  | 'bad-record'
  | 'repeated-entry'
  | 'exit-without-entry'
  | 'insufficient-balance'
  | 'card-not-valid-on-date';

export class Refusal extends TerminalError {
  constructor(
    readonly reason: RefusalReason,
    detail = '',
  ) {
    super(`refused: ${reason}${detail ? ` (${detail})` : ''}`);
  }
}

/** One exchange, kept for transcripts and for reporting disagreements. */
export interface Exchange {
  command: string;
  apdu: string;
  response: string;
}

export interface Response {
  data: Uint8Array;
  sw: number;
}

/**
 * Sends one APDU. Handles ISO 7816-4 T=0 procedure SWs (§2 "May answer 61xx under T=0"):
 * 61xx → GET RESPONSE, 6Cxx → re-send with the right Le.
 */
export function exchange(card: ApduCard, command: string, apdu: Uint8Array, log?: Exchange[]): Response {
  let r = card.transmit(apdu);
  log?.push({ command, apdu: toHex(apdu), response: toHex(r) });
  let sw = (r[r.length - 2] << 8) | r[r.length - 1];
  if (r.length === 2 && r[0] === 0x6c) {
    // ISO 7816-4: 6Cxx = wrong Le, re-send with Le = xx (case 2: header ‖ Le; case 4: drop the old Le).
    const lc = apdu.length > 5 ? apdu[4] : 0;
    const body = apdu.length > 5 ? apdu.subarray(0, 5 + lc) : apdu.subarray(0, 4);
    const again = concat(body, u(r[1], 1));
    r = card.transmit(again);
    log?.push({ command: `${command} (6C re-send)`, apdu: toHex(again), response: toHex(r) });
    sw = (r[r.length - 2] << 8) | r[r.length - 1];
  }
  let data: Uint8Array = r.slice(0, r.length - 2);
  while (sw >> 8 === 0x61) {
    const get = hex(`00c00000${(sw & 0xff).toString(16).padStart(2, '0')}`);
    const more = card.transmit(get);
    log?.push({ command: `${command} (GET RESPONSE)`, apdu: toHex(get), response: toHex(more) });
    data = concat(data, more.slice(0, more.length - 2));
    sw = (more[more.length - 2] << 8) | more[more.length - 1];
  }
  return { data, sw };
}

/** Sends one APDU and requires 9000 and, when given, the exact response length. */
function expectOk(card: ApduCard, command: string, apdu: Uint8Array, dataLen?: number, log?: Exchange[]): Uint8Array {
  const { data, sw } = exchange(card, command, apdu, log);
  if (sw !== 0x9000) throw new CardStatusError(command, sw);
  if (dataLen !== undefined && data.length !== dataLen) throw new TerminalError(`${command}: expected ${dataLen} response bytes, got ${data.length} (${toHex(data)})`);
  return data;
}

function apdu(header: string, body: Uint8Array = new Uint8Array(), le?: number): Uint8Array {
  const h = hex(header);
  return concat(h, body.length ? concat(u(body.length, 1), body) : new Uint8Array(), le === undefined ? new Uint8Array() : u(le, 1));
}

// ---------------------------------------------------------------------------------------------
// Reading the transit application — §3 files
// ---------------------------------------------------------------------------------------------

/** §3 "AID A000000632010105". */
export const TRANSIT_AID = hex('a000000632010105');

/** Finds a tag in BER-TLV data, descending into constructed objects. */
export function findTlv(data: Uint8Array, tag: number): Uint8Array | undefined {
  let o = 0;
  while (o < data.length) {
    if (data[o] === 0x00 || data[o] === 0xff) {
      o++;
      continue;
    }
    const first = data[o];
    let t = data[o++];
    if ((first & 0x1f) === 0x1f) {
      do t = (t << 8) | data[o];
      while (data[o++] & 0x80);
    }
    let len = data[o++];
    if (len & 0x80) {
      const n = len & 0x7f;
      len = readU(data, o, n);
      o += n;
    }
    const value = data.subarray(o, o + len);
    o += len;
    if (t === tag) return value.slice();
    if (first & 0x20) {
      const inner = findTlv(value, tag);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** §3 file 0015 (30 bytes). */
export interface IssuerInfo {
  raw: Uint8Array;
  issuerId: Uint8Array; // 8
  appType: number;
  appVersion: number;
  appSerial: Uint8Array; // 10
  startDate: string; // YYYYMMDD
  expiryDate: string;
  cardType: number; // 01 standard, 02 student, 03 senior, 04 preferential [P]
  deposit: number;
}

/** §3 0015: issuer id 8 · app type 1 · app version 1 · app serial 10 · start date 4 (BCD) · expiry 4 · card type 1 · deposit 1. */
export function decode0015(raw: Uint8Array): IssuerInfo {
  if (raw.length !== 30) throw new TerminalError(`0015: expected 30 bytes, got ${raw.length}`);
  return {
    raw,
    issuerId: raw.slice(0, 8),
    appType: raw[8],
    appVersion: raw[9],
    appSerial: raw.slice(10, 20),
    startDate: toHex(raw.subarray(20, 24)),
    expiryDate: toHex(raw.subarray(24, 28)),
    cardType: raw[28],
    deposit: raw[29],
  };
}

/** §3 file 0017 (60 bytes). */
export interface TransitInfo {
  raw: Uint8Array;
  intlCode: Uint8Array;
  province: Uint8Array;
  city: Uint8Array; // BCD, Beijing 1000 [P]
  interopType: Uint8Array; // 0000 = not interoperable → reject
  cardType: number;
}

/** §3 0017: intl code 4 · province 2 · city 2 · interop type 2 · card type 1 · reserved. */
export function decode0017(raw: Uint8Array): TransitInfo {
  if (raw.length !== 60) throw new TerminalError(`0017: expected 60 bytes, got ${raw.length}`);
  return { raw, intlCode: raw.slice(0, 4), province: raw.slice(4, 6), city: raw.slice(6, 8), interopType: raw.slice(8, 10), cardType: raw[10] };
}

/** §3 0018 record (23 bytes). */
export interface TxRecord {
  counter: number;
  overdraftFen: number;
  amountFen: number;
  type: number;
  terminalId: Uint8Array;
  dateTime: string; // YYYYMMDDhhmmss
}

/** §3 0018: counter 2 · overdraft 3 · amount 4 · type 1 · terminal id 6 · date-time 7. */
export function decode0018(raw: Uint8Array): TxRecord {
  if (raw.length !== 23) throw new TerminalError(`0018: expected 23 bytes, got ${raw.length}`);
  return {
    counter: readU(raw, 0, 2),
    overdraftFen: readU(raw, 2, 3),
    amountFen: readU(raw, 5, 4),
    type: raw[9],
    terminalId: raw.slice(10, 16),
    dateTime: toHex(raw.subarray(16, 23)),
  };
}

/** §3 SELECT the transit application; returns the FCI. DOMAIN.md gives no SELECT bytes for it: ISO 7816-4 SELECT by name, Le 00. */
export function selectTransit(card: ApduCard, log?: Exchange[]): Uint8Array {
  return expectOk(card, 'SELECT transit AID', apdu('00a40400', TRANSIT_AID, 0x00), undefined, log);
}

/** §3 `00 B0 95 00 1E`. */
export function read0015(card: ApduCard, log?: Exchange[]): IssuerInfo {
  return decode0015(expectOk(card, 'READ BINARY 0015', hex('00b095001e'), 30, log));
}

/** §3 `00 B0 97 00 3C`. */
export function read0017(card: ApduCard, log?: Exchange[]): TransitInfo {
  return decode0017(expectOk(card, 'READ BINARY 0017', hex('00b097003c'), 60, log));
}

/** §3 `00 B2 nn C4 17` (newest = record 1). */
export function read0018(card: ApduCard, n: number, log?: Exchange[]): TxRecord {
  return decode0018(expectOk(card, `READ RECORD 0018 #${n}`, concat(hex('00b2'), u(n, 1), hex('c417')), 23, log));
}

/** §3 GET BALANCE `80 5C 00 02 04` → balance 4 (fen). */
export function getBalance(card: ApduCard, log?: Exchange[]): number {
  return readU(expectOk(card, 'GET BALANCE', hex('805c000204'), 4, log));
}

/** §3 1A `00 B2 nn D4 80` (rail = record 01, bus = 02). */
export function read1A(card: ApduCard, recordId = 0x01, log?: Exchange[]): Uint8Array {
  return expectOk(card, `READ RECORD 1A #${recordId}`, concat(hex('00b2'), u(recordId, 1), hex('d480')), 128, log);
}

/** §3 1E `00 B2 nn F4 30` (newest = record 1). */
export function read1E(card: ApduCard, n: number, log?: Exchange[]): Uint8Array {
  return expectOk(card, `READ RECORD 1E #${n}`, concat(hex('00b2'), u(n, 1), hex('f430')), 48, log);
}

/** §3 Gate flow steps 1–2: SELECT (0015 from 9F0C), READ 0017, reject non-interoperable cards. */
export function openTransit(card: ApduCard, log?: Exchange[]): { fci: Uint8Array; issuer: IssuerInfo; transit: TransitInfo } {
  const fci = selectTransit(card, log);
  const fromFci = findTlv(fci, 0x9f0c);
  if (!fromFci) throw new TerminalError(`SELECT FCI has no 9F0C: ${toHex(fci)}`);
  const issuer = decode0015(fromFci);
  const transit = read0017(card, log);
  if (transit.interopType[0] === 0 && transit.interopType[1] === 0) throw new Refusal('not-interoperable');
  return { fci, issuer, transit };
}

// ---------------------------------------------------------------------------------------------
// Date and time (BCD), Beijing local time
// ---------------------------------------------------------------------------------------------

/** Beijing (UTC+8) YYYYMMDDhhmmss of an instant. */
export function beijingDigits(at: Date): string {
  const d = new Date(at.getTime() + 8 * 3600_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

// ---------------------------------------------------------------------------------------------
// Top-up — §3 INITIALIZE FOR LOAD / CREDIT FOR LOAD; the terminal is the issuer host
// ---------------------------------------------------------------------------------------------

export interface TopUpOptions {
  amountFen: number;
  at: Date;
  terminalId?: Uint8Array;
  keys?: IssuerMasterKeys;
  /** Expected purse profile; the terminal works from the card's alg id and checks it when given. */
  alg?: Alg;
  /** Append Le to the 8050/8052 commands (DOMAIN.md writes them without Le). */
  withLe?: boolean;
  /** Send 8052 with a wrong MAC2 (tests the card's 9302). */
  corruptMac2?: boolean;
  log?: Exchange[];
}

export interface TopUpResult {
  alg: Alg;
  algId: number;
  amountFen: number;
  balanceBeforeFen: number;
  onlineCounter: number;
  mac1: Uint8Array;
  mac2: Uint8Array;
  tac: Uint8Array;
  date: Uint8Array;
  time: Uint8Array;
  terminalId: Uint8Array;
  issuer: IssuerInfo;
}

export const DEFAULT_LOAD_TERMINAL_ID = hex('100000000001');

/**
 * §3 top-up: SELECT, 8050 00 (check MAC1 = MAC(balance ‖ amount ‖ 02 ‖ terminal id) under the
 * load session key), 8052 with MAC2 = MAC(amount ‖ 02 ‖ terminal id ‖ date ‖ time), then check
 * the TAC over the MAC2 input under the TAC key. Throws CardStatusError / TerminalError.
 */
export function independentTopUp(card: ApduCard, opts: TopUpOptions): TopUpResult {
  const keys = opts.keys ?? DEMO_ISSUER_KEYS;
  const terminalId = opts.terminalId ?? DEFAULT_LOAD_TERMINAL_ID;
  const { issuer } = openTransit(card, opts.log);
  const amount = u(opts.amountFen, 4);
  const type = u(TX.epLoad, 1);
  const init = expectOk(card, 'INITIALIZE FOR LOAD', apdu('80500002', concat(u(DEMO_KEY_INDEX, 1), amount, terminalId), opts.withLe ? 0x10 : undefined), 16, opts.log);
  // balance 4 · online counter 2 · key version 1 · alg id 1 · random 4 · MAC1 4
  const balance = init.slice(0, 4);
  const onlineCounter = init.slice(4, 6);
  const keyVersion = init[6];
  const algId = init[7];
  const random = init.slice(8, 12);
  const mac1 = init.slice(12, 16);
  const alg = algOfId(algId);
  if (opts.alg && opts.alg !== alg) throw new TerminalError(`INITIALIZE FOR LOAD: alg id ${algId} is ${alg}, expected ${opts.alg}`);
  if (keyVersion !== DEMO_KEY_VERSION) throw new TerminalError(`INITIALIZE FOR LOAD: key version ${keyVersion}, expected ${DEMO_KEY_VERSION}`);
  const kLoad = diversify(alg, keys.load, issuer.appSerial);
  const sk = sessionKey(alg, kLoad, concat(random, onlineCounter, hex('8000')));
  const expectedMac1 = purseMac(alg, sk, concat(balance, amount, type, terminalId));
  if (!sameBytes(mac1, expectedMac1)) throw new TerminalError(`INITIALIZE FOR LOAD: MAC1 ${toHex(mac1)} ≠ expected ${toHex(expectedMac1)}`);
  const digits = beijingDigits(opts.at);
  const date = bcd(digits.slice(0, 8));
  const time = bcd(digits.slice(8, 14));
  const mac2Input = concat(amount, type, terminalId, date, time);
  const mac2 = purseMac(alg, sk, mac2Input);
  const sent = opts.corruptMac2 ? mac2.map((b) => b ^ 0x01) : mac2;
  const tac = expectOk(card, 'CREDIT FOR LOAD', apdu('80520000', concat(date, time, sent), opts.withLe ? 0x04 : undefined), 4, opts.log);
  // [P] load TAC over "amount 4 ‖ type 1 ‖ terminal id 6 ‖ date 4 ‖ time 3 (load: the MAC2 input)".
  const kTac = diversify(alg, keys.tac, issuer.appSerial);
  const expectedTac = purseTac(alg, kTac, mac2Input);
  if (!sameBytes(tac, expectedTac)) throw new TerminalError(`CREDIT FOR LOAD: TAC ${toHex(tac)} ≠ expected ${toHex(expectedTac)}`);
  return { alg, algId, amountFen: opts.amountFen, balanceBeforeFen: readU(balance), onlineCounter: readU(onlineCounter), mac1, mac2, tac, date, time, terminalId, issuer };
}

// ---------------------------------------------------------------------------------------------
// The 1A rail record and the 1E travel log — §3 "1A transit state record, 128 bytes [P]"
// ---------------------------------------------------------------------------------------------

export interface Station {
  line: number;
  station: number;
}

export interface RailRecord {
  recordId: number;
  lockFlag: number;
  state: number; // 00 none, 01 entered, 02 exited
  entryCity: string; // BCD digits
  entry: Station;
  entryDevice: Uint8Array; // 6
  entryDateTime: string; // 14 digits
  entryAmountFen: number;
  exit: Station;
  exitDevice: Uint8Array;
  exitDateTime: string;
  exitAmountFen: number;
  fareBeforeDiscountFen: number;
  accumulationMonth: string; // YYYYMM
  monthRailSpendFen: number;
  monthRailRides: number;
}

export const RAIL_STATE = { none: 0x00, entered: 0x01, exited: 0x02 } as const;

/**
 * The virgin record: "Personalisation creates both records, zero-filled apart from byte 0".
 * AMBIGUITY: such a record has length byte 00 (not 7F) and CRC 00000000 (not the CRC of
 * bytes 0..123), so a gate that checks the CRC must accept it as "state 00, nothing yet".
 */
export function isVirginRecord(raw: Uint8Array, recordId: number): boolean {
  return raw[0] === recordId && raw.subarray(1).every((b) => b === 0);
}

/** Decodes a 1A record; checks the record id, length byte and CRC (a virgin record passes). */
export function decodeRailRecord(raw: Uint8Array, recordId = 0x01): RailRecord {
  if (raw.length !== 128) throw new Refusal('bad-record', `1A length ${raw.length}`);
  if (!isVirginRecord(raw, recordId)) {
    if (raw[0] !== recordId) throw new Refusal('bad-record', `record id ${raw[0]} ≠ ${recordId}`);
    if (raw[1] !== 0x7f) throw new Refusal('bad-record', `length byte ${raw[1]} ≠ 7f`);
    if (!sameBytes(raw.subarray(124, 128), railCrc(raw))) throw new Refusal('bad-record', `CRC ${toHex(raw.subarray(124, 128))} ≠ ${toHex(railCrc(raw))}`);
  }
  const st = (o: number): Station => ({ line: readU(raw, o, 2), station: readU(raw, o + 2, 2) });
  return {
    recordId: raw[0],
    lockFlag: raw[2],
    state: raw[3],
    entryCity: toHex(raw.subarray(4, 6)),
    entry: st(6),
    entryDevice: raw.slice(10, 16),
    entryDateTime: toHex(raw.subarray(16, 23)),
    entryAmountFen: readU(raw, 23, 4),
    exit: st(27),
    exitDevice: raw.slice(31, 37),
    exitDateTime: toHex(raw.subarray(37, 44)),
    exitAmountFen: readU(raw, 44, 4),
    fareBeforeDiscountFen: readU(raw, 48, 4),
    accumulationMonth: toHex(raw.subarray(52, 55)),
    monthRailSpendFen: readU(raw, 55, 4),
    monthRailRides: readU(raw, 59, 2),
  };
}

/** Encodes a 1A record: id, length 7F, fields per the §3 table, reserved 00, CRC-32 at 124. */
export function encodeRailRecord(r: RailRecord): Uint8Array {
  const raw = new Uint8Array(128);
  const st = (s: Station) => concat(u(s.line, 2), u(s.station, 2));
  raw[0] = r.recordId;
  raw[1] = 0x7f;
  raw[2] = r.lockFlag;
  raw[3] = r.state;
  raw.set(bcd(r.entryCity), 4);
  raw.set(st(r.entry), 6);
  raw.set(r.entryDevice, 10);
  raw.set(bcd(r.entryDateTime), 16);
  raw.set(u(r.entryAmountFen, 4), 23);
  raw.set(st(r.exit), 27);
  raw.set(r.exitDevice, 31);
  raw.set(bcd(r.exitDateTime), 37);
  raw.set(u(r.exitAmountFen, 4), 44);
  raw.set(u(r.fareBeforeDiscountFen, 4), 48);
  raw.set(bcd(r.accumulationMonth), 52);
  raw.set(u(r.monthRailSpendFen, 4), 55);
  raw.set(u(r.monthRailRides, 2), 59);
  raw.set(railCrc(raw), 124);
  return raw;
}

/** §3 1E travel log record (48 bytes). */
export interface TravelLog {
  type: number;
  device: Uint8Array; // 8
  subType: number; // 01 metro, 02 bus
  lineStation: Uint8Array; // 7
  amountFen: number;
  balanceFen: number;
  dateTime: string;
  city: string;
  acquirer: Uint8Array; // 8
}

/**
 * §3 1E: type 1 · device 8 · sub-type 1 · line/station 7 · amount 4 · balance 4 · date-time 7 ·
 * city 2 · acquirer 8 · reserved 6.
 */
export function encodeTravelLog(l: TravelLog): Uint8Array {
  const raw = concat(u(l.type, 1), l.device, u(l.subType, 1), l.lineStation, u(l.amountFen, 4), u(l.balanceFen, 4), bcd(l.dateTime), bcd(l.city), l.acquirer, new Uint8Array(6));
  if (raw.length !== 48) throw new RangeError(`1E record: expected 48 bytes, got ${raw.length}`);
  return raw;
}

export function decodeTravelLog(raw: Uint8Array): TravelLog {
  if (raw.length !== 48) throw new TerminalError(`1E: expected 48 bytes, got ${raw.length}`);
  return {
    type: raw[0],
    device: raw.slice(1, 9),
    subType: raw[9],
    lineStation: raw.slice(10, 17),
    amountFen: readU(raw, 17, 4),
    balanceFen: readU(raw, 21, 4),
    dateTime: toHex(raw.subarray(25, 32)),
    city: toHex(raw.subarray(32, 34)),
    acquirer: raw.slice(34, 42),
  };
}

/**
 * AMBIGUITY choices for the 1E fields DOMAIN.md names without a layout:
 * - "type 1": the §3 transaction type of the purchase, 09 (compound purchase);
 * - "device 8": the 6-byte terminal id right-aligned (00 00 ‖ terminal id);
 * - "line/station 7": line 2 ‖ station 2 (big-endian, as in 1A) ‖ 00 00 00;
 * - "balance 4": the balance after the transaction;
 * - "acquirer 8": this terminal's acquirer id.
 */
function travelLogFor(p: { terminalId: Uint8Array; station: Station; amountFen: number; balanceAfterFen: number; dateTime: string; city: string; acquirer: Uint8Array }): TravelLog {
  return {
    type: TX.compoundPurchase,
    device: concat(new Uint8Array(2), p.terminalId),
    subType: 0x01,
    lineStation: concat(u(p.station.line, 2), u(p.station.station, 2), new Uint8Array(3)),
    amountFen: p.amountFen,
    balanceFen: p.balanceAfterFen,
    dateTime: p.dateTime,
    city: p.city,
    acquirer: p.acquirer,
  };
}

// ---------------------------------------------------------------------------------------------
// The gate — §3 "Gate flow [V]" with the PSAM role played in software
// ---------------------------------------------------------------------------------------------

/**
 * The PSAM's role (§3 "PSAM"): the purchase master key, the terminal id and the terminal
 * sequence number; 8070 → terminal seq ‖ MAC1; 8072 checks MAC2.
 */
export class SoftPsam {
  private seq: number;
  constructor(
    readonly terminalId: Uint8Array,
    startSeq = 1,
    private readonly purchaseMasterKey: Uint8Array = DEMO_ISSUER_KEYS.purchase,
  ) {
    this.seq = startSeq;
  }

  /** INIT SAM FOR PURCHASE: diversify from the serial, session key, MAC1 over amount ‖ type ‖ terminal id ‖ date ‖ time. */
  initForPurchase(p: { alg: Alg; appSerial: Uint8Array; random: Uint8Array; counter: Uint8Array; amount: Uint8Array; type: number; date: Uint8Array; time: Uint8Array }): { terminalSeq: Uint8Array; mac1: Uint8Array; sessionKey: Uint8Array } {
    const terminalSeq = u(this.seq++, 4);
    const kCard = diversify(p.alg, this.purchaseMasterKey, p.appSerial);
    const sk = sessionKey(p.alg, kCard, concat(p.random, p.counter, terminalSeq.subarray(2, 4)));
    const mac1 = purseMac(p.alg, sk, concat(p.amount, u(p.type, 1), this.terminalId, p.date, p.time));
    return { terminalSeq, mac1, sessionKey: sk };
  }

  /** CREDIT SAM FOR PURCHASE: MAC2 = MAC(amount) under the session key. */
  checkMac2(alg: Alg, sk: Uint8Array, amount: Uint8Array, mac2: Uint8Array): boolean {
    return sameBytes(mac2, purseMac(alg, sk, amount));
  }
}

export interface GateOptions {
  station: Station;
  at: Date;
  /** Expected purse profile; the terminal works from the card's alg id and checks it when given. */
  alg?: Alg;
  terminalId?: Uint8Array;
  /** Terminal sequence number to use (the PSAM's counter); default 1, or the psam's own. */
  terminalSeq?: number;
  psam?: SoftPsam;
  keys?: IssuerMasterKeys;
  acquirer?: Uint8Array;
  /** Send 8054 with this MAC1 instead of the right one (tests the card's 9302). */
  corruptMac1?: boolean;
  log?: Exchange[];
}

export interface ExitOptions extends GateOptions {
  /** Fare to charge, fen (the fare engine is out of scope here). */
  fareFen: number;
  /** Fare before discounts, fen; default the fare. */
  fareBeforeDiscountFen?: number;
}

/** What one gate transaction wrote and what the card answered. */
export interface GateResult {
  kind: 'entry' | 'exit';
  alg: Alg;
  algId: number;
  issuer: IssuerInfo;
  recordBefore: RailRecord;
  /** The 128-byte 1A record sent in 80DC 01 D0. */
  railRecord: Uint8Array;
  /** The 48-byte 1E record sent in 80DC 00 F0. */
  travelLog: Uint8Array;
  amountFen: number;
  balanceBeforeFen: number;
  offlineCounter: number;
  terminalId: Uint8Array;
  terminalSeq: Uint8Array;
  date: Uint8Array;
  time: Uint8Array;
  mac1: Uint8Array;
  mac2: Uint8Array;
  tac: Uint8Array;
  /** Exit only: more than 4 hours since the recorded entry (§3 Gate flow step 3, "4-hour limit"; §5 says what it costs). */
  overtime: boolean;
}

export const DEFAULT_GATE_TERMINAL_ID = hex('200000000001');
export const DEFAULT_ACQUIRER = hex('0100000000000001');

/** §3 INITIALIZE FOR CAPP PURCHASE response: balance 4 · offline counter 2 · overdraft 3 · key version 1 · alg id 1 · random 4. */
interface PurchaseInit {
  balance: Uint8Array;
  counter: Uint8Array;
  overdraft: Uint8Array;
  keyVersion: number;
  algId: number;
  random: Uint8Array;
}

function decodePurchaseInit(r: Uint8Array): PurchaseInit {
  return { balance: r.slice(0, 4), counter: r.slice(4, 6), overdraft: r.slice(6, 9), keyVersion: r[9], algId: r[10], random: r.slice(11, 15) };
}

/**
 * §3 Gate flow steps 4–8 for one compound purchase of `amountFen`, with the 1A and 1E
 * records built by `build` from the INITIALIZE response (it needs the balance for 1E).
 */
function compoundPurchase(card: ApduCard, kind: 'entry' | 'exit', opts: GateOptions, issuer: IssuerInfo, recordBefore: RailRecord, amountFen: number, build: (balanceAfterFen: number, dateTime: string) => { rail: Uint8Array; log: Uint8Array }): GateResult {
  const keys = opts.keys ?? DEMO_ISSUER_KEYS;
  const terminalId = opts.psam?.terminalId ?? opts.terminalId ?? DEFAULT_GATE_TERMINAL_ID;
  const psam = opts.psam ?? new SoftPsam(terminalId, opts.terminalSeq ?? 1, keys.purchase);
  const amount = u(amountFen, 4);
  // 4. INITIALIZE FOR CAPP PURCHASE (8050 03); the card answers 9401 when the amount exceeds the balance.
  const { data, sw } = exchange(card, 'INITIALIZE FOR CAPP PURCHASE', apdu('80500302', concat(u(DEMO_KEY_INDEX, 1), amount, terminalId)), opts.log);
  if (sw === 0x9401) throw new Refusal('insufficient-balance', `fare ${amountFen} fen`);
  if (sw !== 0x9000) throw new CardStatusError('INITIALIZE FOR CAPP PURCHASE', sw);
  if (data.length !== 15) throw new TerminalError(`INITIALIZE FOR CAPP PURCHASE: expected 15 bytes, got ${toHex(data)}`);
  const init = decodePurchaseInit(data);
  const alg = algOfId(init.algId);
  if (opts.alg && opts.alg !== alg) throw new TerminalError(`INITIALIZE FOR CAPP PURCHASE: alg id ${init.algId} is ${alg}, expected ${opts.alg}`);
  if (init.keyVersion !== DEMO_KEY_VERSION) throw new TerminalError(`INITIALIZE FOR CAPP PURCHASE: key version ${init.keyVersion}`);
  const balanceBeforeFen = readU(init.balance);
  const digits = beijingDigits(opts.at);
  const date = bcd(digits.slice(0, 8));
  const time = bcd(digits.slice(8, 14));
  // 5. PSAM 8070 → terminal seq, MAC1.
  const sam = psam.initForPurchase({ alg, appSerial: issuer.appSerial, random: init.random, counter: init.counter, amount, type: TX.compoundPurchase, date, time });
  // 6. 80DC the 1A record (record id 01, P2 = 1A<<3 = D0), 80DC append the 1E log (00 F0).
  const { rail, log } = build(balanceBeforeFen - amountFen, digits);
  expectOk(card, 'UPDATE CAPP DATA CACHE 1A', apdu(`80dc${toHex(u(rail[0], 1))}d0`, rail), 0, opts.log);
  expectOk(card, 'UPDATE CAPP DATA CACHE 1E', apdu('80dc00f0', log), 0, opts.log);
  // 7. DEBIT FOR CAPP PURCHASE: terminal seq 4 · date 4 · time 3 · MAC1 4 → TAC 4 · MAC2 4.
  const mac1 = opts.corruptMac1 ? sam.mac1.map((b) => b ^ 0x01) : sam.mac1;
  const debit = expectOk(card, 'DEBIT FOR CAPP PURCHASE', apdu('80540100', concat(sam.terminalSeq, date, time, mac1)), 8, opts.log);
  const tac = debit.slice(0, 4);
  const mac2 = debit.slice(4, 8);
  // 8. PSAM 8072 checks MAC2 (= MAC over amount).
  if (!psam.checkMac2(alg, sam.sessionKey, amount, mac2)) throw new TerminalError(`DEBIT FOR CAPP PURCHASE: MAC2 ${toHex(mac2)} ≠ expected ${toHex(purseMac(alg, sam.sessionKey, amount))}`);
  // Clearing: TAC over amount ‖ type ‖ terminal id ‖ terminal seq ‖ date ‖ time under the card's TAC key.
  const kTac = diversify(alg, keys.tac, issuer.appSerial);
  const expectedTac = purseTac(alg, kTac, concat(amount, u(TX.compoundPurchase, 1), terminalId, sam.terminalSeq, date, time));
  if (!sameBytes(tac, expectedTac)) throw new TerminalError(`DEBIT FOR CAPP PURCHASE: TAC ${toHex(tac)} ≠ expected ${toHex(expectedTac)}`);
  return { kind, alg, algId: init.algId, issuer, recordBefore, railRecord: rail, travelLog: log, amountFen, balanceBeforeFen, offlineCounter: readU(init.counter), terminalId, terminalSeq: sam.terminalSeq, date, time, mac1: sam.mac1, mac2, tac, overtime: false };
}

/** Milliseconds of a BCD YYYYMMDDhhmmss in Beijing time. */
export function beijingMs(digits14: string): number {
  const d = digits14;
  return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(8, 10), +d.slice(10, 12), +d.slice(12, 14)) - 8 * 3600_000;
}

/** §3 Gate flow step 3 / §5: "At most 4 hours in the paid area". */
export const PAID_AREA_LIMIT_MS = 4 * 3600_000;

/** Gate steps 1–3: open the application, check the card's dates, read and check the rail record. */
function gatePrelude(card: ApduCard, opts: GateOptions): { issuer: IssuerInfo; transit: TransitInfo; record: RailRecord } {
  const { issuer, transit } = openTransit(card, opts.log);
  const day = beijingDigits(opts.at).slice(0, 8);
  if (day < issuer.startDate || day > issuer.expiryDate) throw new Refusal('card-not-valid-on-date', `${day} outside ${issuer.startDate}..${issuer.expiryDate}`);
  const record = decodeRailRecord(read1A(card, 0x01, opts.log), 0x01);
  return { issuer, transit, record };
}

/**
 * §3 Gate flow, entry: refuses a card whose rail record is already "entered" (repeated entry),
 * charges 0 (8050 03 amount 0), writes state 01 with the entry fields (exit fields cleared,
 * month accumulation carried over) and a 1E log. Throws Refusal, CardStatusError, TerminalError.
 *
 * AMBIGUITY: "4-hour limit" — DOMAIN.md §3 does not say what entry does with a stale "entered"
 * record; this terminal refuses every repeated entry (§3: "Repeated entry is refused").
 */
export function independentEntry(card: ApduCard, opts: GateOptions): GateResult {
  const { issuer, transit, record } = gatePrelude(card, opts);
  if (record.state === RAIL_STATE.entered) throw new Refusal('repeated-entry', `entered ${record.entryDateTime}`);
  const terminalId = opts.psam?.terminalId ?? opts.terminalId ?? DEFAULT_GATE_TERMINAL_ID;
  const city = toHex(transit.city);
  return compoundPurchase(card, 'entry', opts, issuer, record, 0, (balanceAfterFen, dateTime) => {
    const next: RailRecord = {
      recordId: 0x01,
      lockFlag: 0x00,
      state: RAIL_STATE.entered,
      entryCity: city,
      entry: opts.station,
      entryDevice: terminalId,
      entryDateTime: dateTime,
      entryAmountFen: 0,
      exit: { line: 0, station: 0 },
      exitDevice: new Uint8Array(6),
      exitDateTime: '00000000000000',
      exitAmountFen: 0,
      fareBeforeDiscountFen: 0,
      accumulationMonth: record.accumulationMonth,
      monthRailSpendFen: record.monthRailSpendFen,
      monthRailRides: record.monthRailRides,
    };
    const log = travelLogFor({ terminalId, station: opts.station, amountFen: 0, balanceAfterFen, dateTime, city, acquirer: opts.acquirer ?? DEFAULT_ACQUIRER });
    return { rail: encodeRailRecord(next), log: encodeTravelLog(log) };
  });
}

/**
 * §3 Gate flow, exit: refuses a card whose rail record is not "entered" (exit without entry —
 * an order error), charges `fareFen` (8050 03; the card's 9401 → Refusal 'insufficient-balance'),
 * writes state 02 with the exit fields and the month accumulation, and a 1E log.
 *
 * It reports `overtime` (> 4 h since entry) but charges the fare it is given: pricing is §5's.
 *
 * AMBIGUITY: the month fields. This terminal accumulates at exit: if the record's accumulation
 * month is the exit month, spend += fare and rides += 1; otherwise the month restarts at the
 * exit month with this ride alone.
 */
export function independentExit(card: ApduCard, opts: ExitOptions): GateResult {
  const { issuer, transit, record } = gatePrelude(card, opts);
  if (record.state !== RAIL_STATE.entered) throw new Refusal('exit-without-entry', `state ${record.state}`);
  const terminalId = opts.psam?.terminalId ?? opts.terminalId ?? DEFAULT_GATE_TERMINAL_ID;
  const city = toHex(transit.city);
  const overtime = opts.at.getTime() - beijingMs(record.entryDateTime) > PAID_AREA_LIMIT_MS;
  const result = compoundPurchase(card, 'exit', opts, issuer, record, opts.fareFen, (balanceAfterFen, dateTime) => {
    const month = dateTime.slice(0, 6);
    const sameMonth = record.accumulationMonth === month;
    const next: RailRecord = {
      ...record,
      recordId: 0x01,
      lockFlag: 0x00,
      state: RAIL_STATE.exited,
      exit: opts.station,
      exitDevice: terminalId,
      exitDateTime: dateTime,
      exitAmountFen: opts.fareFen,
      fareBeforeDiscountFen: opts.fareBeforeDiscountFen ?? opts.fareFen,
      accumulationMonth: month,
      monthRailSpendFen: (sameMonth ? record.monthRailSpendFen : 0) + opts.fareFen,
      monthRailRides: (sameMonth ? record.monthRailRides : 0) + 1,
    };
    const log = travelLogFor({ terminalId, station: opts.station, amountFen: opts.fareFen, balanceAfterFen, dateTime, city, acquirer: opts.acquirer ?? DEFAULT_ACQUIRER });
    return { rail: encodeRailRecord(next), log: encodeTravelLog(log) };
  });
  return { ...result, overtime };
}

/**
 * §3 GET TRANSACTION PROVE `80 5A 00 <type> 02 <counter 2>` → TAC 4 · MAC2 4 of the last
 * transaction if it used that counter; otherwise the card's SW (9403) comes back in `sw`.
 */
export function getTransactionProve(card: ApduCard, type: number, counter: number, log?: Exchange[]): { sw: number; tac?: Uint8Array; mac2?: Uint8Array } {
  const { data, sw } = exchange(card, 'GET TRANSACTION PROVE', apdu(`805a00${toHex(u(type, 1))}`, u(counter, 2)), log);
  if (sw !== 0x9000) return { sw };
  return { sw, tac: data.slice(0, 4), mac2: data.slice(4, 8) };
}

/**
 * Reads the offline counter without spending: INITIALIZE FOR PURCHASE (8050 01) amount 0, no
 * debit follows (so nothing is written), then re-SELECT to drop the pending transaction.
 */
export function peekOfflineCounter(card: ApduCard, log?: Exchange[]): number {
  selectTransit(card, log);
  const r = expectOk(card, 'INITIALIZE FOR PURCHASE (peek)', apdu('80500102', concat(u(DEMO_KEY_INDEX, 1), u(0, 4), DEFAULT_GATE_TERMINAL_ID)), 15, log);
  selectTransit(card, log);
  return readU(r, 4, 2);
}

/** What a test compares to prove "nothing changed": raw responses of the state-bearing reads. */
export interface PurseSnapshot {
  balanceFen: number;
  offlineCounter: number;
  rail: string;
  log1: string;
  tx1: string;
}

/** Reads balance, offline counter, 1A #1, 1E #1 and 0018 #1 (raw response hex, SW included, so an empty file compares too). */
export function snapshot(card: ApduCard): PurseSnapshot {
  selectTransit(card);
  const raw = (a: string) => toHex(card.transmit(hex(a)));
  const balanceFen = getBalance(card);
  const rail = raw('00b201d480');
  const log1 = raw('00b201f430');
  const tx1 = raw('00b201c417');
  return { balanceFen, offlineCounter: peekOfflineCounter(card), rail, log1, tx1 };
}

/**
 * A clearing record for one of this terminal's transactions: what a clearing house needs to
 * recompute the TAC (§3 "TACs are checked at clearing"). Plain data: app serial as 20 digits,
 * terminal id as 12 hex digits, date-time as YYYYMMDDhhmmss.
 */
export function clearingRecord(r: GateResult | TopUpResult): { serial: string; counter: number; amountFen: number; type: number; terminalId: string; terminalSeq?: number; dateTime: string; tac: string; alg: Alg } {
  const base = { serial: toHex(r.issuer.appSerial), terminalId: toHex(r.terminalId), dateTime: toHex(concat(r.date, r.time)), tac: toHex(r.tac), alg: r.alg };
  if ('kind' in r) return { ...base, counter: r.offlineCounter, amountFen: r.amountFen, type: TX.compoundPurchase, terminalSeq: readU(r.terminalSeq) };
  return { ...base, counter: r.onlineCounter, amountFen: r.amountFen, type: TX.epLoad };
}
