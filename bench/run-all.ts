// `npm run bench`: the crypto, transit tap, fare and server benchmarks, each in a process of its
// own (a clean heap and JIT, --expose-gc), all with the flags given after `--`:
//
//   npm run bench                       all, full runs, results in bench/results
//   npm run bench -- --quick            all, short runs, nothing written
//   npm run bench -- --readme           all, and README.md's sections refreshed
//   npm run bench -- --filter sm4       the crypto cases and the purse profile matching sm4 (writes nothing)
//
// With --filter, a benchmark where nothing matches (exit code 2) is skipped rather than failed;
// the run fails with 2 only when nothing matched anywhere.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCHES = ['crypto', 'transit', 'fare', 'server'] as const;

/**
 * Runs every benchmark with `argv`.
 * @returns the exit code: the first failure's, 2 when --filter matched nothing anywhere, else 0.
 */
export function runAll(argv: readonly string[]): number {
  const filtered = argv.includes('--filter');
  let ran = 0;
  for (const name of BENCHES) {
    const script = fileURLToPath(new URL(`./${name}.bench.js`, import.meta.url));
    const r = spawnSync(process.execPath, ['--expose-gc', script, ...argv], { stdio: 'inherit' });
    const code = r.status ?? 1;
    if (code === 2 && filtered) {
      console.log(`(${name}: nothing matches the filter, skipped)\n`);
      continue;
    }
    if (code !== 0) return code;
    ran++;
    if (argv.includes('--help') || argv.includes('-h')) continue;
    console.log('');
  }
  return ran === 0 && filtered ? 2 : 0;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isEntry) process.exitCode = runAll(process.argv.slice(2));
