/**
 * Purse queries (DOMAIN.md §3): GET BALANCE `80 5C 00 02 04` and GET TRANSACTION PROVE
 * `80 5A 00 <type> 02 <counter 2>` → TAC 4 ‖ MAC2 4 of the card's last transaction [P].
 */
import { SW } from '../../engine/index.js';
import { aint, concatBytes } from '../../crypto/utils.js';
import { expectLength, runCommand, swTable } from '../reader/card-command.js';
import {
  ApplicationLockedError,
  CommandNotSupportedError,
  ConditionsNotSatisfiedError,
  KeyOrRecordNotFoundError,
  WrongParametersError,
} from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { beBytes, beUint } from './bytes.js';

const GET_BALANCE_ERRORS = swTable(
  [SW.INCORRECT_P1P2, WrongParametersError],
  [SW.APPLICATION_LOCKED, ApplicationLockedError],
  [SW.INS_NOT_SUPPORTED, CommandNotSupportedError], // transit application not selected
);

/**
 * GET BALANCE of the EP.
 * @returns the balance in fen.
 * @throws WrongParametersError, ApplicationLockedError, CommandNotSupportedError (application
 *   not selected); MalformedResponseError; CardRemovedError / ReaderError.
 */
export async function getBalance(reader: Reader): Promise<number> {
  return runCommand(reader, {
    name: 'GET BALANCE',
    apdu: Uint8Array.of(0x80, 0x5c, 0x00, 0x02, 0x04),
    errors: GET_BALANCE_ERRORS,
    parse: (d) => beUint(expectLength('GET BALANCE', d, 4), 0, 4),
  });
}

export interface TransactionProof {
  tac: Uint8Array;
  mac2: Uint8Array;
}

const GET_PROVE_ERRORS = swTable(
  [SW.KEY_NOT_FOUND, KeyOrRecordNotFoundError], // not the card's last transaction [P]
  [SW.CONDITIONS_NOT_SATISFIED, ConditionsNotSatisfiedError],
  [SW.INCORRECT_P1P2, WrongParametersError],
  [SW.INS_NOT_SUPPORTED, CommandNotSupportedError],
);

/**
 * GET TRANSACTION PROVE: the TAC and MAC2 of the transaction of `type` that used `counter`,
 * if it is the card's last one [P].
 * @throws KeyOrRecordNotFoundError (9403) when it is not; as {@link getBalance}.
 */
export async function getTransactionProve(reader: Reader, q: { type: number; counter: number }): Promise<TransactionProof> {
  const type = aint('type', q.type, 0, 0xff);
  return runCommand(reader, {
    name: 'GET TRANSACTION PROVE',
    apdu: concatBytes(Uint8Array.of(0x80, 0x5a, 0x00, type, 0x02), beBytes('counter', q.counter, 2)),
    errors: GET_PROVE_ERRORS,
    parse: (d) => {
      expectLength('GET TRANSACTION PROVE', d, 8);
      return { tac: d.slice(0, 4), mac2: d.slice(4, 8) };
    },
  });
}
