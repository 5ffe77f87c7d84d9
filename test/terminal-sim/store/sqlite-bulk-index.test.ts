// SqliteCardStore's by-card indexes filled in bulk (schema migration 4, indexAfterRows): group
// commits leave their journal rows and patches out of journal_by_card and card_patches_by_card
// until enough have gathered, then one indexes them all and deletes the patches a fold has
// overtaken. Every read by card takes both parts and gives what a store indexing each row at once
// gives; no statement scans a whole table; the count of waiting rows survives reopening and
// another connection's writes; a version 3 database migrates with its rows indexed.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../terminal-sim/clearing/journal.js';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../terminal-sim/store/sqlite-schema.js';
import { image, record, steppingNow, T0 } from './contract.js';
import { change } from './grouped-contract.js';
import { tempDbDir } from './sqlite-temp.js';

const { path: dbPath } = tempDbDir('bulk-index');

/** The count each query gives, read through a connection of the test's own. */
function counts<K extends string>(path: string, queries: Record<K, string>): Record<K, number> {
  const raw = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(Object.entries<string>(queries).map(([k, sql]) => [k, raw.prepare(sql).pluck().get() as number])) as Record<K, number>;
  } finally {
    raw.close();
  }
}

/** Rows waiting outside the by-card indexes, and every patch row live or dead. */
const rows = (path: string) =>
  counts(path, {
    journal: 'SELECT count(*) FROM journal WHERE unindexed = 1',
    patches: 'SELECT count(*) FROM card_patches WHERE unindexed = 1',
    patchRows: 'SELECT count(*) FROM card_patches',
  });

const waiting = (path: string): number => {
  const r = rows(path);
  return r.journal + r.patches;
};

/** Patch rows that a fold has overtaken (version ≤ their card's image) and the bulk step has not deleted yet. */
const dead = (path: string) => counts(path, { n: 'SELECT count(*) FROM card_patches p JOIN cards c ON c.id = p.card_id WHERE p.version <= c.version' }).n;

describe('SqliteCardStore: the by-card indexes, filled in bulk', () => {
  it('reads journal, patches, versions and listings as a store indexing at once, across bulk steps, folds, whole saves and a deletion', async () => {
    const path = dbPath();
    const deferred = new SqliteCardStore(path, { now: steppingNow(), indexAfterRows: 7, foldAfterPatches: 2 });
    const atOnce = new SqliteCardStore(':memory:', { now: steppingNow(), indexAfterRows: 0, foldAfterPatches: 2 });
    const stores = [deferred, atOnce];
    const cards = ['a', 'b', 'c'];
    // per store: card → [seed, balance, version] (card k's image has seed k)
    const state = stores.map(() => new Map(cards.map((id, k) => [id, [k + 1, 0, 1]])));
    for (const s of stores) for (const id of cards) s.createCard(id, image(cards.indexOf(id) + 1, 0), { n: id });
    const same = (): void => {
      for (const q of [{ cardId: 'a' }, { cardId: 'b' }, { cardId: 'c' }, { cardId: 'a', afterId: 3 }, { cardId: 'b', since: T0 + 9000 }, { cardId: 'a', limit: 2 }, {}]) {
        expect(deferred.journal(q), JSON.stringify(q)).toEqual(atOnce.journal(q));
      }
      for (const id of cards) {
        expect(deferred.getStored(id), id).toEqual(atOnce.getStored(id));
        expect(deferred.getSummary(id), id).toEqual(atOnce.getSummary(id));
      }
      expect(deferred.listCards()).toEqual(atOnce.listCards());
      expect(deferred.listCards({ afterId: 'a', limit: 1 })).toEqual(atOnce.listCards({ afterId: 'a', limit: 1 }));
    };
    const step = async (ids: string[], records: number): Promise<void> => {
      for (const [i, s] of stores.entries()) {
        await Promise.all(
          ids.map((id) => {
            const st = state[i].get(id)!;
            const [k, fen, v] = st;
            st[1] = fen + 10;
            st[2] = v + 1;
            const recs: JournalRecord[] = Array.from({ length: records }, (_, r) => record({ counter: v * 10 + r, tac: `${id.repeat(4)}${String(v).padStart(4, '0')}` }));
            return expect(s.saveChangeAndJournalGrouped(id, change(image(k, fen), image(k, fen + 10)), recs, v)).resolves.toBe(v + 1);
          }),
        );
      }
    };
    const seen: number[] = [];
    const deads: number[] = [];
    // Rows waiting after each step: a save writes a patch row (none when it folds: every third
    // save of a card here) and its records; at 7 or more the commit indexes them all.
    const plan: [string[], number][] = [
      [['a', 'b'], 1], // a2 b2: 4 waiting
      [['a'], 1], // a3: 6
      [['c'], 2], // c2: 9 ≥ 7, indexed
      [['a', 'b', 'c'], 1], // a4 folds (its indexed patches deleted at once), b3 c3: 5
      [['b'], 0], // b4 folds: its waiting patch b3 is dead, still there; 5
      [['a', 'c'], 2], // a5, c4 folds: 10, indexed, b3 deleted
      [['a', 'b', 'c'], 1], // a6 b5 c5: 6
    ];
    for (const [ids, records] of plan) {
      await step(ids, records);
      seen.push(waiting(path));
      deads.push(dead(path));
      same();
    }
    // rows waited, and bulk steps indexed them; folds left dead patches, and the bulk steps deleted them
    expect(seen).toEqual([4, 6, 0, 5, 5, 0, 6]);
    expect(deads).toEqual([0, 0, 0, 0, 1, 0, 0]);
    // a whole-image save and a deletion, over cards with patches waiting
    await step(['a', 'b'], 1); // a7 folds, b6: 9, indexed
    await step(['b'], 1); // b7 folds: 1
    await step(['a', 'c'], 0); // a8, c6 (c5 is indexed): 3
    expect(rows(path)).toMatchObject({ journal: 1, patches: 2 });
    for (const [i, s] of stores.entries()) {
      const st = state[i].get('a')!;
      expect(s.saveImage('a', image(1, 999), st[2])).toBe(st[2] + 1);
      expect(s.deleteCard('c')).toBe(true);
    }
    same();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT card_id, version FROM card_patches WHERE card_id <> 'b' ORDER BY card_id, version").all()).toEqual([{ card_id: 'a', version: 8 }]); // dead until the next bulk step; c's both gone
    raw.close();
    expect(deferred.integrityCheck()).toBe('ok');
    deferred.close();
    atOnce.close();
  });

  it('deletes the patches a fold overtook when it indexes; until then reads skip them', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), indexAfterRows: 4, foldAfterPatches: 2 });
    s.createCard('a', image(1));
    const save = (v: number) => s.saveChangeAndJournalGrouped('a', change(image(1, v * 10), image(1, (v + 1) * 10)), [], v);
    await save(1); // patch 2, waiting
    await save(2); // patch 3, waiting
    await save(3); // 4 is the whole image: patches 2 and 3 are dead, still there
    expect(rows(path)).toEqual({ journal: 0, patches: 2, patchRows: 2 });
    expect(s.getStored('a')).toEqual({ image: image(1, 40), version: 4 });
    expect(s.listCards()[0].version).toBe(4);
    await save(4); // patch 5, waiting
    expect(rows(path)).toEqual({ journal: 0, patches: 3, patchRows: 3 });
    await save(5); // patch 6: four rows counted, so this commit indexes: 2 and 3 deleted, 5 and 6 indexed
    expect(rows(path)).toEqual({ journal: 0, patches: 0, patchRows: 2 });
    expect(s.getStored('a')).toEqual({ image: image(1, 60), version: 6 });
    s.close();
  });

  it('counts the rows another connection leaves waiting; indexes those a run before left, when it opens', async () => {
    const path = dbPath();
    const a = new SqliteCardStore(path, { now: steppingNow(), indexAfterRows: 4 });
    a.createCard('a', image(1));
    a.createCard('b', image(2));
    const b = new SqliteCardStore(path, { now: steppingNow(), indexAfterRows: 4, mustExist: true });
    await a.saveChangeAndJournalGrouped('a', change(image(1), image(1, 10)), [record(), record({ counter: 2 })], 1); // 3 rows waiting
    expect(waiting(path)).toBe(3);
    // b learns of them (PRAGMA data_version): its own three make six, so it indexes
    await b.saveChangeAndJournalGrouped('b', change(image(2), image(2, 10)), [record({ counter: 3 }), record({ counter: 4 })], 1);
    expect(waiting(path)).toBe(0);
    b.close();
    // and a of b's indexing: three more rows do not reach the threshold
    await a.saveChangeAndJournalGrouped('a', change(image(1, 10), image(1, 20)), [record({ counter: 5 }), record({ counter: 6 })], 2);
    expect(waiting(path)).toBe(3);
    a.close();
    // reopened, the store indexes what waits before anything reads it
    const again = new SqliteCardStore(path, { now: steppingNow(), indexAfterRows: 4, mustExist: true });
    expect(waiting(path)).toBe(0);
    expect(again.journal({ cardId: 'a' }).map((r) => r.counter)).toEqual([1, 2, 5, 6]);
    expect(again.getStored('a')).toEqual({ image: image(1, 20), version: 3 });
    await again.saveChangeAndJournalGrouped('a', change(image(1, 20), image(1, 30)), [], 3);
    expect(waiting(path)).toBe(1);
    again.close();
  });

  it('no statement of the store scans the journal or the patches whole: by card, they search the indexes and scan only the journal rows waiting', () => {
    const s = new SqliteCardStore(':memory:', { now: steppingNow() });
    // the prepared statements, and one journal query per filter combination
    for (const q of [{}, { cardId: 'x' }, { cardId: 'x', since: 1 }, { cardId: 'x', afterId: 1 }, { cardId: 'x', since: 1, afterId: 1 }]) s.journal(q);
    const inner = s as unknown as { db: Database.Database; stmt: Record<string, Database.Statement>; journalQueries: Map<string, Database.Statement> };
    const statements = [...Object.entries(inner.stmt), ...[...inner.journalQueries].map(([k, st]) => [`journal:${k}`, st] as const)];
    const plans = new Map<string, string[]>();
    for (const [name, st] of statements) {
      const sql = st.source;
      const explain = inner.db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
      const args = sql.includes('@') ? [{ after: '', limit: 1, id: 'x' }] : new Array<number>(sql.split('?').length - 1).fill(1);
      plans.set(name, (explain.all(...args) as { detail: string }[]).map((r) => r.detail));
    }
    s.close();
    const whole = [...plans].filter(([name, plan]) => name !== 'journal:' && plan.some((d) => /^SCAN (journal|card_patches)( AS \w+)?$/.test(d)));
    expect(whole).toEqual([]);
    // by card: the index for the indexed rows; for the waiting ones, the list of waiting journal
    // rows, and the waiting patches' own index by card (migration 5)
    for (const name of ['journal:c', 'journal:sc', 'journal:ac', 'journal:sac', 'patchesOf', 'versionOf', 'getSummary', 'listCards']) {
      const plan = plans.get(name)!.join('\n');
      expect(plan, name).toMatch(/USING (COVERING )?INDEX (journal_by_card|card_patches_by_card) \(card_id=\?/);
      expect(plan, name).toMatch(/(SCAN|SEARCH) (journal|card_patches|p) USING (COVERING )?INDEX (journal_unindexed|card_patches_waiting_by_card)/);
    }
    for (const name of ['patchesOf', 'versionOf', 'getSummary', 'deleteUnindexedPatches']) {
      expect(plans.get(name)!.join('\n'), name).toMatch(/SEARCH card_patches USING (COVERING )?INDEX card_patches_waiting_by_card \(card_id=\?/);
    }
    for (const name of ['journal:c', 'patchesOf']) expect(plans.get(name), name).toContain('MERGE (UNION ALL)');
    for (const name of ['unbindIndexed', 'deleteIndexedPatches']) expect(plans.get(name)!.join('\n'), name).toMatch(/INDEX (journal_by_card|card_patches_by_card) \(card_id=\?\)/);
    for (const name of ['unbindUnindexed', 'indexJournal', 'indexPatches', 'dropDeadPatches', 'countUnindexed']) {
      expect(plans.get(name)!.join('\n'), name).toMatch(/INDEX (journal_unindexed|card_patches_unindexed|card_patches_waiting_by_card)/);
    }
  });

  it('migrates a version 3 database: its rows stay, indexed, ids and the AUTOINCREMENT counter too', async () => {
    const path = dbPath();
    const raw = new Database(path);
    raw.exec('CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT');
    for (const m of MIGRATIONS.slice(0, 3)) raw.exec(m);
    raw.prepare('INSERT INTO schema_version (version) VALUES (3)').run();
    raw.prepare("INSERT INTO cards (id, image, version, meta, created_at, updated_at) VALUES ('a', ?, 1, '{}', 0, 0)").run(JSON.stringify(image(1)));
    const patch = raw.prepare("INSERT INTO card_patches (card_id, version, patch, created_at) VALUES ('a', ?, ?, ?)");
    patch.run(2, JSON.stringify(change(image(1), image(1, 10)).patch), 5);
    patch.run(3, JSON.stringify(change(image(1, 10), image(1, 20)).patch), 6);
    const insert = raw.prepare(
      "INSERT INTO journal (card_id, serial, counter, amount_fen, type, terminal_id, date_time, tac, alg, created_at) VALUES (?, '10000000000000000001', ?, 300, 6, '100000000101', '20260302083000', '0a1b2c3d', '3des', 0)",
    );
    insert.run('a', 1);
    insert.run(null, 2);
    insert.run('a', 3);
    insert.run('a', 4);
    raw.prepare('DELETE FROM journal WHERE counter = 4').run(); // the AUTOINCREMENT counter stays at 4
    raw.close();
    const s = new SqliteCardStore(path, { now: steppingNow(), indexAfterRows: 100 });
    expect(rows(path)).toEqual({ journal: 0, patches: 0, patchRows: 2 });
    expect(s.getStored('a')).toEqual({ image: image(1, 20), version: 3 });
    expect(s.getSummary('a')).toMatchObject({ version: 3, updatedAt: 6 });
    expect(s.journal({ cardId: 'a' }).map((r) => [r.id, r.counter])).toEqual([
      [1, 1],
      [3, 3],
    ]);
    await expect(s.saveChangeAndJournalGrouped('a', change(image(1, 20), image(1, 30)), [record({ counter: 5 })], 3)).resolves.toBe(4);
    expect(s.journal({ cardId: 'a' }).map((r) => r.id)).toEqual([1, 3, 5]); // ids are never reused
    expect(s.getStored('a')).toEqual({ image: image(1, 30), version: 4 });
    expect(s.integrityCheck()).toBe('ok');
    s.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_version').pluck().get()).toBe(SCHEMA_VERSION);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all()).toEqual([
      'card_patches_by_card',
      'card_patches_unindexed',
      'card_patches_waiting_by_card',
      'journal_by_card',
      'journal_by_time',
      'journal_unindexed',
    ]);
    // no foreign key left to make SQLite scan a table when a card row goes
    expect(check.pragma('foreign_key_list(journal)')).toEqual([]);
    expect(check.pragma('foreign_key_list(card_patches)')).toEqual([]);
    check.close();
  });

  it('a card created here is not read back for its first save; after another connection commits, it is', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow() });
    const stmt = (s as unknown as { stmt: { versionOf: Database.Statement } }).stmt;
    const real = stmt.versionOf;
    let reads = 0;
    stmt.versionOf = { get: (...args: unknown[]) => (reads++, real.get(...args)) } as unknown as Database.Statement;
    s.createCard('a', image(1));
    s.createCard('b', image(2));
    await s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 10)), [record()], 1);
    expect(reads).toBe(0);
    const other = new SqliteCardStore(path, { now: steppingNow(), mustExist: true });
    other.appendJournal([record({ counter: 2 })], 'b');
    other.close();
    await s.saveChangeAndJournalGrouped('a', change(image(1, 10), image(1, 20)), [], 2);
    expect(reads).toBe(1);
    s.close();
  });

  it('refuses a bad indexAfterRows', () => {
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => new SqliteCardStore(':memory:', { now: steppingNow(), indexAfterRows: bad })).toThrow(/"indexAfterRows" expected an integer ≥ 0/);
  });
});
