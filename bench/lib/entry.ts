/**
 * What every benchmark entry point shares: refreshing its README section with `--readme`, and
 * running `main(argv)` when the file is executed rather than imported (by bench/run-all.ts).
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { replaceMarkedSection } from './report.js';

/** Rewrites README.md between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, saying what it did. */
export function updateReadmeSection(root: string, name: string, body: string): void {
  const path = join(root, 'README.md');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const next = text === undefined ? undefined : replaceMarkedSection(text, body, name);
  if (next === undefined) {
    console.log(`--readme: ${text === undefined ? 'no README.md' : `README.md has no <!-- bench:${name} --> … <!-- /bench:${name} --> markers`}; left unchanged`);
  } else if (next === text) {
    console.log('--readme: README.md already up to date');
  } else {
    writeFileSync(path, next);
    console.log(`--readme: README.md section bench:${name} rewritten`);
  }
}

/** Runs `main(process.argv.slice(2))` when `moduleUrl` is the executed script; sets the exit code. */
export function runIfEntry(moduleUrl: string, main: (argv: readonly string[]) => Promise<number>): void {
  const script = process.argv[1];
  if (script === undefined || moduleUrl !== pathToFileURL(realpathSync(script)).href) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
