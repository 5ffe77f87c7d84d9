// SqliteCardStore's group commits on a writer thread (writerThread, ssc3 serve's layout): what
// only that layout has. The shared contracts run on it in sqlite-store.test.ts; here, that the
// statements do run on another connection, that a plan made stale by another connection's commit
// is made again (so a version conflict is still caught, and the other writes of the batch still
// commit), that close() commits the batch out and the writes queued behind it, and that a writer
// thread gone fails the writes instead of losing them silently.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteCardStore, StoreConflictError } from '../../../terminal-sim/store/index.js';
import { image, record, steppingNow } from './contract.js';
import { change } from './grouped-contract.js';
import { tempDbDir, WRITER } from './sqlite-temp.js';

const { path: dbPath } = tempDbDir('writer');

/** This connection's PRAGMA data_version: it changes when another connection commits. */
const dataVersionOf = (s: SqliteCardStore): number => (s as unknown as { db: Database.Database }).db.pragma('data_version', { simple: true }) as number;

const journalCount = (path: string): number => {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare('SELECT count(*) FROM journal').pluck().get() as number;
  } finally {
    raw.close();
  }
};

describe('SqliteCardStore with a writer thread', () => {
  it('commits group commits on a connection of its own, durable once settled', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), writerThread: WRITER });
    s.createCard('a', image(1, 100));
    const before = dataVersionOf(s);
    await expect(s.saveChangeAndJournalGrouped('a', change(image(1, 100), image(1, 90)), [record({ counter: 1 })], 1)).resolves.toBe(2);
    // another connection committed it: this one only planned it
    expect(dataVersionOf(s)).not.toBe(before);
    expect(journalCount(path)).toBe(1);
    expect(s.getStored('a')).toEqual({ image: image(1, 90), version: 2 });
    expect(s.stats()).toMatchObject({ groupCommits: 1, groupedWrites: 1, retriedGroupCommits: 0 });
    s.close();
  });

  it("plans again after another connection's commit: its conflict is caught, the batch's other writes commit", async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), writerThread: WRITER });
    s.createCard('x', image(1, 100));
    s.createCard('y', image(2, 100));
    // a first group commit, so that the writer thread has looked at the database since
    await s.saveChangeAndJournalGrouped('y', change(image(2, 100), image(2, 99)), [], 1);
    // another connection moves x to version 2 behind this store's back (its versions say 1)
    const other = new SqliteCardStore(path, { now: steppingNow(), mustExist: true });
    expect(other.saveImage('x', image(1, 50), 1)).toBe(2);
    other.close();
    const stale = s.saveChangeAndJournalGrouped('x', change(image(1, 100), image(1, 90)), [record({ counter: 4 })], 1);
    const fine = s.saveChangeAndJournalGrouped('y', change(image(2, 99), image(2, 98)), [record({ counter: 5 })], 2);
    await expect(stale).rejects.toBeInstanceOf(StoreConflictError);
    await expect(fine).resolves.toBe(3);
    expect(s.getStored('x')).toEqual({ image: image(1, 50), version: 2 });
    expect(s.getStored('y')).toEqual({ image: image(2, 98), version: 3 });
    expect(journalCount(path)).toBe(1);
    expect(s.integrityCheck()).toBe('ok');
    s.close();
  });

  it('plans again, in order, the batches sent behind a stale one (planned on top of it)', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), writerThread: WRITER });
    const out = () => (s as unknown as { writer: { outstanding: number } }).writer.outstanding;
    s.createCard('w', image(2, 100));
    s.createCard('x', image(1, 100));
    await s.saveChangeAndJournalGrouped('w', change(image(2, 100), image(2, 99)), [], 1);
    // another connection holds the write lock, and will commit a change: the next batch waits, then finds it stale
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    other.prepare("UPDATE cards SET updated_at = updated_at + 1 WHERE id = 'w'").run();
    const first = s.saveChangeAndJournalGrouped('x', change(image(1, 100), image(1, 90)), [record({ counter: 1 })], 1);
    await new Promise((r) => setImmediate(r));
    // the next version of the same card, planned on top of the batch out
    const second = s.saveChangeAndJournalGrouped('x', change(image(1, 90), image(1, 80)), [record({ counter: 2 })], 2);
    await new Promise((r) => setImmediate(r));
    expect(out()).toBe(2);
    other.exec('COMMIT');
    other.close();
    await expect(Promise.all([first, second])).resolves.toEqual([2, 3]);
    expect(s.getStored('x')).toEqual({ image: image(1, 80), version: 3 });
    expect(s.journal({ cardId: 'x' }).map((r) => r.counter)).toEqual([1, 2]);
    expect(s.integrityCheck()).toBe('ok');
    s.close();
  });

  it('close() commits the batch out and the writes queued behind it', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), writerThread: WRITER });
    for (const id of ['a', 'b', 'c']) s.createCard(id, image(1, 100));
    const first = [s.saveChangeAndJournalGrouped('a', change(image(1, 100), image(1, 90)), [record({ counter: 1 })], 1)];
    // the first batch goes out on the next turn; these queue behind it
    await new Promise((r) => setImmediate(r));
    const queued = [
      s.saveChangeAndJournalGrouped('b', change(image(1, 100), image(1, 80)), [record({ counter: 2 })], 1),
      s.saveChangeAndJournalGrouped('c', change(image(1, 100), image(1, 70)), [record({ counter: 3 })], 1),
    ];
    s.close();
    await expect(Promise.all([...first, ...queued])).resolves.toEqual([2, 2, 2]);
    const again = new SqliteCardStore(path, { now: steppingNow(), mustExist: true });
    expect([again.getImage('a'), again.getImage('b'), again.getImage('c')]).toEqual([image(1, 90), image(1, 80), image(1, 70)]);
    expect(again.journal()).toHaveLength(3);
    again.close();
  });

  it('fails the writes when the writer thread is gone, and every write after', async () => {
    const s = new SqliteCardStore(dbPath(), { now: steppingNow(), writerThread: WRITER });
    s.createCard('a', image(1, 100));
    await (s as unknown as { writer: { worker: { terminate(): Promise<number> } } }).writer.worker.terminate();
    await expect(s.saveChangeAndJournalGrouped('a', change(image(1, 100), image(1, 90)), [], 1)).rejects.toThrow(/writer thread/);
    await expect(s.saveChangeAndJournalGrouped('a', change(image(1, 100), image(1, 90)), [], 1)).rejects.toThrow(/writer thread/);
    expect(s.getStored('a')).toEqual({ image: image(1, 100), version: 1 });
    s.close();
  });
});
