/**
 * The purchase (debit) commands of the EP and the compound (CAPP) purchase (DOMAIN.md §3):
 * INITIALIZE FOR PURCHASE `80 50 01 02 0B` / FOR CAPP PURCHASE `80 50 03 02 0B` → balance 4 ·
 * offline counter 2 · overdraft 3 · key version 1 · alg id 1 · random 4; UPDATE CAPP DATA CACHE
 * `80 DC <record id> <SFI<<3> Lc <record>`; DEBIT FOR (CAPP) PURCHASE `80 54 01 00 0F` terminal
 * seq 4 · date 4 · time 3 · MAC1 4 → TAC 4 · MAC2 4.
 */
import { purseCrypto, SW } from '../../engine/index.js';
import { abytes, aint, concatBytes } from '../../crypto/utils.js';
import { expectLength, runBuiltCommand, runCommand, swTable, type CardCommand } from '../reader/card-command.js';
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
import { initializeApdu, initializeData, type InitializeRequest } from './purse-load.js';

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

const PARSE_INIT_CAPP = parseInitPurchase('INITIALIZE FOR CAPP PURCHASE');

/** INITIALIZE FOR CAPP PURCHASE (type 09). @throws as {@link initializeForPurchase}. */
export function initializeForCappPurchase(reader: Reader, req: InitializeRequest): Promise<InitializeForPurchaseResponse> {
  return runBuiltCommand(reader, () => ({
    name: 'INITIALIZE FOR CAPP PURCHASE',
    apdu: initializeApdu(0x03, req),
    errors: INIT_PURCHASE_ERRORS,
    parse: PARSE_INIT_CAPP,
  }));
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
export function updateCappDataCache(reader: Reader, u: CappCacheUpdate): Promise<void> {
  return runBuiltCommand(reader, () => {
    aint('recordId', u.recordId, 0, 0xff);
    aint('sfi', u.sfi, 1, 30);
    const record = abytes('record', u.record);
    const apdu = cappDataCacheCommand({ recordId: u.recordId, sfi: u.sfi, recordLen: record.length });
    apdu.set(record, CAPP_CACHE_RECORD_OFFSET);
    return cappCacheCommand(apdu);
  });
}

function cappCacheCommand(apdu: Uint8Array): CardCommand<undefined> {
  return { name: UPDATE_CACHE_NAMES[apdu[3] >> 3], apdu, errors: UPDATE_CACHE_ERRORS, parse: noData };
}

/** Where the record goes in an UPDATE CAPP DATA CACHE command. */
export const CAPP_CACHE_RECORD_OFFSET = 5;

/**
 * An UPDATE CAPP DATA CACHE command with room for a record of `recordLen` bytes at
 * {@link CAPP_CACHE_RECORD_OFFSET}, for a caller that encodes its record in place: a gate then
 * makes one 133-byte array for its 1A record rather than two (arrays over 64 bytes live off V8's
 * heap, ≈ 0.7 µs each measured).
 * @throws TypeError / RangeError naming a bad field.
 */
export function cappDataCacheCommand(u: { recordId: number; sfi: number; recordLen: number }): Uint8Array {
  const p1 = aint('recordId', u.recordId, 0, 0xff);
  const sfi = aint('sfi', u.sfi, 1, 30);
  const len = aint('record.length', u.recordLen, 1, 255);
  const apdu = new Uint8Array(CAPP_CACHE_RECORD_OFFSET + len);
  apdu[0] = 0x80;
  apdu[1] = 0xdc;
  apdu[2] = p1;
  apdu[3] = sfi << 3;
  apdu[4] = len;
  return apdu;
}

/**
 * Sends a command from {@link cappDataCacheCommand} once its record is written.
 * @throws as {@link updateCappDataCache}.
 */
export function sendCappDataCache(reader: Reader, apdu: Uint8Array): Promise<void> {
  return runCommand(reader, cappCacheCommand(apdu));
}

/** Command names by SFI, built once. */
const UPDATE_CACHE_NAMES = Array.from({ length: 31 }, (_, sfi) => `UPDATE CAPP DATA CACHE ${sfi.toString(16).toUpperCase()}`);
const noData = (): undefined => undefined;

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
export function debitForPurchase(reader: Reader, req: DebitRequest): Promise<{ tac: Uint8Array; mac2: Uint8Array }> {
  return runBuiltCommand(reader, () => {
    const apdu = new Uint8Array(20);
    apdu.set(DEBIT_HEADER);
    apdu.set(abytes('terminalSeq', req.terminalSeq, 4), 5);
    apdu.set(abytes('date', req.date, 4), 9);
    apdu.set(abytes('time', req.time, 3), 13);
    apdu.set(abytes('mac1', req.mac1, 4), 16);
    return { name: 'DEBIT FOR PURCHASE', apdu, errors: DEBIT_ERRORS, parse: parseDebit };
  });
}

const DEBIT_HEADER = Uint8Array.of(0x80, 0x54, 0x01, 0x00, 0x0f);

function parseDebit(d: Uint8Array): { tac: Uint8Array; mac2: Uint8Array } {
  expectLength('DEBIT FOR PURCHASE', d, 8);
  return { tac: d.slice(0, 4), mac2: d.slice(4, 8) };
}

/** `seq` as the 4 bytes of a terminal sequence number. */
export function terminalSeqBytes(seq: number): Uint8Array {
  return beBytes('terminalSeq', seq, 4);
}
