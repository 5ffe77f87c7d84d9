/**
 * The default card store: embedded SQLite through better-sqlite3 (synchronous, one connection).
 *
 * Durability: WAL with `synchronous = FULL`, so each transaction's WAL frames are fsynced before
 * the call returns — a response sent after a store call survives kill -9 and power loss. Each
 * public write is one transaction; `saveImageAndJournal` puts a debit's card image and its
 * journal record in the same one. Images are JSON text with a version counter (optimistic
 * concurrency: `saveImage(id, image, expectedVersion)` fails with StoreConflictError when another
 * writer got there first). Statements are prepared once and reused. The store reads no clock:
 * timestamps come from the `now` option.
 */
import Database from 'better-sqlite3';
import type { CardImage } from '../../engine/index.js';
import type { JournalRecord } from '../clearing/journal.js';
import { CardNotFoundError, StoreConflictError, TerminalNotFoundError } from './card-store.js';
import type {
  CardMeta,
  CardStore,
  CardStoreOptions,
  CardSummaryRow,
  JournalQuery,
  JournalRow,
  LateTerminalStateWrite,
  StoredImage,
  TerminalKind,
  TerminalRow,
  TerminalStateWrite,
} from './card-store.js';
import { migrate } from './sqlite-schema.js';
import {
  canonicalRecord,
  checkCardId,
  checkJournalRecord,
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

export interface SqliteCardStoreOptions extends CardStoreOptions {
  /** Open an existing database only (no create). Default false. */
  mustExist?: boolean;
  /** Milliseconds to wait on a lock held by another connection. Default 5000. */
  busyTimeoutMs?: number;
}

interface CardRow {
  id: string;
  image: string;
  version: number;
  serial: string | null;
  profile: string | null;
  meta: string;
  created_at: number;
  updated_at: number;
}

interface JournalDbRow {
  id: number;
  card_id: string | null;
  serial: string;
  counter: number;
  amount_fen: number;
  type: number;
  terminal_id: string;
  terminal_seq: number | null;
  date_time: string;
  tac: string;
  alg: '3des' | 'sm4';
  recovered: number;
  created_at: number;
}

/** A write waiting for the next group commit. */
interface QueuedWrite {
  id: string;
  text: string;
  facts: { serial: string | undefined; profile: string | undefined };
  records: readonly JournalRecord[];
  expected: number | undefined;
  terminal: LateTerminalStateWrite | undefined;
  resolve: (version: number) => void;
  reject: (e: unknown) => void;
}

interface TerminalDbRow {
  id: string;
  kind: TerminalKind;
  config: string;
  state: string;
  version: number;
  created_at: number;
  updated_at: number;
}

const JOURNAL_COLUMNS = 'id, card_id, serial, counter, amount_fen, type, terminal_id, terminal_seq, date_time, tac, alg, recovered, created_at';

export class SqliteCardStore implements CardStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly stmt: {
    insertCard: Database.Statement;
    getCard: Database.Statement;
    listCards: Database.Statement;
    deleteCard: Database.Statement;
    versionOf: Database.Statement;
    updateImage: Database.Statement;
    insertJournal: Database.Statement;
    insertTerminal: Database.Statement;
    getTerminal: Database.Statement;
    listTerminals: Database.Statement;
    deleteTerminal: Database.Statement;
    updateTerminal: Database.Statement;
  };
  /** One prepared query per combination of journal filters (at most 8). */
  private readonly journalQueries = new Map<string, Database.Statement>();
  private readonly saveTx: (
    id: string,
    text: string,
    facts: { serial: string | undefined; profile: string | undefined },
    records: readonly JournalRecord[],
    expected: number | undefined,
    terminal: { id: string; text: string } | undefined,
  ) => number;
  private readonly appendTx: (records: readonly JournalRecord[], cardId: string | null) => void;
  private readonly groupTx: (batch: readonly QueuedWrite[]) => (number | { error: unknown })[];
  private queue: QueuedWrite[] = [];

  /**
   * Opens (creating unless `mustExist`) the database at `path` (':memory:' for a private one)
   * and brings its schema up to date.
   */
  constructor(path: string, opts: SqliteCardStoreOptions) {
    if (typeof path !== 'string' || path.length === 0) throw new TypeError('"path" expected a non-empty string');
    this.now = checkNow(opts?.now);
    this.path = path;
    this.db = new Database(path, { fileMustExist: opts.mustExist === true });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
      migrate(this.db);
    } catch (e) {
      this.db.close();
      throw e;
    }
    const db = this.db;
    this.stmt = {
      insertCard: db.prepare('INSERT INTO cards (id, image, version, serial, profile, meta, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?)'),
      getCard: db.prepare('SELECT image, version FROM cards WHERE id = ?'),
      listCards: db.prepare('SELECT id, version, serial, profile, meta, created_at, updated_at FROM cards ORDER BY id'),
      deleteCard: db.prepare('DELETE FROM cards WHERE id = ?'),
      versionOf: db.prepare('SELECT version FROM cards WHERE id = ?').pluck(),
      updateImage: db.prepare('UPDATE cards SET image = ?, version = version + 1, serial = ?, profile = ?, updated_at = ? WHERE id = ?'),
      insertJournal: db.prepare(
        'INSERT INTO journal (card_id, serial, counter, amount_fen, type, terminal_id, terminal_seq, date_time, tac, alg, recovered, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertTerminal: db.prepare('INSERT INTO terminals (id, kind, config, state, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)'),
      getTerminal: db.prepare('SELECT * FROM terminals WHERE id = ?'),
      listTerminals: db.prepare('SELECT * FROM terminals ORDER BY id'),
      deleteTerminal: db.prepare('DELETE FROM terminals WHERE id = ?'),
      updateTerminal: db.prepare('UPDATE terminals SET state = ?, version = version + 1, updated_at = ? WHERE id = ? RETURNING version').pluck(),
    };
    this.appendTx = db.transaction((records: readonly JournalRecord[], cardId: string | null) => {
      if (cardId !== null && this.stmt.versionOf.get(cardId) === undefined) throw new CardNotFoundError(cardId);
      this.insertRecords(records, cardId, readNow(this.now));
    });
    this.saveTx = db.transaction((id, text, facts, records, expected, terminal) => {
      const current = this.stmt.versionOf.get(id) as number | undefined;
      if (current === undefined) throw new CardNotFoundError(id);
      if (expected !== undefined && current !== expected) throw new StoreConflictError(id, `card "${id}" is at version ${current}, expected ${expected}`, current);
      const t = readNow(this.now);
      this.stmt.updateImage.run(text, facts.serial ?? null, facts.profile ?? null, t, id);
      this.insertRecords(records, id, t);
      if (terminal && this.stmt.updateTerminal.get(terminal.text, t, terminal.id) === undefined) throw new TerminalNotFoundError(terminal.id);
      return current + 1;
    });
    // One transaction for the batch; each card write is a savepoint (a nested transaction
    // function in better-sqlite3), so one that fails rolls back alone and the others commit.
    // Terminal states go last, once per terminal, outside the savepoints: taken now, each covers
    // every flow of the batch on that terminal, and a failed card write cannot undo a PSAM
    // sequence number that later writes of the batch already used (a state ahead of its cards is
    // safe: a skipped sequence number, a pending entry the card never committed — 闪卡 recovery).
    this.groupTx = db.transaction((batch: readonly QueuedWrite[]) => {
      const results = batch.map((w) => {
        try {
          return this.saveTx(w.id, w.text, w.facts, w.records, w.expected, undefined);
        } catch (error) {
          return { error };
        }
      });
      const terminals = new Map<string, LateTerminalStateWrite>();
      for (const w of batch) if (w.terminal) terminals.set(w.terminal.id, w.terminal);
      const t = readNow(this.now);
      // A terminal deleted meanwhile updates no row: its taps still stand.
      for (const [id, late] of terminals) {
        const state = late.state();
        if (state !== undefined) this.stmt.updateTerminal.get(jsonText('state', state), t, id);
      }
      return results;
    });
  }

  createCard(id: string, image: CardImage, meta?: CardMeta): void {
    checkCardId(id);
    const text = imageText(image);
    const m = JSON.stringify(checkMeta(meta));
    const { serial, profile } = infoFacts(image);
    const t = readNow(this.now);
    try {
      this.stmt.insertCard.run(id, text, serial ?? null, profile ?? null, m, t, t);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new StoreConflictError(id, `card "${id}" already exists`);
      throw e;
    }
  }

  getImage(id: string): CardImage | undefined {
    return this.getStored(id)?.image;
  }

  getStored(id: string): StoredImage | undefined {
    const row = this.stmt.getCard.get(id) as Pick<CardRow, 'image' | 'version'> | undefined;
    return row && { image: JSON.parse(row.image) as CardImage, version: row.version };
  }

  listCards(): CardSummaryRow[] {
    return (this.stmt.listCards.all() as Omit<CardRow, 'image'>[]).map((r) => ({
      id: r.id,
      serial: r.serial ?? undefined,
      profile: r.profile ?? undefined,
      meta: JSON.parse(r.meta) as CardMeta,
      version: r.version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  deleteCard(id: string): boolean {
    return this.stmt.deleteCard.run(id).changes > 0;
  }

  saveImage(id: string, image: CardImage, expectedVersion?: number): number {
    return this.saveImageAndJournal(id, image, [], expectedVersion);
  }

  appendJournal(records: readonly JournalRecord[], cardId?: string): void {
    if (!Array.isArray(records)) throw new TypeError('"records" expected an array');
    if (cardId !== undefined) checkCardId(cardId);
    if (records.length === 0) return;
    this.appendTx(records, cardId ?? null);
  }

  saveImageAndJournal(id: string, image: CardImage, records: readonly JournalRecord[], expectedVersion?: number, terminal?: TerminalStateWrite): number {
    checkCardId(id);
    const text = imageText(image);
    if (expectedVersion !== undefined) checkVersion(expectedVersion);
    if (!Array.isArray(records)) throw new TypeError('"records" expected an array');
    const t = terminal && { id: checkCardId(terminal.id), text: jsonText('state', terminal.state) };
    // Records are checked one by one inside the transaction, after the image is written: a bad
    // record rolls the whole transaction back (the contract test relies on that path).
    return this.saveTx(id, text, infoFacts(image), records, expectedVersion, t);
  }

  /**
   * Group commit (CardStore.saveImageAndJournalGrouped): writes issued in one event-loop turn
   * share one transaction and one fsync; each promise settles once its write is durable (or
   * failed alone). The flush runs in setImmediate, after the turn's microtasks: by then every
   * in-process flow of the turn has queued its write, so a late terminal state taken at the flush
   * covers all of them.
   */
  saveImageAndJournalGrouped(id: string, image: CardImage, records: readonly JournalRecord[], expectedVersion?: number, terminal?: LateTerminalStateWrite): Promise<number> {
    return new Promise((resolve, reject) => {
      checkCardId(id);
      const text = imageText(image);
      if (expectedVersion !== undefined) checkVersion(expectedVersion);
      if (!Array.isArray(records)) throw new TypeError('"records" expected an array');
      if (terminal) checkCardId(terminal.id);
      if (!this.db.open) throw new Error('card store is closed');
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ id, text, facts: infoFacts(image), records, expected: expectedVersion, terminal, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let results: (number | { error: unknown })[];
    try {
      if (!this.db.open) throw new Error('card store is closed');
      results = this.groupTx(batch);
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i];
      if (typeof r === 'number') w.resolve(r);
      else w.reject(r.error);
    });
  }

  createTerminal(id: string, kind: TerminalKind, config: unknown, state: unknown): void {
    checkCardId(id);
    checkTerminalKind(kind);
    const c = jsonText('config', config);
    const st = jsonText('state', state);
    const t = readNow(this.now);
    try {
      this.stmt.insertTerminal.run(id, kind, c, st, t, t);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new StoreConflictError(id, `terminal "${id}" already exists`);
      throw e;
    }
  }

  getTerminal(id: string): TerminalRow | undefined {
    const r = this.stmt.getTerminal.get(id) as TerminalDbRow | undefined;
    return r && toTerminalRow(r);
  }

  listTerminals(): TerminalRow[] {
    return (this.stmt.listTerminals.all() as TerminalDbRow[]).map(toTerminalRow);
  }

  deleteTerminal(id: string): boolean {
    return this.stmt.deleteTerminal.run(id).changes > 0;
  }

  saveTerminalState(id: string, state: unknown): number {
    checkCardId(id);
    const text = jsonText('state', state);
    const v = this.stmt.updateTerminal.get(text, readNow(this.now), id) as number | undefined;
    if (v === undefined) throw new TerminalNotFoundError(id);
    return v;
  }

  journal(query: JournalQuery = {}): JournalRow[] {
    const limit = checkQueryLimit(query.limit);
    const where: string[] = [];
    const params: (string | number)[] = [];
    let key = '';
    if (query.cardId !== undefined) {
      where.push('card_id = ?');
      params.push(query.cardId);
      key += 'c';
    }
    if (query.since !== undefined) {
      where.push('created_at >= ?');
      params.push(query.since);
      key += 's';
    }
    if (query.afterId !== undefined) {
      where.push('id > ?');
      params.push(query.afterId);
      key += 'a';
    }
    params.push(limit ?? -1);
    let st = this.journalQueries.get(key);
    if (!st) {
      st = this.db.prepare(`SELECT ${JOURNAL_COLUMNS} FROM journal${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`);
      this.journalQueries.set(key, st);
    }
    return (st.all(...params) as JournalDbRow[]).map(toJournalRow);
  }

  /** Commits any queued group writes, checkpoints the WAL into the main file and closes. Idempotent. */
  close(): void {
    if (!this.db.open) return;
    this.flush();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }

  /** The connection's durability settings (diagnostics and tests). */
  settings(): { journalMode: string; synchronous: number; foreignKeys: number } {
    return {
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) as number,
    };
  }

  /** Runs SQLite's own consistency check (tools and tests): 'ok' or the problems found. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n');
  }

  private insertRecords(records: readonly JournalRecord[], cardId: string | null, t: number): void {
    records.forEach((rec, i) => {
      checkJournalRecord(rec, `records[${i}]`);
      const r = canonicalRecord(rec);
      this.stmt.insertJournal.run(cardId, r.serial, r.counter, r.amountFen, r.type, r.terminalId, r.terminalSeq ?? null, r.dateTime, r.tac, r.alg, r.recovered ? 1 : 0, t);
    });
  }
}

function toTerminalRow(r: TerminalDbRow): TerminalRow {
  return { id: r.id, kind: r.kind, config: JSON.parse(r.config), state: JSON.parse(r.state), version: r.version, createdAt: r.created_at, updatedAt: r.updated_at };
}

function toJournalRow(r: JournalDbRow): JournalRow {
  const row: JournalRow = {
    id: r.id,
    serial: r.serial,
    counter: r.counter,
    amountFen: r.amount_fen,
    type: r.type,
    terminalId: r.terminal_id,
    dateTime: r.date_time,
    tac: r.tac,
    alg: r.alg,
    cardId: r.card_id,
    createdAt: r.created_at,
  };
  if (r.terminal_seq !== null) row.terminalSeq = r.terminal_seq;
  if (r.recovered) row.recovered = true;
  return row;
}
