/**
 * A bus validator: tap-on and tap-off on a distance-fare route (DOMAIN.md §5 "Bus"; the 1A bus
 * record, id 02, DOMAIN.md §3 [P]). Each tap is one CAPP purchase, the gate's flow
 * (DOMAIN.md §3 "Gate flow") on the bus record:
 *
 *   SELECT · READ 0017 (refuse non-interoperable) · READ RECORD 1A #2 (CRC, state) ·
 *   INITIALIZE FOR CAPP PURCHASE · PSAM 8070 · 80DC 1A record 02 · 80DC 1E (sub-type 02 bus) ·
 *   8054 DEBIT → TAC, MAC2 · PSAM 8072 · journal (from the PSAM on: ./capp-purchase.ts, shared
 *   with the gate)
 *
 * - Tap-on: amount 0; the record becomes state 01 (boarded) with the route (line), boarding stop,
 *   device and time; the exit fields are cleared.
 * - Tap-off: the record must say boarded on this route. Distance = |km(alighting stop) −
 *   km(boarding stop)| on the route; the kilometres outside the city limits are the overlap of
 *   that stretch with the route's `outsideCity` intervals. The engine's bus fare is charged; the
 *   record becomes state 02 with the exit fields, the amount, the fare before discounts and the
 *   month accumulators.
 * - Missing tap-off [P flow]: a tap-on while the record still says boarded (state 01) charges the
 *   old ride per the engine's missing-tap-off rule — boarding stop to the farther terminus of
 *   the route it boarded (looked up in `routes`), undiscounted — **in the same transaction** as
 *   the new boarding: one debit of that fare, the record rewritten as the new boarding with the
 *   fare in its entry amount and fare-before-discounts fields, one 1E entry record carrying the
 *   amount. The card commits both or neither, so the old ride is charged exactly once. A route
 *   not in `routes` cannot be priced: refusal 'fare-error'.
 * - Tap-off without a boarding (state ≠ 01): refusal 'not-boarded'; on another route's bus:
 *   'wrong-route' (the rider should tap on; the next tap-on charges the missing tap-off).
 *
 * ssc3 profile [P]: the bus record's month fields count bus spend and rides (the engine's
 * decision), apart from the rail record's; they restart in a new month. Senior (65+) cards ride
 * free: the tap-off is a 0-fen purchase, journaled like any other.
 *
 * 闪卡: a card pulled after the DEBIT was sent leaves a pending purchase, settled on the card's
 * next presentation at this validator exactly as the gate does (./pending.ts: counter probe,
 * 0018 log, GET TRANSACTION PROVE): committed → the original outcome is returned with
 * `recovered: true` and journaled with the proven TAC; not committed → the tap is redone. The
 * `pending` getter and option carry them across restarts, JSON-friendly (as the gate's).
 */
import { purseCrypto } from '../../engine/index.js';
import type { Clock } from '../../engine/index.js';
import { bytesToHex } from '../../crypto/utils.js';
import type { JournalRecord, JournalSink } from '../clearing/journal.js';
import { PsamClient } from '../psam/psam-client.js';
import { InsufficientBalanceError } from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { TRANSIT_RECORD_ID, TRIP_STATE, type TransitRecord } from '../transit/compound-record.js';
import { dateTimeDigits } from '../transit/datetime.js';
import { initializeForCappPurchase } from '../transit/purse-purchase.js';
import { checkTransitCard, Refusal, type CardCheckRefusal } from './card-checks.js';
import type { TransitSelection } from '../transit/select.js';
import { presentTransitCard, type InterruptedOutcome, type RefusedOutcome } from './select-card.js';
import { TRAVEL_SUBTYPE, TRAVEL_TYPE } from '../transit/travel-record.js';
import { beijingBusFare, type BusFareFunction } from './beijing-fare.js';
import { CappPurchases, type CappPendingBase } from './capp-purchase.js';
import { checkFare, FareError, type FareResult } from './fare.js';
import type { PendingTransaction } from './pending.js';
import { onPsam } from './psam-step.js';

export interface BusStop {
  /** The stop's code in the 1A/1E station field (1..65535). */
  code: number;
  name: string;
  /** Position along the route from its first terminus, km. */
  km: number;
}

/** A route: stops in order (the first and last are the termini) and where it leaves the city. */
export interface BusRoute {
  /** The route's code in the 1A/1E line field (1..65535). */
  line: number;
  name?: string;
  stops: readonly BusStop[];
  /** Stretches outside the city limits, km positions along the route. */
  outsideCity?: readonly { fromKm: number; toKm: number }[];
}

export interface BusValidatorOptions {
  cardReader: Reader;
  psam: Reader | PsamClient;
  clock: Clock;
  journal: JournalSink;
  /** The route this bus runs. */
  route: BusRoute;
  /** Other routes, to price a missing tap-off made on them (this route is always included). */
  routes?: readonly BusRoute[];
  /** The stop the bus is at (a code of `route`); default its first stop. Change with atStop(). */
  stop?: number;
  /** Default beijingBusFare() (the engine's bus tariff). */
  fare?: BusFareFunction;
  /** BCD city code; default '1000' (Beijing [P]). */
  city?: string;
  /** Device id in the records, 12 hex digits; default the PSAM's terminal id. */
  deviceId?: string;
  /** Acquirer id in the 1E record, 16 hex digits; default 0000000000001000. */
  acquirerId?: string;
  /** Purse key index; default 01. */
  keyIndex?: number;
  /** Pending purchases saved from an earlier run (the `pending` getter's value). */
  pending?: readonly BusPendingPurchase[];
}

export type BusRefusalReason =
  | 'not-boarded'
  | 'wrong-route'
  | CardCheckRefusal
  | 'blocked'
  | 'not-transit-card'
  | 'insufficient-balance'
  | 'card-error'
  | 'fare-error';

/** Refusals of this terminal: the reason checked against BusRefusalReason. */
const BusRefusal = Refusal<BusRefusalReason>;

interface BusPassage {
  serial: string;
  /** The 1A bus record now on the card. */
  record: TransitRecord;
  balanceFen: number;
  journal: JournalRecord;
  /** Completed by 闪卡 recovery on a later presentation. */
  recovered: boolean;
  mac2Verified: boolean | undefined;
}

export type BusOutcome =
  | (BusPassage & {
      kind: 'boarded';
      stop: BusStop;
      /** The previous ride's missing tap-off, charged in this transaction. */
      missingTapOff?: { line: number; stop: number; boardedAt: string; distanceKm: number; fareFen: number; baseFareFen: number };
    })
  | (BusPassage & { kind: 'alighted'; stop: BusStop; distanceKm: number; outsideCityKm: number; fareFen: number; baseFareFen: number })
  | RefusedOutcome<BusRefusalReason>
  | InterruptedOutcome
  | { kind: 'unproven'; serial: string; detail: string };

type Settled = Extract<BusOutcome, { kind: 'boarded' | 'alighted' }>;
type Unsettled<T> = T extends unknown ? Omit<T, 'journal' | 'mac2Verified' | 'recovered'> : never;

/** A bus validator's pending purchase: the transaction and the outcome it will have once settled. */
export interface BusPendingPurchase extends PendingTransaction {
  kind: 'purchase';
  /** The outcome the tap will have once the debit is known to be done (journal filled then). */
  outcome: Unsettled<Settled>;
}

function checkRoute(r: BusRoute, name: string): void {
  if (!Number.isInteger(r.line) || r.line < 1 || r.line > 0xffff) throw new RangeError(`"${name}.line" expected an integer in [1, 65535], got ${String(r.line)}`);
  if (!Array.isArray(r.stops) || r.stops.length < 2) throw new RangeError(`"${name}.stops" expected at least 2 stops`);
  const codes = new Set<number>();
  r.stops.forEach((s, i) => {
    if (!Number.isInteger(s.code) || s.code < 1 || s.code > 0xffff) throw new RangeError(`"${name}.stops[${i}].code" expected an integer in [1, 65535], got ${String(s.code)}`);
    if (codes.has(s.code)) throw new RangeError(`"${name}.stops[${i}].code" ${s.code} repeats`);
    codes.add(s.code);
    if (!Number.isFinite(s.km) || s.km < 0 || (i > 0 && s.km < r.stops[i - 1].km)) throw new RangeError(`"${name}.stops[${i}].km" expected a finite km ≥ the previous stop's, got ${String(s.km)}`);
  });
  (r.outsideCity ?? []).forEach((o, i) => {
    if (!Number.isFinite(o.fromKm) || !Number.isFinite(o.toKm) || o.fromKm > o.toKm) throw new RangeError(`"${name}.outsideCity[${i}]" expected fromKm ≤ toKm`);
  });
}

/** Kilometres of [a, b] outside the city limits on `route` (rounded to the metre). */
function outsideKm(route: BusRoute, a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  let km = 0;
  for (const o of route.outsideCity ?? []) km += Math.max(0, Math.min(hi, o.toKm) - Math.max(lo, o.fromKm));
  return roundKm(km);
}

const roundKm = (km: number): number => Math.round(km * 1000) / 1000;

export class BusValidator {
  private readonly psam: PsamClient;
  private readonly fare: BusFareFunction;
  private readonly routes = new Map<number, BusRoute>();
  private readonly purchases: CappPurchases<BusPendingPurchase>;
  private readonly city: string;
  private readonly acquirerId: string;
  private readonly keyIndex: number;
  private stopCode: number;

  constructor(private readonly opts: BusValidatorOptions) {
    checkRoute(opts.route, 'route');
    (opts.routes ?? []).forEach((r, i) => {
      checkRoute(r, `routes[${i}]`);
      this.routes.set(r.line, r);
    });
    this.routes.set(opts.route.line, opts.route);
    this.psam = opts.psam instanceof PsamClient ? opts.psam : new PsamClient(opts.psam);
    this.fare = opts.fare ?? beijingBusFare();
    this.city = opts.city ?? '1000';
    if (!/^\d{4}$/.test(this.city)) throw new RangeError(`"city" expected 4 digits, got ${JSON.stringify(this.city)}`);
    this.acquirerId = (opts.acquirerId ?? '0000000000001000').toLowerCase();
    if (!/^[0-9a-f]{16}$/.test(this.acquirerId)) throw new RangeError(`"acquirerId" expected 16 hex digits, got ${JSON.stringify(opts.acquirerId)}`);
    if (opts.deviceId !== undefined && !/^[0-9a-f]{12}$/i.test(opts.deviceId)) throw new RangeError(`"deviceId" expected 12 hex digits, got ${JSON.stringify(opts.deviceId)}`);
    this.keyIndex = opts.keyIndex ?? purseCrypto.DEMO_ISSUER_KEYS.keyIndex;
    this.stopCode = opts.route.stops[0].code;
    if (opts.stop !== undefined) this.atStop(opts.stop);
    const { cardReader, journal } = opts;
    this.purchases = new CappPurchases({
      cardReader,
      psam: this.psam,
      journal,
      recordId: TRANSIT_RECORD_ID.BUS,
      keyIndex: this.keyIndex,
      subType: TRAVEL_SUBTYPE.BUS,
      city: this.city,
      acquirerId: this.acquirerId,
      pending: opts.pending,
    });
  }

  /** Purchases whose outcome waits for the card's return (JSON-friendly, for storage). */
  get pending(): readonly BusPendingPurchase[] {
    return [...this.purchases.pendings.values()].map((p) => ({ ...p }));
  }

  /** The stop the bus is at. */
  get stop(): BusStop {
    return this.opts.route.stops.find((s) => s.code === this.stopCode)!;
  }

  /**
   * Moves the bus to the stop with `code`.
   * @throws RangeError when the route has no such stop.
   */
  atStop(code: number): this {
    if (!this.opts.route.stops.some((s) => s.code === code)) throw new RangeError(`"stop" ${String(code)} is not a stop of route ${this.opts.route.line}`);
    this.stopCode = code;
    return this;
  }

  /** Tap-on at the current stop (charging a missing tap-off first, in the same debit). */
  tapOn(): Promise<BusOutcome> {
    return this.present('on');
  }

  /** Tap-off at the current stop. */
  tapOff(): Promise<BusOutcome> {
    return this.present('off');
  }

  private present(side: 'on' | 'off'): Promise<BusOutcome> {
    return presentTransitCard<BusOutcome, BusRefusalReason>(this.opts.cardReader, {
      isPending: (serial) => this.purchases.pendings.has(serial),
      business: async (sel) => {
        const pending = this.purchases.pendings.get(sel.issuer.appSerial);
        const settled = pending && (await this.settle(pending));
        return settled || this.transact(sel, side);
      },
    });
  }

  private price(fn: () => FareResult): FareResult {
    try {
      return checkFare(fn());
    } catch (e) {
      if (e instanceof FareError) throw new BusRefusal('fare-error', e.message);
      throw e;
    }
  }

  private async transact(sel: TransitSelection, side: 'on' | 'off'): Promise<BusOutcome> {
    const card = this.opts.cardReader;
    const serial = sel.issuer.appSerial;
    const now = this.opts.clock.now();
    const nowDigits = dateTimeDigits(now);
    const rec = await checkTransitCard(card, sel, nowDigits.slice(0, 8), TRANSIT_RECORD_ID.BUS);

    let terminalId = this.psam.openTerminalId;
    if (!terminalId) {
      terminalId = await onPsam(() => this.psam.open());
    }
    const terminalIdHex = this.psam.terminalIdHex ?? bytesToHex(terminalId);
    const deviceId = (this.opts.deviceId ?? terminalIdHex).toLowerCase();
    const route = this.opts.route;
    const stop = this.stop;
    const month = nowDigits.slice(0, 6);
    const acc = rec.accMonth === month ? { spendFen: rec.monthSpendFen, rides: rec.monthRides } : { spendFen: 0, rides: 0 };
    const accAfter = (f: FareResult) => ({
      accMonth: month,
      monthSpendFen: f.month ? f.month.spendFen : Math.min(0xffffffff, acc.spendFen + f.fareFen),
      monthRides: f.month ? f.month.rides : Math.min(0xffff, acc.rides + 1),
    });

    let next: TransitRecord;
    let amountFen: number;
    let outcome: BusPendingPurchase['outcome'];
    if (side === 'on') {
      let missing: NonNullable<Extract<BusOutcome, { kind: 'boarded' }>['missingTapOff']> | undefined;
      let accFields = { accMonth: rec.accMonth, monthSpendFen: rec.monthSpendFen, monthRides: rec.monthRides };
      let base = 0;
      amountFen = 0;
      if (rec.state === TRIP_STATE.ENTERED) {
        const old = this.routes.get(rec.entryLine);
        const from = old?.stops.find((s) => s.code === rec.entryStation);
        if (!old || !from) throw new BusRefusal('fare-error', `missing tap-off: boarding at route ${rec.entryLine} stop ${rec.entryStation} is not on a known route`);
        const first = old.stops[0].km;
        const last = old.stops[old.stops.length - 1].km;
        const farther = from.km - first >= last - from.km ? first : last;
        const distanceKm = roundKm(Math.abs(farther - from.km));
        const f = this.price(() =>
          this.fare({
            cardType: sel.issuer.cardType,
            boarding: { stop: from.name, dateTime: rec.entryDateTime },
            alighting: null,
            distanceKm,
            outsideCityKm: outsideKm(old, from.km, farther),
            month: { yyyymm: month, ...acc },
          }),
        );
        amountFen = f.fareFen;
        base = f.baseFareFen;
        accFields = accAfter(f);
        missing = { line: rec.entryLine, stop: rec.entryStation, boardedAt: rec.entryDateTime, distanceKm, fareFen: f.fareFen, baseFareFen: f.baseFareFen };
      }
      next = {
        ...rec,
        ...accFields,
        lockFlag: 0,
        state: TRIP_STATE.ENTERED,
        entryCity: this.city,
        entryLine: route.line,
        entryStation: stop.code,
        entryDevice: deviceId,
        entryDateTime: nowDigits,
        entryAmountFen: amountFen,
        exitLine: 0,
        exitStation: 0,
        exitDevice: '000000000000',
        exitDateTime: '00000000000000',
        exitAmountFen: 0,
        fareBeforeDiscountFen: base,
      };
      outcome = { kind: 'boarded', serial, record: next, balanceFen: 0, stop, ...(missing ? { missingTapOff: missing } : {}) };
    } else {
      if (rec.state !== TRIP_STATE.ENTERED) throw new BusRefusal('not-boarded', `bus record state ${rec.state.toString(16).padStart(2, '0')}: no tap-on recorded`);
      if (rec.entryLine !== route.line) throw new BusRefusal('wrong-route', `boarded route ${rec.entryLine}, this bus runs route ${route.line}`);
      const from = route.stops.find((s) => s.code === rec.entryStation);
      if (!from) throw new BusRefusal('bad-record', `boarding stop ${rec.entryStation} is not a stop of route ${route.line}`);
      const distanceKm = roundKm(Math.abs(stop.km - from.km));
      const outsideCityKm = outsideKm(route, from.km, stop.km);
      const f = this.price(() =>
        this.fare({
          cardType: sel.issuer.cardType,
          boarding: { stop: from.name, dateTime: rec.entryDateTime },
          alighting: { stop: stop.name, dateTime: nowDigits },
          distanceKm,
          outsideCityKm,
          month: { yyyymm: month, ...acc },
        }),
      );
      amountFen = f.fareFen;
      next = {
        ...rec,
        ...accAfter(f),
        lockFlag: 0,
        state: TRIP_STATE.EXITED,
        exitLine: route.line,
        exitStation: stop.code,
        exitDevice: deviceId,
        exitDateTime: nowDigits,
        exitAmountFen: f.fareFen,
        fareBeforeDiscountFen: f.baseFareFen,
      };
      outcome = { kind: 'alighted', serial, record: next, balanceFen: 0, stop, distanceKm, outsideCityKm, fareFen: f.fareFen, baseFareFen: f.baseFareFen };
    }

    let init;
    try {
      init = await initializeForCappPurchase(card, { keyIndex: this.keyIndex, amountFen, terminalId });
    } catch (e) {
      if (e instanceof InsufficientBalanceError) throw new BusRefusal('insufficient-balance', `the fare ${amountFen} fen exceeds the balance`, e);
      throw e;
    }
    outcome.balanceFen = init.balanceFen - amountFen;
    const type = side === 'on' ? TRAVEL_TYPE.ENTRY : TRAVEL_TYPE.EXIT;
    const travel = { type, deviceId, line: route.line, station: stop.code };
    const pending = (base: CappPendingBase): BusPendingPurchase => Object.assign(base, { outcome }); // in place: see CappPurchaseRequest.pending
    const done = await this.purchases.purchase({ sel, init, amountFen, terminalIdHex, now, nowDigits, record: next, travel, pending });
    return Object.assign({}, outcome, { journal: done.journal, recovered: false, mac2Verified: done.mac2Verified }) as Settled; // not { ...outcome, more }: V8's slow path (terminal-views.ts)
  }

  /** Settles a pending debit (see the module comment); undefined → redo the tap. */
  private async settle(p: BusPendingPurchase): Promise<BusOutcome | undefined> {
    const fate = await this.purchases.settle(p);
    if (!fate.committed) return undefined;
    if (!fate.journal) return { kind: 'unproven', serial: p.serial, detail: 'the card committed the debit but a later transaction replaced its proof' };
    return Object.assign({}, p.outcome, { journal: fate.journal, recovered: true, mac2Verified: undefined }) as Settled;
  }
}
