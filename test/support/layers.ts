// The layer rule of DEVELOPERS.md: crypto ← engine ← terminal-sim. A module may import its own
// layer or a lower one, never a higher one. This scans static imports, re-exports and dynamic
// import() calls, so it also catches what the ESLint rule cannot see.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const LAYERS = ['crypto', 'engine', 'terminal-sim'] as const;
export type Layer = (typeof LAYERS)[number];

export interface Violation {
  file: string;
  specifier: string;
  from: Layer;
  to: Layer;
}

const IMPORT_RE = /(?:\bimport\s*(?:[^'"()]*?\bfrom\s*)?|\bexport\s+[^'"()]*?\bfrom\s*|\bimport\s*\(\s*)['"]([^'"]+)['"]/g;

/** Returns the layer a project-relative path belongs to, or undefined outside the layers. */
export function layerOf(relPath: string): Layer | undefined {
  const top = relPath.split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : undefined;
}

/** Lists the relative import specifiers of one source text. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT_RE)) out.push(m[1]);
  return out;
}

/** Returns every upward import among `files` (project-relative path → source text). */
export function findUpwardImports(files: Map<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of files) {
    const from = layerOf(file);
    if (!from) continue;
    for (const specifier of importSpecifiers(source)) {
      if (!specifier.startsWith('.')) continue;
      const target = relative('.', join(dirname(file), specifier)).split(sep).join('/');
      const to = layerOf(target);
      if (to && LAYERS.indexOf(to) > LAYERS.indexOf(from)) violations.push({ file, specifier, from, to });
    }
  }
  return violations;
}

/** Reads every .ts file of the three layers under `root`. */
export function readLayerSources(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|mts|js|mjs)$/.test(name)) files.set(relative(root, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  for (const layer of LAYERS) {
    try {
      walk(resolve(root, layer));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return files;
}
