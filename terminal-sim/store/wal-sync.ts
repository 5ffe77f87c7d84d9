/**
 * The WAL's fsync taken off the committing thread (SqliteCardStoreOptions.pipelinedSync). A group
 * commit runs with `synchronous = NORMAL` — SQLite writes the WAL frames and returns without
 * syncing them — and hands its batch here; the batch is settled (its taps answered) only once an
 * fdatasync of the WAL that *started after its commit* has completed. The fdatasync runs on
 * libuv's thread pool, so the next batch's flows run meanwhile: measured on this project's
 * 2-core machine, the thread that runs every card flow spent about a quarter of its time in the
 * commit, mostly waiting for its fsync (README "Benchmarks").
 *
 * Why this keeps "durable before acknowledged": in WAL mode a commit is the frames appended to
 * the -wal file, ending with a commit frame; once they are on disk, recovery replays them
 * (https://sqlite.org/wal.html). An fdatasync of the file puts every write made to it before the
 * call on disk, whichever descriptor made it. NORMAL keeps the database consistent after a crash
 * (SQLite still syncs the WAL before a checkpoint copies it, and the database file before the WAL
 * starts over: https://sqlite.org/pragma.html#pragma_synchronous); it only stops waiting for the
 * sync, which this class does instead, before any answer leaves. The -wal file's directory entry
 * is synced once, when the store opens, as SQLite does on the first sync of a new WAL.
 *
 * One sync is in flight at a time; batches committed while it runs wait for the next one, which
 * then covers them all. A failed sync fails every batch it covered and every one waiting, and
 * poisons the store: after a failed fsync the kernel may have dropped the dirty pages, so the
 * commits SQLite shows may not be on disk, and nothing more may be acknowledged.
 */
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** A committed batch waiting for its sync. */
export interface SyncWaiter {
  settle(): void;
  fail(e: unknown): void;
}

/** The file operations used (replaceable in tests, to hold a sync in flight or fail it). */
export interface WalSyncIo {
  fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void;
  fdatasyncSync(fd: number): void;
}

const NODE_IO: WalSyncIo = { fdatasync, fdatasyncSync };

/** The store cannot acknowledge writes any more: a sync of its WAL failed. */
export class WalSyncFailedError extends Error {
  override name = 'WalSyncFailedError';
  constructor(path: string, options: { cause: unknown }) {
    super(`card store "${path}" failed to sync its WAL (${(options.cause as Error)?.message ?? String(options.cause)}); reopen it`, options);
  }
}

export class WalSync {
  private readonly fd: number;
  /** Committed; their sync has not started. */
  private waiting: SyncWaiter[] = [];
  /** Covered by the sync in flight (emptied by drain(), which settles them itself). */
  private inFlight: SyncWaiter[] | undefined;
  private failure: WalSyncFailedError | undefined;
  private closed = false;
  private syncs = 0;

  /**
   * Opens the database's -wal file (it must exist: SQLite creates it when the connection first
   * reads in WAL mode) and syncs its directory.
   */
  constructor(
    private readonly dbPath: string,
    private readonly io: WalSyncIo = NODE_IO,
  ) {
    const dir = openSync(dirname(dbPath), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    this.fd = openSync(`${dbPath}-wal`, 'r');
  }

  /** The sync failure that poisoned the store, if any. */
  get failed(): WalSyncFailedError | undefined {
    return this.failure;
  }

  /** WAL syncs started (diagnostics: how well batches coalesce). */
  get syncCount(): number {
    return this.syncs;
  }

  /**
   * Settles `w` once everything committed so far is on disk; fails it at once when the store is
   * poisoned. Call it after the batch's commit has returned.
   */
  afterCommit(w: SyncWaiter): void {
    if (this.failure) {
      w.fail(this.failure);
      return;
    }
    if (this.closed) throw new Error('WalSync is closed');
    this.waiting.push(w);
    if (!this.inFlight) this.start();
  }

  private start(): void {
    const covered = this.waiting;
    this.waiting = [];
    this.inFlight = covered;
    this.syncs++;
    this.io.fdatasync(this.fd, (err) => {
      this.inFlight = undefined;
      if (this.closed) {
        closeSync(this.fd);
        return;
      }
      if (err) this.fail(err, covered);
      else for (const w of covered) w.settle();
      if (this.waiting.length > 0 && !this.failure) this.start();
    });
  }

  /** `covered` and every batch waiting, taken (emptied) so that no other path settles them again. */
  private takeAll(covered: SyncWaiter[]): SyncWaiter[] {
    const all = [...covered, ...this.waiting];
    covered.length = 0;
    this.waiting = [];
    return all;
  }

  private fail(cause: unknown, covered: SyncWaiter[]): void {
    this.failure ??= new WalSyncFailedError(this.dbPath, { cause });
    for (const w of this.takeAll(covered)) w.fail(this.failure);
  }

  /**
   * Synchronously syncs the WAL and settles every batch committed so far, including those the
   * sync in flight covers (its callback then finds none). For close().
   */
  drain(): void {
    const covered = this.inFlight ?? [];
    if (covered.length === 0 && this.waiting.length === 0) return;
    if (this.failure) {
      this.fail(this.failure.cause, covered);
      return;
    }
    const all = this.takeAll(covered);
    try {
      this.syncs++;
      this.io.fdatasyncSync(this.fd);
    } catch (e) {
      this.fail(e, all);
      return;
    }
    for (const w of all) w.settle();
  }

  /** Drains, then releases the file (after the sync in flight, if any, has returned). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.drain();
    this.closed = true;
    if (!this.inFlight) closeSync(this.fd);
  }
}
