/**
 * A rail fare gate, entry or exit (DOMAIN.md §3 "Gate flow" [V], the 1A record [P]):
 *
 *   1. SELECT transit AID (EF 0015 from the FCI)   2. READ 0017: refuse a non-interoperable card
 *   3. READ RECORD 1A #1 (rail): check CRC and state; 4-hour limit at exit
 *   4. INITIALIZE FOR CAPP PURCHASE: amount 0 at entry, the fare at exit
 *   5. PSAM INIT SAM FOR PURCHASE → terminal seq, MAC1
 *   6. UPDATE CAPP DATA CACHE 1A (state 01 + entry fields at entry; state 02, exit fields,
 *      amounts, fare before discounts and the month accumulators at exit), then append a 1E
 *   7. DEBIT FOR CAPP PURCHASE → TAC, MAC2        8. PSAM CREDIT SAM FOR PURCHASE checks MAC2
 *
 * and journals the transaction (steps 5–8 and the 闪卡 bookkeeping: ./capp-purchase.ts, shared
 * with the bus validator). Refusals are outcomes, not exceptions: repeated entry, exit
 * without entry, non-interoperable card, blocked application, expired card, insufficient
 * balance, bad CRC, a trip the fare function cannot price (FareError → 'fare-error', nothing
 * charged). A card pulled after step 7 was sent leaves a pending transaction that the card's
 * next presentation settles (./pending.ts): done → journaled with the TAC from GET
 * TRANSACTION PROVE, never charged again; not done → redone from scratch (the entry record is
 * still on the card: a failed DEBIT commits nothing). A PSAM lost at step 8 is fine: the TAC
 * proves the transaction at clearing.
 *
 * ssc3 profile choices [P]: an entry clears the previous trip's exit fields (they described the
 * last trip) and keeps the month accumulators; the accumulation month is the exit's month, and
 * the accumulators restart at zero when it differs from the record's; the 1E record follows
 * travel-record.ts.
 */
import { purseCrypto } from '../../engine/index.js';
import type { Clock } from '../../engine/index.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';
import type { JournalRecord, JournalSink } from '../clearing/journal.js';
import { PsamClient } from '../psam/psam-client.js';
import { InsufficientBalanceError } from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { decodeTransitRecord, TRANSIT_RECORD_ID, TRIP_STATE, type TransitRecord } from '../transit/compound-record.js';
import { dateTimeDigits, digitsToMs } from '../transit/datetime.js';
import { initializeForCappPurchase } from '../transit/purse-purchase.js';
import { checkTransitCard, Refusal, type CardCheckRefusal } from './card-checks.js';
import type { TransitSelection } from '../transit/select.js';
import { presentTransitCard, type InterruptedOutcome, type RefusedOutcome } from './select-card.js';
import { TRAVEL_SUBTYPE, TRAVEL_TYPE } from '../transit/travel-record.js';
import { CappPurchases, type CappPendingBase } from './capp-purchase.js';
import { checkFare, FareError, flatFare, type FareFunction, type FareInput } from './fare.js';
import type { PendingPurchase } from './pending.js';
import { onPsam } from './psam-step.js';

export interface GateStation {
  /** BCD city code, 4 digits; default '1000' (Beijing [P]). */
  city?: string;
  line: number;
  station: number;
  /** Device id in the 1A/1E records, 12 hex digits; default the PSAM's terminal id. */
  deviceId?: string;
}

export interface GateOptions {
  direction: 'entry' | 'exit';
  /** The reader of the card field. */
  cardReader: Reader;
  /** The PSAM slot (a Reader, or a PsamClient over one). */
  psam: Reader | PsamClient;
  clock: Clock;
  journal: JournalSink;
  station: GateStation;
  /** Exit gates: the fare; default {@link flatFare}() (300 fen). */
  fare?: FareFunction;
  /** Exit later than this after entry is over time (DOMAIN.md gate flow: 4 hours); default 240. */
  overtimeLimitMinutes?: number;
  /** Acquirer id in the 1E record (16 hex digits) [P]; default 0000000000001000. */
  acquirerId?: string;
  /** Purse key index; default 01 (the demo issuer's). */
  keyIndex?: number;
  /** Entry gates refuse a balance below this [U]; default 0. */
  minEntryBalanceFen?: number;
  /** Pending transactions restored from storage. */
  pending?: readonly PendingPurchase[];
}

export type GateRefusalReason =
  | 'repeated-entry'
  | 'exit-without-entry'
  | CardCheckRefusal
  | 'blocked'
  | 'not-transit-card'
  | 'insufficient-balance'
  | 'card-error'
  /** The fare function could not price the trip (FareError): nothing charged. */
  | 'fare-error';

/** Refusals of this terminal: the reason checked against GateRefusalReason. */
const GateRefusal = Refusal<GateRefusalReason>;

interface Passage {
  serial: string;
  /** The 1A record now on the card. */
  record: TransitRecord;
  /** Balance after the transaction. */
  balanceFen: number;
  journal: JournalRecord;
  /** True when completed by 闪卡 recovery on a later presentation. */
  recovered: boolean;
  /** PSAM's MAC2 check: true ok, false 9302, undefined not done (recovery, PSAM lost). */
  mac2Verified: boolean | undefined;
}

export type GateOutcome =
  | (Passage & { kind: 'entered' })
  | (Passage & { kind: 'exited'; fareFen: number; baseFareFen: number; overtime: boolean; durationMinutes: number })
  | RefusedOutcome<GateRefusalReason>
  /** The card left mid-flow; `pending` when the debit's outcome is unknown until it returns. */
  | InterruptedOutcome
  /** Settled a pending debit that the card did commit but whose TAC it can no longer give. */
  | { kind: 'unproven'; serial: string; pending: PendingPurchase; detail: string };

export class Gate {
  readonly direction: 'entry' | 'exit';
  private readonly psam: PsamClient;
  private readonly purchases: CappPurchases<PendingPurchase>;
  private readonly unprovenList: PendingPurchase[] = [];
  private readonly fare: FareFunction;
  private readonly overtimeLimitMinutes: number;
  private readonly keyIndex: number;
  private readonly city: string;
  private readonly acquirerId: string;

  constructor(private readonly opts: GateOptions) {
    if (opts.direction !== 'entry' && opts.direction !== 'exit') throw new RangeError(`"direction" expected 'entry' or 'exit', got ${String(opts.direction)}`);
    this.direction = opts.direction;
    this.psam = opts.psam instanceof PsamClient ? opts.psam : new PsamClient(opts.psam);
    this.fare = opts.fare ?? flatFare();
    this.overtimeLimitMinutes = opts.overtimeLimitMinutes ?? 240;
    this.keyIndex = opts.keyIndex ?? purseCrypto.DEMO_ISSUER_KEYS.keyIndex;
    this.city = opts.station.city ?? '1000';
    this.acquirerId = opts.acquirerId ?? '0000000000001000';
    if (!/^\d{4}$/.test(this.city)) throw new RangeError(`"station.city" expected 4 digits, got ${JSON.stringify(this.city)}`);
    if (!/^[0-9a-f]{16}$/i.test(this.acquirerId)) throw new RangeError(`"acquirerId" expected 16 hex digits, got ${JSON.stringify(this.acquirerId)}`);
    // Lower case once here rather than on every tap (the 1E record carries it lower case).
    this.acquirerId = this.acquirerId.toLowerCase();
    if (opts.station.deviceId !== undefined && !/^[0-9a-f]{12}$/i.test(opts.station.deviceId)) throw new RangeError(`"station.deviceId" expected 12 hex digits, got ${JSON.stringify(opts.station.deviceId)}`);
    this.purchases = new CappPurchases({
      cardReader: opts.cardReader,
      psam: this.psam,
      journal: opts.journal,
      recordId: TRANSIT_RECORD_ID.RAIL,
      keyIndex: this.keyIndex,
      subType: TRAVEL_SUBTYPE.METRO,
      city: this.city,
      acquirerId: this.acquirerId,
      pending: opts.pending,
    });
  }

  /** Transactions whose outcome waits for the card's return (JSON-friendly, for storage). */
  get pending(): readonly PendingPurchase[] {
    return [...this.purchases.pendings.values()].map((p) => this.withHex(p));
  }

  /**
   * Fills in the hex of the records of a pending purchase this gate made, deferred (see
   * CappPurchases.records) until the purchase outlives its debit or is looked at: the records' hex (176
   * bytes: ≈ 2.5 µs measured) is never needed by a debit that completes — nearly every tap.
   * (Lazy getters did the same at ≈ 2 µs: V8 builds an object literal with accessors on a slow
   * path.)
   * @returns `p`.
   */
  private withHex(p: PendingPurchase): PendingPurchase {
    const r = this.purchases.records(p);
    if (r) {
      p.transitRecord = bytesToHex(r.transit);
      p.travelRecord = bytesToHex(r.travel);
    }
    return p;
  }

  /** Debits the card committed but could not prove (see 'unproven' outcomes). */
  get unproven(): readonly PendingPurchase[] {
    return this.unprovenList;
  }

  /**
   * Processes the card in the field: connects, runs the flow (settling a pending transaction of
   * this card first), disconnects.
   * @returns the outcome (refusals and card removal included).
   * @throws ReaderError when a reader fails; CardCommandError from the PSAM; TypeError /
   *   RangeError for a bad fare function answer (a FareError is a 'fare-error' refusal).
   */
  present(): Promise<GateOutcome> {
    return presentTransitCard<GateOutcome, GateRefusalReason>(this.opts.cardReader, {
      isPending: (serial) => this.purchases.pendings.has(serial),
      business: async (sel) => {
        const pending = this.purchases.pendings.get(sel.issuer.appSerial);
        const settled = pending && (await this.settle(pending, sel));
        return settled || this.transact(sel);
      },
    });
  }

  private get psamTerminalId(): Promise<Uint8Array> {
    return onPsam(() => this.psam.open());
  }

  private async transact(sel: TransitSelection): Promise<GateOutcome> {
    const card = this.opts.cardReader;
    const now = this.opts.clock.now();
    const nowDigits = dateTimeDigits(now);
    const rec = await checkTransitCard(card, sel, nowDigits.slice(0, 8), TRANSIT_RECORD_ID.RAIL);
    if (this.direction === 'entry' && rec.state === TRIP_STATE.ENTERED) throw new GateRefusal('repeated-entry', `already entered at line ${rec.entryLine} station ${rec.entryStation} on ${rec.entryDateTime}`);
    if (this.direction === 'exit' && rec.state !== TRIP_STATE.ENTERED) throw new GateRefusal('exit-without-entry', `trip state ${rec.state.toString(16).padStart(2, '0')}: no entry recorded`);

    const terminalId = this.psam.openTerminalId ?? (await this.psamTerminalId);
    const terminalIdHex = this.psam.terminalIdHex ?? bytesToHex(terminalId);
    const deviceId = (this.opts.station.deviceId ?? terminalIdHex).toLowerCase();
    const { line, station } = this.opts.station;

    let fare: PendingPurchase['fare'];
    let next: TransitRecord;
    if (this.direction === 'entry') {
      next = {
        ...rec,
        lockFlag: 0,
        state: TRIP_STATE.ENTERED,
        entryCity: this.city,
        entryLine: line,
        entryStation: station,
        entryDevice: deviceId,
        entryDateTime: nowDigits,
        entryAmountFen: 0,
        exitLine: 0,
        exitStation: 0,
        exitDevice: '000000000000',
        exitDateTime: '00000000000000',
        exitAmountFen: 0,
        fareBeforeDiscountFen: 0,
      };
    } else {
      let entryMs: number;
      try {
        entryMs = digitsToMs(rec.entryDateTime, '1A.entryDateTime');
      } catch (e) {
        throw new GateRefusal('bad-record', (e as Error).message);
      }
      const durationMinutes = Math.max(0, Math.floor((now - entryMs) / 60_000));
      const overtime = durationMinutes > this.overtimeLimitMinutes;
      const month = nowDigits.slice(0, 6);
      const acc = rec.accMonth === month ? { spendFen: rec.monthSpendFen, rides: rec.monthRides } : { spendFen: 0, rides: 0 };
      const input: FareInput = {
        cardType: sel.issuer.cardType,
        entry: { city: rec.entryCity, line: rec.entryLine, station: rec.entryStation, device: rec.entryDevice, dateTime: rec.entryDateTime },
        exit: { city: this.city, line, station, device: deviceId, dateTime: nowDigits },
        durationMinutes,
        overtime,
        month: { yyyymm: month, ...acc },
      };
      let f;
      try {
        f = checkFare(this.fare(input));
      } catch (e) {
        if (e instanceof FareError) throw new GateRefusal('fare-error', e.message);
        throw e;
      }
      // The fare function's own over-time judgment, when it makes one, is what the fare holds.
      fare = { fareFen: f.fareFen, baseFareFen: f.baseFareFen, overtime: f.overtime ?? overtime, durationMinutes };
      next = {
        ...rec,
        lockFlag: 0,
        state: TRIP_STATE.EXITED,
        exitLine: line,
        exitStation: station,
        exitDevice: deviceId,
        exitDateTime: nowDigits,
        exitAmountFen: f.fareFen,
        fareBeforeDiscountFen: f.baseFareFen,
        accMonth: month,
        monthSpendFen: f.month ? f.month.spendFen : Math.min(0xffffffff, acc.spendFen + f.fareFen),
        monthRides: f.month ? f.month.rides : Math.min(0xffff, acc.rides + 1),
      };
    }
    const amountFen = fare?.fareFen ?? 0;

    let init;
    try {
      init = await initializeForCappPurchase(card, { keyIndex: this.keyIndex, amountFen, terminalId });
    } catch (e) {
      if (e instanceof InsufficientBalanceError) throw new GateRefusal('insufficient-balance', `the fare ${amountFen} fen exceeds the balance`, e);
      throw e;
    }
    if (this.direction === 'entry' && init.balanceFen < (this.opts.minEntryBalanceFen ?? 0)) {
      throw new GateRefusal('insufficient-balance', `balance ${init.balanceFen} fen below the entry minimum ${this.opts.minEntryBalanceFen} fen`);
    }
    const direction = this.direction;
    const travel = { type: direction === 'entry' ? TRAVEL_TYPE.ENTRY : TRAVEL_TYPE.EXIT, deviceId, line, station };
    // In place (see CappPurchaseRequest.pending); the records' hex is filled in later, if ever (withHex).
    const pending = (base: CappPendingBase): PendingPurchase => Object.assign(base, { direction, transitRecord: '', travelRecord: '' }, fare ? { fare } : {});
    const done = await this.purchases.purchase({ sel, init, amountFen, terminalIdHex, now, nowDigits, record: next, travel, pending });
    return this.passage(done.pending, done.journal, false, done.mac2Verified, next);
  }

  /**
   * Settles a pending debit of the card now presented.
   * @returns the outcome when the card had committed it; undefined when it had not (the
   *   caller then redoes the transaction from scratch).
   */
  private async settle(p: PendingPurchase, sel: TransitSelection): Promise<GateOutcome | undefined> {
    this.withHex(p);
    const fate = await this.purchases.settle(p);
    if (!fate.committed) return undefined;
    if (!fate.journal) {
      this.unprovenList.push(p);
      return { kind: 'unproven', serial: sel.issuer.appSerial, pending: p, detail: 'the card committed the debit but a later transaction replaced its proof' };
    }
    return this.passage(p, fate.journal, true, undefined);
  }

  /**
   * @param written the record this gate has just encoded and sent, when it has it: equal to what
   *   decoding the pending record's hex gives (encoding checked every field and the record's
   *   strings are already in decoded form), without the hex round trip and the CRC (≈ 1 µs).
   */
  private passage(p: PendingPurchase, journal: JournalRecord, recovered: boolean, mac2Verified: boolean | undefined, written?: TransitRecord): GateOutcome {
    const base: Passage = {
      serial: p.serial,
      record: written ?? decodeTransitRecord(hexToBytes(p.transitRecord)),
      balanceFen: p.balanceBeforeFen - p.amountFen,
      journal,
      recovered,
      mac2Verified,
    };
    if (p.direction === 'entry') return { kind: 'entered', ...base };
    const f = p.fare!;
    return { kind: 'exited', ...base, fareFen: f.fareFen, baseFareFen: f.baseFareFen, overtime: f.overtime, durationMinutes: f.durationMinutes };
  }
}
