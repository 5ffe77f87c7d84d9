/**
 * The PC/SC end-to-end suite (test/e2e/pcsc/README.md) as a vitest test: runs
 * test/e2e/pcsc/run.sh — a real pcscd with the vsmartcard vpcd driver in a private network
 * namespace, the simulated card behind it, opensc-tool and a pyscard gate entry + exit — and
 * requires exit 0.
 *
 * With SSC3_E2E_PCSC=1 (set by .ci/run) it must run: missing tools, no root or run.sh's
 * "skipped" exit 77 are failures. Otherwise it is skipped, with the reason in its name, when the
 * machine cannot run it (not root, a package missing, another pcscd running), so a plain
 * `npm test` stays fast and green without pcscd.
 *
 * The second test runs ssc3's own terminals through pcscd: run.sh with HOLD=1 brings up pcscd and
 * `ssc3 serve --vpcd` and waits; this process (in the normal network namespace: PC/SC clients
 * reach pcscd over its unix socket) opens a PcscReader on 'Virtual PCD 00 00' and runs an entry
 * and an exit Gate (PSAMs in memory, Beijing fares, 土桥 → 国贸), checks the balance over HTTP,
 * then takes the card out over HTTP and expects the Gate to report 'interrupted'. It also needs
 * the optional npm package pcsclite (skipped without it, unless SSC3_E2E_PCSC=1).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { purseCrypto } from '../../engine/index.js';
import { Journal } from '../../terminal-sim/clearing/journal.js';
import { issuePsam } from '../../terminal-sim/psam/issue-psam.js';
import { CardRemovedError } from '../../terminal-sim/reader/errors.js';
import { MemoryReader } from '../../terminal-sim/reader/memory-reader.js';
import { beijingFare } from '../../terminal-sim/terminals/beijing-fare.js';
import { ManualClock } from '../../terminal-sim/terminals/clock.js';
import { Gate } from '../../terminal-sim/terminals/gate.js';
import { BEIJING_SETUP_STATIONS, SETUP_TERMINAL_IDS } from '../../terminal-sim/terminals/transit-setup.js';
import { PcscReader, pcscliteAvailable } from '../../terminal-sim/transport/pcsc-reader.js';

const RUN_SH = join(dirname(fileURLToPath(import.meta.url)), 'pcsc', 'run.sh');
const REQUIRED = process.env.SSC3_E2E_PCSC === '1';
const TIMEOUT_MS = 120_000;
const SKIPPED = 77;

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Why this machine cannot run the suite, or undefined when it can. */
function probe(): string | undefined {
  if (process.platform !== 'linux') return `needs Linux, got ${process.platform}`;
  if (process.getuid?.() !== 0) return 'needs root (unshare -n, ip route)';
  const missing = ['pcscd', 'opensc-tool', 'unshare', 'nsenter', 'ip', 'ss'].filter((c) => !onPath(c));
  if (!existsSync('/usr/lib/pcsc/drivers/serial/libifdvpcd.so')) missing.push('vsmartcard-vpcd');
  if (spawnSync('/usr/bin/python3', ['-c', 'import smartcard, Cryptodome'], { stdio: 'ignore' }).status !== 0) missing.push('python3-pyscard/python3-pycryptodome');
  if (missing.length) return `missing ${missing.join(', ')}`;
  if (spawnSync('pgrep', ['-x', '-r', 'R,S,D', 'pcscd'], { stdio: 'ignore' }).status === 0) return 'a pcscd is already running';
  return undefined;
}

const SKIP = REQUIRED ? undefined : probe();

/** Why the ssc3 Gate test cannot run (the e2e's reasons, or pcsclite missing), or undefined. */
const SKIP_GATE = REQUIRED ? undefined : (SKIP ?? ((await pcscliteAvailable()) ? undefined : 'the optional npm package pcsclite is not installed/built (needs libpcsclite-dev)'));

/**
 * Runs run.sh in its own process group (killed as a whole on timeout, so pcscd never lingers).
 * With `hold`, run.sh keeps pcscd and the card up after its READY line until `hold` resolves.
 */
function runE2e(hold?: { onReady: (line: string) => void; release: Promise<void> }): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [RUN_SH], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: hold ? { ...process.env, HOLD: '1', CARD: 'serve' } : process.env,
    });
    let out = '';
    let ready = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('[e2e] READY '));
      if (hold && line && !ready) {
        ready = true;
        hold.onReady(line);
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d));
    if (hold) void hold.release.finally(() => child.stdin.end());
    else child.stdin.end();
    const timer = setTimeout(() => {
      out += `\n[pcsc.test] timed out after ${TIMEOUT_MS - 5_000} ms: SIGTERM to the process group\n`;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }, TIMEOUT_MS - 5_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe.skipIf(SKIP !== undefined)(`PC/SC e2e: pcscd + vsmartcard-vpcd + opensc-tool + pyscard${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  it(
    'run.sh: opensc-tool reads EF 0015, pyscard runs a gate entry and exit with MAC2 and TAC verified',
    async () => {
      const { code, out } = await runE2e();
      if (code === SKIPPED && !REQUIRED) console.warn(`[pcsc.test] run.sh skipped:\n${out}`);
      const summary = out.split('\n').filter((l) => /^PASS|\[e2e\] (PASS|FAIL|SKIP)/.test(l));
      console.log(summary.join('\n'));
      // A skip (77) passes only when the suite is optional; with SSC3_E2E_PCSC=1 only 0 passes.
      expect(code === 0 || (code === SKIPPED && !REQUIRED), `run.sh exited ${code}${REQUIRED ? ' (SSC3_E2E_PCSC=1: must run and pass)' : ''}:\n${out}`).toBe(true);
    },
    TIMEOUT_MS,
  );
});

/** curl inside pcscd's network namespace (where `ssc3 serve` listens); the parsed JSON answer. */
function http(pcscdPid: string, port: string, method: 'GET' | 'POST', path: string): Record<string, unknown> {
  const r = spawnSync('nsenter', ['-t', pcscdPid, '-n', 'curl', '-sf', '-X', method, `http://127.0.0.1:${port}${path}`], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${method} ${path}: curl exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe.skipIf(SKIP_GATE !== undefined)(`PC/SC e2e: ssc3's Gate over PcscReader through pcscd${SKIP_GATE ? ` (skipped: ${SKIP_GATE})` : ''}`, () => {
  it(
    "entry and exit Gates on 'Virtual PCD 00 00' charge the Beijing fare; HTTP shows the same balance; a removed card is 'interrupted'",
    async () => {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let readyLine: ((line: string) => void) | undefined;
      const ready = new Promise<string>((r) => (readyLine = r));
      const run = runE2e({ onReady: (l) => readyLine?.(l), release: released });
      let reader: PcscReader | undefined;
      try {
        const line = await Promise.race([ready, run.then(({ code, out }) => Promise.reject(new Error(`run.sh exited ${code} before READY:\n${out}`)))]);
        const m = /READY pcscd=(\d+) card=(\S+) port=(\d+) reader=(.+)$/.exec(line);
        expect(m, line).not.toBeNull();
        const [, pcscd, cardId, port, readerName] = m!;
        const t0 = performance.now();

        reader = await PcscReader.open(readerName!, { timeoutMs: 5000 });
        expect(reader.isCardPresent()).toBe(true);
        const keys = purseCrypto.DEMO_ISSUER_KEYS;
        const clock = new ManualClock(Date.now());
        const journal = new Journal();
        const fare = beijingFare();
        const gate = (direction: 'entry' | 'exit'): Gate =>
          new Gate({
            direction,
            cardReader: reader!,
            psam: new MemoryReader(`${direction}-sam`, { card: issuePsam({ terminalId: SETUP_TERMINAL_IDS[direction], seed: 1, issuerKeys: keys }) }),
            clock,
            journal,
            station: { ...BEIJING_SETUP_STATIONS[direction] },
            keyIndex: keys.keyIndex,
            fare,
          });
        const before = http(pcscd!, port!, 'GET', `/v1/cards/${cardId}`).balanceFen as number;

        const entered = await gate('entry').present();
        expect(entered.kind, JSON.stringify(entered)).toBe('entered');
        clock.advanceMinutes(25);
        const exited = await gate('exit').present();
        if (exited.kind !== 'exited') throw new Error(`exit: ${JSON.stringify(exited)}`);
        expect(exited.fareFen).toBe(500); // 土桥 → 国贸, 21.1 km, full fare on beijing-standard
        expect(exited.balanceFen).toBe(before - 500);
        expect(journal.records.length).toBe(2);
        const flowMs = performance.now() - t0;

        const after = http(pcscd!, port!, 'GET', `/v1/cards/${cardId}`);
        expect(after.balanceFen).toBe(before - 500);

        // The card leaves: a transmit on the open connection and a later tap see it gone.
        await reader.connect();
        http(pcscd!, port!, 'POST', '/v1/readers/0/remove');
        const deadline = Date.now() + 5000;
        while (reader.isCardPresent() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(reader.isCardPresent(), 'pcscd reports the reader empty').toBe(false);
        await expect(reader.transmit(Uint8Array.of(0x00, 0xb0, 0x95, 0x00, 0x00))).rejects.toBeInstanceOf(CardRemovedError);
        const gone = await gate('exit').present();
        expect(gone.kind, JSON.stringify(gone)).toBe('interrupted');
        console.log(`[pcsc.test] ssc3 Gate over PC/SC: entry + exit in ${flowMs.toFixed(0)} ms, balance ${before} -> ${exited.balanceFen} fen (HTTP agrees), removal -> interrupted`);
      } finally {
        await reader?.close();
        release();
      }
      const { code, out } = await run;
      expect(code, `run.sh (HOLD=1) exited ${code}:\n${out}`).toBe(0);
    },
    TIMEOUT_MS,
  );
});
