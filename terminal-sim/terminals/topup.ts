/**
 * A top-up (load) terminal (DOMAIN.md §3, PBOC e-purse load):
 *
 *   SELECT transit AID → READ 0015 → INITIALIZE FOR LOAD (8050 00) → issuer host checks MAC1
 *   and returns MAC2 → CREDIT FOR LOAD (8052) → TAC, verified by the host → journal.
 *
 * Business rule [S]: every load is a positive multiple of 10 yuan (1000 fen), and a card's first
 * load (online counter 0) is at least 20 yuan; the balance may not pass the maximum (1000 yuan,
 * configurable) — the card refuses beyond it too (6985). Refusals are outcomes, not exceptions.
 *
 * 闪卡: a card pulled after CREDIT FOR LOAD was sent leaves a pending load; its next presentation
 * settles it (./pending.ts with the online counter and GET TRANSACTION PROVE type 02): loaded →
 * journaled, never loaded twice; not loaded → the pending order is loaded now.
 */
import { purseCrypto } from '../../engine/index.js';
import type { Clock } from '../../engine/index.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';
import type { JournalRecord, JournalSink } from '../clearing/journal.js';
import type { LoadHost } from '../issuer/issuer-host.js';
import {
  CardCommandError,
  ConditionsNotSatisfiedError,
} from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { bcdDateTime, dateTimeDigits } from '../transit/datetime.js';
import { creditForLoad, initializeForLoad } from '../transit/purse-load.js';
import { readIssuerInfo } from '../transit/read-commands.js';
import { Refusal } from './card-checks.js';
import { presentTransitCard, type InterruptedOutcome, type RefusedOutcome } from './select-card.js';
import { journalRecordOf, pendingFate, type PendingLoad } from './pending.js';

export interface TopUpRules {
  /** A card's first load is at least this [S]; default 2000 fen (20 yuan). */
  firstLoadMinFen: number;
  /** Every load is a multiple of this [S]; default 1000 fen (10 yuan). */
  stepFen: number;
  /** The purse maximum [S]; default 100 000 fen (1000 yuan). */
  maxBalanceFen: number;
}

export const DEFAULT_TOPUP_RULES: Readonly<TopUpRules> = Object.freeze({ firstLoadMinFen: 2000, stepFen: 1000, maxBalanceFen: 100_000 });

export interface TopUpOptions {
  reader: Reader;
  host: LoadHost;
  clock: Clock;
  journal: JournalSink;
  /** The terminal id in MACs and TACs, 12 hex digits. */
  terminalId: string;
  /** Load key index; default 01. */
  keyIndex?: number;
  rules?: Partial<TopUpRules>;
  /** Pending loads restored from storage. */
  pending?: readonly PendingLoad[];
}

export type TopUpRefusalReason =
  | 'invalid-amount'
  | 'first-load-minimum'
  | 'exceeds-max-balance'
  | 'host-declined'
  | 'blocked'
  | 'not-transit-card'
  | 'expired'
  | 'card-error';

/** Refusals of this terminal: the reason checked against TopUpRefusalReason. */
const TopUpRefusal = Refusal<TopUpRefusalReason>;

export type TopUpOutcome =
  | {
      kind: 'loaded';
      serial: string;
      amountFen: number;
      /** Balance after the load. */
      balanceFen: number;
      journal: JournalRecord;
      /**
       * True when the card had committed this load on an earlier, interrupted presentation
       * (its TAC came from GET TRANSACTION PROVE): nothing was loaded now.
       */
      recovered: boolean;
      /** True when this settled an order interrupted earlier (recovered, or loaded now). */
      settledPending: boolean;
      /** The issuer host verified the card's TAC. */
      tacVerified: boolean;
    }
  | RefusedOutcome<TopUpRefusalReason>
  | InterruptedOutcome
  /** settlePending(): this card had nothing pending. */
  | { kind: 'nothing-pending'; serial: string }
  /** The card committed the load but a later transaction replaced its proof. */
  | { kind: 'unproven'; serial: string; pending: PendingLoad; detail: string };

export class TopUpTerminal {
  private readonly pendings = new Map<string, PendingLoad>();
  private readonly unprovenList: PendingLoad[] = [];
  private readonly rules: TopUpRules;
  private readonly terminalId: Uint8Array;
  private readonly keyIndex: number;

  constructor(private readonly opts: TopUpOptions) {
    if (typeof opts.terminalId !== 'string' || !/^[0-9a-f]{12}$/i.test(opts.terminalId)) throw new RangeError(`"terminalId" expected 12 hex digits, got ${JSON.stringify(opts.terminalId)}`);
    this.terminalId = hexToBytes(opts.terminalId.toLowerCase());
    this.rules = { ...DEFAULT_TOPUP_RULES, ...opts.rules };
    this.keyIndex = opts.keyIndex ?? purseCrypto.DEMO_ISSUER_KEYS.keyIndex;
    for (const p of opts.pending ?? []) this.pendings.set(p.serial, { ...p });
  }

  get pending(): readonly PendingLoad[] {
    return [...this.pendings.values()];
  }

  get unproven(): readonly PendingLoad[] {
    return this.unprovenList;
  }

  /**
   * Loads `amountFen` onto the card in the field. When this card has a load pending from an
   * interrupted presentation, that load is settled instead (outcome `settledPending: true`) and
   * this order is not run: present the card again for it.
   * @throws ReaderError when the reader fails; TypeError for a non-number amount.
   */
  load(amountFen: number): Promise<TopUpOutcome> {
    if (typeof amountFen !== 'number') throw new TypeError(`"amountFen" expected integer, got ${typeof amountFen}`);
    return this.run(amountFen);
  }

  /** Settles this card's pending load, if any. @throws ReaderError. */
  settlePending(): Promise<TopUpOutcome> {
    return this.run(undefined);
  }

  private run(amountFen: number | undefined): Promise<TopUpOutcome> {
    return presentTransitCard<TopUpOutcome, TopUpRefusalReason>(this.opts.reader, {
      // An amount the rules refuse is refused without touching the card.
      ...(amountFen !== undefined ? { before: () => this.checkAmount(amountFen) } : {}),
      isPending: (serial) => this.pendings.has(serial),
      business: async (sel) => {
        const serial = sel.issuer.appSerial;
        const pending = this.pendings.get(serial);
        if (pending) return this.settle(pending);
        if (amountFen === undefined) return { kind: 'nothing-pending', serial };
        return this.transact(serial, amountFen, false);
      },
    });
  }

  private checkAmount(amountFen: number): void {
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0 || amountFen % this.rules.stepFen !== 0) {
      throw new TopUpRefusal('invalid-amount', `a load is a positive multiple of ${this.rules.stepFen} fen, got ${amountFen}`);
    }
  }

  private async transact(serial: string, amountFen: number, recovered: boolean): Promise<TopUpOutcome> {
    const card = this.opts.reader;
    const now = this.opts.clock.now();
    const nowDigits = dateTimeDigits(now);
    const issuer = await readIssuerInfo(card);
    if (issuer.appSerial !== serial) throw new TopUpRefusal('card-error', 'EF 0015 differs from the FCI');
    if (nowDigits.slice(0, 8) > issuer.expiryDate) throw new TopUpRefusal('expired', `card expired on ${issuer.expiryDate}`);

    let init;
    try {
      init = await initializeForLoad(card, { keyIndex: this.keyIndex, amountFen, terminalId: this.terminalId });
    } catch (e) {
      if (e instanceof ConditionsNotSatisfiedError) throw new TopUpRefusal('exceeds-max-balance', `the card refuses a load of ${amountFen} fen (maximum balance)`, e);
      throw e;
    }
    if (init.onlineCounter === 0 && amountFen < this.rules.firstLoadMinFen) {
      throw new TopUpRefusal('first-load-minimum', `a first load is at least ${this.rules.firstLoadMinFen} fen, got ${amountFen}`);
    }
    if (init.balanceFen + amountFen > this.rules.maxBalanceFen) {
      throw new TopUpRefusal('exceeds-max-balance', `balance ${init.balanceFen} + ${amountFen} fen passes the maximum ${this.rules.maxBalanceFen} fen`);
    }
    const { date, time } = bcdDateTime(now);
    const auth = await this.opts.host.authorizeLoad({
      appSerial: serial,
      keyIndex: this.keyIndex,
      keyVersion: init.keyVersion,
      algId: init.algId,
      balanceFen: init.balanceFen,
      onlineCounter: init.onlineCounter,
      random: init.random,
      mac1: init.mac1,
      amountFen,
      terminalId: this.terminalId,
      date,
      time,
    });
    if (!auth.approved) throw new TopUpRefusal('host-declined', `${auth.reason}: ${auth.detail}`);

    const pending: PendingLoad = {
      kind: 'load',
      serial,
      counter: init.onlineCounter,
      amountFen,
      type: purseCrypto.TX_TYPE.EP_LOAD,
      terminalId: bytesToHex(this.terminalId),
      dateTime: nowDigits,
      alg: init.alg,
      balanceBeforeFen: init.balanceFen,
    };
    this.pendings.set(serial, pending);
    let credit;
    try {
      credit = await creditForLoad(card, { date, time, mac2: auth.mac2 });
    } catch (e) {
      if (e instanceof CardCommandError && e.sw !== 0x9000) this.pendings.delete(serial);
      throw e;
    }
    return this.complete(pending, credit.tac, { settled: recovered, proofRecovered: false }, init.balanceFen + amountFen);
  }

  private async settle(p: PendingLoad): Promise<TopUpOutcome> {
    const card = this.opts.reader;
    const probe = await initializeForLoad(card, { keyIndex: this.keyIndex, amountFen: 0, terminalId: this.terminalId });
    const fate = await pendingFate(card, p, probe.onlineCounter);
    this.pendings.delete(p.serial);
    // The card never loaded: load the pending order now.
    if (!fate.committed) return this.transact(p.serial, p.amountFen, true);
    if (!fate.tac) {
      this.unprovenList.push(p);
      return { kind: 'unproven', serial: p.serial, pending: p, detail: 'the card committed the load but a later transaction replaced its proof' };
    }
    return this.complete(p, fate.tac, { settled: true, proofRecovered: true }, probe.balanceFen);
  }

  /**
   * Journals a load. `settled`: it settles an earlier interrupted presentation (the outcome's
   * `recovered`); `proofRecovered`: its TAC came from GET TRANSACTION PROVE (the journal's).
   */
  private async complete(p: PendingLoad, tac: Uint8Array, how: { settled: boolean; proofRecovered: boolean }, balanceFen: number): Promise<TopUpOutcome> {
    this.pendings.delete(p.serial);
    const record = journalRecordOf(p, tac, how.proofRecovered);
    this.opts.journal.append(record);
    const tacVerified = await this.opts.host.verifyTac(record);
    return { kind: 'loaded', serial: p.serial, amountFen: p.amountFen, balanceFen, journal: record, recovered: how.proofRecovered, settledPending: how.settled, tacVerified };
  }
}
