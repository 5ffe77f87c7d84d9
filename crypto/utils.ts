/**
 * Byte helpers and argument checks shared by every crypto module.
 *
 * Checks run at every public boundary: a wrong type is a TypeError, a wrong length or range a
 * RangeError, and the message names the argument and what it got, e.g.
 * `"key" expected Uint8Array of length 16, got length=15`.
 * Hex is for the edges only (vectors, CLI, JSON): strict, even length, no `0x`, no spaces.
 */

/** True for a Uint8Array (including Node's Buffer, which subclasses it). */
export function isBytes(a: unknown): a is Uint8Array {
  return a instanceof Uint8Array || (ArrayBuffer.isView(a) && a.constructor.name === 'Uint8Array');
}

/**
 * Asserts that `value` is a Uint8Array, optionally of one of the given lengths.
 * @throws TypeError when not bytes; RangeError when the length is not allowed.
 */
export function abytes(name: string, value: unknown, ...lengths: number[]): Uint8Array {
  if (!isBytes(value)) throw new TypeError(`"${name}" expected Uint8Array, got ${describe(value)}`);
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    const want = lengths.length === 1 ? `${lengths[0]}` : `one of ${lengths.join(', ')}`;
    throw new RangeError(`"${name}" expected Uint8Array of length ${want}, got length=${value.length}`);
  }
  return value;
}

/**
 * Asserts that `value` is an integer in [min, max].
 * @throws TypeError when not an integer number; RangeError when out of range.
 */
export function aint(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`"${name}" expected integer, got ${describe(value)}`);
  }
  if (value < min || value > max) throw new RangeError(`"${name}" expected integer in [${min}, ${max}], got ${value}`);
  return value;
}

/**
 * Asserts that `value` is one of `allowed`.
 * @throws RangeError naming the allowed values.
 */
export function aoneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new RangeError(`"${name}" expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  abytes('bytes', bytes);
  const n = bytes.length;
  if (n < HEX_DECODE_FROM) {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX[bytes[i]];
    return s;
  }
  // From 24 bytes on, the digits are written as ASCII codes and decoded once: one flat string
  // instead of a rope of one-byte appends, which JSON.stringify must flatten and the young
  // generation collect (a tap's NVM patch hexes records of 23-128 bytes: 128 bytes took 3.8 µs
  // with its JSON and collection, against 2.4; below 24 bytes concatenation is the faster).
  if (hexScratch.length < n) hexScratch = new Uint16Array(Math.max(n, 2 * hexScratch.length));
  for (let i = 0; i < n; i++) hexScratch[i] = HEX_PAIRS[bytes[i]];
  return asciiDecoder.decode(new Uint8Array(hexScratch.buffer, 0, 2 * n));
}

/** bytesToHex's switch from appending to decoding, in bytes. */
const HEX_DECODE_FROM = 24;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Each byte's two hex digits as ASCII codes, laid out so that a Uint16Array of them reads in order. */
const HEX_PAIRS = Uint16Array.from(HEX, (h) => (LITTLE_ENDIAN ? h.charCodeAt(0) | (h.charCodeAt(1) << 8) : (h.charCodeAt(0) << 8) | h.charCodeAt(1)));
let hexScratch = new Uint16Array(256);
/** ASCII is UTF-8: Node decodes it on its fast path. */
const asciiDecoder = new TextDecoder();

function hexNibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/**
 * Parses strict hex: even length, digits and a–f / A–F only.
 * @throws TypeError when not a string; RangeError naming the first bad character or the odd length.
 */
export function hexToBytes(hex: string, name = 'hex'): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError(`"${name}" expected hex string, got ${describe(hex)}`);
  if (hex.length % 2 !== 0) throw new RangeError(`"${name}" expected an even number of hex digits, got ${hex.length}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      const at = hi < 0 ? 2 * i : 2 * i + 1;
      throw new RangeError(`"${name}" has a non-hex character ${JSON.stringify(hex[at])} at position ${at}`);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Concatenates byte arrays into a new one. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (let i = 0; i < parts.length; i++) len += abytes(`parts[${i}]`, parts[i]).length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Compares two byte arrays without an early exit on the first difference (for MACs, cryptograms
 * and PINs). Algorithmic constant time only: the JIT gives no guarantee. Lengths are not secret.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  abytes('a', a);
  abytes('b', b);
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** UTF-8 encoding of a string. */
export function utf8ToBytes(s: string): Uint8Array {
  if (typeof s !== 'string') throw new TypeError(`"s" expected string, got ${describe(s)}`);
  return new TextEncoder().encode(s);
}

/** Overwrites `bytes` with zeros (session keys are wiped after use). */
export function wipe(...arrays: (Uint8Array | Uint32Array | Int32Array)[]): void {
  for (const a of arrays) a.fill(0);
}

/** Big-endian bytes → bigint. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + bytesToHex(bytes));
}

/**
 * bigint → big-endian bytes of exactly `len` bytes.
 * @throws RangeError when the value is negative or does not fit.
 */
export function bigIntToBytes(n: bigint, len: number): Uint8Array {
  if (n < 0n) throw new RangeError(`"n" expected a non-negative bigint, got ${n}`);
  const hex = n.toString(16);
  if (hex.length > 2 * len) throw new RangeError(`"n" does not fit in ${len} bytes`);
  return hexToBytes(hex.padStart(2 * len, '0'));
}
