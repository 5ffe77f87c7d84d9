/**
 * A card backed by a CardStore: durability before acknowledgement (issue 5, "Storage"). After
 * every APDU that may have changed the card, the new image is saved — one committed store
 * transaction — before the response is returned; a tear's half-commit (the card's own NVM
 * journal) is saved too, so the next power-on recovers it as the card would.
 *
 * A terminal flow that also writes the transaction journal runs inside `run` / `runSync`: the
 * per-APDU saves are held while the flow talks to the card in-process, and the image and the
 * flow's journal records (and the terminal's state) are saved in one transaction before the
 * flow's result is returned — so a debit's card state never lands without its journal record,
 * and a tap answered 200 is in the journal. (Held responses only reach the in-process terminal;
 * nothing leaves the process before the save.) With a store that groups commits (SQLite), `run`
 * joins the event-loop turn's group commit: one fsync for many taps, each still durable before
 * its answer.
 *
 * Detecting "may have changed": after an APDU whose status word says NVM may have changed (9000,
 * 61xx, 6Cxx, 62xx and every SW whose table entry says so), the card's `generation` — moved by
 * every commit, every random drawn and every recovery — tells whether anything did; only then is
 * the card's patch since the last save taken (Card.imagePatch: the cells replaced, the NVM
 * journal, the rng position — a card rebuilt after a crash must not replay a random it already
 * gave out). A grouped save sends that patch, not the image; the other saves send the image.
 */
import { CardPowerError, cardFromImage, isSuccess, swInfo } from '../../engine/index.js';
import type { Card, CardImage, CardImageMark, Clock, Rng } from '../../engine/index.js';
import type { JournalRecord } from '../clearing/journal.js';
import { CardNotFoundError } from './card-store.js';
import type { CardMeta, CardStore, LateTerminalStateWrite, TerminalStateWrite } from './card-store.js';

export interface StoredCardOptions {
  clock?: Clock;
  rng?: Rng;
}

/** What a flow run by StoredCard.run returns: its value and the journal records it wrote. */
export interface JournaledResult<T> {
  value: T;
  records: readonly JournalRecord[];
  /**
   * A terminal state to save in the same transaction (the terminal's PSAM and pending list).
   * `state()` is called when the write is committed — at once, or at the group commit — and
   * returns undefined when the terminal has not changed since its last save.
   */
  terminal?: LateTerminalStateWrite;
}

/** The stored card failed to persist earlier: its in-memory state is not trusted any more. */
export class StoredCardFailedError extends Error {
  override name = 'StoredCardFailedError';
  constructor(cardId: string, options?: { cause?: unknown }) {
    super(`card "${cardId}" failed to persist; reopen it from the store`, options);
  }
}

/** True when the APDU that answered `sw` may have committed NVM (see the module comment). */
export function swMayHaveWritten(sw: number): boolean {
  const hi = sw & 0xff00;
  return isSuccess(sw) || hi === 0x6c00 || hi === 0x6200 || swInfo(sw).nvmMayChange;
}

export class StoredCard {
  readonly card: Card;
  private ver: number;
  /** The image's changing parts as last saved (what the store holds at `ver`). */
  private savedMark: CardImageMark;
  /** The card's generation when `savedMark` was taken: unchanged means nothing to save. */
  private savedGen: number;
  private holding = false;
  /** A grouped save is in flight: a synchronous save now would race it. */
  private committing = false;
  private failed: unknown;

  private constructor(
    private readonly store: CardStore,
    readonly id: string,
    image: CardImage,
    version: number,
    opts: StoredCardOptions,
  ) {
    this.card = cardFromImage(image, opts);
    this.ver = version;
    this.savedMark = this.card.imageMark();
    this.savedGen = this.card.generation;
  }

  /** Loads a card from the store. @throws CardNotFoundError */
  static open(store: CardStore, id: string, opts: StoredCardOptions = {}): StoredCard {
    const s = store.getStored(id);
    if (!s) throw new CardNotFoundError(id);
    return new StoredCard(store, id, s.image, s.version, opts);
  }

  /** Stores a new card and opens it. @throws StoreConflictError when the id exists. */
  static create(store: CardStore, id: string, image: CardImage, meta?: CardMeta, opts: StoredCardOptions = {}): StoredCard {
    store.createCard(id, image, meta);
    return StoredCard.open(store, id, opts);
  }

  /** The stored version this card's state matches (after the last save). */
  get version(): number {
    return this.ver;
  }

  /** Powers the card; NVM recovery of a torn commit is saved before the ATR is returned. */
  powerOn(): Uint8Array {
    this.usable();
    const atr = this.card.powerOn();
    this.persistIfChanged();
    return atr;
  }

  powerOff(): void {
    this.card.powerOff();
  }

  /**
   * One APDU; any change it made is saved before the response is returned (unless a `run`
   * flow holds the saves). A tear's state is saved before the CardPowerError is rethrown.
   * @throws CardPowerError, the store's errors, StoredCardFailedError
   */
  transmit(apdu: Uint8Array): Uint8Array {
    this.usable();
    const resp = this.exchange(apdu);
    if (!this.holding && mayHaveWritten(resp)) this.persistIfChanged();
    return resp;
  }

  /** The card's answer; when power is lost mid-command, the torn state is saved (outside a flow) before the CardPowerError is rethrown. */
  private exchange(apdu: Uint8Array): Uint8Array {
    try {
      return this.card.transmit(apdu);
    } catch (e) {
      if (e instanceof CardPowerError && e.torn && !this.holding) this.persistIfChanged();
      throw e;
    }
  }

  /**
   * As transmit, for a caller that can wait (the HTTP and WebSocket APDU routes): a command that
   * may have written is saved through the store's group commit when it has one — the card's
   * patch, sharing one commit with the turn's other saves, instead of the whole image in a
   * transaction of its own — and the promise resolves once that is durable. The caller starts
   * nothing else on this card until it settles. A tear's state is saved (synchronously) before
   * the CardPowerError is rethrown, as in transmit.
   * @throws CardPowerError, the store's errors, StoredCardFailedError
   */
  async transmitGrouped(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.store.saveChangeAndJournalGrouped) return this.transmit(apdu);
    this.usable();
    if (this.holding) throw new Error('StoredCard.transmitGrouped inside a run* flow: use transmit');
    const resp = this.exchange(apdu);
    if (mayHaveWritten(resp)) await this.persistGrouped([]);
    return resp;
  }

  /**
   * Runs a synchronous terminal flow against `this.card` (or this.transmit) as one durable
   * unit: returns only after the card image and the flow's journal records are committed
   * together. A flow that throws still has its card changes saved (the card did commit them:
   * the 闪卡 case, which clearing recovers), then the error is rethrown.
   */
  runSync<T>(flow: () => JournaledResult<T>): T {
    this.usable();
    if (this.holding) throw new Error('StoredCard.run* does not nest');
    this.holding = true;
    let result: JournaledResult<T>;
    try {
      result = flow();
    } catch (e) {
      this.holding = false;
      this.persistIfChanged();
      throw e;
    }
    this.holding = false;
    this.persist(result.records, result.terminal);
    return result.value;
  }

  /**
   * As runSync, for an async flow (the terminals' flows). Callers serialise flows per card and
   * start nothing else on this card until the promise settles. With a store that groups commits
   * (SQLite), the save joins the event-loop turn's group commit: many taps, one fsync.
   */
  async run<T>(flow: () => Promise<JournaledResult<T>>): Promise<T> {
    this.usable();
    if (this.holding) throw new Error('StoredCard.run* does not nest');
    this.holding = true;
    let result: JournaledResult<T>;
    try {
      result = await flow();
    } catch (e) {
      this.holding = false;
      this.persistIfChanged();
      throw e;
    }
    this.holding = false;
    if (this.store.saveChangeAndJournalGrouped) await this.persistGrouped(result.records, result.terminal);
    else this.persist(result.records, result.terminal);
    return result.value;
  }

  /**
   * persist() through the store's group commit, sending the card's patch since the last save.
   * The store may ask for the whole image when it commits (to fold its patches): until the save
   * settles, the card must not change — callers start nothing else on it (see run), and usable()
   * refuses this object's own calls.
   */
  private async persistGrouped(records: readonly JournalRecord[], terminal?: LateTerminalStateWrite): Promise<void> {
    const gen = this.card.generation;
    const extra = records.length > 0 || terminal !== undefined;
    if (gen === this.savedGen && !extra) return;
    const patch = gen === this.savedGen ? undefined : this.card.imagePatch(this.savedMark);
    if (!patch && !extra) {
      this.savedGen = gen;
      return;
    }
    const mark = patch ? this.card.imageMark() : this.savedMark;
    this.committing = true;
    try {
      this.ver = await this.store.saveChangeAndJournalGrouped!(this.id, { patch: patch ?? {}, image: () => this.card.toJSON() }, records, this.ver, terminal);
    } catch (e) {
      this.failed = e;
      throw e;
    } finally {
      this.committing = false;
    }
    this.savedMark = mark;
    this.savedGen = gen;
  }

  private persistIfChanged(): void {
    this.persist([]);
  }

  /** Saves the image when it changed, or with records or a terminal state always (one store transaction). */
  private persist(records: readonly JournalRecord[], late?: LateTerminalStateWrite): void {
    const lateState = late?.state();
    const terminal: TerminalStateWrite | undefined = late && lateState !== undefined ? { id: late.id, state: lateState } : undefined;
    // The card's generation moves on every commit and every random drawn: when it has not
    // moved, the image is the saved one, and looking for changes (most APDUs are reads) is skipped.
    const gen = this.card.generation;
    const extra = records.length > 0 || terminal !== undefined;
    if (gen === this.savedGen && !extra) return;
    const changed = gen !== this.savedGen && this.card.imagePatch(this.savedMark) !== undefined;
    if (!changed && !extra) {
      this.savedGen = gen;
      return;
    }
    const mark = changed ? this.card.imageMark() : this.savedMark;
    try {
      this.ver = !changed && terminal === undefined ? this.saveJournalOnly(records) : this.store.saveImageAndJournal(this.id, this.card.toJSON(), records, this.ver, terminal);
    } catch (e) {
      // The in-memory card is now ahead of (or beside) the stored one: refuse further use.
      this.failed = e;
      throw e;
    }
    this.savedMark = mark;
    this.savedGen = gen;
  }

  private saveJournalOnly(records: readonly JournalRecord[]): number {
    this.store.appendJournal(records, this.id);
    return this.ver;
  }

  private usable(): void {
    if (this.failed !== undefined) throw new StoredCardFailedError(this.id, { cause: this.failed });
    if (this.committing) throw new Error(`StoredCard "${this.id}": a grouped save is in flight; wait for the flow to settle`);
  }
}

/** swMayHaveWritten of a response's status word (its last two bytes). */
function mayHaveWritten(resp: Uint8Array): boolean {
  return swMayHaveWritten((resp[resp.length - 2] << 8) | resp[resp.length - 1]);
}
