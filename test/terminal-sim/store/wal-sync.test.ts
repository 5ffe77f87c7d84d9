// WalSync (terminal-sim/store/wal-sync.ts): a committed batch is answered only after a WAL sync
// that started after its commit has completed; one sync at a time, the batches committed meanwhile
// sharing the next; a failed sync fails them all and poisons; drain() and close() for shutdown.
// The file operations are replaced by a fake whose syncs complete when the test says.
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WalSync, WalSyncFailedError } from '../../../terminal-sim/store/wal-sync.js';
import type { SyncWaiter, WalSyncIo } from '../../../terminal-sim/store/wal-sync.js';

const dir = mkdtempSync(join(tmpdir(), 'ssc3-walsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A database path whose -wal file exists (WalSync opens it). */
function dbPath(): string {
  const p = join(dir, `db${n++}.sqlite`);
  writeFileSync(p, '');
  writeFileSync(`${p}-wal`, '');
  return p;
}

/** Syncs that wait until the test completes them, in order. */
class FakeIo implements WalSyncIo {
  readonly pending: ((err: NodeJS.ErrnoException | null) => void)[] = [];
  readonly fds: number[] = [];
  syncCalls = 0;
  fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void {
    this.fds.push(fd);
    this.pending.push(cb);
  }
  fdatasyncSync(fd: number): void {
    this.fds.push(fd);
    this.syncCalls++;
  }
  complete(err: NodeJS.ErrnoException | null = null): void {
    const cb = this.pending.shift();
    if (!cb) throw new Error('no sync in flight');
    cb(err);
  }
}

/** A waiter that records what happened to it. */
function waiter(log: string[], name: string): SyncWaiter {
  return { settle: () => log.push(`${name} settled`), fail: (e) => log.push(`${name} failed: ${(e as Error).name}`) };
}

/** A WalSync on a fresh file over `io`, with a batch committed for each name (in order). */
function committed(names: string[], io = new FakeIo()): { io: FakeIo; ws: WalSync; log: string[]; path: string } {
  const path = dbPath();
  const ws = new WalSync(path, io);
  const log: string[] = [];
  for (const name of names) ws.afterCommit(waiter(log, name));
  return { io, ws, log, path };
}

const eio = () => Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });

describe('WalSync', () => {
  it('settles a batch only once the sync started after its commit has completed', () => {
    const { io, ws, log } = committed(['a']);
    expect(log).toEqual([]);
    expect(io.pending).toHaveLength(1);
    io.complete();
    expect(log).toEqual(['a settled']);
    expect(ws.syncCount).toBe(1);
    ws.close();
  });

  it('keeps one sync in flight: batches committed during it wait for the next, which covers them all', () => {
    const { io, ws, log } = committed(['a', 'b', 'c']);
    expect(io.pending).toHaveLength(1);
    // The sync in flight started before b and c committed: it settles a alone.
    io.complete();
    expect(log).toEqual(['a settled']);
    expect(io.pending).toHaveLength(1);
    io.complete();
    expect(log).toEqual(['a settled', 'b settled', 'c settled']);
    expect(io.pending).toHaveLength(0);
    expect(ws.syncCount).toBe(2);
    ws.close();
  });

  it('a failed sync fails the batches it covered and those waiting, and poisons: later batches fail at once', () => {
    const { io, ws, log, path } = committed(['a', 'b']);
    io.complete(eio());
    expect(log).toEqual(['a failed: WalSyncFailedError', 'b failed: WalSyncFailedError']);
    expect(io.pending).toHaveLength(0);
    expect(ws.failed).toBeInstanceOf(WalSyncFailedError);
    expect(ws.failed?.message).toContain(path);
    expect(ws.failed?.message).toContain('EIO');
    expect((ws.failed?.cause as { code?: string }).code).toBe('EIO');
    ws.afterCommit(waiter(log, 'c'));
    expect(log.at(-1)).toBe('c failed: WalSyncFailedError');
    expect(io.pending).toHaveLength(0);
    ws.close();
  });

  it('drain() syncs at once and settles every batch, those of the sync in flight too, exactly once', () => {
    const { io, ws, log } = committed(['a', 'b']);
    ws.drain();
    expect(io.syncCalls).toBe(1);
    expect(log).toEqual(['a settled', 'b settled']);
    // The sync that was in flight returns later and finds nothing left to settle.
    io.complete();
    expect(log).toEqual(['a settled', 'b settled']);
    expect(io.pending).toHaveLength(0);
    ws.drain();
    expect(io.syncCalls).toBe(1);
    ws.close();
  });

  it('drain() fails every batch when its own sync fails', () => {
    const failing = new FakeIo();
    failing.fdatasyncSync = () => {
      throw eio();
    };
    const { ws, log } = committed(['a', 'b'], failing);
    ws.drain();
    expect(log).toEqual(['a failed: WalSyncFailedError', 'b failed: WalSyncFailedError']);
    expect(ws.failed).toBeInstanceOf(WalSyncFailedError);
  });

  it('close() with a sync in flight releases the file only when that sync returns', () => {
    const { io, ws, log } = committed(['a']);
    const fd = io.fds[0];
    ws.close();
    expect(log).toEqual(['a settled']);
    expect(() => fstatSync(fd)).not.toThrow();
    io.complete();
    expect(() => fstatSync(fd)).toThrow(/EBADF/);
    ws.close();
    expect(() => ws.afterCommit(waiter(log, 'b'))).toThrow(/closed/);
  });

  it('close() with nothing in flight releases the file at once', () => {
    const { io, ws } = committed(['a']);
    io.complete();
    const fd = io.fds[0];
    ws.close();
    expect(() => fstatSync(fd)).toThrow(/EBADF/);
  });

  it('refuses a database without its -wal file', () => {
    const p = join(dir, 'no-wal.sqlite');
    writeFileSync(p, '');
    expect(() => new WalSync(p)).toThrow(/ENOENT/);
  });

  it('syncs through node:fs by default: a batch settles in a later turn, after a real fdatasync', async () => {
    const p = dbPath();
    const fd = openSync(`${p}-wal`, 'a');
    writeFileSync(fd, 'frames');
    closeSync(fd);
    const ws = new WalSync(p);
    const settled = new Promise<string>((resolve, reject) => ws.afterCommit({ settle: () => resolve('settled'), fail: reject }));
    let early = false;
    void settled.then(() => (early = true));
    await Promise.resolve();
    expect(early).toBe(false);
    await expect(settled).resolves.toBe('settled');
    ws.close();
  });
});
