/**
 * The I/O seam of the `ssc3` command line: every command writes through a {@link CliIo}, so tests
 * run `run()` in-process with a capturing one and never touch the real streams. Also the error
 * type commands throw, and the argument parsers they share.
 *
 * Exit codes (as sysexits-minded tools do it, kept to three):
 *   0 success · 1 a negative answer or a failed check (signature invalid, decryption refused,
 *   a vector failed) · 2 usage error (bad hex, missing / unknown / conflicting option, wrong
 *   key or IV length).
 */
import type { Command } from 'commander';
import { hexToBytes } from '../../crypto/utils.js';

/** Where a command writes and what it reads. `stdout` / `stderr` get whole lines, newline included. */
export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  /** All of standard input, read to its end. */
  readStdin(): Promise<Uint8Array>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * An error a command reports as one line `ssc3: <message>` on stderr, exiting with `exitCode`
 * (usage error by default). The message must never contain key material.
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_USAGE) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * What a command group's actions share: the streams, and the exit code to return when the
 * action completes normally (an action sets 1 for a negative answer such as `invalid`).
 */
export interface CliContext {
  readonly io: CliIo;
  exitCode: number;
}

/** A function that adds one top-level command (and its subcommands) to the program. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** "1 byte", "2 bytes". */
export function byteCount(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
}

/**
 * Strict hex of an option value, as bytes, optionally of one of the lengths `byteLens`. Errors
 * name the option and the position of the first bad character, never the value (it may be a key).
 * @throws RangeError for odd length or a non-hex character; CliError for a wrong length.
 */
export function hexOption(option: string, value: string, ...byteLens: number[]): Uint8Array {
  const bytes = hexToBytes(value, option);
  if (byteLens.length > 0 && !byteLens.includes(bytes.length)) {
    const want = byteLens.length === 1 ? `${byteLens[0]}` : `${byteLens.slice(0, -1).join(', ')} or ${byteLens[byteLens.length - 1]}`;
    throw new CliError(`${option} expected ${want} bytes, got ${byteCount(bytes.length)} (${value.length} hex digits)`);
  }
  return bytes;
}

/** The real process streams; stdin is read to its end (a TTY waits for ^D, as `cat` does). */
export const processIo: CliIo = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    const all = Buffer.concat(chunks);
    // A plain Uint8Array copy: Buffer stays at the I/O edge (STYLE.md, Bytes).
    return new Uint8Array(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength));
  },
};
