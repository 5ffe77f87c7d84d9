// Crypto benchmark: ssc3's SM3, SM4, SM2 and DES against sm-crypto, sm-crypto-v2, node-forge and
// node:crypto, all in the same run, with tinybench 6. Prints a table and the speed targets;
// writes bench/results/crypto.{json,svg,md}; with --readme, refreshes README.md's section.
//
//   npm run bench                              full run (a few minutes), writes bench/results
//   node --expose-gc dist/bench/crypto.bench.js --quick            ~10-15 s demo, writes nothing
//   node --expose-gc dist/bench/crypto.bench.js --filter sm2 --time 500
//
// One thread, no workers: the machine has two cores and may be running other jobs, so a full run
// times each case in four short rounds (odd rounds in reverse row order) and each row keeps its
// best round: a burst of load then spoils one round, not the row.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCases, type BenchCase } from './lib/case.js';
import { renderChartSvg } from './lib/chart.js';
import { runIfEntry, updateReadmeSection } from './lib/entry.js';
import { flagsOrExit, readmeAllowed, resultsDirOf, timingOf, USAGE } from './lib/cli.js';
import { desMacCase, tdesBlockCase } from './lib/cases-des.js';
import { sm2DecryptCase, sm2EncryptCase, sm2SignCase, sm2VerifyCase, V2_PRECOMPUTED } from './lib/cases-sm2.js';
import { NODE, NODE_REUSED, sm3Case, sm4BlockCase, sm4CbcCase, sm4CbcMacCase, V2 } from './lib/cases-sm3-sm4.js';
import { currentMachine, measureCase, type MeasureOptions } from './lib/measure.js';
import {
  buildJson,
  evaluateTargets,
  machineLine,
  NOTE,
  renderMarkdown,
  renderTargets,
  renderTextTable,
  type RowResult,
  type TargetSpec,
} from './lib/report.js';

// ---- input sizes -------------------------------------------------------------------------------
const SIZES = {
  /** Bulk hashing and CBC encryption. */
  bulkLen: 1 << 20,
  /** A short hash: one card record or APDU. */
  shortHashLen: 64,
  /** SM4 CBC-MAC input: a transit-tap message (a multiple of 16). */
  sm4MacLen: 64,
  /** DES MAC input: a purse debit's MAC data. */
  desMacLen: 16,
  /** SM2 message (signed with Z_A, or encrypted). */
  sm2MsgLen: 32,
} as const;

/** The cases, in print order. rows[0] of each is ssc3's best usage; ratios divide by it. */
function buildCases(): BenchCase[] {
  return [
    sm3Case('sm3-1mib', 'SM3 1 MiB', SIZES.bulkLen),
    sm3Case('sm3-64b', `SM3 ${SIZES.shortHashLen} B`, SIZES.shortHashLen),
    sm4BlockCase('sm4-block', 'SM4 one block'),
    sm4CbcCase('sm4-cbc-1mib', 'SM4-CBC 1 MiB', SIZES.bulkLen),
    sm4CbcMacCase('sm4-cbcmac-64b', `SM4 CBC-MAC ${SIZES.sm4MacLen} B`, SIZES.sm4MacLen),
    sm2SignCase('sm2-sign', `SM2 sign ${SIZES.sm2MsgLen} B (Z_A)`, SIZES.sm2MsgLen),
    sm2VerifyCase('sm2-verify-precomputed', 'SM2 verify, precomputed key', SIZES.sm2MsgLen, true),
    sm2VerifyCase('sm2-verify-cold', 'SM2 verify, cold key', SIZES.sm2MsgLen, false),
    sm2EncryptCase('sm2-encrypt', `SM2 encrypt ${SIZES.sm2MsgLen} B`, SIZES.sm2MsgLen),
    sm2DecryptCase('sm2-decrypt', `SM2 decrypt ${SIZES.sm2MsgLen} B`, SIZES.sm2MsgLen),
    tdesBlockCase('3des-block', '3DES-ECB one block'),
    desMacCase('des-mac-16b', `DES MAC alg 1 ${SIZES.desMacLen} B`, SIZES.desMacLen),
  ];
}

/** Speed targets: ssc3 ÷ peer, same case, same run. */
const TARGETS: TargetSpec[] = [
  { name: 'SM3 1 MiB vs sm-crypto-v2', caseId: 'sm3-1mib', peer: V2, min: 1.4 },
  { name: 'SM3 1 MiB vs node:crypto', caseId: 'sm3-1mib', peer: NODE, min: 0.5 },
  { name: 'SM3 64 B vs node:crypto', caseId: 'sm3-64b', peer: NODE, min: 1.2 },
  { name: 'SM4 block vs node:crypto reused ctx', caseId: 'sm4-block', peer: NODE_REUSED, min: 2.5 },
  { name: 'SM4-CBC 1 MiB vs node:crypto', caseId: 'sm4-cbc-1mib', peer: NODE, min: 0.8 },
  { name: 'SM4 CBC-MAC 64 B vs sm-crypto-v2', caseId: 'sm4-cbcmac-64b', peer: V2, min: 2.5 },
  { name: 'SM2 sign vs sm-crypto-v2', caseId: 'sm2-sign', peer: V2, min: 1.5 },
  { name: 'SM2 verify precomputed vs sm-crypto-v2 precomputed', caseId: 'sm2-verify-precomputed', peer: V2_PRECOMPUTED, min: 1.4 },
  { name: 'SM2 verify cold vs sm-crypto-v2', caseId: 'sm2-verify-cold', peer: V2, min: 2 },
  { name: 'SM2 encrypt vs sm-crypto-v2 precomputed', caseId: 'sm2-encrypt', peer: V2_PRECOMPUTED, min: 2 },
  // The same target with neither side precomputing the recipient's key: shown because the two differ.
  { name: 'SM2 encrypt, key bytes vs sm-crypto-v2 hex key', caseId: 'sm2-encrypt', ours: 'ssc3 (key bytes)', peer: V2, min: 2 },
  { name: 'SM2 decrypt vs sm-crypto-v2', caseId: 'sm2-decrypt', peer: V2, min: 2 },
];

const QUICK: MeasureOptions = { timeMs: 100, warmupMs: 30, rounds: 1, minIterations: 4, batchMs: 0.1 };
const FULL: MeasureOptions = { timeMs: 750, warmupMs: 150, rounds: 4, minIterations: 8, batchMs: 0.1 };

/** The repository root, from dist/bench/crypto.bench.js. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs the benchmark with command-line flags `argv`.
 * @returns the process exit code: 0, or 2 for bad flags or when no case matches --filter.
 * @throws Error when a peer's output disagrees with ssc3's, or a task fails.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = flagsOrExit(argv, USAGE);
  if (typeof flags === 'number') return flags;
  const opts: MeasureOptions = timingOf(flags, QUICK, FULL);
  const cases = buildCases().filter((c) => flags.filter === undefined || flags.filter.test(c.id) || flags.filter.test(c.op));
  if (cases.length === 0) {
    console.error(`no case matches --filter ${String(flags.filter)}; cases: ${buildCases().map((c) => c.id).join(', ')}`);
    return 2;
  }
  checkCases(cases);

  const m = currentMachine();
  console.log(`${machineLine(m)}\n${NOTE}\n`);
  const rows: RowResult[] = [];
  for (const [i, c] of cases.entries()) {
    process.stderr.write(`[${i + 1}/${cases.length}] ${c.op} (${c.rows.length} rows × ${opts.rounds} rounds)\n`);
    rows.push(...(await measureCase(c, opts)));
  }
  const targets = evaluateTargets(rows, TARGETS);
  console.log(renderTextTable(rows));
  if (targets.length > 0) console.log(`\nTargets${flags.quick ? ' (quick run: indicative only)' : ''}\n${renderTargets(targets)}`);
  console.log(`\n${machineLine(m)}`);

  const md = renderMarkdown(rows, targets, m);
  const outDir = resultsDirOf(flags, ROOT);
  if (outDir !== undefined) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'crypto.json'), JSON.stringify(buildJson(rows, targets, m), null, 2) + '\n');
    writeFileSync(join(outDir, 'crypto.md'), md);
    writeFileSync(join(outDir, 'crypto.svg'), (await renderChartSvg(targets, machineLine(m))) + '\n');
    console.log(`wrote ${join(outDir, 'crypto.json')}, crypto.md, crypto.svg`);
  }
  if (readmeAllowed(flags)) updateReadmeSection(ROOT, 'crypto', md);
  return 0;
}

runIfEntry(import.meta.url, main);
