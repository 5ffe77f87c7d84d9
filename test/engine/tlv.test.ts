// Tests for engine/apdu/tlv.ts: a [value, hex] table run four ways (encode, decode, and both
// round trips), one-way cases (non-minimal lengths, padding), every error with its exact message,
// the helpers, and fast-check properties (round trip of random trees; random bytes and truncated
// encodings fail only with TlvError).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeOneTlv,
  decodeTlv,
  encodeTlv,
  findTlv,
  isConstructedTag,
  tagByteLen,
  tagHex,
  type Tlv,
  TlvError,
  type TlvInput,
  tlvFromJson,
  tlvToJson,
  tlvToString,
} from '../../engine/apdu/tlv.js';
import { bytesToHex as hex, hexToBytes } from '../../crypto/utils.js';

/** Hex with spaces allowed, for readability of the hand-written table. */
const h = (s: string): Uint8Array => hexToBytes(s.replace(/\s+/g, ''));
const P = (tag: number, value: string): Tlv => ({ tag, value: h(value) });
const C = (tag: number, value: string, children: Tlv[]): Tlv => ({ tag, value: h(value), children });
const rep = (byte: string, n: number): string => byte.repeat(n);

const AID = 'a000000632010105';
const F15 = '10 00 ff ff 03 02 20 00 41 59 99 97 00 00 ab'; // 15 bytes; ff inside a value is data

// ---- the table ---------------------------------------------------------------------------------

const TABLE: [name: string, value: Tlv[], hex: string][] = [
  ['empty sequence', [], ''],
  ['1-byte tag, short length', [P(0x84, AID)], `84 08 ${AID}`],
  ['empty value', [P(0x84, '')], '84 00'],
  ['2-byte primitive tag 5f20', [P(0x5f20, '4c49 2f4d 4f')], '5f20 05 4c492f4d4f'],
  ['2-byte primitive tag 9f0c', [P(0x9f0c, F15)], `9f0c 0f ${F15}`],
  ['3-byte primitive tag df8101', [P(0xdf8101, 'abcd')], 'df8101 02 abcd'],
  ['3-byte tag with a full middle byte 9fff7f', [P(0x9fff7f, '01')], '9fff7f 01 01'],
  ['two top-level objects', [P(0x5a, '1234'), P(0x5f24, '301231')], '5a 02 1234 5f24 03 301231'],
  [
    'FCI 6f / 84 + a5 / 9f0c',
    [
      C(0x6f, `84 08 ${AID} a5 12 9f0c 0f ${F15}`, [
        P(0x84, AID),
        C(0xa5, `9f0c 0f ${F15}`, [P(0x9f0c, F15)]),
      ]),
    ],
    `6f 1e 84 08 ${AID} a5 12 9f0c 0f ${F15}`,
  ],
  ['empty constructed', [C(0xa5, '', [])], 'a5 00'],
  ['2-byte constructed tag bf0c', [C(0xbf0c, '9f4d 02 0b0a', [P(0x9f4d, '0b0a')])], 'bf0c 05 9f4d 02 0b0a'],
  ['3-byte constructed tag bf8101', [C(0xbf8101, '8a 01 01', [P(0x8a, '01')])], 'bf8101 03 8a 01 01'],
  [
    'three levels 6f / a5 / bf0c / 61 / 4f',
    [
      C(0x6f, 'a5 0d bf0c 0a 61 08 4f 06 a00000000101', [
        C(0xa5, 'bf0c 0a 61 08 4f 06 a00000000101', [
          C(0xbf0c, '61 08 4f 06 a00000000101', [C(0x61, '4f 06 a00000000101', [P(0x4f, 'a00000000101')])]),
        ]),
      ]),
    ],
    '6f 0f a5 0d bf0c 0a 61 08 4f 06 a00000000101',
  ],
  ['length 0x7f: last short form', [P(0x53, rep('11', 0x7f))], `53 7f ${rep('11', 0x7f)}`],
  ['length 0x80: 81 80', [P(0x53, rep('22', 0x80))], `53 81 80 ${rep('22', 0x80)}`],
  ['length 0xff: 81 ff', [P(0x53, rep('33', 0xff))], `53 81 ff ${rep('33', 0xff)}`],
  ['length 0x100: 82 01 00', [P(0x53, rep('44', 0x100))], `53 82 0100 ${rep('44', 0x100)}`],
  ['length 0xffff: 82 ff ff', [P(0x53, rep('55', 0xffff))], `53 82 ffff ${rep('55', 0xffff)}`],
  ['length 0x10000: 83 01 00 00', [P(0x53, rep('66', 0x10000))], `53 83 010000 ${rep('66', 0x10000)}`],
  [
    'constructed with long lengths inside and out',
    [C(0x70, `57 81 80 ${rep('77', 0x80)}`, [P(0x57, rep('77', 0x80))])],
    `70 81 83 57 81 80 ${rep('77', 0x80)}`,
  ],
];

/** Short name for a failing row: long hex is cut. */
const short = (s: string): string => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

describe('table, four ways', () => {
  describe.each(TABLE.map(([name, value, x]) => [name, value, x.replace(/\s+/g, '')] as const))('%s', (_name, value, x) => {
    it(`encode → ${short(x)}`, () => expect(hex(encodeTlv(value))).toBe(x));
    it('decode', () => expect(decodeTlv(hexToBytes(x))).toEqual(value));
    it('decode(encode(value)) = value', () => expect(decodeTlv(encodeTlv(value))).toEqual(value));
    it('encode(decode(hex)) = hex', () => expect(hex(encodeTlv(decodeTlv(hexToBytes(x))))).toBe(x));
  });
});

describe('decoding, one way', () => {
  it('accepts non-minimal long lengths (BER) and re-encodes them minimally', () => {
    const list = decodeTlv(h('5a 81 02 1234 5f24 82 0003 301231 9f0c 83 000000'));
    expect(list).toEqual([P(0x5a, '1234'), P(0x5f24, '301231'), P(0x9f0c, '')]);
    expect(hex(encodeTlv(list))).toBe('5a0212345f24033012319f0c00');
  });

  it('skips 00 / ff padding before, between, after and inside objects with { allowPadding: true }', () => {
    const x = h('00 ff 5a 02 1234 ff 00 6f 05 00 9f0c 01 aa ff 00');
    expect(decodeTlv(x, { allowPadding: true })).toEqual([P(0x5a, '1234'), C(0x6f, '00 9f0c 01 aa', [P(0x9f0c, 'aa')])]);
    expect(decodeTlv(h('00 00 ff'), { allowPadding: true })).toEqual([]);
  });

  it('does not alias the caller buffer', () => {
    const x = h(`6f 0a 84 08 ${AID}`);
    const [fci] = decodeTlv(x);
    x.fill(0);
    expect(hex(fci.children![0].value)).toBe(AID);
    expect(hex(fci.value)).toBe(`8408${AID}`);
  });

  it('decodeOneTlv: one object, with padding around it only when allowed', () => {
    expect(decodeOneTlv(h(`6f 0a 84 08 ${AID}`))).toEqual(C(0x6f, `84 08 ${AID}`, [P(0x84, AID)]));
    expect(decodeOneTlv(h('00 5a 01 99 ff ff'), { allowPadding: true })).toEqual(P(0x5a, '99'));
  });

  it('accepts nesting up to opts.maxDepth (default 32)', () => {
    let x = h('5a 00');
    for (let i = 0; i < 32; i++) x = encodeTlv({ tag: 0xa5, value: x });
    expect(decodeTlv(x)).toHaveLength(1);
    expect(decodeTlv(h('6f 02 a5 00'), { maxDepth: 2 })).toHaveLength(1);
  });
});

// ---- errors ------------------------------------------------------------------------------------

const PAD_HINT = '(00 and ff are padding, accepted only with { allowPadding: true })';

const DECODE_ERRORS: [name: string, hex: string, message: string, path: number[], offset: number][] = [
  ['truncated 2-byte tag', '9f', 'top level: truncated tag 9f at offset 0', [], 0],
  ['truncated 3-byte tag after an object', '5a 02 1234 df81', 'top level: truncated tag df81 at offset 4', [], 4],
  ['tag longer than 3 bytes', 'df818101 00', 'top level: tag df8181… is longer than 3 bytes at offset 0', [], 0],
  ['length missing', '5a', 'tag 5a: length missing at offset 1', [0x5a], 1],
  ['indefinite length', '6f 80 5a 02 1234 0000', 'tag 6f: indefinite length (80) is not allowed at offset 1', [0x6f], 1],
  [
    'length form 84 (beyond 0xffffff)',
    '5a 84 00000001 00',
    'tag 5a: length form 84 has 4 length bytes; lengths beyond 0xffffff are not supported at offset 1',
    [0x5a],
    1,
  ],
  [
    'length form ff',
    '5a ff',
    'tag 5a: length form ff has 127 length bytes; lengths beyond 0xffffff are not supported at offset 1',
    [0x5a],
    1,
  ],
  ['truncated long length', '5a 82 01', 'tag 5a: truncated length 82: 1 of its 2 bytes present at offset 1', [0x5a], 1],
  ['truncated value', '5a 03 1234', 'tag 5a: length 0x3 exceeds the 2 remaining bytes at offset 2', [0x5a], 2],
  [
    'value past the enclosing objects',
    `6f 0f a5 0d bf0c 20 ${rep('00', 10)}`,
    'tag 6f/a5/bf0c: length 0x20 exceeds the 10 remaining bytes at offset 7',
    [0x6f, 0xa5, 0xbf0c],
    7,
  ],
  [
    'child running over its parent though the input has room',
    '6f 03 5a 05 12 3456 78',
    'tag 6f/5a: length 0x5 exceeds the 1 remaining byte at offset 4',
    [0x6f, 0x5a],
    4,
  ],
  ['tag byte 00 without allowPadding', '00', `top level: invalid tag byte 00 ${PAD_HINT} at offset 0`, [], 0],
  ['tag byte ff inside a constructed object', '6f 04 5a 01 01 ff', `tag 6f: invalid tag byte ff ${PAD_HINT} at offset 5`, [0x6f], 5],
  ['truncated tag inside a constructed object', '6f 01 9f 00', 'tag 6f: truncated tag 9f at offset 2', [0x6f], 2],
];

describe('decoding errors', () => {
  it.each(DECODE_ERRORS)('%s', (_name, x, message, path, offset) => {
    let err: unknown;
    try {
      decodeTlv(h(x));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TlvError);
    expect(err).toBeInstanceOf(RangeError);
    const e = err as TlvError;
    expect(e.message).toBe(message);
    expect(e.name).toBe('TlvError');
    expect(e.path).toEqual(path);
    expect(e.offset).toBe(offset);
  });

  it('padding bytes are not skipped inside values', () => {
    expect(() => decodeTlv(h('5a 03 00 00'), { allowPadding: true })).toThrow(
      new TlvError([0x5a], 2, 'length 0x3 exceeds the 2 remaining bytes'),
    );
  });

  it('nesting deeper than opts.maxDepth', () => {
    let x = h('5a 00');
    for (let i = 0; i < 33; i++) x = encodeTlv({ tag: 0xa5, value: x });
    expect(() => decodeTlv(x)).toThrow(/^tag (a5\/){32}a5: nesting deeper than 32 levels at offset 66$/);
    expect(() => decodeTlv(h('6f 02 a5 00'), { maxDepth: 1 })).toThrow('tag 6f/a5: nesting deeper than 1 levels at offset 4');
    // A deep adversarial input ends in a TlvError, not a stack overflow.
    const deep = new Uint8Array(200_000);
    for (let i = 0; i < deep.length; i += 2) deep.set([0xa5, 0x81], i);
    expect(() => decodeTlv(deep)).toThrow(TlvError);
  });

  it('decodeOneTlv: no object, leftover bytes', () => {
    expect(() => decodeOneTlv(h(''))).toThrow(new TlvError([], 0, 'no TLV object'));
    expect(() => decodeOneTlv(h('00 ff'), { allowPadding: true })).toThrow('top level: no TLV object at offset 2');
    expect(() => decodeOneTlv(h('6f 00 5a 00'))).toThrow('top level: 2 leftover bytes after tag 6f at offset 2');
    expect(() => decodeOneTlv(h('6f 00 00 5a 00'), { allowPadding: true })).toThrow(
      'top level: 2 leftover bytes after tag 6f at offset 3',
    );
    expect(() => decodeOneTlv(h('6f 00 01'))).toThrow('top level: 1 leftover byte after tag 6f at offset 2');
  });

  it('argument checks', () => {
    expect(() => decodeTlv('6f00' as unknown as Uint8Array)).toThrow(new TypeError('"bytes" expected Uint8Array, got string "6f00"'));
    expect(() => decodeTlv(h(''), null as unknown as undefined)).toThrow(TypeError);
    expect(() => decodeTlv(h(''), { allowPadding: 1 as unknown as boolean })).toThrow(
      new TypeError('"opts.allowPadding" expected boolean, got number'),
    );
    expect(() => decodeTlv(h(''), { maxDepth: -1 })).toThrow(new RangeError('"opts.maxDepth" expected integer in [0, 1000], got -1'));
  });
});

const TAG_MSG = (name: string, tag: string, why: string): string => `"${name}" expected a BER-TLV tag of 1 to 3 bytes, got ${tag}: ${why}`;

describe('encoding errors', () => {
  const v = new Uint8Array(1);
  it.each([
    [0x1f, TAG_MSG('tlv.tag', '1f', 'a one-byte tag cannot end in 11111 (that announces more tag bytes)')],
    [0x5a01, TAG_MSG('tlv.tag', '5a01', 'the first byte of a longer tag must end in 11111')],
    [0x9f8c, TAG_MSG('tlv.tag', '9f8c', 'the last tag byte must have b8 = 0')],
    [0xdf0101, TAG_MSG('tlv.tag', 'df0101', 'the middle byte of a 3-byte tag must have b8 = 1')],
    [0xdf8181, TAG_MSG('tlv.tag', 'df8181', 'the last tag byte must have b8 = 0')],
    [0x5a8101, TAG_MSG('tlv.tag', '5a8101', 'the first byte of a longer tag must end in 11111')],
    [0xff01, TAG_MSG('tlv.tag', 'ff01', 'first byte ff is padding, not a tag (ISO 7816-4 §6.3)')],
    [0, '"tlv.tag" expected integer in [1, 16777215], got 0'],
    [0x1000000, '"tlv.tag" expected integer in [1, 16777215], got 16777216'],
  ].map(([tag, message]) => [(tag as number).toString(16), tag as number, message as string] as const))('tag %s', (_name, tag, message) => {
    expect(() => encodeTlv({ tag, value: v })).toThrow(new RangeError(message));
  });

  it('type errors name the node path', () => {
    expect(() => encodeTlv({ tag: 1.5, value: v })).toThrow(new TypeError('"tlv.tag" expected integer, got number 1.5'));
    expect(() => encodeTlv([{ tag: 0x5a, value: 'ab' as unknown as Uint8Array }])).toThrow(
      new TypeError('"tlv[0].value" expected Uint8Array, got string "ab"'),
    );
    expect(() => encodeTlv([{ tag: 0x5a }])).toThrow(new TypeError('"tlv[0].value" expected Uint8Array, got undefined undefined'));
    expect(() => encodeTlv([{ tag: 0x6f, children: [{ tag: 0x84, value: v }, null as unknown as TlvInput] }])).toThrow(
      new TypeError('"tlv[0].children[1]" expected an object { tag, value } or { tag, children }, got null'),
    );
    expect(() => encodeTlv({ tag: 0x6f, children: 'x' as unknown as TlvInput[] })).toThrow(
      new TypeError('"tlv.children" expected an array, got string'),
    );
    expect(() => encodeTlv([{ tag: 0x6f, children: [{ tag: 0x9f, value: v }] }])).toThrow(
      new RangeError(TAG_MSG('tlv[0].children[0].tag', '9f', 'a one-byte tag cannot end in 11111 (that announces more tag bytes)')),
    );
  });

  it('children under a primitive tag', () => {
    expect(() => encodeTlv({ tag: 0x5a, children: [] })).toThrow(
      new RangeError('"tlv.children" given for primitive tag 5a (its first byte lacks the constructed bit 0x20)'),
    );
  });

  it('values longer than 0xffffff', () => {
    expect(() => encodeTlv({ tag: 0x53, value: new Uint8Array(0x1000000) })).toThrow(
      new RangeError('"tlv" value of 16777216 bytes exceeds the BER-TLV limit used here (0xffffff)'),
    );
    expect(encodeTlv({ tag: 0x53, value: new Uint8Array(0xffffff) }).subarray(0, 5)).toEqual(h('53 83 ffffff'));
  });

  it('children win over a stale value; a constructed tag without children writes its value', () => {
    expect(hex(encodeTlv({ tag: 0x6f, value: h('ffff'), children: [P(0x5a, '01')] }))).toBe('6f035a0101');
    expect(hex(encodeTlv({ tag: 0x6f, value: h('5a0101') }))).toBe('6f035a0101');
  });
});

// ---- helpers -----------------------------------------------------------------------------------

describe('helpers', () => {
  const fci = decodeTlv(h(`6f 1e 84 08 ${AID} a5 12 9f0c 0f ${F15}`));

  it('findTlv follows a tag path', () => {
    expect(hex(findTlv(fci, 0x6f, 0xa5, 0x9f0c)!.value)).toBe(F15.replace(/\s+/g, ''));
    expect(hex(findTlv(fci, 0x6f, 0x84)!.value)).toBe(AID);
    expect(findTlv(fci, 0x6f)!.children).toHaveLength(2);
    expect(findTlv(fci, 0x6f, 0x88)).toBeUndefined();
    expect(findTlv(fci, 0x6f, 0x84, 0x9f0c)).toBeUndefined();
    expect(findTlv([], 0x6f)).toBeUndefined();
    expect(() => findTlv(fci)).toThrow(new RangeError('"path" expected at least one tag'));
    expect(() => findTlv(fci, 0x6f, 0x1f)).toThrow(RangeError);
  });

  it('tlvToJson / tlvFromJson / tlvToString', () => {
    const json = tlvToJson(fci);
    expect(json).toEqual([
      {
        tag: '6f',
        children: [
          { tag: '84', value: AID },
          { tag: 'a5', children: [{ tag: '9f0c', value: F15.replace(/\s+/g, '') }] },
        ],
      },
    ]);
    expect(tlvFromJson(JSON.parse(JSON.stringify(json)))).toEqual(fci);
    expect(tlvFromJson([{ tag: 'a5', value: '9f0c0100' }])).toEqual([C(0xa5, '9f0c0100', [P(0x9f0c, '00')])]);
    expect(tlvToJson(P(0xdf8101, ''))).toEqual([{ tag: 'df8101', value: '' }]);
    expect(tlvToString(fci)).toBe(
      ['6f [30]', `  84 [8] ${AID}`, '  a5 [18]', `    9f0c [15] ${F15.replace(/\s+/g, '')}`].join('\n'),
    );
    expect(tlvToString(P(0x84, ''))).toBe('84 [0]');
    expect(() => tlvFromJson([{ tag: '5a', children: [] }])).toThrow(new RangeError('"json[0].children" given for primitive tag 5a'));
    expect(() => tlvFromJson([{ tag: '9f', value: '' }])).toThrow(RangeError);
    expect(() => tlvFromJson([{ tag: 'df818101', value: '' }])).toThrow(
      new RangeError('"json[0].tag" expected 1 to 3 bytes of hex, got 4'),
    );
    expect(() => tlvFromJson([{ tag: '5a', value: '0g' }])).toThrow(new RangeError('"json[0].value" has a non-hex character "g" at position 1'));
  });

  it('tag helpers', () => {
    expect([0x5a, 0x9f0c, 0xdf8101].map((t) => tagByteLen(t))).toEqual([1, 2, 3]);
    expect([0x6f, 0x5a, 0xbf0c, 0x9f0c, 0x7f21, 0xbf8101].map(isConstructedTag)).toEqual([true, false, true, false, true, true]);
    expect([0x6f, 0x9f0c, 0x0a].map(tagHex)).toEqual(['6f', '9f0c', '0a']);
  });
});

// ---- properties --------------------------------------------------------------------------------

/** A valid tag of 1 to 3 bytes, primitive or constructed. */
function tagArb(constructed: boolean): fc.Arbitrary<number> {
  return fc
    .record({
      cls: fc.constantFrom(0x00, 0x40, 0x80, 0xc0),
      extra: fc.integer({ min: 0, max: 2 }),
      num: fc.integer({ min: 0, max: 30 }),
      mid: fc.integer({ min: 0x80, max: 0xff }),
      last: fc.integer({ min: 0, max: 0x7f }),
    })
    // 00 (universal primitive tag 0) and a first byte ff (private constructed, long form) are
    // padding bytes, not tags.
    .filter(({ cls, extra, num }) => (extra === 0 ? cls !== 0 || constructed || num !== 0 : !(cls === 0xc0 && constructed)))
    .map(({ cls, extra, num, mid, last }) => {
      const b0 = cls | (constructed ? 0x20 : 0);
      if (extra === 0) return b0 | num;
      if (extra === 1) return (b0 | 0x1f) * 0x100 + last;
      return (b0 | 0x1f) * 0x10000 + mid * 0x100 + last;
    });
}

const { list: listArb } = fc.letrec((tie) => ({
  list: fc.array(tie('node'), { maxLength: 4 }),
  node: fc.oneof({ depthSize: 'small' }, tie('prim'), tie('cons')),
  prim: fc.record({ tag: tagArb(false), value: fc.uint8Array({ maxLength: 300 }) }),
  cons: fc.record({ tag: tagArb(true), children: tie('list') }),
})) as { list: fc.Arbitrary<TlvInput[]> };

/** The tree without the values of constructed objects, which the encoder derives. */
function shape(list: readonly TlvInput[]): unknown[] {
  return list.map((t) => (t.children ? { tag: t.tag, children: shape(t.children) } : { tag: t.tag, value: hex(t.value!) }));
}

describe('properties', () => {
  it('decode(encode(tree)) = tree, and re-encoding is stable', () => {
    fc.assert(
      fc.property(listArb, (list) => {
        const x = encodeTlv(list);
        const back = decodeTlv(x);
        expect(shape(back)).toEqual(shape(list));
        expect(hex(encodeTlv(back))).toBe(hex(x));
        // A constructed object's value is exactly its children's encoding.
        const walk = (l: Tlv[]): void =>
          l.forEach((t) => {
            if (t.children) {
              expect(hex(t.value)).toBe(hex(encodeTlv(t.children)));
              walk(t.children);
            }
          });
        walk(back);
      }),
      { numRuns: 300 },
    );
  });

  it('every proper prefix of one encoded object is a TlvError', () => {
    fc.assert(
      fc.property(listArb.filter((l) => l.length > 0), (list) => {
        const x = encodeTlv(list[0]);
        for (let n = 1; n < x.length; n++) expect(() => decodeOneTlv(x.subarray(0, n))).toThrow(TlvError);
      }),
      { numRuns: 100 },
    );
  });

  it('random bytes decode or fail with a TlvError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (x, allowPadding) => {
        try {
          const list = decodeTlv(x, { allowPadding });
          // What decodes re-encodes and decodes to the same tree.
          expect(shape(decodeTlv(encodeTlv(list)))).toEqual(shape(list));
        } catch (e) {
          if (!(e instanceof TlvError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
