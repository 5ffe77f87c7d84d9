/**
 * The 1A transit state record, 128 bytes — ssc3 profile [P], DOMAIN.md §3 "1A transit state
 * record", implemented exactly as written there:
 *
 *   0 record id (01 rail / 02 bus) · 1 length of what follows = 7F · 2 lock flag 00 ·
 *   3 state (00 none, 01 entered, 02 exited) · 4 entry city 2 (BCD) · 6 entry line 2 + station 2 ·
 *   10 entry device 6 · 16 entry date-time 7 (BCD) · 23 entry amount 4 · 27 exit line 2 +
 *   station 2 · 31 exit device 6 · 37 exit date-time 7 · 44 exit amount 4 · 48 fare before
 *   discounts 4 · 52 accumulation month YYYYMM 3 (BCD) · 55 rail spend this month 4 ·
 *   59 rail rides this month 2 · 61 reserved 63 · 124 CRC-32 of bytes 0..123 (IEEE 802.3 as
 *   zlib computes it, stored big-endian like every integer of the record).
 *
 * Personalisation writes both records zero-filled apart from byte 0; such a virgin record counts
 * as state 00 and carries no CRC (it is not checked). Written via 80DC with P1 = record id and
 * P2 = D0 (SFI 1A, mode 000), committed only by the following 8054.
 */
import { crc32 } from 'node:zlib';
import { RecordLayout } from './record-layout.js';

/** Record ids (80DC P1 and byte 0). */
export const TRANSIT_RECORD_ID = { RAIL: 0x01, BUS: 0x02 } as const;
/** Byte 3: the trip state. */
export const TRIP_STATE = { NONE: 0x00, ENTERED: 0x01, EXITED: 0x02 } as const;

export const TRANSIT_RECORD_LEN = 128;
/** Byte 1 of a written record: the length of what follows. */
export const TRANSIT_RECORD_BODY_LEN = 0x7f;
const CRC_OFFSET = 124;

export interface TransitRecord {
  recordId: number;
  lockFlag: number;
  state: number;
  /** BCD city code, 4 digits (Beijing 1000 [P]). */
  entryCity: string;
  entryLine: number;
  entryStation: number;
  /** 6 bytes hex. */
  entryDevice: string;
  /** YYYYMMDDhhmmss, all zeros when never written. */
  entryDateTime: string;
  entryAmountFen: number;
  exitLine: number;
  exitStation: number;
  exitDevice: string;
  exitDateTime: string;
  exitAmountFen: number;
  fareBeforeDiscountFen: number;
  /** YYYYMM of the accumulators below (000000 when never written). */
  accMonth: string;
  monthSpendFen: number;
  monthRides: number;
}

// Byte 1 is a constant the codec writes and skips: decodeTransitRecord checks it before
// decoding (bad-header), so the record object never carries it.
const LAYOUT = new RecordLayout<TransitRecord>('1A', [
  { name: 'recordId', type: 'uint', len: 1 },
  { name: 'length', type: 'const', len: 1, value: TRANSIT_RECORD_BODY_LEN },
  { name: 'lockFlag', type: 'uint', len: 1 },
  { name: 'state', type: 'uint', len: 1 },
  { name: 'entryCity', type: 'bcd', len: 2 },
  { name: 'entryLine', type: 'uint', len: 2 },
  { name: 'entryStation', type: 'uint', len: 2 },
  { name: 'entryDevice', type: 'hex', len: 6 },
  { name: 'entryDateTime', type: 'bcd', len: 7 },
  { name: 'entryAmountFen', type: 'uint', len: 4 },
  { name: 'exitLine', type: 'uint', len: 2 },
  { name: 'exitStation', type: 'uint', len: 2 },
  { name: 'exitDevice', type: 'hex', len: 6 },
  { name: 'exitDateTime', type: 'bcd', len: 7 },
  { name: 'exitAmountFen', type: 'uint', len: 4 },
  { name: 'fareBeforeDiscountFen', type: 'uint', len: 4 },
  { name: 'accMonth', type: 'bcd', len: 3 },
  { name: 'monthSpendFen', type: 'uint', len: 4 },
  { name: 'monthRides', type: 'uint', len: 2 },
  { name: 'reserved', type: 'reserved', len: 63 },
]);

/** Byte offsets of the fields (for tests and tools). */
export const TRANSIT_RECORD_OFFSETS: Readonly<Record<string, number>> = Object.freeze({ ...LAYOUT.offsets, crc: CRC_OFFSET });

/** Why a stored 1A record cannot be trusted. */
export type TransitRecordProblem = 'bad-crc' | 'bad-header' | 'bad-field';

/** A 1A record read from a card failed its integrity checks (card data, not a caller bug). */
export class TransitRecordError extends Error {
  override name = 'TransitRecordError';
  constructor(
    readonly problem: TransitRecordProblem,
    message: string,
  ) {
    super(`1A record: ${message}`);
  }
}

/** CRC-32 (zlib) of bytes 0..123. */
export function transitRecordCrc(bytes: Uint8Array): number {
  return crc32(bytes.subarray(0, CRC_OFFSET)) >>> 0;
}

/** True for a personalised, never written record: all zero after byte 0. */
export function isVirginTransitRecord(bytes: Uint8Array): boolean {
  if (bytes.length !== TRANSIT_RECORD_LEN) return false;
  for (let i = 1; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** A state-00 record with every field zero (what a virgin record decodes to). */
export function emptyTransitRecord(recordId: number): TransitRecord {
  return {
    recordId,
    lockFlag: 0,
    state: TRIP_STATE.NONE,
    entryCity: '0000',
    entryLine: 0,
    entryStation: 0,
    entryDevice: '000000000000',
    entryDateTime: '00000000000000',
    entryAmountFen: 0,
    exitLine: 0,
    exitStation: 0,
    exitDevice: '000000000000',
    exitDateTime: '00000000000000',
    exitAmountFen: 0,
    fareBeforeDiscountFen: 0,
    accMonth: '000000',
    monthSpendFen: 0,
    monthRides: 0,
  };
}

/**
 * Encodes a record: length byte 7F and the CRC are filled in.
 * @returns 128 new bytes.
 * @throws TypeError / RangeError naming the field (`1A.entryLine`…) for a value that does not fit.
 */
export function encodeTransitRecord(record: TransitRecord): Uint8Array {
  // Encoded in place into the 128-byte record: a 124-byte body and its copy were two off-heap
  // allocations (≈ 0.7 µs each measured).
  return encodeTransitRecordInto(record, new Uint8Array(TRANSIT_RECORD_LEN), 0);
}

/**
 * Encodes a record into `out` at `at` (e.g. straight into an UPDATE CAPP DATA CACHE command).
 * @returns a view of the 128 bytes written.
 * @throws as {@link encodeTransitRecord}; RangeError when `out` has no room at `at`.
 */
export function encodeTransitRecordInto(record: TransitRecord, out: Uint8Array, at: number): Uint8Array {
  if (!Number.isSafeInteger(at) || at < 0 || at + TRANSIT_RECORD_LEN > out.length) throw new RangeError(`"1A": no room for ${TRANSIT_RECORD_LEN} bytes at ${at} of ${out.length}`);
  LAYOUT.encodeInto(record, out, at);
  const view = at === 0 && out.length === TRANSIT_RECORD_LEN ? out : out.subarray(at, at + TRANSIT_RECORD_LEN);
  const crc = transitRecordCrc(view);
  view[CRC_OFFSET] = crc >>> 24;
  view[CRC_OFFSET + 1] = (crc >>> 16) & 0xff;
  view[CRC_OFFSET + 2] = (crc >>> 8) & 0xff;
  view[CRC_OFFSET + 3] = crc & 0xff;
  return view;
}

/**
 * Decodes a record read from the card. A virgin record decodes to {@link emptyTransitRecord}
 * without a CRC check.
 * @throws TypeError / RangeError when `bytes` is not 128 bytes (a caller bug: READ RECORD
 *   already checked the length); TransitRecordError for a bad CRC, a length byte other than 7F
 *   or a non-BCD date field.
 */
export function decodeTransitRecord(bytes: Uint8Array): TransitRecord {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('"1A" expected Uint8Array');
  if (bytes.length !== TRANSIT_RECORD_LEN) throw new RangeError(`"1A" expected ${TRANSIT_RECORD_LEN} bytes, got ${bytes.length}`);
  if (isVirginTransitRecord(bytes)) return emptyTransitRecord(bytes[0]);
  const stored = ((bytes[CRC_OFFSET] << 24) >>> 0) + ((bytes[CRC_OFFSET + 1] << 16) | (bytes[CRC_OFFSET + 2] << 8) | bytes[CRC_OFFSET + 3]);
  const crc = transitRecordCrc(bytes);
  if (stored !== crc) throw new TransitRecordError('bad-crc', `CRC ${hex8(stored)} stored, ${hex8(crc)} computed`);
  if (bytes[1] !== TRANSIT_RECORD_BODY_LEN) throw new TransitRecordError('bad-header', `length byte ${bytes[1].toString(16)}, expected 7f`);
  try {
    return LAYOUT.decode(bytes.subarray(0, CRC_OFFSET));
  } catch (e) {
    throw new TransitRecordError('bad-field', (e as Error).message);
  }
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
