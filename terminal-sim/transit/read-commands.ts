/**
 * READ BINARY / READ RECORD of the transit files (ISO/IEC 7816-4 §11.3.3, §11.4.3; APDUs of
 * DOMAIN.md §3): 0015 `00 B0 95 00 1E`, 0016 `00 B0 96 00 37`, 0017 `00 B0 97 00 3C`,
 * 0018 `00 B2 nn C4 17`, 1A `00 B2 nn D4 80`, 1E `00 B2 nn F4 30`.
 */
import { SW } from '../../engine/index.js';
import { aint } from '../../crypto/utils.js';
import { expectLength, runBuiltCommand, runCommand, swTable } from '../reader/card-command.js';
import {
  CommandNotSupportedError,
  FileNotFoundError,
  RecordNotFoundError,
  SecurityStatusError,
  WrongParametersError,
} from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { decodeTransitRecord, TRANSIT_RECORD_LEN, TransitRecordError, type TransitRecord, type TransitRecordProblem } from './compound-record.js';
import { EF15_LAYOUT, EF16_LAYOUT, EF17_LAYOUT, EF18_RECORD_LAYOUT, type HolderInfo, type InteropInfo, type IssuerInfo, type TxLogRecord } from './files.js';
import { decodeTravelRecord, TRAVEL_RECORD_LEN, type TravelRecord } from './travel-record.js';

const READ_BINARY_ERRORS = swTable(
  [SW.FILE_NOT_FOUND, FileNotFoundError],
  [SW.SECURITY_STATUS_NOT_SATISFIED, SecurityStatusError],
  [SW.COMMAND_INCOMPATIBLE_WITH_FILE, WrongParametersError],
  [SW.WRONG_P1P2, WrongParametersError],
  [SW.CLA_NOT_SUPPORTED, CommandNotSupportedError],
);

const READ_RECORD_ERRORS = swTable(
  [SW.FILE_NOT_FOUND, FileNotFoundError],
  [SW.RECORD_NOT_FOUND, RecordNotFoundError],
  [SW.SECURITY_STATUS_NOT_SATISFIED, SecurityStatusError],
  [SW.COMMAND_INCOMPATIBLE_WITH_FILE, WrongParametersError],
  [SW.INCORRECT_P1P2, WrongParametersError],
);

function readBinarySfi(sfi: number, len: number): Uint8Array {
  return Uint8Array.of(0x00, 0xb0, 0x80 | sfi, 0x00, len);
}

function readRecordSfi(sfi: number, n: number, len: number): Uint8Array {
  return Uint8Array.of(0x00, 0xb2, n, (sfi << 3) | 0x04, len);
}

function recordNumber(n: number): number {
  return aint('recordNumber', n, 1, 254);
}

/**
 * READ BINARY EF 0015.
 * @throws FileNotFoundError, SecurityStatusError, WrongParametersError; MalformedResponseError.
 */
export async function readIssuerInfo(reader: Reader): Promise<IssuerInfo> {
  return runCommand(reader, { name: 'READ BINARY 0015', apdu: readBinarySfi(0x15, EF15_LAYOUT.len), errors: READ_BINARY_ERRORS, parse: (d) => EF15_LAYOUT.decode(d) });
}

/** READ BINARY EF 0016 (holder). @throws as {@link readIssuerInfo}. */
export async function readHolderInfo(reader: Reader): Promise<HolderInfo> {
  return runCommand(reader, { name: 'READ BINARY 0016', apdu: readBinarySfi(0x16, EF16_LAYOUT.len), errors: READ_BINARY_ERRORS, parse: (d) => EF16_LAYOUT.decode(d) });
}

/** READ BINARY EF 0017 (interoperability). @throws as {@link readIssuerInfo}. */
export function readInteropInfo(reader: Reader): Promise<InteropInfo> {
  // Not async: nothing here can throw, and the wrapper's frame is saved (see runBuiltCommand).
  return runCommand(reader, READ_0017);
}

const READ_0017 = { name: 'READ BINARY 0017', apdu: readBinarySfi(0x17, EF17_LAYOUT.len), errors: READ_BINARY_ERRORS, parse: (d: Uint8Array): InteropInfo => EF17_LAYOUT.decode(d) };

/**
 * READ RECORD n of EF 0018 (record 1 = newest).
 * @throws RecordNotFoundError (6A83) past the last record; as {@link readIssuerInfo}.
 */
export async function readTransactionLog(reader: Reader, n: number): Promise<TxLogRecord> {
  return runCommand(reader, {
    name: `READ RECORD 0018 #${recordNumber(n)}`,
    apdu: readRecordSfi(0x18, n, EF18_RECORD_LAYOUT.len),
    errors: READ_RECORD_ERRORS,
    parse: (d) => EF18_RECORD_LAYOUT.decode(d),
  });
}

/** A 1A record as read: the raw bytes, and the decoded record or why it cannot be trusted. */
export type TransitRecordRead =
  | { bytes: Uint8Array; ok: true; record: TransitRecord }
  | { bytes: Uint8Array; ok: false; problem: TransitRecordProblem; detail: string };

/**
 * READ RECORD n of EF 001A (1 = rail, 2 = bus, as personalised). A record failing its CRC is
 * returned with `ok: false`, not thrown: it is card data a terminal refuses, not a card error.
 * @throws RecordNotFoundError; as {@link readIssuerInfo}; MalformedResponseError when not 128 bytes.
 */
export function readTransitRecord(reader: Reader, n: number): Promise<TransitRecordRead> {
  return runBuiltCommand(reader, () => ({
    name: READ_1A_NAMES[recordNumber(n)],
    apdu: readRecordSfi(0x1a, n, TRANSIT_RECORD_LEN),
    errors: READ_RECORD_ERRORS,
    parse: parseTransitRecordRead,
  }));
}

/** Command names by record number, built once. */
const READ_1A_NAMES = Array.from({ length: 255 }, (_, n) => `READ RECORD 001A #${n}`);

function parseTransitRecordRead(d: Uint8Array): TransitRecordRead {
  // runCommand hands over data no one else holds: kept as is, not copied (a 128-byte copy is
  // an off-heap allocation, ≈ 0.7 µs measured).
  const bytes = expectLength('1A', d, TRANSIT_RECORD_LEN);
  try {
    return { bytes, ok: true, record: decodeTransitRecord(bytes) };
  } catch (e) {
    if (e instanceof TransitRecordError) return { bytes, ok: false, problem: e.problem, detail: e.message };
    throw e;
  }
}

/** READ RECORD n of EF 001E (record 1 = newest). @throws as {@link readTransactionLog}. */
export async function readTravelRecord(reader: Reader, n: number): Promise<TravelRecord> {
  return runCommand(reader, {
    name: `READ RECORD 001E #${recordNumber(n)}`,
    apdu: readRecordSfi(0x1e, n, TRAVEL_RECORD_LEN),
    errors: READ_RECORD_ERRORS,
    parse: (d) => decodeTravelRecord(d),
  });
}
