// Reads the shared reference data beside the checkout (../shared/data, see its README): the full
// Beijing network and the 2024–2026 working-day calendar. They are not copied into the project;
// suites that need them skip, with the reason printed, when they are absent.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED_DATA = resolve(process.cwd(), '../shared/data');

/** The parsed JSON of a shared file, or undefined (reason printed once) when it is absent. */
export function readShared(file: string): unknown {
  const path = resolve(SHARED_DATA, file);
  if (!existsSync(path)) {
    console.warn(`skipping tests that need ${path}: file absent (the shared data lives beside the checkout)`);
    return undefined;
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}
