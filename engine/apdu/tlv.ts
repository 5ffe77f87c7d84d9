/**
 * BER-TLV codec: the tag and definite-length encodings of ISO/IEC 8825-1 (X.690) §8.1.2–8.1.3,
 * as profiled for smart cards by ISO/IEC 7816-4:2020 §6.3 and EMV Book 3 Annex B (FCIs, record
 * templates, DOLs' data).
 *
 * - Tags of 1 to 3 bytes, kept as the number their bytes spell (`0x6f`, `0x9f0c`, `0xdf8101`):
 *   the first byte's low five bits 11111 announce more bytes, and every following byte with b8
 *   set announces another. Bit 0x20 of the first byte marks a constructed object, whose value is
 *   parsed as a nested sequence. X.690 also asks that tag numbers below 31 use one byte; EMV
 *   breaks that (9F02 is tag number 2), so it is not enforced.
 * - First tag bytes 00 and FF are not tags (ISO 7816-4 §6.3: they may appear before, between
 *   and after data objects, e.g. erased records). They are rejected unless the decoder is given
 *   `{ allowPadding: true }`, which skips them wherever a tag may start.
 * - Definite lengths only: short form 00–7F and long forms 81 / 82 / 83 (up to 0xffffff). The
 *   indefinite form 80 and longer forms are rejected. The encoder writes the shortest form; the
 *   decoder also accepts non-minimal long forms (BER allows them), which re-encode minimally.
 * - Decoders reject truncation and leftover bytes. Every {@link TlvError} message names the tag
 *   path and the byte offset (in the input given to the decoder), e.g.
 *   `tag 6f/a5/bf0c: length 0x20 exceeds the 12 remaining bytes at offset 9`.
 */
import { abytes, aint, bytesToHex, hexToBytes } from '../../crypto/utils.js';

/**
 * One data object. `value` is the whole value field, also for a constructed object; a decoded
 * constructed object additionally has `children`, its value parsed.
 */
export type Tlv = { tag: number; value: Uint8Array; children?: Tlv[] };

/**
 * What {@link encodeTlv} takes: a Tlv, or a constructed object given only by its children
 * (when `children` is present it is encoded, and `value` is ignored).
 */
export type TlvInput = { tag: number; value?: Uint8Array; children?: readonly TlvInput[] };

/** Options of {@link decodeTlv}. */
export interface DecodeTlvOptions {
  /** Skip 00 and FF bytes where a tag may start (ISO 7816-4 / EMV padding). Default false. */
  allowPadding?: boolean;
  /** Deepest nesting of constructed objects accepted (the top level is depth 0). Default 32. */
  maxDepth?: number;
}

/** JSON-friendly form of a Tlv (for logs and transcripts): tags and values as lower-case hex. */
export type TlvJson = { tag: string; value: string } | { tag: string; children: TlvJson[] };

/** Largest value length: the 83 form's three length bytes. */
export const TLV_MAX_LEN = 0xffffff;

const DEFAULT_MAX_DEPTH = 32;

/**
 * A malformed TLV encoding (data error, not a programmer error). `path` holds the tags from the
 * top level down to the object at fault (empty at the top level), `offset` the byte offset in
 * the decoder's input where the fault was found.
 */
export class TlvError extends RangeError {
  override name = 'TlvError';
  readonly path: readonly number[];
  readonly offset: number;
  constructor(path: readonly number[], offset: number, problem: string) {
    super(`${where(path)}: ${problem} at offset ${offset}`);
    this.path = path;
    this.offset = offset;
  }
}

function where(path: readonly number[]): string {
  return path.length === 0 ? 'top level' : `tag ${path.map(tagHex).join('/')}`;
}

/** Lower-case hex of a tag number, two digits per tag byte (`6f`, `9f0c`, `df8101`). */
export function tagHex(tag: number): string {
  const hex = tag.toString(16);
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}

/**
 * True when the tag's first byte has the constructed bit (0x20) set.
 * @throws as {@link tagByteLen} for an invalid tag.
 */
export function isConstructedTag(tag: number): boolean {
  return (firstTagByte(tag, tagByteLen(tag)) & 0x20) !== 0;
}

function firstTagByte(tag: number, len: number): number {
  return tag >>> (8 * (len - 1));
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Number of bytes of a valid tag: 1, 2 or 3.
 * @throws TypeError when `tag` is not an integer; RangeError when it is not a valid BER tag of
 *   at most 3 bytes (naming `name` and what is wrong).
 */
export function tagByteLen(tag: number, name = 'tag'): 1 | 2 | 3 {
  aint(name, tag, 1, 0xffffff);
  const bad = (why: string): never => {
    throw new RangeError(`"${name}" expected a BER-TLV tag of 1 to 3 bytes, got ${tagHex(tag)}: ${why}`);
  };
  let len: 1 | 2 | 3;
  if (tag <= 0xff) {
    if ((tag & 0x1f) === 0x1f) bad('a one-byte tag cannot end in 11111 (that announces more tag bytes)');
    len = 1;
  } else if (tag <= 0xffff) {
    if (((tag >>> 8) & 0x1f) !== 0x1f) bad('the first byte of a longer tag must end in 11111');
    if (tag & 0x80) bad('the last tag byte must have b8 = 0');
    len = 2;
  } else {
    if (((tag >>> 16) & 0x1f) !== 0x1f) bad('the first byte of a longer tag must end in 11111');
    if (!(tag & 0x8000)) bad('the middle byte of a 3-byte tag must have b8 = 1');
    if (tag & 0x80) bad('the last tag byte must have b8 = 0');
    len = 3;
  }
  if (firstTagByte(tag, len) === 0xff) bad('first byte ff is padding, not a tag (ISO 7816-4 §6.3)');
  return len;
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface Ctx {
  readonly b: Uint8Array;
  readonly allowPadding: boolean;
  readonly maxDepth: number;
}

function aoptions(opts: unknown): { allowPadding: boolean; maxDepth: number } {
  if (opts === undefined) return { allowPadding: false, maxDepth: DEFAULT_MAX_DEPTH };
  if (typeof opts !== 'object' || opts === null) {
    throw new TypeError(`"opts" expected an object { allowPadding?, maxDepth? }, got ${opts === null ? 'null' : typeof opts}`);
  }
  const o = opts as DecodeTlvOptions;
  if (o.allowPadding !== undefined && typeof o.allowPadding !== 'boolean') {
    throw new TypeError(`"opts.allowPadding" expected boolean, got ${typeof o.allowPadding}`);
  }
  const maxDepth = o.maxDepth === undefined ? DEFAULT_MAX_DEPTH : aint('opts.maxDepth', o.maxDepth, 0, 1000);
  return { allowPadding: o.allowPadding === true, maxDepth };
}

/** Skips padding bytes from `o` when allowed; returns the offset of the next object or `end`. */
function skipPadding(ctx: Ctx, o: number, end: number): number {
  if (ctx.allowPadding) while (o < end && (ctx.b[o] === 0x00 || ctx.b[o] === 0xff)) o++;
  return o;
}

/** Parses the object at `o` (which is < end); returns it and the offset after it. */
function parseOne(ctx: Ctx, o: number, end: number, path: readonly number[], depth: number): [Tlv, number] {
  const b = ctx.b;
  const b0 = b[o];
  if (b0 === 0x00 || b0 === 0xff) {
    throw new TlvError(path, o, `invalid tag byte ${hex2(b0)} (00 and ff are padding, accepted only with { allowPadding: true })`);
  }
  const tagAt = o++;
  let tag = b0;
  if ((b0 & 0x1f) === 0x1f) {
    // Up to two subsequent bytes; b8 of each says whether another follows.
    for (let n = 1; ; n++) {
      if (o >= end) throw new TlvError(path, tagAt, `truncated tag ${tagHex(tag)}`);
      const bn = b[o++];
      tag = tag * 256 + bn;
      if (!(bn & 0x80)) break;
      if (n === 2) throw new TlvError(path, tagAt, `tag ${tagHex(tag)}… is longer than 3 bytes`);
    }
  }
  const tagPath = [...path, tag];
  if (o >= end) throw new TlvError(tagPath, o, 'length missing');
  const lenAt = o;
  const l0 = b[o++];
  let len = l0;
  if (l0 === 0x80) throw new TlvError(tagPath, lenAt, 'indefinite length (80) is not allowed');
  if (l0 > 0x80) {
    const n = l0 & 0x7f;
    if (n > 3) {
      throw new TlvError(tagPath, lenAt, `length form ${hex2(l0)} has ${n} length bytes; lengths beyond 0xffffff are not supported`);
    }
    if (end - o < n) throw new TlvError(tagPath, lenAt, `truncated length ${hex2(l0)}: ${end - o} of its ${n} bytes present`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[o++];
  }
  if (len > end - o) throw new TlvError(tagPath, o, `length 0x${len.toString(16)} exceeds the ${plural(end - o, 'remaining byte')}`);
  const node: Tlv = { tag, value: b.subarray(o, o + len) };
  if (b0 & 0x20) {
    if (depth >= ctx.maxDepth) throw new TlvError(tagPath, o, `nesting deeper than ${ctx.maxDepth} levels`);
    node.children = parseSeq(ctx, o, o + len, tagPath, depth + 1);
  }
  return [node, o + len];
}

/** Parses the objects in b[start, end); `path` holds the enclosing objects' tags. */
function parseSeq(ctx: Ctx, start: number, end: number, path: readonly number[], depth: number): Tlv[] {
  const out: Tlv[] = [];
  let o = skipPadding(ctx, start, end);
  while (o < end) {
    const [node, next] = parseOne(ctx, o, end, path, depth);
    out.push(node);
    o = skipPadding(ctx, next, end);
  }
  return out;
}

function context(bytes: Uint8Array, opts: DecodeTlvOptions | undefined): Ctx {
  abytes('bytes', bytes);
  const { allowPadding, maxDepth } = aoptions(opts);
  return { b: bytes.slice(), allowPadding, maxDepth };
}

/**
 * Decodes a sequence of BER-TLV objects (possibly empty), recursing into constructed ones.
 * The input is copied once; every `value` is a view into that private copy (a child's value
 * shares bytes with its parent's), so the result never aliases the caller's buffer.
 * @returns the top-level objects in order.
 * @throws TypeError when `bytes` is not a Uint8Array or `opts` is malformed; TlvError (a
 *   RangeError) for a bad tag byte, a tag longer than 3 bytes, a missing, truncated, indefinite
 *   or over-long length, a value running past its enclosing object or the input, or nesting
 *   deeper than `opts.maxDepth`.
 */
export function decodeTlv(bytes: Uint8Array, opts?: DecodeTlvOptions): Tlv[] {
  const ctx = context(bytes, opts);
  return parseSeq(ctx, 0, ctx.b.length, [], 0);
}

/**
 * Decodes exactly one BER-TLV object (e.g. the FCI template a SELECT returns), with padding
 * around it only when `opts.allowPadding` is set.
 * @throws as {@link decodeTlv}, and TlvError when the input holds no object or bytes are left
 *   over after the first one.
 */
export function decodeOneTlv(bytes: Uint8Array, opts?: DecodeTlvOptions): Tlv {
  const ctx = context(bytes, opts);
  const end = ctx.b.length;
  const o = skipPadding(ctx, 0, end);
  if (o >= end) throw new TlvError([], o, 'no TLV object');
  const [node, next] = parseOne(ctx, o, end, [], 0);
  const rest = skipPadding(ctx, next, end);
  if (rest < end) throw new TlvError([], rest, `${plural(end - rest, 'leftover byte')} after tag ${tagHex(node.tag)}`);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Encoding

function lenFieldLen(len: number): number {
  return len < 0x80 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : 4;
}

/** Validates a node and returns its content length, memoised in `sizes` for the write pass. */
function measure(node: unknown, name: string, sizes: Map<TlvInput, number>): number {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new TypeError(`"${name}" expected an object { tag, value } or { tag, children }, got ${node === null ? 'null' : typeof node}`);
  }
  const t = node as TlvInput;
  const tagLen = tagByteLen(t.tag, `${name}.tag`);
  let content: number;
  if (t.children !== undefined) {
    if (!Array.isArray(t.children)) throw new TypeError(`"${name}.children" expected an array, got ${typeof t.children}`);
    if (!(firstTagByte(t.tag, tagLen) & 0x20)) {
      throw new RangeError(`"${name}.children" given for primitive tag ${tagHex(t.tag)} (its first byte lacks the constructed bit 0x20)`);
    }
    content = 0;
    for (let i = 0; i < t.children.length; i++) content += measure(t.children[i], `${name}.children[${i}]`, sizes);
  } else {
    content = abytes(`${name}.value`, t.value).length;
  }
  if (content > TLV_MAX_LEN) {
    throw new RangeError(`"${name}" value of ${content} bytes exceeds the BER-TLV limit used here (0xffffff)`);
  }
  sizes.set(t, content);
  return tagLen + lenFieldLen(content) + content;
}

function write(t: TlvInput, out: Uint8Array, o: number, sizes: Map<TlvInput, number>): number {
  const tagLen = tagByteLen(t.tag);
  for (let i = tagLen - 1; i >= 0; i--) out[o++] = (t.tag >>> (8 * i)) & 0xff;
  const len = sizes.get(t) as number;
  const n = lenFieldLen(len) - 1;
  if (n > 0) out[o++] = 0x80 | n;
  for (let i = n === 0 ? 0 : n - 1; i >= 0; i--) out[o++] = (len >>> (8 * i)) & 0xff;
  if (t.children !== undefined) {
    for (const c of t.children) o = write(c, out, o, sizes);
  } else {
    out.set(t.value as Uint8Array, o);
    o += len;
  }
  return o;
}

/**
 * Encodes one object or a sequence, with the shortest length forms. A constructed object with
 * `children` encodes them (its `value` is then ignored); without, its `value` is written as is.
 * @returns a new array.
 * @throws TypeError for a non-object node, a non-integer tag, a non-array `children` or a
 *   non-Uint8Array `value`; RangeError for an invalid tag, `children` under a primitive tag or
 *   a value longer than 0xffffff. Messages name the node's path, e.g. `"tlv[0].children[1].tag"`.
 */
export function encodeTlv(tlv: TlvInput | readonly TlvInput[]): Uint8Array {
  const list: readonly TlvInput[] = Array.isArray(tlv) ? tlv : [tlv as TlvInput];
  const sizes = new Map<TlvInput, number>();
  let total = 0;
  for (let i = 0; i < list.length; i++) total += measure(list[i], Array.isArray(tlv) ? `tlv[${i}]` : 'tlv', sizes);
  const out = new Uint8Array(total);
  let o = 0;
  for (const t of list) o = write(t, out, o, sizes);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * Follows a path of tags: the first object with `path[0]` in `list`, then the first with
 * `path[1]` among its children, and so on.
 * @returns the object found, or undefined when a step is missing.
 * @throws RangeError when `path` is empty; as {@link tagByteLen} for an invalid tag in it.
 */
export function findTlv(list: readonly Tlv[], ...path: number[]): Tlv | undefined {
  if (!Array.isArray(list)) throw new TypeError(`"list" expected an array of Tlv, got ${typeof list}`);
  if (path.length === 0) throw new RangeError('"path" expected at least one tag');
  path.forEach((t, i) => tagByteLen(t, `path[${i}]`));
  let level: readonly Tlv[] | undefined = list;
  let found: Tlv | undefined;
  for (const tag of path) {
    found = level?.find((t) => t.tag === tag);
    if (found === undefined) return undefined;
    level = found.children;
  }
  return found;
}

/**
 * JSON-friendly form: `{ tag: '9f0c', value: 'hex' }` for a primitive object (or a constructed
 * one without children), `{ tag: 'a5', children: [...] }` for a parsed constructed one.
 */
export function tlvToJson(tlv: Tlv | readonly Tlv[]): TlvJson[] {
  const list: readonly Tlv[] = Array.isArray(tlv) ? tlv : [tlv as Tlv];
  return list.map((t) =>
    t.children !== undefined ? { tag: tagHex(t.tag), children: tlvToJson(t.children) } : { tag: tagHex(t.tag), value: bytesToHex(t.value) },
  );
}

/**
 * Inverse of {@link tlvToJson}: strict hex; a constructed object's `value` is its children's
 * encoding.
 * @throws TypeError / RangeError for malformed JSON, hex or tags, naming the path.
 */
export function tlvFromJson(json: readonly TlvJson[], name = 'json'): Tlv[] {
  if (!Array.isArray(json)) throw new TypeError(`"${name}" expected an array, got ${typeof json}`);
  return json.map((j, i) => {
    const at = `${name}[${i}]`;
    if (typeof j !== 'object' || j === null) throw new TypeError(`"${at}" expected an object, got ${j === null ? 'null' : typeof j}`);
    if (typeof j.tag !== 'string') throw new TypeError(`"${at}.tag" expected a hex string, got ${typeof j.tag}`);
    const tagBytes = hexToBytes(j.tag, `${at}.tag`);
    if (tagBytes.length < 1 || tagBytes.length > 3) {
      throw new RangeError(`"${at}.tag" expected 1 to 3 bytes of hex, got ${tagBytes.length}`);
    }
    const tag = tagBytes.reduce((a, b) => a * 256 + b, 0);
    tagByteLen(tag, `${at}.tag`);
    const constructed = isConstructedTag(tag);
    if ('children' in j) {
      if (!constructed) throw new RangeError(`"${at}.children" given for primitive tag ${j.tag}`);
      const children = tlvFromJson(j.children, `${at}.children`);
      return { tag, value: encodeTlv(children), children };
    }
    const value = hexToBytes(j.value, `${at}.value`);
    // As decodeTlv would give it: a constructed object's value parsed into children.
    return constructed ? { tag, value, children: decodeTlv(value) } : { tag, value };
  });
}

/**
 * A readable tree for debugging, one object per line, two spaces per level:
 * `6f [30]` then `  84 [8] a000000632010105`.
 */
export function tlvToString(tlv: Tlv | readonly Tlv[]): string {
  const lines: string[] = [];
  const walk = (list: readonly Tlv[], indent: string): void => {
    for (const t of list) {
      const head = `${indent}${tagHex(t.tag)} [${t.value.length}]`;
      if (t.children !== undefined) {
        lines.push(head);
        walk(t.children, `${indent}  `);
      } else {
        lines.push(t.value.length === 0 ? head : `${head} ${bytesToHex(t.value)}`);
      }
    }
  };
  walk(Array.isArray(tlv) ? tlv : [tlv as Tlv], '');
  return lines.join('\n');
}
