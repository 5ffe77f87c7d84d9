/**
 * Recomputes a journal record's TAC with the issuer's TAC master key (DOMAIN.md §3): the card's
 * TAC key is the master diversified by the app serial; purchase TAC over amount 4 ‖ type 1 ‖
 * terminal id 6 ‖ terminal seq 4 ‖ date 4 ‖ time 3 [S]; load TAC over amount 4 ‖ type 1 ‖
 * terminal id 6 ‖ date 4 ‖ time 3 [P]. Shared by the issuer host and clearing.
 */
import { purseCrypto } from '../../engine/index.js';
import { hexToBytes, wipe } from '../../crypto/utils.js';
import type { JournalRecord } from '../clearing/journal.js';

const LOAD_TYPES = new Set<number>([purseCrypto.TX_TYPE.ED_LOAD, purseCrypto.TX_TYPE.EP_LOAD]);
const PURCHASE_TYPES = new Set<number>([purseCrypto.TX_TYPE.EP_PURCHASE, purseCrypto.TX_TYPE.CAPP_PURCHASE]);

/** True for a load type (01, 02). */
export function isLoadType(type: number): boolean {
  return LOAD_TYPES.has(type);
}

/**
 * The TAC the card must have produced for `record`.
 * @returns 4 new bytes.
 * @throws RangeError naming the malformed field (serial, terminal id, date-time, type, a
 *   purchase without terminalSeq, an unknown alg).
 */
export function expectedTac(record: JournalRecord, tacMasterKey: Uint8Array): Uint8Array {
  if (typeof record !== 'object' || record === null) throw new TypeError('"record" expected an object');
  if (typeof record.serial !== 'string' || !/^[0-9a-f]{20}$/i.test(record.serial)) throw new RangeError(`"record.serial" expected 20 hex digits, got ${JSON.stringify(record.serial)}`);
  if (typeof record.terminalId !== 'string' || !/^[0-9a-f]{12}$/i.test(record.terminalId)) throw new RangeError(`"record.terminalId" expected 12 hex digits, got ${JSON.stringify(record.terminalId)}`);
  if (typeof record.dateTime !== 'string' || !/^\d{14}$/.test(record.dateTime)) throw new RangeError(`"record.dateTime" expected 14 digits, got ${JSON.stringify(record.dateTime)}`);
  const alg = purseCrypto.PURSE_ALGS.includes(record.alg) ? record.alg : undefined;
  if (!alg) throw new RangeError(`"record.alg" expected '3des' or 'sm4', got ${JSON.stringify(record.alg)}`);
  const terminalId = hexToBytes(record.terminalId.toLowerCase(), 'record.terminalId');
  const date = hexToBytes(record.dateTime.slice(0, 8), 'record.dateTime');
  const time = hexToBytes(record.dateTime.slice(8), 'record.dateTime');
  let input: Uint8Array;
  if (isLoadType(record.type)) {
    input = purseCrypto.loadTacInput({ amountFen: record.amountFen, type: record.type, terminalId, date, time });
  } else if (PURCHASE_TYPES.has(record.type)) {
    if (record.terminalSeq === undefined) throw new RangeError('"record.terminalSeq" is required for a purchase');
    input = purseCrypto.purchaseTacInput({ amountFen: record.amountFen, type: record.type, terminalId, terminalSeq: record.terminalSeq, date, time });
  } else {
    throw new RangeError(`"record.type" expected 01, 02, 06 or 09, got ${String(record.type)}`);
  }
  const cardTacKey = purseCrypto.diversifyKey(alg, tacMasterKey, hexToBytes(record.serial.toLowerCase(), 'record.serial'));
  try {
    return purseCrypto.tac(alg, cardTacKey, input);
  } finally {
    wipe(cardTacKey);
  }
}
