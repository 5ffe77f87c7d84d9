// A temporary directory for one test, removed when the test ends (passed or failed), so the suite
// leaves nothing behind in the OS temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** Call inside a test: a new directory `ssc3-<prefix>-XXXXXX`, removed after the test. */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ssc3-${prefix}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
