// SqliteCardStore: the shared CardStore contract (in a temp file and in ':memory:'), then what
// only a file gives — reopening, the pragmas that make a commit durable, the schema version and
// its migration, and refusing a database newer than this build.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { CardImage } from '../../../engine/index.js';
import { SCHEMA_VERSION, SqliteCardStore, StoreConflictError } from '../../../terminal-sim/store/index.js';
import type { CardImageChange } from '../../../terminal-sim/store/index.js';
import { cardStoreContract, image, record, steppingNow, T0 } from './contract.js';
import { change, groupedSaveContract } from './grouped-contract.js';
import { tempDbDir, WRITER } from './sqlite-temp.js';

const { dir, path: dbPath } = tempDbDir('store');

cardStoreContract('SqliteCardStore (file)', (now) => new SqliteCardStore(dbPath(), { now }));
cardStoreContract('SqliteCardStore (:memory:)', (now) => new SqliteCardStore(':memory:', { now }));
groupedSaveContract('SqliteCardStore (file)', (now, o) => new SqliteCardStore(dbPath(), { now, ...o }));
groupedSaveContract('SqliteCardStore (:memory:)', (now, o) => new SqliteCardStore(':memory:', { now, ...o }));
// by-card indexes filled every few rows, so that the contracts' reads meet both parts and bulk steps
cardStoreContract('SqliteCardStore (bulk index every 3 rows)', (now) => new SqliteCardStore(dbPath(), { now, indexAfterRows: 3 }));
groupedSaveContract('SqliteCardStore (bulk index every 3 rows)', (now, o) => new SqliteCardStore(dbPath(), { now, indexAfterRows: 3, ...o }));
groupedSaveContract('SqliteCardStore (each row indexed at once)', (now, o) => new SqliteCardStore(dbPath(), { now, indexAfterRows: 0, ...o }));
// Group commits on a writer thread (ssc3 serve's layout), bulk steps included.
cardStoreContract('SqliteCardStore (writer thread)', (now) => new SqliteCardStore(dbPath(), { now, writerThread: WRITER }));
groupedSaveContract('SqliteCardStore (writer thread)', (now, o) => new SqliteCardStore(dbPath(), { now, writerThread: WRITER, ...o }));
groupedSaveContract('SqliteCardStore (writer thread, bulk index every 3 rows)', (now, o) => new SqliteCardStore(dbPath(), { now, writerThread: WRITER, indexAfterRows: 3, ...o }));

describe('SqliteCardStore on disk', () => {
  it('keeps cards, versions and the journal across close and reopen', () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow() });
    s.createCard('a', image(1), { owner: 'x' });
    s.saveImageAndJournal('a', image(1, 300), [record({ counter: 1 }), record({ counter: 2 })]);
    s.appendJournal([record({ counter: 3 })]);
    s.close();
    s.close(); // idempotent

    const again = new SqliteCardStore(path, { now: steppingNow(T0 + 60_000), mustExist: true });
    expect(again.getStored('a')).toEqual({ image: image(1, 300), version: 2 });
    expect(again.listCards()).toEqual([{ id: 'a', serial: image(1).info.serial, profile: 'beijing-standard', meta: { owner: 'x' }, version: 2, createdAt: T0, updatedAt: T0 + 1000 }]);
    expect(again.journal().map((r) => [r.id, r.cardId, r.counter])).toEqual([
      [1, 'a', 1],
      [2, 'a', 2],
      [3, null, 3],
    ]);
    // Autoincrement: ids are never reused, even after the newest row is gone.
    again.deleteCard('a');
    again.createCard('b', image(2));
    again.appendJournal([record({ counter: 4 })], 'b');
    expect(again.journal({ cardId: 'b' })[0].id).toBe(4);
    expect(again.integrityCheck()).toBe('ok');
    again.close();
  });

  it('runs WAL with synchronous = FULL, foreign keys on and a 64 MiB page cache (or the one asked for)', () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow() });
    expect(s.settings()).toEqual({ journalMode: 'wal', synchronous: 2, foreignKeys: 1, cacheKiB: 65_536 });
    s.close();
    const small = new SqliteCardStore(path, { now: steppingNow(), cacheKiB: 512 });
    expect(small.settings().cacheKiB).toBe(512);
    small.close();
    expect(() => new SqliteCardStore(path, { now: steppingNow(), cacheKiB: -1 })).toThrow(/cacheKiB/);
    expect(() => new SqliteCardStore(path, { now: steppingNow(), cacheKiB: 1.5 })).toThrow(/cacheKiB/);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal'); // persistent in the file
    raw.close();
  });

  it('records the schema version and refuses a newer database', () => {
    const path = dbPath();
    new SqliteCardStore(path, { now: steppingNow() }).close();
    const raw = new Database(path);
    expect(raw.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['card_patches', 'cards', 'journal', 'schema_version', 'sqlite_sequence', 'terminals']);
    raw.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    raw.close();
    expect(() => new SqliteCardStore(path, { now: steppingNow() })).toThrow(`card store schema version ${SCHEMA_VERSION + 1} is newer than this build (${SCHEMA_VERSION})`);
  });

  it('migrates a database that has only the version table (version 0)', () => {
    const path = dbPath();
    const raw = new Database(path);
    raw.exec('CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT');
    raw.close();
    const s = new SqliteCardStore(path, { now: steppingNow() });
    s.createCard('a', image(1));
    expect(s.listCards()).toHaveLength(1);
    s.close();
  });

  it('mustExist refuses a missing file', () => {
    expect(() => new SqliteCardStore(join(dir, 'missing.db'), { now: steppingNow(), mustExist: true })).toThrow();
  });

  it('refuses an image that is not JSON at the database level too', () => {
    const path = dbPath();
    new SqliteCardStore(path, { now: steppingNow() }).close();
    const raw = new Database(path);
    expect(() => raw.prepare("INSERT INTO cards (id, image, version, created_at, updated_at) VALUES ('x', '{', 1, 0, 0)").run()).toThrow(/CHECK constraint failed/);
    // a journal row's and a patch's own checks (their card is the store's to check since migration 4: no foreign keys)
    expect(() => raw.prepare("INSERT INTO journal (card_id, serial, counter, amount_fen, type, terminal_id, date_time, tac, alg, created_at) VALUES ('a', '10000000000000000001', 1, 1, 6, '100000000101', '20260302083000', '0000', '3des', 0)").run()).toThrow(/CHECK constraint failed/);
    expect(() => raw.prepare("INSERT INTO card_patches (card_id, version, patch, created_at) VALUES ('a', 2, '{', 0)").run()).toThrow(/CHECK constraint failed/);
    raw.close();
  });
});

/** The versions of a card's live patches: newer than its image (a fold leaves those waiting to be indexed dead, not deleted). */
const patchRows = (path: string, id: string): number[] => {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare('SELECT p.version FROM card_patches p JOIN cards c ON c.id = p.card_id WHERE p.card_id = ? AND p.version > c.version ORDER BY p.version').pluck().all(id) as number[];
  } finally {
    raw.close();
  }
};

describe('SqliteCardStore listing pages', () => {
  it("a page's versions and update times come from the cards' patches, as in the full listing", async () => {
    const s = new SqliteCardStore(dbPath(), { now: steppingNow() });
    for (const k of [1, 2, 3]) s.createCard(`p${k}`, image(k));
    await s.saveChangeAndJournalGrouped('p2', change(image(2), image(2, 100)), [], 1);
    await s.saveChangeAndJournalGrouped('p2', change(image(2, 100), image(2, 200)), [], 2);
    const all = s.listCards();
    expect(all[1]).toMatchObject({ id: 'p2', version: 3 });
    expect(all[1].updatedAt).toBeGreaterThan(all[1].createdAt);
    expect(s.listCards({ afterId: 'p1', limit: 1 })).toEqual([all[1]]);
    expect(s.listCards({ limit: 3 })).toEqual(all);
    s.close();
  });
});

describe('SqliteCardStore group commit: what only SQLite has', () => {
  it('a bad journal record fails its own write without a retry of the batch', async () => {
    const s = new SqliteCardStore(dbPath(), { now: steppingNow() });
    s.createCard('a', image(1));
    s.createCard('b', image(2));
    const pa = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record({ counter: 1 })], 1);
    const pb = s.saveChangeAndJournalGrouped('b', change(image(2), image(2, 200)), [record({ counter: 2 }), record({ tac: 'xyz' })], 1);
    await expect(pa).resolves.toBe(2);
    await expect(pb).rejects.toThrow(/records\[1\]/);
    expect(s.stats()).toMatchObject({ groupCommits: 1, groupedWrites: 2, retriedGroupCommits: 0 });
    s.close();
  });

  it('a statement that fails after the checks throws the batch back; run again write by write, only that write fails', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), foldAfterPatches: 1 });
    for (const [i, id] of ['a', 'b', 'c'].entries()) s.createCard(id, image(i + 1));
    s.createTerminal('t', 'gate', {}, { seq: 0 });
    // The store cannot tell this write will fail: the database refuses it (a trigger stands in
    // for any statement failure the checks do not foresee).
    const raw = new Database(path);
    raw.exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON card_patches WHEN NEW.card_id = 'b' BEGIN SELECT RAISE(ABORT, 'b refused by the test'); END`);
    raw.close();
    let images = 0;
    const folding = (from: CardImage, to: CardImage): CardImageChange => ({ patch: change(from, to).patch, image: () => (images++, to) });
    let seq = 0;
    const late = { id: 't', state: () => ({ seq: ++seq }) };
    // a's second save folds (foldAfterPatches 1): its image() is asked for once, though planned twice
    await s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 50)), [], 1);
    const pa = s.saveChangeAndJournalGrouped('a', folding(image(1, 50), image(1, 100)), [record({ counter: 1 })], 2, late);
    const pb = s.saveChangeAndJournalGrouped('b', change(image(2), image(2, 200)), [record({ counter: 2 })], 1, late);
    const pc = s.saveChangeAndJournalGrouped('c', change(image(3), image(3, 300)), [record({ counter: 3 })], 1);
    await expect(pa).resolves.toBe(3);
    await expect(pb).rejects.toThrow(/b refused by the test/);
    await expect(pc).resolves.toBe(2);
    expect(images).toBe(1);
    expect(s.getStored('a')).toEqual({ image: image(1, 100), version: 3 });
    expect(s.getStored('b')).toEqual({ image: image(2), version: 1 });
    expect(s.getStored('c')).toEqual({ image: image(3, 300), version: 2 });
    expect(s.journal().map((r) => [r.cardId, r.counter])).toEqual([['a', 1], ['c', 3]]);
    // the terminal's state is the last one taken, by the run that committed
    expect(seq).toBeGreaterThan(0);
    expect(s.getTerminal('t')).toMatchObject({ state: { seq }, version: 2 });
    expect(s.stats()).toMatchObject({ groupCommits: 2, groupedWrites: 4, retriedGroupCommits: 1 });
    expect(s.integrityCheck()).toBe('ok');
    // the versions the store keeps in memory are those the retry committed, not the first run's
    // (the trigger goes through the store's own connection: another one would make it drop them)
    (s as unknown as { db: Database.Database }).db.exec('DROP TRIGGER refuse_b');
    await expect(s.saveChangeAndJournalGrouped('a', change(image(1, 100), image(1, 110)), [], 3)).resolves.toBe(4);
    await expect(s.saveChangeAndJournalGrouped('b', change(image(2), image(2, 210)), [], 1)).resolves.toBe(2);
    await expect(s.saveChangeAndJournalGrouped('c', change(image(3, 300), image(3, 310)), [], 2)).resolves.toBe(3);
    expect(s.getStored('b')).toEqual({ image: image(2, 210), version: 2 });
    s.close();
  });

  it('checks versions against what another connection committed meanwhile', async () => {
    const path = dbPath();
    const a = new SqliteCardStore(path, { now: steppingNow() });
    a.createCard('x', image(1));
    await expect(a.saveChangeAndJournalGrouped('x', change(image(1), image(1, 10)), [], 1)).resolves.toBe(2);
    await expect(a.saveChangeAndJournalGrouped('x', change(image(1, 10), image(1, 20)), [], 2)).resolves.toBe(3);
    // another connection (another process, say) saves the card: a knows version 3, the file has 4
    const b = new SqliteCardStore(path, { now: steppingNow(), mustExist: true });
    expect(b.saveImage('x', image(1, 40), 3)).toBe(4);
    b.close();
    await expect(a.saveChangeAndJournalGrouped('x', change(image(1, 20), image(1, 50)), [], 3)).rejects.toMatchObject({ name: 'StoreConflictError', actualVersion: 4 });
    expect(() => a.saveImage('x', image(1, 50), 3)).toThrow(StoreConflictError);
    await expect(a.saveChangeAndJournalGrouped('x', change(image(1, 40), image(1, 60)), [], 4)).resolves.toBe(5);
    expect(a.getStored('x')).toEqual({ image: image(1, 60), version: 5 });
    a.close();
  });

  it('close() commits what is queued to the file', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow() });
    s.createCard('a', image(1));
    const p = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [], 1);
    s.close();
    await expect(p).resolves.toBe(2);
    const again = new SqliteCardStore(path, { now: steppingNow() });
    expect(again.getStored('a')).toEqual({ image: image(1, 100), version: 2 });
    again.close();
  });

  it('keeps changes as patch rows, drops them when it writes the whole image, and reads the same image after reopening', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), foldAfterPatches: 2 });
    s.createCard('a', image(1), { owner: 'x' });
    const rows: number[][] = [];
    let prev = image(1);
    for (const [i, fen] of [100, 200, 300, 400, 500].entries()) {
      const next = image(1, fen);
      await expect(s.saveChangeAndJournalGrouped('a', change(prev, next), [record({ counter: i })], i + 1)).resolves.toBe(i + 2);
      rows.push(patchRows(path, 'a'));
      prev = next;
    }
    // versions 2 and 3 are patches; 4 is written whole (two patches held) and drops them; …
    expect(rows).toEqual([[2], [2, 3], [], [5], [5, 6]]);
    s.close();
    const again = new SqliteCardStore(path, { now: steppingNow(), mustExist: true });
    expect(again.getStored('a')).toEqual({ image: image(1, 500), version: 6 });
    // a whole-image save folds the patches too
    expect(again.saveImage('a', image(1, 600), 6)).toBe(7);
    expect(patchRows(path, 'a')).toEqual([]);
    expect(again.getStored('a')).toEqual({ image: image(1, 600), version: 7 });
    expect(again.integrityCheck()).toBe('ok');
    again.close();
  });

  it('an empty patch writes no patch row', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow() });
    s.createCard('a', image(1));
    await expect(s.saveChangeAndJournalGrouped('a', change(image(1), image(1)), [record()], 1)).resolves.toBe(1);
    expect(patchRows(path, 'a')).toEqual([]);
    s.close();
  });

  it('deleting a card deletes its patch rows, indexed and waiting', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), indexAfterRows: 2 });
    s.createCard('a', image(1));
    await s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record()], 1); // two rows: indexed
    await s.saveChangeAndJournalGrouped('a', change(image(1, 100), image(1, 200)), [], 2); // waiting
    expect(patchRows(path, 'a')).toEqual([2, 3]);
    expect(s.deleteCard('a')).toBe(true);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM card_patches').pluck().get()).toBe(0);
    raw.close();
    s.close();
  });
});
