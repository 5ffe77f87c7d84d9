/**
 * The end of a compound (CAPP) purchase as the transit terminals run it (DOMAIN.md §3 "Gate
 * flow" steps 5–8), shared by the gate and the bus validator, from the card's INITIALIZE FOR
 * CAPP PURCHASE answer on:
 *
 *   PSAM 8070 → MAC1 · 80DC the 1A record (replacing it) · 80DC a 1E travel record (appended) ·
 *   8054 DEBIT FOR CAPP PURCHASE → TAC, MAC2 · journal · PSAM 8072 checks MAC2
 *
 * and the 闪卡 bookkeeping around it (./pending.ts): the purchase is remembered as pending
 * before the DEBIT is sent, forgotten when the card answers with an error status word (it rolled
 * back), journaled when it answers with the TAC, and otherwise settled on the card's next
 * presentation (settle()). A lost 8072 is fine: the TAC proves the transaction at clearing.
 *
 * Speed (the gate's hot path, ≥ 25 000 taps/s in-process): the 1A record is encoded straight
 * into a reused UPDATE CAPP DATA CACHE command (see take1A), and the records' hex that a
 * pending purchase may need is made only when someone asks for it (see records()).
 */
import { purseCrypto } from '../../engine/index.js';
import { hexToBytes } from '../../crypto/utils.js';
import type { JournalRecord, JournalSink } from '../clearing/journal.js';
import type { PsamClient } from '../psam/psam-client.js';
import { CardCommandError, MacInvalidError } from '../reader/command-errors.js';
import { CardRemovedError, ReaderError } from '../reader/errors.js';
import type { Reader } from '../reader/reader-api.js';
import { encodeTransitRecordInto, TRANSIT_RECORD_LEN, type TransitRecord } from '../transit/compound-record.js';
import { bcdDateTime } from '../transit/datetime.js';
import type { TransitSelection } from '../transit/select.js';
import {
  CAPP_CACHE_RECORD_OFFSET,
  cappDataCacheCommand,
  debitForPurchase,
  initializeForCappPurchase,
  sendCappDataCache,
  updateCappDataCache,
  type InitializeForPurchaseResponse,
} from '../transit/purse-purchase.js';
import { encodeTravelRecord } from '../transit/travel-record.js';
import { journalRecordOf, pendingFate, type PendingTransaction } from './pending.js';
import { psamMac1 } from './psam-step.js';

const SFI_1A = 0x1a;
const SFI_1E = 0x1e;

/** A terminal's pending CAPP purchase: the common fields and the terminal's own. */
export type CappPending = PendingTransaction & { kind: 'purchase' };

/** The common fields of a pending CAPP purchase, in their stored order. */
export type CappPendingBase = CappPending & { terminalSeq: number };

export interface CappPurchasesOptions<P extends CappPending> {
  /** The reader of the card field. */
  cardReader: Reader;
  psam: PsamClient;
  journal: JournalSink;
  /** The 1A record this terminal rewrites (TRANSIT_RECORD_ID: 01 rail, 02 bus). */
  recordId: number;
  /** Purse key index of the settlement probe. */
  keyIndex: number;
  /** The 1E record's sub-type (TRAVEL_SUBTYPE), city (4 BCD digits) and acquirer (16 hex digits). */
  subType: number;
  city: string;
  acquirerId: string;
  /** Pending purchases restored from storage. */
  pending?: readonly P[];
}

export interface CappPurchaseRequest<P extends CappPending> {
  /** The card (its app serial and issuer id). */
  sel: TransitSelection;
  /** The card's INITIALIZE FOR CAPP PURCHASE answer. */
  init: InitializeForPurchaseResponse;
  amountFen: number;
  terminalIdHex: string;
  /** The transaction's time: ms, and as YYYYMMDDhhmmss. */
  now: number;
  nowDigits: string;
  /** The 1A record to write (its record id is the terminal's). */
  record: TransitRecord;
  /** The 1E record's fields of this tap: TRAVEL_TYPE, the 12-hex-digit device id, line, station. */
  travel: { type: number; deviceId: string; line: number; station: number };
  /**
   * The terminal's pending record: `base`, the common fields in their stored order, with the
   * terminal's own added after them in place (Object.assign(base, …)), not a copy: on Node 20
   * `{ ...base, more }` measured ≈ 2–5 µs (against ≈ 30 µs for a whole gate tap) and left a
   * slow object behind; Object.assign ≈ 0.1 µs.
   */
  pending(base: CappPendingBase): P;
}

export interface CappPurchaseDone<P> {
  pending: P;
  journal: JournalRecord;
  /** PSAM's MAC2 check: true ok, false 9302, undefined not done (PSAM lost). */
  mac2Verified: boolean | undefined;
}

/** What settle() learned. */
export type CappSettlement =
  /** The card never committed it: redo the tap. */
  | { committed: false }
  /** The card committed it: journaled, unless a later transaction replaced its proof (`journal` absent). */
  | { committed: true; journal: JournalRecord | undefined };

/** The records a purchase cached on the card, as bytes (see records()). */
interface Cached<P> {
  pending: P;
  transit: Uint8Array;
  travel: Uint8Array;
}

/** A terminal's CAPP purchases: running one, and those pending after a 闪卡. */
export class CappPurchases<P extends CappPending> {
  /** Pending purchases by card serial. */
  readonly pendings = new Map<string, P>();
  /** Records of pending purchases not yet asked for (see records()). */
  private readonly cached: Cached<P>[] = [];
  /** See take1A. */
  private own1A: Uint8Array | undefined;
  private own1AInUse = false;
  /** The 1E record's 8-byte device field of the last device id (see travelDevice). */
  private lastDevice = { id: '', field: '' };

  constructor(private readonly opts: CappPurchasesOptions<P>) {
    for (const p of opts.pending ?? []) this.pendings.set(p.serial, { ...p });
  }

  /**
   * Runs the purchase from the card's INITIALIZE answer (see the module comment).
   * @returns the pending record (now done), its journal record and the MAC2 check.
   * @throws CardRemovedError (pending when the DEBIT was sent), CardCommandError from the card,
   *   PsamCommandError from 8070; TypeError / RangeError naming a bad record field.
   */
  async purchase(req: CappPurchaseRequest<P>): Promise<CappPurchaseDone<P>> {
    const card = this.opts.cardReader;
    const { init, amountFen, travel } = req;
    const serial = req.sel.issuer.appSerial;
    const type = purseCrypto.TX_TYPE.CAPP_PURCHASE;
    const { date, time } = bcdDateTime(req.now);
    // The 1A record is encoded straight into its UPDATE CAPP DATA CACHE command, and that
    // command is this terminal's own, reused from tap to tap (see take1A): until the debit is
    // settled, the cached `transit` bytes are a view into it.
    const cache1A = this.take1A();
    let pending: P;
    let debit;
    try {
      const transitRecord = encodeTransitRecordInto(req.record, cache1A, CAPP_CACHE_RECORD_OFFSET);
      const travelRecord = encodeTravelRecord({
        type: travel.type,
        device: this.travelDevice(travel.deviceId),
        subType: this.opts.subType,
        line: travel.line,
        station: travel.station,
        amountFen,
        balanceFen: Math.max(0, init.balanceFen - amountFen),
        dateTime: req.nowDigits,
        city: this.opts.city,
        acquirer: this.opts.acquirerId,
      });

      const sam = await psamMac1(this.opts.psam, init, { amountFen, type, date, time, serial, issuerId: req.sel.issuer.issuerId });

      await sendCappDataCache(card, cache1A);
      await updateCappDataCache(card, { recordId: 0x00, sfi: SFI_1E, record: travelRecord });

      pending = req.pending({
        kind: 'purchase',
        serial,
        counter: init.offlineCounter,
        amountFen,
        type,
        terminalId: req.terminalIdHex,
        terminalSeq: sam.terminalSeq,
        dateTime: req.nowDigits,
        alg: init.alg,
        balanceBeforeFen: init.balanceFen,
      });
      const cached: Cached<P> = { pending, transit: transitRecord, travel: travelRecord };
      this.cached.push(cached);
      // From here the card may debit without our hearing of it: remember before sending.
      this.pendings.set(serial, pending);
      try {
        debit = await debitForPurchase(card, { terminalSeq: sam.terminalSeqBytes, date, time, mac1: sam.mac1 });
      } catch (e) {
        // An error status word means the card rolled back: nothing happened. (A 9000 with a
        // malformed answer did debit: that one stays pending until the card comes back.)
        if (e instanceof CardCommandError && e.sw !== 0x9000) {
          this.pendings.delete(serial);
          this.dropCached(pending);
        } else {
          // The 1A command is given back below: keep a copy of the record.
          cached.transit = transitRecord.slice();
        }
        throw e;
      }
      this.dropCached(pending);
    } finally {
      this.give1A(cache1A);
    }
    const journal = this.complete(pending, debit.tac, false);
    let mac2Verified: boolean | undefined;
    try {
      await this.opts.psam.creditForPurchase(debit.mac2);
      mac2Verified = true;
    } catch (e) {
      if (e instanceof MacInvalidError) mac2Verified = false;
      else if (!(e instanceof CardRemovedError || e instanceof ReaderError || e instanceof CardCommandError)) throw e;
      // A lost 8072 is fine: the TAC proves the transaction at clearing.
    }
    return { pending, journal, mac2Verified };
  }

  /**
   * Settles pending purchase `p` of the card now presented (./pending.ts): probes the counter,
   * looks for the purchase in the card's log, journals it with the proven TAC. `p` stays
   * pending when the card leaves meanwhile.
   * @returns whether the card had committed it, and its journal record.
   * @throws CardRemovedError / ReaderError / CardCommandError.
   */
  async settle(p: P): Promise<CappSettlement> {
    const card = this.opts.cardReader;
    const probe = await initializeForCappPurchase(card, { keyIndex: this.opts.keyIndex, amountFen: 0, terminalId: hexToBytes(p.terminalId) });
    const fate = await pendingFate(card, p, probe.offlineCounter);
    this.pendings.delete(p.serial);
    this.dropCached(p);
    if (!fate.committed) return { committed: false };
    return { committed: true, journal: fate.tac ? this.complete(p, fate.tac, true) : undefined };
  }

  /**
   * The 1A and 1E records pending purchase `p` cached on the card, when this terminal made it
   * and they were not asked for before (a restored purchase carries its own).
   */
  records(p: P): { transit: Uint8Array; travel: Uint8Array } | undefined {
    const i = this.cached.findIndex((c) => c.pending === p);
    if (i < 0) return undefined;
    const [c] = this.cached.splice(i, 1);
    return c;
  }

  private dropCached(p: P): void {
    const i = this.cached.findIndex((c) => c.pending === p);
    if (i >= 0) this.cached.splice(i, 1);
  }

  private complete(p: P, tac: Uint8Array, recovered: boolean): JournalRecord {
    this.pendings.delete(p.serial);
    const record = journalRecordOf(p, tac, recovered);
    this.opts.journal.append(record);
    return record;
  }

  /**
   * The 1A UPDATE CAPP DATA CACHE command to encode into: this terminal's own when free, else
   * (a purchase still holds it) a new one. Reused because an array over 64 bytes lives off V8's
   * heap: ≈ 0.7 µs to allocate measured, and more to sweep at the next scavenge.
   * Nothing keeps it past give1A(): the card copies the record, and a purchase that stays
   * pending keeps a copy (purchase()).
   */
  private take1A(): Uint8Array {
    const own = this.own1A;
    if (own && !this.own1AInUse) {
      this.own1AInUse = true;
      return own;
    }
    const made = cappDataCacheCommand({ recordId: this.opts.recordId, sfi: SFI_1A, recordLen: TRANSIT_RECORD_LEN });
    if (!own) {
      this.own1A = made;
      this.own1AInUse = true;
    }
    return made;
  }

  private give1A(apdu: Uint8Array): void {
    if (apdu === this.own1A) this.own1AInUse = false;
  }

  /**
   * The 1E device field (the device id behind 00 00), made once per device id: a fresh
   * concatenation per tap was a rope that the encoder first had to flatten (V8 flattens it in
   * place, once, when it is kept).
   */
  private travelDevice(deviceId: string): string {
    if (this.lastDevice.id !== deviceId) this.lastDevice = { id: deviceId, field: `0000${deviceId}` };
    return this.lastDevice.field;
  }
}
