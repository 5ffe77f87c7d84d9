/**
 * Clearing: checks a batch of journal records against the issuer's TAC master key. Every TAC is
 * recomputed with the card's diversified TAC key (DOMAIN.md §3); a record whose TAC does not
 * match (a tampered amount, terminal, date or TAC), that is malformed, or that repeats a
 * transaction already seen (same card, same counter kind and value — a double charge or a
 * replayed record) is rejected with its reason.
 */
import type { IssuerKeys } from '../../engine/index.js';
import { abytes, equalBytes, hexToBytes } from '../../crypto/utils.js';
import { expectedTac, isLoadType } from '../issuer/tac.js';
import type { JournalRecord } from './journal.js';

export type ClearingProblem = 'tac-mismatch' | 'malformed' | 'duplicate';

export interface RejectedRecord {
  /** Position in the input. */
  index: number;
  record: JournalRecord;
  problem: ClearingProblem;
  reason: string;
}

export interface ClearingResult {
  accepted: JournalRecord[];
  /** The bad records, with reasons. */
  rejected: RejectedRecord[];
  /** Sums over the accepted records. */
  loadsFen: number;
  purchasesFen: number;
}

/**
 * Clears `records`.
 * @param issuerKeys needs only `tac` (the TAC master key).
 * @throws TypeError when `records` is not an array or the TAC key is not 16 bytes.
 */
export function clear(records: readonly JournalRecord[], issuerKeys: Pick<IssuerKeys, 'tac'>): ClearingResult {
  if (!Array.isArray(records)) throw new TypeError('"records" expected an array');
  const master = abytes('issuerKeys.tac', issuerKeys?.tac, 16);
  const out: ClearingResult = { accepted: [], rejected: [], loadsFen: 0, purchasesFen: 0 };
  const seen = new Set<string>();
  records.forEach((record, index) => {
    const reject = (problem: ClearingProblem, reason: string): void => void out.rejected.push({ index, record, problem, reason });
    let want: Uint8Array;
    let got: Uint8Array;
    try {
      want = expectedTac(record, master);
      if (typeof record.tac !== 'string' || !/^[0-9a-f]{8}$/i.test(record.tac)) throw new RangeError(`"record.tac" expected 8 hex digits, got ${JSON.stringify(record.tac)}`);
      got = hexToBytes(record.tac.toLowerCase(), 'record.tac');
    } catch (e) {
      return reject('malformed', (e as Error).message);
    }
    if (!equalBytes(want, got)) return reject('tac-mismatch', 'TAC does not verify with the card\'s TAC key');
    const load = isLoadType(record.type);
    const key = `${record.serial.toLowerCase()}:${load ? 'online' : 'offline'}:${record.counter}`;
    if (seen.has(key)) return reject('duplicate', `transaction ${load ? 'online' : 'offline'} counter ${record.counter} of card ${record.serial} already cleared`);
    seen.add(key);
    out.accepted.push(record);
    if (load) out.loadsFen += record.amountFen;
    else out.purchasesFen += record.amountFen;
  });
  return out;
}
