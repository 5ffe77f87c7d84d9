/**
 * The card side of the PSAM (a purchase secure access module: a card of its own on the engine
 * runtime, DOMAIN.md §3 "PSAM"):
 *
 *   INIT SAM FOR PURCHASE `80 70 00 00 24` random 4 ‖ card offline counter 2 ‖ amount 4 ‖ type 1 ‖
 *     date-time 7 ‖ key version 1 ‖ alg id 1 ‖ app serial 8 ‖ issuer id 4 ‖ FFFFFFFF
 *     → terminal seq 4 ‖ MAC1 4
 *   CREDIT SAM FOR PURCHASE `80 72 00 00 04` MAC2 → 9000, or 9302 when MAC2 does not verify
 *
 * The PSAM diversifies the purchase master key of (key version, alg id) — as the card's 8050
 * response names them — with the app serial (the last 8 bytes of the card's 10-byte serial),
 * derives the purchase session key, returns MAC1 and keeps the session key (volatile) to check
 * MAC2. The terminal sequence number is read, handed out and incremented in the APDU's
 * transaction, so it persists atomically with the MAC1 that used it.
 *
 * ssc3 profile [P]: the issuer id field (the first 4 bytes of EF 0015's issuer id) is carried
 * for two-level diversification but not used: this profile diversifies once (DOMAIN.md §3);
 * the trailing 4 bytes must be FFFFFFFF (6A80 otherwise); a missing key answers 9403 like the
 * purse; 8072 without a preceding 8070 (or after any other command) answers 6985. The PSAM never
 * outputs a key: no command reads the key cells.
 */
import { purseCrypto, SW, SwError } from '../../engine/index.js';
import type { CommandApdu } from '../../engine/index.js';
import { NOT_HANDLED } from '../../engine/card/app.js';
import type { AppContext, AppFactory, AppHandler, AppRegistry, HandlerResult } from '../../engine/card/app.js';
import type { DfNode } from '../../engine/card/fs.js';
import { binaryKey } from '../../engine/card/fs.js';
import { concatBytes, equalBytes, wipe } from '../../crypto/utils.js';
import { canonicalAlgId, PSAM_APP_NAME, psamCells } from './layout.js';

const INS = { INIT_SAM_FOR_PURCHASE: 0x70, CREDIT_SAM_FOR_PURCHASE: 0x72 } as const;
const INIT_DATA_LEN = 0x24;

interface PsamSession {
  alg: purseCrypto.PurseAlg;
  sessionKey: Uint8Array;
  amountFen: number;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}

export class PsamApp implements AppHandler {
  private session: PsamSession | undefined;
  // Cell names built once per DF rather than on every INIT SAM FOR PURCHASE (see EfNode's).
  private readonly seqCell: string;
  private readonly keyCells = new Map<number, string>();
  constructor(private readonly df: DfNode) {
    this.seqCell = psamCells.terminalSeq(df);
  }

  private keyCell(keyVersion: number, algId: number): string {
    const id = (keyVersion << 8) | canonicalAlgId(algId);
    let cell = this.keyCells.get(id);
    if (cell === undefined) this.keyCells.set(id, (cell = psamCells.purchaseKey(this.df, keyVersion, algId)));
    return cell;
  }

  reset(): void {
    this.endSession();
  }

  select(): Uint8Array {
    this.endSession();
    const aid = this.df.aid!;
    return concatBytes(Uint8Array.of(0x6f, aid.length + 2, 0x84, aid.length), aid);
  }

  process(cmd: CommandApdu, ctx: AppContext): HandlerResult {
    const session = this.session;
    if (!(cmd.cla === 0x80 && cmd.ins === INS.CREDIT_SAM_FOR_PURCHASE)) this.endSession();
    if (cmd.cla !== 0x80) return NOT_HANDLED;
    switch (cmd.ins) {
      case INS.INIT_SAM_FOR_PURCHASE:
        return this.initForPurchase(cmd, ctx);
      case INS.CREDIT_SAM_FOR_PURCHASE:
        return this.creditForPurchase(cmd, session);
      default:
        return NOT_HANDLED;
    }
  }

  private endSession(): void {
    if (this.session) wipe(this.session.sessionKey);
    this.session = undefined;
  }

  private initForPurchase(cmd: CommandApdu, ctx: AppContext): Uint8Array {
    if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new SwError(SW.INCORRECT_P1P2, 'INIT SAM FOR PURCHASE needs P1 = P2 = 00');
    const d = cmd.data;
    if (d.length !== INIT_DATA_LEN) throw new SwError(SW.WRONG_LENGTH, `INIT SAM FOR PURCHASE takes ${INIT_DATA_LEN} bytes`);
    // Small copies rather than views: the command data is a short array on V8's heap, and the
    // first view into it moves it off the heap (≈ 0.5 µs measured against ≈ 0.06 µs a copy).
    const random = d.slice(0, 4);
    const counter = d.slice(4, 6);
    const amountFen = u32(d, 6);
    const type = d[10];
    const date = d.slice(11, 15);
    const time = d.slice(15, 18);
    const keyVersion = d[18];
    const algId = d[19];
    const appSerial = d.slice(20, 28);
    // d[28..32): issuer id, not used by the one-level diversification of this profile [P].
    if (u32(d, 32) !== 0xffffffff) throw new SwError(SW.WRONG_DATA, 'the last 4 bytes must be FFFFFFFF');
    if (type !== purseCrypto.TX_TYPE.EP_PURCHASE && type !== purseCrypto.TX_TYPE.CAPP_PURCHASE) throw new SwError(SW.WRONG_DATA, `transaction type ${type.toString(16)} is not a purchase`);
    let alg: purseCrypto.PurseAlg;
    try {
      purseCrypto.parseBcdDate(date);
      purseCrypto.parseBcdTime(time);
      alg = purseCrypto.algFromId(algId);
    } catch (e) {
      throw new SwError(SW.WRONG_DATA, (e as Error).message);
    }
    const master = ctx.tx.get(this.keyCell(keyVersion, algId));
    if (!master) throw new SwError(SW.KEY_NOT_FOUND, `no purchase key version ${keyVersion} for alg ${algId}`);
    const seqCell = this.seqCell;
    const seqBytes = ctx.tx.get(seqCell) ?? Uint8Array.of(0, 0, 0, 1);
    const seq = u32(seqBytes, 0);
    if (seq === 0xffffffff) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, 'terminal sequence number exhausted');
    const next = Uint8Array.of((seq + 1) >>> 24, ((seq + 1) >>> 16) & 0xff, ((seq + 1) >>> 8) & 0xff, (seq + 1) & 0xff);
    if (ctx.tx.adopt) ctx.tx.adopt(seqCell, next);
    else ctx.tx.set(seqCell, next);
    // The master key's schedule is expanded once and kept inside the PSAM, next to the key
    // cell (ctx.derive), instead of on every INIT SAM FOR PURCHASE (≈ 0.7 µs a 3DES tap).
    const masterKey = master.length === purseCrypto.CARD_KEY_LEN && ctx.derive ? ctx.derive(master, PREPARE_MASTER[alg]) : master;
    const cardKey = purseCrypto.diversifyKey(alg, masterKey, appSerial);
    const sessionKey = purseCrypto.purchaseSessionKey(alg, cardKey, random, counter, seqBytes);
    wipe(cardKey);
    const terminalId = readTerminalId(ctx);
    const mac1 = purseCrypto.purseMac(alg, sessionKey, purseCrypto.purchaseMac1Input({ amountFen, type, terminalId, date, time }));
    this.session = { alg, sessionKey, amountFen };
    return concatBytes(seqBytes, mac1);
  }

  private creditForPurchase(cmd: CommandApdu, s: PsamSession | undefined): undefined {
    this.session = undefined;
    if (!s) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, 'CREDIT SAM FOR PURCHASE without INIT SAM FOR PURCHASE');
    try {
      if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new SwError(SW.INCORRECT_P1P2, 'CREDIT SAM FOR PURCHASE needs P1 = P2 = 00');
      if (cmd.data.length !== 4) throw new SwError(SW.WRONG_LENGTH, 'CREDIT SAM FOR PURCHASE takes MAC2 4');
      const want = purseCrypto.purseMac(s.alg, s.sessionKey, purseCrypto.purchaseMac2Input({ amountFen: s.amountFen }));
      if (!equalBytes(want, cmd.data)) throw new SwError(SW.MAC_INVALID, 'MAC2 does not verify');
      return undefined;
    } finally {
      wipe(s.sessionKey);
    }
  }
}

/** Master key cell → prepared key, one maker per algorithm (ctx.derive memoises per maker). */
const PREPARE_MASTER: Readonly<Record<purseCrypto.PurseAlg, (key: Uint8Array) => purseCrypto.PreparedPurseKey>> = {
  '3des': (key) => purseCrypto.prepareCardKey('3des', key),
  sm4: (key) => purseCrypto.prepareCardKey('sm4', key),
};

/** The terminal id from the PSAM's EF 0016 (the MF's, whatever DF is selected). */
function readTerminalId(ctx: AppContext): Uint8Array {
  const ef = ctx.fs.mf.efs.get(0x0016);
  const id = ef ? ctx.tx.get(binaryKey(ef)) : undefined;
  if (!id) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, 'PSAM not personalised: no terminal id');
  return id;
}

export const psamApp: AppFactory = (df) => new PsamApp(df);

/** The application registry of a PSAM card. */
export const PSAM_APPS: AppRegistry = new Map<string, AppFactory>([[PSAM_APP_NAME, psamApp]]);
