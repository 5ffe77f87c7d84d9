/**
 * Transport-level failures a terminal sees through the {@link Reader} API (Keyple's split:
 * "card removed" and "reader failure" are distinct, and neither is a card status word):
 *
 * - {@link CardRemovedError}: no card in the field, or the card left it / lost power while a
 *   command was on its way (闪卡, a tear). A terminal must then assume the command MAY have run
 *   (DOMAIN.md §3 "Atomicity": a card pulled before the response may or may not have debited).
 * - {@link ReaderError}: the reader itself failed (transport down, misuse such as transmit
 *   without connect, an unexpected exception from a transport).
 *
 * Card answers with an error status word are CardCommandError (./command-errors.ts).
 */

/** The card is absent or was removed (or torn) before it answered. */
export class CardRemovedError extends Error {
  override name = 'CardRemovedError';
  /** The reader that lost the card. */
  readonly reader: string;
  constructor(reader: string, message: string, options?: { cause?: unknown }) {
    super(`${reader}: ${message}`, options);
    this.reader = reader;
  }
}

/** The reader or its transport failed; the card's state is unknown. */
export class ReaderError extends Error {
  override name = 'ReaderError';
  readonly reader: string;
  constructor(reader: string, message: string, options?: { cause?: unknown }) {
    super(`${reader}: ${message}`, options);
    this.reader = reader;
  }
}
