/**
 * The purchase (debit) commands of the EP and the compound (CAPP) purchase (DOMAIN.md §3):
 * INITIALIZE FOR PURCHASE `80 50 01 02 0B` / FOR CAPP PURCHASE `80 50 03 02 0B` → balance 4 ·
 * offline counter 2 · overdraft 3 · key version 1 · alg id 1 · random 4; UPDATE CAPP DATA CACHE
 * `80 DC <record id> <SFI<<3> Lc <record>`; DEBIT FOR (CAPP) PURCHASE `80 54 01 00 0F` terminal
 * seq 4 · date 4 · time 3 · MAC1 4 → TAC 4 · MAC2 4.
 */
import { purseCrypto, SW } from '../../engine/index.js';
import { abytes, aint, concatBytes } from '../../crypto/utils.js';
import { expectLength, runCommand, swTable } from '../reader/card-command.js';
import {
  ApplicationLockedError,
  CommandNotSupportedError,
  ConditionsNotSatisfiedError,
  FileNotFoundError,
  InsufficientBalanceError,
  KeyOrRecordNotFoundError,
  MacInvalidError,
  RecordNotFoundError,
  WrongLengthError,
  WrongParametersError,
} from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { beBytes, beUint } from './bytes.js';
import { initializeData, type InitializeRequest } from './purse-load.js';

export interface InitializeForPurchaseResponse {
  balanceFen: number;
  offlineCounter: number;
  overdraftLimitFen: number;
  keyVersion: number;
  algId: number;
  alg: purseCrypto.PurseAlg;
  random: Uint8Array;
}

const INIT_PURCHASE_ERRORS = swTable(
  [SW.INSUFFICIENT_BALANCE, InsufficientBalanceError], // amount > balance + overdraft [U]
  [SW.CONDITIONS_NOT_SATISFIED, ConditionsNotSatisfiedError], // offline counter exhausted
  [SW.KEY_NOT_FOUND, KeyOrRecordNotFoundError],
  [SW.INCORRECT_P1P2, WrongParametersError],
  [SW.APPLICATION_LOCKED, ApplicationLockedError],
  [SW.INS_NOT_SUPPORTED, CommandNotSupportedError],
);

function parseInitPurchase(name: string) {
  return (d: Uint8Array): InitializeForPurchaseResponse => {
    expectLength(name, d, 15);
    return {
      balanceFen: beUint(d, 0, 4),
      offlineCounter: beUint(d, 4, 2),
      overdraftLimitFen: beUint(d, 6, 3),
      keyVersion: d[9],
      algId: d[10],
      alg: purseCrypto.algFromId(d[10]),
      random: d.slice(11, 15),
    };
  };
}

/**
 * INITIALIZE FOR PURCHASE (EP, type 06).
 * @throws InsufficientBalanceError (9401), ConditionsNotSatisfiedError, KeyOrRecordNotFoundError,
 *   WrongParametersError, ApplicationLockedError; MalformedResponseError; CardRemovedError.
 */
export async function initializeForPurchase(reader: Reader, req: InitializeRequest): Promise<InitializeForPurchaseResponse> {
  return runCommand(reader, {
    name: 'INITIALIZE FOR PURCHASE',
    apdu: concatBytes(Uint8Array.of(0x80, 0x50, 0x01, 0x02, 0x0b), initializeData(req)),
    errors: INIT_PURCHASE_ERRORS,
    parse: parseInitPurchase('INITIALIZE FOR PURCHASE'),
  });
}

/** INITIALIZE FOR CAPP PURCHASE (type 09). @throws as {@link initializeForPurchase}. */
export async function initializeForCappPurchase(reader: Reader, req: InitializeRequest): Promise<InitializeForPurchaseResponse> {
  return runCommand(reader, {
    name: 'INITIALIZE FOR CAPP PURCHASE',
    apdu: concatBytes(Uint8Array.of(0x80, 0x50, 0x03, 0x02, 0x0b), initializeData(req)),
    errors: INIT_PURCHASE_ERRORS,
    parse: parseInitPurchase('INITIALIZE FOR CAPP PURCHASE'),
  });
}

export interface CappCacheUpdate {
  /** P1: the record id to replace (01 rail / 02 bus in 1A), or 00 to append to a cyclic EF. */
  recordId: number;
  /** SFI of the record EF (1A, 1E). */
  sfi: number;
  record: Uint8Array;
}

const UPDATE_CACHE_ERRORS = swTable(
  [SW.CONDITIONS_NOT_SATISFIED, ConditionsNotSatisfiedError], // no CAPP session open
  [SW.FILE_NOT_FOUND, FileNotFoundError],
  [SW.WRONG_LENGTH, WrongLengthError],
  [SW.WRONG_DATA, WrongParametersError], // record id byte ≠ P1
  [SW.INCORRECT_P1P2, WrongParametersError],
  [SW.NOT_ENOUGH_MEMORY, WrongParametersError], // too many cached records
);

/**
 * UPDATE CAPP DATA CACHE: stages a record, committed only by the next DEBIT.
 * @throws ConditionsNotSatisfiedError (6985: no CAPP session), FileNotFoundError, WrongLengthError,
 *   WrongParametersError; CardRemovedError / ReaderError.
 */
export async function updateCappDataCache(reader: Reader, u: CappCacheUpdate): Promise<void> {
  const p1 = aint('recordId', u.recordId, 0, 0xff);
  const sfi = aint('sfi', u.sfi, 1, 30);
  const record = abytes('record', u.record);
  aint('record.length', record.length, 1, 255);
  await runCommand(reader, {
    name: `UPDATE CAPP DATA CACHE ${sfi.toString(16).toUpperCase()}`,
    apdu: concatBytes(Uint8Array.of(0x80, 0xdc, p1, sfi << 3, record.length), record),
    errors: UPDATE_CACHE_ERRORS,
    parse: () => undefined,
  });
}

const DEBIT_ERRORS = swTable(
  [SW.MAC_INVALID, MacInvalidError], // MAC1 does not verify
  [SW.INSUFFICIENT_BALANCE, InsufficientBalanceError],
  [SW.CONDITIONS_NOT_SATISFIED, ConditionsNotSatisfiedError], // no INITIALIZE before
  [SW.RECORD_NOT_FOUND, RecordNotFoundError], // a cached record's id is not on the card
  [SW.KEY_NOT_FOUND, KeyOrRecordNotFoundError],
  [SW.INCORRECT_P1P2, WrongParametersError],
);

export interface DebitRequest {
  /** The PSAM's terminal transaction sequence number (4 bytes). */
  terminalSeq: Uint8Array;
  /** 4 bytes BCD. */
  date: Uint8Array;
  /** 3 bytes BCD. */
  time: Uint8Array;
  mac1: Uint8Array;
}

/**
 * DEBIT FOR (CAPP) PURCHASE: commits balance, offline counter, 0018 and the cached records
 * together (DOMAIN.md §3 "Atomicity").
 * @returns the card's TAC and MAC2.
 * @throws MacInvalidError (9302), InsufficientBalanceError (9401), ConditionsNotSatisfiedError
 *   (6985), RecordNotFoundError (6A83); MalformedResponseError; CardRemovedError (the debit may
 *   or may not have happened!) / ReaderError.
 */
export async function debitForPurchase(reader: Reader, req: DebitRequest): Promise<{ tac: Uint8Array; mac2: Uint8Array }> {
  const data = concatBytes(abytes('terminalSeq', req.terminalSeq, 4), abytes('date', req.date, 4), abytes('time', req.time, 3), abytes('mac1', req.mac1, 4));
  return runCommand(reader, {
    name: 'DEBIT FOR PURCHASE',
    apdu: concatBytes(Uint8Array.of(0x80, 0x54, 0x01, 0x00, 0x0f), data),
    errors: DEBIT_ERRORS,
    parse: (d) => {
      expectLength('DEBIT FOR PURCHASE', d, 8);
      return { tac: d.slice(0, 4), mac2: d.slice(4, 8) };
    },
  });
}

/** `seq` as the 4 bytes of a terminal sequence number. */
export function terminalSeqBytes(seq: number): Uint8Array {
  return beBytes('terminalSeq', seq, 4);
}
