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
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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

/** Runs run.sh in its own process group (killed as a whole on timeout, so pcscd never lingers). */
function runE2e(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [RUN_SH], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
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
