/**
 * The shape of every card command on the terminal side (Keyple: one class per command with its
 * own table of expected status words). A command is declared as a {@link CardCommand}: its name,
 * its APDU, its status-word table and a parser for its response data; {@link runCommand} sends
 * it, completes T=0 exchanges (61xx → GET RESPONSE, 6Cxx → resend with the right Le; ISO/IEC
 * 7816-3 §10.3.5 / 7816-4 §5.3.4), and returns the parsed response or throws the typed error the
 * table names.
 */
import { parseResponse, swHex } from '../../engine/index.js';
import {
  CardCommandError,
  MalformedResponseError,
  UnexpectedStatusError,
  WrongLengthError,
  type CardCommandErrorClass,
} from './command-errors.js';
import type { Reader, TransmitOptions } from './reader-api.js';

/** Status word → error class. */
export type SwTable = ReadonlyMap<number, CardCommandErrorClass>;

/** Builds a status-word table from `[sw, ErrorClass]` pairs. */
export function swTable(...entries: [number, CardCommandErrorClass][]): SwTable {
  return new Map(entries);
}

export interface CardCommand<T> {
  /** The command's name in errors and traces. */
  name: string;
  apdu: Uint8Array;
  /** Expected error status words and their error classes. */
  errors: SwTable;
  /** Parses the response data of a 9000; throw RangeError for malformed data. */
  parse(data: Uint8Array): T;
  /** Trace label (default: `name`). */
  label?: string;
  sensitive?: boolean;
}

/** At most this many GET RESPONSE rounds for one command (a card looping 61xx is broken). */
const MAX_CHAINED = 16;

/**
 * One APDU with the T=0 continuations applied.
 * @returns the full response data and the final status word.
 * @throws CardRemovedError / ReaderError from the reader.
 */
export async function exchange(reader: Reader, apdu: Uint8Array, options: TransmitOptions = {}): Promise<{ data: Uint8Array; sw: number }> {
  let { data, sw } = parseResponse(await reader.transmit(apdu, options));
  if ((sw & 0xff00) === 0x6c00 && apdu.length >= 5) {
    // Wrong Le: resend the same case-2 command with Le = SW2.
    const again = apdu.slice();
    again[again.length - 1] = sw & 0xff;
    ({ data, sw } = parseResponse(await reader.transmit(again, options)));
  }
  const chunks: Uint8Array[] = [data];
  for (let i = 0; (sw & 0xff00) === 0x6100; i++) {
    if (i >= MAX_CHAINED) break;
    const le = sw & 0xff;
    const label = options.label ? `${options.label} (GET RESPONSE)` : 'GET RESPONSE';
    ({ data, sw } = parseResponse(await reader.transmit(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, le), { ...options, label })));
    chunks.push(data);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return { data: out, sw };
}

/**
 * Sends a command and interprets its status word.
 * @returns the parsed response data.
 * @throws the table's CardCommandError subclass for a listed status word; WrongLengthError for
 *   6700 / 6Cxx when unlisted; UnexpectedStatusError for any other; MalformedResponseError when
 *   a 9000 response does not parse; CardRemovedError / ReaderError from the reader.
 */
export async function runCommand<T>(reader: Reader, cmd: CardCommand<T>): Promise<T> {
  const { data, sw } = await exchange(reader, cmd.apdu, { label: cmd.label ?? cmd.name, sensitive: cmd.sensitive });
  if (sw === 0x9000) {
    try {
      return cmd.parse(data);
    } catch (e) {
      if (e instanceof CardCommandError) throw e;
      throw new MalformedResponseError(cmd.name, sw, (e as Error).message);
    }
  }
  const cls = cmd.errors.get(sw) ?? (sw === 0x6700 || (sw & 0xff00) === 0x6c00 ? WrongLengthError : UnexpectedStatusError);
  throw new cls(cmd.name, sw, cls === UnexpectedStatusError ? `not expected by ${cmd.name}: ${swHex(sw)}` : undefined);
}

/** Checks a response's length exactly. @throws RangeError naming the command's field. */
export function expectLength(what: string, data: Uint8Array, len: number): Uint8Array {
  if (data.length !== len) throw new RangeError(`${what}: expected ${len} bytes of response data, got ${data.length}`);
  return data;
}
