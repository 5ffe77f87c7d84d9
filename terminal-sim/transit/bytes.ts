/**
 * Big-endian integer helpers for the purse's byte fields (DOMAIN.md §3: "All integers
 * big-endian"). Amounts are integer fen below 2^32.
 */
import { aint } from '../../crypto/utils.js';

/** `n` as `len` big-endian bytes. @throws TypeError / RangeError when `n` does not fit. */
export function beBytes(name: string, n: number, len: number): Uint8Array {
  aint(name, n, 0, len >= 7 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * len) - 1);
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = n % 256;
    n = Math.floor(n / 256);
  }
  return out;
}

/**
 * Writes `n` as `len` big-endian bytes at `out[o..]`, so that a command is built in one array.
 * @returns `out`. @throws TypeError / RangeError when `n` does not fit (as {@link beBytes}).
 */
export function putBe(name: string, out: Uint8Array, o: number, n: number, len: number): Uint8Array {
  aint(name, n, 0, len >= 7 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * len) - 1);
  for (let i = len - 1; i >= 0; i--) {
    out[o + i] = n % 256;
    n = Math.floor(n / 256);
  }
  return out;
}

/** The unsigned big-endian integer in `b[o .. o+len)`. */
export function beUint(b: Uint8Array, o: number, len: number): number {
  let n = 0;
  for (let i = o; i < o + len; i++) n = n * 256 + b[i];
  return n;
}
