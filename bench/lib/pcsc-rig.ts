// The PC/SC rig of the server benchmark: pcscd with Debian's vpcd driver, the simulator as
// `ssc3 serve --demo --vpcd 127.0.0.1:35963 --data <tmp>` (the demo's standard 3DES card waits in
// slot 0; SQLite, as for HTTP) and a pyscard client (bench/pcsc-client.py) sending APDUs in a
// loop, timed on the client:
//
//   pyscard → libpcsclite → pcscd → vpcd → TCP 127.0.0.1:35963 → VpcdSlot → StoredCard → SQLite
//
// pcscd runs in a private network namespace with `quickack 1` on the loopback route — Debian's
// vpcd sends length and payload in two send()s without TCP_NODELAY, which costs 40 ms per message
// otherwise (shared/reference/pcsc/README.md, pitfall 1) — so the machine's own routes are not
// touched. Needs root and the packages pcscd, vsmartcard-vpcd and python3-pyscard; every process
// started here is stopped by its PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VPCD_SO = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const PYTHON = '/usr/bin/python3';
export const PCSC_READER = 'Virtual PCD 00 00';

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Why the PC/SC case cannot run here, or undefined when it can. */
export function pcscUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'needs root (unshare -n and ip route for the quickack recipe)';
  for (const cmd of ['pcscd', 'unshare', 'nsenter', 'ip', 'ss']) {
    if (!onPath(cmd)) return `${cmd} not found (packages pcscd, util-linux, iproute2)`;
  }
  if (!existsSync(VPCD_SO)) return `${VPCD_SO} not found (package vsmartcard-vpcd)`;
  if (spawnSync(PYTHON, ['-c', 'import smartcard.scard'], { stdio: 'ignore' }).status !== 0) return `${PYTHON} cannot import smartcard (package python3-pyscard)`;
  if (spawnSync('pgrep', ['-x', 'pcscd'], { stdio: 'ignore' }).status === 0) return 'a pcscd is already running (the rig starts its own)';
  return undefined;
}

export interface PcscResult {
  good: number;
  errors: number;
  durationS: number;
  latenciesMs: Float64Array;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
async function stop(p: ChildProcess | undefined): Promise<void> {
  if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(t);
}

function collect(p: ChildProcess): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { out: () => out, err: () => err };
}

/**
 * Starts pcscd and `ssc3 serve --vpcd` (from `cliPath`), runs the client (`n` timed APDUs after
 * `warmup` untimed ones) and stops everything it started.
 * @throws Error when a step fails (the message carries the process's output).
 */
export async function runPcsc(cliPath: string, clientScript: string, n: number, warmup: number): Promise<PcscResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ssc3-bench-pcsc-'));
  let pcscd: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  try {
    // unshare and bash both exec: the child's PID is pcscd's.
    pcscd = spawn(
      'unshare',
      [
        '-n',
        'bash',
        '-c',
        'ip link set lo up && ip route change local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1 && exec pcscd -f',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const pcscdLog = collect(pcscd);
    const pid = String(pcscd.pid);
    let listening = false;
    for (let i = 0; i < 100 && !listening; i++) {
      if (pcscd.exitCode !== null) throw new Error(`pcscd exited with ${pcscd.exitCode}: ${pcscdLog.out()}${pcscdLog.err()}`);
      if (existsSync(PCSCD_SOCKET)) {
        const ss = spawnSync('nsenter', ['-t', pid, '-n', 'ss', '-ltn'], { encoding: 'utf8' });
        listening = ss.stdout.includes(':35963 ');
      }
      if (!listening) await sleep(100);
    }
    if (!listening) throw new Error(`vpcd is not listening on 35963 after 10 s: ${pcscdLog.out()}${pcscdLog.err()}`);

    // In pcscd's namespace, where vpcd listens (nsenter execs: the child's PID is node's). Its
    // HTTP port (0: any) is unused here.
    server = spawn(
      'nsenter',
      ['-t', pid, '-n', process.execPath, cliPath, 'serve', '--port', '0', '--data', dataDir, '--demo', '--vpcd', '127.0.0.1:35963'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const serverLog = collect(server);
    for (let i = 0; i < 150 && !serverLog.out().includes('listening on'); i++) {
      if (server.exitCode !== null) throw new Error(`ssc3 serve exited with ${server.exitCode}: ${serverLog.err()}`);
      await sleep(100);
    }
    if (!serverLog.out().includes('listening on')) throw new Error(`ssc3 serve did not start: ${serverLog.out()}${serverLog.err()}`);

    const client = spawn(PYTHON, [clientScript, PCSC_READER, String(n), String(warmup)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const clientLog = collect(client);
    const code = await new Promise<number | null>((r) => client.once('exit', r));
    if (code !== 0) throw new Error(`the pyscard client exited with ${code}: ${clientLog.err()}\nssc3 serve: ${serverLog.err()}`);
    const res = JSON.parse(clientLog.out()) as { good: number; errors: number; seconds: number; latenciesMs: number[] };
    return { good: res.good, errors: res.errors, durationS: res.seconds, latenciesMs: Float64Array.from(res.latenciesMs) };
  } finally {
    // The server first (card removed), then pcscd (it removes /run/pcscd/* on SIGTERM).
    await stop(server);
    await stop(pcscd);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
