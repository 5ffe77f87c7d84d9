/** Messages between SqliteCardStore and its writer thread (sqlite-writer.ts, writer-thread.ts). */

export interface WriterSetup {
  path: string;
  busyTimeoutMs: number;
  cacheKiB: number;
  /** The statements a batch may run, by index (GROUP_SQL's values). */
  sql: string[];
  /** A SharedArrayBuffer of one Int32: bumped and notified after every reply. */
  signal: SharedArrayBuffer;
}

/** One statement of a batch: its index in WriterSetup.sql and its parameters. */
export type WriterOp = [number, unknown[]];

/**
 * A batch, planned in `epoch`: the thread runs it only in the same epoch. A batch that does not
 * commit (stale, failed) starts a new epoch, so the batches sent behind it — planned on top of
 * it — come back stale, unrun, to be planned again.
 */
export type WriterRequest = { t: 'batch'; seq: number; epoch: number; ops: WriterOp[] } | { t: 'close'; seq: number };

export type WriterReply =
  | { t: 'done'; seq: number; epoch: number }
  /** Another connection committed since this thread last looked, or the batch is of an old epoch: nothing ran; plan again in `epoch`. */
  | { t: 'stale'; seq: number; epoch: number }
  /** A statement failed: the batch was rolled back whole; `epoch` is the new one. The store runs it again on its own connection, where the error surfaces with its write. */
  | { t: 'failed'; seq: number; epoch: number }
  | { t: 'closed'; seq: number };
