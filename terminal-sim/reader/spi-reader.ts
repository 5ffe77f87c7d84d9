/**
 * {@link SpiReader}: the {@link Reader} API over any {@link ReaderSpi} — connection state, the
 * trace hook, and the error contract (anything a transport throws that is not CardRemovedError
 * becomes a ReaderError, so terminals handle exactly two transport failures).
 */
import { abytes, bytesToHex } from '../../crypto/utils.js';
import { CardRemovedError, ReaderError } from './errors.js';
import type { Reader, TransmitOptions } from './reader-api.js';
import type { ReaderSpi } from './reader-spi.js';
import type { ApduTraceEvent, ApduTraceHook } from './trace.js';
import { traceCommandHex, traceResponseHex } from './trace.js';

export class SpiReader implements Reader {
  private connected = false;
  private trace: ApduTraceHook | undefined;

  constructor(
    protected readonly spi: ReaderSpi,
    options: { trace?: ApduTraceHook } = {},
  ) {
    this.trace = options.trace;
  }

  get name(): string {
    return this.spi.name;
  }

  get isConnected(): boolean {
    return this.connected && this.spi.isCardPresent();
  }

  isCardPresent(): boolean {
    return this.spi.isCardPresent();
  }

  setTrace(hook: ApduTraceHook | undefined): void {
    this.trace = hook;
  }

  /** @see Reader.connect */
  async connect(): Promise<Uint8Array> {
    this.connected = false;
    const atr = await this.guard(() => this.spi.powerOn());
    this.connected = true;
    this.emit({ kind: 'connect', reader: this.name, atr: bytesToHex(atr) });
    return atr;
  }

  /** @see Reader.transmit */
  async transmit(apdu: Uint8Array, options: TransmitOptions = {}): Promise<Uint8Array> {
    abytes('apdu', apdu);
    const sensitive = options.sensitive === true;
    const command = traceCommandHex(apdu, sensitive);
    const event = (response: Uint8Array | undefined, error: string | undefined): ApduTraceEvent => ({
      kind: 'apdu',
      reader: this.name,
      label: options.label,
      command,
      response: response && traceResponseHex(response, sensitive),
      error,
      sensitive,
    });
    if (!this.connected) {
      const e = this.spi.isCardPresent() ? new ReaderError(this.name, 'transmit before connect()') : new CardRemovedError(this.name, 'no card in the field');
      this.emit(event(undefined, e.message));
      throw e;
    }
    try {
      const resp = await this.guard(() => this.spi.transmitApdu(apdu.slice()));
      this.emit(event(resp, undefined));
      return resp;
    } catch (e) {
      if (e instanceof CardRemovedError) this.connected = false;
      this.emit(event(undefined, (e as Error).message));
      throw e;
    }
  }

  /** @see Reader.disconnect */
  async disconnect(): Promise<void> {
    const was = this.connected;
    this.connected = false;
    await this.guard(() => this.spi.powerOff());
    if (was) this.emit({ kind: 'disconnect', reader: this.name });
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (e instanceof CardRemovedError || e instanceof ReaderError) throw e;
      throw new ReaderError(this.name, `transport failure: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }

  private emit(e: ApduTraceEvent): void {
    try {
      this.trace?.(e);
    } catch {
      // A broken trace hook must not break a payment.
    }
  }
}
