// SqliteCardStore with pipelinedSync (ssc3 serve's store): the shared contracts hold; a group
// commit runs with synchronous = NORMAL and its writes settle only after a WAL fdatasync that
// started after the commit; every other write still syncs itself (FULL); a failed WAL sync fails
// the writes it covered and poisons the store. node:fs's fdatasync is wrapped here so that a
// test can hold a sync in flight or fail it; it passes through to the real one otherwise.
import * as fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteCardStore, WalSyncFailedError } from '../../../terminal-sim/store/index.js';
import { cardStoreContract, image, record, steppingNow } from './contract.js';
import { change, groupedSaveContract } from './grouped-contract.js';
import { tempDbDir } from './sqlite-temp.js';

type SyncCb = (err: NodeJS.ErrnoException | null) => void;

/** What the wrapped fdatasync does: pass through (undefined), hold the callback, or fail. */
const control: { mode?: 'hold' | 'fail'; held: (() => void)[]; calls: number } = { held: [], calls: 0 };

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const fdatasync = (fd: number, cb: SyncCb) => {
    control.calls++;
    if (control.mode === 'fail') {
      setImmediate(() => cb(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
      return;
    }
    if (control.mode === 'hold') {
      control.held.push(() => real.fdatasync(fd, cb));
      return;
    }
    real.fdatasync(fd, cb);
  };
  return { ...real, default: { ...real, fdatasync }, fdatasync };
});

const { path: dbPath } = tempDbDir('pipelined');
afterEach(() => {
  control.mode = undefined;
  for (const release of control.held.splice(0)) release();
});

const pipelined = (now: () => number, o: { foldAfterPatches?: number } = {}) => new SqliteCardStore(dbPath(), { now, pipelinedSync: true, ...o });

cardStoreContract('SqliteCardStore (file, pipelined sync)', (now) => pipelined(now));
groupedSaveContract('SqliteCardStore (file, pipelined sync)', pipelined);

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('SqliteCardStore with pipelinedSync', () => {
  it('answers a group commit only once a WAL sync started after it has completed', async () => {
    const s = pipelined(steppingNow());
    s.createCard('a', image(1));
    s.createCard('b', image(2));
    control.mode = 'hold';
    const calls = control.calls;
    let settled = 0;
    const pa = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record({ counter: 1 })], 1).then((v) => (settled++, v));
    await turn();
    await turn();
    // committed (another reader sees it) but not yet answered: its sync is held
    expect(s.stats()).toMatchObject({ groupCommits: 1, walSyncs: 1 });
    expect(s.getStored('a')?.version).toBe(2);
    expect(control.calls).toBe(calls + 1);
    expect(settled).toBe(0);
    // a second batch commits while the first sync is in flight: it waits for a sync of its own
    const pb = s.saveChangeAndJournalGrouped('b', change(image(2), image(2, 200)), [record({ counter: 2 })], 1).then((v) => (settled++, v));
    await turn();
    await turn();
    expect(s.stats()).toMatchObject({ groupCommits: 2, walSyncs: 1 });
    control.mode = undefined;
    control.held.shift()!();
    await expect(pa).resolves.toBe(2);
    expect(settled).toBe(1);
    await expect(pb).resolves.toBe(2);
    expect(s.stats()).toMatchObject({ groupCommits: 2, walSyncs: 2 });
    s.close();
  });

  it('commits groups with synchronous = NORMAL and everything else with FULL', async () => {
    const s = pipelined(steppingNow());
    expect(s.settings().synchronous).toBe(2);
    s.createCard('a', image(1));
    s.createTerminal('t', 'gate', {}, { seq: 0 });
    // A late terminal state is taken inside the group's transaction: what the connection runs with there.
    let during: number | undefined;
    const late = { id: 't', state: () => ((during = s.settings().synchronous), { seq: 1 }) };
    await s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [], 1, late);
    expect(during).toBe(1);
    expect(s.settings().synchronous).toBe(2);
    // the synchronous paths make no WAL sync of ours: SQLite syncs them itself
    const calls = control.calls;
    s.saveImage('a', image(1, 150), 2);
    s.appendJournal([record({ counter: 9 })], 'a');
    expect(control.calls).toBe(calls);
    s.close();
  });

  it('close() syncs and answers the group commits still waiting; the data is there on reopening', async () => {
    const path = dbPath();
    const s = new SqliteCardStore(path, { now: steppingNow(), pipelinedSync: true });
    s.createCard('a', image(1));
    control.mode = 'hold';
    const pa = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record({ counter: 1 })], 1);
    await turn();
    await turn();
    s.close();
    await expect(pa).resolves.toBe(2);
    const again = new SqliteCardStore(path, { now: steppingNow(), mustExist: true });
    expect(again.getStored('a')).toEqual({ image: image(1, 100), version: 2 });
    expect(again.journal().map((r) => r.counter)).toEqual([1]);
    again.close();
  });

  it('a failed WAL sync fails the writes it covered and poisons the store: no write is acknowledged after it', async () => {
    const s = pipelined(steppingNow());
    s.createCard('a', image(1));
    s.createCard('b', image(2));
    control.mode = 'fail';
    const pa = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record({ counter: 1 })], 1);
    const pb = s.saveChangeAndJournalGrouped('b', change(image(2), image(2, 200)), [], 1);
    await expect(pa).rejects.toBeInstanceOf(WalSyncFailedError);
    await expect(pb).rejects.toThrow(/failed to sync its WAL \(EIO/);
    control.mode = undefined;
    await expect(s.saveChangeAndJournalGrouped('b', change(image(2), image(2, 300)), [], 1)).rejects.toBeInstanceOf(WalSyncFailedError);
    expect(() => s.saveImage('a', image(1, 5))).toThrow(WalSyncFailedError);
    expect(() => s.createCard('c', image(3))).toThrow(WalSyncFailedError);
    expect(() => s.appendJournal([record({ counter: 7 })])).toThrow(WalSyncFailedError);
    expect(() => s.createTerminal('t', 'gate', {}, {})).toThrow(WalSyncFailedError);
    expect(() => s.saveTerminalState('t', {})).toThrow(WalSyncFailedError);
    expect(() => s.deleteCard('a')).toThrow(WalSyncFailedError);
    // reads still answer
    expect(s.getSummary('a')?.id).toBe('a');
    expect(() => s.close()).not.toThrow();
  });

  it('is off for a private :memory: database and by default', async () => {
    const m = new SqliteCardStore(':memory:', { now: steppingNow(), pipelinedSync: true });
    m.createCard('a', image(1));
    await m.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [], 1);
    expect(m.stats().walSyncs).toBeUndefined();
    m.close();
    const d = new SqliteCardStore(dbPath(), { now: steppingNow() });
    expect(d.stats().walSyncs).toBeUndefined();
    d.close();
  });

  it('syncs the -wal file through node:fs (the wrapped call reaches the real one)', async () => {
    const s = pipelined(steppingNow());
    s.createCard('a', image(1));
    const calls = control.calls;
    await s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [], 1);
    expect(control.calls).toBe(calls + 1);
    expect(fs.existsSync(`${s.path}-wal`)).toBe(true);
    s.close();
  });
});
