/**
 * The reader SPI: what a transport implements (Eclipse Keyple's split between the SPI a reader
 * plug-in provides and the API a terminal uses). Implementations: the in-process
 * {@link MemoryReaderSpi} now; vpcd, PC/SC and HTTP transports later, behind this same
 * interface. Terminals never see an SPI: they get a {@link Reader} (./reader-api.ts).
 *
 * Contract: methods throw only CardRemovedError (no card, or the card left / lost power before
 * answering) or ReaderError (anything else); {@link SpiReader} wraps any other exception into a
 * ReaderError. Bytes in and out are fresh arrays the other side may keep.
 */

export interface ReaderSpi {
  /** Reader name, unique on its host (PC/SC names readers; vpcd numbers slots). */
  readonly name: string;
  /** True when a card is in the field (inserted / in the slot). */
  isCardPresent(): boolean;
  /** Powers the card (cold reset) and returns its ATR. */
  powerOn(): Promise<Uint8Array>;
  /** One APDU exchange at the transport level: command in, response data ‖ SW1 SW2 out. */
  transmitApdu(apdu: Uint8Array): Promise<Uint8Array>;
  /** Removes power from the card (no-op when there is no card). */
  powerOff(): Promise<void>;
  /**
   * Optional synchronous forms of the three calls, for in-process transports: the same
   * contract, answered without a promise. {@link SpiReader} prefers them, which saves an async
   * frame and a microtask on every APDU — an exit tap sends ten; with runCommand's synchronous
   * path, ×1.25 on a gate exit tap's median (same run). A transport
   * that has them must not keep the `apdu` given to `transmitApduSync` (the reader passes the
   * caller's array, uncopied).
   */
  powerOnSync?(): Uint8Array;
  transmitApduSync?(apdu: Uint8Array): Uint8Array;
  powerOffSync?(): void;
}
