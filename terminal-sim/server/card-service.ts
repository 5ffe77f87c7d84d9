/**
 * The cards behind the HTTP API: issuing into the store, summaries read from stored images, and
 * the open (powered) cards of this server process. APDUs go through StoredCard, so each change
 * is saved before the reply leaves (issue 5, "Storage"). Tear faults and power state live only
 * in this process: a card first used here is powered on (as if inserted); after a tear it stays
 * unpowered until /reset.
 */
import { cardFromImage, CardPowerError, issueCardImage, PROFILES } from '../../engine/index.js';
import type { Card, CardImage, Clock, TearSpec } from '../../engine/index.js';
import { CardNotFoundError, StoreConflictError, StoredCard, StoredCardFailedError } from '../store/index.js';
import type { CardStore } from '../store/index.js';
import { appsOf, transitOf } from './card-views.js';
import type { AppView, TransitView } from './card-views.js';
import { ApiError } from './errors.js';
import { KeyedLock } from './keyed-lock.js';

export interface CardSummaryView {
  id: string;
  serial: string;
  profile: string;
  algorithm: string;
  cardType: number;
  balanceFen: number;
}

export interface CardDetailView extends CardSummaryView {
  counters: { online: number; offline: number };
  /** The PC/SC slot holding the card, or null. */
  reader: string | null;
  transit: TransitView;
  apps: AppView[];
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface CreateCardInput {
  profile?: string;
  algorithm?: '3des' | 'sm4';
  holder?: { name?: string };
  balanceFen?: number;
  seed?: number;
}

/** Makes a card id from the issued card's serial and seed; must be deterministic in tests. */
export type CardIdGenerator = (card: { serial: string; seed: number }) => string;

export const defaultCardId: CardIdGenerator = ({ serial }) => `card-${serial}`;

/** Purse cells of the transit application (engine/apps/transit). */
const BALANCE_CELL = 'p:3f00/1001:balance';
const ONLINE_COUNTER_CELL = 'p:3f00/1001:online-counter';
const OFFLINE_COUNTER_CELL = 'p:3f00/1001:offline-counter';

function uint(bytes: Uint8Array | undefined): number {
  let v = 0;
  for (const b of bytes ?? []) v = v * 256 + b;
  return v;
}

/** The lock key of a card's flows. */
export function cardKey(id: string): string {
  return `card:${id}`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export interface CardServiceOptions {
  store: CardStore;
  now: () => number;
  /** Base of the seeds given to cards created without one (seedBase + 1, + 2, …). */
  seedBase?: number;
  newId?: CardIdGenerator;
  /**
   * Cards kept open in memory at most (default DEFAULT_MAX_OPEN_CARDS): beyond it, the least
   * recently used are closed. Their state is in the store already (every change is saved before
   * its reply); a closed card's next use powers it on afresh, as if taken out of the field and
   * presented again — its volatile state (the selected application, a verified PIN, an
   * INITIALIZE waiting for its DEBIT) is gone. Never closed: a card in a flow, in a PC/SC slot,
   * unpowered (a torn card waits for its reset) or with a tear armed.
   */
  maxOpenCards?: number;
}

/** See CardServiceOptions.maxOpenCards: about 16 KB each, 160 MB for this many. */
export const DEFAULT_MAX_OPEN_CARDS = 10_000;

/** What a PC/SC slot drives: power and APDUs of one stored card (VpcdSlot's CardLike). */
export interface SlotCard {
  powerOn(): Uint8Array;
  powerOff(): void;
  transmit(apdu: Uint8Array): Uint8Array;
  /**
   * One APDU whose answer waits until what it wrote is durable, saved through the store's group
   * commit (the card's patch, sharing a commit with the taps and HTTP APDUs of the moment) rather
   * than as the whole image in a transaction of its own. VpcdSlot sends C-APDUs here.
   */
  transmitAsync(apdu: Uint8Array): Promise<Uint8Array>;
  /** The card's ATR, known without powering it (pcscd asks every ~400 ms). */
  readonly atr: Uint8Array;
}

export class CardService {
  /** Card flows (taps, loads) and terminal flows hold `card:<id>` / `terminal:<id>` here. */
  readonly locks = new KeyedLock();
  private readonly open = new Map<string, StoredCard>();
  /** Cards inserted in a PC/SC slot: the slot's name. The slot's client owns the card's session. */
  private readonly inReader = new Map<string, string>();
  private readonly clock: Clock;
  private readonly store: CardStore;
  private readonly newId: CardIdGenerator;
  private nextSeed: number;
  private readonly maxOpen: number;

  /** @throws RangeError for a maxOpenCards that is not a positive integer */
  constructor(opts: CardServiceOptions) {
    this.store = opts.store;
    this.clock = { now: opts.now };
    this.newId = opts.newId ?? defaultCardId;
    this.nextSeed = (opts.seedBase ?? 0) + 1;
    const max = opts.maxOpenCards ?? DEFAULT_MAX_OPEN_CARDS;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`"maxOpenCards" expected a positive integer, got ${String(max)}`);
    this.maxOpen = max;
  }

  /** How many cards are open in memory now (diagnostics and tests). */
  get openCount(): number {
    return this.open.size;
  }

  /** The most kept open (CardServiceOptions.maxOpenCards). */
  get maxOpenCards(): number {
    return this.maxOpen;
  }

  /** Issues a card into the store. @throws ApiError BAD_CARD_OPTIONS, CARD_EXISTS */
  create(input: CreateCardInput): CardSummaryView {
    if (input.profile !== undefined && !Object.hasOwn(PROFILES, input.profile)) {
      throw new ApiError('BAD_CARD_OPTIONS', { detail: `"profile" expected one of ${Object.keys(PROFILES).join(', ')}, got ${JSON.stringify(input.profile)}` });
    }
    const explicitSeed = input.seed !== undefined;
    // Without a seed, take the next free one so the ids stay deterministic.
    for (let tries = 0; tries < 1000; tries++) {
      const seed = input.seed ?? this.nextSeed++;
      let image: CardImage;
      try {
        image = issueCardImage({
          seed,
          clock: this.clock,
          ...(input.profile !== undefined ? { profile: input.profile } : {}),
          ...(input.algorithm !== undefined ? { algorithm: input.algorithm } : {}),
          ...(input.balanceFen !== undefined ? { balanceFen: input.balanceFen } : {}),
          ...(input.holder?.name !== undefined ? { holder: { name: input.holder.name } } : {}),
        });
      } catch (e) {
        if (e instanceof RangeError) throw new ApiError('BAD_CARD_OPTIONS', { detail: e.message });
        throw e;
      }
      const id = this.newId({ serial: String(image.info.serial), seed });
      if (this.store.getStored(id)) {
        if (explicitSeed) throw new ApiError('CARD_EXISTS', { id });
        continue;
      }
      try {
        this.store.createCard(id, image);
      } catch (e) {
        if (e instanceof StoreConflictError) throw new ApiError('CARD_EXISTS', { id });
        throw e;
      }
      return this.summaryOf(id, cardFromImage(image));
    }
    throw new Error('no free card id after 1000 seeds');
  }

  /**
   * A page of cards in id order: at most `limit` after `afterId`, and the cursor of the next page
   * (null at the end). A closed card's summary is read from its stored image, without building
   * the card.
   */
  list(page: { afterId?: string; limit: number }): { cards: CardSummaryView[]; nextAfterId: string | null } {
    // One row more than asked tells whether another page follows; the store reads only these.
    const rows = this.store.listCards({ ...(page.afterId !== undefined ? { afterId: page.afterId } : {}), limit: page.limit + 1 });
    const more = rows.length > page.limit;
    const cards: CardSummaryView[] = [];
    for (const { id } of rows.slice(0, page.limit)) {
      const live = this.open.get(id)?.card;
      if (live) {
        cards.push(this.summaryOf(id, live));
        continue;
      }
      // Deleted since the listing was read: skipped; the page still ends where its rows end.
      const image = this.store.getImage(id);
      if (image) cards.push(summaryOfImage(id, image));
    }
    return { cards, nextAfterId: more && page.limit > 0 ? rows[page.limit - 1].id : null };
  }

  /** @throws ApiError UNKNOWN_CARD */
  detail(id: string): CardDetailView {
    const stored = this.store.getStored(id);
    const row = stored && this.store.getSummary(id);
    if (!stored || !row) throw new ApiError('UNKNOWN_CARD', { id });
    const card = this.view(id, stored.image);
    return {
      ...this.summaryOf(id, card),
      counters: { online: uint(card.peekCell(ONLINE_COUNTER_CELL)), offline: uint(card.peekCell(OFFLINE_COUNTER_CELL)) },
      reader: this.inReader.get(id) ?? null,
      transit: transitOf(card),
      apps: appsOf(card),
      version: stored.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  /** @throws ApiError UNKNOWN_CARD */
  remove(id: string): void {
    this.notHeld(id);
    this.open.delete(id);
    if (!this.store.deleteCard(id)) throw new ApiError('UNKNOWN_CARD', { id });
  }

  /** Cold reset: power off, power on (recovering any torn commit, saved). @returns the ATR hex. */
  reset(id: string): string {
    this.notHeld(id);
    return this.guard(id, (sc) => {
      sc.powerOff();
      return hex(sc.powerOn());
    });
  }

  /**
   * One APDU, resolved once any change it made is durable: saved as a patch in the store's group
   * commit (StoredCard.transmitGrouped), so many cards' APDUs share one fsync. The card's lock is
   * held until then: an APDU waits for the one before it on the same card, or for a tap.
   * @throws ApiError CARD_TORN, CARD_NOT_POWERED, CARD_IN_READER, CARD_CONFLICT, UNKNOWN_CARD
   */
  async transmit(id: string, apdu: Uint8Array): Promise<{ response: string; sw: string }> {
    this.notInReader(id);
    return this.locks.run([cardKey(id)], async () => {
      // Checked again: a PC/SC slot may have taken the card while this waited.
      this.notInReader(id);
      let resp: Uint8Array;
      try {
        resp = await this.guardAsync(id, (sc) => sc.transmitGrouped(apdu));
      } catch (e) {
        if (e instanceof CardPowerError) {
          if (e.torn) throw new ApiError('CARD_TORN', { id, detail: e.message });
          throw new ApiError('CARD_NOT_POWERED', { id });
        }
        throw e;
      }
      return { response: hex(resp.subarray(0, resp.length - 2)), sw: hex(resp.subarray(resp.length - 2)) };
    });
  }

  /** Arms a tear on the card's coming APDUs (this process only). */
  injectTear(id: string, spec: TearSpec): TearSpec {
    this.notBusy(id);
    return this.guard(id, (sc) => {
      try {
        sc.card.injectTear(spec);
      } catch (e) {
        if (e instanceof RangeError) throw new ApiError('BAD_REQUEST', { detail: e.message });
        throw e;
      }
      return { ...spec };
    });
  }

  /**
   * Runs an async flow (a tap, a load) on the card's session while holding the card's lock.
   * @throws ApiError UNKNOWN_CARD, CARD_IN_READER
   */
  async withCard<T>(id: string, f: (sc: StoredCard) => Promise<T>): Promise<T> {
    return this.locks.run([cardKey(id)], async () => {
      this.notInReader(id);
      const sc = this.session(id);
      try {
        return await f(sc);
      } catch (e) {
        this.forgetIfFailed(id, e);
        throw e;
      }
    });
  }

  /**
   * Puts the card in a PC/SC slot named `slot`: from now on only `slotCard` drives it (HTTP
   * APDUs and taps get CARD_IN_READER). @throws ApiError UNKNOWN_CARD, CARD_IN_READER, CARD_BUSY
   */
  claimForReader(id: string, slot: string): SlotCard {
    this.notHeld(id);
    this.session(id);
    this.inReader.set(id, slot);
    const run = <T>(f: (sc: StoredCard) => T): T => this.guard(id, f);
    return {
      powerOn: () => run((sc) => (sc.powerOff(), sc.powerOn())),
      powerOff: () => run((sc) => sc.powerOff()),
      transmit: (apdu) => run((sc) => sc.transmit(apdu)),
      // Under the card's lock, as an HTTP APDU: releaseFromReader waits for a save in flight.
      transmitAsync: (apdu) => this.locks.run([cardKey(id)], () => this.guardAsync(id, (sc) => sc.transmitGrouped(apdu))),
      get atr() {
        return run((sc) => sc.card.atr);
      },
    };
  }

  /**
   * Takes the card back from its PC/SC slot; it is powered again for the HTTP API unless it was
   * torn out (then it waits for POST /v1/cards/:id/reset, as after a torn HTTP APDU). An APDU
   * from the slot still saving holds the card's lock: the card comes back once that save has
   * settled, and the promise resolves then (at once otherwise).
   */
  releaseFromReader(id: string, opts: { torn?: boolean } = {}): Promise<void> {
    if (!this.inReader.has(id)) return Promise.resolve();
    return this.locks.run([cardKey(id)], async () => {
      if (!this.inReader.delete(id)) return;
      const sc = this.open.get(id);
      if (sc && !opts.torn && !sc.card.isPowered) {
        try {
          sc.powerOn();
        } catch {
          this.open.delete(id);
        }
      }
    });
  }

  /** The PC/SC slot holding the card, if any. */
  readerOf(id: string): string | undefined {
    return this.inReader.get(id);
  }

  /** Forgets the open cards (their state is in the store). */
  close(): void {
    this.open.clear();
    this.inReader.clear();
  }

  /** @throws ApiError CARD_IN_READER, CARD_BUSY */
  private notHeld(id: string): void {
    this.notInReader(id);
    this.notBusy(id);
  }

  private notInReader(id: string): void {
    const slot = this.inReader.get(id);
    if (slot !== undefined) throw new ApiError('CARD_IN_READER', { id, slot });
  }

  private notBusy(id: string): void {
    if (this.locks.isHeld(cardKey(id))) throw new ApiError('CARD_BUSY', { id });
  }

  /** After a store failure the in-memory card is ahead of the store: drop it (reopened next use). */
  private forgetIfFailed(id: string, e: unknown): void {
    if (e instanceof StoredCardFailedError || e instanceof StoreConflictError) this.open.delete(id);
  }

  private guard<T>(id: string, f: (sc: StoredCard) => T): T {
    const sc = this.session(id);
    try {
      return f(sc);
    } catch (e) {
      throw this.failure(id, e);
    }
  }

  /** As guard, for a call whose failure comes as a rejection (a grouped save). */
  private async guardAsync<T>(id: string, f: (sc: StoredCard) => Promise<T>): Promise<T> {
    const sc = this.session(id);
    try {
      return await f(sc);
    } catch (e) {
      throw this.failure(id, e);
    }
  }

  /** What a failed card call throws: the card forgotten after a store failure, a lost race as CARD_CONFLICT, else the error itself. */
  private failure(id: string, e: unknown): unknown {
    this.forgetIfFailed(id, e);
    return e instanceof StoreConflictError ? new ApiError('CARD_CONFLICT', { id }) : e;
  }

  private session(id: string): StoredCard {
    let sc = this.open.get(id);
    if (sc) {
      // Most recently used last: the map's order is the close order (closeIdle).
      this.open.delete(id);
      this.open.set(id, sc);
      return sc;
    }
    try {
      sc = StoredCard.open(this.store, id, { clock: this.clock });
    } catch (e) {
      if (e instanceof CardNotFoundError) throw new ApiError('UNKNOWN_CARD', { id });
      throw e;
    }
    sc.powerOn();
    this.open.set(id, sc);
    this.closeIdle(id);
    return sc;
  }

  /**
   * Closes the least recently used cards beyond maxOpen, except `opening` and those whose state
   * memory alone holds (CardServiceOptions.maxOpenCards).
   */
  private closeIdle(opening: string): void {
    for (const [id, sc] of this.open) {
      if (this.open.size <= this.maxOpen) return;
      const keep = id === opening || this.inReader.has(id) || this.locks.isHeld(cardKey(id)) || !sc.card.isPowered || sc.card.tearArmed;
      if (!keep) this.open.delete(id);
    }
  }

  /** A card to read cells from: the open one when there is one, else built from the image. */
  private view(id: string, image: CardImage): Card {
    return this.open.get(id)?.card ?? cardFromImage(image);
  }

  private summaryOf(id: string, card: Card): CardSummaryView {
    return summaryFrom(id, card.info, uint(card.peekCell(BALANCE_CELL)));
  }
}

function summaryFrom(id: string, info: CardImage['info'], balanceFen: number): CardSummaryView {
  return {
    id,
    serial: String(info.serial ?? ''),
    profile: String(info.profile ?? ''),
    algorithm: String(info.algorithm ?? ''),
    cardType: Number(info.cardType ?? 0),
    balanceFen,
  };
}

/** summaryOf from the stored image: the purse balance cell's hex, no card built. */
function summaryOfImage(id: string, image: CardImage): CardSummaryView {
  const hex = image.nvm.cells[BALANCE_CELL];
  return summaryFrom(id, image.info ?? {}, hex === undefined ? 0 : parseInt(hex, 16));
}
