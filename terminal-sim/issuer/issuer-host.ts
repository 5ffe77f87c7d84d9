/**
 * The issuer's host: holds the load and TAC master keys (the demo issuer's by default —
 * DOMAIN.md §3, test only), authorises loads and verifies TACs.
 *
 * Load (PBOC e-purse, DOMAIN.md §3): the card's INITIALIZE FOR LOAD answer carries MAC1 over
 * balance ‖ amount ‖ type ‖ terminal id under the load session key (K_load diversified by the app
 * serial, session input random ‖ online counter ‖ 80 00). The host recomputes it — proving the
 * card genuine and the balance as the card states it — and returns MAC2 over amount ‖ type ‖
 * terminal id ‖ date ‖ time, which CREDIT FOR LOAD checks. After the credit, the card's TAC is
 * verified with {@link IssuerHost.verifyTac} (the same check clearing runs).
 *
 * Hosts are asynchronous (`LoadHost`) so that a remote host (HTTP) drops in behind the top-up
 * terminal unchanged. Keys never leave this object.
 */
import { purseCrypto } from '../../engine/index.js';
import type { IssuerKeys } from '../../engine/index.js';
import { abytes, aint, equalBytes, hexToBytes, wipe } from '../../crypto/utils.js';
import type { JournalRecord } from '../clearing/journal.js';
import { expectedTac } from './tac.js';

export interface LoadAuthorizationRequest {
  /** EF 0015 app serial, 20 digits. */
  appSerial: string;
  keyIndex: number;
  /** From INITIALIZE FOR LOAD. */
  keyVersion: number;
  algId: number;
  balanceFen: number;
  onlineCounter: number;
  random: Uint8Array;
  mac1: Uint8Array;
  amountFen: number;
  /** 6 bytes. */
  terminalId: Uint8Array;
  /** 4 bytes BCD, the date CREDIT FOR LOAD will carry. */
  date: Uint8Array;
  /** 3 bytes BCD. */
  time: Uint8Array;
}

export type LoadAuthorization =
  | { approved: true; mac2: Uint8Array }
  | { approved: false; reason: 'mac1-invalid' | 'unknown-key'; detail: string };

/** What a top-up terminal needs from a host. */
export interface LoadHost {
  /** @throws TypeError / RangeError for a malformed request. */
  authorizeLoad(req: LoadAuthorizationRequest): Promise<LoadAuthorization>;
  /** True when the record's TAC is the card's. */
  verifyTac(record: JournalRecord): boolean | Promise<boolean>;
}

export class IssuerHost implements LoadHost {
  private readonly keys: IssuerKeys;

  /** @param keys issuer master keys; default the demo keys (test only). */
  constructor(keys: IssuerKeys = purseCrypto.DEMO_ISSUER_KEYS) {
    this.keys = {
      purchase: abytes('keys.purchase', keys.purchase, 16).slice(),
      load: abytes('keys.load', keys.load, 16).slice(),
      tac: abytes('keys.tac', keys.tac, 16).slice(),
      keyIndex: aint('keys.keyIndex', keys.keyIndex, 0, 0xff),
      keyVersion: aint('keys.keyVersion', keys.keyVersion, 0, 0xff),
    };
  }

  /**
   * Checks the card's load MAC1 and computes MAC2.
   * @returns `{ approved: true, mac2 }`, or a refusal for an unknown key or a bad MAC1.
   * @throws TypeError / RangeError naming a malformed field.
   */
  async authorizeLoad(req: LoadAuthorizationRequest): Promise<LoadAuthorization> {
    if (typeof req?.appSerial !== 'string' || !/^[0-9a-f]{20}$/i.test(req.appSerial)) throw new RangeError(`"appSerial" expected 20 hex digits, got ${JSON.stringify(req?.appSerial)}`);
    abytes('mac1', req.mac1, 4);
    if (req.keyIndex !== this.keys.keyIndex || req.keyVersion !== this.keys.keyVersion) {
      return { approved: false, reason: 'unknown-key', detail: `no load key index ${req.keyIndex} version ${req.keyVersion}` };
    }
    let alg: purseCrypto.PurseAlg;
    try {
      alg = purseCrypto.algFromId(req.algId);
    } catch (e) {
      return { approved: false, reason: 'unknown-key', detail: (e as Error).message };
    }
    const cardLoadKey = purseCrypto.diversifyKey(alg, this.keys.load, hexToBytes(req.appSerial.toLowerCase(), 'appSerial'));
    try {
      const session = { random: req.random, onlineCounter: req.onlineCounter };
      const type = purseCrypto.TX_TYPE.EP_LOAD;
      const mac1 = purseCrypto.computeLoadMac1(alg, cardLoadKey, session, { balanceFen: req.balanceFen, amountFen: req.amountFen, type, terminalId: req.terminalId });
      if (!equalBytes(mac1, req.mac1)) return { approved: false, reason: 'mac1-invalid', detail: 'load MAC1 does not verify' };
      const mac2 = purseCrypto.computeLoadMac2(alg, cardLoadKey, session, { amountFen: req.amountFen, type, terminalId: req.terminalId, date: req.date, time: req.time });
      return { approved: true, mac2 };
    } finally {
      wipe(cardLoadKey);
    }
  }

  /**
   * Recomputes the record's TAC with the TAC master key.
   * @returns true when it matches; false for a mismatch or a malformed record.
   */
  verifyTac(record: JournalRecord): boolean {
    try {
      const tac = hexToBytes(String(record.tac).toLowerCase(), 'record.tac');
      return tac.length === 4 && equalBytes(expectedTac(record, this.keys.tac), tac);
    } catch {
      return false;
    }
  }
}
