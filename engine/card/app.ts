/**
 * What an application on the card implements (the jCardSim / vicc shape: the OS routes SELECT by
 * AID and gives every command to the selected application first; the application answers or
 * returns NOT_HANDLED so that the OS applies the ISO 7816-4 inter-industry command).
 */
import type { CommandApdu } from '../apdu/command.js';
import type { Clock, Rng } from './env.js';
import type { CellStore, DfNode, FileSystem } from './fs.js';

/** Returned by an application for commands the OS should handle (ISO 7816-4 basics). */
export const NOT_HANDLED: unique symbol = Symbol('NOT_HANDLED');

/** Response data with a warning status word other than 9000 (e.g. 6282 with the data read). */
export interface DataWithSw {
  data: Uint8Array;
  sw: number;
}

export type HandlerResult = Uint8Array | DataWithSw | undefined | typeof NOT_HANDLED;

/** Volatile security state of the card session (reset at power-on). */
export interface SecurityState {
  /** DF paths whose PIN was verified in this session. */
  readonly pinVerified: Set<string>;
  /** The last GET CHALLENGE value, consumed by the next authentication. */
  challenge: Uint8Array | undefined;
}

export interface AppContext {
  /** The transaction of the current APDU: every read and write of NVM goes through it. */
  readonly tx: CellStore;
  readonly df: DfNode;
  readonly fs: FileSystem;
  readonly rng: Rng;
  readonly clock: Clock;
  readonly security: SecurityState;
  /**
   * Memoises `make(bytes)` for bytes read from NVM (see Nvm.derived): how an app keeps an
   * expanded key schedule next to its key cell. Absent in contexts not built by the card
   * runtime; then `make` runs every time.
   */
  readonly derive?: <T>(bytes: Uint8Array, make: (bytes: Uint8Array) => T) => T;
}

export interface AppHandler {
  /** SELECT response data (FCI) for this application. */
  select(ctx: AppContext): Uint8Array;
  /**
   * Handles a command while selected; throws SwError for card outcomes. `cmd.data` is the
   * card's own copy of the command data (never the caller's buffer): the app may keep it.
   */
  process(cmd: CommandApdu, ctx: AppContext): HandlerResult;
  /** Drops all volatile state (power off, deselection). */
  reset(): void;
  /**
   * Called after a command that did not reach the application while it was selected (SELECT,
   * a malformed APDU, a class error), GET RESPONSE excepted: PBOC sessions end there.
   */
  interrupt?(): void;
}

/** Builds the handler of an application DF; the card keeps one per DF per power cycle. */
export type AppFactory = (df: DfNode) => AppHandler;

/** Application handlers by the `app` name of a DF spec. */
export type AppRegistry = ReadonlyMap<string, AppFactory>;

/** Cell name of an application's blocked flag (blacklisted: SELECT answers 6A81). */
export function blockedKey(df: DfNode): string {
  return df.blockedCell;
}

/** Cell name of a key held by an application (never output). */
export function keyCell(df: DfNode, usage: string, index: number): string {
  return `k:${df.path}:${usage}:${index.toString(16).padStart(2, '0')}`;
}
