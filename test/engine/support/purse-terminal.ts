// A tiny in-test "terminal" for the transit purse: it sends APDUs to a Card, parses the
// responses of DOMAIN.md §3 and computes the terminal side of the purse cryptography (load host
// MAC2, PSAM MAC1) and the checks a clearing house makes (TAC, MAC2) with
// engine/apps/transit/purse-crypto.ts and the demo issuer master keys — independently of the
// card's own key cells, which the card never outputs.
import type { Card } from '../../../engine/card/card.js';
import { TRANSIT_AID, cells, SFI } from '../../../engine/apps/transit/layout.js';
import type { DfNode } from '../../../engine/card/fs.js';
import * as pc from '../../../engine/apps/transit/purse-crypto.js';
import type { PurseAlg, PurseKeys } from '../../../engine/apps/transit/purse-crypto.js';
import { bytesToHex, concatBytes, hexToBytes } from '../../../crypto/utils.js';

/** Hex with optional spaces (human-written transcripts only). */
export function h(hex: string): Uint8Array {
  return hexToBytes(hex.replace(/\s+/g, ''));
}

export const hx = bytesToHex;

export interface Response {
  data: Uint8Array;
  sw: number;
}

/** Response bytes → data and status word. */
export function split(resp: Uint8Array): Response {
  return { data: resp.subarray(0, resp.length - 2), sw: (resp[resp.length - 2] << 8) | resp[resp.length - 1] };
}

/** Sends one APDU (bytes or hex with spaces); returns data and SW (no T=0 handling). */
export function send(card: Card, apdu: Uint8Array | string): Response {
  return split(card.transmit(typeof apdu === 'string' ? h(apdu) : apdu));
}

/** Sends one APDU; under T=0 fetches 61xx data with GET RESPONSE, as a reader driver does. */
export function exchange(card: Card, apdu: Uint8Array | string): Response {
  let r = send(card, apdu);
  let data: Uint8Array = r.data;
  while ((r.sw & 0xff00) === 0x6100) {
    r = send(card, Uint8Array.of(0x00, 0xc0, 0x00, 0x00, r.sw & 0xff));
    data = concatBytes(data, r.data);
  }
  return { data, sw: r.sw };
}

export const TRANSIT_AID_BYTES = hexToBytes(TRANSIT_AID);
export const SELECT_TRANSIT = `00A4040008${TRANSIT_AID}`;

export function be(n: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = n & 0xff;
    n = Math.floor(n / 256);
  }
  return out;
}

export function num(b: Uint8Array): number {
  let n = 0;
  for (const x of b) n = n * 256 + x;
  return n;
}

/** The transit ADF of a card (for NVM cell names). */
export function transitDf(card: Card): DfNode {
  return card.fs.findByAid(TRANSIT_AID_BYTES)!;
}

/** Purse cells read straight from NVM (no APDU: does not disturb a session). */
export function peekPurse(card: Card): { balanceFen: number; online: number; offline: number; lastLoad: string; lastPurchase: string } {
  const df = transitDf(card);
  const n = (k: string) => num(card.peekCell(k) ?? new Uint8Array(0));
  return {
    balanceFen: n(cells.balance(df)),
    online: n(cells.onlineCounter(df)),
    offline: n(cells.offlineCounter(df)),
    lastLoad: hx(card.peekCell(cells.lastTransaction(df, 'online')) ?? new Uint8Array(0)),
    lastPurchase: hx(card.peekCell(cells.lastTransaction(df, 'offline')) ?? new Uint8Array(0)),
  };
}

/** The whole NVM as hex (what a tear must leave exactly before or exactly after). */
export function nvmCells(card: Card): Record<string, string> {
  return card.toJSON().nvm.cells;
}

/**
 * The card's own keys as the issuer (load host, PSAM, clearing) derives them: the demo masters
 * diversified by the app serial of EF 0015 bytes 10..19, read by APDU.
 */
export function cardKeysOf(card: Card, alg: PurseAlg): PurseKeys & { serial: Uint8Array } {
  const ef15 = exchange(card, '00B095001E');
  if (ef15.sw !== 0x9000) throw new Error(`READ BINARY 0015 answered ${ef15.sw.toString(16)}`);
  const serial = ef15.data.slice(10, 20);
  return { ...pc.diversifyCardKeys(alg, pc.DEMO_ISSUER_KEYS, serial), serial };
}

export const TERMINAL_ID = h('200041599997');
export const DATE = h('20260314');
export const TIME = h('164329');

export interface LoadInit {
  balanceFen: number;
  counter: number;
  keyVersion: number;
  algId: number;
  random: Uint8Array;
  mac1: Uint8Array;
}

export function initLoadApdu(amountFen: number, terminalId = TERMINAL_ID, keyIndex = 1): Uint8Array {
  return concatBytes(h('805000020B'), Uint8Array.of(keyIndex), be(amountFen, 4), terminalId, Uint8Array.of(0x10));
}

/** INITIALIZE FOR LOAD response: balance 4 · online counter 2 · key version 1 · alg id 1 · random 4 · MAC1 4. */
export function parseLoadInit(d: Uint8Array): LoadInit {
  if (d.length !== 16) throw new Error(`INITIALIZE FOR LOAD answered ${d.length} bytes`);
  return { balanceFen: num(d.subarray(0, 4)), counter: num(d.subarray(4, 6)), keyVersion: d[6], algId: d[7], random: d.slice(8, 12), mac1: d.slice(12, 16) };
}

export interface PurchaseInit {
  balanceFen: number;
  counter: number;
  overdraftFen: number;
  keyVersion: number;
  algId: number;
  random: Uint8Array;
}

export function initPurchaseApdu(kind: 'purchase' | 'capp', amountFen: number, terminalId = TERMINAL_ID, keyIndex = 1): Uint8Array {
  return concatBytes(Uint8Array.of(0x80, 0x50, kind === 'capp' ? 0x03 : 0x01, 0x02, 0x0b, keyIndex), be(amountFen, 4), terminalId, Uint8Array.of(0x0f));
}

/** INITIALIZE FOR (CAPP) PURCHASE response: balance 4 · offline counter 2 · overdraft 3 · key version 1 · alg id 1 · random 4. */
export function parsePurchaseInit(d: Uint8Array): PurchaseInit {
  if (d.length !== 15) throw new Error(`INITIALIZE FOR PURCHASE answered ${d.length} bytes`);
  return { balanceFen: num(d.subarray(0, 4)), counter: num(d.subarray(4, 6)), overdraftFen: num(d.subarray(6, 9)), keyVersion: d[9], algId: d[10], random: d.slice(11, 15) };
}

/** The load host: MAC2 for CREDIT FOR LOAD. */
export function loadMac2(alg: PurseAlg, keys: PurseKeys, init: LoadInit, amountFen: number, terminalId = TERMINAL_ID, date = DATE, time = TIME): Uint8Array {
  return pc.computeLoadMac2(alg, keys.load, { random: init.random, onlineCounter: init.counter }, { amountFen, type: pc.TX_TYPE.EP_LOAD, terminalId, date, time });
}

export function creditApdu(mac2: Uint8Array, date = DATE, time = TIME): Uint8Array {
  return concatBytes(h('805200000B'), date, time, mac2, Uint8Array.of(0x04));
}

/** The PSAM: MAC1 for DEBIT FOR (CAPP) PURCHASE. */
export function purchaseMac1(
  alg: PurseAlg,
  keys: PurseKeys,
  init: PurchaseInit,
  amountFen: number,
  type: number,
  terminalSeq: Uint8Array,
  terminalId = TERMINAL_ID,
  date = DATE,
  time = TIME,
): Uint8Array {
  return pc.computePurchaseMac1(alg, keys.purchase, { random: init.random, offlineCounter: init.counter, terminalSeq }, { amountFen, type, terminalId, date, time });
}

export function debitApdu(terminalSeq: Uint8Array, mac1: Uint8Array, date = DATE, time = TIME): Uint8Array {
  return concatBytes(h('805401000F'), terminalSeq, date, time, mac1, Uint8Array.of(0x08));
}

/** A complete load with a correct MAC2; returns the TAC. Throws on any unexpected SW. */
export function load(card: Card, alg: PurseAlg, keys: PurseKeys, amountFen: number, terminalId = TERMINAL_ID): Uint8Array {
  const r = exchange(card, initLoadApdu(amountFen, terminalId));
  if (r.sw !== 0x9000) throw new Error(`INITIALIZE FOR LOAD answered ${r.sw.toString(16)}`);
  const init = parseLoadInit(r.data);
  const c = exchange(card, creditApdu(loadMac2(alg, keys, init, amountFen, terminalId)));
  if (c.sw !== 0x9000) throw new Error(`CREDIT FOR LOAD answered ${c.sw.toString(16)}`);
  return c.data;
}

/** A complete EP purchase with a correct MAC1; returns TAC ‖ MAC2. Throws on any unexpected SW. */
export function purchase(card: Card, alg: PurseAlg, keys: PurseKeys, amountFen: number, terminalSeq = h('00000057')): Uint8Array {
  const r = exchange(card, initPurchaseApdu('purchase', amountFen));
  if (r.sw !== 0x9000) throw new Error(`INITIALIZE FOR PURCHASE answered ${r.sw.toString(16)}`);
  const init = parsePurchaseInit(r.data);
  const d = exchange(card, debitApdu(terminalSeq, purchaseMac1(alg, keys, init, amountFen, pc.TX_TYPE.EP_PURCHASE, terminalSeq)));
  if (d.sw !== 0x9000) throw new Error(`DEBIT FOR PURCHASE answered ${d.sw.toString(16)}`);
  return d.data;
}

/** A 128-byte 1A record with id `id` and a given state byte (CRC not maintained: the card does not check it). */
export function compoundRecord(id: number, state: number, fill = 0): Uint8Array {
  const r = new Uint8Array(128).fill(fill);
  r[0] = id;
  r[1] = 0x7f;
  r[2] = 0x00;
  r[3] = state;
  return r;
}

/** A 48-byte 1E travel record. */
export function travelRecord(tag: number): Uint8Array {
  const r = new Uint8Array(48);
  r[0] = 0x09;
  r.fill(tag, 1, 9);
  r[9] = 0x01;
  return r;
}

export const SFI_P2 = {
  txLog: (SFI.TX_LOG << 3) | 4,
  compound: (SFI.COMPOUND << 3) | 4,
  travel: (SFI.TRAVEL_LOG << 3) | 4,
} as const;
