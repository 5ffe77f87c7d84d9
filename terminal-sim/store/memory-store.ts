/**
 * The throwaway card store (`--memory`, tests): the CardStore contract held in maps. Images are
 * kept as JSON text, as SQLite keeps them, so a caller's object is never aliased and a read
 * always returns a fresh copy. Each write checks everything first and mutates last, so a failure
 * leaves the store exactly as it was (the atomicity SQLite gets from a transaction).
 */
import type { CardImage } from '../../engine/index.js';
import type { JournalRecord } from '../clearing/journal.js';
import { CardNotFoundError, StoreConflictError, TerminalNotFoundError } from './card-store.js';
import type { CardMeta, CardPage, CardStore, CardStoreOptions, CardSummaryRow, JournalQuery, JournalRow, StoredImage, StoreStats, TerminalKind, TerminalRow, TerminalStateWrite } from './card-store.js';
import {
  checkCardId,
  checkedRecords,
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

interface Entry {
  text: string;
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
  private closed = false;

  constructor(opts: CardStoreOptions) {
    this.now = checkNow(opts?.now);
  }

  createCard(id: string, image: CardImage, meta?: CardMeta): void {
    this.open();
    checkCardId(id);
    const text = imageText(image);
    const m = checkMeta(meta);
    if (this.cards.has(id)) throw new StoreConflictError(id, `card "${id}" already exists`);
    const t = readNow(this.now);
    this.cards.set(id, { text, version: 1, meta: m, ...infoFacts(image), createdAt: t, updatedAt: t });
  }

  getImage(id: string): CardImage | undefined {
    return this.getStored(id)?.image;
  }

  getStored(id: string): StoredImage | undefined {
    this.open();
    const e = this.cards.get(id);
    return e && { image: JSON.parse(e.text) as CardImage, version: e.version };
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
    this.cards.set(id, { ...e, ...infoFacts(image), text, version, updatedAt: rows.length ? rows[0].createdAt : readNow(this.now) });
    this.commitRows(rows);
    if (t) this.terminals.set(t[0], t[1]);
    return version;
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
    return { kind: 'memory' };
  }

  close(): void {
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
