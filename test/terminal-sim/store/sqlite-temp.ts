// Shared by the SQLite store suites: database paths in a temporary directory of the suite's own,
// removed after it, and the writer thread's Node flags (it loads sqlite-writer.ts from the sources).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh directory for this suite (call at the top of a test file); `path()` names a new database in it. */
export function tempDbDir(prefix: string): { dir: string; path: () => string } {
  const dir = mkdtempSync(join(tmpdir(), `ssc3-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return { dir, path: () => join(dir, `${prefix}-${++n}.db`) };
}

/** SqliteCardStoreOptions.writerThread for tests run from the TypeScript sources. */
export const WRITER = { execArgv: ['--import', new URL('./fixtures/register-ts.mjs', import.meta.url).href] };
