// SqliteCardStore's deferred by-card journal index (schema migration 4, indexJournalAfter): group
// commits leave their journal rows out of journal_by_card until enough have gathered, then one
// indexes them all; a query by card reads both parts and gives what a store indexing every row
// at once gives. The count survives reopening and another connection's writes, and a version 3
// database migrates with its rows indexed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../terminal-sim/clearing/journal.js';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../terminal-sim/store/sqlite-schema.js';
import { journalByCardSql, UNBIND_JOURNAL_SQL } from '../../../terminal-sim/store/sqlite-store.js';
import { image, record, steppingNow, T0 } from './contract.js';
import { change } from './grouped-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ssc3-journal-index-'));
let n = 0;
const dbPath = () => join(dir, `j${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rows waiting outside journal_by_card, read through a connection of the test's own. */
function unindexed(path: string): number {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare('SELECT count(*) FROM journal WHERE unindexed = 1').pluck().get() as number;
  } finally {
    raw.close();
  }
}

/** One grouped save per card in the same turn, each with `records` (card a's balance steps by 10). */
async function tapAll(s: SqliteCardStore, at: Map<string, number>, records: (id: string) => JournalRecord[]): Promise<void> {
  await Promise.all(
    [...at].map(([id, v]) => {
      at.set(id, v + 1);
      return s.saveChangeAndJournalGrouped(id, change(image(1, v * 10), image(1, (v + 1) * 10)), records(id), v);
    }),
  );
}

describe('SqliteCardStore: the by-card journal index, filled in bulk', () => {
  it('leaves group commits’ rows out of the index until indexJournalAfter have gathered; a query by card reads both parts, as a store indexing at once', async () => {
    const path = dbPath();
    const deferred = new SqliteCardStore(path, { now: steppingNow(), indexJournalAfter: 5 });
    const atOnce = new SqliteCardStore(':memory:', { now: steppingNow(), indexJournalAfter: 0 });
    const at = [new Map<string, number>(), new Map<string, number>()];
    for (const [i, s] of [deferred, atOnce].entries()) {
      for (const id of ['a', 'b']) {
        s.createCard(id, image(1));
        at[i].set(id, 1);
      }
      // an indexed row first, as every write outside a group commit makes
      s.saveImageAndJournal('a', image(1), [record({ counter: 1 })]);
      at[i].set('a', 2);
    }
    let counter = 1;
    const step = async (): Promise<void> => {
      const c = ++counter;
      for (const [i, s] of [deferred, atOnce].entries()) await tapAll(s, at[i], (id) => [record({ counter: c, tac: id === 'a' ? 'aaaaaaaa' : 'bbbbbbbb' })]);
    };
    const same = (): void => {
      for (const q of [{ cardId: 'a' }, { cardId: 'b' }, { cardId: 'a', afterId: 2 }, { cardId: 'b', since: T0 + 4000 }, { cardId: 'a', limit: 2 }, { cardId: 'a', afterId: 1, since: T0 + 2000, limit: 3 }, {}]) {
        expect(deferred.journal(q), JSON.stringify(q)).toEqual(atOnce.journal(q));
      }
    };
    await step(); // 2 rows waiting
    expect(unindexed(path)).toBe(2);
    expect(deferred.journal({ cardId: 'a' }).map((r) => r.counter)).toEqual([1, 2]);
    expect(deferred.journal({ cardId: 'b' }).map((r) => r.tac)).toEqual(['bbbbbbbb']);
    same();
    await step(); // 4 waiting
    expect(unindexed(path)).toBe(4);
    same();
    await step(); // 6 ≥ 5: this commit indexed them all
    expect(unindexed(path)).toBe(0);
    expect(deferred.journal({ cardId: 'a' }).map((r) => r.counter)).toEqual([1, 2, 3, 4]);
    same();
    await step();
    expect(unindexed(path)).toBe(2);
    same();
    // outside a group commit, rows are indexed as they are written
    deferred.appendJournal([record({ counter: 99 })], 'b');
    expect(unindexed(path)).toBe(2);
    expect(deferred.journal({ cardId: 'b' }).map((r) => r.counter)).toEqual([2, 3, 4, 5, 99]);
    // the deleted card's rows, indexed or not, are unbound from it
    deferred.deleteCard('b');
    expect(deferred.journal({ cardId: 'b' })).toEqual([]);
    expect(deferred.journal().filter((r) => r.cardId === null)).toHaveLength(5);
    expect(deferred.integrityCheck()).toBe('ok');
    deferred.close();
    atOnce.close();
  });

  it('counts the rows left waiting after reopening, and those another connection wrote', async () => {
    const path = dbPath();
    const a = new SqliteCardStore(path, { now: steppingNow(), indexJournalAfter: 4 });
    a.createCard('a', image(1));
    a.createCard('b', image(1));
    const at = new Map([['a', 1]]);
    await tapAll(a, at, () => [record(), record({ counter: 2 })]);
    // another connection writes two more rows in a group commit of its own: 4 wait, so it indexes them
    const b = new SqliteCardStore(path, { now: steppingNow(), indexJournalAfter: 4, mustExist: true });
    await tapAll(b, new Map([['b', 1]]), () => [record({ counter: 3 }), record({ counter: 4 })]);
    expect(unindexed(path)).toBe(0);
    b.close();
    // a learns of it (PRAGMA data_version): its next three rows do not reach the threshold
    await tapAll(a, at, () => [record({ counter: 5 }), record({ counter: 6 }), record({ counter: 7 })]);
    expect(unindexed(path)).toBe(3);
    a.close();
    // reopened, the three waiting count: one more row reaches four
    const again = new SqliteCardStore(path, { now: steppingNow(), indexJournalAfter: 4, mustExist: true });
    await tapAll(again, new Map([['a', 3]]), () => [record({ counter: 8 })]);
    expect(unindexed(path)).toBe(0);
    expect(again.journal({ cardId: 'a' }).map((r) => r.counter)).toEqual([1, 2, 5, 6, 7, 8]);
    again.close();
  });

  it('a query by card searches journal_by_card and scans only the rows not indexed yet', () => {
    const raw = new Database(':memory:');
    raw.exec('CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT');
    for (const m of MIGRATIONS) raw.exec(m);
    const plans = [[], ['created_at >= ?'], ['id > ?'], ['created_at >= ?', 'id > ?']].map((where) => {
      const sql = journalByCardSql(where);
      const args = new Array<number>(sql.split('?').length - 1).fill(1);
      return (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
    });
    raw.close();
    for (const plan of plans) {
      expect(plan).toContain('MERGE (UNION ALL)'); // both halves come in id order: no sort
      expect(plan.some((d) => /^SEARCH journal USING (COVERING )?INDEX journal_by_card \(card_id=\?/.test(d))).toBe(true);
      expect(plan.some((d) => /^(SCAN|SEARCH) journal USING INDEX journal_unindexed/.test(d))).toBe(true);
      expect(plan.filter((d) => /^SCAN journal$/.test(d))).toEqual([]);
    }
  });

  it('deleting a card unbinds its rows through journal_by_card and journal_unindexed, not a scan of the journal', () => {
    const raw = new Database(':memory:');
    raw.exec('CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT');
    for (const m of MIGRATIONS) raw.exec(m);
    const plan = (sql: string) => (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x') as { detail: string }[]).map((r) => r.detail);
    expect(plan(UNBIND_JOURNAL_SQL.indexed)).toEqual(['SEARCH journal USING INDEX journal_by_card (card_id=?)']);
    expect(plan(UNBIND_JOURNAL_SQL.unindexed)).toEqual(['SCAN journal USING INDEX journal_unindexed']);
    // and no foreign key makes SQLite scan the journal when the card row goes
    expect(raw.pragma('foreign_key_list(journal)')).toEqual([]);
    raw.close();
  });

  it('migrates a version 3 database: its rows stay, indexed', () => {
    const path = dbPath();
    const raw = new Database(path);
    raw.exec('CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT');
    for (const m of MIGRATIONS.slice(0, 3)) raw.exec(m);
    raw.prepare('INSERT INTO schema_version (version) VALUES (3)').run();
    raw.prepare("INSERT INTO cards (id, image, version, meta, created_at, updated_at) VALUES ('a', ?, 1, '{}', 0, 0)").run(JSON.stringify(image(1)));
    const insert = raw.prepare(
      "INSERT INTO journal (card_id, serial, counter, amount_fen, type, terminal_id, date_time, tac, alg, created_at) VALUES (?, '10000000000000000001', ?, 300, 6, '100000000101', '20260302083000', '0a1b2c3d', '3des', 0)",
    );
    insert.run('a', 1);
    insert.run(null, 2);
    insert.run('a', 3);
    insert.run('a', 4);
    raw.prepare('DELETE FROM journal WHERE counter = 4').run(); // the AUTOINCREMENT counter stays at 4
    raw.close();
    const s = new SqliteCardStore(path, { now: steppingNow(), indexJournalAfter: 2 });
    expect(s.journal({ cardId: 'a' }).map((r) => [r.id, r.counter])).toEqual([[1, 1], [3, 3]]);
    expect(unindexed(path)).toBe(0);
    s.appendJournal([record({ counter: 5 })], 'a');
    expect(s.journal({ cardId: 'a' }).map((r) => r.id)).toEqual([1, 3, 5]); // ids are never reused
    expect(s.integrityCheck()).toBe('ok');
    s.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_version').pluck().get()).toBe(SCHEMA_VERSION);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' ORDER BY name").pluck().all()).toEqual(['journal_by_card', 'journal_by_time', 'journal_unindexed']);
    check.close();
  });

  it('refuses a bad indexJournalAfter', () => {
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => new SqliteCardStore(':memory:', { now: steppingNow(), indexJournalAfter: bad })).toThrow(/"indexJournalAfter" expected an integer ≥ 0/);
  });
});
