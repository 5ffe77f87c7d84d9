// The APDU fuzz suite (test/fuzz/apdu-fuzz.ts): FUZZ_APDUS APDUs (default 10^5, CI) split over
// four personalised cards — 3DES and SM4 purses, T=1 and T=0 — from FUZZ_SEED (default fixed,
// so CI is reproducible; `FUZZ_SEED=random` draws one and prints it). `npm run fuzz` sends 10^6.
// A failure lists every kind of finding with the seed, the APDU and response in hex and the
// exchanges before it; nothing is shrunk.
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Card } from '../../engine/card/card.js';
import type { AppContext, AppHandler, HandlerResult } from '../../engine/card/app.js';
import type { CommandApdu } from '../../engine/apdu/command.js';
import { SwError } from '../../engine/apdu/sw.js';
import { fixedClock, seededRng } from '../../engine/card/env.js';
import { issueCardImage } from '../../engine/personalise/issue-card.js';
import { cells } from '../../engine/apps/transit/layout.js';
import { transitApp } from '../../engine/apps/transit/transit-app.js';
import type { DfNode } from '../../engine/card/fs.js';
import { formatFindings, runFuzz } from './apdu-fuzz.js';
import type { FuzzConfig } from './apdu-fuzz.js';

const TOTAL = envInt('FUZZ_APDUS', 100_000);
const SEED = process.env.FUZZ_SEED === 'random' ? randomInt(2 ** 31) : envInt('FUZZ_SEED', 0x55c3_2026);

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v)) throw new RangeError(`${name} expected a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

const CARDS: Omit<FuzzConfig, 'seed' | 'apdus'>[] = [
  { alg: '3des', protocol: 'T=1' },
  { alg: 'sm4', protocol: 'T=1' },
  { alg: '3des', protocol: 'T=0' },
  { alg: 'sm4', protocol: 'T=0' },
];

describe(`APDU fuzz: ${TOTAL} APDUs, seed ${SEED}`, () => {
  CARDS.forEach((card, i) => {
    const cfg: FuzzConfig = { ...card, seed: SEED + i, apdus: Math.ceil(TOTAL / CARDS.length) };
    // ~0.1 ms per APDU measured; generous for loaded CI machines.
    it(`${card.alg} ${card.protocol}: ${cfg.apdus} APDUs (seed ${cfg.seed})`, { timeout: Math.max(60_000, cfg.apdus * 2) }, () => {
      const report = runFuzz(cfg);
      console.log(
        `fuzz ${card.alg} ${card.protocol} seed ${cfg.seed}: ${report.sent} APDUs in ${report.ms} ms; ` +
          `commits ${JSON.stringify(report.commits)}, tears ${report.tears}, restarts ${report.restarts}, ${Object.keys(report.sw).length} distinct SWs` +
          (report.findings.length ? `; findings ${JSON.stringify(report.findingCounts)}` : ''),
      );
      expect(report.findings, formatFindings(report)).toEqual([]);
      // The campaign really exercised the purse (else the invariants above prove little).
      if (cfg.apdus >= 10_000) {
        expect(report.commits.load).toBeGreaterThan(0);
        expect(report.commits.purchase).toBeGreaterThan(0);
        expect(report.commits.capp).toBeGreaterThan(0);
        expect(report.tears).toBeGreaterThan(0);
      }
    });
  });

  it('a run is a pure function of its seed', () => {
    const cfg: FuzzConfig = { alg: 'sm4', protocol: 'T=0', seed: SEED, apdus: 3_000 };
    const a = runFuzz(cfg);
    const b = runFuzz(cfg);
    expect({ ...a, ms: 0 }).toEqual({ ...b, ms: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// The fuzzer's own test: against cards sabotaged in one way each, it must report that way.

type Sabotage = (cmd: CommandApdu, ctx: AppContext, df: DfNode, real: () => HandlerResult) => HandlerResult;

function sabotagedCard(sabotage: Sabotage) {
  return (_cfg: FuzzConfig, issue: Parameters<typeof issueCardImage>[0]): Card => {
    const image = issueCardImage(issue);
    const wrap = (df: DfNode): AppHandler => {
      const inner = transitApp(df);
      return {
        select: (ctx) => inner.select(ctx),
        reset: () => inner.reset(),
        interrupt: () => inner.interrupt?.(),
        process: (cmd, ctx) => sabotage(cmd, ctx, df, () => inner.process(cmd, ctx)),
      };
    };
    return new Card(image, { clock: fixedClock(Number(image.info.issuedAt)), rng: seededRng(`sabotage:${issue?.seed}`), apps: new Map([['transit', wrap]]) });
  };
}

const be4 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const num = (b: Uint8Array | undefined) => (b ? b.reduce((a, x) => a * 256 + x, 0) : 0);

describe('the fuzzer sees a broken card', () => {
  const cases: [string, string, Sabotage][] = [
    ['a DEBIT that takes one fen too many', 'commit-state', (cmd, ctx, df, real) => {
      const r = real();
      if (cmd.ins === 0x54 && r instanceof Uint8Array) ctx.tx.set(cells.balance(df), be4(num(ctx.tx.get(cells.balance(df))) - 1));
      return r;
    }],
    ['GET BALANCE that writes NVM', 'nvm-changed', (cmd, ctx, df, real) => {
      if (cmd.cla === 0x80 && cmd.ins === 0x5c) ctx.tx.set(cells.offlineCounter(df), Uint8Array.of(0x12, 0x34));
      return real();
    }],
    ['a CREDIT that accepts any MAC2 (and credits 1 fen)', 'forged-commit', (cmd, ctx, df, real) => {
      try {
        return real();
      } catch (e) {
        if (!(e instanceof SwError) || e.sw !== 0x9302) throw e;
        ctx.tx.set(cells.balance(df), be4(num(ctx.tx.get(cells.balance(df))) + 1));
        return Uint8Array.of(0, 0, 0, 0);
      }
    }],
    ['an error status word with data', 'error-with-data', (cmd, _ctx, _df, real) => (cmd.cla === 0x80 && cmd.ins === 0x5c ? { data: Uint8Array.of(1), sw: 0x6985 } : real())],
    ['a status word outside the table', 'unknown-sw', (cmd, _ctx, _df, real) => (cmd.cla === 0x80 && cmd.ins === 0x5a ? { data: new Uint8Array(0), sw: 0x6f12 } : real())],
    ['an exception inside the application (6F00)', 'internal-error-6f00', (cmd, _ctx, _df, real) => {
      if (cmd.cla === 0x80 && cmd.ins === 0x5c) throw new TypeError('boom');
      return real();
    }],
    ['a GET BALANCE that lies', 'balance-mismatch', (cmd, _ctx, _df, real) => {
      const r = real();
      return cmd.cla === 0x80 && cmd.ins === 0x5c && r instanceof Uint8Array ? be4(num(r) + 1) : r;
    }],
  ];
  it.each(cases)('%s → %s', (_name, kind, sabotage) => {
    const report = runFuzz({ alg: '3des', protocol: 'T=1', seed: SEED, apdus: 4_000 }, { card: sabotagedCard(sabotage) });
    expect(report.findingCounts[kind] ?? 0, formatFindings(report)).toBeGreaterThan(0);
  });
});
