/**
 * Where card images and the transaction journal live (issue 5, "Storage"): one interface, two
 * implementations today — `MemoryCardStore` for throwaway runs (`--memory`) and tests,
 * `SqliteCardStore` (embedded SQLite, WAL) by default — so a server-grade store (PostgreSQL) can
 * follow without touching terminals or the server.
 *
 * A card image holds the card's keys: it goes to storage only, never to a client. Summaries carry
 * only the non-secret `info` facts (serial, profile) and the caller's metadata.
 *
 * Every write is all-or-nothing. `saveImageAndJournal` is the unit a terminal flow needs: a
 * debit's card state and its journal record land together or not at all, so after a crash every
 * card's balance still equals its loads minus its journaled debits.
 */
import type { CardImage, CardImagePatch } from '../../engine/index.js';
import type { JournalRecord } from '../clearing/journal.js';

/** Free-form, non-secret facts the caller keeps with a card (owner, label, session…). */
export type CardMeta = Record<string, string | number>;

/** One card in a listing: no image, no keys. */
export interface CardSummaryRow {
  id: string;
  /** Application serial from the image's `info` (20 digits), when present. */
  serial: string | undefined;
  /** Issue profile from the image's `info`, when present. */
  profile: string | undefined;
  meta: CardMeta;
  /** Starts at 1 and grows by one with every saved image. */
  version: number;
  /** Epoch ms from the store's `now()`. */
  createdAt: number;
  updatedAt: number;
}

/** A stored image with its version (for optimistic concurrency). */
export interface StoredImage {
  image: CardImage;
  version: number;
}

/** A journal record as stored: the record, the row id (append order) and where it belongs. */
export interface JournalRow extends JournalRecord {
  /** Autoincrement id: strictly increasing in append order, never reused. */
  id: number;
  /** The store's card the record was written with, if any (null once that card is deleted). */
  cardId: string | null;
  /** Epoch ms from the store's `now()` when the row was appended. */
  createdAt: number;
}

export interface JournalQuery {
  cardId?: string;
  /** Rows with createdAt ≥ since (epoch ms). */
  since?: number;
  /** Rows with id > afterId (a paging cursor). */
  afterId?: number;
  /** At most this many rows (oldest first). */
  limit?: number;
}

/** A terminal's kind: rail gate, bus validator, top-up point. */
export type TerminalKind = 'gate' | 'bus' | 'topup';

/**
 * A terminal as stored: its configuration (what it was created with) and its state (PSAM image,
 * pending transactions…) as JSON values. The state holds the PSAM's keys: storage only.
 */
export interface TerminalRow {
  id: string;
  kind: TerminalKind;
  config: unknown;
  state: unknown;
  /** Starts at 1 and grows by one with every saved state. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** A terminal state saved in the same transaction as a card image (a tap's whole effect). */
export interface TerminalStateWrite {
  id: string;
  state: unknown;
}

/**
 * A terminal state taken when the write is committed (group commit): `state()` returns the
 * terminal's state at that moment, or undefined when nothing changed since its last save.
 */
export interface LateTerminalStateWrite {
  id: string;
  state: () => unknown;
}

/**
 * A card's change since its saved version, for a grouped save: a tap rewrites a handful of NVM
 * cells, so a store keeps the patch instead of rewriting the whole image (7 KB of JSON, about a
 * third of a tap's server time when it was written in full — issue 5 "Speed").
 */
export interface CardImageChange {
  /** RFC 7396 merge patch from the image at the expected version to the new one (Card.imagePatch); {} for none. */
  patch: CardImagePatch;
  /** The whole new image, for a store that folds its patches into it now and then (called during the save, at most once). */
  image: () => CardImage;
}

/** CardStore.listCards: ids after `afterId` (exclusive), at most `limit` rows. */
export interface CardPage {
  afterId?: string;
  limit?: number;
}

export interface CardStore {
  /** @throws StoreConflictError when the id exists; RangeError for a bad id, image or meta. */
  createCard(id: string, image: CardImage, meta?: CardMeta): void;
  /** A fresh copy of the image (mutating it changes nothing stored). */
  getImage(id: string): CardImage | undefined;
  /** The image and its version. */
  getStored(id: string): StoredImage | undefined;
  /**
   * Cards ordered by id: every one, or a page — those after `afterId`, at most `limit` — read
   * without touching the others (a listing page costs its own rows, not the whole table).
   * @throws RangeError for a bad limit
   */
  listCards(page?: CardPage): CardSummaryRow[];
  /** One card's listing row (as listCards has it), without reading the others. */
  getSummary(id: string): CardSummaryRow | undefined;
  /** @returns false when there was no such card. Its journal rows stay, with cardId null. */
  deleteCard(id: string): boolean;
  /**
   * Replaces the image. With `expectedVersion`, only if the stored version is that one.
   * @returns the new version.
   * @throws CardNotFoundError; StoreConflictError when the version moved.
   */
  saveImage(id: string, image: CardImage, expectedVersion?: number): number;
  /**
   * Appends records (all or none), optionally tied to a card.
   * @throws RangeError naming the record and field; CardNotFoundError for an unknown cardId.
   */
  appendJournal(records: readonly JournalRecord[], cardId?: string): void;
  /**
   * Saves the image and appends the records tied to that card, in one transaction: both land
   * or neither does; with `terminal`, that terminal's state too (a tap: the card, the PSAM's
   * sequence number and the journal move together). @returns the new version.
   * @throws as saveImage and appendJournal; TerminalNotFoundError.
   */
  saveImageAndJournal(id: string, image: CardImage, records: readonly JournalRecord[], expectedVersion?: number, terminal?: TerminalStateWrite): number;
  /**
   * Group commit (optional; stores where a commit costs an fsync implement it): as
   * saveImageAndJournal, but the card's change comes as a patch over the image at
   * `expectedVersion`, and the write joins the others issued in the same event-loop turn in one
   * transaction — one fsync for all — and the promise settles once that transaction is durable.
   * A write that fails (a version conflict, an unknown card, a bad record) rejects alone. An empty patch saves the
   * records and terminal state only and keeps the version.
   * @returns the new version.
   */
  saveChangeAndJournalGrouped?(id: string, change: CardImageChange, records: readonly JournalRecord[], expectedVersion: number, terminal?: LateTerminalStateWrite): Promise<number>;
  /** @throws StoreConflictError when the id exists; RangeError for a bad id, kind or value. */
  createTerminal(id: string, kind: TerminalKind, config: unknown, state: unknown): void;
  getTerminal(id: string): TerminalRow | undefined;
  /** Every terminal, ordered by id. */
  listTerminals(): TerminalRow[];
  /** @returns false when there was no such terminal. */
  deleteTerminal(id: string): boolean;
  /** Replaces the state. @returns the new version. @throws TerminalNotFoundError */
  saveTerminalState(id: string, state: unknown): number;
  /** Journal rows matching the query, oldest (lowest id) first. */
  journal(query?: JournalQuery): JournalRow[];
  /** What the store is and has done since it was opened (diagnostics: GET /v1/status). */
  stats(): StoreStats;
  /** Releases the store; any later call throws. */
  close(): void;
}

/** CardStore.stats: the kind of store and, where it groups commits, how well they group. */
export interface StoreStats {
  kind: 'memory' | 'sqlite';
  /** Group commits made since the store was opened (stores with saveChangeAndJournalGrouped). */
  groupCommits?: number;
  /** Writes those group commits carried: their mean size is groupedWrites / groupCommits. */
  groupedWrites?: number;
  /**
   * Group commits that a failing statement threw back whole and that ran again with a savepoint
   * per write, so that only the failing write failed (SqliteCardStore). Normally 0.
   */
  retriedGroupCommits?: number;
  /**
   * WAL syncs run off the committing thread (SqliteCardStore with pipelinedSync): group commits
   * made while one runs share the next, so this is at most groupCommits.
   */
  walSyncs?: number;
}

export interface CardStoreOptions {
  /** The clock for createdAt / updatedAt (epoch ms): the store reads no clock of its own. */
  now: () => number;
}

/** The card is not in the store. */
export class CardNotFoundError extends Error {
  override name = 'CardNotFoundError';
  constructor(readonly cardId: string) {
    super(`card "${cardId}" not found`);
  }
}

/** The terminal is not in the store. */
export class TerminalNotFoundError extends Error {
  override name = 'TerminalNotFoundError';
  constructor(readonly terminalId: string) {
    super(`terminal "${terminalId}" not found`);
  }
}

/** A write lost a race: the id already exists, or the image's version moved. */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
  constructor(
    readonly cardId: string,
    message: string,
    /** The stored version when the conflict was a version mismatch. */
    readonly actualVersion?: number,
  ) {
    super(message);
  }
}
