// Tests for terminal-sim/transit/compound-record.ts (the 1A record, ssc3 profile [P]) and
// travel-record.ts (the 1E record): each codec as a table of [value, hex] run four ways (encode,
// decode, both round trips), the bytes built independently from DOMAIN.md's offset table, the
// CRC-32 cross-checked against a bitwise reference implementation, the virgin record, integrity
// failures, field-path errors, and a fast-check round trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../crypto/utils.js';
import {
  decodeTransitRecord,
  decodeTravelRecord,
  emptyTransitRecord,
  encodeTransitRecord,
  encodeTravelRecord,
  isVirginTransitRecord,
  TRANSIT_RECORD_OFFSETS,
  TRAVEL_RECORD_OFFSETS,
  TransitRecordError,
  transitRecordCrc,
  type TransitRecord,
  type TravelRecord,
} from '../../../terminal-sim/transit/index.js';

/** CRC-32 (IEEE 802.3, reflected, poly EDB88320), bit by bit: an independent reference. */
function crc32Reference(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Writes `hex` at `offset` of `out` (DOMAIN.md §3 1A offsets). */
function put(out: Uint8Array, offset: number, hex: string): void {
  out.set(hexToBytes(hex), offset);
}

const exited: TransitRecord = {
  recordId: 1,
  lockFlag: 0,
  state: 2,
  entryCity: '1000',
  entryLine: 0x0001,
  entryStation: 0x0065,
  entryDevice: '100000000101',
  entryDateTime: '20260302083000',
  entryAmountFen: 0,
  exitLine: 0x0002,
  exitStation: 0x00cd,
  exitDevice: '100000000205',
  exitDateTime: '20260302085500',
  exitAmountFen: 300,
  fareBeforeDiscountFen: 400,
  accMonth: '202603',
  monthSpendFen: 12_345,
  monthRides: 41,
};

function exitedBytes(): Uint8Array {
  const b = new Uint8Array(128);
  put(b, 0, '01'); // record id
  put(b, 1, '7f'); // length of what follows
  put(b, 2, '00'); // lock
  put(b, 3, '02'); // state
  put(b, 4, '1000'); // entry city
  put(b, 6, '00010065'); // entry line + station
  put(b, 10, '100000000101'); // entry device
  put(b, 16, '20260302083000'); // entry date-time
  put(b, 23, '00000000'); // entry amount
  put(b, 27, '000200cd'); // exit line + station
  put(b, 31, '100000000205'); // exit device
  put(b, 37, '20260302085500'); // exit date-time
  put(b, 44, '0000012c'); // exit amount 300
  put(b, 48, '00000190'); // fare before discounts 400
  put(b, 52, '202603'); // accumulation month
  put(b, 55, '00003039'); // month spend 12345
  put(b, 59, '0029'); // month rides 41
  const crc = crc32Reference(b.subarray(0, 124));
  put(b, 124, crc.toString(16).padStart(8, '0'));
  return b;
}

describe('1A transit state record [P]', () => {
  const table: [string, TransitRecord, Uint8Array][] = [
    ['exited trip', exited, exitedBytes()],
    [
      'entered, bus record, max values',
      { ...exited, recordId: 2, state: 1, entryLine: 0xffff, entryStation: 0xffff, exitAmountFen: 0xffffffff, monthRides: 0xffff, monthSpendFen: 0xffffffff },
      (() => {
        const b = exitedBytes();
        put(b, 0, '02');
        put(b, 3, '01');
        put(b, 6, 'ffffffff');
        put(b, 44, 'ffffffff');
        put(b, 55, 'ffffffff');
        put(b, 59, 'ffff');
        put(b, 124, crc32Reference(b.subarray(0, 124)).toString(16).padStart(8, '0'));
        return b;
      })(),
    ],
  ];

  it.each(table)('%s: encode, decode and both round trips', (_name, value, bytes) => {
    expect(bytesToHex(encodeTransitRecord(value))).toBe(bytesToHex(bytes));
    expect(decodeTransitRecord(bytes)).toEqual(value);
    expect(decodeTransitRecord(encodeTransitRecord(value))).toEqual(value);
    expect(bytesToHex(encodeTransitRecord(decodeTransitRecord(bytes)))).toBe(bytesToHex(bytes));
  });

  it('places every field at the offset DOMAIN.md gives', () => {
    expect(TRANSIT_RECORD_OFFSETS).toEqual({
      recordId: 0,
      length: 1,
      lockFlag: 2,
      state: 3,
      entryCity: 4,
      entryLine: 6,
      entryStation: 8,
      entryDevice: 10,
      entryDateTime: 16,
      entryAmountFen: 23,
      exitLine: 27,
      exitStation: 29,
      exitDevice: 31,
      exitDateTime: 37,
      exitAmountFen: 44,
      fareBeforeDiscountFen: 48,
      accMonth: 52,
      monthSpendFen: 55,
      monthRides: 59,
      reserved: 61,
      crc: 124,
    });
  });

  it('computes the CRC as zlib does (cross-checked bit by bit)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 128, maxLength: 128 }), (b) => {
        expect(transitRecordCrc(b)).toBe(crc32Reference(b.subarray(0, 124)));
      }),
      { numRuns: 200 },
    );
    // The CRC-32 check value of "123456789" (IEEE 802.3): CBF43926.
    const check = new Uint8Array(128);
    check.set(new TextEncoder().encode('123456789'));
    expect(crc32Reference(check.subarray(0, 9))).toBe(0xcbf43926);
  });

  it('a virgin record (zero after byte 0) is state 00 with no CRC check', () => {
    for (const id of [1, 2]) {
      const v = new Uint8Array(128);
      v[0] = id;
      expect(isVirginTransitRecord(v)).toBe(true);
      expect(decodeTransitRecord(v)).toEqual(emptyTransitRecord(id));
      expect(decodeTransitRecord(v).state).toBe(0);
    }
    expect(isVirginTransitRecord(exitedBytes())).toBe(false);
  });

  it('rejects a bad CRC, a bad length byte and a non-BCD date', () => {
    const badCrc = exitedBytes();
    badCrc[44] ^= 0x01; // a changed exit amount
    expect(() => decodeTransitRecord(badCrc)).toThrow(TransitRecordError);
    expect(() => decodeTransitRecord(badCrc)).toThrow(/^1A record: CRC [0-9a-f]{8} stored, [0-9a-f]{8} computed$/);
    const e = (() => {
      try {
        decodeTransitRecord(badCrc);
      } catch (x) {
        return x as TransitRecordError;
      }
    })();
    expect(e?.problem).toBe('bad-crc');

    const fix = (b: Uint8Array) => {
      put(b, 124, crc32Reference(b.subarray(0, 124)).toString(16).padStart(8, '0'));
      return b;
    };
    const badLen = exitedBytes();
    badLen[1] = 0x7e;
    expect(() => decodeTransitRecord(fix(badLen))).toThrow(expect.objectContaining({ problem: 'bad-header' }));
    const badBcd = exitedBytes();
    badBcd[16] = 0x2a;
    expect(() => decodeTransitRecord(fix(badBcd))).toThrow(expect.objectContaining({ problem: 'bad-field', message: '1A record: "1A.entryDateTime" expected BCD digits, got 2a260302083000' }));
  });

  it('checks lengths and fields, naming the field path', () => {
    expect(() => decodeTransitRecord(new Uint8Array(127))).toThrow(new RangeError('"1A" expected 128 bytes, got 127'));
    expect(() => encodeTransitRecord({ ...exited, entryLine: 0x10000 })).toThrow(new RangeError('"1A.entryLine" expected integer in [0, 65535], got 65536'));
    expect(() => encodeTransitRecord({ ...exited, entryDateTime: '2026030208300' })).toThrow(new RangeError('"1A.entryDateTime" expected 14 decimal digits, got "2026030208300"'));
    expect(() => encodeTransitRecord({ ...exited, entryDevice: 'xx0000000101' })).toThrow(/"1A.entryDevice" expected 12 hex digits/);
    expect(() => encodeTransitRecord({ ...exited, monthRides: 1.5 })).toThrow(new TypeError('"1A.monthRides" expected integer, got number'));
  });

  it('round-trips any record (property)', () => {
    const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${2 * n}}$`));
    const u = (bytes: number) => fc.integer({ min: 0, max: 2 ** (8 * bytes) - 1 });
    const rec = fc.record<TransitRecord>({
      recordId: fc.constantFrom(1, 2),
      lockFlag: u(1),
      state: fc.constantFrom(0, 1, 2),
      entryCity: digits(4),
      entryLine: u(2),
      entryStation: u(2),
      entryDevice: hex(6),
      entryDateTime: digits(14),
      entryAmountFen: u(4),
      exitLine: u(2),
      exitStation: u(2),
      exitDevice: hex(6),
      exitDateTime: digits(14),
      exitAmountFen: u(4),
      fareBeforeDiscountFen: u(4),
      accMonth: digits(6),
      monthSpendFen: u(4),
      monthRides: u(2),
    });
    fc.assert(
      fc.property(rec, (r) => {
        const b = encodeTransitRecord(r);
        expect(b.length).toBe(128);
        expect(b[1]).toBe(0x7f);
        expect(decodeTransitRecord(b)).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });
});

describe('1E travel record', () => {
  const value: TravelRecord = {
    type: 2,
    device: '0000100000000205',
    subType: 1,
    line: 2,
    station: 205,
    amountFen: 300,
    balanceFen: 4700,
    dateTime: '20260302085500',
    city: '1000',
    acquirer: '0000000000001000',
  };
  const hex =
    '02' + // type: exit [P]
    '0000100000000205' + // device 8
    '01' + // sub-type metro
    '0002' + '00cd' + '000000' + // line/station 7 [P]
    '0000012c' + // amount
    '0000125c' + // balance
    '20260302085500' + // date-time
    '1000' + // city
    '0000000000001000' + // acquirer
    '000000000000'; // reserved

  it('encode, decode and both round trips', () => {
    expect(hex.length).toBe(96);
    expect(bytesToHex(encodeTravelRecord(value))).toBe(hex);
    expect(decodeTravelRecord(hexToBytes(hex))).toEqual(value);
    expect(decodeTravelRecord(encodeTravelRecord(value))).toEqual(value);
    expect(bytesToHex(encodeTravelRecord(decodeTravelRecord(hexToBytes(hex))))).toBe(hex);
  });

  it('places the fields of DOMAIN.md (48 bytes)', () => {
    expect(TRAVEL_RECORD_OFFSETS).toEqual({
      type: 0,
      device: 1,
      subType: 9,
      line: 10,
      station: 12,
      lineStationReserved: 14,
      amountFen: 17,
      balanceFen: 21,
      dateTime: 25,
      city: 32,
      acquirer: 34,
      reserved: 42,
    });
    expect(() => decodeTravelRecord(new Uint8Array(49))).toThrow(new RangeError('"1E" expected 48 bytes, got 49'));
    expect(() => encodeTravelRecord({ ...value, city: '10000' })).toThrow(new RangeError('"1E.city" expected 4 decimal digits, got "10000"'));
  });
});
