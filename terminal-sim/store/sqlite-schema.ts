/**
 * The SQLite schema of the card store and its migrations. `schema_version` holds one row, the
 * number of migrations applied; opening a database applies the missing ones in order, each in
 * its own transaction with its version bump, and refuses a database newer than this build.
 * Add a migration by appending to MIGRATIONS — never edit one that has shipped.
 */
import type Database from 'better-sqlite3';

/** Migration n (1-based) is MIGRATIONS[n - 1]. */
export const MIGRATIONS: readonly string[] = Object.freeze([
  // 1: cards and the journal. STRICT tables: a wrong type is an error, not a silent coercion.
  `
  CREATE TABLE cards (
    id          TEXT    PRIMARY KEY,
    image       TEXT    NOT NULL CHECK (json_valid(image)),
    version     INTEGER NOT NULL CHECK (version >= 1),
    serial      TEXT,
    profile     TEXT,
    meta        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(meta)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE journal (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id       TEXT    REFERENCES cards(id) ON DELETE SET NULL,
    serial        TEXT    NOT NULL CHECK (length(serial) = 20),
    counter       INTEGER NOT NULL CHECK (counter BETWEEN 0 AND 65535),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen >= 0),
    type          INTEGER NOT NULL CHECK (type BETWEEN 0 AND 255),
    terminal_id   TEXT    NOT NULL CHECK (length(terminal_id) = 12),
    terminal_seq  INTEGER,
    date_time     TEXT    NOT NULL CHECK (length(date_time) = 14),
    tac           TEXT    NOT NULL CHECK (length(tac) = 8),
    alg           TEXT    NOT NULL CHECK (alg IN ('3des', 'sm4')),
    recovered     INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1)),
    created_at    INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX journal_by_card ON journal (card_id, id);
  CREATE INDEX journal_by_time ON journal (created_at, id);
  `,
  // 2: terminals (gates, bus validators, top-up points): configuration and state (PSAM image,
  // pending transactions) as JSON, saved with the card in a tap's transaction.
  `
  CREATE TABLE terminals (
    id          TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('gate', 'bus', 'topup')),
    config      TEXT    NOT NULL CHECK (json_valid(config)),
    state       TEXT    NOT NULL CHECK (json_valid(state)),
    version     INTEGER NOT NULL CHECK (version >= 1),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  ) STRICT;
  `,
  // 3: a card's saved changes as merge patches over its image (CardStore
  // saveChangeAndJournalGrouped): a tap writes a row of a few hundred bytes instead of rewriting
  // the 7 KB image. cards.version is the version of cards.image; each patch row is the version
  // it makes; the store folds them into the image every so many (SqliteCardStoreOptions).
  `
  CREATE TABLE card_patches (
    card_id     TEXT    NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL CHECK (version >= 2),
    patch       TEXT    NOT NULL CHECK (json_valid(patch)),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (card_id, version)
  ) STRICT;
  `,
  // 4: the by-card indexes filled in bulk. A group commit's journal rows and card patches wait
  // outside the indexes by card (unindexed = 1, listed in write order by journal_unindexed and
  // card_patches_unindexed) until the store indexes them all at once (SqliteCardStoreOptions
  // indexAfterRows); queries by card read both parts. Indexing each tap's rows at once wrote a
  // random leaf of journal_by_card and one of card_patches' key per tap, about 1.8 of the 2.4 WAL
  // pages a tap cost; in bulk a leaf takes all its card's new rows at once.
  // Both tables are rebuilt (https://sqlite.org/lang_altertable.html#otheralter) without their
  // foreign keys to cards: a foreign key action can use no partial index, so deleting a card
  // scanned the whole journal (100 ms per 500,000 rows); SqliteCardStore.deleteCard unbinds the
  // journal rows and deletes the patches itself. card_patches gets a rowid of its own (seq, the
  // write order) and its key becomes a plain index: the store keeps versions unique, checking them
  // in the transaction that writes, and the bulk step then has no constraint to fail on.
  // Rows already there are indexed; journal ids and the AUTOINCREMENT counter carry over.
  `
  CREATE TABLE journal_v4 (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id       TEXT,
    serial        TEXT    NOT NULL CHECK (length(serial) = 20),
    counter       INTEGER NOT NULL CHECK (counter BETWEEN 0 AND 65535),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen >= 0),
    type          INTEGER NOT NULL CHECK (type BETWEEN 0 AND 255),
    terminal_id   TEXT    NOT NULL CHECK (length(terminal_id) = 12),
    terminal_seq  INTEGER,
    date_time     TEXT    NOT NULL CHECK (length(date_time) = 14),
    tac           TEXT    NOT NULL CHECK (length(tac) = 8),
    alg           TEXT    NOT NULL CHECK (alg IN ('3des', 'sm4')),
    recovered     INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1)),
    created_at    INTEGER NOT NULL,
    unindexed     INTEGER NOT NULL DEFAULT 0 CHECK (unindexed IN (0, 1))
  ) STRICT;
  INSERT INTO journal_v4 (id, card_id, serial, counter, amount_fen, type, terminal_id, terminal_seq, date_time, tac, alg, recovered, created_at)
    SELECT id, card_id, serial, counter, amount_fen, type, terminal_id, terminal_seq, date_time, tac, alg, recovered, created_at FROM journal;
  DELETE FROM sqlite_sequence WHERE name = 'journal_v4';
  UPDATE sqlite_sequence SET name = 'journal_v4' WHERE name = 'journal';
  DROP TABLE journal;
  ALTER TABLE journal_v4 RENAME TO journal;
  CREATE INDEX journal_by_card ON journal (card_id, id) WHERE unindexed = 0;
  CREATE INDEX journal_unindexed ON journal (id, card_id) WHERE unindexed = 1;
  CREATE INDEX journal_by_time ON journal (created_at, id);

  CREATE TABLE card_patches_v4 (
    seq         INTEGER PRIMARY KEY,
    card_id     TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 2),
    patch       TEXT    NOT NULL CHECK (json_valid(patch)),
    created_at  INTEGER NOT NULL,
    unindexed   INTEGER NOT NULL DEFAULT 0 CHECK (unindexed IN (0, 1))
  ) STRICT;
  INSERT INTO card_patches_v4 (card_id, version, patch, created_at)
    SELECT card_id, version, patch, created_at FROM card_patches ORDER BY card_id, version;
  DROP TABLE card_patches;
  ALTER TABLE card_patches_v4 RENAME TO card_patches;
  CREATE INDEX card_patches_by_card ON card_patches (card_id, version) WHERE unindexed = 0;
  CREATE INDEX card_patches_unindexed ON card_patches (seq, card_id) WHERE unindexed = 1;
  `,
  // 5: the patches waiting for the bulk step, by card too. A card's version and its patches were
  // read by scanning every waiting patch (up to indexAfterRows); after another connection's
  // commit — with the writer thread, any write outside a group commit, such as issuing a card —
  // every card tapping read its version back so, and the busy load fell by half while a card was
  // issued every 100 ms. This index is small (the waiting patches only) and kept on the writer
  // thread: about 5 µs of its CPU a tap.
  `
  CREATE INDEX card_patches_waiting_by_card ON card_patches (card_id, version) WHERE unindexed = 1;
  `,
]);

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION.
 * @returns the version found before migrating (0 for a new database).
 * @throws Error when the database is newer than this build.
 */
export function migrate(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const found = row?.version ?? 0;
  if (found > SCHEMA_VERSION) throw new Error(`card store schema version ${found} is newer than this build (${SCHEMA_VERSION})`);
  for (let v = found + 1; v <= SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v - 1]);
      if (v === 1) db.prepare('INSERT INTO schema_version (version) VALUES (1)').run();
      else db.prepare('UPDATE schema_version SET version = ?').run(v);
    })();
  }
  return found;
}
