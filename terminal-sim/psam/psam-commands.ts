/**
 * The terminal side of the PSAM commands (DOMAIN.md §3 "PSAM"), one function each with its
 * table of expected status words: READ BINARY 0016 `00 B0 96 00 06` (terminal id), SELECT the
 * purchase DF `00 A4 00 00 02 10 01` [P], INIT SAM FOR PURCHASE `80 70 00 00 24`,
 * CREDIT SAM FOR PURCHASE `80 72 00 00 04`.
 */
import { SW } from '../../engine/index.js';
import { abytes, aint } from '../../crypto/utils.js';
import { expectLength, runBuiltCommand, runCommand, swTable } from '../reader/card-command.js';
import {
  ConditionsNotSatisfiedError,
  FileNotFoundError,
  KeyOrRecordNotFoundError,
  MacInvalidError,
  SecurityStatusError,
  WrongParametersError,
} from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { beUint, putBe } from '../transit/bytes.js';
import { PSAM_DF_FID } from './layout.js';

const READ_ERRORS = swTable([SW.FILE_NOT_FOUND, FileNotFoundError], [SW.SECURITY_STATUS_NOT_SATISFIED, SecurityStatusError]);

/** READ BINARY 0016: the 6-byte terminal id. @throws FileNotFoundError; CardRemovedError / ReaderError. */
export async function readPsamTerminalId(reader: Reader): Promise<Uint8Array> {
  return runCommand(reader, {
    name: 'PSAM READ BINARY 0016',
    apdu: Uint8Array.of(0x00, 0xb0, 0x96, 0x00, 0x06),
    errors: READ_ERRORS,
    parse: (d) => expectLength('PSAM 0016', d, 6).slice(),
  });
}

const SELECT_ERRORS = swTable([SW.FILE_NOT_FOUND, FileNotFoundError]);

/** SELECT the PSAM purchase DF by FID. @throws FileNotFoundError; CardRemovedError / ReaderError. */
export async function selectPsamApplication(reader: Reader): Promise<void> {
  await runCommand(reader, {
    name: 'PSAM SELECT 1001',
    apdu: Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, PSAM_DF_FID >> 8, PSAM_DF_FID & 0xff),
    errors: SELECT_ERRORS,
    parse: () => undefined,
  });
}

export interface InitSamForPurchaseRequest {
  /** The card's random from INITIALIZE FOR (CAPP) PURCHASE. */
  random: Uint8Array;
  /** The card's offline counter. */
  offlineCounter: number;
  amountFen: number;
  /** 06 or 09. */
  type: number;
  /** 4 bytes BCD. */
  date: Uint8Array;
  /** 3 bytes BCD. */
  time: Uint8Array;
  keyVersion: number;
  algId: number;
  /** The card's 10-byte application serial (its last 8 bytes are sent) or those 8 bytes. */
  appSerial: Uint8Array;
  /** The first 4 bytes of EF 0015's issuer id [P], or the whole 8 (truncated). */
  issuerId: Uint8Array;
}

export interface InitSamForPurchaseResponse {
  terminalSeq: number;
  /** The same, as the 4 bytes DEBIT and the TAC use. */
  terminalSeqBytes: Uint8Array;
  mac1: Uint8Array;
}

/** The 36-byte data field of INIT SAM FOR PURCHASE. @throws TypeError / RangeError naming the field. */
export function initSamData(r: InitSamForPurchaseRequest): Uint8Array {
  return initSamApdu(r, 0);
}

/**
 * The data field written at `out[h..]` of a new array of h + 36 bytes: a gate builds the APDU in
 * one array (ten temporaries and a concatenation before).
 */
function initSamApdu(r: InitSamForPurchaseRequest, h: number): Uint8Array {
  const serial = abytes('appSerial', r.appSerial, 10, 8);
  const issuer = abytes('issuerId', r.issuerId, 4, 8);
  const out = new Uint8Array(h + 36);
  out.set(abytes('random', r.random, 4), h);
  putBe('offlineCounter', out, h + 4, r.offlineCounter, 2);
  putBe('amountFen', out, h + 6, r.amountFen, 4);
  out[h + 10] = aint('type', r.type, 0, 0xff);
  out.set(abytes('date', r.date, 4), h + 11);
  out.set(abytes('time', r.time, 3), h + 15);
  out[h + 18] = aint('keyVersion', r.keyVersion, 0, 0xff);
  out[h + 19] = aint('algId', r.algId, 0, 0xff);
  for (let i = 0; i < 8; i++) out[h + 20 + i] = serial[serial.length - 8 + i];
  for (let i = 0; i < 4; i++) out[h + 28 + i] = issuer[i];
  out.fill(0xff, h + 32, h + 36);
  return out;
}

const INIT_ERRORS = swTable(
  [SW.KEY_NOT_FOUND, KeyOrRecordNotFoundError], // no key for that version / algorithm
  [SW.WRONG_DATA, WrongParametersError],
  [SW.CONDITIONS_NOT_SATISFIED, ConditionsNotSatisfiedError], // sequence number exhausted, not personalised
  [SW.INCORRECT_P1P2, WrongParametersError],
);

/**
 * INIT SAM FOR PURCHASE: MAC1 for the card's DEBIT.
 * @throws KeyOrRecordNotFoundError (9403), WrongParametersError (6A80), ConditionsNotSatisfiedError;
 *   MalformedResponseError; CardRemovedError / ReaderError.
 */
export function initSamForPurchase(reader: Reader, req: InitSamForPurchaseRequest): Promise<InitSamForPurchaseResponse> {
  return runBuiltCommand(reader, () => ({ name: 'INIT SAM FOR PURCHASE', apdu: initSamCommand(req), errors: INIT_ERRORS, parse: parseInitSam }));
}

function initSamCommand(req: InitSamForPurchaseRequest): Uint8Array {
  const apdu = initSamApdu(req, 5);
  apdu[0] = 0x80;
  apdu[1] = 0x70;
  apdu[4] = 0x24;
  return apdu;
}

function parseInitSam(d: Uint8Array): InitSamForPurchaseResponse {
  expectLength('INIT SAM FOR PURCHASE', d, 8);
  return { terminalSeq: beUint(d, 0, 4), terminalSeqBytes: d.slice(0, 4), mac1: d.slice(4, 8) };
}

const CREDIT_ERRORS = swTable(
  [SW.MAC_INVALID, MacInvalidError], // MAC2 does not verify
  [SW.CONDITIONS_NOT_SATISFIED, ConditionsNotSatisfiedError], // no 8070 before
  [SW.INCORRECT_P1P2, WrongParametersError],
);

/**
 * CREDIT SAM FOR PURCHASE: checks the card's MAC2.
 * @throws MacInvalidError (9302), ConditionsNotSatisfiedError (6985: no session);
 *   CardRemovedError / ReaderError.
 */
export function creditSamForPurchase(reader: Reader, mac2: Uint8Array): Promise<void> {
  return runBuiltCommand(reader, () => {
    const apdu = new Uint8Array(9);
    apdu[0] = 0x80;
    apdu[1] = 0x72;
    apdu[4] = 0x04;
    apdu.set(abytes('mac2', mac2, 4), 5);
    return { name: 'CREDIT SAM FOR PURCHASE', apdu, errors: CREDIT_ERRORS, parse: noData };
  });
}

const noData = (): undefined => undefined;
