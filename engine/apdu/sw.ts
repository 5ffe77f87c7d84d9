/**
 * The one status-word table of the card (ISO/IEC 7816-4:2020 §5.6, plus the PBOC / JT/T 978
 * purse codes 93xx / 94xx). Each entry says whether the card's non-volatile memory may have
 * changed when it is returned (ISO 7816-4 Table 6: "warning/execution error, NVM unchanged" vs
 * "NVM changed"), which the terminals use to decide whether a retry is safe.
 */

export interface SwInfo {
  readonly sw: number;
  readonly name: string;
  readonly meaning: string;
  /** True when NVM may have changed although the command did not fully succeed. */
  readonly nvmMayChange: boolean;
}

function entry(sw: number, name: string, meaning: string, nvmMayChange = false): SwInfo {
  return Object.freeze({ sw, name, meaning, nvmMayChange });
}

/** Status words by name, lower-case hex as STYLE.md asks. */
export const SW = {
  OK: 0x9000,
  /** 61xx: xx more bytes available with GET RESPONSE (T=0). */
  BYTES_REMAINING: 0x6100,
  WARNING_NVM_UNCHANGED: 0x6200,
  END_OF_FILE: 0x6282,
  SELECTED_FILE_INVALIDATED: 0x6283,
  /** 63Cx: verification failed, x tries left. */
  VERIFY_FAILED: 0x63c0,
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  LOGICAL_CHANNEL_NOT_SUPPORTED: 0x6881,
  SECURE_MESSAGING_NOT_SUPPORTED: 0x6882,
  COMMAND_INCOMPATIBLE_WITH_FILE: 0x6981,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED_NO_EF: 0x6986,
  SM_DATA_MISSING: 0x6987,
  SM_DATA_INCORRECT: 0x6988,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  REFERENCED_DATA_NOT_FOUND: 0x6a88,
  WRONG_P1P2: 0x6b00,
  /** 6Cxx: wrong Le, xx is the exact length (T=0). */
  WRONG_LE: 0x6c00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
  /** JT/T 978 / PBOC e-purse: MAC invalid. */
  MAC_INVALID: 0x9302,
  /** PBOC e-purse: application permanently locked. */
  APPLICATION_LOCKED: 0x9303,
  /** PBOC e-purse: insufficient balance [U: DOMAIN.md §3]. */
  INSUFFICIENT_BALANCE: 0x9401,
  /** PBOC e-purse: key index / transaction record not found [U: DOMAIN.md §3]. */
  KEY_NOT_FOUND: 0x9403,
  /** Application blocked (blacklist), as SELECT answers (DOMAIN.md §3: 6A81). */
  APPLICATION_BLOCKED: 0x6a81,
} as const;

const TABLE = new Map<number, SwInfo>(
  [
    entry(0x9000, 'OK', 'normal processing', true),
    entry(0x6282, 'END_OF_FILE', 'end of file or record reached before reading Ne bytes'),
    entry(0x6283, 'SELECTED_FILE_INVALIDATED', 'selected file deactivated'),
    entry(0x6581, 'MEMORY_FAILURE', 'memory failure', true),
    entry(0x6700, 'WRONG_LENGTH', 'wrong length: Lc or Le not as the command requires'),
    entry(0x6881, 'LOGICAL_CHANNEL_NOT_SUPPORTED', 'logical channel not supported'),
    entry(0x6882, 'SECURE_MESSAGING_NOT_SUPPORTED', 'secure messaging not supported'),
    entry(0x6981, 'COMMAND_INCOMPATIBLE_WITH_FILE', 'command incompatible with file structure'),
    entry(0x6982, 'SECURITY_STATUS_NOT_SATISFIED', 'security status not satisfied'),
    entry(0x6983, 'AUTH_METHOD_BLOCKED', 'authentication method blocked'),
    entry(0x6984, 'REFERENCE_DATA_NOT_USABLE', 'reference data not usable'),
    entry(0x6985, 'CONDITIONS_NOT_SATISFIED', 'conditions of use not satisfied'),
    entry(0x6986, 'COMMAND_NOT_ALLOWED_NO_EF', 'command not allowed (no current EF)'),
    entry(0x6987, 'SM_DATA_MISSING', 'expected secure messaging data objects missing'),
    entry(0x6988, 'SM_DATA_INCORRECT', 'incorrect secure messaging data objects'),
    entry(0x6a80, 'WRONG_DATA', 'incorrect parameters in the command data field'),
    entry(0x6a81, 'FUNCTION_NOT_SUPPORTED', 'function not supported / application blocked'),
    entry(0x6a82, 'FILE_NOT_FOUND', 'file or application not found'),
    entry(0x6a83, 'RECORD_NOT_FOUND', 'record not found'),
    entry(0x6a84, 'NOT_ENOUGH_MEMORY', 'not enough memory space in the file'),
    entry(0x6a86, 'INCORRECT_P1P2', 'incorrect parameters P1-P2'),
    entry(0x6a88, 'REFERENCED_DATA_NOT_FOUND', 'referenced data or reference data not found'),
    entry(0x6b00, 'WRONG_P1P2', 'wrong parameters P1-P2 (offset outside the EF)'),
    entry(0x6d00, 'INS_NOT_SUPPORTED', 'instruction code not supported or invalid'),
    entry(0x6e00, 'CLA_NOT_SUPPORTED', 'class not supported'),
    entry(0x6f00, 'NO_PRECISE_DIAGNOSIS', 'no precise diagnosis (internal error)'),
    entry(0x9302, 'MAC_INVALID', 'MAC invalid'),
    entry(0x9303, 'APPLICATION_LOCKED', 'application permanently locked'),
    entry(0x9401, 'INSUFFICIENT_BALANCE', 'insufficient balance'),
    entry(0x9403, 'KEY_NOT_FOUND', 'key index or transaction record not found'),
  ].map((e) => [e.sw, e]),
);

/** Describes any status word, including the parameterised 61xx, 63Cx and 6Cxx families. */
export function swInfo(sw: number): SwInfo {
  const known = TABLE.get(sw);
  if (known) return known;
  const hi = sw & 0xff00;
  if (hi === 0x6100) return entry(sw, 'BYTES_REMAINING', `${sw & 0xff || 256} response bytes available (GET RESPONSE)`);
  if (hi === 0x6c00) return entry(sw, 'WRONG_LE', `wrong Le; exact length is ${sw & 0xff || 256}`);
  if ((sw & 0xfff0) === 0x63c0) return entry(sw, 'VERIFY_FAILED', `verification failed, ${sw & 0x0f} tries left`, true);
  return entry(sw, 'UNKNOWN', `status word ${swHex(sw)}`);
}

/** Four lower-case hex digits. */
export function swHex(sw: number): string {
  return sw.toString(16).padStart(4, '0');
}

/** True for 9000 and the 61xx family (success with more data). */
export function isSuccess(sw: number): boolean {
  return sw === SW.OK || (sw & 0xff00) === 0x6100;
}

/**
 * A card outcome: thrown only on the card side; the dispatcher turns it into the status word
 * (STYLE.md "Errors": kind 2). Error status words carry no data.
 */
export class SwError extends Error {
  declare readonly sw: number;
  constructor(sw: number, detail?: string) {
    // A card outcome is control flow the dispatcher always catches: capturing a stack trace for
    // it was ~9 % of the fuzzer's CPU profile, and nobody ever reads it.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${swHex(sw)} ${swInfo(sw).name}${detail ? `: ${detail}` : ''}`);
    Error.stackTraceLimit = limit;
    this.sw = sw;
  }
}
SwError.prototype.name = 'SwError';
