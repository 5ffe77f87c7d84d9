/**
 * E-purse cryptography of the transit application (PBOC e-purse as used by JT/T 978 / China
 * T-Union), as pure functions for both algorithm profiles, exactly per DOMAIN.md §3 "Purse
 * cryptography" — the one place where the ssc3 profile's [P] choices are made:
 *
 * - '3des' (algorithm id 00) [V]: card keys diversified with 2-key 3DES-ECB [S], session keys
 *   2-key 3DES-ECB of an 8-byte input, MACs single-DES CBC-MAC (ISO/IEC 9797-1 MAC algorithm 1,
 *   ICV 0, padding method 2) truncated to 4 bytes, TAC under the folded TAC key.
 * - 'sm4' (algorithm id 04 [S]): the same structure with SM4; the key and MAC derivations are
 *   the ssc3 profile [P] (the official text was not found).
 *
 * Who uses what: the card (card keys diversified at personalisation) computes MAC1 of a load,
 * checks load MAC2 and purchase MAC1, computes purchase MAC2 and both TACs; the PSAM (purchase
 * master key) and the load host (load master key) diversify per card and compute the other
 * side; clearing checks TACs with the TAC master key.
 *
 * Integers are big-endian; amounts and balances are integer fen below 2^32; dates are 4-byte BCD
 * YYYYMMDD and times 3-byte BCD hhmmss. Every input is checked here: TypeError for a wrong type,
 * RangeError for a wrong length or range, naming the field. Session keys created inside a
 * function are wiped before it returns. Not constant time (table-based DES and SM4).
 *
 * Speed (Node 20.20, shared 2-vCPU VM, best of 5 × 200k calls): computePurchaseMac1 from raw
 * keys ≈ 2.7–3.6 µs for '3des' (session key ≈ 1.2, MAC ≈ 1.0, input ≈ 0.2) and ≈ 1.8–2.1 µs for
 * 'sm4'. Every function takes raw key bytes. The long-lived keys — a card's own purchase, load
 * and TAC keys, a PSAM's master key — may instead be given as a {@link PreparedPurseKey},
 * expanded once: with the gate tap down to tens of µs, the five key schedules a 3DES exit tap
 * spent on them (two for the card's session key, one for its folded TAC key, two for the
 * PSAM's master key) were worth keeping: from a prepared key a 3DES session key takes ≈ 0.7 µs
 * against ≈ 1.4 µs and a diversification ≈ 1.1 µs against ≈ 1.8 µs — ≈ 1.5 µs a 3DES exit tap,
 * ≈ 1 µs an SM4 one (Node 20.20, shared 2-vCPU VM). Whoever keeps one keeps it next to the
 * key bytes it came from (the card and the PSAM: in their own objects, keyed by the NVM cell's
 * value), so it can neither outlive nor disagree with them. Session keys stay raw: used twice
 * at most, a key object (an off-heap allocation) costs as much as the schedule it saves.
 */
import { DesKey, desEncryptBlock, ecbEncrypt as desEcbEncrypt, mac9797Alg1 } from '../../../crypto/des.js';
import { cbcMac as sm4CbcMac, ecbEncrypt as sm4EcbEncrypt, encryptBlock as sm4EncryptBlock, Sm4Key } from '../../../crypto/sm4.js';
import { abytes, aint, aoneOf, equalBytes, hexToBytes, isBytes, wipe } from '../../../crypto/utils.js';

// ---------------------------------------------------------------------------------------------
// Algorithms, transaction types, lengths

/** The two algorithm profiles. */
export type PurseAlg = '3des' | 'sm4';
export const PURSE_ALGS: readonly PurseAlg[] = Object.freeze(['3des', 'sm4'] as const);

/** Card keys (master and diversified) are 16 bytes in both profiles. */
export const CARD_KEY_LEN = 16;
/** Purse MACs and TACs are the first 4 bytes of the CBC-MAC. */
export const MAC_LEN = 4;
/** Session key length: 8 (single DES) for '3des', 16 for 'sm4'. */
export const SESSION_KEY_LEN: Readonly<Record<PurseAlg, number>> = Object.freeze({ '3des': 8, sm4: 16 });

/** Transaction types, in MAC inputs and the 0018 records [V]. */
export const TX_TYPE = Object.freeze({
  ED_LOAD: 0x01,
  EP_LOAD: 0x02,
  EP_PURCHASE: 0x06,
  CAPP_PURCHASE: 0x09,
} as const);

/**
 * The algorithm id byte the card returns in INITIALIZE FOR LOAD / PURCHASE: 00 for 3DES (as the
 * published 3DES examples give it [V]), 04 for SM4 [S].
 * @throws RangeError for an unknown algorithm.
 */
export function algId(alg: PurseAlg): number {
  return aalg(alg) === '3des' ? 0x00 : 0x04;
}

/**
 * The profile of an algorithm id byte. Reading records, 01 is also taken as 3DES: the public
 * source that gives 04 for SM4 gives 01 for 3DES where others give 00 [S]; the card itself only
 * ever writes 00.
 * @throws TypeError when `id` is not an integer; RangeError for any id but 00, 01 and 04.
 */
export function algFromId(id: number): PurseAlg {
  aint('algId', id, 0, 0xff);
  if (id === 0x00 || id === 0x01) return '3des';
  if (id === 0x04) return 'sm4';
  throw new RangeError(`"algId" expected 00 or 01 (3DES) or 04 (SM4), got ${id.toString(16).padStart(2, '0')}`);
}

function aalg(alg: unknown): PurseAlg {
  return aoneOf('alg', alg, PURSE_ALGS);
}

// ---------------------------------------------------------------------------------------------
// Field checks and writers

function aobject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`"${name}" expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Writes an unsigned big-endian integer given as a number or as exactly `len` bytes: its bytes
 * [skip, len) go to out[o..]. Written in place: a temporary array per field measured as a third
 * of a session-key derivation.
 */
function putUintField(name: string, value: unknown, len: 2 | 4, out: Uint8Array, o: number, skip = 0): void {
  if (typeof value === 'number') {
    aint(name, value, 0, len === 2 ? 0xffff : 0xffffffff);
    for (let i = skip; i < len; i++) out[o + i - skip] = (value >>> (8 * (len - 1 - i))) & 0xff;
    return;
  }
  if (!isBytes(value)) {
    throw new TypeError(`"${name}" expected integer or Uint8Array of length ${len}, got ${value === null ? 'null' : typeof value}`);
  }
  abytes(name, value, len);
  for (let i = skip; i < len; i++) out[o + i - skip] = value[i];
}

/** Writes a 32-bit unsigned integer big-endian. */
function put32(out: Uint8Array, o: number, v: number): void {
  out[o] = v >>> 24;
  out[o + 1] = v >>> 16;
  out[o + 2] = v >>> 8;
  out[o + 3] = v;
}

/** Amounts and balances: integer fen in [0, 2^32). */
function afen(name: string, value: unknown): number {
  return aint(name, value, 0, 0xffffffff);
}

// ---------------------------------------------------------------------------------------------
// BCD dates and times

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function bcd(out: Uint8Array, o: number, v: number, digits: number): void {
  for (let i = digits / 2 - 1; i >= 0; i--) {
    const two = v % 100;
    out[o + i] = (Math.floor(two / 10) << 4) | two % 10;
    v = Math.floor(v / 100);
  }
}

/** Decimal value of BCD bytes, or -1 when a nibble is not a digit. */
function unbcd(b: Uint8Array, o: number, n: number): number {
  let v = 0;
  for (let i = o; i < o + n; i++) {
    const hi = b[i] >> 4;
    const lo = b[i] & 0x0f;
    if (hi > 9 || lo > 9) return -1;
    v = v * 100 + hi * 10 + lo;
  }
  return v;
}

const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Calendar date, Gregorian. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}
/** Time of day. */
export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}
/** Both, as a terminal's clock gives them. */
export type DateTime = CalendarDate & TimeOfDay;

function checkDate(name: string, year: number, month: number, day: number, shown: () => string): void {
  const bad = (why: string): never => {
    throw new RangeError(`"${name}" expected a valid date, got ${shown()} (${why})`);
  };
  if (year < 1) bad(`year ${year}`);
  if (month < 1 || month > 12) bad(`month ${month}`);
  if (day < 1 || day > daysInMonth(year, month)) bad(`day ${day}`);
}

/**
 * A date as 4 BCD bytes YYYYMMDD.
 * @throws TypeError for a non-integer; RangeError for a year outside [1, 9999] or an invalid
 *   calendar date (leap years included).
 */
export function bcdDate(year: number, month: number, day: number): Uint8Array {
  aint('year', year, 1, 9999);
  aint('month', month, 1, 12);
  aint('day', day, 1, 31);
  checkDate('date', year, month, day, () => `${year}-${month}-${day}`);
  const out = new Uint8Array(4);
  bcd(out, 0, year, 4);
  bcd(out, 2, month, 2);
  bcd(out, 3, day, 2);
  return out;
}

/**
 * A time of day as 3 BCD bytes hhmmss.
 * @throws TypeError for a non-integer; RangeError for an hour outside [0, 23] or a minute or
 *   second outside [0, 59].
 */
export function bcdTime(hour: number, minute: number, second: number): Uint8Array {
  aint('hour', hour, 0, 23);
  aint('minute', minute, 0, 59);
  aint('second', second, 0, 59);
  const out = new Uint8Array(3);
  bcd(out, 0, hour, 2);
  bcd(out, 1, minute, 2);
  bcd(out, 2, second, 2);
  return out;
}

/**
 * Both BCD fields of a terminal's date and time.
 * @returns `{ date, time }`: 4 bytes BCD YYYYMMDD and 3 bytes BCD hhmmss.
 * @throws as {@link bcdDate} and {@link bcdTime}; TypeError when `dt` is not an object.
 */
export function dateTimeToBcd(dt: DateTime): { date: Uint8Array; time: Uint8Array } {
  const o = aobject('dateTime', dt) as unknown as DateTime;
  return { date: bcdDate(o.year, o.month, o.day), time: bcdTime(o.hour, o.minute, o.second) };
}

/**
 * Checks 4 bytes of BCD YYYYMMDD holding a valid calendar date.
 * @returns the date's fields.
 * @throws TypeError when not a Uint8Array; RangeError for another length, a non-digit nibble or
 *   an invalid date, naming `name`.
 */
export function parseBcdDate(date: Uint8Array, name = 'date'): CalendarDate {
  abytes(name, date, 4);
  const year = unbcd(date, 0, 2);
  const month = unbcd(date, 2, 1);
  const day = unbcd(date, 3, 1);
  if (year < 0 || month < 0 || day < 0) throw new RangeError(`"${name}" expected BCD YYYYMMDD, got ${hexOf(date)} (not BCD)`);
  checkDate(name, year, month, day, () => hexOf(date));
  return { year, month, day };
}

/**
 * Checks 3 bytes of BCD hhmmss holding a valid time of day.
 * @returns the time's fields.
 * @throws TypeError when not a Uint8Array; RangeError for another length, a non-digit nibble or
 *   an hour above 23 or a minute or second above 59, naming `name`.
 */
export function parseBcdTime(time: Uint8Array, name = 'time'): TimeOfDay {
  abytes(name, time, 3);
  const hour = unbcd(time, 0, 1);
  const minute = unbcd(time, 1, 1);
  const second = unbcd(time, 2, 1);
  if (hour < 0 || minute < 0 || second < 0) throw new RangeError(`"${name}" expected BCD hhmmss, got ${hexOf(time)} (not BCD)`);
  const why = hour > 23 ? `hour ${hour}` : minute > 59 ? `minute ${minute}` : second > 59 ? `second ${second}` : '';
  if (why) throw new RangeError(`"${name}" expected a valid time, got ${hexOf(time)} (${why})`);
  return { hour, minute, second };
}

// ---------------------------------------------------------------------------------------------
// MAC and TAC inputs [V] unless marked

/** Fields of a load MAC1 (returned by INITIALIZE FOR LOAD). */
export interface LoadMac1Fields {
  /** Balance before the load. */
  balanceFen: number;
  amountFen: number;
  /** Transaction type: {@link TX_TYPE} EP_LOAD (02) or ED_LOAD (01). */
  type: number;
  /** 6 bytes. */
  terminalId: Uint8Array;
}

/** Fields of a load MAC2 (sent with CREDIT FOR LOAD) and of the load TAC [P]. */
export interface LoadMac2Fields {
  amountFen: number;
  type: number;
  terminalId: Uint8Array;
  /** 4 bytes BCD YYYYMMDD. */
  date: Uint8Array;
  /** 3 bytes BCD hhmmss. */
  time: Uint8Array;
}

/** Fields of a load TAC: the load MAC2 input [P]. */
export type LoadTacFields = LoadMac2Fields;

/** Fields of a purchase MAC1 (computed by the PSAM, checked by DEBIT FOR PURCHASE). */
export interface PurchaseMac1Fields {
  amountFen: number;
  /** {@link TX_TYPE} EP_PURCHASE (06) or CAPP_PURCHASE (09). */
  type: number;
  terminalId: Uint8Array;
  date: Uint8Array;
  time: Uint8Array;
}

/** Fields of a purchase MAC2 (returned by DEBIT FOR PURCHASE, checked by the PSAM). */
export interface PurchaseMac2Fields {
  amountFen: number;
}

/** Fields of a purchase TAC. */
export interface PurchaseTacFields extends PurchaseMac1Fields {
  /** The PSAM's terminal transaction sequence number: 4 bytes, or a number below 2^32. */
  terminalSeq: number | Uint8Array;
}

/**
 * Load MAC1 input: balance 4 ‖ amount 4 ‖ type 1 ‖ terminal id 6 (15 bytes).
 * @throws TypeError / RangeError naming the bad field.
 */
export function loadMac1Input(fields: LoadMac1Fields): Uint8Array {
  const f = aobject('fields', fields);
  const balanceFen = afen('balanceFen', f.balanceFen);
  const amountFen = afen('amountFen', f.amountFen);
  const type = aint('type', f.type, 0, 0xff);
  const terminalId = abytes('terminalId', f.terminalId, 6);
  const out = new Uint8Array(15);
  put32(out, 0, balanceFen);
  put32(out, 4, amountFen);
  out[8] = type;
  out.set(terminalId, 9);
  return out;
}

/** amount 4 ‖ type 1 ‖ terminal id 6 ‖ [terminal seq 4] ‖ date 4 ‖ time 3. */
function amountTypeTerminalDateTime(fields: unknown, withSeq: boolean): Uint8Array {
  const f = aobject('fields', fields);
  const amountFen = afen('amountFen', f.amountFen);
  const type = aint('type', f.type, 0, 0xff);
  const terminalId = abytes('terminalId', f.terminalId, 6);
  const out = new Uint8Array(withSeq ? 22 : 18);
  let o = 11;
  if (withSeq) {
    putUintField('terminalSeq', f.terminalSeq, 4, out, o);
    o += 4;
  }
  const date = f.date as Uint8Array;
  const time = f.time as Uint8Array;
  parseBcdDate(date);
  parseBcdTime(time);
  put32(out, 0, amountFen);
  out[4] = type;
  out.set(terminalId, 5);
  out.set(date, o);
  out.set(time, o + 4);
  return out;
}

/**
 * Load MAC2 input: amount 4 ‖ type 1 ‖ terminal id 6 ‖ date 4 ‖ time 3 (18 bytes).
 * @throws TypeError / RangeError naming the bad field (dates and times must be valid BCD).
 */
export function loadMac2Input(fields: LoadMac2Fields): Uint8Array {
  return amountTypeTerminalDateTime(fields, false);
}

/**
 * Load TAC input: the load MAC2 input [P] (DOMAIN.md §3: the public examples show only the
 * purchase TAC; the ssc3 profile MACs the load's MAC2 fields).
 * @throws as {@link loadMac2Input}.
 */
export function loadTacInput(fields: LoadTacFields): Uint8Array {
  return amountTypeTerminalDateTime(fields, false);
}

/**
 * Purchase MAC1 input: amount 4 ‖ type 1 ‖ terminal id 6 ‖ date 4 ‖ time 3 (18 bytes).
 * @throws TypeError / RangeError naming the bad field.
 */
export function purchaseMac1Input(fields: PurchaseMac1Fields): Uint8Array {
  return amountTypeTerminalDateTime(fields, false);
}

/**
 * Purchase MAC2 input: amount 4.
 * @throws TypeError / RangeError naming the bad field.
 */
export function purchaseMac2Input(fields: PurchaseMac2Fields): Uint8Array {
  const f = aobject('fields', fields);
  const out = new Uint8Array(4);
  put32(out, 0, afen('amountFen', f.amountFen));
  return out;
}

/**
 * Purchase TAC input [S]: amount 4 ‖ type 1 ‖ terminal id 6 ‖ terminal seq 4 ‖ date 4 ‖ time 3
 * (22 bytes).
 * @throws TypeError / RangeError naming the bad field.
 */
export function purchaseTacInput(fields: PurchaseTacFields): Uint8Array {
  return amountTypeTerminalDateTime(fields, true);
}

// ---------------------------------------------------------------------------------------------
// Prepared keys

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

let makePrepared!: (alg: PurseAlg, use: 'card' | 'tac', cipher: DesKey | Sm4Key) => PreparedPurseKey;
let cipherOf!: (key: PreparedPurseKey) => DesKey | Sm4Key;

/**
 * A 16-byte purse key expanded once, for one algorithm and one use:
 * - 'card' — a card key or an issuer master key, as {@link diversifyKey} and the session key
 *   derivations take it (3DES: the 2-key 3DES schedule; SM4: the SM4 schedule);
 * - 'tac' — a card's TAC key as {@link tac} takes it (3DES: the single-DES schedule of
 *   K[0..7] XOR K[8..15]; SM4: the SM4 schedule of K).
 * It keeps no key bytes, prints as `PreparedPurseKey { alg, use }` and `destroy()` zeroes it.
 * Build one with {@link prepareCardKey} or {@link prepareTacKey}.
 */
export class PreparedPurseKey {
  readonly #cipher: DesKey | Sm4Key;
  #destroyed = false;

  private constructor(
    readonly alg: PurseAlg,
    readonly use: 'card' | 'tac',
    cipher: DesKey | Sm4Key,
  ) {
    this.#cipher = cipher;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Zeroes the schedule; later use throws. Idempotent. */
  destroy(): void {
    const c = this.#cipher;
    if (c instanceof DesKey) c.destroy();
    else c.wipe();
    this.#destroyed = true;
  }

  static {
    // Module-private access, as sm4.ts does for Sm4Key: the schedule stays out of the public type.
    makePrepared = (alg, use, cipher) => new PreparedPurseKey(alg, use, cipher);
    cipherOf = (key) => key.#cipher;
  }

  toString(): string {
    return `PreparedPurseKey { alg: ${this.alg}, use: ${this.use}${this.#destroyed ? ', destroyed' : ''} }`;
  }

  toJSON(): { alg: PurseAlg; use: string } {
    return { alg: this.alg, use: this.use };
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * Expands a card key or master key for {@link diversifyKey}, {@link deriveSessionKey} and the
 * session key functions.
 * @returns a new PreparedPurseKey (use 'card').
 * @throws RangeError for an unknown alg; TypeError / RangeError for a key not 16 bytes.
 */
export function prepareCardKey(alg: PurseAlg, key: Uint8Array): PreparedPurseKey {
  const a = aalg(alg);
  abytes('key', key, CARD_KEY_LEN);
  return makePrepared(a, 'card', a === '3des' ? new DesKey(key) : new Sm4Key(key));
}

/**
 * Expands a card's TAC key for {@link tac} (3DES: folded first, as tac() does).
 * @returns a new PreparedPurseKey (use 'tac').
 * @throws RangeError for an unknown alg; TypeError / RangeError for a key not 16 bytes.
 */
export function prepareTacKey(alg: PurseAlg, key: Uint8Array): PreparedPurseKey {
  const a = aalg(alg);
  abytes('key', key, CARD_KEY_LEN);
  if (a === 'sm4') return makePrepared(a, 'tac', new Sm4Key(key));
  const folded = new Uint8Array(8);
  for (let i = 0; i < 8; i++) folded[i] = key[i] ^ key[8 + i];
  try {
    return makePrepared(a, 'tac', new DesKey(folded));
  } finally {
    wipe(folded);
  }
}

/**
 * A key argument: raw bytes of `len`, or a prepared key of this alg and use.
 * @throws TypeError for another type or a destroyed key; RangeError for a wrong length, alg or use.
 */
function akeyArg(name: string, key: unknown, a: PurseAlg, use: 'card' | 'tac', len: number): Uint8Array | DesKey | Sm4Key {
  if (key instanceof PreparedPurseKey) {
    if (key.destroyed) throw new TypeError(`"${name}" is a destroyed PreparedPurseKey`);
    if (key.alg !== a || key.use !== use) throw new RangeError(`"${name}" expected a '${a}' key prepared for '${use}', got ${key}`);
    return cipherOf(key);
  }
  return abytes(name, key, len);
}

// ---------------------------------------------------------------------------------------------
// Keys

/**
 * A card's own key from an issuer master key. f = the last 8 bytes of the application serial
 * number (0015 bytes 10..19); 3DES: `3DES-ECB(MK, f) ‖ 3DES-ECB(MK, ~f)` [S]; SM4:
 * `SM4-ECB(MK, f ‖ ~f)`, one block [S: a developer write-up; adopted as ssc3 profile, P].
 * @param masterKey 16 bytes, or the key from {@link prepareCardKey}.
 * @param appSerial the 10-byte serial from 0015, or its last 8 bytes (as the PSAM gets them).
 * @returns a new 16-byte key.
 * @throws RangeError for an unknown alg; TypeError / RangeError for a masterKey not 16 bytes
 *   (or prepared for another alg or use) or an appSerial not 10 or 8 bytes.
 */
export function diversifyKey(alg: PurseAlg, masterKey: Uint8Array | PreparedPurseKey, appSerial: Uint8Array): Uint8Array {
  const a = aalg(alg);
  const mk = akeyArg('masterKey', masterKey, a, 'card', CARD_KEY_LEN);
  abytes('appSerial', appSerial, 10, 8);
  // Indexed, not through a view: a view into a short array moves it off V8's heap (≈ 0.5 µs).
  const at = appSerial.length - 8;
  const block = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    block[i] = appSerial[at + i];
    block[8 + i] = ~appSerial[at + i] & 0xff;
  }
  // ECB over f ‖ ~f: two independent 3DES blocks, or one SM4 block.
  return a === '3des' ? desEcbEncrypt(mk as DesKey | Uint8Array, block) : sm4EcbEncrypt(mk as Sm4Key | Uint8Array, block);
}

/** An issuer's master keys, or a card's diversified keys: 16 bytes each. */
export interface PurseKeys {
  purchase: Uint8Array;
  load: Uint8Array;
  tac: Uint8Array;
}

/**
 * Diversifies the three purse master keys for one card ({@link diversifyKey} each).
 * @returns new 16-byte keys.
 * @throws as {@link diversifyKey}, naming `masters.purchase` etc.
 */
export function diversifyCardKeys(alg: PurseAlg, masters: PurseKeys, appSerial: Uint8Array): PurseKeys {
  const m = aobject('masters', masters);
  const one = (k: 'purchase' | 'load' | 'tac'): Uint8Array =>
    diversifyKey(alg, abytes(`masters.${k}`, m[k], CARD_KEY_LEN), appSerial);
  return { purchase: one('purchase'), load: one('load'), tac: one('tac') };
}

/**
 * Load session key input [V]: random 4 ‖ online counter 2 ‖ 80 00.
 * @param onlineCounter the card's online transaction counter before this load: a number in
 *   [0, 0xffff] or 2 bytes.
 * @throws TypeError / RangeError naming the bad field.
 */
export function loadSessionKeyInput(random: Uint8Array, onlineCounter: number | Uint8Array): Uint8Array {
  abytes('random', random, 4);
  const out = new Uint8Array(8);
  out.set(random);
  putUintField('onlineCounter', onlineCounter, 2, out, 4);
  out[6] = 0x80;
  return out;
}

/**
 * Purchase session key input [V]: random 4 ‖ offline counter 2 ‖ terminal seq bytes [2..3].
 * @param offlineCounter a number in [0, 0xffff] or 2 bytes.
 * @param terminalSeq the PSAM's 4-byte sequence number, or a number below 2^32.
 * @throws TypeError / RangeError naming the bad field.
 */
export function purchaseSessionKeyInput(
  random: Uint8Array,
  offlineCounter: number | Uint8Array,
  terminalSeq: number | Uint8Array,
): Uint8Array {
  abytes('random', random, 4);
  const out = new Uint8Array(8);
  out.set(random);
  putUintField('offlineCounter', offlineCounter, 2, out, 4);
  putUintField('terminalSeq', terminalSeq, 4, out, 6, 2);
  return out;
}

/**
 * A session key from a card key and an 8-byte session input. 3DES [V]: 2-key 3DES-ECB of the
 * input, an 8-byte single-DES key. SM4 [P]: `SM4-ECB(K_card, input ‖ 80 00 00 00 00 00 00 00)`,
 * 16 bytes.
 * @param cardKey 16 bytes, or the key from {@link prepareCardKey} (so for the load and
 *   purchase session key functions).
 * @returns a new key of {@link SESSION_KEY_LEN}[alg] bytes; the caller wipes it after use.
 * @throws RangeError for an unknown alg; TypeError / RangeError for a cardKey not 16 bytes (or
 *   prepared for another alg or use) or an input not 8 bytes.
 */
export function deriveSessionKey(alg: PurseAlg, cardKey: Uint8Array | PreparedPurseKey, input: Uint8Array): Uint8Array {
  const a = aalg(alg);
  const k = akeyArg('cardKey', cardKey, a, 'card', CARD_KEY_LEN);
  abytes('input', input, 8);
  if (a === '3des') return desEncryptBlock(k as DesKey | Uint8Array, input);
  const block = new Uint8Array(16);
  block.set(input);
  block[8] = 0x80;
  return sm4EncryptBlock(k as Sm4Key | Uint8Array, block, block);
}

/**
 * The load session key (see {@link loadSessionKeyInput}, {@link deriveSessionKey}).
 * @throws as those, naming the bad field.
 */
export function loadSessionKey(
  alg: PurseAlg,
  cardLoadKey: Uint8Array | PreparedPurseKey,
  random: Uint8Array,
  onlineCounter: number | Uint8Array,
): Uint8Array {
  akeyArg('cardLoadKey', cardLoadKey, aalg(alg), 'card', CARD_KEY_LEN);
  return deriveSessionKey(alg, cardLoadKey, loadSessionKeyInput(random, onlineCounter));
}

/**
 * The purchase session key (see {@link purchaseSessionKeyInput}, {@link deriveSessionKey}).
 * @throws as those, naming the bad field.
 */
export function purchaseSessionKey(
  alg: PurseAlg,
  cardPurchaseKey: Uint8Array | PreparedPurseKey,
  random: Uint8Array,
  offlineCounter: number | Uint8Array,
  terminalSeq: number | Uint8Array,
): Uint8Array {
  akeyArg('cardPurchaseKey', cardPurchaseKey, aalg(alg), 'card', CARD_KEY_LEN);
  return deriveSessionKey(alg, cardPurchaseKey, purchaseSessionKeyInput(random, offlineCounter, terminalSeq));
}

// ---------------------------------------------------------------------------------------------
// MACs and TACs

function mac4(a: PurseAlg, key: Uint8Array | DesKey | Sm4Key, data: Uint8Array): Uint8Array {
  // ISO/IEC 9797-1 MAC algorithm 1, ICV 0, padding method 2; the purse keeps the first 4 bytes.
  const full = a === '3des' ? mac9797Alg1(key as DesKey | Uint8Array, data, DES_M2) : sm4CbcMac(key as Sm4Key | Uint8Array, data, SM4_M2);
  return full.slice(0, MAC_LEN);
}

const DES_M2 = { padding: 'm2' } as const;
const SM4_M2 = { padding: 'iso9797-m2' } as const;

/**
 * A purse MAC (MAC1, MAC2): 3DES [V]: single-DES CBC-MAC under the 8-byte session key; SM4 [P]:
 * SM4 CBC-MAC under the 16-byte session key. Both: ICV 0, ISO/IEC 9797-1 padding method 2 (to
 * 8- or 16-byte blocks), first 4 bytes.
 * @returns 4 new bytes.
 * @throws RangeError for an unknown alg; TypeError / RangeError for a sessionKey not of
 *   {@link SESSION_KEY_LEN}[alg] bytes or data not a Uint8Array.
 */
export function purseMac(alg: PurseAlg, sessionKey: Uint8Array, data: Uint8Array): Uint8Array {
  const a = aalg(alg);
  abytes('sessionKey', sessionKey, SESSION_KEY_LEN[a]);
  abytes('data', data);
  return mac4(a, sessionKey, data);
}

/**
 * A TAC under the card's own (diversified) TAC key. 3DES [S]: the DES MAC of {@link purseMac}
 * under `K_TAC[0..7] XOR K_TAC[8..15]`; SM4 [P]: the SM4 MAC under K_TAC itself, no folding.
 * @returns 4 new bytes.
 * @param cardTacKey the raw key, or one from {@link prepareTacKey}.
 * @throws RangeError for an unknown alg; TypeError / RangeError for a cardTacKey not 16 bytes
 *   (or prepared for another alg or use) or data not a Uint8Array.
 */
export function tac(alg: PurseAlg, cardTacKey: Uint8Array | PreparedPurseKey, data: Uint8Array): Uint8Array {
  const a = aalg(alg);
  const k = akeyArg('cardTacKey', cardTacKey, a, 'tac', CARD_KEY_LEN);
  abytes('data', data);
  if (!isBytes(k) || a === 'sm4') return mac4(a, k, data);
  const folded = new Uint8Array(8);
  for (let i = 0; i < 8; i++) folded[i] = k[i] ^ k[8 + i];
  try {
    return mac4(a, folded, data);
  } finally {
    wipe(folded);
  }
}

// ---------------------------------------------------------------------------------------------
// Whole computations, as the card and the terminals use them

/** What a load session key is derived from (INITIALIZE FOR LOAD). */
export interface LoadSession {
  /** The card's 4-byte random. */
  random: Uint8Array;
  /** Online counter before the load: number or 2 bytes. */
  onlineCounter: number | Uint8Array;
}

/** What a purchase session key is derived from (INITIALIZE FOR PURCHASE + PSAM). */
export interface PurchaseSession {
  random: Uint8Array;
  /** Offline counter before the purchase: number or 2 bytes. */
  offlineCounter: number | Uint8Array;
  /** The PSAM's terminal sequence number: number or 4 bytes. */
  terminalSeq: number | Uint8Array;
}

function withSessionKey(alg: PurseAlg, keyOf: () => Uint8Array, data: Uint8Array): Uint8Array {
  const sk = keyOf();
  try {
    return mac4(alg, sk, data);
  } finally {
    wipe(sk);
  }
}

function aLoadSession(alg: PurseAlg, cardLoadKey: Uint8Array, session: LoadSession): () => Uint8Array {
  aalg(alg);
  abytes('cardLoadKey', cardLoadKey, CARD_KEY_LEN);
  const s = aobject('session', session) as unknown as LoadSession;
  const input = loadSessionKeyInput(s.random, s.onlineCounter);
  return () => deriveSessionKey(alg, cardLoadKey, input);
}

function aPurchaseSession(alg: PurseAlg, cardPurchaseKey: Uint8Array, session: PurchaseSession): () => Uint8Array {
  aalg(alg);
  abytes('cardPurchaseKey', cardPurchaseKey, CARD_KEY_LEN);
  const s = aobject('session', session) as unknown as PurchaseSession;
  const input = purchaseSessionKeyInput(s.random, s.offlineCounter, s.terminalSeq);
  return () => deriveSessionKey(alg, cardPurchaseKey, input);
}

/**
 * Load MAC1 (card, INITIALIZE FOR LOAD; checked by the load host). The session key is wiped.
 * @returns 4 new bytes.
 * @throws TypeError / RangeError naming the bad argument or field.
 */
export function computeLoadMac1(alg: PurseAlg, cardLoadKey: Uint8Array, session: LoadSession, fields: LoadMac1Fields): Uint8Array {
  const key = aLoadSession(alg, cardLoadKey, session);
  return withSessionKey(alg, key, loadMac1Input(fields));
}

/**
 * Load MAC2 (load host; checked by the card in CREDIT FOR LOAD). The session key is wiped.
 * @returns 4 new bytes.
 * @throws TypeError / RangeError naming the bad argument or field.
 */
export function computeLoadMac2(alg: PurseAlg, cardLoadKey: Uint8Array, session: LoadSession, fields: LoadMac2Fields): Uint8Array {
  const key = aLoadSession(alg, cardLoadKey, session);
  return withSessionKey(alg, key, loadMac2Input(fields));
}

/**
 * Load TAC (card, CREDIT FOR LOAD) over the load MAC2 fields [P].
 * @returns 4 new bytes.
 * @throws TypeError / RangeError naming the bad argument or field.
 */
export function computeLoadTac(alg: PurseAlg, cardTacKey: Uint8Array, fields: LoadTacFields): Uint8Array {
  aalg(alg);
  abytes('cardTacKey', cardTacKey, CARD_KEY_LEN);
  return tac(alg, cardTacKey, loadTacInput(fields));
}

/**
 * Purchase MAC1 (PSAM, INIT SAM FOR PURCHASE; checked by the card in DEBIT FOR PURCHASE). The
 * session key is wiped.
 * @returns 4 new bytes.
 * @throws TypeError / RangeError naming the bad argument or field.
 */
export function computePurchaseMac1(
  alg: PurseAlg,
  cardPurchaseKey: Uint8Array,
  session: PurchaseSession,
  fields: PurchaseMac1Fields,
): Uint8Array {
  const key = aPurchaseSession(alg, cardPurchaseKey, session);
  return withSessionKey(alg, key, purchaseMac1Input(fields));
}

/**
 * Purchase MAC2 (card, DEBIT FOR PURCHASE; checked by the PSAM). The session key is wiped.
 * @returns 4 new bytes.
 * @throws TypeError / RangeError naming the bad argument or field.
 */
export function computePurchaseMac2(
  alg: PurseAlg,
  cardPurchaseKey: Uint8Array,
  session: PurchaseSession,
  fields: PurchaseMac2Fields,
): Uint8Array {
  const key = aPurchaseSession(alg, cardPurchaseKey, session);
  return withSessionKey(alg, key, purchaseMac2Input(fields));
}

/**
 * Purchase TAC (card, DEBIT FOR PURCHASE; checked at clearing).
 * @returns 4 new bytes.
 * @throws TypeError / RangeError naming the bad argument or field.
 */
export function computePurchaseTac(alg: PurseAlg, cardTacKey: Uint8Array, fields: PurchaseTacFields): Uint8Array {
  aalg(alg);
  abytes('cardTacKey', cardTacKey, CARD_KEY_LEN);
  return tac(alg, cardTacKey, purchaseTacInput(fields));
}

/**
 * Compares a received 4-byte MAC or TAC with the expected one, without an early exit.
 * @throws TypeError / RangeError when either is not 4 bytes (a length mismatch is a caller bug:
 *   the APDU layer has already checked Lc).
 */
export function macMatches(received: Uint8Array, expected: Uint8Array): boolean {
  abytes('received', received, MAC_LEN);
  abytes('expected', expected, MAC_LEN);
  return equalBytes(received, expected);
}

/**
 * Card side of CREDIT FOR LOAD: does `mac2` match? (A mismatch answers 9302.)
 * @throws as {@link computeLoadMac2}, and for a mac2 not 4 bytes.
 */
export function verifyLoadMac2(
  alg: PurseAlg,
  cardLoadKey: Uint8Array,
  session: LoadSession,
  fields: LoadMac2Fields,
  mac2: Uint8Array,
): boolean {
  abytes('mac2', mac2, MAC_LEN);
  return equalBytes(computeLoadMac2(alg, cardLoadKey, session, fields), mac2);
}

/**
 * Card side of DEBIT FOR PURCHASE: does `mac1` match? (A mismatch answers 9302.)
 * @throws as {@link computePurchaseMac1}, and for a mac1 not 4 bytes.
 */
export function verifyPurchaseMac1(
  alg: PurseAlg,
  cardPurchaseKey: Uint8Array,
  session: PurchaseSession,
  fields: PurchaseMac1Fields,
  mac1: Uint8Array,
): boolean {
  abytes('mac1', mac1, MAC_LEN);
  return equalBytes(computePurchaseMac1(alg, cardPurchaseKey, session, fields), mac1);
}

// ---------------------------------------------------------------------------------------------
// Demo issuer [P]

/**
 * The demo issuer's master keys and key references [P] (DOMAIN.md §3) — TEST AND DEMO ONLY,
 * public by design: never personalise a card meant to hold value with them. Both profiles use
 * the same 16-byte masters:
 *   purchase `00112233445566778899aabbccddeeff`, load `0f1e2d3c4b5a69788796a5b4c3d2e1f0`,
 *   TAC `f0e1d2c3b4a5968778695a4b3c2d1e0f`, key index 01, key version 01.
 * The object is frozen and each key property returns a fresh copy, so no caller can alter the
 * keys another sees (a typed array's contents cannot be frozen).
 */
export const DEMO_ISSUER_KEYS: Readonly<PurseKeys & { keyIndex: number; keyVersion: number }> = Object.freeze({
  get purchase(): Uint8Array {
    return hexToBytes('00112233445566778899aabbccddeeff');
  },
  get load(): Uint8Array {
    return hexToBytes('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
  },
  get tac(): Uint8Array {
    return hexToBytes('f0e1d2c3b4a5968778695a4b3c2d1e0f');
  },
  keyIndex: 0x01,
  keyVersion: 0x01,
});
