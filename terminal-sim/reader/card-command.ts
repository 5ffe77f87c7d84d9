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
  /** Parses the response data of a 9000 (the parser's own: it may keep it); throw RangeError for malformed data. */
  parse(data: Uint8Array): T;
  /** Trace label (default: `name`). */
  label?: string;
  sensitive?: boolean;
}

/** At most this many GET RESPONSE rounds for one command (a card looping 61xx is broken). */
const MAX_CHAINED = 16;

const EMPTY = new Uint8Array(0);

/**
 * The status word of a response.
 * @throws TypeError when not bytes; RangeError when shorter than SW1 SW2 (as parseResponse).
 */
function statusWord(resp: Uint8Array): number {
  if (!(resp instanceof Uint8Array) || resp.length < 2) parseResponse(resp);
  return (resp[resp.length - 2] << 8) | resp[resp.length - 1];
}

/**
 * The data of a response the reader handed over (a new array no one else holds). V8 keeps a
 * typed array of up to 64 bytes on its heap, and a view into one first moves it off the heap
 * (≈ 0.5 µs measured), so short data is copied (≈ 0.1 µs) and only longer data — the 128-byte
 * 1A record — is a view. Both replace parseResponse + a copy into a new array.
 */
function responseData(resp: Uint8Array): Uint8Array {
  const n = resp.length - 2;
  if (n === 0) return EMPTY;
  return n <= 64 ? resp.slice(0, n) : resp.subarray(0, n);
}

/** A response's data and status word after the T=0 continuations. */
interface Exchanged {
  data: Uint8Array;
  sw: number;
}

/**
 * The T=0 continuation of an exchange whose first response `resp` asked for it (6Cxx, 61xx):
 * yields each further command with its options and takes its response, then returns the full
 * data. Written once as a generator, driven by the synchronous and the asynchronous paths.
 */
function* continuation(apdu: Uint8Array, options: TransmitOptions, resp: Uint8Array): Generator<[Uint8Array, TransmitOptions], Exchanged, Uint8Array> {
  let sw = statusWord(resp);
  let data = responseData(resp);
  if ((sw & 0xff00) === 0x6c00 && apdu.length >= 5) {
    // Wrong Le: resend the same case-2 command with Le = SW2.
    const again = apdu.slice();
    again[again.length - 1] = sw & 0xff;
    resp = yield [again, options];
    sw = statusWord(resp);
    data = responseData(resp);
  }
  const chunks: Uint8Array[] = [data];
  for (let i = 0; (sw & 0xff00) === 0x6100; i++) {
    if (i >= MAX_CHAINED) break;
    const le = sw & 0xff;
    const label = options.label ? `${options.label} (GET RESPONSE)` : 'GET RESPONSE';
    // Object.assign, not { ...options, label }: V8's slow path for a spread followed by a new key.
    resp = yield [Uint8Array.of(0x00, 0xc0, 0x00, 0x00, le), Object.assign({}, options, { label })];
    sw = statusWord(resp);
    chunks.push((data = responseData(resp)));
  }
  // One chunk with data (a PSAM's 61xx, then the data): it is ours already, no copy.
  if (chunks.length === 1 || (chunks.length === 2 && chunks[0].length === 0)) return { data, sw };
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return { data: out, sw };
}

/** Whether a status word asks the terminal to continue the exchange (6Cxx, 61xx). */
function continues(sw: number): boolean {
  const sw1 = sw & 0xff00;
  return sw1 === 0x6c00 || sw1 === 0x6100;
}

type TransmitSync = NonNullable<Reader['transmitSync']>;

/** One APDU and its continuations over a reader that answers synchronously. */
function exchangeSync(transmit: TransmitSync, apdu: Uint8Array, options: TransmitOptions): Exchanged {
  const resp = transmit(apdu, options);
  const sw = statusWord(resp);
  if (!continues(sw)) return { data: responseData(resp), sw };
  const steps = continuation(apdu, options, resp);
  let step = steps.next();
  while (!step.done) step = steps.next(transmit(...step.value));
  return step.value;
}

/** One APDU and its continuations over any reader. */
async function exchangeAsync(reader: Reader, apdu: Uint8Array, options: TransmitOptions): Promise<Exchanged> {
  const resp = await reader.transmit(apdu, options);
  const sw = statusWord(resp);
  if (!continues(sw)) return { data: responseData(resp), sw };
  const steps = continuation(apdu, options, resp);
  let step = steps.next();
  while (!step.done) step = steps.next(await reader.transmit(...step.value));
  return step.value;
}

/**
 * One APDU with the T=0 continuations applied.
 * @returns the full response data and the final status word.
 * @throws CardRemovedError / ReaderError from the reader.
 */
export function exchange(reader: Reader, apdu: Uint8Array, options: TransmitOptions = {}): Promise<Exchanged> {
  try {
    const sync = reader.transmitSync;
    if (sync === undefined) return exchangeAsync(reader, apdu, options);
    return Promise.resolve(exchangeSync(sync, apdu, options));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The command's result for a final status word: parsed data, or the typed error thrown. */
function interpret<T>(cmd: CardCommand<T>, { data, sw }: Exchanged): T {
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

/**
 * Sends a command and interprets its status word.
 * @returns the parsed response data.
 * @throws the table's CardCommandError subclass for a listed status word; WrongLengthError for
 *   6700 / 6Cxx when unlisted; UnexpectedStatusError for any other; MalformedResponseError when
 *   a 9000 response does not parse; CardRemovedError / ReaderError from the reader.
 */
export function runCommand<T>(reader: Reader, cmd: CardCommand<T>): Promise<T> {
  // Throws become rejections, as in an async function.
  try {
    const options: TransmitOptions = { label: cmd.label ?? cmd.name, sensitive: cmd.sensitive };
    const sync = reader.transmitSync;
    if (sync === undefined) return exchangeAsync(reader, cmd.apdu, options).then((r) => interpret(cmd, r));
    // An in-process reader answers at once: the whole command — send, continue, interpret —
    // runs here and the caller awaits one settled promise. The async path awaited the reader,
    // which awaited its transport: two async frames, their promises and more microtask turns
    // per APDU: ×1.25 on a gate exit tap's median (same run).
    return Promise.resolve(interpret(cmd, exchangeSync(sync, cmd.apdu, options)));
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * runCommand of the command `build` returns; a throw while building it (a bad argument) becomes
 * the promise's rejection, as in an async function. The hot command functions use this instead
 * of an async wrapper around runCommand: one async frame and its promise less per APDU
 * (≈ 0.1 µs each measured; ×1.2 on a gate exit tap's median with the other hot commands, same
 * run).
 */
export function runBuiltCommand<T>(reader: Reader, build: () => CardCommand<T>): Promise<T> {
  let cmd: CardCommand<T>;
  try {
    cmd = build();
  } catch (e) {
    return Promise.reject(e);
  }
  return runCommand(reader, cmd);
}

/** Checks a response's length exactly. @throws RangeError naming the command's field. */
export function expectLength(what: string, data: Uint8Array, len: number): Uint8Array {
  if (data.length !== len) throw new RangeError(`${what}: expected ${len} bytes of response data, got ${data.length}`);
  return data;
}
