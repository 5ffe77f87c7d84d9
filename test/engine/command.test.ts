import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommand, encodeResponse, parseCommand, parseResponse } from '../../engine/apdu/command.js';
import type { CommandFields } from '../../engine/apdu/command.js';
import { SwError } from '../../engine/apdu/sw.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';

// [fields, hex] — run four ways: encode, decode, and both round trips (STYLE.md codec tables).
const TABLE: [CommandFields & { case: number }, string][] = [
  [{ cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x00, case: 1 }, '00a40000'],
  [{ cla: 0x80, ins: 0x5c, p1: 0x00, p2: 0x02, ne: 4, case: 2 }, '805c000204'],
  [{ cla: 0x00, ins: 0xb0, p1: 0x95, p2: 0x00, ne: 256, case: 2 }, '00b0950000'],
  [{ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: hexToBytes('a000000632010105'), case: 3 }, '00a4040008a000000632010105'],
  [{ cla: 0x80, ins: 0x50, p1: 0x03, p2: 0x02, data: hexToBytes('01000000c8200041599997'), ne: 15, case: 4 }, '805003020b01000000c82000415999970f'],
  [{ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, ne: 65536, case: 2 }, '00b00000000000'],
  [{ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, ne: 300, case: 2 }, '00b0000000012c'],
  [{ cla: 0x00, ins: 0xd6, p1: 0x00, p2: 0x00, data: new Uint8Array(256).fill(0xab), case: 3 }, '00d60000000100' + 'ab'.repeat(256)],
  [{ cla: 0x00, ins: 0xd6, p1: 0x00, p2: 0x00, data: new Uint8Array(256).fill(1), ne: 65536, case: 4 }, '00d60000000100' + '01'.repeat(256) + '0000'],
];

describe('command APDU codec (ISO 7816-4 §5.1)', () => {
  for (const [f, hex] of TABLE) {
    it(`${hex.slice(0, 24)}… case ${f.case}`, () => {
      const bytes = hexToBytes(hex);
      expect(bytesToHex(encodeCommand(f))).toBe(hex);
      const c = parseCommand(bytes);
      expect({ cla: c.cla, ins: c.ins, p1: c.p1, p2: c.p2, ne: c.ne, case: c.case }).toEqual({ cla: f.cla, ins: f.ins, p1: f.p1, p2: f.p2, ne: f.ne ?? 0, case: f.case });
      expect(bytesToHex(c.data)).toBe(bytesToHex(f.data ?? new Uint8Array(0)));
      expect(bytesToHex(encodeCommand({ ...c, extended: c.extended }))).toBe(hex);
    });
  }

  const bad: [string, number][] = [
    ['', 0x6700],
    ['00a400', 0x6700],
    ['00a4040008a0000006320101', 0x6700], // Lc larger than the data
    ['00a4040002a000000000', 0x6700], // one byte too many for case 4
    ['00b000000000', 0x6700], // 6 bytes with a 00 length byte
    ['00d600000000', 0x6700],
    ['00d6000000000201', 0x6700], // extended Lc=2 with one byte
    ['00d60000000000', 0x6700 + 0], // extended case 2 with Le 0000 is valid: see next test
    ['ffa40000', 0x6e00],
    ['00600000', 0x6d00],
    ['009f0000', 0x6d00],
  ];
  for (const [hex, sw] of bad) {
    if (hex === '00d60000000000') continue;
    it(`rejects ${hex || '(empty)'} with ${sw.toString(16)}`, () => {
      let err: unknown;
      try {
        parseCommand(hexToBytes(hex));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SwError);
      expect((err as SwError).sw).toBe(sw);
    });
  }

  it('property: encode → parse is the identity on the fields', () => {
    fc.assert(
      fc.property(
        fc.record({
          cla: fc.integer({ min: 0, max: 0xfe }),
          ins: fc.integer({ min: 0, max: 255 }).filter((i) => (i & 0xf0) !== 0x60 && (i & 0xf0) !== 0x90),
          p1: fc.integer({ min: 0, max: 255 }),
          p2: fc.integer({ min: 0, max: 255 }),
          data: fc.uint8Array({ maxLength: 400 }),
          ne: fc.integer({ min: 0, max: 65536 }),
        }),
        (f) => {
          const c = parseCommand(encodeCommand(f));
          expect([c.cla, c.ins, c.p1, c.p2, c.ne]).toEqual([f.cla, f.ins, f.p1, f.p2, f.ne]);
          expect(bytesToHex(c.data)).toBe(bytesToHex(f.data));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('encodeCommand names bad fields', () => {
    expect(() => encodeCommand({ cla: 256, ins: 0, p1: 0, p2: 0 })).toThrow(/"cla"/);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, ne: 65537 })).toThrow(/"ne"/);
  });

  it('responses', () => {
    expect(bytesToHex(encodeResponse(hexToBytes('0102'), 0x9000))).toBe('01029000');
    expect(parseResponse(hexToBytes('6a82'))).toEqual({ data: new Uint8Array(0), sw: 0x6a82 });
    expect(() => parseResponse(hexToBytes('90'))).toThrow(RangeError);
  });
});
