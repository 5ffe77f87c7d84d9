/**
 * Typed errors of card commands (STYLE.md "Errors", kind 3; Keyple's per-command status-word
 * tables). Every command function declares which status words it expects and maps each to one
 * of these classes; a status word it does not list becomes {@link UnexpectedStatusError}. Each
 * error carries the status word (`.sw`) and the command's name (`.command`).
 *
 * Status words follow DOMAIN.md §3 and ISO/IEC 7816-4 §5.6 (engine/apdu/sw.ts holds the card's
 * side of the same table).
 */
import { swHex, swInfo } from '../../engine/index.js';

/** A card answered a command with a status word other than success. */
export class CardCommandError extends Error {
  override name = 'CardCommandError';
  /** The status word, e.g. 0x9302. */
  readonly sw: number;
  /** The command's name, e.g. 'DEBIT FOR CAPP PURCHASE'. */
  readonly command: string;
  constructor(command: string, sw: number, detail?: string) {
    super(`${command}: ${swHex(sw)} ${swInfo(sw).name}${detail ? ` (${detail})` : ''}`);
    this.sw = sw;
    this.command = command;
  }
}

/** 9302: MAC1 / MAC2 did not verify. */
export class MacInvalidError extends CardCommandError {
  override name = 'MacInvalidError';
}
/** 9401: the purse balance (plus overdraft) does not cover the amount [U]. */
export class InsufficientBalanceError extends CardCommandError {
  override name = 'InsufficientBalanceError';
}
/** 9403: key index not present, or (GET TRANSACTION PROVE) no such last transaction [U]/[P]. */
export class KeyOrRecordNotFoundError extends CardCommandError {
  override name = 'KeyOrRecordNotFoundError';
}
/** 9303: the purse application is permanently locked. */
export class ApplicationLockedError extends CardCommandError {
  override name = 'ApplicationLockedError';
}
/** 6985: conditions of use not satisfied (e.g. 8054 without 8050, a load beyond the maximum). */
export class ConditionsNotSatisfiedError extends CardCommandError {
  override name = 'ConditionsNotSatisfiedError';
}
/** 6982: security status not satisfied. */
export class SecurityStatusError extends CardCommandError {
  override name = 'SecurityStatusError';
}
/** 6A81: application blocked (blacklisted) — DOMAIN.md §3. */
export class ApplicationBlockedError extends CardCommandError {
  override name = 'ApplicationBlockedError';
}
/** 6A82: file or application not found. */
export class FileNotFoundError extends CardCommandError {
  override name = 'FileNotFoundError';
}
/** 6A83: record not found. */
export class RecordNotFoundError extends CardCommandError {
  override name = 'RecordNotFoundError';
}
/** 6700, 6Cxx: wrong length. */
export class WrongLengthError extends CardCommandError {
  override name = 'WrongLengthError';
}
/** 6A80, 6A86, 6B00: the command's data or parameters were refused. */
export class WrongParametersError extends CardCommandError {
  override name = 'WrongParametersError';
}
/** 6D00, 6E00: the card does not know the command (wrong application selected?). */
export class CommandNotSupportedError extends CardCommandError {
  override name = 'CommandNotSupportedError';
}
/** Any status word the command's table does not list (6F00 included). */
export class UnexpectedStatusError extends CardCommandError {
  override name = 'UnexpectedStatusError';
}
/** The card answered 9000 with data that does not parse as the command's response. */
export class MalformedResponseError extends CardCommandError {
  override name = 'MalformedResponseError';
}

/** A concrete CardCommandError class. */
export type CardCommandErrorClass = new (command: string, sw: number, detail?: string) => CardCommandError;
