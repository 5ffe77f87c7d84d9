// Server benchmark (issue 5, "Speed"): the simulator as a service, loaded from a second process.
// The server runs as `ssc3 serve --port 0 --data <tmp>` (SQLite, WAL, each reply after its fsync) in a child
// process; this process is the load generator:
//
//   http-tap    full taps over HTTP: POST /v1/terminals/:id/taps, each card alternating an entry
//               gate and an exit gate (exit charges the fare), 16 connections (light load)
//   http-tap-busy  the same over 256 connections, which saturate the server: its capacity (the median of 3 runs)
//                                                                           target ≥ 5 000 taps/s
//   http-tap-issuing  the busy load while a card is issued every 100 ms (POST /v1/cards): a write
//               outside the group commits, which makes the writer thread's next batch planned again
//   http-tap-512  the busy row's load over 512 connections (2,048 cards, the median of 3 runs): no
//               target; what twice the requests in flight give, for comparison with the busy row
//   http-apdu   POST /v1/cards/:id/apdu, SELECT / READ BINARY / GET BALANCE in turn on each card,
//                                                                           target ≥ 10 000 APDUs/s
//   ws-apdu-1   WebSocket /v1/cards/:id/apdu, 1 message in flight           target p99 < 2 ms
//   ws-apdu-8   the same with 8 sockets on 8 cards, one message in flight on each
//   pcsc-apdu   pyscard → pcscd → vpcd → `ssc3 serve --vpcd` (its own, in pcscd's network
//               namespace), GET BALANCE / READ BINARY in a loop on the demo card in slot 0
//               (root and the packages needed; else skipped)             target ≥ 4 000 APDUs/s
//
// HTTP load: bench/lib/lean-http-load.ts (node:net, about 35 µs of CPU a request) unless
// --client autocannon (about 75): both cores are shared, and what the generator spends the server
// cannot (0.35 against 0.17 of a core on the busy row, 27 November).
//
// Prints a table and PASS/MISS; writes bench/results/server.{json,md}; with --readme, refreshes
// README.md's section. The load generator shares the machine's cores with the server.
//
//   npm run bench                                      every benchmark, this one last
//   node dist/bench/server.bench.js --quick            ~25 s, writes nothing
//   node dist/bench/server.bench.js --filter http-apdu --time 20000
//   SSC3_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p' node dist/bench/server.bench.js --filter http-tap
//                                                      the same, with a CPU profile of the server
//   SSC3_SERVER_ARGS='--memory' node dist/bench/server.bench.js --filter http-tap-busy
//                                                      another store or layout (--memory, --single-thread):
//                                                      prints only; writes with --out, never README.md
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIfEntry, updateReadmeSection } from './lib/entry.js';
import { flagsOrExit, HTTP_CLIENTS, readmeAllowed, resultsDirOf, type HttpClient } from './lib/cli.js';
import { runLeanHttpLoad } from './lib/lean-http-load.js';
import { apduCase, runHttpLoad, tapCase, type HttpCase, type HttpLoadResult, type PooledCard, type TapState } from './lib/http-load.js';
import { currentMachine } from './lib/measure.js';
import { pcscUnavailable, runPcsc } from './lib/pcsc-rig.js';
import { machineLine } from './lib/report.js';
import {
  busiestThreadSeconds,
  cpuSecondsOf,
  createCards,
  groupCommitsOf,
  issueCardsEvery,
  MAX_BALANCE_FEN,
  postJson,
  routeExists,
  startServerChild,
  threadCpuSecondsOf,
  wordsOf,
  type ServerChild,
} from './lib/server-process.js';
import {
  buildServerJson,
  evaluateServerTargets,
  latencySummary,
  renderServerMarkdown,
  renderServerTable,
  renderServerTargets,
  SERVER_CASES,
  SERVER_NOTE,
  skippedRow,
  type ServerCaseId,
  type ServerRow,
} from './lib/server-report.js';
import { runWsLoad } from './lib/ws-load.js';

// ---- load sizes --------------------------------------------------------------------------------
const SIZES = {
  /** HTTP keep-alive connections (--connections), one request in flight on each. */
  httpConnections: 16,
  /**
   * Connections of http-tap-busy: enough to keep the server's service thread busy. Since group
   * commits left that thread (first their fsync, SqliteCardStoreOptions.pipelinedSync, now the
   * whole commit, writerThread), each answer still waits for its commit while the thread runs the
   * next batch, so the loop needs more requests in flight than before. With each fsync 3 ms slower (modelled), 256 connections gave 30 % more taps a second
   * with the sync off the thread than with it inside the commit; on this host's quick disk the
   * two are level (README "Benchmarks").
   */
  busyConnections: 256,
  /**
   * Timed runs of http-tap-busy (full run; quick: 1), each on fresh cards: the row is the run with
   * the median taps a second, and its setup lists every run. This host's speed swings by half
   * within minutes (README "Benchmarks"), so one run is weak evidence.
   */
  busyRuns: 3,
  /**
   * Connections of http-tap-512, which has no target: at 256 the machine still had about a fifth
   * of its CPU idle on 27 November (README "Where 5,000/s stands"); this row, measured as the
   * busy row is (the median of busyRuns runs on fresh cards), shows what twice the requests in
   * flight give.
   */
  deepConnections: 512,
  /**
   * http-tap-issuing: a card issued this often during the timed run. Each issue is a commit outside
   * the group commits: the writer thread's next batch is planned again, and every card tapping
   * reads its version back from the database (before schema migration 5 that read scanned every
   * patch waiting for the bulk step, and the row was about half the busy row).
   */
  issueEveryMs: 100,
  /** HTTP APDUs: the cards the connections take turns on, at least this many per connection. */
  apduCards: 64,
  apduCardsPerConnection: 2,
  /** Taps: cards (a card is never on two connections at once), at least this many per connection. */
  tapCards: 400,
  tapCardsPerConnection: 4,
  /** An exit leaving less than this on the card retires it (the next fare might not be covered). */
  tapMinBalanceFen: 2_000,
  /** WebSocket: sockets (one card and one message in flight each) of the two ws cases. */
  wsInFlight: { 'ws-apdu-1': 1, 'ws-apdu-8': 8 },
  /** PC/SC: untimed APDUs, then timed ones (full run; quick: a tenth). */
  pcscWarmup: 1_000,
  pcscApdus: 20_000,
} as const;

interface Timing {
  /** Timed seconds per case. */
  durationS: number;
  /** Untimed seconds before each, of the same load on the same connections. */
  warmupS: number;
  /** HTTP connections of the HTTP cases. */
  connections: number;
  /** The HTTP load generator. */
  client: HttpClient;
}
const QUICK = { durationS: 3, warmupS: 1 };
const FULL = { durationS: 10, warmupS: 3 };

export const SERVER_USAGE = `usage: node dist/bench/server.bench.js [options]
  --quick          short run (~25 s): prints the table, writes nothing unless --out is given
  --filter REGEX   run only the cases whose id matches (${SERVER_CASES.join(', ')}); writes nothing unless --out is given
  --time MS        timed duration of each HTTP / WebSocket case (default 10 000; quick 3 000)
  --connections N  HTTP connections of http-tap and http-apdu (default ${SIZES.httpConnections}; http-tap-busy
                   and http-tap-issuing always have ${SIZES.busyConnections}, http-tap-512 ${SIZES.deepConnections}); the cards
                   issued grow with them (taps: ${SIZES.tapCardsPerConnection} per connection, at least ${SIZES.tapCards})
  --client NAME    the HTTP load generator: ${HTTP_CLIENTS.join(' (default) or ')} (a comparison: writes only with --out)
  --out DIR        where to write server.json and server.md (default bench/results)
  --readme         also rewrite README.md between <!-- bench:server --> and <!-- /bench:server --> (full runs only)
  --help           this text`;

/** The repository root, from dist/bench/server.bench.js. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'terminal-sim', 'cli', 'main.js');
const PCSC_CLIENT = join(ROOT, 'bench', 'pcsc-client.py');

const NAMES: Record<ServerCaseId, { name: string; unit: string }> = {
  'http-tap': { name: 'Full tap over HTTP', unit: 'taps' },
  'http-tap-busy': { name: 'Full tap over HTTP', unit: 'taps' },
  'http-tap-issuing': { name: 'Full tap over HTTP', unit: 'taps' },
  'http-tap-512': { name: 'Full tap over HTTP', unit: 'taps' },
  'http-apdu': { name: 'APDU over HTTP', unit: 'APDUs' },
  'ws-apdu-1': { name: 'APDU over WebSocket', unit: 'msgs' },
  'ws-apdu-8': { name: 'APDU over WebSocket', unit: 'msgs' },
  'pcsc-apdu': { name: 'APDU through pcscd + vpcd', unit: 'APDUs' },
};

/** CPU seconds used while a run went on: by the server (undefined without /proc) and by this process, the load generator. */
interface RunCpu {
  serverCpuS?: number;
  busiestThreadCpuS?: number;
  loadCpuS: number;
}

/** This process's CPU seconds so far (user + system). */
function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Starts counting CPU seconds; the returned function stops and reads them. */
function cpuMeter(server: ServerChild): () => RunCpu {
  const server0 = cpuSecondsOf(server.pid);
  const threads0 = threadCpuSecondsOf(server.pid);
  const load0 = ownCpuSeconds();
  return () => {
    const server1 = cpuSecondsOf(server.pid);
    const threads1 = threadCpuSecondsOf(server.pid);
    return {
      loadCpuS: ownCpuSeconds() - load0,
      ...(server0 === undefined || server1 === undefined ? {} : { serverCpuS: server1 - server0 }),
      ...(threads0 === undefined || threads1 === undefined ? {} : { busiestThreadCpuS: busiestThreadSeconds(threads0, threads1) }),
    };
  };
}

function httpRow(id: ServerCaseId, setup: string, r: HttpLoadResult, cpu: RunCpu): ServerRow {
  return {
    id,
    ...NAMES[id],
    setup,
    perSec: r.good / r.durationS,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    maxMs: r.maxMs,
    count: r.good,
    errors: r.errors,
    durationS: r.durationS,
    ...cpu,
  };
}

function latencyRow(id: ServerCaseId, setup: string, r: { good: number; errors: number; durationS: number; latenciesMs: Float64Array }, cpu?: RunCpu): ServerRow {
  if (r.good === 0) return { ...skippedRow(id, NAMES[id].name, setup, NAMES[id].unit, `no good reply (${r.errors} errors)`), errors: r.errors };
  return {
    id,
    ...NAMES[id],
    setup,
    perSec: r.good / r.durationS,
    ...latencySummary(r.latenciesMs),
    count: r.good,
    errors: r.errors,
    durationS: r.durationS,
    ...cpu,
  };
}

/**
 * One load on one pool: `t.warmupS` untimed, then `t.durationS` timed on the same connections,
 * with the CPU seconds used during the timed part. `around` runs at the mark (its reading may
 * land a little after it), and what it returns after the run.
 */
async function warmAndRun<S>(
  server: ServerChild,
  c: HttpCase<S>,
  pool: PooledCard<S>[],
  connections: number,
  t: Timing,
  around?: () => Promise<() => Promise<void>>,
): Promise<[HttpLoadResult, RunCpu]> {
  let stop: (() => RunCpu) | undefined;
  let after: Promise<() => Promise<void>> | undefined;
  const run = t.client === 'autocannon' ? runHttpLoad : runLeanHttpLoad;
  const r = await run(pool, c, {
    url: server.url,
    connections,
    durationS: t.durationS,
    warmupS: t.warmupS,
    onTimed: () => {
      stop = cpuMeter(server);
      after = around?.();
    },
  });
  // runHttpLoad throws when the run ended before the mark, so the meter is running.
  const cpu = stop!();
  await (await after)?.();
  return [r, cpu];
}

/**
 * `runs` tap rows on fresh cards; the one with the median taps a second, its setup naming them all.
 * @throws Error when a run fails
 */
async function medianTapRow(server: ServerChild, t: Timing, id: 'http-tap-busy' | 'http-tap-512', runs: number, seedBase: number): Promise<ServerRow> {
  const rows: ServerRow[] = [];
  for (let i = 0; i < runs; i++) {
    const row = await tapRow(server, t, id, seedBase + i * 10_000);
    if (row.skipped !== undefined) return row;
    rows.push(row);
  }
  if (rows.length === 1) return rows[0];
  const median = [...rows].sort((a, b) => a.perSec - b.perSec)[rows.length >> 1];
  const all = rows.map((r) => Math.round(r.perSec).toLocaleString('en-US')).join(', ');
  return { ...median, setup: `${median.setup}; the median of ${rows.length} runs (${all} ${median.unit}/s)` };
}

async function tapRow(server: ServerChild, t: Timing, id: 'http-tap' | 'http-tap-busy' | 'http-tap-issuing' | 'http-tap-512', seedBase = id === 'http-tap' ? 20_000 : 60_000): Promise<ServerRow> {
  const cards = Math.max(SIZES.tapCards, SIZES.tapCardsPerConnection * t.connections);
  let setup = `${t.connections} connections, ${cards} cards, entry and exit gates in turn`;
  // The routes are being added (issue 5): skip cleanly until they are there.
  if (!(await routeExists('POST', `${server.url}/v1/terminals`))) return skippedRow(id, NAMES[id].name, setup, NAMES[id].unit, 'route not available');
  const entry = await postJson<{ id: string }>(`${server.url}/v1/terminals`, { kind: 'gate', direction: 'entry' }, 201);
  const exit = await postJson<{ id: string }>(`${server.url}/v1/terminals`, { kind: 'gate', direction: 'exit' }, 201);
  const c = tapCase({ entryId: entry.id, exitId: exit.id, minBalanceFen: SIZES.tapMinBalanceFen });
  const fresh = (ids: string[]): PooledCard<TapState>[] => ids.map((cid) => ({ id: cid, state: { next: 'entry', failures: 0 } }));
  // Seeds apart from the other cases' (a seed makes a card's serial: the server refuses a second card with it).
  const pool = fresh(await createCards(server.url, cards, MAX_BALANCE_FEN, seedBase));
  // Taps per group commit during the timed run (GET /v1/status): what the commit cost is shared by.
  let perCommit = '';
  const [r, cpu] = await warmAndRun(server, c, pool, t.connections, t, async () => {
    const stopIssuing = id === 'http-tap-issuing' ? issueCardsEvery(server.url, SIZES.issueEveryMs, seedBase + cards) : undefined;
    const g0 = await groupCommitsOf(server.url);
    return async () => {
      const g1 = await groupCommitsOf(server.url);
      if (g0 && g1 && g1.commits > g0.commits) perCommit = `; ${((g1.writes - g0.writes) / (g1.commits - g0.commits)).toFixed(1)} taps per group commit`;
      if (stopIssuing) setup += `, a card issued every ${SIZES.issueEveryMs} ms (${await stopIssuing()} in the run)`;
    };
  });
  return httpRow(id, setup + perCommit, r, cpu);
}

async function apduRow(server: ServerChild, t: Timing): Promise<ServerRow> {
  const n = Math.max(SIZES.apduCards, SIZES.apduCardsPerConnection * t.connections);
  const ids = await createCards(server.url, n, 5_000, 30_000);
  const pool: PooledCard<number>[] = ids.map((cid) => ({ id: cid, state: 0 }));
  const [r, cpu] = await warmAndRun(server, apduCase(), pool, t.connections, t);
  return httpRow('http-apdu', `${t.connections} connections, ${n} cards, SELECT / READ BINARY / GET BALANCE`, r, cpu);
}

async function wsRow(server: ServerChild, id: 'ws-apdu-1' | 'ws-apdu-8', t: Timing): Promise<ServerRow> {
  const n = SIZES.wsInFlight[id];
  const ids = await createCards(server.url, n, 5_000, id === 'ws-apdu-1' ? 40_000 : 40_100);
  let stop: (() => RunCpu) | undefined;
  let cpu: RunCpu | undefined;
  const r = await runWsLoad(server.url, ids, t.durationS * 1000, t.warmupS * 1000, (phase) => {
    if (phase === 'start') stop = cpuMeter(server);
    else cpu = stop?.();
  });
  return latencyRow(id, `${n} socket${n > 1 ? 's' : ''} on ${n} card${n > 1 ? 's' : ''}, 1 message in flight each, hex text`, r, cpu);
}

async function pcscRow(quick: boolean): Promise<ServerRow> {
  const id = 'pcsc-apdu';
  const n = quick ? SIZES.pcscApdus / 10 : SIZES.pcscApdus;
  const setup = `pyscard SCardTransmit, ${n} GET BALANCE / READ BINARY, 1 in flight; ssc3 serve --vpcd, SQLite`;
  const why = pcscUnavailable();
  if (why !== undefined) return skippedRow(id, NAMES[id].name, setup, NAMES[id].unit, why);
  const r = await runPcsc(CLI, PCSC_CLIENT, n, quick ? SIZES.pcscWarmup / 10 : SIZES.pcscWarmup);
  return latencyRow(id, setup, r);
}

/**
 * Runs the benchmark with command-line flags `argv`.
 * @returns the process exit code: 0; 1 when a case failed (its row says why); 2 for bad flags or
 *   when no case matches --filter.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = flagsOrExit(argv, SERVER_USAGE);
  if (typeof flags === 'number') return flags;
  const base = flags.quick ? QUICK : FULL;
  const t: Timing = {
    durationS: flags.timeMs === undefined ? base.durationS : flags.timeMs / 1000,
    warmupS: base.warmupS,
    connections: flags.connections ?? SIZES.httpConnections,
    client: flags.client ?? 'lean',
  };
  const cases = SERVER_CASES.filter((id) => flags.filter === undefined || flags.filter.test(id));
  if (cases.length === 0) {
    console.error(`no case matches --filter ${String(flags.filter)}; cases: ${SERVER_CASES.join(', ')}`);
    return 2;
  }

  const m = currentMachine();
  console.log(`${machineLine(m)}\n${SERVER_NOTE}\n`);
  const rows: ServerRow[] = [];
  let failed = false;
  const attempt = async (id: ServerCaseId, run: () => Promise<ServerRow>): Promise<void> => {
    process.stderr.write(`${id}: ${id === 'pcsc-apdu' ? '' : `${t.warmupS} s warm-up + ${t.durationS} s timed`}\n`);
    try {
      const row = await run();
      if (row.skipped !== undefined) console.log(`${id}: skipped: ${row.skipped}`);
      rows.push(row);
    } catch (e) {
      failed = true;
      const msg = (e as Error).message;
      console.error(`${id}: FAILED: ${msg}`);
      rows.push(skippedRow(id, NAMES[id].name, '', NAMES[id].unit, `failed: ${msg.split('\n')[0]}`));
    }
  };

  const needsServer = cases.some((id) => id !== 'pcsc-apdu');
  const server = needsServer ? await startServerChild(CLI) : undefined;
  try {
    for (const id of cases) {
      if (id === 'http-tap') await attempt(id, () => tapRow(server!, t, id));
      else if (id === 'http-tap-busy') await attempt(id, () => medianTapRow(server!, { ...t, connections: SIZES.busyConnections }, id, flags.quick ? 1 : SIZES.busyRuns, 60_000));
      else if (id === 'http-tap-issuing') await attempt(id, () => tapRow(server!, { ...t, connections: SIZES.busyConnections }, id, 90_000));
      // Seeds from 100,000 on: past the issuing row's cards (90,000 + its 1,024 + those it issues).
      else if (id === 'http-tap-512') await attempt(id, () => medianTapRow(server!, { ...t, connections: SIZES.deepConnections }, id, flags.quick ? 1 : SIZES.busyRuns, 100_000));
      else if (id === 'http-apdu') await attempt(id, () => apduRow(server!, t));
      else if (id === 'ws-apdu-1' || id === 'ws-apdu-8') await attempt(id, () => wsRow(server!, id, t));
    }
  } finally {
    await server?.stop();
  }
  // With the HTTP server stopped: pcscd, `ssc3 serve --vpcd` and the client have the machine to themselves.
  if (cases.includes('pcsc-apdu')) await attempt('pcsc-apdu', () => pcscRow(flags.quick));

  const targets = evaluateServerTargets(rows).filter((x) => cases.includes(x.id));
  console.log(`\n${renderServerTable(rows, targets)}`);
  console.log(`\nTargets${flags.quick ? ' (quick run: indicative only)' : ''}\n${renderServerTargets(rows, targets)}`);
  console.log(`\n${machineLine(m)}`);

  const md = renderServerMarkdown(rows, targets, m);
  // The results and the README describe the server as shipped: a run with other server options
  // is a comparison, written only where --out says.
  const serverArgs = wordsOf(process.env.SSC3_SERVER_ARGS);
  const otherClient = t.client === 'lean' ? undefined : `--client ${t.client}`;
  const otherLayout = serverArgs.length > 0 ? `SSC3_SERVER_ARGS=${serverArgs.join(' ')}` : otherClient;
  if (serverArgs.length > 0) console.log(`server options: ${serverArgs.join(' ')} (SSC3_SERVER_ARGS): not the shipped layout; bench/results and README.md left alone`);
  else if (otherClient !== undefined) console.log(`${otherClient}: not the benchmark's load generator; bench/results and README.md left alone`);
  const outDir = resultsDirOf(flags, ROOT, otherLayout);
  if (outDir !== undefined) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'server.json'), JSON.stringify(buildServerJson(rows, targets, m), null, 2) + '\n');
    writeFileSync(join(outDir, 'server.md'), md);
    console.log(`wrote ${join(outDir, 'server.json')}, server.md`);
  }
  if (readmeAllowed(flags, otherLayout)) updateReadmeSection(ROOT, 'server', md);
  return failed ? 1 : 0;
}

runIfEntry(import.meta.url, main);
