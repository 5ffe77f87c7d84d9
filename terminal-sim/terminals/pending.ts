/**
 * 闪卡 (a card pulled mid-transaction) — what a terminal remembers when the card left after the
 * committing command (8054 DEBIT / 8052 CREDIT) was sent but before its answer came, and how it
 * finds out on the card's next presentation whether the card committed (DOMAIN.md §3
 * "Atomicity": the card did all or nothing; the terminal must find out which and never charge
 * twice).
 *
 * The check: INITIALIZE (8050 03 for a purchase, 8050 00 for a load, amount 0 — no side effect)
 * gives the counter. Unchanged → the card did nothing: redo from scratch. Advanced → look for
 * the transaction in the card's 0018 log (counter, type, amount, terminal id, date-time all
 * equal): found → the card committed it: GET TRANSACTION PROVE (805A) gives the TAC and the
 * transaction is journaled as done; not found → the counter moved for another terminal's
 * transaction and ours never happened: redo. (The 0018 log keeps the last 10 transactions; a
 * card used more than 10 times elsewhere before coming back is the one case this cannot
 * decide, and it then redoes.)
 */
import type { purseCrypto } from '../../engine/index.js';
import { bytesToHex } from '../../crypto/utils.js';
import type { JournalRecord } from '../clearing/journal.js';
import { KeyOrRecordNotFoundError, RecordNotFoundError } from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import type { TxLogRecord } from '../transit/files.js';
import { getTransactionProve } from '../transit/purse-query.js';
import { readTransactionLog } from '../transit/read-commands.js';

export interface PendingTransaction {
  kind: 'purchase' | 'load';
  /** The card's app serial. */
  serial: string;
  /** The counter the transaction used (offline for purchases, online for loads). */
  counter: number;
  amountFen: number;
  /** 02 load, 09 CAPP purchase. */
  type: number;
  /** 12 hex digits. */
  terminalId: string;
  terminalSeq?: number;
  /** YYYYMMDDhhmmss as sent to the card. */
  dateTime: string;
  alg: purseCrypto.PurseAlg;
  /** The balance the card reported before the transaction. */
  balanceBeforeFen: number;
}

/** A gate's pending CAPP purchase, with what it cached on the card. */
export interface PendingPurchase extends PendingTransaction {
  kind: 'purchase';
  direction: 'entry' | 'exit';
  /** The 1A record sent with 80DC (128 bytes hex). */
  transitRecord: string;
  /** The 1E record appended with 80DC (48 bytes hex). */
  travelRecord: string;
  fare?: { fareFen: number; baseFareFen: number; overtime: boolean; durationMinutes: number };
}

export type PendingLoad = PendingTransaction & { kind: 'load' };

/** Most records of a card's 0018 log (DOMAIN.md §3: cyclic, 10 records). */
const TX_LOG_RECORDS = 10;

/**
 * Looks for the pending transaction in the card's 0018 log (newest first).
 * @returns the matching record, or undefined.
 * @throws CardRemovedError / ReaderError / CardCommandError other than 6A83.
 */
export async function findInTransactionLog(reader: Reader, p: PendingTransaction): Promise<TxLogRecord | undefined> {
  for (let n = 1; n <= TX_LOG_RECORDS; n++) {
    let r: TxLogRecord;
    try {
      r = await readTransactionLog(reader, n);
    } catch (e) {
      if (e instanceof RecordNotFoundError) return undefined;
      throw e;
    }
    if (r.counter === p.counter && r.type === p.type && r.amountFen === p.amountFen && r.terminalId === p.terminalId.toLowerCase() && r.dateTime === p.dateTime) return r;
  }
  return undefined;
}

/** What a terminal learns about a pending transaction when the card comes back. */
export type PendingFate =
  /** The card never committed it: redo it (or drop it). */
  | { committed: false }
  /** The card committed it; `tac` is its proof, absent when a later transaction replaced it. */
  | { committed: true; tac: Uint8Array | undefined };

/**
 * Decides a pending transaction's fate from the counter a fresh INITIALIZE reported
 * (`probedCounter`): unchanged → not committed; moved → committed only if the card's 0018 log
 * holds this very transaction (another terminal may have moved the counter), and then its TAC
 * from GET TRANSACTION PROVE (9403 → no proof left) [P: one proof per counter].
 * @throws CardRemovedError / ReaderError / CardCommandError other than 6A83 and 9403.
 */
export async function pendingFate(reader: Reader, p: PendingTransaction, probedCounter: number): Promise<PendingFate> {
  if (probedCounter === p.counter || !(await findInTransactionLog(reader, p))) return { committed: false };
  try {
    return { committed: true, tac: (await getTransactionProve(reader, { type: p.type, counter: p.counter })).tac };
  } catch (e) {
    if (e instanceof KeyOrRecordNotFoundError) return { committed: true, tac: undefined };
    throw e;
  }
}

/** The journal record of a completed transaction (`recovered`: its TAC came from 805A). */
export function journalRecordOf(p: PendingTransaction, tac: Uint8Array, recovered: boolean): JournalRecord {
  return {
    serial: p.serial,
    counter: p.counter,
    amountFen: p.amountFen,
    type: p.type,
    terminalId: p.terminalId,
    ...(p.terminalSeq !== undefined ? { terminalSeq: p.terminalSeq } : {}),
    dateTime: p.dateTime,
    tac: bytesToHex(tac),
    alg: p.alg,
    ...(recovered ? { recovered: true } : {}),
  };
}
