/**
 * The load (credit) commands of the EP (DOMAIN.md §3, PBOC e-purse):
 * INITIALIZE FOR LOAD `80 50 00 02 0B` keyIdx 1 · amount 4 · terminal id 6 → balance 4 · online
 * counter 2 · key version 1 · alg id 1 · random 4 · MAC1 4; CREDIT FOR LOAD `80 52 00 00 0B`
 * date 4 · time 3 · MAC2 4 → TAC 4.
 */
import { purseCrypto, SW } from '../../engine/index.js';
import { abytes, aint, concatBytes } from '../../crypto/utils.js';
import { expectLength, runCommand, swTable } from '../reader/card-command.js';
import {
  ApplicationLockedError,
  CommandNotSupportedError,
  ConditionsNotSatisfiedError,
  KeyOrRecordNotFoundError,
  MacInvalidError,
  WrongParametersError,
} from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { beUint, putBe } from './bytes.js';

export interface InitializeRequest {
  /** Key index (DEMO: 01). */
  keyIndex: number;
  amountFen: number;
  /** 6 bytes. */
  terminalId: Uint8Array;
}

export interface InitializeForLoadResponse {
  balanceFen: number;
  onlineCounter: number;
  keyVersion: number;
  algId: number;
  alg: purseCrypto.PurseAlg;
  random: Uint8Array;
  mac1: Uint8Array;
}

/** The 11-byte data field of every INITIALIZE. @throws TypeError / RangeError naming the field. */
export function initializeData(req: InitializeRequest): Uint8Array {
  return initializeApdu(-1, req);
}

/**
 * INITIALIZE `80 50 <p1> 02 0B` with its data, built in one array (a gate sends one per tap).
 * With `p1` = -1, the 11-byte data field alone.
 * @throws TypeError / RangeError naming the field.
 */
export function initializeApdu(p1: number, req: InitializeRequest): Uint8Array {
  aint('keyIndex', req.keyIndex, 0, 0xff);
  const h = p1 < 0 ? 0 : 5;
  const out = new Uint8Array(h + 11);
  if (h) {
    out[0] = 0x80;
    out[1] = 0x50;
    out[2] = p1;
    out[3] = 0x02;
    out[4] = 0x0b;
  }
  out[h] = req.keyIndex;
  putBe('amountFen', out, h + 1, req.amountFen, 4);
  out.set(abytes('terminalId', req.terminalId, 6), h + 5);
  return out;
}

const INIT_LOAD_ERRORS = swTable(
  [SW.CONDITIONS_NOT_SATISFIED, ConditionsNotSatisfiedError], // beyond the maximum balance, counter exhausted
  [SW.KEY_NOT_FOUND, KeyOrRecordNotFoundError], // no load key with that index
  [SW.INCORRECT_P1P2, WrongParametersError],
  [SW.APPLICATION_LOCKED, ApplicationLockedError],
  [SW.INS_NOT_SUPPORTED, CommandNotSupportedError],
);

/**
 * INITIALIZE FOR LOAD.
 * @throws ConditionsNotSatisfiedError (6985: the load would pass the maximum balance),
 *   KeyOrRecordNotFoundError (9403), WrongParametersError, ApplicationLockedError;
 *   MalformedResponseError; CardRemovedError / ReaderError. TypeError / RangeError for a bad request.
 */
export async function initializeForLoad(reader: Reader, req: InitializeRequest): Promise<InitializeForLoadResponse> {
  return runCommand(reader, {
    name: 'INITIALIZE FOR LOAD',
    apdu: concatBytes(Uint8Array.of(0x80, 0x50, 0x00, 0x02, 0x0b), initializeData(req)),
    errors: INIT_LOAD_ERRORS,
    parse: (d) => {
      expectLength('INITIALIZE FOR LOAD', d, 16);
      return {
        balanceFen: beUint(d, 0, 4),
        onlineCounter: beUint(d, 4, 2),
        keyVersion: d[6],
        algId: d[7],
        alg: purseCrypto.algFromId(d[7]),
        random: d.slice(8, 12),
        mac1: d.slice(12, 16),
      };
    },
  });
}

const CREDIT_ERRORS = swTable(
  [SW.MAC_INVALID, MacInvalidError], // MAC2 does not verify
  [SW.CONDITIONS_NOT_SATISFIED, ConditionsNotSatisfiedError], // no INITIALIZE FOR LOAD before
  [SW.INCORRECT_P1P2, WrongParametersError],
  [SW.KEY_NOT_FOUND, KeyOrRecordNotFoundError],
);

/**
 * CREDIT FOR LOAD: commits the load (balance, online counter, 0018, proof: atomically).
 * @param date 4 bytes BCD; @param time 3 bytes BCD — the same the host put in MAC2.
 * @returns the card's TAC.
 * @throws MacInvalidError (9302), ConditionsNotSatisfiedError (6985: no session);
 *   MalformedResponseError; CardRemovedError (the load may or may not have happened!).
 */
export async function creditForLoad(reader: Reader, req: { date: Uint8Array; time: Uint8Array; mac2: Uint8Array }): Promise<{ tac: Uint8Array }> {
  const data = concatBytes(abytes('date', req.date, 4), abytes('time', req.time, 3), abytes('mac2', req.mac2, 4));
  return runCommand(reader, {
    name: 'CREDIT FOR LOAD',
    apdu: concatBytes(Uint8Array.of(0x80, 0x52, 0x00, 0x00, 0x0b), data),
    errors: CREDIT_ERRORS,
    parse: (d) => ({ tac: expectLength('CREDIT FOR LOAD', d, 4).slice() }),
  });
}
