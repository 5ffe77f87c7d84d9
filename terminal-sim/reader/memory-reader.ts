/**
 * The in-process transport: a simulated card (engine Card) in a simulated field. The card's own
 * power model does the work — `powerOn()` runs NVM recovery, `transmit()` runs one APDU in a
 * transaction — and this SPI only translates failures: a CardPowerError (the card was not
 * powered, or an injected tear cut power mid-command) or no card → CardRemovedError; a torn card
 * also leaves the field, as a card pulled away does, and must be inserted again. Anything else
 * the card throws (it should not) → ReaderError.
 */
import { CardPowerError } from '../../engine/index.js';
import type { Card } from '../../engine/index.js';
import { CardRemovedError, ReaderError } from './errors.js';
import type { ReaderSpi } from './reader-spi.js';
import { SpiReader } from './spi-reader.js';
import type { ApduTraceHook } from './trace.js';

/** The SPI side of the in-process reader. */
export class MemoryReaderSpi implements ReaderSpi {
  private card: Card | undefined;

  constructor(readonly name: string) {}

  /** The card in the field, if any. */
  get currentCard(): Card | undefined {
    return this.card;
  }

  /** Puts a card in the field (replacing any other, which is powered off). */
  insertCard(card: Card): void {
    if (this.card && this.card !== card) this.card.powerOff();
    this.card = card;
  }

  /** Takes the card out of the field (it loses power). */
  removeCard(): Card | undefined {
    const c = this.card;
    this.card = undefined;
    c?.powerOff();
    return c;
  }

  isCardPresent(): boolean {
    return this.card !== undefined;
  }

  async powerOn(): Promise<Uint8Array> {
    return this.powerOnSync();
  }

  powerOnSync(): Uint8Array {
    const card = this.present();
    try {
      card.powerOff();
      return card.powerOn();
    } catch (e) {
      throw new ReaderError(this.name, `power-on failed: ${(e as Error).message}`, { cause: e });
    }
  }

  async transmitApdu(apdu: Uint8Array): Promise<Uint8Array> {
    return this.transmitApduSync(apdu);
  }

  /** The card copies what it keeps of `apdu` (Card.transmit), so this never keeps it. */
  transmitApduSync(apdu: Uint8Array): Uint8Array {
    const card = this.present();
    try {
      return card.transmit(apdu);
    } catch (e) {
      if (e instanceof CardPowerError) {
        // A tear is the card leaving the field mid-command: it is gone until inserted again.
        if (e.torn) this.card = undefined;
        throw new CardRemovedError(this.name, e.torn ? `card removed mid-command (${e.message})` : 'card not powered', { cause: e });
      }
      throw new ReaderError(this.name, `card failure: ${(e as Error).message}`, { cause: e });
    }
  }

  async powerOff(): Promise<void> {
    this.powerOffSync();
  }

  powerOffSync(): void {
    this.card?.powerOff();
  }

  private present(): Card {
    if (!this.card) throw new CardRemovedError(this.name, 'no card in the field');
    return this.card;
  }
}

/**
 * An in-process reader: the {@link Reader} API plus the test bench's hands
 * (`insertCard`, `removeCard`).
 */
export class MemoryReader extends SpiReader {
  declare protected readonly spi: MemoryReaderSpi;

  constructor(name: string, options: { card?: Card; trace?: ApduTraceHook } = {}) {
    super(new MemoryReaderSpi(name), options);
    if (options.card) this.spi.insertCard(options.card);
  }

  /** The card in the field, if any. */
  get card(): Card | undefined {
    return this.spi.currentCard;
  }

  /** Puts `card` in the field; connect() powers it. */
  insertCard(card: Card): void {
    this.spi.insertCard(card);
  }

  /** Takes the card out (it loses power; the reader is disconnected). */
  removeCard(): Card | undefined {
    const c = this.spi.removeCard();
    void this.disconnect();
    return c;
  }
}
