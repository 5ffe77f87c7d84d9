/**
 * Finds the ssc3-sim package directory from a module's location, so that the shipped data
 * (vectors/, package.json) is found whether the CLI runs from the source tree
 * (terminal-sim/cli/ → ../..), from the build (dist/terminal-sim/cli/ → ../../..) or from an
 * installed package (node_modules/ssc3-sim/dist/…).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'ssc3-sim';

/**
 * The nearest directory at or above `fromUrl`'s folder whose package.json is named ssc3-sim.
 * @returns its absolute path, or undefined when there is none.
 */
export function findPackageRoot(fromUrl: string = import.meta.url): string | undefined {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable or malformed package.json on the way up is not ours: keep climbing.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The package version from package.json, or '0.0.0' when the package root cannot be found. */
export function packageVersion(): string {
  const root = findPackageRoot();
  if (root === undefined) return '0.0.0';
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : '0.0.0';
}
