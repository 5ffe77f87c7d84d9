/**
 * The transit application: a PBOC / JT/T 978 electronic purse (EP) with the compound (CAPP)
 * purchase of China T-Union cards (DOMAIN.md §3). Commands:
 *   80 5C GET BALANCE · 80 50 INITIALIZE FOR LOAD / PURCHASE / CAPP PURCHASE · 80 52 CREDIT FOR
 *   LOAD · 80 DC UPDATE CAPP DATA CACHE · 80 54 DEBIT FOR (CAPP) PURCHASE · 80 5A GET
 *   TRANSACTION PROVE; reads of 0015–001E are ISO commands served by the OS.
 *
 * Atomicity [V]: CREDIT and DEBIT change balance, counter, the 0018 log, the last-transaction
 * proof and (for CAPP) every cached 80DC record in one transaction: the runtime commits them
 * together or not at all. INITIALIZE opens a volatile session; any other command cancels it,
 * as PBOC cards do.
 */
import type { CommandApdu } from '../../apdu/command.js';
import { SW, SwError } from '../../apdu/sw.js';
import { NOT_HANDLED } from '../../card/app.js';
import type { AppContext, AppHandler, HandlerResult } from '../../card/app.js';
import { appendRecord, findRecordById, readBinary, readRecord, updateRecord } from '../../card/fs.js';
import type { DfNode, EfNode } from '../../card/fs.js';
import { cells, SFI, TX_TYPE } from './layout.js';
import * as pc from './purse-crypto.js';
import { concatBytes, equalBytes } from '../../../crypto/utils.js';

const INS = { GET_BALANCE: 0x5c, INITIALIZE: 0x50, CREDIT_FOR_LOAD: 0x52, UPDATE_CAPP_CACHE: 0xdc, DEBIT: 0x54, GET_PROVE: 0x5a } as const;
/** P2 of GET BALANCE / INITIALIZE: 01 ED, 02 EP; only the EP exists on this card. */
const EP = 0x02;

interface CachedRecord {
  ef: EfNode;
  /** 0 = append (cyclic); otherwise the record number to replace. */
  record: number;
  data: Uint8Array;
}

interface LoadSession {
  kind: 'load';
  alg: pc.PurseAlg;
  amountFen: number;
  terminalId: Uint8Array;
  counter: number;
  sessionKey: Uint8Array;
  keyIndex: number;
}

interface PurchaseSession {
  kind: 'purchase';
  type: number;
  alg: pc.PurseAlg;
  amountFen: number;
  terminalId: Uint8Array;
  counter: number;
  random: Uint8Array;
  keyIndex: number;
  cache: CachedRecord[];
}

type Session = LoadSession | PurchaseSession;

/** Date 4 ‖ time 3 of CREDIT / DEBIT must be valid BCD date-times, else 6A80 (never a 6F00). */
function checkDateTime(date: Uint8Array, time: Uint8Array): void {
  try {
    pc.parseBcdDate(date);
    pc.parseBcdTime(time);
  } catch (e) {
    throw new SwError(SW.WRONG_DATA, (e as Error).message);
  }
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}

function be(n: number, len: number): Uint8Array {
  return putBe(new Uint8Array(len), 0, n, len);
}

/** Writes `n` as `len` big-endian bytes at out[o..]: responses are built in one array. */
function putBe(out: Uint8Array, o: number, n: number, len: number): Uint8Array {
  for (let i = len - 1; i >= 0; i--) {
    out[o + i] = n & 0xff;
    n = Math.floor(n / 256);
  }
  return out;
}

/** Stages a new array made for this write, without a copy where the store can (Tx.adopt). */
function stage(ctx: AppContext, key: string, value: Uint8Array): void {
  if (ctx.tx.adopt) ctx.tx.adopt(key, value);
  else ctx.tx.set(key, value);
}

function readInt(ctx: AppContext, key: string): number {
  const b = ctx.tx.get(key);
  if (!b) return 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) n = n * 256 + b[i];
  return n;
}

/** A key cell read: key version 1 ‖ alg id 1 ‖ key 16. */
class KeyRecord {
  readonly version: number;
  readonly alg: pc.PurseAlg;
  readonly key: Uint8Array;
  #prepared: pc.PreparedPurseKey | undefined;

  /** @throws RangeError for an unknown alg id. */
  constructor(
    rec: Uint8Array,
    private readonly use: 'card' | 'tac',
  ) {
    this.version = rec[0];
    this.alg = pc.algFromId(rec[1]);
    this.key = rec.subarray(2);
  }

  /**
   * The key for `alg`, expanded on first use: purchase and load keys for the session-key
   * derivation, the TAC key folded for tac(). The raw bytes when the cell does not hold a
   * 16-byte key for `alg` (the purse-crypto call then fails exactly as it did with raw keys).
   */
  cipher(alg: pc.PurseAlg): Uint8Array | pc.PreparedPurseKey {
    if (alg !== this.alg || this.key.length !== pc.CARD_KEY_LEN) return this.key;
    return (this.#prepared ??= this.use === 'tac' ? pc.prepareTacKey(this.alg, this.key) : pc.prepareCardKey(this.alg, this.key));
  }
}

// One maker per use: Nvm.derived keys its memo by the maker.
const cardKeyRecord = (rec: Uint8Array): KeyRecord => new KeyRecord(rec, 'card');
const tacKeyRecord = (rec: Uint8Array): KeyRecord => new KeyRecord(rec, 'tac');

/**
 * The key record of a cell: made once per stored value and kept inside the card (ctx.derive),
 * with its expanded schedule, so a tap no longer expands the card's purchase and TAC keys on
 * every debit (≈ 0.8 µs a 3DES debit: see purse-crypto.ts).
 */
function keyRecord(ctx: AppContext, cell: string, usage: string, index: number): KeyRecord {
  const rec = ctx.tx.get(cell);
  if (!rec) throw new SwError(SW.KEY_NOT_FOUND, `${usage} key ${index} not present`);
  const make = usage === 'tac' ? tacKeyRecord : cardKeyRecord;
  return ctx.derive ? ctx.derive(rec, make) : make(rec);
}

/** The purse's cell names for one DF (see EfNode's cell names for why they are built once). */
function purseCells(df: DfNode) {
  return {
    balance: cells.balance(df),
    onlineCounter: cells.onlineCounter(df),
    offlineCounter: cells.offlineCounter(df),
    overdraftLimit: cells.overdraftLimit(df),
    maxBalance: cells.maxBalance(df),
    lastLoad: cells.lastTransaction(df, 'online'),
    lastPurchase: cells.lastTransaction(df, 'offline'),
    /** Key cell names by usage and key index (see TransitApp.key). */
    keys: new Map<number, string>(),
  };
}

/**
 * Cell names per DF, kept for the DF's life rather than the handler's: the card makes a new
 * handler at every power-on — every tap — and a freshly built name costs a flattening and a
 * hash on its first lookup (≈ 0.3 µs measured, against ≈ 0.03 µs for a name looked up before).
 */
const CELLS_OF = new WeakMap<DfNode, ReturnType<typeof purseCells>>();

const USAGE_ID = { purchase: 0, load: 1, tac: 2 } as const;

export class TransitApp implements AppHandler {
  private session: Session | undefined;
  private readonly c: ReturnType<typeof purseCells>;
  constructor(private readonly df: DfNode) {
    let c = CELLS_OF.get(df);
    if (!c) CELLS_OF.set(df, (c = purseCells(df)));
    this.c = c;
  }

  private key(ctx: AppContext, usage: 'purchase' | 'load' | 'tac', index: number): KeyRecord {
    const id = USAGE_ID[usage] * 256 + index;
    let cell = this.c.keys.get(id);
    if (!cell) this.c.keys.set(id, (cell = cells.key(this.df, usage, index)));
    return keyRecord(ctx, cell, usage, index);
  }

  reset(): void {
    this.session = undefined;
  }

  interrupt(): void {
    this.session = undefined;
  }

  select(ctx: AppContext): Uint8Array {
    this.session = undefined;
    // FCI: 6F { 84 AID, A5 { 9F0C <EF 0015> } } (DOMAIN.md §3 [V]), written into one array
    // (every length fits one byte: AID ≤ 16, EF 0015 = 30).
    const ef15 = readBinary(ctx.tx, this.ef(SFI.ISSUER));
    const aid = this.df.aid!;
    const a5Len = 3 + ef15.length;
    const bodyLen = 2 + aid.length + 2 + a5Len;
    const fci = new Uint8Array(2 + bodyLen);
    let o = 0;
    fci[o++] = 0x6f;
    fci[o++] = bodyLen;
    fci[o++] = 0x84;
    fci[o++] = aid.length;
    fci.set(aid, o);
    o += aid.length;
    fci[o++] = 0xa5;
    fci[o++] = a5Len;
    fci[o++] = 0x9f;
    fci[o++] = 0x0c;
    fci[o++] = ef15.length;
    fci.set(ef15, o);
    return fci;
  }

  process(cmd: CommandApdu, ctx: AppContext): HandlerResult {
    const session = this.session;
    // PBOC: INITIALIZE opens a session that only its continuation may use; anything else ends it.
    const continues = session && cmd.cla === 0x80 && (session.kind === 'load' ? cmd.ins === INS.CREDIT_FOR_LOAD : cmd.ins === INS.DEBIT || cmd.ins === INS.UPDATE_CAPP_CACHE);
    if (!continues) this.session = undefined;
    if (cmd.cla !== 0x80) return NOT_HANDLED;
    switch (cmd.ins) {
      case INS.GET_BALANCE:
        return this.getBalance(cmd, ctx);
      case INS.INITIALIZE:
        return this.initialize(cmd, ctx);
      case INS.CREDIT_FOR_LOAD:
        return this.creditForLoad(cmd, ctx, continues ? (session as LoadSession) : undefined);
      case INS.UPDATE_CAPP_CACHE:
        return this.updateCappCache(cmd, continues ? (session as PurchaseSession) : undefined);
      case INS.DEBIT:
        return this.debit(cmd, ctx, continues ? (session as PurchaseSession) : undefined);
      case INS.GET_PROVE:
        return this.getProve(cmd, ctx);
      default:
        return NOT_HANDLED;
    }
  }

  private ef(sfi: number): EfNode {
    return this.df.efsBySfi.get(sfi)!;
  }

  private getBalance(cmd: CommandApdu, ctx: AppContext): Uint8Array {
    if (cmd.p1 !== 0x00 || cmd.p2 !== EP) throw new SwError(SW.INCORRECT_P1P2, 'GET BALANCE needs P1 = 00, P2 = 02 (EP)');
    if (cmd.data.length !== 0 || (cmd.ne !== 4 && cmd.ne !== 256 && cmd.ne !== 0)) throw new SwError(SW.WRONG_LENGTH, 'GET BALANCE: no data, Le = 04');
    return be(readInt(ctx, this.c.balance), 4);
  }

  private initialize(cmd: CommandApdu, ctx: AppContext): Uint8Array {
    const kind = cmd.p1 === 0x00 ? 'load' : cmd.p1 === 0x01 ? 'purchase' : cmd.p1 === 0x03 ? 'capp' : undefined;
    if (!kind || cmd.p2 !== EP) throw new SwError(SW.INCORRECT_P1P2, 'INITIALIZE needs P1 00 (load), 01 (purchase) or 03 (CAPP purchase) and P2 02');
    if (cmd.data.length !== 11) throw new SwError(SW.WRONG_LENGTH, 'INITIALIZE takes key index 1 ‖ amount 4 ‖ terminal id 6');
    const keyIndex = cmd.data[0];
    const amountFen = u32(cmd.data, 1);
    const terminalId = cmd.data.slice(5, 11);
    const balanceFen = readInt(ctx, this.c.balance);
    const random = ctx.rng.bytes(4);
    if (kind === 'load') {
      const k = this.key(ctx, 'load', keyIndex);
      const max = readInt(ctx, this.c.maxBalance);
      if (balanceFen + amountFen > max) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, `load would exceed the maximum balance ${max}`);
      const counter = readInt(ctx, this.c.onlineCounter);
      if (counter >= 0xffff) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, 'online counter exhausted');
      const sessionKey = pc.loadSessionKey(k.alg, k.cipher(k.alg), random, be(counter, 2));
      const mac1 = pc.purseMac(k.alg, sessionKey, pc.loadMac1Input({ balanceFen, amountFen, type: TX_TYPE.EP_LOAD, terminalId }));
      this.session = { kind: 'load', alg: k.alg, amountFen, terminalId, counter, sessionKey, keyIndex };
      return concatBytes(be(balanceFen, 4), be(counter, 2), Uint8Array.of(k.version, pc.algId(k.alg)), random, mac1);
    }
    const k = this.key(ctx, 'purchase', keyIndex);
    // The overdraft limit is reported, but overdraft use is not modelled [P]: a purchase needs
    // the whole amount in the balance (the balance field is unsigned), else 9401.
    const overdraft = readInt(ctx, this.c.overdraftLimit);
    if (amountFen > balanceFen) throw new SwError(SW.INSUFFICIENT_BALANCE, `amount ${amountFen} > balance ${balanceFen}`);
    const counter = readInt(ctx, this.c.offlineCounter);
    if (counter >= 0xffff) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, 'offline counter exhausted');
    const type = kind === 'capp' ? TX_TYPE.CAPP_PURCHASE : TX_TYPE.EP_PURCHASE;
    this.session = { kind: 'purchase', type, alg: k.alg, amountFen, terminalId, counter, random, keyIndex, cache: [] };
    // balance 4 ‖ offline counter 2 ‖ overdraft limit 3 ‖ key version 1 ‖ alg id 1 ‖ random 4,
    // written into one array (five temporaries and a concatenation before).
    const out = new Uint8Array(15);
    putBe(out, 0, balanceFen, 4);
    putBe(out, 4, counter, 2);
    putBe(out, 6, overdraft, 3);
    out[9] = k.version;
    out[10] = pc.algId(k.alg);
    out.set(random, 11);
    return out;
  }

  private creditForLoad(cmd: CommandApdu, ctx: AppContext, s: LoadSession | undefined): Uint8Array {
    if (!s) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, 'CREDIT FOR LOAD without INITIALIZE FOR LOAD');
    if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new SwError(SW.INCORRECT_P1P2, 'CREDIT FOR LOAD needs P1 = P2 = 00');
    if (cmd.data.length !== 11) throw new SwError(SW.WRONG_LENGTH, 'CREDIT FOR LOAD takes date 4 ‖ time 3 ‖ MAC2 4');
    this.session = undefined;
    // Copies, not views: see debit().
    const date = cmd.data.slice(0, 4);
    const time = cmd.data.slice(4, 7);
    const mac2 = cmd.data.slice(7, 11);
    checkDateTime(date, time);
    const input = pc.loadMac2Input({ amountFen: s.amountFen, type: TX_TYPE.EP_LOAD, terminalId: s.terminalId, date, time });
    const want = pc.purseMac(s.alg, s.sessionKey, input);
    s.sessionKey.fill(0);
    if (!equalBytes(want, mac2)) throw new SwError(SW.MAC_INVALID, 'MAC2 does not verify');
    const balance = readInt(ctx, this.c.balance) + s.amountFen;
    const tacKey = this.key(ctx, 'tac', s.keyIndex);
    const tac = pc.tac(tacKey.alg, tacKey.cipher(tacKey.alg), pc.loadTacInput({ amountFen: s.amountFen, type: TX_TYPE.EP_LOAD, terminalId: s.terminalId, date, time }));
    stage(ctx, this.c.balance, be(balance, 4));
    stage(ctx, this.c.onlineCounter, be(s.counter + 1, 2));
    appendRecord(ctx.tx, this.ef(SFI.TX_LOG), txLogRecord(s.counter, 0, s.amountFen, TX_TYPE.EP_LOAD, s.terminalId, date, time), true);
    stage(ctx, this.c.lastLoad, lastTransaction(TX_TYPE.EP_LOAD, s.counter, tac, mac2));
    return tac;
  }

  private updateCappCache(cmd: CommandApdu, s: PurchaseSession | undefined): undefined {
    if (!s || s.type !== TX_TYPE.CAPP_PURCHASE) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, 'UPDATE CAPP DATA CACHE without INITIALIZE FOR CAPP PURCHASE');
    const sfi = cmd.p2 >> 3;
    const ef = this.df.efsBySfi.get(sfi);
    if (!ef || !ef.isRecord) throw new SwError(SW.FILE_NOT_FOUND, `no record EF with SFI ${sfi.toString(16)}`);
    // The 0018 log is the card's own record of money movements: only CREDIT/DEBIT write it.
    if (sfi === SFI.TX_LOG) throw new SwError(SW.SECURITY_STATUS_NOT_SATISFIED, 'EF 0018 is written by the purse only');
    if (cmd.data.length !== ef.spec.recordLen) throw new SwError(SW.WRONG_LENGTH, `record of ${cmd.data.length} bytes for ${ef.path} (${ef.spec.recordLen})`);
    if (s.cache.length >= 8) throw new SwError(SW.NOT_ENOUGH_MEMORY, 'at most 8 cached records per purchase');
    const mode = cmd.p2 & 0x07;
    // The command's data is the card's own copy (AppHandler.process): kept as is. A copy of the
    // 128-byte 1A record here was an off-heap allocation, ≈ 0.7 µs measured.
    if (mode === 0x00 && cmd.p1 === 0x00) {
      if (ef.spec.type !== 'cyclic') throw new SwError(SW.INCORRECT_P1P2, 'append (P1 = 00) only to a cyclic EF');
      s.cache.push({ ef, record: 0, data: cmd.data });
    } else if (mode === 0x00) {
      // P1 = record identifier: the record whose first byte is P1 (DOMAIN.md §3, 1A layout [P]).
      if (cmd.data[0] !== cmd.p1) throw new SwError(SW.WRONG_DATA, 'record id byte does not match P1');
      s.cache.push({ ef, record: -cmd.p1, data: cmd.data });
    } else if (mode === 0x04) {
      s.cache.push({ ef, record: cmd.p1, data: cmd.data });
    } else throw new SwError(SW.INCORRECT_P1P2, `P2 mode ${mode} not supported`);
    return undefined;
  }

  private debit(cmd: CommandApdu, ctx: AppContext, s: PurchaseSession | undefined): Uint8Array {
    if (!s) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, 'DEBIT without INITIALIZE FOR PURCHASE');
    if (cmd.p1 !== 0x01 || cmd.p2 !== 0x00) throw new SwError(SW.INCORRECT_P1P2, 'DEBIT needs P1 = 01, P2 = 00');
    if (cmd.data.length !== 15) throw new SwError(SW.WRONG_LENGTH, 'DEBIT takes terminal seq 4 ‖ date 4 ‖ time 3 ‖ MAC1 4');
    this.session = undefined;
    // Small copies rather than views: the command data is a short array on V8's heap, and the
    // first view into it moves it off the heap (≈ 0.5 µs measured against ≈ 0.06 µs a copy).
    const terminalSeq = cmd.data.slice(0, 4);
    const date = cmd.data.slice(4, 8);
    const time = cmd.data.slice(8, 11);
    const mac1 = cmd.data.slice(11, 15);
    checkDateTime(date, time);
    const k = this.key(ctx, 'purchase', s.keyIndex);
    const sessionKey = pc.purchaseSessionKey(s.alg, k.cipher(s.alg), s.random, be(s.counter, 2), terminalSeq);
    const want = pc.purseMac(s.alg, sessionKey, pc.purchaseMac1Input({ amountFen: s.amountFen, type: s.type, terminalId: s.terminalId, date, time }));
    if (!equalBytes(want, mac1)) {
      sessionKey.fill(0);
      throw new SwError(SW.MAC_INVALID, 'MAC1 does not verify');
    }
    const balance = readInt(ctx, this.c.balance);
    if (s.amountFen > balance) throw new SwError(SW.INSUFFICIENT_BALANCE, 'balance changed since INITIALIZE');
    const mac2 = pc.purseMac(s.alg, sessionKey, pc.purchaseMac2Input({ amountFen: s.amountFen }));
    sessionKey.fill(0);
    const tacKey = this.key(ctx, 'tac', s.keyIndex);
    const tac = pc.tac(tacKey.alg, tacKey.cipher(tacKey.alg), pc.purchaseTacInput({ amountFen: s.amountFen, type: s.type, terminalId: s.terminalId, terminalSeq, date, time }));
    // Every value staged here is a new array made for it, or a cached record's data (the card's
    // own copy of an 80DC command, used once: the session has ended): handed over, not copied.
    stage(ctx, this.c.balance, be(balance - s.amountFen, 4));
    stage(ctx, this.c.offlineCounter, be(s.counter + 1, 2));
    appendRecord(ctx.tx, this.ef(SFI.TX_LOG), txLogRecord(s.counter, 0, s.amountFen, s.type, s.terminalId, date, time), true);
    for (const c of s.cache) {
      if (c.record === 0) appendRecord(ctx.tx, c.ef, c.data, true);
      else {
        const n = c.record < 0 ? findRecordById(ctx.tx, c.ef, -c.record) : c.record;
        if (n === 0) throw new SwError(SW.RECORD_NOT_FOUND, `no record with id ${(-c.record).toString(16)} in ${c.ef.path}`);
        readRecord(ctx.tx, c.ef, n);
        updateRecord(ctx.tx, c.ef, n, c.data, true);
      }
    }
    stage(ctx, this.c.lastPurchase, lastTransaction(s.type, s.counter, tac, mac2));
    const out = new Uint8Array(8);
    out.set(tac);
    out.set(mac2, 4);
    return out;
  }

  private getProve(cmd: CommandApdu, ctx: AppContext): Uint8Array {
    if (cmd.p1 !== 0x00) throw new SwError(SW.INCORRECT_P1P2, 'GET TRANSACTION PROVE needs P1 = 00');
    if (cmd.data.length !== 2) throw new SwError(SW.WRONG_LENGTH, 'GET TRANSACTION PROVE takes the 2-byte counter');
    // [P] only the last transaction of each counter (online: loads; offline: purchases) can be
    // proved, so a load after an interrupted purchase does not destroy the purchase's proof;
    // anything else is "record not found" 9403 [U].
    const last = ctx.tx.get(cmd.p2 === TX_TYPE.EP_LOAD || cmd.p2 === TX_TYPE.ED_LOAD ? this.c.lastLoad : this.c.lastPurchase);
    if (!last || last[0] !== cmd.p2 || last[1] !== cmd.data[0] || last[2] !== cmd.data[1]) throw new SwError(SW.KEY_NOT_FOUND, 'no such last transaction');
    return last.slice(3, 11);
  }
}

/**
 * An 0018 record [V]: counter 2 · overdraft 3 · amount 4 · type 1 · terminal id 6 · date-time 7.
 */
export function txLogRecord(counter: number, overdraftFen: number, amountFen: number, type: number, terminalId: Uint8Array, date: Uint8Array, time: Uint8Array): Uint8Array {
  const out = new Uint8Array(10 + terminalId.length + date.length + time.length);
  putBe(out, 0, counter, 2);
  putBe(out, 2, overdraftFen, 3);
  putBe(out, 5, amountFen, 4);
  out[9] = type;
  out.set(terminalId, 10);
  out.set(date, 10 + terminalId.length);
  out.set(time, 10 + terminalId.length + date.length);
  return out;
}

/** The last-transaction cell: type 1 ‖ counter 2 ‖ TAC 4 ‖ MAC2 4. */
function lastTransaction(type: number, counter: number, tac: Uint8Array, mac2: Uint8Array): Uint8Array {
  const out = new Uint8Array(11);
  out[0] = type;
  putBe(out, 1, counter, 2);
  out.set(tac, 3);
  out.set(mac2, 7);
  return out;
}

/** Handler factory for the app registry. */
export const transitApp = (df: DfNode): AppHandler => new TransitApp(df);
