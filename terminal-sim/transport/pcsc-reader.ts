/**
 * The PC/SC transport: a {@link ReaderSpi} over a reader that pcscd serves (a real contact or
 * contactless reader, or vsmartcard's `Virtual PCD 00 00`), through the optional native npm
 * binding `pcsclite` (1.0.1; PC/SC calls as in the PC/SC Workgroup spec part 5 / pcsc-lite's
 * winscard.h). With it, ssc3's own terminals (Gate, TopUpTerminal…) drive a card in that reader:
 *
 *   const reader = await PcscReader.open('Virtual PCD 00 00', { timeoutMs: 5000 });
 *   const gate = new Gate({ direction: 'entry', cardReader: reader, psam, clock, journal, station, keyIndex });
 *   await gate.present();
 *   reader.close();
 *
 * - powerOn = SCardConnect (exclusive by default, or shared; T=0 or T=1) and returns the ATR that
 *   pcscd reports in the reader state (the binding has no SCardStatus);
 * - transmitApdu = SCardTransmit with the protocol the connection negotiated;
 * - powerOff = SCardDisconnect with SCARD_UNPOWER_CARD (default) or SCARD_RESET_CARD;
 * - isCardPresent = SCARD_STATE_PRESENT in the reader's latest status event.
 *
 * PC/SC errors become reader errors (./reader/errors.ts): "card removed / no card / card reset or
 * unpowered by someone else" → CardRemovedError (a Gate then answers 'interrupted'), anything
 * else → ReaderError. Nothing here logs, and no error message carries APDU data.
 *
 * `pcsclite` is loaded lazily (dynamic import) so that importing terminal-sim never needs it; it
 * is an optionalDependency whose build needs libpcsclite-dev, python3, make and g++.
 */
import { CardRemovedError, ReaderError } from '../reader/errors.js';
import type { ReaderSpi } from '../reader/reader-spi.js';
import { SpiReader } from '../reader/spi-reader.js';
import type { ApduTraceHook } from '../reader/trace.js';

/** One card reader of the `pcsclite` binding (the part this module uses). */
export interface PcscliteCardReader {
  readonly name: string;
  readonly connected: boolean;
  /** Latest SCARD_STATE_* bits (set by the binding after each status event). */
  readonly state?: number;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_UNPOWER_CARD: number;
  readonly SCARD_RESET_CARD: number;
  connect(options: { share_mode: number; protocol: number }, cb: (err: Error | null | undefined, protocol?: number) => void): void;
  disconnect(disposition: number, cb: (err: Error | null | undefined) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: Error | null | undefined, data?: Buffer) => void): void;
  on(event: 'status', listener: (status: { state: number; atr?: Buffer }) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  close(): void;
}

/** The binding's context (`require('pcsclite')()`): emits 'reader' for each reader pcscd lists. */
export interface PcscliteContext {
  readonly readers: Record<string, PcscliteCardReader>;
  on(event: 'reader', listener: (reader: PcscliteCardReader) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  close(): void;
}

/** The optional package and how to get it (the message of the Error when it cannot load). */
export const PCSCLITE_PACKAGE = 'pcsclite';
const INSTALL_HINT =
  `the PC/SC transport needs the optional npm package '${PCSCLITE_PACKAGE}' (a native binding): ` +
  `install the build tools and PC/SC headers (Debian: apt-get install libpcsclite-dev python3 make g++), ` +
  `then run npm install (or npm install ${PCSCLITE_PACKAGE})`;

let loaded: Promise<() => PcscliteContext> | undefined;

/**
 * Loads the `pcsclite` binding (once).
 * @returns its factory: each call opens a PC/SC context that watches pcscd's reader list.
 * @throws Error naming the package and how to install it, when it is missing or its native part
 *   did not build.
 */
export function loadPcsclite(): Promise<() => PcscliteContext> {
  loaded ??= (async () => {
    // A variable specifier: tsc must not require the module (it is optional), and bundlers leave it alone.
    const specifier: string = PCSCLITE_PACKAGE;
    try {
      const mod = (await import(specifier)) as { default?: unknown };
      if (typeof mod.default !== 'function') throw new TypeError(`'${PCSCLITE_PACKAGE}' has no default export function`);
      return mod.default as () => PcscliteContext;
    } catch (e) {
      loaded = undefined; // a later npm install may fix it
      throw new Error(`${INSTALL_HINT} (loading it failed: ${(e as Error).message.split('\n')[0]})`, { cause: e });
    }
  })();
  return loaded;
}

/** True when `pcsclite` loads (for tests and CLIs that offer PC/SC only when it does). */
export async function pcscliteAvailable(): Promise<boolean> {
  try {
    await loadPcsclite();
    return true;
  } catch {
    return false;
  }
}

/** PC/SC return codes (pcsc-lite pcsclite.h) that mean the card is gone or lost its session. */
const CARD_GONE_CODES = new Set([
  0x8010000c, // SCARD_E_NO_SMARTCARD: no card in the reader
  0x80100066, // SCARD_W_UNRESPONSIVE_CARD: mute (a contactless card that left mid-answer)
  0x80100067, // SCARD_W_UNPOWERED_CARD: power removed from the card
  0x80100068, // SCARD_W_RESET_CARD: reset (by another application): its session state is lost
  0x80100069, // SCARD_W_REMOVED_CARD: the card was removed
]);

/** The SCARD_* code in a `pcsclite` error message ("SCardTransmit error: Card was removed.(0x80100069)"). */
export function pcscErrorCode(e: unknown): number | undefined {
  const m = /\(0x([0-9a-f]{8})\)/i.exec(e instanceof Error ? e.message : String(e));
  return m ? parseInt(m[1]!, 16) : undefined;
}

/**
 * The reader error for a PC/SC failure `e` of operation `what` on reader `name`:
 * CardRemovedError for the card-gone codes, ReaderError otherwise.
 */
export function mapPcscError(name: string, what: string, e: unknown): CardRemovedError | ReaderError {
  const code = pcscErrorCode(e);
  const text = e instanceof Error ? e.message : String(e);
  if (code !== undefined && CARD_GONE_CODES.has(code)) return new CardRemovedError(name, `${what}: ${text}`, { cause: e });
  return new ReaderError(name, `${what} failed: ${text}`, { cause: e });
}

export interface PcscReaderOptions {
  /** SCARD_SHARE_EXCLUSIVE (default: a terminal owns the card for the tap) or SCARD_SHARE_SHARED. */
  share?: 'exclusive' | 'shared';
  /** Protocols offered to SCardConnect; default either. */
  protocol?: 'T0' | 'T1' | 'any';
  /** What SCardDisconnect does to the card: default 'unpower' (SCARD_UNPOWER_CARD), or 'reset'. */
  disposition?: 'unpower' | 'reset';
  /** Receive buffer of SCardTransmit; default 65538 (an extended Le of 65536 ‖ SW1 SW2). */
  maxResponseLen?: number;
  /** How long powerOn waits for pcscd to report the ATR of a card it just connected; default 1000 ms. */
  atrWaitMs?: number;
}

/** The SPI over one `pcsclite` card reader. Async only: every PC/SC call is a round trip to pcscd. */
export class PcscReaderSpi implements ReaderSpi {
  readonly name: string;
  private present: boolean;
  private atr: Uint8Array | undefined;
  private ended = false;
  private protocol: number | undefined;
  private readonly waiters = new Set<() => void>();
  private gotStatus = false;
  private readonly onStatus = (s: { state: number; atr?: Buffer }): void => {
    this.gotStatus = true;
    this.present = (s.state & this.reader.SCARD_STATE_PRESENT) !== 0;
    this.atr = this.present && s.atr && s.atr.length > 0 ? Uint8Array.from(s.atr) : undefined;
    for (const w of this.waiters) w();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.present = false;
    for (const w of this.waiters) w();
  };
  // The binding emits 'error' when its status thread fails; an unheard 'error' would crash the process.
  private readonly onError = (): void => this.onEnd();
  private readonly share: number;
  private readonly protocols: number;
  private readonly disposition: number;
  private readonly maxResponseLen: number;
  private readonly atrWaitMs: number;

  /**
   * @param reader a reader of the `pcsclite` binding (see {@link findPcscReader}); this SPI
   *   listens to its status events until {@link PcscReaderSpi.detach}. Build it as soon as the
   *   context reports the reader: the binding keeps the reader's state bits but not the ATR,
   *   which only status events carry (powerOn waits `atrWaitMs` for the next one).
   * @throws RangeError for a bad option.
   */
  constructor(
    private readonly reader: PcscliteCardReader,
    options: PcscReaderOptions = {},
  ) {
    this.name = reader.name;
    const share = options.share ?? 'exclusive';
    if (share !== 'exclusive' && share !== 'shared') throw new RangeError(`"share" expected 'exclusive' or 'shared', got ${String(share)}`);
    this.share = share === 'exclusive' ? reader.SCARD_SHARE_EXCLUSIVE : reader.SCARD_SHARE_SHARED;
    const protocol = options.protocol ?? 'any';
    if (protocol !== 'T0' && protocol !== 'T1' && protocol !== 'any') throw new RangeError(`"protocol" expected 'T0', 'T1' or 'any', got ${String(protocol)}`);
    this.protocols = protocol === 'T0' ? reader.SCARD_PROTOCOL_T0 : protocol === 'T1' ? reader.SCARD_PROTOCOL_T1 : reader.SCARD_PROTOCOL_T0 | reader.SCARD_PROTOCOL_T1;
    const disposition = options.disposition ?? 'unpower';
    if (disposition !== 'unpower' && disposition !== 'reset') throw new RangeError(`"disposition" expected 'unpower' or 'reset', got ${String(disposition)}`);
    this.disposition = disposition === 'unpower' ? reader.SCARD_UNPOWER_CARD : reader.SCARD_RESET_CARD;
    this.maxResponseLen = options.maxResponseLen ?? 65538;
    if (!Number.isSafeInteger(this.maxResponseLen) || this.maxResponseLen < 2 || this.maxResponseLen > 65538) {
      throw new RangeError(`"maxResponseLen" expected an integer in 2..65538, got ${String(options.maxResponseLen)}`);
    }
    this.atrWaitMs = options.atrWaitMs ?? 1000;
    this.present = reader.state !== undefined && (reader.state & reader.SCARD_STATE_PRESENT) !== 0;
    this.gotStatus = reader.state !== undefined;
    reader.on('status', this.onStatus);
    reader.on('end', this.onEnd);
    reader.on('error', this.onError);
  }

  /** Stops listening to the reader's events (the reader itself stays open). */
  detach(): void {
    this.reader.removeListener('status', this.onStatus);
    this.reader.removeListener('end', this.onEnd);
    this.reader.removeListener('error', this.onError);
  }

  isCardPresent(): boolean {
    return this.present && !this.ended;
  }

  /** SCardConnect (after SCardDisconnect of a previous connection: a cold reset). */
  async powerOn(): Promise<Uint8Array> {
    this.checkReader();
    if (this.reader.connected) await this.powerOff();
    this.protocol = await new Promise<number>((resolve, reject) =>
      this.reader.connect({ share_mode: this.share, protocol: this.protocols }, (err, protocol) =>
        err ? reject(mapPcscError(this.name, 'connect', err)) : resolve(protocol ?? this.protocols),
      ),
    );
    // pcscd may answer the connect before this process has heard the status event of a card
    // just inserted: wait for it (bounded), it carries the ATR.
    const atr = this.atr ?? (await this.waitForAtr());
    if (!atr) {
      await this.powerOff().catch(() => undefined);
      throw new ReaderError(this.name, `connected, but pcscd reported no ATR within ${this.atrWaitMs} ms`);
    }
    return atr.slice();
  }

  /** SCardTransmit with the negotiated protocol. */
  async transmitApdu(apdu: Uint8Array): Promise<Uint8Array> {
    this.checkReader();
    const protocol = this.protocol;
    if (protocol === undefined || !this.reader.connected) throw new ReaderError(this.name, 'transmit without a PC/SC connection');
    return new Promise<Uint8Array>((resolve, reject) =>
      this.reader.transmit(Buffer.from(apdu), this.maxResponseLen, protocol, (err, data) => {
        if (err) return reject(mapPcscError(this.name, 'transmit', err));
        if (!data || data.length < 2) return reject(new ReaderError(this.name, `transmit: response of ${data?.length ?? 0} bytes (no status word)`));
        resolve(Uint8Array.from(data));
      }),
    );
  }

  /** SCardDisconnect with the configured disposition; a card already gone is not an error. */
  async powerOff(): Promise<void> {
    this.protocol = undefined;
    if (!this.reader.connected || this.ended) return;
    await new Promise<void>((resolve, reject) =>
      this.reader.disconnect(this.disposition, (err) => {
        if (!err) return resolve();
        const mapped = mapPcscError(this.name, 'disconnect', err);
        if (mapped instanceof CardRemovedError) resolve();
        else reject(mapped);
      }),
    );
  }

  /** Resolves once a status event arrived (or the reader ended, or after `timeoutMs`). */
  statusKnown(timeoutMs: number): Promise<void> {
    return this.waitUntil(() => this.gotStatus || this.ended, timeoutMs).then(() => undefined);
  }

  private checkReader(): void {
    if (this.ended) throw new ReaderError(this.name, 'reader gone (pcscd no longer lists it)');
  }

  private async waitForAtr(): Promise<Uint8Array | undefined> {
    await this.waitUntil(() => this.atr !== undefined || this.ended, this.atrWaitMs);
    return this.atr;
  }

  /**
   * Resolves when `ready()` holds after a status or end event, or when `timeoutMs` has passed.
   * The timer ends the wait by itself: it must not compare Date.now() with a deadline, since
   * Node's timers run on a monotonic clock and may fire a millisecond before Date.now() reaches
   * it. Such a comparison left the wait pending for good.
   */
  private waitUntil(ready: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (ready()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

/**
 * Waits until pcscd lists a reader named `name` (exactly, or else the first whose name starts
 * with it) in the context `pcsc`.
 * @returns the binding's reader.
 * @throws ReaderError when the context fails (pcscd not running…) or after `timeoutMs` (default
 *   5000) without such a reader; the message lists the readers seen.
 */
export function findPcscReader(pcsc: PcscliteContext, name: string, timeoutMs = 5000): Promise<PcscliteCardReader> {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`"name" expected a non-empty string, got ${JSON.stringify(name)}`);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) throw new RangeError(`"timeoutMs" expected a non-negative integer, got ${String(timeoutMs)}`);
  const match = (): PcscliteCardReader | undefined => {
    const names = Object.keys(pcsc.readers);
    const n = names.find((r) => r === name) ?? names.find((r) => r.startsWith(name));
    return n === undefined ? undefined : pcsc.readers[n];
  };
  return new Promise((resolve, reject) => {
    const finish = (r: PcscliteCardReader | undefined, err?: Error): void => {
      clearTimeout(timer);
      pcsc.removeListener('reader', onReader);
      pcsc.removeListener('error', onError);
      if (r) resolve(r);
      else reject(err);
    };
    const onReader = (): void => {
      const r = match();
      if (r) finish(r);
    };
    const onError = (e: Error): void => finish(undefined, new ReaderError(name, `PC/SC context failed (is pcscd running?): ${e.message}`, { cause: e }));
    const timer = setTimeout(
      () => finish(undefined, new ReaderError(name, `no such PC/SC reader after ${timeoutMs} ms (readers seen: ${Object.keys(pcsc.readers).map((r) => `'${r}'`).join(', ') || 'none'})`)),
      timeoutMs,
    );
    pcsc.on('reader', onReader);
    pcsc.on('error', onError);
    onReader();
  });
}

export interface PcscReaderOpenOptions extends PcscReaderOptions {
  /** How long to wait for pcscd to list the reader; default 5000 ms. */
  timeoutMs?: number;
  /** APDU trace hook (as every reader; sensitive APDUs masked). */
  trace?: ApduTraceHook;
}

/**
 * A {@link SpiReader} on a PC/SC reader: what a terminal takes as its `cardReader`. Owns its
 * PC/SC context: call {@link PcscReader.close} when done (the binding's threads keep Node alive).
 */
export class PcscReader extends SpiReader {
  private constructor(
    private readonly pcscSpi: PcscReaderSpi,
    private readonly pcsc: PcscliteContext,
    private readonly pcscReader: PcscliteCardReader,
    trace: ApduTraceHook | undefined,
  ) {
    super(pcscSpi, { trace });
  }

  /**
   * Loads `pcsclite`, opens a PC/SC context and waits for the reader `name` (exact name, or a
   * prefix of it).
   * @throws Error when `pcsclite` is not installed (naming it and how to install it);
   *   ReaderError when pcscd fails or does not list the reader in time; RangeError for a bad option.
   */
  static async open(name: string, options: PcscReaderOpenOptions = {}): Promise<PcscReader> {
    const createContext = await loadPcsclite();
    let pcsc: PcscliteContext;
    try {
      pcsc = createContext(); // SCardEstablishContext: throws when pcscd is not running
    } catch (e) {
      throw new ReaderError(name, `PC/SC context failed (is pcscd running?): ${(e as Error).message}`, { cause: e });
    }
    const swallow = (): void => undefined; // status-thread errors after open: the SPI sees 'end'
    pcsc.on('error', swallow);
    try {
      const reader = await findPcscReader(pcsc, name, options.timeoutMs ?? 5000);
      const spi = new PcscReaderSpi(reader, options);
      // The binding reports the reader's first state just after listing it: wait for it, so
      // isCardPresent() is true for a card already in the reader.
      await spi.statusKnown(Math.min(options.timeoutMs ?? 5000, 2000));
      return new PcscReader(spi, pcsc, reader, options.trace);
    } catch (e) {
      for (const r of Object.values(pcsc.readers)) r.close();
      pcsc.close();
      throw e;
    }
  }

  /**
   * Disconnects (best effort), stops the status watch of every reader of the context (the
   * binding watches each reader pcscd lists, vpcd's two slots included: one left open keeps Node
   * alive) and closes the PC/SC context.
   */
  async close(): Promise<void> {
    await this.disconnect().catch(() => undefined);
    this.pcscSpi.detach();
    const readers = new Set([this.pcscReader, ...Object.values(this.pcsc.readers)]);
    for (const r of readers) {
      // Keep a listener: the binding may still emit 'error' while its threads stop.
      r.on('error', () => undefined);
      r.close();
    }
    this.pcsc.close();
  }
}
