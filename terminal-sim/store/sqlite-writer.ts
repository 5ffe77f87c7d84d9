/**
 * The card store's writer thread (SqliteCardStoreOptions.writerThread; worker entry started by
 * writer-thread.ts): runs a group commit's statements, planned by SqliteCardStore on its own
 * thread, in one transaction on a connection of its own, synced before it answers
 * (`synchronous = FULL`). The store's thread — in `ssc3 serve` the service thread, which runs
 * every card flow — meanwhile runs the next taps instead of SQLite's B-tree and WAL work, about a
 * quarter of its time (README "Benchmarks").
 *
 * The plan was made against the versions the store knows, including those of the batches it sent
 * before (up to two are out at once, so that this thread finds the next waiting when it is done
 * with one). Commits on this connection leave its `PRAGMA data_version` alone; any other
 * connection's change it (https://sqlite.org/pragma.html#pragma_data_version), the store's own
 * among them. Then the plan may be stale: the batch is rolled back unrun and answered `stale`,
 * and a new epoch starts, in which the batches sent behind it come back stale too (WriterRequest);
 * the store plans them again, in order, from the database.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { WriterReply, WriterRequest, WriterSetup } from './writer-messages.js';

const setup = workerData as WriterSetup & { port: MessagePort };
const port = setup.port;
const signal = new Int32Array(setup.signal);

const db = new Database(setup.path, { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma(`busy_timeout = ${setup.busyTimeoutMs}`);
db.pragma(`cache_size = -${setup.cacheKiB}`);
const statements = setup.sql.map((s) => db.prepare(s));
const dataVersion = db.prepare('PRAGMA data_version').pluck();
const begin = db.prepare('BEGIN IMMEDIATE');
const commit = db.prepare('COMMIT');
const rollback = db.prepare('ROLLBACK');
/** As of this connection's last look: a change since is another connection's commit. */
let seen = dataVersion.get() as number;

/** Answers, then wakes a store thread waiting synchronously (close()). */
function reply(r: WriterReply): void {
  port.postMessage(r);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

/** Batches run only in this epoch; one that does not commit starts the next (WriterRequest). */
let epoch = 0;

function runBatch(m: Extract<WriterRequest, { t: 'batch' }>): WriterReply {
  if (m.epoch !== epoch) return { t: 'stale', seq: m.seq, epoch };
  begin.run();
  try {
    // Inside the write transaction: no other connection can commit from here to COMMIT.
    const now = dataVersion.get() as number;
    if (now !== seen) {
      seen = now;
      rollback.run();
      return { t: 'stale', seq: m.seq, epoch: ++epoch };
    }
    for (const [i, args] of m.ops) statements[i].run(...args);
    commit.run();
    return { t: 'done', seq: m.seq, epoch };
  } catch {
    if (db.inTransaction) rollback.run();
    return { t: 'failed', seq: m.seq, epoch: ++epoch };
  }
}

port.on('message', (m: WriterRequest) => {
  if (m.t === 'close') {
    db.close();
    reply({ t: 'closed', seq: m.seq });
    port.close();
    return;
  }
  reply(runBatch(m));
});
