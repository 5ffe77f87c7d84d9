// SqliteCardStore's write transactions begin IMMEDIATE: they read before they write (the versions
// after another connection's commit, the card's version), and a deferred transaction that another
// connection commits under between its first read and its first write cannot write at all
// (SQLITE_BUSY, busy snapshot, not retried). With the writer thread committing every few ms, a
// save outside a group commit (a tear's, a journal append) is such a transaction: run with and
// without it.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import type { SqliteCardStoreOptions } from '../../../terminal-sim/store/index.js';
import { image, record, steppingNow } from './contract.js';
import { tempDbDir, WRITER } from './sqlite-temp.js';

const { path: dbPath } = tempDbDir('immediate');

const MODES: [string, Partial<SqliteCardStoreOptions>][] = [
  ['on its own connection', {}],
  ['with the writer thread', { writerThread: WRITER }],
];

/** The store's private version read, which a save runs after its first read and before its first write. */
type VersionRead = (id: string, expected?: number) => unknown;

describe.each(MODES)('SqliteCardStore write transactions, %s', (_, mode) => {
  for (const [what, save] of [
    ['a save outside a group commit', (s: SqliteCardStore) => expect(s.saveImage('a', image(1, 500), 1)).toBe(2)],
    ['a journal append', (s: SqliteCardStore) => s.appendJournal([record({ counter: 9 })], 'a')],
  ] as const) {
    it(`${what} takes the write lock before it reads: another connection cannot commit in between`, () => {
      const path = dbPath();
      const s = new SqliteCardStore(path, { now: steppingNow(), ...mode });
      s.createCard('a', image(1, 1000));
      s.createCard('b', image(2, 1000));
      const other = new Database(path);
      other.pragma('busy_timeout = 0');
      const touch = other.prepare("UPDATE cards SET updated_at = updated_at + 1 WHERE id = 'b'");
      // another connection's commit: the next transaction reads the versions back first
      touch.run();
      // and another tries to commit after the transaction's reads, before its writes
      const inner = s as unknown as { versionOf: VersionRead };
      const read = inner.versionOf.bind(s);
      let slipped: unknown;
      inner.versionOf = (id, expected) => {
        const v = read(id, expected);
        try {
          touch.run();
          slipped = 'committed';
        } catch (e) {
          slipped = e;
        }
        return v;
      };
      // Deferred, the transaction would read, let that commit in, then fail to write
      // ('database is locked', SQLITE_BUSY_SNAPSHOT).
      save(s);
      expect(slipped).toMatchObject({ code: 'SQLITE_BUSY' });
      other.close();
      expect(s.integrityCheck()).toBe('ok');
      s.close();
    });
  }
});
