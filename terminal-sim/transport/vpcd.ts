/**
 * The card side ("vicc") of the vsmartcard vpcd protocol (DOMAIN.md §8; shared/reference/pcsc/
 * README.md §2): a {@link VpcdSlot} connects to the vpcd driver loaded in pcscd (TCP 35963 for
 * reader `Virtual PCD 00 00`, 35964 for `Virtual PCD 00 01`) and answers it with a simulated
 * card, so real PC/SC clients (opensc-tool, pyscard, scriptor…) reach that card.
 *
 * vpcd always speaks first; the vicc never sends unsolicited data. 1-byte messages are control
 * codes — 00 power off, 01 power on, 02 reset (no reply), 04 get ATR (reply: the ATR); longer
 * ones are C-APDUs answered by R-APDUs. Closing the socket = card removed. The vicc must never
 * send a zero-length reply: vpcd reads it as a removal.
 *
 * The card OS knows nothing of sockets (STYLE.md, vsmartcard vicc): this module only moves
 * bytes between the socket and a {@link CardLike}.
 */
import net from 'node:net';
import { CardPowerError } from '../../engine/index.js';
import { encodeVpcdFrame, VpcdFrameDecoder, VPCD_CTRL, VPCD_MAX_PAYLOAD_LEN } from './vpcd-frame.js';

/** What a slot needs of a card: engine's Card fits, and so can a store-backed card. */
export interface CardLike {
  powerOn(): Uint8Array;
  powerOff(): void;
  transmit(apdu: Uint8Array): Uint8Array;
  /**
   * When present, C-APDUs go here instead of transmit, and the R-APDU leaves once the promise
   * settles: a store-backed card saves a command that wrote through the store's group commit
   * before it answers. Messages that vpcd sends meanwhile wait their turn, in order.
   */
  transmitAsync?(apdu: Uint8Array): Promise<Uint8Array>;
  /** The ATR, if known without powering the card (engine's Card has it). */
  readonly atr?: Uint8Array;
}

/** vpcd's first port (slot 0); slot n listens on this + n (0x8C7B, /etc/reader.conf.d/vpcd). */
export const VPCD_BASE_PORT = 35963;

/** Status word sent when the card throws something other than a power loss. */
const SW_NO_PRECISE_DIAGNOSIS = Uint8Array.of(0x6f, 0x00);

export type VpcdSlotState = 'idle' | 'connecting' | 'connected' | 'stopped';

/** Why the socket to vpcd closed. */
export type VpcdCloseReason = 'removed' | 'torn' | 'driver-closed' | 'stopped';

/**
 * Everything a slot reports, for logging. None carries APDU data: use the `trace` hook for that.
 */
export type VpcdEvent =
  | { type: 'connecting'; attempt: number }
  | { type: 'retry'; delayMs: number; error: string }
  | { type: 'connected' }
  | { type: 'disconnected'; reason: VpcdCloseReason }
  | { type: 'power-on' }
  | { type: 'power-off' }
  | { type: 'reset' }
  | { type: 'get-atr' }
  | { type: 'apdu'; n: number; commandLen: number; responseLen: number; sw: number }
  | { type: 'ignored'; what: string }
  | { type: 'card-error'; error: unknown };

export interface VpcdSlotOptions {
  /** Driver host; default 127.0.0.1. */
  host?: string;
  /** Reader slot of the driver (0 or 1 with Debian's vpcd); picks the default port. Default 0. */
  slot?: number;
  /** Driver port; default 35963 + slot. */
  port?: number;
  /** First reconnect delay while the driver is not up, in ms; default 500. */
  retryMs?: number;
  /** Upper bound of the reconnect backoff, in ms; default 4000. */
  maxRetryMs?: number;
  /** Log hook: connection and power events, APDU counts and status words (no APDU data). */
  onEvent?: (event: VpcdEvent) => void;
  /** Trace hook: every payload in ('in' = from vpcd) and out. Sees card data: opt-in only. */
  trace?: (direction: 'in' | 'out', payload: Uint8Array) => void;
}

/** Counters of one slot since it was created. */
export interface VpcdSlotStats {
  apdus: number;
  atrs: number;
  powerOns: number;
  powerOffs: number;
  resets: number;
  connects: number;
}

/** Failed attempts at one delay before the backoff doubles it. */
const ATTEMPTS_PER_STEP = 10;

function isPowerLoss(e: unknown): boolean {
  // Duck-typed too, so a card from another copy of the engine (or a store-backed card) counts.
  return e instanceof CardPowerError || (e instanceof Error && e.name === 'CardPowerError');
}

function checkMs(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`"${name}" expected a positive integer, got ${v}`);
  return v;
}

/**
 * One card slot of the vpcd driver. `insert(card)` connects (retrying while the driver is not
 * up), `remove()` closes the socket (the card leaves the reader), `stop()` ends the slot.
 */
export class VpcdSlot {
  readonly host: string;
  readonly port: number;
  readonly stats: VpcdSlotStats = { apdus: 0, atrs: 0, powerOns: 0, powerOffs: 0, resets: 0, connects: 0 };
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly onEvent: ((event: VpcdEvent) => void) | undefined;
  private readonly trace: ((direction: 'in' | 'out', payload: Uint8Array) => void) | undefined;
  private card: CardLike | undefined;
  private socket: net.Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private lastAtr: Uint8Array | undefined;
  private _state: VpcdSlotState = 'idle';
  /** Waiters of {@link whenConnected}. */
  private connectWaiters: (() => void)[] = [];

  /** @throws RangeError on a bad slot, port or delay. */
  constructor(opts: VpcdSlotOptions = {}) {
    const slot = opts.slot ?? 0;
    if (!Number.isSafeInteger(slot) || slot < 0) throw new RangeError(`"slot" expected a non-negative integer, got ${slot}`);
    this.port = opts.port ?? VPCD_BASE_PORT + slot;
    if (!Number.isSafeInteger(this.port) || this.port < 1 || this.port > 0xffff) throw new RangeError(`"port" expected an integer in [1, 65535], got ${this.port}`);
    this.host = opts.host ?? '127.0.0.1';
    this.retryMs = checkMs('retryMs', opts.retryMs ?? 500);
    this.maxRetryMs = checkMs('maxRetryMs', opts.maxRetryMs ?? Math.max(4000, this.retryMs));
    if (this.maxRetryMs < this.retryMs) throw new RangeError(`"maxRetryMs" expected >= retryMs (${this.retryMs}), got ${this.maxRetryMs}`);
    this.onEvent = opts.onEvent;
    this.trace = opts.trace;
  }

  get state(): VpcdSlotState {
    return this._state;
  }

  /** Number of C-APDUs answered (or torn) since the slot was created. */
  get apduCount(): number {
    return this.stats.apdus;
  }

  /** The card in the slot, if any. */
  get inserted(): CardLike | undefined {
    return this.card;
  }

  /**
   * Puts a card in the slot: connects to vpcd, retrying every `retryMs` (backing off up to
   * `maxRetryMs`) until the driver is up. A card already in the slot is removed first.
   * @throws Error after stop().
   */
  insert(card: CardLike): void {
    if (this._state === 'stopped') throw new Error('VpcdSlot: insert() after stop()');
    if (!card || typeof card.transmit !== 'function' || typeof card.powerOn !== 'function' || typeof card.powerOff !== 'function') {
      throw new TypeError('"card" expected an object with powerOn(), powerOff() and transmit()');
    }
    if (this.card) this.detach('removed');
    this.card = card;
    this.lastAtr = undefined;
    this.failures = 0;
    this.connect();
  }

  /** Takes the card out: closes the socket (vpcd reports "card removed") and powers it off. */
  remove(): void {
    if (this.card) this.detach('removed');
  }

  /** Removes any card and ends the slot: no more reconnecting, no more insert(). */
  stop(): void {
    this.detach('stopped');
    this._state = 'stopped';
    for (const w of this.connectWaiters.splice(0)) w();
  }

  /** Resolves once the socket to vpcd is connected (immediately if it is), or the slot is stopped. */
  whenConnected(): Promise<void> {
    if (this._state === 'connected') return Promise.resolve();
    return new Promise((resolve) => this.connectWaiters.push(resolve));
  }

  private emit(event: VpcdEvent): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(event);
    } catch {
      // A failing log hook must not take the reader down.
    }
  }

  private connect(): void {
    this.timer = undefined;
    if (!this.card || this._state === 'stopped') return;
    this._state = 'connecting';
    this.emit({ type: 'connecting', attempt: this.failures + 1 });
    const sock = net.connect({ host: this.host, port: this.port });
    this.socket = sock;
    const decoder = new VpcdFrameDecoder();
    let connected = false;
    sock.setNoDelay(true);
    sock.on('connect', () => {
      connected = true;
      this.failures = 0;
      this.stats.connects++;
      this._state = 'connected';
      this.emit({ type: 'connected' });
      for (const w of this.connectWaiters.splice(0)) w();
    });
    // This connection's messages, handled one at a time in order: one that waits for the card
    // (transmitAsync) holds those behind it.
    const inbox: Uint8Array[] = [];
    let waiting = false;
    const drain = (): void => {
      while (!waiting && inbox.length > 0 && this.socket === sock) {
        const pending = this.handle(sock, inbox.shift()!);
        if (pending) {
          waiting = true;
          const resume = () => {
            waiting = false;
            drain();
          };
          pending.then(resume, (e: unknown) => {
            this.emit({ type: 'card-error', error: e });
            resume();
          });
        }
      }
    };
    sock.on('data', (chunk: Buffer) => {
      if (this.socket !== sock) return;
      inbox.push(...decoder.push(chunk));
      drain();
    });
    let lastError = '';
    sock.on('error', (e: NodeJS.ErrnoException) => {
      lastError = e.code ?? e.message;
    });
    sock.on('close', () => {
      if (this.socket !== sock) return; // closed by detach(): already reported
      this.socket = undefined;
      if (connected) {
        this.emit({ type: 'disconnected', reason: 'driver-closed' });
        // pcscd went away with the card still in: it is unpowered now, and comes back on reconnect.
        this.powerOffQuietly();
        this.failures = 0;
      } else {
        this.failures++;
      }
      this.scheduleReconnect(lastError || 'closed');
    });
  }

  private scheduleReconnect(error: string): void {
    if (!this.card || this._state === 'stopped') return;
    const step = Math.floor(Math.max(0, this.failures - 1) / ATTEMPTS_PER_STEP);
    const delayMs = Math.min(this.maxRetryMs, this.retryMs * 2 ** Math.min(step, 30));
    this._state = 'connecting';
    this.emit({ type: 'retry', delayMs, error });
    this.timer = setTimeout(() => this.connect(), delayMs);
  }

  /** Closes the socket and drops the card; `reason` says why. */
  private detach(reason: VpcdCloseReason): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const sock = this.socket;
    this.socket = undefined;
    if (sock) {
      sock.destroy();
      this.emit({ type: 'disconnected', reason });
    }
    if (reason !== 'torn') this.powerOffQuietly();
    this.card = undefined;
    this.lastAtr = undefined;
    if (this._state !== 'stopped') this._state = 'idle';
  }

  private powerOffQuietly(): void {
    try {
      this.card?.powerOff();
    } catch (e) {
      this.emit({ type: 'card-error', error: e });
    }
  }

  private send(sock: net.Socket, payload: Uint8Array): void {
    this.trace?.('out', payload);
    sock.write(encodeVpcdFrame(payload));
  }

  /** Handles one message from vpcd; a promise when its reply waits for the card (transmitAsync), settled once it has left. */
  private handle(sock: net.Socket, msg: Uint8Array): Promise<void> | undefined {
    const card = this.card!;
    this.trace?.('in', msg);
    if (msg.length === 0) {
      this.emit({ type: 'ignored', what: 'empty message' });
      return undefined;
    }
    try {
      if (msg.length === 1) this.control(sock, card, msg[0]);
      else if (card.transmitAsync) return this.apduAsync(sock, card, msg);
      else this.apdu(sock, card, msg);
    } catch (e) {
      this.cardError(sock, msg, e);
    }
    return undefined;
  }

  /** What the card threw (or rejected with) for `msg`. */
  private cardError(sock: net.Socket, msg: Uint8Array, e: unknown): void {
    if (isPowerLoss(e)) {
      // A tear: the card lost power mid-command. To vpcd that is a removal, and no reply goes out.
      this.emit({ type: 'card-error', error: e });
      this.detach('torn');
      return;
    }
    this.emit({ type: 'card-error', error: e });
    if (msg.length > 1) this.send(sock, SW_NO_PRECISE_DIAGNOSIS);
    else if (msg[0] === VPCD_CTRL.GET_ATR) this.detach('removed'); // no ATR to give: no card
  }

  private control(sock: net.Socket, card: CardLike, code: number): void {
    switch (code) {
      case VPCD_CTRL.POWER_OFF:
        this.stats.powerOffs++;
        this.emit({ type: 'power-off' });
        card.powerOff();
        return;
      case VPCD_CTRL.POWER_ON:
        this.stats.powerOns++;
        this.emit({ type: 'power-on' });
        this.lastAtr = card.powerOn();
        return;
      case VPCD_CTRL.RESET:
        this.stats.resets++;
        this.emit({ type: 'reset' });
        card.powerOff();
        this.lastAtr = card.powerOn();
        return;
      case VPCD_CTRL.GET_ATR:
        // pcscd polls with this every ~400 ms, powered or not: it must not touch the card's state.
        this.stats.atrs++;
        this.emit({ type: 'get-atr' });
        this.send(sock, this.atrOf(card));
        return;
      default:
        this.emit({ type: 'ignored', what: `control code ${code.toString(16).padStart(2, '0')}` });
    }
  }

  /** The ATR without a power cycle if possible: the card's own, else the last power-on's. */
  private atrOf(card: CardLike): Uint8Array {
    const atr = card.atr ?? this.lastAtr;
    if (atr && atr.length > 0) return atr;
    // Unknown until the card is powered once: a cold reset and back to unpowered learns it.
    const learnt = card.powerOn();
    card.powerOff();
    if (!(learnt instanceof Uint8Array) || learnt.length === 0) throw new Error('card returned an empty ATR');
    this.lastAtr = learnt;
    return learnt;
  }

  private apdu(sock: net.Socket, card: CardLike, cmd: Uint8Array): void {
    this.stats.apdus++;
    this.answer(sock, cmd, card.transmit(cmd), this.stats.apdus);
  }

  /** As apdu, the answer when the card's promise settles; nothing goes out if the card has left the slot meanwhile. */
  private apduAsync(sock: net.Socket, card: CardLike, cmd: Uint8Array): Promise<void> {
    this.stats.apdus++;
    const n = this.stats.apdus;
    return card.transmitAsync!(cmd).then(
      (r) => {
        if (this.socket !== sock) return;
        try {
          this.answer(sock, cmd, r, n);
        } catch (e) {
          this.cardError(sock, cmd, e);
        }
      },
      (e: unknown) => {
        if (this.socket === sock) this.cardError(sock, cmd, e);
      },
    );
  }

  /** Sends the card's response `r` to command `cmd` (the slot's APDU number `n`). @throws RangeError for a response vpcd cannot carry. */
  private answer(sock: net.Socket, cmd: Uint8Array, r: Uint8Array, n: number): void {
    if (!(r instanceof Uint8Array) || r.length < 2 || r.length > VPCD_MAX_PAYLOAD_LEN) {
      throw new RangeError(`card response expected 2..${VPCD_MAX_PAYLOAD_LEN} bytes, got ${r instanceof Uint8Array ? r.length : typeof r}`);
    }
    this.emit({ type: 'apdu', n, commandLen: cmd.length, responseLen: r.length, sw: (r[r.length - 2] << 8) | r[r.length - 1] });
    this.send(sock, r);
  }
}
