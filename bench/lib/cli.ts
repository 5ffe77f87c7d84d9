// Command-line flags of the benchmarks (crypto and transit take the same ones).
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchFlags {
  /** Short times (~10–15 s in all), for the demo; writes nothing unless `out` is given. */
  quick: boolean;
  /** Only cases whose id or operation name matches. */
  filter?: RegExp;
  /** Time budget per row and round, ms. */
  timeMs?: number;
  /** Directory for the result files (crypto.json / .svg / .md, transit.json / .md); a full run (no --quick, no --filter) defaults to bench/results. */
  out?: string;
  /** Rewrite README.md between the bench's markers (a full run only). */
  readme: boolean;
  /** HTTP keep-alive connections of the server benchmark's load (the others ignore it). */
  connections?: number;
  /** The server benchmark's HTTP load generator (the others ignore it): node:net (default) or autocannon. */
  client?: HttpClient;
  help: boolean;
}

/** The HTTP load generators of the server benchmark (bench/lib/lean-http-load.ts, bench/lib/http-load.ts). */
export const HTTP_CLIENTS = ['lean', 'autocannon'] as const;
export type HttpClient = (typeof HTTP_CLIENTS)[number];

export const TRANSIT_USAGE = `usage: node --expose-gc dist/bench/transit.bench.js [options]
  --quick          short run (~5 s): prints the table, writes nothing unless --out is given
  --filter REGEX   run only the purse profiles that match (3des, sm4); writes nothing unless --out is given
  --time MS        time budget per profile and round (default 600 × 8 rounds; quick 400 × 1)
  --out DIR        where to write transit.json and transit.md (default bench/results)
  --readme         also rewrite README.md between <!-- bench:transit --> and <!-- /bench:transit --> (full runs only)
  --help           this text`;

export const USAGE = `usage: node --expose-gc dist/bench/crypto.bench.js [options]
  --quick          short run (~10-15 s): prints the table, writes nothing unless --out is given
  --filter REGEX   run only the cases whose id or name matches (e.g. --filter sm2); writes nothing unless --out is given
  --time MS        time budget per row and round (default 750 × 4 rounds; quick 100 × 1)
  --out DIR        where to write crypto.json, crypto.svg and crypto.md (default bench/results)
  --readme         also rewrite README.md between <!-- bench:crypto --> and <!-- /bench:crypto --> (full runs only)
  --help           this text`;

/** The most HTTP connections the server benchmark opens (--connections). */
export const MAX_CONNECTIONS = 512;

/**
 * Parses argv (without node and the script).
 * @throws TypeError for an unknown flag or a missing value; RangeError for a bad --time or REGEX.
 */
export function parseFlags(argv: readonly string[]): BenchFlags {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      filter: { type: 'string' },
      time: { type: 'string' },
      out: { type: 'string' },
      readme: { type: 'boolean', default: false },
      connections: { type: 'string' },
      client: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  let timeMs: number | undefined;
  if (values.time !== undefined) {
    timeMs = Number(values.time);
    if (!Number.isFinite(timeMs) || timeMs <= 0) throw new RangeError(`"--time" expected a positive number of ms, got ${JSON.stringify(values.time)}`);
  }
  let connections: number | undefined;
  if (values.connections !== undefined) {
    connections = Number(values.connections);
    if (!Number.isInteger(connections) || connections < 1 || connections > MAX_CONNECTIONS) {
      throw new RangeError(`"--connections" expected an integer from 1 to ${MAX_CONNECTIONS}, got ${JSON.stringify(values.connections)}`);
    }
  }
  if (values.client !== undefined && !(HTTP_CLIENTS as readonly string[]).includes(values.client)) {
    throw new RangeError(`"--client" expected one of ${HTTP_CLIENTS.join(', ')}, got ${JSON.stringify(values.client)}`);
  }
  let filter: RegExp | undefined;
  if (values.filter !== undefined) {
    try {
      filter = new RegExp(values.filter, 'i');
    } catch (e) {
      throw new RangeError(`"--filter" is not a regular expression: ${(e as Error).message}`);
    }
  }
  return {
    quick: values.quick,
    filter,
    timeMs,
    out: values.out,
    readme: values.readme,
    ...(connections === undefined ? {} : { connections }),
    ...(values.client === undefined ? {} : { client: values.client as HttpClient }),
    help: values.help,
  };
}

/**
 * The flags of a benchmark's `main`, or its exit code when there is nothing to run: 2 after a
 * bad flag (the message and `usage` on stderr), 0 after --help (`usage` on stdout).
 */
export function flagsOrExit(argv: readonly string[], usage: string): BenchFlags | number {
  let flags: BenchFlags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (flags.help) {
    console.log(usage);
    return 0;
  }
  return flags;
}

/** The quick or full timing, with --time as the time budget (and the warm-up's ceiling). */
export function timingOf<T extends { timeMs: number; warmupMs: number }>(flags: BenchFlags, quick: T, full: T): T {
  const base = flags.quick ? quick : full;
  return { ...base, timeMs: flags.timeMs ?? base.timeMs, warmupMs: Math.min(base.warmupMs, flags.timeMs ?? Infinity) };
}

/**
 * Why this run's table is not a full run's, or undefined for a full run: a quick run, a filtered
 * one, or `other` (a reason of the benchmark's own, e.g. the server run with other options).
 */
export function partialRun(flags: BenchFlags, other?: string): string | undefined {
  if (flags.quick) return '--quick';
  if (flags.filter) return '--filter';
  return other;
}

/**
 * Where a run writes its result files: --out when given; else bench/results under `root` for a
 * full run only. bench/results and the README hold full runs: a quick or filtered table written
 * there would replace every other row.
 */
export function resultsDirOf(flags: BenchFlags, root: string, other?: string): string | undefined {
  return flags.out ?? (partialRun(flags, other) === undefined ? join(root, 'bench', 'results') : undefined);
}

/** Whether --readme may rewrite the README's section: asked for, and a full run (else says so). */
export function readmeAllowed(flags: BenchFlags, other?: string): boolean {
  if (!flags.readme) return false;
  const partial = partialRun(flags, other);
  if (partial !== undefined) console.log(`--readme ignored: not a full run (${partial}); README.md left alone`);
  return partial === undefined;
}
