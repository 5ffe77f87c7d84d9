/**
 * Declared binary layouts (the micro-packed way: declare the fields, derive the offsets, never
 * hand-parse): fixed-length files and records of the transit application — EF 0015/0016/0017,
 * the 0018 log, the 1A state record and the 1E travel log. Integers are big-endian, BCD fields
 * decode to digit strings, identifiers to lower-case hex. Decoding rejects a wrong length (no
 * leftover bytes) and non-digit BCD; every error names the field path (`1A.entryDateTime`).
 */
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';

export type FieldSpec =
  | { name: string; type: 'uint'; len: 1 | 2 | 3 | 4 }
  /** BCD digits: a string of 2 × len decimal digits. */
  | { name: string; type: 'bcd'; len: number }
  /** Opaque bytes as lower-case hex of 2 × len characters. */
  | { name: string; type: 'hex'; len: number }
  /** UTF-8 text, zero-padded (decoding stops at the first 00). */
  | { name: string; type: 'text'; len: number }
  /** Written as zeros, skipped when read (reserved for future use). */
  | { name: string; type: 'reserved'; len: number };

export class RecordLayout<T extends object> {
  /** Total length in bytes. */
  readonly len: number;
  /** Byte offset of each field. */
  readonly offsets: Readonly<Record<string, number>>;

  constructor(
    readonly name: string,
    private readonly fields: readonly FieldSpec[],
  ) {
    const offsets: Record<string, number> = {};
    let o = 0;
    for (const f of fields) {
      offsets[f.name] = o;
      o += f.len;
    }
    this.len = o;
    this.offsets = Object.freeze(offsets);
  }

  /**
   * @returns the `len` bytes of `value`.
   * @throws TypeError for a field of the wrong type; RangeError for a value that does not fit,
   *   naming `<layout>.<field>`.
   */
  encode(value: T): Uint8Array {
    if (typeof value !== 'object' || value === null) throw new TypeError(`"${this.name}" expected an object, got ${value === null ? 'null' : typeof value}`);
    const v = value as Record<string, unknown>;
    const out = new Uint8Array(this.len);
    for (const f of this.fields) {
      const at = this.offsets[f.name];
      const path = `${this.name}.${f.name}`;
      if (f.type === 'reserved') continue;
      const x = v[f.name];
      switch (f.type) {
        case 'uint': {
          if (typeof x !== 'number' || !Number.isSafeInteger(x)) throw new TypeError(`"${path}" expected integer, got ${typeof x}`);
          if (x < 0 || x > 2 ** (8 * f.len) - 1) throw new RangeError(`"${path}" expected integer in [0, ${2 ** (8 * f.len) - 1}], got ${x}`);
          let n = x;
          for (let i = f.len - 1; i >= 0; i--) {
            out[at + i] = n % 256;
            n = Math.floor(n / 256);
          }
          break;
        }
        case 'bcd':
          if (typeof x !== 'string') throw new TypeError(`"${path}" expected a digit string, got ${typeof x}`);
          if (!new RegExp(`^\\d{${2 * f.len}}$`).test(x)) throw new RangeError(`"${path}" expected ${2 * f.len} decimal digits, got ${JSON.stringify(x)}`);
          out.set(hexToBytes(x, path), at);
          break;
        case 'hex':
          if (typeof x !== 'string') throw new TypeError(`"${path}" expected a hex string, got ${typeof x}`);
          if (!new RegExp(`^[0-9a-fA-F]{${2 * f.len}}$`).test(x)) throw new RangeError(`"${path}" expected ${2 * f.len} hex digits, got ${JSON.stringify(x)}`);
          out.set(hexToBytes(x.toLowerCase(), path), at);
          break;
        case 'text': {
          if (typeof x !== 'string') throw new TypeError(`"${path}" expected a string, got ${typeof x}`);
          const b = new TextEncoder().encode(x);
          if (b.length > f.len) throw new RangeError(`"${path}" expected at most ${f.len} UTF-8 bytes, got ${b.length}`);
          out.set(b, at);
          break;
        }
      }
    }
    return out;
  }

  /**
   * @returns the fields of `bytes`.
   * @throws TypeError when not a Uint8Array; RangeError for a length other than `len` or a
   *   BCD field with a non-digit nibble, naming `<layout>.<field>`.
   */
  decode(bytes: Uint8Array): T {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`"${this.name}" expected Uint8Array`);
    if (bytes.length !== this.len) throw new RangeError(`"${this.name}" expected ${this.len} bytes, got ${bytes.length}`);
    const out: Record<string, unknown> = {};
    for (const f of this.fields) {
      const at = this.offsets[f.name];
      const b = bytes.subarray(at, at + f.len);
      switch (f.type) {
        case 'reserved':
          break;
        case 'uint': {
          let n = 0;
          for (const x of b) n = n * 256 + x;
          out[f.name] = n;
          break;
        }
        case 'bcd': {
          const h = bytesToHex(b);
          if (!/^\d*$/.test(h)) throw new RangeError(`"${this.name}.${f.name}" expected BCD digits, got ${h}`);
          out[f.name] = h;
          break;
        }
        case 'hex':
          out[f.name] = bytesToHex(b);
          break;
        case 'text': {
          const end = b.indexOf(0);
          out[f.name] = new TextDecoder().decode(end < 0 ? b : b.subarray(0, end));
          break;
        }
      }
    }
    return out as T;
  }
}
