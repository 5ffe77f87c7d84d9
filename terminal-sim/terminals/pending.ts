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
import { RecordNotFoundError } from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import type { TxLogRecord } from '../transit/files.js';
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
