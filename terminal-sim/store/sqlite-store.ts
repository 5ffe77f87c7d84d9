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
 *
 * A grouped save (a tap) writes the card's change as a merge patch row (card_patches) instead of
 * rewriting the image: a card's version is its newest patch's, or its image's when it has none.
 * Every `foldAfterPatches` patches the next save writes the whole image, and the patches it holds
 * are dead (version ≤ the image's), so reading a card never applies more than that many.
 *
 * A group commit's journal rows and patches wait outside the by-card indexes until
 * `indexAfterRows` of them have gathered, then one group commit indexes them all and deletes the
 * dead patches among them (schema migration 4): each tap indexed at once wrote two random leaves.
 * Reads by card take both parts: the index, and the rows still waiting — a scan of them for the
 * journal, a small index by card of the waiting patches alone for versions and patches (migration
 * 5: every card reads its version back after another connection's commit).
 *
 * With `pipelinedSync` (ssc3 serve --single-thread), a group commit does not wait for its fsync:
 * it commits with synchronous = NORMAL and its writes settle once a WAL sync on libuv's thread
 * pool has covered them (wal-sync.ts), while the next batch runs. With `writerThread` (ssc3
 * serve's service thread) the group commit's statements run, synced, on a thread and connection
 * of their own (sqlite-writer.ts): this thread only plans them. Every other write syncs before it
 * returns, on this thread.
 */
import Database from 'better-sqlite3';
import { realpathSync } from 'node:fs';
import type { CardImage } from '../../engine/index.js';
import type { JournalRecord } from '../clearing/journal.js';
import { CardNotFoundError, StoreConflictError, TerminalNotFoundError } from './card-store.js';
import { groupedWrite, lateTerminalsOf, settleBatch } from './grouped-write.js';
import type { GroupedResult, GroupedWrite } from './grouped-write.js';
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
import { migrate } from './sqlite-schema.js';
import { WalSync } from './wal-sync.js';
import type { WriterOp, WriterReply } from './writer-messages.js';
import { WriterThread } from './writer-thread.js';
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

export interface SqliteCardStoreOptions extends CardStoreOptions {
  /** Open an existing database only (no create). Default false. */
  mustExist?: boolean;
  /** Milliseconds to wait on a lock held by another connection. Default 5000. */
  busyTimeoutMs?: number;
  /** Patches a card may hold before a save writes its whole image again (0: always whole). Default 32. */
  foldAfterPatches?: number;
  /**
   * SQLite's page cache for this connection, in KiB. Default 65536 (64 MiB): a tap writes a leaf
   * of card_patches' and of journal_by_card's index for its card, and with hundreds of cards
   * tapping those leaves outgrow SQLite's 2 MiB default, so each tap read them back from the OS.
   */
  cacheKiB?: number;
  /**
   * Group commits do not block on their fsync: the WAL is synced off this thread and each
   * grouped write settles once a sync started after its commit has completed (wal-sync.ts). For a
   * store that commits under load (ssc3 serve). Ignored for ':memory:'. Default false.
   */
  pipelinedSync?: boolean;
  /**
   * Rows — journal records and card patches — that group commits may leave out of the by-card
   * indexes before one of them indexes them all (0: each row is indexed as it is written).
   * Default 4096. Reading a card's journal, patches or version scans these rows; every other
   * write indexes its rows at once.
   */
  indexAfterRows?: number;
  /**
   * Group commits run on a writer thread with a connection of its own (sqlite-writer.ts): this
   * thread plans each batch — versions, patches or whole images, journal rows — and the thread
   * runs its statements in one transaction, synced, while this one runs the next flows. Up to
   * MAX_BATCHES_OUT batches are out at once, each planned on top of those before it; the writes
   * queued meanwhile go together in the next. Every other write, and every read, stays on this
   * thread's connection. For ssc3 serve's service thread, which runs
   * every card flow. Replaces pipelinedSync. Ignored for ':memory:'. Default false; `execArgv`:
   * the thread's Node flags (tests: a TypeScript loader).
   */
  writerThread?: boolean | { execArgv?: string[] };
}

const DEFAULT_CACHE_KIB = 65_536;
const DEFAULT_INDEX_AFTER_ROWS = 4096;

/** Card versions kept in memory at most (SqliteCardStore.versions); beyond, the map starts over. */
const MAX_CACHED_VERSIONS = 100_000;

/** A card's version: its image's (`base`) and the newest patch's, if any (`top`). */
interface VersionRow {
  base: number;
  top: number | null;
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
interface QueuedWrite extends GroupedWrite {
  /** The whole image's text, once a plan has folded the card's patches into it. */
  imageText?: StoredImageText;
}

/** An image as stored, with the summary facts kept beside it. */
interface StoredImageText {
  text: string;
  facts: { serial: string | undefined; profile: string | undefined };
}

/** One grouped write, checked and ready to write (SqliteCardStore.planChange). */
interface ChangePlan {
  /** The card's versions before it. */
  v: VersionRow;
  t: number;
  /** The version it makes (the current one when it has no patch: records only). */
  version: number;
  /** Set when the write folds the card's patches into its whole image. */
  image: StoredImageText | undefined;
  /** Checked and canonical. */
  records: JournalRecord[];
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

/** A deleted card's journal rows, unbound: those in journal_by_card through it, the others by scanning journal_unindexed. */
const UNBIND_JOURNAL_SQL = Object.freeze({
  indexed: 'UPDATE journal SET card_id = NULL WHERE card_id = ? AND unindexed = 0',
  unindexed: 'UPDATE journal SET card_id = NULL WHERE unindexed = 1 AND card_id = ?',
});

/**
 * A card's version: its image's (base), and its newest live patch's (top, or null): in
 * card_patches_by_card (every row there is live, see writeImage), or waiting and newer than the image.
 */
const VERSION_OF_SQL = `SELECT c.version AS base, (SELECT max(version) FROM (
    SELECT version FROM card_patches WHERE card_id = c.id AND unindexed = 0
    UNION ALL SELECT version FROM card_patches WHERE unindexed = 1 AND card_id = c.id AND version > c.version)) AS top
  FROM cards c WHERE c.id = ?`;

/** A card's live patches in version order (parameters: id, image version, id, image version). */
const PATCHES_OF_SQL = `SELECT version, patch FROM card_patches WHERE card_id = ? AND unindexed = 0 AND version > ?
  UNION ALL SELECT version, patch FROM card_patches WHERE unindexed = 1 AND card_id = ? AND version > ?
  ORDER BY version`;

/** All of a card's patches, indexed or waiting (deleteCard; a fold deletes the indexed ones). */
const DELETE_PATCHES_SQL = Object.freeze({
  indexed: 'DELETE FROM card_patches WHERE card_id = ? AND unindexed = 0',
  unindexed: 'DELETE FROM card_patches WHERE unindexed = 1 AND card_id = ?',
});

/**
 * The statements a group commit runs, in the order of the writer thread's table: planned on this
 * thread, they run here (no writer thread) or there (SqliteCardStore.write).
 */
const GROUP_STATEMENTS = ['updateImage', 'deleteIndexedPatches', 'insertPatch', 'insertJournal', 'updateTerminal', 'indexJournal', 'dropDeadPatches', 'indexPatches'] as const;
type GroupStatement = (typeof GROUP_STATEMENTS)[number];
const GROUP_INDEX = Object.fromEntries(GROUP_STATEMENTS.map((n, i) => [n, i])) as Record<GroupStatement, number>;
const GROUP_SQL: Readonly<Record<GroupStatement, string>> = Object.freeze({
  updateImage: 'UPDATE cards SET image = ?, version = ?, serial = ?, profile = ?, updated_at = ? WHERE id = ?',
  deleteIndexedPatches: DELETE_PATCHES_SQL.indexed,
  insertPatch: 'INSERT INTO card_patches (card_id, version, patch, created_at, unindexed) VALUES (?, ?, ?, ?, ?)',
  insertJournal:
    'INSERT INTO journal (card_id, serial, counter, amount_fen, type, terminal_id, terminal_seq, date_time, tac, alg, recovered, created_at, unindexed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  updateTerminal: 'UPDATE terminals SET state = ?, version = version + 1, updated_at = ? WHERE id = ? RETURNING version',
  indexJournal: 'UPDATE journal SET unindexed = 0 WHERE unindexed = 1',
  // A waiting patch that a fold has overtaken is dead: deleted, not indexed. (A card deleted
  // since has none left: deleteCard deletes both parts; coalesce keeps any orphan from staying.)
  dropDeadPatches: 'DELETE FROM card_patches WHERE unindexed = 1 AND version <= coalesce((SELECT version FROM cards WHERE id = card_patches.card_id), 9223372036854775807)',
  indexPatches: 'UPDATE card_patches SET unindexed = 0 WHERE unindexed = 1',
});
/** A stale plan is made again this many times before the batch takes the slow path on this thread. */
const MAX_REPLANS = 3;
/**
 * Batches out on the writer thread at once: with one, the thread sat idle while this one ran a
 * turn of flows before it read the reply (6-7 ms between batches, against 3-5 ms of commit).
 */
const MAX_BATCHES_OUT = 2;

const JOURNAL_COLUMNS = 'id, card_id, serial, counter, amount_fen, type, terminal_id, terminal_seq, date_time, tac, alg, recovered, created_at';

export class SqliteCardStore implements CardStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly stmt: {
    insertCard: Database.Statement;
    getCard: Database.Statement;
    listCards: Database.Statement;
    getSummary: Database.Statement;
    deleteCard: Database.Statement;
    versionOf: Database.Statement;
    dataVersion: Database.Statement;
    updateImage: Database.Statement;
    insertPatch: Database.Statement;
    patchesOf: Database.Statement;
    deleteIndexedPatches: Database.Statement;
    deleteUnindexedPatches: Database.Statement;
    dropDeadPatches: Database.Statement;
    indexPatches: Database.Statement;
    insertJournal: Database.Statement;
    indexJournal: Database.Statement;
    countUnindexed: Database.Statement;
    unbindIndexed: Database.Statement;
    unbindUnindexed: Database.Statement;
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
  private readonly changeTx: (w: QueuedWrite) => number;
  private readonly deleteTx: (id: string) => boolean;
  private readonly appendTx: (records: readonly JournalRecord[], cardId: string | null) => void;
  private readonly groupTx: (batch: readonly QueuedWrite[]) => GroupedResult[];
  private readonly savepointGroupTx: (batch: readonly QueuedWrite[]) => GroupedResult[];
  private queue: QueuedWrite[] = [];
  private readonly foldAfter: number;
  private groupCommits = 0;
  private groupedWrites = 0;
  /**
   * Card versions as committed, so that a save need not read them back (a tap's version check
   * was about a tenth of its SQLite time). Only this connection's commits are in it: when another
   * connection commits, `PRAGMA data_version` changes and the map is dropped (freshVersions).
   */
  private readonly versions = new Map<string, VersionRow>();
  /** Versions written by the transaction under way; into `versions` once it commits (keepVersions). */
  private readonly pendingVersions = new Map<string, VersionRow>();
  private dataVersion: number;
  /** Group commits run again on the slow path (a savepoint per write): StoreStats.retriedGroupCommits. */
  private retriedGroupCommits = 0;
  /** Journal rows and patches not in the by-card indexes yet, as committed; and as the group transaction under way leaves them. */
  private unindexedRows = 0;
  private txUnindexed = 0;
  private readonly indexAfterRows: number;
  /** The `unindexed` a group commit's rows get: 1 while rows wait for the bulk step, 0 with indexAfterRows 0. */
  private readonly groupRowsUnindexed: 0 | 1;
  /** Set with pipelinedSync: syncs the WAL after group commits, off this thread. */
  private readonly walSync: WalSync | undefined;
  /** Set with writerThread: runs group commits' statements on a thread of its own. */
  private readonly writer: WriterThread | undefined;
  /** The epoch the writer thread runs batches in (WriterRequest). */
  private writerEpoch = 0;
  /** Versions planned by batches out on the writer thread, not committed yet (the newest per card). */
  private readonly flightVersions = new Map<string, VersionRow>();
  /** Rows waiting as the last batch out leaves them, once it commits (undefined: none out). */
  private flightUnindexed: number | undefined;
  /** While a group commit is planned for the writer thread: its statements, in order. */
  private recording: WriterOp[] | undefined;

  /**
   * Opens (creating unless `mustExist`) the database at `path` (':memory:' for a private one)
   * and brings its schema up to date.
   */
  constructor(path: string, opts: SqliteCardStoreOptions) {
    if (typeof path !== 'string' || path.length === 0) throw new TypeError('"path" expected a non-empty string');
    this.now = checkNow(opts?.now);
    this.foldAfter = checkFoldAfter(opts.foldAfterPatches);
    this.indexAfterRows = opts.indexAfterRows ?? DEFAULT_INDEX_AFTER_ROWS;
    if (!Number.isSafeInteger(this.indexAfterRows) || this.indexAfterRows < 0) throw new RangeError(`"indexAfterRows" expected an integer ≥ 0, got ${String(opts.indexAfterRows)}`);
    this.groupRowsUnindexed = this.indexAfterRows > 0 ? 1 : 0;
    const cacheKiB = opts.cacheKiB ?? DEFAULT_CACHE_KIB;
    if (!Number.isSafeInteger(cacheKiB) || cacheKiB < 0) throw new RangeError(`"cacheKiB" expected an integer ≥ 0, got ${String(cacheKiB)}`);
    this.path = path;
    this.db = new Database(path, { fileMustExist: opts.mustExist === true });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
      // A negative cache_size is in KiB (https://sqlite.org/pragma.html#pragma_cache_size).
      this.db.pragma(`cache_size = -${cacheKiB}`);
      migrate(this.db);
      // The -wal file exists from here on: SQLite created it when migrate first read.
      if (opts.writerThread && path !== ':memory:') {
        // Its connection opens the file this one created and migrated.
        this.writer = new WriterThread({
          path: realpathSync(path),
          busyTimeoutMs: Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000)),
          cacheKiB,
          sql: GROUP_STATEMENTS.map((n) => GROUP_SQL[n]),
          ...(typeof opts.writerThread === 'object' && opts.writerThread.execArgv ? { execArgv: opts.writerThread.execArgv } : {}),
        });
      } else if (opts.pipelinedSync === true && path !== ':memory:') this.walSync = new WalSync(realpathSync(path));
    } catch (e) {
      this.db.close();
      throw e;
    }
    const db = this.db;
    this.stmt = {
      insertCard: db.prepare('INSERT INTO cards (id, image, version, serial, profile, meta, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?)'),
      getCard: db.prepare('SELECT image, version FROM cards WHERE id = ?'),
      listCards: db.prepare(`${summarySql('c.id > @after', 'many')} ORDER BY c.id LIMIT @limit`),
      getSummary: db.prepare(summarySql('c.id = @id', 'one')),
      deleteCard: db.prepare('DELETE FROM cards WHERE id = ?'),
      versionOf: db.prepare(VERSION_OF_SQL),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      updateImage: db.prepare(GROUP_SQL.updateImage),
      insertPatch: db.prepare(GROUP_SQL.insertPatch),
      patchesOf: db.prepare(PATCHES_OF_SQL),
      deleteIndexedPatches: db.prepare(GROUP_SQL.deleteIndexedPatches),
      deleteUnindexedPatches: db.prepare(DELETE_PATCHES_SQL.unindexed),
      dropDeadPatches: db.prepare(GROUP_SQL.dropDeadPatches),
      indexPatches: db.prepare(GROUP_SQL.indexPatches),
      insertJournal: db.prepare(GROUP_SQL.insertJournal),
      indexJournal: db.prepare(GROUP_SQL.indexJournal),
      countUnindexed: db.prepare('SELECT (SELECT count(*) FROM journal WHERE unindexed = 1) + (SELECT count(*) FROM card_patches WHERE unindexed = 1)').pluck(),
      unbindIndexed: db.prepare(UNBIND_JOURNAL_SQL.indexed),
      unbindUnindexed: db.prepare(UNBIND_JOURNAL_SQL.unindexed),
      insertTerminal: db.prepare('INSERT INTO terminals (id, kind, config, state, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)'),
      getTerminal: db.prepare('SELECT * FROM terminals WHERE id = ?'),
      listTerminals: db.prepare('SELECT * FROM terminals ORDER BY id'),
      deleteTerminal: db.prepare('DELETE FROM terminals WHERE id = ?'),
      updateTerminal: db.prepare(GROUP_SQL.updateTerminal).pluck(),
    };
    // As of opening: the first transaction keeps the versions learnt since (createCard's) unless
    // another connection has committed meanwhile; then each card reads its own back.
    this.dataVersion = this.stmt.dataVersion.get() as number;
    // Rows a run before left waiting are indexed now (a few ms): until then each read of a card's
    // journal would scan them.
    if ((this.stmt.countUnindexed.get() as number) > 0) db.transaction(() => this.bulkIndex()).immediate();
    // Every transaction here begins IMMEDIATE (takes the write lock, waiting busyTimeoutMs for it)
    // because most read before they write — the versions (freshVersions), a card's version — and
    // a deferred one that another connection commits under between its first read and its first
    // write cannot write at all: SQLITE_BUSY at once, not retried (https://sqlite.org/rescode.html#busy_snapshot).
    // With the writer thread committing every few ms, a tear's save would fail so.
    // The card's journal rows stay, unbound, and its patches go: by the store, not by foreign key
    // actions since migration 4 (they could use no partial index and scanned every row).
    this.deleteTx = db.transaction((id: string) => {
      this.stmt.unbindIndexed.run(id);
      this.stmt.unbindUnindexed.run(id);
      this.stmt.deleteIndexedPatches.run(id);
      this.stmt.deleteUnindexedPatches.run(id);
      return this.stmt.deleteCard.run(id).changes > 0;
    }).immediate;
    this.appendTx = db.transaction((records: readonly JournalRecord[], cardId: string | null) => {
      this.freshVersions();
      if (cardId !== null) this.versionOf(cardId);
      this.insertRecords(records, cardId, readNow(this.now));
    }).immediate;
    this.saveTx = db.transaction((id, text, facts, records, expected, terminal) => {
      this.freshVersions();
      const v = this.versionOf(id, expected);
      const t = readNow(this.now);
      const version = (v.top ?? v.base) + 1;
      this.writeImage(id, text, facts, version, t, v);
      this.insertRecords(records, id, t);
      if (terminal && this.stmt.updateTerminal.get(terminal.text, t, terminal.id) === undefined) throw new TerminalNotFoundError(terminal.id);
      this.pendingVersions.set(id, { base: version, top: null });
      return version;
    }).immediate;
    // A write in a savepoint of its own (a nested transaction function in better-sqlite3): the
    // group commit's slow path, where one write that fails rolls back alone.
    this.changeTx = db.transaction((w: QueuedWrite) => {
      const plan = this.planChange(w);
      this.applyChange(w, plan);
      return plan.version;
    });
    // The group commit's fast path: one transaction, no savepoints. Each write's expected failures
    // (a version conflict, an unknown card, a bad record or image) are found by planChange before
    // it writes anything, so they fail that write alone. A statement that fails after that (it
    // should not: the inputs were checked) throws the whole transaction back, and flush() runs
    // the batch again on the slow path. Without the savepoints the batch's SQLite CPU fell from
    // 54–61 to 47–51 µs per tap (in process, 128 taps per commit).
    // Terminal states go last, once per terminal, after every card write: taken now, each covers
    // every flow of the batch on that terminal, and a failed card write cannot undo a PSAM
    // sequence number that later writes of the batch already used (a state ahead of its cards is
    // safe: a skipped sequence number, a pending entry the card never committed — 闪卡 recovery).
    this.groupTx = db.transaction((batch: readonly QueuedWrite[]) => {
      this.freshVersions();
      return this.runGroup(batch);
    }).immediate;
    this.savepointGroupTx = db.transaction((batch: readonly QueuedWrite[]) => {
      this.freshVersions();
      this.txUnindexed = this.unindexedRows;
      return this.groupWrites(batch, (w) => {
        try {
          return this.changeTx(w);
        } catch (error) {
          return { error };
        }
      });
    }).immediate;
  }

  createCard(id: string, image: CardImage, meta?: CardMeta): void {
    this.writable();
    checkCardId(id);
    const text = imageText(image);
    const m = JSON.stringify(checkMeta(meta));
    const { serial, profile } = infoFacts(image);
    const t = readNow(this.now);
    this.versions.delete(id);
    try {
      this.stmt.insertCard.run(id, text, serial ?? null, profile ?? null, m, t, t);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new StoreConflictError(id, `card "${id}" already exists`);
      throw e;
    }
    // Known without reading it back (three index searches and the card's row). Dropped with
    // the rest if another connection has committed meanwhile (freshVersions).
    if (this.versions.size < MAX_CACHED_VERSIONS) this.versions.set(id, { base: 1, top: null });
  }

  getImage(id: string): CardImage | undefined {
    return this.getStored(id)?.image;
  }

  getStored(id: string): StoredImage | undefined {
    const row = this.stmt.getCard.get(id) as Pick<CardRow, 'image' | 'version'> | undefined;
    if (!row) return undefined;
    let image: unknown = JSON.parse(row.image);
    let version = row.version;
    for (const p of this.stmt.patchesOf.all(id, row.version, id, row.version) as { version: number; patch: string }[]) {
      image = applyMergePatch(image, JSON.parse(p.patch));
      version = p.version;
    }
    return { image: image as CardImage, version };
  }

  listCards(page: CardPage = {}): CardSummaryRow[] {
    const limit = checkQueryLimit(page.limit);
    // '' sorts before every id (ids are 1..128 characters): no afterId starts at the first card.
    const rows = this.stmt.listCards.all({ after: page.afterId ?? '', limit: limit ?? -1 }) as Omit<CardRow, 'image'>[];
    return rows.map(toSummaryRow);
  }

  getSummary(id: string): CardSummaryRow | undefined {
    const r = this.stmt.getSummary.get({ id }) as Omit<CardRow, 'image'> | undefined;
    return r && toSummaryRow(r);
  }

  deleteCard(id: string): boolean {
    this.writable();
    this.versions.delete(id);
    return this.deleteTx(id);
  }

  saveImage(id: string, image: CardImage, expectedVersion?: number): number {
    return this.saveImageAndJournal(id, image, [], expectedVersion);
  }

  appendJournal(records: readonly JournalRecord[], cardId?: string): void {
    this.writable();
    if (!Array.isArray(records)) throw new TypeError('"records" expected an array');
    if (cardId !== undefined) checkCardId(cardId);
    if (records.length === 0) return;
    this.appendTx(records, cardId ?? null);
  }

  saveImageAndJournal(id: string, image: CardImage, records: readonly JournalRecord[], expectedVersion?: number, terminal?: TerminalStateWrite): number {
    this.writable();
    checkCardId(id);
    const text = imageText(image);
    if (expectedVersion !== undefined) checkVersion(expectedVersion);
    if (!Array.isArray(records)) throw new TypeError('"records" expected an array');
    const t = terminal && { id: checkCardId(terminal.id), text: jsonText('state', terminal.state) };
    // Records are checked one by one inside the transaction, after the image is written: a bad
    // record rolls the whole transaction back (the contract test relies on that path).
    return this.keepVersions(() => this.saveTx(id, text, infoFacts(image), records, expectedVersion, t));
  }

  /**
   * Group commit (CardStore.saveChangeAndJournalGrouped): writes issued in one event-loop turn
   * share one transaction and one fsync; each promise settles once its write is durable (or
   * failed alone). The flush runs in setImmediate, after the turn's microtasks: by then every
   * in-process flow of the turn has queued its write, so a late terminal state taken at the flush
   * covers all of them.
   */
  saveChangeAndJournalGrouped(id: string, change: CardImageChange, records: readonly JournalRecord[], expectedVersion: number, terminal?: LateTerminalStateWrite): Promise<number> {
    return new Promise((resolve, reject) => {
      const w = groupedWrite(id, change, records, expectedVersion, terminal, { resolve, reject });
      this.writable();
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push(w);
    });
  }

  private flush(): void {
    if (this.writer) {
      this.flushToWriter();
      return;
    }
    this.flushHere();
  }

  /** The group commit on this thread's connection. */
  private flushHere(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let results: GroupedResult[];
    try {
      this.writable();
      // NORMAL for a pipelined group commit, FULL for everything else. Through db.pragma each
      // time: SQLite applies `PRAGMA synchronous = …` when it compiles the statement, so running a
      // prepared one again changes nothing (the test that reads the level inside the commit).
      if (this.walSync) this.db.pragma('synchronous = NORMAL');
      try {
        results = this.keepVersions(() => this.groupTx(batch));
      } catch {
        // Rolled back whole: again with a savepoint per write, so only the failing one fails.
        results = this.keepVersions(() => this.savepointGroupTx(batch));
        this.retriedGroupCommits++;
      } finally {
        if (this.walSync) this.db.pragma('synchronous = FULL');
      }
      this.unindexedRows = this.txUnindexed;
      this.groupCommits++;
      this.groupedWrites += batch.length;
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    if (this.walSync) this.walSync.afterCommit({ settle: () => settleBatch(batch, results), fail: (e) => batch.forEach((w) => w.reject(e)) });
    else settleBatch(batch, results);
  }

  /** Plans the queued writes and sends them to the writer thread, unless MAX_BATCHES_OUT are out. */
  private flushToWriter(): void {
    if (this.queue.length === 0 || this.writer!.outstanding >= MAX_BATCHES_OUT) return;
    const batch = this.queue;
    this.queue = [];
    this.sendToWriter(batch, 0);
  }

  /**
   * Plans `batch` on top of the batches out (their versions, their rows waiting) and sends it.
   * @param attempt how many times it came back stale before
   */
  private sendToWriter(batch: QueuedWrite[], attempt: number): void {
    let results: GroupedResult[];
    let ops: WriterOp[];
    try {
      this.writable();
      this.pendingVersions.clear();
      this.recording = [];
      try {
        results = this.runGroup(batch);
        ops = this.recording;
      } finally {
        this.recording = undefined;
      }
    } catch (e) {
      this.pendingVersions.clear();
      for (const w of batch) w.reject(e);
      return;
    }
    const planned = new Map(this.pendingVersions);
    this.pendingVersions.clear();
    for (const [id, v] of planned) this.flightVersions.set(id, v);
    const unindexed = this.txUnindexed;
    this.flightUnindexed = unindexed;
    this.writer!.run(ops, this.writerEpoch, (r) => this.onWriterReply(batch, attempt, results, planned, unindexed, r));
  }

  /** A batch's outcome (in the order sent): settles its writes, or plans it again, or runs it here. */
  private onWriterReply(batch: QueuedWrite[], attempt: number, results: GroupedResult[], planned: Map<string, VersionRow>, unindexed: number, r: WriterReply | Error): void {
    if (r instanceof Error || r.t === 'closed') {
      const e = r instanceof Error ? r : new Error('card store writer thread closed with a batch out');
      for (const w of batch) w.reject(e);
      return;
    }
    if (r.t === 'done') {
      if (this.versions.size + planned.size > MAX_CACHED_VERSIONS) this.versions.clear();
      for (const [id, v] of planned) {
        this.versions.set(id, v);
        if (this.flightVersions.get(id) === v) this.flightVersions.delete(id);
      }
      this.unindexedRows = unindexed;
      this.groupCommits++;
      this.groupedWrites += batch.length;
      settleBatch(batch, results);
    } else {
      // Not committed: a new epoch. Every batch out behind it comes back stale and is planned
      // again after it, from what the database holds now.
      if (r.epoch !== this.writerEpoch) {
        this.writerEpoch = r.epoch;
        this.versions.clear();
        this.flightVersions.clear();
        this.unindexedRows = this.db.open ? (this.stmt.countUnindexed.get() as number) : 0;
        this.flightUnindexed = undefined;
      }
      if (r.t === 'stale' && attempt < MAX_REPLANS && this.db.open) this.sendToWriter(batch, attempt + 1);
      else this.runHere(batch);
    }
    this.flushToWriter();
  }

  /** A batch the writer thread did not commit, here: a savepoint per write, so only a failing write fails. */
  private runHere(batch: QueuedWrite[]): void {
    try {
      this.writable();
      const results = this.keepVersions(() => this.savepointGroupTx(batch));
      this.unindexedRows = this.txUnindexed;
      this.retriedGroupCommits++;
      this.groupCommits++;
      this.groupedWrites += batch.length;
      settleBatch(batch, results);
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }

  /** @throws Error when the store is closed; WalSyncFailedError when a WAL sync failed (pipelinedSync); the writer thread's failure (writerThread). */
  private writable(): void {
    if (!this.db.open) throw new Error('card store is closed');
    if (this.walSync?.failed) throw this.walSync.failed;
    if (this.writer?.failed) throw this.writer.failed;
  }

  createTerminal(id: string, kind: TerminalKind, config: unknown, state: unknown): void {
    this.writable();
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
    this.writable();
    return this.stmt.deleteTerminal.run(id).changes > 0;
  }

  saveTerminalState(id: string, state: unknown): number {
    this.writable();
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
    let args = params;
    if (query.cardId !== undefined) {
      key += 'c';
      args = [query.cardId, ...params, query.cardId, ...params];
    }
    args.push(limit ?? -1);
    let st = this.journalQueries.get(key);
    if (!st) {
      st = this.db.prepare(query.cardId === undefined ? journalSql(where) : journalByCardSql(where));
      this.journalQueries.set(key, st);
    }
    return (st.all(...args) as JournalDbRow[]).map(toJournalRow);
  }

  /** Commits any queued group writes, checkpoints the WAL into the main file and closes. Idempotent. */
  close(): void {
    if (!this.db.open) return;
    if (this.writer) {
      // The batches out commit there and settle here as their replies are read (a stale one is
      // planned and sent again meanwhile); writes still queued commit here, synced.
      this.writer.drainSync();
      this.writer.close();
      this.flushHere();
    } else this.flush();
    // Every pipelined group commit synced and settled before the connection goes.
    this.walSync?.close();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }

  stats(): StoreStats {
    const s: StoreStats = { kind: 'sqlite', groupCommits: this.groupCommits, groupedWrites: this.groupedWrites, retriedGroupCommits: this.retriedGroupCommits };
    if (this.walSync) s.walSyncs = this.walSync.syncCount;
    return s;
  }

  /** The connection's durability settings (diagnostics and tests). */
  settings(): { journalMode: string; synchronous: number; foreignKeys: number; cacheKiB: number } {
    return {
      cacheKiB: -(this.db.pragma('cache_size', { simple: true }) as number),
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) as number,
    };
  }

  /** Runs SQLite's own consistency check (tools and tests): 'ok' or the problems found. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n');
  }

  /**
   * Everything one grouped write will write, checked, before it writes anything: its version,
   * and its patch or (every foldAfterPatches) its whole image, and its journal rows.
   * @throws CardNotFoundError, StoreConflictError, or TypeError / RangeError for a bad image or record.
   */
  private planChange(w: QueuedWrite): ChangePlan {
    const v = this.versionOf(w.id, w.expected);
    const t = readNow(this.now);
    let version = v.top ?? v.base;
    let image: ChangePlan['image'];
    if (w.patchText !== '{}') {
      version++;
      if (version - v.base > this.foldAfter) {
        // Kept on the write: CardImageChange.image is called at most once, and the slow path may plan again.
        w.imageText ??= imageTextAndFacts(w.change.image());
        image = w.imageText;
      }
    }
    return { v, t, version, image, records: checkedRecords(w.records) };
  }

  private applyChange(w: QueuedWrite, p: ChangePlan): void {
    if (p.image) this.writeImage(w.id, p.image.text, p.image.facts, p.version, p.t, p.v);
    const unindexed = this.groupRowsUnindexed;
    let rows = p.records.length;
    if (!p.image && w.patchText !== '{}') {
      this.write('insertPatch', w.id, p.version, w.patchText, p.t, unindexed);
      rows++;
    }
    for (const r of p.records) this.insertRecord(r, w.id, p.t, unindexed);
    this.txUnindexed += unindexed * rows;
    // Last, once every statement of the write has run (in the slow path its savepoint may still roll back after a throw above).
    if (p.image) this.pendingVersions.set(w.id, { base: p.version, top: null });
    else if (p.version !== (p.v.top ?? p.v.base)) this.pendingVersions.set(w.id, { base: p.v.base, top: p.version });
  }

  /** Drops the versions in memory when another connection has committed since they were read. */
  private freshVersions(): void {
    this.pendingVersions.clear();
    const dv = this.stmt.dataVersion.get() as number;
    if (dv !== this.dataVersion) {
      this.versions.clear();
      // Another connection may have written or indexed journal rows and patches too.
      this.unindexedRows = this.stmt.countUnindexed.get() as number;
      this.dataVersion = dv;
    }
  }

  /** Runs a transaction; once it has committed, its versions join those in memory. */
  private keepVersions<T>(tx: () => T): T {
    try {
      const out = tx();
      if (this.versions.size + this.pendingVersions.size > MAX_CACHED_VERSIONS) this.versions.clear();
      for (const [id, v] of this.pendingVersions) this.versions.set(id, v);
      return out;
    } finally {
      this.pendingVersions.clear();
    }
  }

  /**
   * The card's versions: as this transaction wrote them, else as committed (from memory, or read
   * and kept). @throws CardNotFoundError; StoreConflictError when `expected` is given and the
   * current version is another.
   */
  private versionOf(id: string, expected?: number): VersionRow {
    let v = this.pendingVersions.get(id) ?? this.flightVersions.get(id) ?? this.versions.get(id);
    if (v === undefined) {
      v = this.stmt.versionOf.get(id) as VersionRow | undefined;
      if (v === undefined) throw new CardNotFoundError(id);
      // Read before this transaction wrote the card (else pendingVersions had it): committed.
      if (this.versions.size < MAX_CACHED_VERSIONS) this.versions.set(id, v);
    }
    const current = v.top ?? v.base;
    if (expected !== undefined && current !== expected) throw new StoreConflictError(id, `card "${id}" is at version ${current}, expected ${expected}`, current);
    return v;
  }

  /**
   * Writes the whole image as `version`: the card's patches are dead from here on. Those in the
   * index go now; those still waiting go when the next bulk step reaches them (with the others,
   * in one statement), and reads skip them meanwhile (version ≤ the image's).
   */
  private writeImage(id: string, text: string, facts: { serial: string | undefined; profile: string | undefined }, version: number, t: number, v: VersionRow): void {
    this.write('updateImage', text, version, facts.serial ?? null, facts.profile ?? null, t, id);
    if (v.top !== null) this.write('deleteIndexedPatches', id);
  }

  private insertRecords(records: readonly JournalRecord[], cardId: string | null, t: number): void {
    for (const r of checkedRecords(records)) this.insertRecord(r, cardId, t, 0);
  }

  /** Appends a record already checked and made canonical; `unindexed` 1 leaves it out of journal_by_card for now. */
  private insertRecord(r: JournalRecord, cardId: string | null, t: number, unindexed: 0 | 1): void {
    this.write('insertJournal', cardId, r.serial, r.counter, r.amountFen, r.type, r.terminalId, r.terminalSeq ?? null, r.dateTime, r.tac, r.alg, r.recovered ? 1 : 0, t, unindexed);
  }

  /**
   * In a group transaction, once indexAfterRows rows wait outside the by-card indexes: indexes
   * them all, deleting the dead patches among them. In bulk a leaf of an index takes every new row
   * of its cards at once (about one page per card written since the last time) instead of one
   * page per row.
   */
  private indexIfDue(): void {
    if (this.indexAfterRows === 0 || this.txUnindexed < this.indexAfterRows) return;
    this.bulkIndex();
    this.txUnindexed = 0;
  }

  /** Indexes every row waiting and deletes the dead patches among them (in the caller's transaction). */
  private bulkIndex(): void {
    this.write('indexJournal');
    this.write('dropDeadPatches');
    this.write('indexPatches');
  }

  /** The group commit's fast path (groupTx), in the caller's transaction or recorded for the writer thread. */
  private runGroup(batch: readonly QueuedWrite[]): GroupedResult[] {
    this.txUnindexed = (this.writer?.outstanding ?? 0) > 0 ? (this.flightUnindexed ?? this.unindexedRows) : this.unindexedRows;
    return this.groupWrites(batch, (w) => {
      let plan: ChangePlan;
      try {
        plan = this.planChange(w);
      } catch (error) {
        return { error };
      }
      this.applyChange(w, plan);
      return plan.version;
    });
  }

  /** A group commit's body, both paths: each write by `write`, then the late terminal states, then the bulk step if due. */
  private groupWrites(batch: readonly QueuedWrite[], write: (w: QueuedWrite) => GroupedResult): GroupedResult[] {
    const results = batch.map(write);
    this.terminalStates(batch);
    this.indexIfDue();
    return results;
  }

  /** Runs one of a group commit's statements, or records it for the writer thread while a plan is made for it. */
  private write(name: GroupStatement, ...args: unknown[]): void {
    if (this.recording) this.recording.push([GROUP_INDEX[name], args]);
    else this.stmt[name].run(...args);
  }

  /** The batch's late terminal states, once per terminal (see groupTx). A terminal deleted meanwhile updates no row: its taps still stand. */
  private terminalStates(batch: readonly QueuedWrite[]): void {
    const terminals = lateTerminalsOf(batch);
    const t = terminals.size > 0 ? readNow(this.now) : 0;
    for (const [id, late] of terminals) {
      const state = late.state();
      if (state !== undefined) this.write('updateTerminal', jsonText('state', state), t, id);
    }
  }
}

function imageTextAndFacts(image: CardImage): StoredImageText {
  return { text: imageText(image), facts: infoFacts(image) };
}

/**
 * The listing rows of the cards matching `where`, each card's version and update time its newest
 * live patch's when it has one: those in card_patches_by_card looked up per card (a page reads its
 * own cards' patches only); those waiting to be indexed scanned per card for one card, or gathered
 * in one scan of them all for a page of many.
 */
function summarySql(where: string, cards: 'one' | 'many'): string {
  // The greatest over both parts (null when the card has no live patch), each part read once.
  const newest = (col: string) => `(SELECT max(${col}) FROM (
      SELECT ${col} FROM card_patches WHERE card_id = c.id AND unindexed = 0
      UNION ALL ${cards === 'many' ? `SELECT w.${col}` : `SELECT ${col} FROM card_patches WHERE unindexed = 1 AND card_id = c.id AND version > c.version`}))`;
  const gathered = `WITH waiting AS (
      SELECT p.card_id, max(p.version) AS version, max(p.created_at) AS created_at
      FROM card_patches p JOIN cards x ON x.id = p.card_id
      WHERE p.unindexed = 1 AND p.version > x.version GROUP BY p.card_id)`;
  return `${cards === 'many' ? gathered : ''}
    SELECT c.id, coalesce(${newest('version')}, c.version) AS version, c.serial, c.profile, c.meta, c.created_at,
      coalesce(${newest('created_at')}, c.updated_at) AS updated_at
    FROM cards c${cards === 'many' ? ' LEFT JOIN waiting w ON w.card_id = c.id' : ''} WHERE ${where}`;
}

/** The journal rows matching every condition of `where` (placeholders; then the limit), in id order. */
function journalSql(where: readonly string[]): string {
  return `SELECT ${JOURNAL_COLUMNS} FROM journal${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
}

/**
 * journalSql for one card (its id first, then `where`'s placeholders, twice; then the limit): its
 * rows in journal_by_card, merged in id order with those that group commits have not indexed yet,
 * found by scanning journal_unindexed (at most indexAfterRows rows, migration 4).
 */
function journalByCardSql(where: readonly string[]): string {
  const rest = where.map((w) => ` AND ${w}`).join('');
  return `SELECT ${JOURNAL_COLUMNS} FROM journal WHERE card_id = ? AND unindexed = 0${rest}
    UNION ALL SELECT ${JOURNAL_COLUMNS} FROM journal WHERE unindexed = 1 AND card_id = ?${rest}
    ORDER BY id LIMIT ?`;
}

function toSummaryRow(r: Omit<CardRow, 'image'>): CardSummaryRow {
  return {
    id: r.id,
    serial: r.serial ?? undefined,
    profile: r.profile ?? undefined,
    meta: JSON.parse(r.meta) as CardMeta,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
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
