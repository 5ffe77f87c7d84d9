/**
 * The card runtime: power, ATR, the APDU dispatcher, SELECT, per-APDU transactions over NVM and
 * tear injection. Nothing escapes `transmit` but response bytes or a CardPowerError: malformed
 * commands and card outcomes become status words (SwError → SW; anything else → 6F00, with the
 * transaction rolled back).
 */
import { encodeResponse, parseCommand } from '../apdu/command.js';
import type { CommandApdu } from '../apdu/command.js';
import { SW, SwError } from '../apdu/sw.js';
import { NOT_HANDLED, blockedKey } from './app.js';
import type { AppContext, AppHandler, AppRegistry, DataWithSw, HandlerResult, SecurityState } from './app.js';
import type { Clock, Rng } from './env.js';
import { EfNode, FileSystem, hex4 } from './fs.js';
import type { DfNode, DfSpec } from './fs.js';
import { INS, appendRecordCmd, getChallengeCmd, readBinaryCmd, readRecordCmd, updateBinaryCmd, updateRecordCmd } from './iso-commands.js';
import type { Selection } from './iso-commands.js';
import { Nvm, Tx } from './nvm.js';
import type { NvmJson, NvmJsonPatch, NvmSnapshot, RecoveryOutcome } from './nvm.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';

export type Protocol = 'T=0' | 'T=1';
export type TearPhase = 'before-commit' | 'during-commit' | 'after-commit';

export interface TearSpec {
  /** Number of APDUs that complete normally first; the next one is torn. */
  afterApdus: number;
  phase: TearPhase;
  /**
   * For 'during-commit': how many commit steps complete before power is lost (1 = journal
   * written but not yet valid → the card recovers to "before"; 2 or more → "after").
   * Default 2. See Nvm.commit.
   */
  step?: number;
}

/** The JSON form of a card: structure, NVM and options. Holds keys: never send it to clients. */
export interface CardImage {
  format: 'ssc3-card/1';
  atr: string;
  protocol: Protocol;
  /** Free-form facts about the card for tools (profile, serial, holder, …): no secrets. */
  info: Record<string, string | number>;
  fs: DfSpec;
  nvm: NvmJson;
  /** Position of a resumable Rng (see Rng.exportState), so a rebuilt card draws fresh randoms. */
  rng?: string;
}

/** The changing parts of a card image at one moment (Card.imageMark). */
export interface CardImageMark {
  readonly nvm: NvmSnapshot;
  readonly rng: string | undefined;
}

/** An RFC 7396 merge patch over a CardImage (Card.imagePatch): what a save of the changes carries. */
export interface CardImagePatch {
  nvm?: NvmJsonPatch;
  rng?: string | null;
}

/** The card is not powered, or lost power (a tear) while processing a command. */
export class CardPowerError extends Error {
  override name = 'CardPowerError';
  /** True when the power loss was an injected tear. */
  readonly torn: boolean;
  constructor(message: string, torn = false) {
    super(message);
    this.torn = torn;
  }
}

export interface CardOptions {
  clock: Clock;
  rng: Rng;
  apps: AppRegistry;
}

export class Card {
  readonly fs: FileSystem;
  readonly atr: Uint8Array;
  readonly protocol: Protocol;
  readonly info: Readonly<Record<string, string | number>>;
  private readonly nvm: Nvm;
  private readonly opts: CardOptions;

  private powered = false;
  private sel!: Selection;
  private security!: SecurityState;
  private readonly handlers = new Map<DfNode, AppHandler>();
  private currentApp: DfNode | undefined;
  /**
   * True while the volatile state is exactly as resetVolatile() left it (no APDU since): a
   * power cycle then has nothing to rebuild. A gate tap cycles power four times (the reader's
   * connect is off-then-on, and the card is powered off at disconnect and at removal).
   */
  private volatileFresh = false;
  /** Whether the selected application's process() ran for the current APDU. */
  private appSawCommand = false;
  /** Whether the current APDU was a GET RESPONSE that reached the T=0 buffer. */
  private servedGetResponse = false;
  /** T=0: response data waiting for GET RESPONSE. */
  private pending: Uint8Array | undefined;
  private tear: TearSpec | undefined;
  private apdusSinceTear = 0;
  /**
   * Bumped whenever the card image may have changed: an NVM commit (even a torn one), a recovery
   * that did something, a random drawn (the Rng position is part of the image). Stores compare it
   * instead of serialising the image after every APDU.
   */
  private gen = 0;
  /** The Rng handed to applications: counts draws into `generation`. */
  private readonly rng: Rng;
  /** What the last power-on recovery did (for tests and tools). */
  lastRecovery: RecoveryOutcome = 'clean';

  constructor(image: CardImage, opts: CardOptions) {
    if (!image || image.format !== 'ssc3-card/1') throw new RangeError('card image: "format" must be "ssc3-card/1"');
    this.fs = new FileSystem(image.fs);
    this.atr = hexToBytes(image.atr, 'atr');
    this.protocol = image.protocol === 'T=0' ? 'T=0' : 'T=1';
    this.info = Object.freeze({ ...image.info });
    this.nvm = Nvm.fromJSON(image.nvm);
    this.opts = opts;
    const base = opts.rng;
    this.rng = {
      bytes: (len: number) => {
        this.gen++;
        return base.bytes(len);
      },
    };
    for (const df of this.fs.applications) {
      if (df.spec.app && !opts.apps.has(df.spec.app)) throw new RangeError(`card image: no handler for application "${df.spec.app}"`);
    }
  }

  /** Powers the card (cold reset): recovers NVM from any torn commit and returns the ATR. */
  powerOn(): Uint8Array {
    this.lastRecovery = this.nvm.recover();
    if (this.lastRecovery !== 'clean') this.gen++;
    this.powered = true;
    if (!this.volatileFresh) this.resetVolatile();
    return this.atr.slice();
  }

  /** Removes power: all volatile state is lost. */
  powerOff(): void {
    this.powered = false;
    if (!this.volatileFresh) this.resetVolatile();
  }

  /** Changes whenever the card image may have changed (see `gen`); compare, do not interpret. */
  get generation(): number {
    return this.gen;
  }

  get isPowered(): boolean {
    return this.powered;
  }

  /**
   * Cuts power at a chosen point of a coming APDU (DEVELOPERS.md: "a card pulled mid-debit").
   * Replaces any earlier injection; counting starts at the next APDU.
   */
  injectTear(spec: TearSpec): void {
    if (!Number.isSafeInteger(spec.afterApdus) || spec.afterApdus < 0) throw new RangeError(`"afterApdus" expected a non-negative integer, got ${spec.afterApdus}`);
    if (!['before-commit', 'during-commit', 'after-commit'].includes(spec.phase)) throw new RangeError(`"phase" expected before-commit, during-commit or after-commit, got ${String(spec.phase)}`);
    if (spec.step !== undefined && (!Number.isSafeInteger(spec.step) || spec.step < 1)) throw new RangeError(`"step" expected a positive integer, got ${spec.step}`);
    this.tear = { ...spec };
    this.apdusSinceTear = 0;
  }

  clearTear(): void {
    this.tear = undefined;
  }

  /** True while an injected tear waits for its APDU. */
  get tearArmed(): boolean {
    return this.tear !== undefined;
  }

  /** Marks an application blocked (blacklist): its SELECT then answers 6A81. */
  setApplicationBlocked(aid: Uint8Array, blocked: boolean): void {
    const df = this.fs.findByAid(aid);
    if (!df || df.aid!.length !== aid.length) throw new RangeError(`no application ${bytesToHex(aid)} on this card`);
    const tx = new Tx(this.nvm);
    if (blocked) tx.set(blockedKey(df), Uint8Array.of(1));
    else tx.delete(blockedKey(df));
    this.nvm.commit(tx.writes);
    this.gen++;
  }

  /**
   * Sends one command APDU; returns response data ‖ SW1 SW2.
   * @throws CardPowerError when the card is not powered or loses power (an injected tear).
   */
  transmit(apdu: Uint8Array): Uint8Array {
    if (!this.powered) throw new CardPowerError('card is not powered');
    if (!(apdu instanceof Uint8Array)) throw new TypeError('"apdu" expected Uint8Array');
    this.volatileFresh = false;
    let tear: TearSpec | undefined;
    if (this.tear) {
      if (this.apdusSinceTear === this.tear.afterApdus) {
        tear = this.tear;
        this.tear = undefined;
      }
      this.apdusSinceTear++;
    }
    const tx = new Tx(this.nvm);
    let data: Uint8Array | undefined;
    let sw: number = SW.OK;
    let commit = true;
    let cmd: CommandApdu | undefined;
    const app = this.currentApp;
    this.appSawCommand = false;
    this.servedGetResponse = false;
    try {
      // The card never aliases the caller's buffer: the command's data is the card's own copy.
      cmd = parseCommand(apdu, COPY_DATA);
      const r = this.dispatch(cmd, tx);
      if (r instanceof Uint8Array) data = r;
      else if (r && r !== NOT_HANDLED) {
        data = (r as DataWithSw).data;
        sw = (r as DataWithSw).sw;
      }
    } catch (e) {
      commit = false;
      if (e instanceof SwError) sw = e.sw;
      else sw = SW.NO_PRECISE_DIAGNOSIS;
      data = undefined;
    }
    if (!this.servedGetResponse) {
      // Any other command ends a pending T=0 response, and one that the selected application
      // did not see (SELECT, malformed APDU, class error) ends its open session.
      this.pending = undefined;
      if (app && !this.appSawCommand) this.handlers.get(app)?.interrupt?.();
    }
    if (tear?.phase === 'before-commit') return this.lose('torn before commit');
    if (commit && tx.hasWrites) {
      const done = this.nvm.commit(tx.writes, tear?.phase === 'during-commit' ? (tear.step ?? 2) : undefined);
      this.gen++;
      if (!done) return this.lose('torn during commit');
    }
    if (tear) return this.lose(`torn ${tear.phase === 'during-commit' ? 'during (no writes)' : 'after'} commit`);
    return this.frame(cmd, data, sw);
  }

  private lose(why: string): never {
    this.powerOff();
    throw new CardPowerError(`card lost power: ${why}`, true);
  }

  /** T=0 framing: data of a case 4 command waits for GET RESPONSE behind 61xx. */
  private frame(cmd: CommandApdu | undefined, data: Uint8Array | undefined, sw: number): Uint8Array {
    if (!data || data.length === 0 || !cmd) return encodeResponse(undefined, sw);
    if (this.protocol === 'T=0' && cmd.ins !== INS.GET_RESPONSE && (cmd.case === 4 || cmd.case === 3) && sw === SW.OK) {
      this.pending = data;
      return encodeResponse(undefined, 0x6100 | (data.length >= 256 ? 0 : data.length));
    }
    if (this.protocol === 'T=0' && cmd.case === 2 && cmd.ne !== data.length && cmd.ne !== 256 && cmd.ins !== INS.GET_RESPONSE) {
      return encodeResponse(undefined, 0x6c00 | (data.length & 0xff));
    }
    if (cmd.ne > 0 && data.length > cmd.ne) data = data.subarray(0, cmd.ne);
    return encodeResponse(data, sw);
  }

  private resetVolatile(): void {
    for (const h of this.handlers.values()) h.reset();
    this.handlers.clear();
    this.sel = { df: this.fs.mf, ef: undefined };
    this.security = { pinVerified: new Set(), challenge: undefined };
    this.currentApp = undefined;
    this.pending = undefined;
    this.volatileFresh = true;
  }

  private readonly derive = <T>(bytes: Uint8Array, make: (bytes: Uint8Array) => T): T => this.nvm.derived(bytes, make);

  private context(tx: Tx, df: DfNode): AppContext {
    return { tx, df, fs: this.fs, rng: this.rng, clock: this.opts.clock, security: this.security, derive: this.derive };
  }

  private handlerOf(df: DfNode): AppHandler | undefined {
    if (!df.spec.app) return undefined;
    let h = this.handlers.get(df);
    if (!h) {
      h = this.opts.apps.get(df.spec.app)!(df);
      this.handlers.set(df, h);
    }
    return h;
  }

  private dispatch(cmd: CommandApdu, tx: Tx): HandlerResult {
    const { cla, ins } = cmd;
    if ((cla & 0x60) !== 0 || (cla & 0x10) !== 0) throw new SwError(SW.CLA_NOT_SUPPORTED, `CLA ${cla.toString(16)} not supported`);
    if ((cla & 0x03) !== 0) throw new SwError(SW.LOGICAL_CHANNEL_NOT_SUPPORTED, 'only the basic logical channel');
    if (ins === INS.GET_RESPONSE && (cla & 0x80) === 0) {
      this.servedGetResponse = true;
      return this.getResponse(cmd);
    }
    this.pending = undefined;
    if (ins === INS.SELECT && (cla & 0x80) === 0) return this.select(cmd, tx);
    const app = this.currentApp;
    if (app) {
      this.appSawCommand = true;
      const r = this.handlerOf(app)!.process(cmd, this.context(tx, app));
      if (r !== NOT_HANDLED) return r;
    }
    if ((cla & 0x80) !== 0) throw new SwError(SW.INS_NOT_SUPPORTED, `proprietary INS ${ins.toString(16)} not supported here`);
    if ((cla & 0x0c) !== 0) throw new SwError(SW.SECURE_MESSAGING_NOT_SUPPORTED, 'secure messaging not supported for this command');
    const ctx = this.context(tx, this.sel.df);
    switch (ins) {
      case INS.READ_BINARY:
        return readBinaryCmd(cmd, this.sel, ctx);
      case INS.UPDATE_BINARY:
        return updateBinaryCmd(cmd, this.sel, ctx);
      case INS.READ_RECORD:
        return readRecordCmd(cmd, this.sel, ctx);
      case INS.UPDATE_RECORD:
        return updateRecordCmd(cmd, this.sel, ctx);
      case INS.APPEND_RECORD:
        return appendRecordCmd(cmd, this.sel, ctx);
      case INS.GET_CHALLENGE:
        return getChallengeCmd(cmd, ctx);
      default:
        throw new SwError(SW.INS_NOT_SUPPORTED, `INS ${ins.toString(16)} not supported`);
    }
  }

  private getResponse(cmd: CommandApdu): HandlerResult {
    const p = this.pending;
    if (!p) throw new SwError(SW.CONDITIONS_NOT_SATISFIED, 'no response data pending');
    if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new SwError(SW.INCORRECT_P1P2, 'GET RESPONSE needs P1 = P2 = 00');
    if (cmd.ne !== 256 && cmd.ne !== p.length) {
      if (cmd.ne > p.length) throw new SwError(0x6c00 | (p.length & 0xff), `exactly ${p.length} bytes pending`);
      this.pending = p.subarray(cmd.ne);
      return { data: p.slice(0, cmd.ne), sw: 0x6100 | (this.pending.length & 0xff) };
    }
    this.pending = undefined;
    return p.slice(0, Math.min(p.length, cmd.ne));
  }

  // ---------------------------------------------------------------------------------------------
  // SELECT (ISO/IEC 7816-4:2020 §11.2.2)

  private select(cmd: CommandApdu, tx: Tx): HandlerResult {
    const { p1, p2, data } = cmd;
    if (p2 !== 0x00 && p2 !== 0x04 && p2 !== 0x0c) throw new SwError(SW.INCORRECT_P1P2, `SELECT P2 ${p2.toString(16)} not supported`);
    let target: DfNode | EfNode;
    switch (p1) {
      case 0x00:
        if (data.length === 0) target = this.fs.mf;
        else if (data.length === 2) target = this.byFid((data[0] << 8) | data[1]);
        else throw new SwError(SW.WRONG_LENGTH, 'SELECT by FID takes 0 or 2 bytes');
        break;
      case 0x02:
        if (data.length !== 2) throw new SwError(SW.WRONG_LENGTH, 'SELECT EF takes 2 bytes');
        target = this.sel.df.efs.get((data[0] << 8) | data[1]) ?? fail(`EF ${hex4((data[0] << 8) | data[1])} not in ${this.sel.df.path}`);
        break;
      case 0x04: {
        if (data.length < 1 || data.length > 16) throw new SwError(SW.WRONG_LENGTH, 'DF name of 1..16 bytes');
        target = this.fs.findByAid(data) ?? fail(`no application ${bytesToHex(data)}`);
        break;
      }
      case 0x08:
      case 0x09:
        target = this.byPath(p1 === 0x08 ? this.fs.mf : this.sel.df, data);
        break;
      default:
        throw new SwError(SW.INCORRECT_P1P2, `SELECT P1 ${p1.toString(16)} not supported`);
    }
    const df = isEf(target) ? target.parent : target;
    const app = df.application;
    if (app && tx.get(blockedKey(app))) throw new SwError(SW.APPLICATION_BLOCKED, `application ${app.path} is blocked`);
    if (app !== this.currentApp) {
      if (this.currentApp) this.handlers.get(this.currentApp)?.reset();
      this.currentApp = app;
    }
    if (isEf(target)) {
      this.sel = { df: target.parent, ef: target };
      return p2 === 0x0c ? undefined : fcp(target);
    }
    this.sel = { df: target, ef: undefined };
    if (p2 === 0x0c) return undefined;
    const h = target.spec.app ? this.handlerOf(target) : undefined;
    return h && target === app ? h.select(this.context(tx, target)) : fcp(target);
  }

  /** FID lookup from the current DF: a child, the current DF itself, its parent, or the MF. */
  private byFid(fid: number): DfNode | EfNode {
    const cur = this.sel.df;
    if (fid === 0x3f00) return this.fs.mf;
    if (cur.spec.fid === fid) return cur;
    const hit = cur.efs.get(fid) ?? cur.dfs.get(fid) ?? (cur.parent && cur.parent.spec.fid === fid ? cur.parent : undefined);
    return hit ?? fail(`FID ${hex4(fid)} not found from ${cur.path}`);
  }

  private byPath(start: DfNode, path: Uint8Array): DfNode | EfNode {
    if (path.length === 0 || path.length % 2 !== 0) throw new SwError(SW.WRONG_LENGTH, 'path must be a sequence of 2-byte FIDs');
    let node: DfNode | EfNode = start;
    for (let i = 0; i < path.length; i += 2) {
      const fid = (path[i] << 8) | path[i + 1];
      if (isEf(node)) fail('path continues below an EF');
      const df = node as DfNode;
      if (i === 0 && fid === 0x3f00 && df === this.fs.mf) continue;
      node = df.efs.get(fid) ?? df.dfs.get(fid) ?? fail(`FID ${hex4(fid)} not found under ${df.path}`);
    }
    return node;
  }

  /** The card image (keys included: for storage, never for clients). */
  toJSON(): CardImage {
    return {
      format: 'ssc3-card/1',
      atr: bytesToHex(this.atr),
      protocol: this.protocol,
      info: { ...this.info },
      fs: this.fs.spec,
      nvm: this.nvm.toJSON(),
      ...(this.opts.rng.exportState ? { rng: this.opts.rng.exportState() } : {}),
    };
  }

  /** The image's changing parts now (NVM, rng position), for imagePatch: opaque. */
  imageMark(): CardImageMark {
    return { nvm: this.nvm.snapshot(), rng: this.opts.rng.exportState?.() };
  }

  /**
   * The RFC 7396 merge patch that turns the image at `mark` into toJSON() now, or undefined when
   * nothing was written or drawn since. Only NVM and the rng position change after issue: atr,
   * protocol, info and fs are fixed at construction. `mark` must come from this card.
   * @throws RangeError for a mark taken from another card
   */
  imagePatch(mark: CardImageMark): CardImagePatch | undefined {
    const nvm = this.nvm.patchSince(mark.nvm);
    const rng = this.opts.rng.exportState?.();
    if (!nvm && rng === mark.rng) return undefined;
    const out: CardImagePatch = {};
    if (nvm) out.nvm = nvm;
    if (rng !== mark.rng) out.rng = rng ?? null;
    return out;
  }

  /** Reads an NVM cell (for tests, tools and personalisation checks; not reachable by APDU). */
  peekCell(key: string): Uint8Array | undefined {
    return this.nvm.get(key)?.slice();
  }

  /** Cell names present in NVM. */
  cellKeys(): string[] {
    return this.nvm.keys();
  }
}

const COPY_DATA = { copyData: true } as const;

function isEf(n: DfNode | EfNode): n is EfNode {
  return n instanceof EfNode;
}

function fail(why: string): never {
  throw new SwError(SW.FILE_NOT_FOUND, why);
}

/** A minimal FCP (ISO 7816-4 §7.4.3): 62 { 82 descriptor, 83 FID, 80/81 size }. */
function fcp(node: DfNode | EfNode): Uint8Array {
  const fid = node.spec.fid;
  if (!isEf(node)) return Uint8Array.of(0x62, 0x07, 0x82, 0x01, 0x38, 0x83, 0x02, fid >> 8, fid & 0xff);
  const s = node.spec;
  const desc = { transparent: 0x01, 'linear-fixed': 0x02, 'linear-variable': 0x04, cyclic: 0x06 }[s.type];
  if (s.type === 'transparent') {
    const size = s.size ?? 0;
    return Uint8Array.of(0x62, 0x0b, 0x82, 0x01, desc, 0x83, 0x02, fid >> 8, fid & 0xff, 0x80, 0x02, size >> 8, size & 0xff);
  }
  return Uint8Array.of(0x62, 0x0b, 0x82, 0x05, desc, 0x21, 0x00, s.recordLen ?? 0, s.maxRecords ?? 0, 0x83, 0x02, fid >> 8, fid & 0xff);
}
