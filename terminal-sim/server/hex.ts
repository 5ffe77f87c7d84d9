/** Strict hex at the HTTP edge (STYLE.md "Bytes"): even length, no 0x, no spaces. */
import { ApiError } from './errors.js';

/** Largest command APDU: extended case 4 (4 + 3 + 65535 + 2 bytes). */
export const MAX_APDU_LEN = 65544;
export const MIN_APDU_LEN = 4;

/**
 * Parses `text` as hex. @throws ApiError BAD_HEX naming the first bad character's position (0-based)
 * or the odd length.
 */
export function parseHexField(field: string, text: string): Uint8Array {
  const bad = text.search(/[^0-9a-fA-F]/);
  if (bad >= 0) {
    const ch = text.codePointAt(bad)!;
    const shown = ch >= 0x21 && ch <= 0x7e ? `'${String.fromCodePoint(ch)}'` : `U+${ch.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new ApiError('BAD_HEX', { field, problem: `expected hex digits, got ${shown} at position ${bad}` });
  }
  if (text.length % 2 !== 0) throw new ApiError('BAD_HEX', { field, problem: `expected an even number of hex digits, got ${text.length}` });
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** Parses a command APDU. @throws ApiError BAD_HEX, APDU_TOO_SHORT, APDU_TOO_LONG */
export function parseApduHex(text: string): Uint8Array {
  // Length first on the text, so a 250 KB string is rejected without scanning it twice.
  if (text.length > 2 * MAX_APDU_LEN + 1) throw new ApiError('APDU_TOO_LONG', { len: Math.ceil(text.length / 2) });
  const bytes = parseHexField('apdu', text);
  if (bytes.length < MIN_APDU_LEN) throw new ApiError('APDU_TOO_SHORT', { len: bytes.length });
  if (bytes.length > MAX_APDU_LEN) throw new ApiError('APDU_TOO_LONG', { len: bytes.length });
  return bytes;
}
