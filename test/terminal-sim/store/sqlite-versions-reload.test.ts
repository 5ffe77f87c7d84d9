// After another connection's commit, SqliteCardStore reads the versions it keeps in memory back in
// one pass (reloadVersions) instead of dropping them for each card to read its own at its next
// save, while many cards save between two such commits. With the writer thread such commits are routine
// (a card issued during a tap load), so this runs with and without it: the versions read back are
// those VERSION_OF_SQL gives card by card, in every state a card's patches can be in; the saves
// after such a commit read no version one by one yet still catch a conflict; and with few cards
// saving among many, the versions are dropped and the cards read back alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteCardStore, StoreConflictError } from '../../../terminal-sim/store/index.js';
import type { SqliteCardStoreOptions } from '../../../terminal-sim/store/index.js';
import { image, record, steppingNow } from './contract.js';
import { change } from './grouped-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ssc3-reload-'));
let n = 0;
const dbPath = () => join(dir, `r${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const WRITER = { execArgv: ['--import', new URL('./fixtures/register-ts.mjs', import.meta.url).href] };

interface VersionRow {
  base: number;
  top: number | null;
}
/** The store's internals these tests look at. */
interface Internals {
  db: Database.Database;
  versions: Map<string, VersionRow>;
  stmt: { versionOf: Database.Statement };
  reloadVersions(): void;
}
const internals = (s: SqliteCardStore): Internals => s as unknown as Internals;

/** Counts the store's card-by-card version reads from now on. */
function countVersionReads(s: SqliteCardStore): () => number {
  const stmt = internals(s).stmt;
  const real = stmt.versionOf;
  let reads = 0;
  stmt.versionOf = new Proxy(real, {
    get(target, key) {
      if (key === 'get')
        return (...args: unknown[]) => {
          reads++;
          return target.get(...args);
        };
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return () => reads;
}

/** `saves` grouped saves of card `id` (from version 1), one commit each; its images by balance. */
async function saveTimes(s: SqliteCardStore, id: string, seed: number, saves: number): Promise<void> {
  for (let i = 0; i < saves; i++) {
    await s.saveChangeAndJournalGrouped(id, change(image(seed, 1000 - i), image(seed, 999 - i)), [record({ counter: i + 1 })], i + 1);
  }
}

const MODES: [string, Partial<SqliteCardStoreOptions>][] = [
  ['on its own connection', {}],
  ['with the writer thread', { writerThread: WRITER }],
];

describe.each(MODES)('SqliteCardStore versions after another connection commits, %s', (_, mode) => {
  it('reads back every card’s versions as the card-by-card query does, whatever its patches', async () => {
    const path = dbPath();
    // The 4th save writes the whole image (3 patches before it); a bulk step indexes the rows
    // waiting once 11 are (a save adds a patch and a journal row). In this order: six's saves
    // fold, then are indexed at its 6th; one's patch waits; four's 3 patches wait, then its
    // image folds them (dead, until the next bulk step).
    const s = new SqliteCardStore(path, { now: steppingNow(), foldAfterPatches: 3, indexAfterRows: 11, ...mode });
    const ids = ['none', 'six', 'one', 'four'];
    const saves = [0, 6, 1, 4];
    ids.forEach((id, i) => s.createCard(id, image(i + 1, 1000)));
    for (let i = 0; i < ids.length; i++) await saveTimes(s, ids[i], i + 1, saves[i]);
    const db = internals(s).db;
    // The states the reload must get right are all here: patches indexed, patches waiting and
    // live (newer than the image), patches waiting and dead (folded into the image), none at all.
    const states = db
      .prepare(
        `SELECT c.id, c.version AS base,
           (SELECT max(version) FROM card_patches WHERE card_id = c.id AND unindexed = 0) AS indexed,
           (SELECT max(version) FROM card_patches WHERE card_id = c.id AND unindexed = 1) AS waiting
         FROM cards c`,
      )
      .all() as { id: string; base: number; indexed: number | null; waiting: number | null }[];
    expect(states.some((r) => r.indexed !== null)).toBe(true);
    expect(states.some((r) => r.waiting !== null && r.waiting > r.base)).toBe(true);
    expect(states.some((r) => r.waiting !== null && r.waiting <= r.base)).toBe(true);
    expect(states.some((r) => r.indexed === null && r.waiting === null)).toBe(true);

    const byCard = new Map(ids.map((id) => [id, internals(s).stmt.versionOf.get(id) as VersionRow]));
    internals(s).reloadVersions();
    expect(new Map(internals(s).versions)).toEqual(byCard);
    // and the current version of each is the one its saves made
    ids.forEach((id, i) => {
      const v = byCard.get(id)!;
      expect(v.top ?? v.base).toBe(saves[i] + 1);
    });
    s.close();
  });

  it('saves after that read no version card by card, and still catch a conflict', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), ...mode });
    const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
    ids.forEach((id, i) => s.createCard(id, image(i + 1, 1000)));
    await Promise.all(ids.map((id, i) => s.saveChangeAndJournalGrouped(id, change(image(i + 1, 1000), image(i + 1, 900)), [], 1)));
    // another connection moves c0 to version 3 behind this store's back
    const other = new SqliteCardStore(path, { now: steppingNow(), mustExist: true });
    expect(other.saveImage('c0', image(1, 500), 2)).toBe(3);
    other.close();
    const reads = countVersionReads(s);
    const stale = s.saveChangeAndJournalGrouped('c0', change(image(1, 900), image(1, 800)), [], 2);
    const rest = ids.slice(1).map((id, i) => s.saveChangeAndJournalGrouped(id, change(image(i + 2, 900), image(i + 2, 800)), [], 2));
    await expect(stale).rejects.toBeInstanceOf(StoreConflictError);
    await expect(Promise.all(rest)).resolves.toEqual(ids.slice(1).map(() => 3));
    await expect(s.saveChangeAndJournalGrouped('c0', change(image(1, 500), image(1, 400)), [], 3)).resolves.toBe(4);
    // Before reloadVersions, each of the ten cards read its version back here.
    expect(reads()).toBe(0);
    expect(s.getStored('c0')).toEqual({ image: image(1, 400), version: 4 });
    expect(s.getStored('c9')).toEqual({ image: image(10, 800), version: 3 });
    expect(s.integrityCheck()).toBe('ok');
    s.close();
  });

  it('a save outside a group commit takes the write lock before it reads the versions back', () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), ...mode });
    s.createCard('a', image(1, 1000));
    s.createCard('b', image(2, 1000));
    const other = new Database(path);
    other.pragma('busy_timeout = 0');
    const touch = other.prepare("UPDATE cards SET updated_at = updated_at + 1 WHERE id = 'b'");
    // another connection's commit: the next save reads the versions back first
    touch.run();
    // and another tries to commit right after that read, before the save writes
    const inner = internals(s);
    const reload = inner.reloadVersions.bind(s);
    let slipped: unknown;
    inner.reloadVersions = () => {
      reload();
      try {
        touch.run();
        slipped = 'committed';
      } catch (e) {
        slipped = e;
      }
    };
    // Deferred, the save would read, let that commit in, then fail to write (SQLITE_BUSY_SNAPSHOT).
    expect(s.saveImage('a', image(1, 500), 1)).toBe(2);
    expect(slipped).toMatchObject({ code: 'SQLITE_BUSY' });
    other.close();
    expect(s.getStored('a')).toEqual({ image: image(1, 500), version: 2 });
    s.close();
  });

  it('reads them back only while many cards save between two such commits', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), ...mode });
    const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
    ids.forEach((id, i) => s.createCard(id, image(i + 1, 1000)));
    await Promise.all(ids.map((id, i) => s.saveChangeAndJournalGrouped(id, change(image(i + 1, 1000), image(i + 1, 900)), [], 1)));
    const otherCommits = () => {
      const other = new SqliteCardStore(path, { now: steppingNow(), mustExist: true });
      other.createCard(`other${Math.random()}`, image(99, 0));
      other.close();
    };
    const reads = countVersionReads(s);
    // ten cards saved since: read back in one pass
    otherCommits();
    await s.saveChangeAndJournalGrouped('c0', change(image(1, 900), image(1, 800)), [], 2);
    expect(reads()).toBe(0);
    // one card saved since (c0): dropped, and the next card to save reads its own back
    otherCommits();
    await s.saveChangeAndJournalGrouped('c1', change(image(2, 900), image(2, 800)), [], 2);
    expect(reads()).toBe(1);
    s.close();
  });

  it('drops the versions of a few cards among many, to read back only those that save again', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), ...mode });
    s.createCard('busy', image(1, 1000));
    await s.saveChangeAndJournalGrouped('busy', change(image(1, 1000), image(1, 900)), [], 1);
    // another connection issues 8 cards: 1 card in memory, 9 in all (under a quarter)
    const other = new SqliteCardStore(path, { now: steppingNow(), mustExist: true });
    for (let i = 0; i < 8; i++) other.createCard(`idle${i}`, image(i + 2, 1000));
    other.close();
    const reads = countVersionReads(s);
    await expect(s.saveChangeAndJournalGrouped('busy', change(image(1, 900), image(1, 800)), [], 2)).resolves.toBe(3);
    expect(reads()).toBe(1);
    expect(internals(s).versions.size).toBe(1);
    s.close();
  });
});
