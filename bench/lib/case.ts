// The benchmark model: a case is one operation on one input size, measured for ssc3 and for each
// peer that has the operation. Every row carries a check that runs before any timing, so a peer
// called wrongly (bad format, wrong mode, silent padding) fails loudly instead of being timed.
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';

/** One implementation of a case's operation. */
export interface Row {
  /** 'ssc3', 'sm-crypto-v2', 'node:crypto', … with how it is called in parentheses. */
  impl: string;
  /** One operation; its result is kept so the engine cannot drop the call. */
  run: () => unknown;
  /** Throws when this row's output disagrees with ssc3's (or does not verify). */
  check: () => void;
}

export interface BenchCase {
  /** Stable id, matched by --filter and by the targets. */
  id: string;
  /** Human name of the operation, e.g. 'SM3 1 MiB'. */
  op: string;
  /** Bytes processed per operation, when MB/s means something. */
  bytes?: number;
  /** rows[0] is ssc3's primary row: every ratio is rows[0] ÷ the row. */
  rows: Row[];
}

/** Bytes of a peer's output, whatever shape it came in (hex string, number[], Buffer). */
export function asBytes(out: Uint8Array | ArrayLike<number> | string): Uint8Array {
  if (typeof out === 'string') return hexToBytes(out, 'peer output');
  return out instanceof Uint8Array ? out : Uint8Array.from(out);
}

/**
 * Throws unless `got` equals `want` byte for byte.
 * @throws Error naming the row and both values in hex.
 */
export function expectSame(label: string, got: Uint8Array | ArrayLike<number> | string, want: Uint8Array): void {
  const g = asBytes(got);
  if (g.length === want.length && g.every((b, i) => b === want[i])) return;
  throw new Error(`${label}: output differs from ssc3's\n  got  ${bytesToHex(g)}\n  want ${bytesToHex(want)}`);
}

/** @throws Error with `message` unless `ok`. */
export function expectTrue(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/** Runs every row's check of every case; the first failure stops the run. */
export function checkCases(cases: readonly BenchCase[]): void {
  for (const c of cases) {
    for (const row of c.rows) {
      try {
        row.check();
      } catch (e) {
        throw new Error(`check failed before timing, ${c.op} / ${row.impl}: ${(e as Error).message}`, { cause: e });
      }
    }
  }
}

/** Reproducible filler bytes (xorshift32 from `seed`): the same inputs every run. */
export function testBytes(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = (seed * 0x9e3779b9) | 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
