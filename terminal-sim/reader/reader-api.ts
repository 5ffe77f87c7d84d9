/**
 * The reader API terminals use (Keyple's "card reader" API): connect, exchange APDUs,
 * disconnect — and nothing about how the card is reached. Terminals take a `Reader` for the
 * card and one for their PSAM, so the same terminal code runs over the in-process
 * MemoryReader, vpcd, PC/SC or HTTP.
 */
import type { ApduTraceHook } from './trace.js';

export interface TransmitOptions {
  /** What the command is, for the trace ('DEBIT FOR CAPP PURCHASE'). */
  label?: string;
  /** The command or its response carries secret data: the trace redacts both data fields. */
  sensitive?: boolean;
}

export interface Reader {
  readonly name: string;
  /** True when a card is in the field. */
  isCardPresent(): boolean;
  /**
   * Powers the card (a cold reset when already connected: volatile card state is lost).
   * @returns the ATR.
   * @throws CardRemovedError when no card is present; ReaderError when the reader fails.
   */
  connect(): Promise<Uint8Array>;
  /** True between a successful connect() and disconnect() or the card's loss. */
  readonly isConnected: boolean;
  /**
   * Sends one command APDU.
   * @returns response data ‖ SW1 SW2 (a new array). Status words are not interpreted here.
   * @throws CardRemovedError when the card is absent or lost power before answering (the
   *   reader is then disconnected); ReaderError when not connected or the reader fails.
   */
  transmit(apdu: Uint8Array, options?: TransmitOptions): Promise<Uint8Array>;
  /**
   * Present only on readers whose transport answers in-process (SpiReader over an SPI with
   * transmitApduSync): `transmit` without a promise — same contract, errors thrown. runCommand
   * uses it to run a whole command without an async frame.
   */
  readonly transmitSync?: (apdu: Uint8Array, options?: TransmitOptions) => Uint8Array;
  /** Powers the card off; safe to call at any time. */
  disconnect(): Promise<void>;
  /** Installs (or, with undefined, removes) the APDU trace hook. */
  setTrace(hook: ApduTraceHook | undefined): void;
}
