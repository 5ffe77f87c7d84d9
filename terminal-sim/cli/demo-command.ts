/**
 * `ssc3 demo` — the story of one transit card, told by the simulator itself: issued, topped up
 * 50 yuan at a top-up terminal, taps in at one station, out at another 25 minutes later, is
 * charged, and every TAC checks out at clearing. `--trace` prints each APDU between card, PSAMs
 * and terminals. Everything is seeded: the same seed prints the same bytes.
 *
 * `ssc3 demo` with no subcommand runs the crypto self-check first (the shipped vectors) and then
 * the transit story: what `npm start` shows.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { formatTraceEvent } from '../reader/trace.js';
import { createTransitSetup } from '../terminals/transit-setup.js';
import type { GateOutcome } from '../terminals/gate.js';
import { CliError, EXIT_FAILURE, type CliContext, type RegisterCommand } from './io.js';
import { defaultVectorsDir } from './crypto-command.js';
import { runVectors } from './vectors-runner.js';

interface DemoOptions {
  trace?: boolean;
  algorithm: '3des' | 'sm4';
  seed: string;
}

const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')} yuan`;

function addTransitOptions(cmd: Command): Command {
  return cmd
    .option('--trace', 'print every APDU (card, PSAMs, terminals)')
    .addOption(new Option('--algorithm <alg>', 'purse algorithm profile').choices(['3des', 'sm4']).default('sm4'))
    .option('--seed <n>', 'seed of the card, PSAMs and terminals', '1');
}

/** Runs the transit story; returns false when a step did not come out as it should. */
export async function transitStory(ctx: CliContext, o: DemoOptions): Promise<boolean> {
  const seed = Number(o.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new CliError(`--seed expected a non-negative integer, got ${JSON.stringify(o.seed)}`);
  const say = (s: string) => ctx.io.stdout(s + '\n');
  const trace = o.trace ? (e: Parameters<typeof formatTraceEvent>[0]) => say(`    ${formatTraceEvent(e)}`) : undefined;
  // Real Beijing fares (the fare engine over the shipped sample network): 土桥 → 国贸.
  const s = createTransitSetup({ algorithm: o.algorithm, seed, trace, fare: 'beijing' });
  const info = s.card.info;
  say(`1. Issued a ${info.profile} card, serial ${info.serial}, purse profile ${o.algorithm === 'sm4' ? 'SM4 (alg 04)' : '3DES (alg 00)'}.`);

  const load = await s.load(5000);
  if (load.kind !== 'loaded') return fail(ctx, `top-up: ${load.kind}`);
  say(`2. Topped up ${yuan(5000)} at terminal ${s.journal.records.at(-1)?.terminalId}: balance ${yuan(load.balanceFen)}, TAC ${s.journal.records.at(-1)?.tac}.`);

  const entered = await s.enter();
  if (entered.kind !== 'entered') return fail(ctx, `entry: ${describe(entered)}`);
  say(`3. Entered at 土桥 (Batong line) at ${beijing(s.clock.now())} (an amount-0 compound purchase), TAC ${entered.journal.tac}.`);

  s.clock.advanceMinutes(25);
  const exited = await s.exit();
  if (exited.kind !== 'exited') return fail(ctx, `exit: ${describe(exited)}`);
  say(`4. Left at 国贸 at ${beijing(s.clock.now())} after ${exited.durationMinutes} min: charged ${yuan(exited.fareFen)} (Beijing fare, ${yuan(exited.baseFareFen)} before discounts), balance ${yuan(exited.balanceFen)}, TAC ${exited.journal.tac}.`);

  const cleared = s.clear();
  const ok = cleared.rejected.length === 0 && cleared.accepted.length === s.journal.records.length;
  say(`5. Clearing: ${cleared.accepted.length} of ${s.journal.records.length} transactions verified with the issuer's TAC keys (loads ${yuan(cleared.loadsFen)}, purchases ${yuan(cleared.purchasesFen)})${ok ? '.' : `; rejected: ${cleared.rejected.map((r) => r.reason).join('; ')}`}`);
  if (!ok) ctx.exitCode = EXIT_FAILURE;
  return ok;
}

function describe(o: GateOutcome): string {
  return o.kind === 'refused' || o.kind === 'interrupted' || o.kind === 'unproven' ? `${o.kind}: ${o.detail}` : o.kind;
}

function fail(ctx: CliContext, why: string): false {
  ctx.io.stderr(`ssc3: demo step failed: ${why}\n`);
  ctx.exitCode = EXIT_FAILURE;
  return false;
}

function beijing(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') + ' Beijing';
}

export const registerDemoCommand: RegisterCommand = (program, ctx) => {
  const demo = program
    .command('demo')
    .description('the crypto self-check and the story of one transit card (what npm start runs)')
    .action(async () => {
      ctx.io.stdout('Crypto self-check: the shipped test vectors\n');
      const { passed, failed } = runVectors(defaultVectorsDir(), (r) => ctx.io.stdout(r.ok ? `  PASS ${r.id}\n` : `  FAIL ${r.id}: ${r.detail}\n`));
      ctx.io.stdout(`  ${passed} passed, ${failed} failed\n`);
      ctx.io.stdout('\nThe story of one transit card (ssc3 demo transit --trace shows every APDU)\n');
      const storyOk = await transitStory(ctx, { algorithm: 'sm4', seed: '1' });
      if (failed > 0 || passed === 0 || !storyOk) ctx.exitCode = EXIT_FAILURE;
    });
  addTransitOptions(demo.command('transit').description('one card: issued, topped up, enters, exits, charged, cleared')).action(async (o: DemoOptions) => {
    await transitStory(ctx, o);
  });
};
