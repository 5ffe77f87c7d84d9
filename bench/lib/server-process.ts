// The server under test, in a child process of its own: `node --single-threaded-gc
// dist/terminal-sim/cli/main.js serve --port 0 --data <tmp>` (SQLite, as `npm start` runs it), so the load generator in this process never shares
// its event loop. Plus the few HTTP calls the benchmark makes to set up cards and terminals.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVE_NODE_FLAGS } from '../../terminal-sim/cli/serve-node-flags.js';

/** Whitespace-separated words of an environment variable (none when unset). */
export function wordsOf(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((a) => a.length > 0);
}

/**
 * The `ssc3 serve` arguments: a free port, then `--data dataDir` unless `extra` asks for
 * `--memory` (the CLI refuses both), then `extra` (SSC3_SERVER_ARGS, e.g. "--memory" or
 * "--single-thread", to measure another layout or store against the shipped one).
 */
export function serveArgs(dataDir: string, extra: readonly string[]): string[] {
  return ['serve', '--port', '0', ...(extra.includes('--memory') ? [] : ['--data', dataDir]), ...extra];
}

export interface ServerChild {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  pid: number;
  dataDir: string;
  /** SIGTERM, wait for the exit (SIGKILL after 5 s), remove the data folder. */
  stop(): Promise<void>;
}

/**
 * Starts `ssc3 serve` from `cliPath` on a free port with a fresh SQLite folder.
 * @throws Error when the server exits or prints no URL within 15 s.
 */
export async function startServerChild(cliPath: string, extraArgs: readonly string[] = []): Promise<ServerChild> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ssc3-bench-server-'));
  // SSC3_SERVER_NODE_ARGS: Node flags for the server only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"
  // to profile it under load (NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = wordsOf(process.env.SSC3_SERVER_NODE_ARGS);
  // As `npm start` runs it (SERVE_NODE_FLAGS); flags in SSC3_SERVER_NODE_ARGS come later and win.
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...nodeArgs, cliPath, ...serveArgs(dataDir, [...wordsOf(process.env.SSC3_SERVER_ARGS), ...extraArgs])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server printed no URL within 15 s\n${out}${err}`)), 15_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with code ${code} before listening\n${out}${err}`));
      });
    });
    return { url, pid: child.pid!, dataDir, stop: () => stopChild(child, exited, dataDir) };
  } catch (e) {
    await stopChild(child, exited, dataDir);
    throw e;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * POSTs JSON and returns the parsed reply.
 * @throws Error when the status is not `want`.
 */
export async function postJson<T>(url: string, body: unknown, want = 200): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== want) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * GETs JSON and returns the parsed reply.
 * @throws Error when the status is not 200.
 */
export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The server's group commits so far (GET /v1/status), or undefined when its store has none. */
export async function groupCommitsOf(baseUrl: string): Promise<{ commits: number; writes: number } | undefined> {
  const s = await getJson<{ store: { groupCommits?: number; groupedWrites?: number } }>(`${baseUrl}/v1/status`);
  return s.store.groupCommits === undefined || s.store.groupedWrites === undefined ? undefined : { commits: s.store.groupCommits, writes: s.store.groupedWrites };
}

/** Whether `method url` is routed (anything but 404 NOT_FOUND; 405 and 400 count as routed). */
export async function routeExists(method: string, url: string): Promise<boolean> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
  const text = await res.text();
  return !(res.status === 404 && text.includes('"NOT_FOUND"'));
}

/** The largest opening balance the issuer accepts (engine issueCardImage: 0..100 000 fen). */
export const MAX_BALANCE_FEN = 100_000;

/** Issues `n` cards with `balanceFen` each (seeds from `seedBase`); returns their ids. */
export async function createCards(baseUrl: string, n: number, balanceFen: number, seedBase: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await postJson<{ id: string }>(`${baseUrl}/v1/cards`, { balanceFen, seed: seedBase + i, algorithm: i % 2 === 0 ? '3des' : 'sm4' }, 201);
    ids.push(c.id);
  }
  return ids;
}

/**
 * Issues a card (POST /v1/cards, seeds from `seedBase`) every `everyMs` until stopped: stopping
 * returns how many were issued. @throws at stop the error of an issue that failed (it ends the loop)
 */
export function issueCardsEvery(url: string, everyMs: number, seedBase: number): () => Promise<number> {
  let stopped = false;
  let issued = 0;
  let failure: unknown;
  const loop = (async () => {
    let next = performance.now();
    while (!stopped) {
      try {
        await postJson(`${url}/v1/cards`, { balanceFen: 1_000, seed: seedBase + issued }, 201);
      } catch (e) {
        failure = e;
        return;
      }
      issued++;
      next += everyMs;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    if (failure !== undefined) throw failure;
    return issued;
  };
}

let ticksPerSec: number | undefined;

/** utime + stime of a /proc stat line, in seconds. */
function statCpuSeconds(stat: string): number {
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  ticksPerSec ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSec;
}

/**
 * CPU seconds used so far by each thread of process `pid` (by thread id), from
 * /proc/<pid>/task/<tid>/stat; undefined where there is no /proc. A thread that ended is missing.
 */
export function threadCpuSecondsOf(pid: number): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const out = new Map<number, number>();
  for (const tid of tids) {
    try {
      out.set(Number(tid), statCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** The most CPU seconds any one thread used between two readings of threadCpuSecondsOf. */
export function busiestThreadSeconds(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let most = 0;
  for (const [tid, s] of after) most = Math.max(most, s - (before.get(tid) ?? 0));
  return most;
}

/**
 * CPU seconds (user + system) used so far by process `pid`, from /proc/<pid>/stat; undefined where
 * there is no /proc (not Linux). Resolution: one clock tick (10 ms).
 */
export function cpuSecondsOf(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return statCpuSeconds(stat);
}
