// The gate tap rig of the transit benchmark: a createTransitSetup installation per purse profile,
// an exit tap timed on its own with tinybench 6, and everything else — the entry tap before each
// exit, a fresh card every few hundred taps, trimming the journal — in the untimed beforeEach hook.
import { Bench } from 'tinybench';
import type { Card, purseCrypto } from '../../engine/index.js';
import type { ApduTraceEvent } from '../../terminal-sim/reader/trace.js';
import { createTransitSetup, type TransitSetup } from '../../terminal-sim/terminals/transit-setup.js';
import { benchOptions } from './measure.js';
import type { TapRow } from './transit-report.js';

/** Fixed inputs of every tap, declared up front (STYLE.md: benchmarks declare their inputs). */
export const TAP_INPUTS = {
  /** Balance of each card at issue: the profile's maximum (1 000 yuan). */
  balanceFen: 100_000,
  /** The setup's flat exit fare. */
  fareFen: 300,
  /**
   * A fresh card after this many exits: 250 × 300 fen stays under the balance, and the 500
   * purchases (entry and exit each use one) stay far below the 0xFFFF offline counter.
   */
  tapsPerCard: 250,
  /** Minutes between entry and exit (well inside the 4-hour limit: no over-time surcharge). */
  tripMinutes: 1,
} as const;

export interface TapOptions {
  /** Time budget per profile and round, ms. */
  timeMs: number;
  warmupMs: number;
  /** Rounds per profile (the profiles take turns); the round with the most taps/s is kept. */
  rounds: number;
  /** Minimum timed taps per round. */
  minIterations: number;
}

/** A profile's installation, with the card currently tapping. */
export class TapRig {
  readonly setup: TransitSetup;
  private card: Card;
  private exits = 0;
  private issued = 0;

  constructor(
    readonly alg: purseCrypto.PurseAlg,
    trace?: (e: ApduTraceEvent) => void,
  ) {
    this.setup = createTransitSetup({ algorithm: alg, balanceFen: TAP_INPUTS.balanceFen, ...(trace ? { trace } : {}) });
    this.card = this.setup.card;
  }

  /**
   * Untimed: a fresh card when due, the journal trimmed, then the entry tap and the trip time.
   * @throws Error when the entry gate does not let the card in.
   */
  async beforeExit(): Promise<void> {
    if (this.exits >= TAP_INPUTS.tapsPerCard) {
      this.issued++;
      this.card = this.setup.issueCard({ seed: 1000 + this.issued, balanceFen: TAP_INPUTS.balanceFen });
      this.exits = 0;
      this.setup.journal.clear();
    }
    const o = await this.setup.enter(this.card);
    if (o.kind !== 'entered') throw new Error(`${this.alg}: entry tap ${o.kind}${o.kind === 'refused' ? ` (${o.reason}: ${o.detail})` : ''}`);
    this.setup.clock.advanceMinutes(TAP_INPUTS.tripMinutes);
  }

  /**
   * Timed: the exit tap (card in the field, gate flow, card out).
   * @throws Error unless the card is charged the fare.
   */
  async exit(): Promise<void> {
    const o = await this.setup.exit(this.card);
    this.exits++;
    if (o.kind !== 'exited' || o.fareFen !== TAP_INPUTS.fareFen) {
      throw new Error(`${this.alg}: exit tap ${o.kind}${o.kind === 'refused' ? ` (${o.reason}: ${o.detail})` : ''}`);
    }
  }
}

/**
 * Checks a profile before any timing and counts its APDUs: one warm-up tap (the gate opens its
 * PSAM on the first), then one exit traced on the exit gate's card field and PSAM slot.
 * @returns the APDUs of one exit tap, card and PSAM together.
 * @throws Error when a tap fails.
 */
export async function countExitApdus(alg: purseCrypto.PurseAlg): Promise<{ card: number; psam: number }> {
  let counting = false;
  const n = { card: 0, psam: 0 };
  const rig = new TapRig(alg, (e) => {
    if (!counting || e.kind !== 'apdu') return;
    if (e.reader === 'exit-gate') n.card++;
    else if (e.reader === 'exit-gate-sam') n.psam++;
  });
  await rig.beforeExit();
  await rig.exit();
  await rig.beforeExit();
  counting = true;
  await rig.exit();
  counting = false;
  return n;
}

/**
 * Times the exit tap of `rig`'s profile for one round: one tinybench run, each tap a sample of
 * its own (a tap takes tens of µs: no batching needed). taps/s = 1 / mean latency, so GC pauses
 * count; p50 and p99 come from the same samples.
 * @throws Error when a tap fails.
 */
export async function measureTapRound(rig: TapRig, apdusPerTap: number, opts: TapOptions): Promise<TapRow> {
  const bench = new Bench(benchOptions(`gate exit ${rig.alg}`, opts));
  bench.add(rig.alg, () => rig.exit(), { async: true, beforeEach: () => rig.beforeExit() });
  await bench.run();
  const res = bench.tasks[0].result;
  if (res.state !== 'completed') throw new Error(`gate exit ${rig.alg}: ${res.state === 'errored' ? res.error.message : res.state}`);
  return {
    profile: rig.alg,
    tapsPerSec: 1000 / res.latency.mean,
    meanUs: res.latency.mean * 1000,
    p50Us: res.latency.p50 * 1000,
    p99Us: res.latency.p99 * 1000,
    apdusPerTap,
    samples: res.latency.samplesCount,
  };
}
