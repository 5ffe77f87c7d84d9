/**
 * The 1E travel log record, 48 bytes (DOMAIN.md §3): type 1 · device 8 · sub-type 1 (01 metro,
 * 02 bus) · line/station 7 · amount 4 · balance 4 · date-time 7 · city 2 · acquirer 8 ·
 * reserved 6. Appended with 80DC P1 = 00, P2 = F0 (SFI 1E, mode 000); cyclic, newest = record 1.
 *
 * ssc3 profile choices [P] where DOMAIN.md names a field but not its content:
 * - type: 01 entry / boarding, 02 exit / alighting (the 1A state codes);
 * - device 8: the 6-byte device id right-aligned behind 00 00;
 * - line/station 7: line 2 · station 2 · 3 reserved zero bytes;
 * - balance: the purse balance after the transaction;
 * - acquirer 8: the operator's identifier, configurable on the gate.
 */
import { RecordLayout } from './record-layout.js';

/** Record type [P]. */
export const TRAVEL_TYPE = { ENTRY: 0x01, EXIT: 0x02 } as const;
/** Sub-type (DOMAIN.md §3). */
export const TRAVEL_SUBTYPE = { METRO: 0x01, BUS: 0x02 } as const;

export const TRAVEL_RECORD_LEN = 48;

export interface TravelRecord {
  type: number;
  /** 8 bytes hex. */
  device: string;
  subType: number;
  line: number;
  station: number;
  amountFen: number;
  balanceFen: number;
  /** YYYYMMDDhhmmss. */
  dateTime: string;
  /** BCD city code, 4 digits. */
  city: string;
  /** 8 bytes hex. */
  acquirer: string;
}

const LAYOUT = new RecordLayout<TravelRecord>('1E', [
  { name: 'type', type: 'uint', len: 1 },
  { name: 'device', type: 'hex', len: 8 },
  { name: 'subType', type: 'uint', len: 1 },
  { name: 'line', type: 'uint', len: 2 },
  { name: 'station', type: 'uint', len: 2 },
  { name: 'lineStationReserved', type: 'reserved', len: 3 },
  { name: 'amountFen', type: 'uint', len: 4 },
  { name: 'balanceFen', type: 'uint', len: 4 },
  { name: 'dateTime', type: 'bcd', len: 7 },
  { name: 'city', type: 'bcd', len: 2 },
  { name: 'acquirer', type: 'hex', len: 8 },
  { name: 'reserved', type: 'reserved', len: 6 },
]);

/** Byte offsets of the fields. */
export const TRAVEL_RECORD_OFFSETS = LAYOUT.offsets;

/**
 * @returns 48 new bytes.
 * @throws TypeError / RangeError naming the field (`1E.line`…).
 */
export function encodeTravelRecord(record: TravelRecord): Uint8Array {
  return LAYOUT.encode(record);
}

/**
 * @throws TypeError / RangeError for a length other than 48 or a non-BCD field, naming it.
 */
export function decodeTravelRecord(bytes: Uint8Array): TravelRecord {
  return LAYOUT.decode(bytes);
}
