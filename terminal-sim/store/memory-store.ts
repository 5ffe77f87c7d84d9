/**
 * The throwaway card store (`--memory`, tests): the CardStore contract held in maps. Images are
 * kept as JSON text, as SQLite keeps them, so a caller's object is never aliased and a read
 * always returns a fresh copy. Each write checks everything first and mutates last, so a failure
 * leaves the store exactly as it was (the atomicity SQLite gets from a transaction).
 *
 * Grouped saves keep a tap's merge patch, as SqliteCardStore does, and fold the patches into the
 * image every `foldAfterPatches`: writing the whole 7 KB image on every tap made `--memory`
 * slower than SQLite (2,717 against 3,400 taps a second over HTTP, 27 November).
 */
import type { CardImage } from '../../engine/index.js';
import type { JournalRecord } from '../clearing/journal.js';
import { CardNotFoundError, StoreConflictError, TerminalNotFoundError } from './card-store.js';
import { groupedWrite, lateTerminalsOf, settleBatch } from './grouped-write.js';
import type { GroupedWrite } from './grouped-write.js';
import { applyMergePatch } from './merge-patch.js';
import type {
  CardImageChange,
  CardMeta,
  CardPage,
  CardStore,
  CardStoreOptions,
  CardSummaryRow,
  JournalQuery,
  JournalRow,
  LateTerminalStateWrite,
  StoredImage,
  StoreStats,
  TerminalKind,
  TerminalRow,
  TerminalStateWrite,
} from './card-store.js';
import {
  checkCardId,
  checkedRecords,
  checkFoldAfter,
  checkMeta,
  checkNow,
  checkQueryLimit,
  checkTerminalKind,
  checkVersion,
  imageText,
  infoFacts,
  jsonText,
  readNow,
} from './_validate.js';

export interface MemoryCardStoreOptions extends CardStoreOptions {
  /** Patches a card may hold before a grouped save writes its whole image again (0: always whole). Default 32. */
  foldAfterPatches?: number;
}

interface Entry {
  text: string;
  /** Merge patches (JSON text) over `text`, oldest first, from grouped saves. */
  patches: readonly string[];
  /** The version of text with its patches applied. */
  version: number;
  meta: CardMeta;
  serial: string | undefined;
  profile: string | undefined;
  createdAt: number;
  updatedAt: number;
}

interface TerminalEntry {
  kind: TerminalKind;
  config: string;
  state: string;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export class MemoryCardStore implements CardStore {
  private readonly cards = new Map<string, Entry>();
  private readonly terminals = new Map<string, TerminalEntry>();
  private readonly rows: JournalRow[] = [];
  private nextId = 1;
  private readonly now: () => number;
  private readonly foldAfter: number;
  private closed = false;
  private queue: GroupedWrite[] = [];
  private groupCommits = 0;
  private groupedWrites = 0;

  constructor(opts: MemoryCardStoreOptions) {
    this.now = checkNow(opts?.now);
    this.foldAfter = checkFoldAfter(opts.foldAfterPatches);
  }

  createCard(id: string, image: CardImage, meta?: CardMeta): void {
    this.open();
    checkCardId(id);
    const text = imageText(image);
    const m = checkMeta(meta);
    if (this.cards.has(id)) throw new StoreConflictError(id, `card "${id}" already exists`);
    const t = readNow(this.now);
    this.cards.set(id, { text, patches: [], version: 1, meta: m, ...infoFacts(image), createdAt: t, updatedAt: t });
  }

  getImage(id: string): CardImage | undefined {
    return this.getStored(id)?.image;
  }

  getStored(id: string): StoredImage | undefined {
    this.open();
    const e = this.cards.get(id);
    if (!e) return undefined;
    let image: unknown = JSON.parse(e.text);
    for (const p of e.patches) image = applyMergePatch(image, JSON.parse(p));
    return { image: image as CardImage, version: e.version };
  }

  listCards(page: CardPage = {}): CardSummaryRow[] {
    this.open();
    const limit = checkQueryLimit(page.limit);
    const after = page.afterId;
    const ids = [...this.cards.keys()].filter((id) => after === undefined || id > after).sort();
    return ids.slice(0, limit ?? ids.length).map((id) => this.getSummary(id)!);
  }

  getSummary(id: string): CardSummaryRow | undefined {
    this.open();
    const e = this.cards.get(id);
    return e && { id, serial: e.serial, profile: e.profile, meta: { ...e.meta }, version: e.version, createdAt: e.createdAt, updatedAt: e.updatedAt };
  }

  deleteCard(id: string): boolean {
    this.open();
    if (!this.cards.delete(id)) return false;
    for (let i = 0; i < this.rows.length; i++) if (this.rows[i].cardId === id) this.rows[i] = { ...this.rows[i], cardId: null };
    return true;
  }

  saveImage(id: string, image: CardImage, expectedVersion?: number): number {
    return this.saveImageAndJournal(id, image, [], expectedVersion);
  }

  appendJournal(records: readonly JournalRecord[], cardId?: string): void {
    this.open();
    const rows = this.stageRows(records, cardId === undefined ? null : checkCardId(cardId));
    if (rows.length === 0) return;
    if (cardId !== undefined && !this.cards.has(cardId)) throw new CardNotFoundError(cardId);
    this.commitRows(rows);
  }

  saveImageAndJournal(id: string, image: CardImage, records: readonly JournalRecord[], expectedVersion?: number, terminal?: TerminalStateWrite): number {
    this.open();
    checkCardId(id);
    const text = imageText(image);
    if (expectedVersion !== undefined) checkVersion(expectedVersion);
    const rows = this.stageRows(records, id);
    const e = this.cards.get(id);
    if (!e) throw new CardNotFoundError(id);
    const t = terminal && this.stageTerminal(terminal.id, terminal.state);
    if (expectedVersion !== undefined && e.version !== expectedVersion) {
      throw new StoreConflictError(id, `card "${id}" is at version ${e.version}, expected ${expectedVersion}`, e.version);
    }
    // Everything is checked: from here on nothing throws.
    const version = e.version + 1;
    this.cards.set(id, { ...e, ...infoFacts(image), text, patches: [], version, updatedAt: rows.length ? rows[0].createdAt : readNow(this.now) });
    this.commitRows(rows);
    if (t) this.terminals.set(t[0], t[1]);
    return version;
  }

  /**
   * Group commit (CardStore.saveChangeAndJournalGrouped), as SqliteCardStore does it: the writes
   * of one event-loop turn are applied together in setImmediate, each checked before it changes
   * anything, so a failing write fails alone; the late terminal states are taken once per
   * terminal at the flush, when every flow of the turn has run (see flush()).
   */
  saveChangeAndJournalGrouped(id: string, change: CardImageChange, records: readonly JournalRecord[], expectedVersion: number, terminal?: LateTerminalStateWrite): Promise<number> {
    return new Promise((resolve, reject) => {
      this.open();
      const w = groupedWrite(id, change, records, expectedVersion, terminal, { resolve, reject });
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push(w);
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    // The terminals' late states are taken first: one that throws (or is not JSON) fails the
    // whole batch before anything changed, as SQLite rolls the batch back. Taking them before
    // the card writes changes nothing they hold: the flows of the batch have all run.
    let states: [string, TerminalEntry][];
    try {
      states = this.lateTerminalStates(batch);
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    const results = batch.map((w) => {
      try {
        return this.applyGrouped(w);
      } catch (error) {
        return { error };
      }
    });
    for (const [id, entry] of states) this.terminals.set(id, entry);
    this.groupCommits++;
    this.groupedWrites += batch.length;
    settleBatch(batch, results);
  }

  /** The terminal entries the batch's late states leave, once per terminal (not stored yet). */
  private lateTerminalStates(batch: readonly GroupedWrite[]): [string, TerminalEntry][] {
    const out: [string, TerminalEntry][] = [];
    for (const [id, late] of lateTerminalsOf(batch)) {
      const state = late.state();
      // A terminal deleted meanwhile takes no state: its taps still stand (as in SqliteCardStore).
      if (state !== undefined && this.terminals.has(id)) out.push(this.stageTerminal(id, state));
    }
    return out;
  }

  /** One grouped write: checks it all, then stores the patch (or, every foldAfter, the whole image) and the rows. */
  private applyGrouped(w: GroupedWrite): number {
    const e = this.cards.get(w.id);
    if (!e) throw new CardNotFoundError(w.id);
    if (e.version !== w.expected) throw new StoreConflictError(w.id, `card "${w.id}" is at version ${e.version}, expected ${w.expected}`, e.version);
    const rows = this.stageRows(w.records, w.id);
    const t = rows.length ? rows[0].createdAt : readNow(this.now);
    if (w.patchText !== '{}') {
      if (e.patches.length >= this.foldAfter) {
        const image = w.change.image();
        this.cards.set(w.id, { ...e, ...infoFacts(image), text: imageText(image), patches: [], version: e.version + 1, updatedAt: t });
      } else {
        this.cards.set(w.id, { ...e, patches: [...e.patches, w.patchText], version: e.version + 1, updatedAt: t });
      }
    }
    this.commitRows(rows);
    return this.cards.get(w.id)!.version;
  }

  createTerminal(id: string, kind: TerminalKind, config: unknown, state: unknown): void {
    this.open();
    checkCardId(id);
    checkTerminalKind(kind);
    const c = jsonText('config', config);
    const st = jsonText('state', state);
    if (this.terminals.has(id)) throw new StoreConflictError(id, `terminal "${id}" already exists`);
    const now = readNow(this.now);
    this.terminals.set(id, { kind, config: c, state: st, version: 1, createdAt: now, updatedAt: now });
  }

  getTerminal(id: string): TerminalRow | undefined {
    this.open();
    const e = this.terminals.get(id);
    return e && terminalRow(id, e);
  }

  listTerminals(): TerminalRow[] {
    this.open();
    return [...this.terminals.keys()].sort().map((id) => terminalRow(id, this.terminals.get(id)!));
  }

  deleteTerminal(id: string): boolean {
    this.open();
    return this.terminals.delete(id);
  }

  saveTerminalState(id: string, state: unknown): number {
    this.open();
    const [, next] = this.stageTerminal(id, state);
    this.terminals.set(id, next);
    return next.version;
  }

  /** Checks a terminal state write and builds the entry it leaves (not stored yet). */
  private stageTerminal(id: string, state: unknown): [string, TerminalEntry] {
    checkCardId(id);
    const text = jsonText('state', state);
    const e = this.terminals.get(id);
    if (!e) throw new TerminalNotFoundError(id);
    return [id, { ...e, state: text, version: e.version + 1, updatedAt: readNow(this.now) }];
  }

  journal(query: JournalQuery = {}): JournalRow[] {
    this.open();
    const limit = checkQueryLimit(query.limit);
    const out: JournalRow[] = [];
    for (const r of this.rows) {
      if (limit !== undefined && out.length >= limit) break;
      if (query.cardId !== undefined && r.cardId !== query.cardId) continue;
      if (query.since !== undefined && r.createdAt < query.since) continue;
      if (query.afterId !== undefined && r.id <= query.afterId) continue;
      out.push({ ...r });
    }
    return out;
  }

  stats(): StoreStats {
    return { kind: 'memory', groupCommits: this.groupCommits, groupedWrites: this.groupedWrites };
  }

  /** Applies any queued group writes, then refuses further use. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  /** Checks every record and builds its row (ids assigned at commit). */
  private stageRows(records: readonly JournalRecord[], cardId: string | null): JournalRow[] {
    if (!Array.isArray(records)) throw new TypeError('"records" expected an array');
    const checked = checkedRecords(records);
    if (checked.length === 0) return [];
    const createdAt = readNow(this.now);
    return checked.map((r) => ({ id: 0, ...r, cardId, createdAt }));
  }

  private commitRows(rows: JournalRow[]): void {
    for (const r of rows) {
      r.id = this.nextId++;
      this.rows.push(Object.freeze(r) as JournalRow);
    }
  }

  private open(): void {
    if (this.closed) throw new Error('card store is closed');
  }
}

function terminalRow(id: string, e: TerminalEntry): TerminalRow {
  return { id, kind: e.kind, config: JSON.parse(e.config), state: JSON.parse(e.state), version: e.version, createdAt: e.createdAt, updatedAt: e.updatedAt };
}
