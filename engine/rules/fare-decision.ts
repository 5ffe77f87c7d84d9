/**
 * What a fare quote answers: the fare in fen, the base fare, the distance, every rule applied in
 * order with its effect and a sentence in English and Chinese, the month accumulators after the
 * ride, and the tariff version. The steps replay: starting from nothing, `set` puts the base
 * fare, `rate` multiplies by `rateNum / rateDen` and rounds with the decision's rounding mode,
 * `add` adds `amountFen`, `note` explains without changing the amount — {@link replaySteps}
 * recomputes every step's `fareFen` and the final fare from the rules alone.
 */
import { applyRate, type RoundingMode } from './money.js';
import type { Route } from './network.js';
import type { CardType } from './tariff-types.js';

/** The rules a step can come from. */
export type FareRuleId =
  | 'base-fare'
  | 'card-type'
  | 'monthly-tier'
  | 'month-reset'
  | 'off-peak'
  | 'overtime'
  | 'missing-tap-off'
  | 'card-discount';

/** One rule applied. */
export interface FareStep {
  rule: FareRuleId;
  /** The fare after this step, fen. */
  fareFen: number;
  /** What the rule did, in English. */
  note: string;
  /** The same in Chinese. */
  noteZh: string;
  op: 'set' | 'rate' | 'add' | 'note';
  /** `set`: the amount set; `add`: the amount added. */
  amountFen?: number;
  /** `rate`: the share paid is rateNum / rateDen. */
  rateNum?: number;
  rateDen?: number;
}

/** The month accumulators after the ride. */
export interface MonthAfter {
  spentFen: number;
  rides: number;
  /** `YYYY-MM` of the ride's month (local date of the exit, or of the entry without one). */
  period: string;
}

/** A fare decision (issue 4), with extra fields for gates and QA. */
export interface FareDecision {
  /** What the card is charged, fen. */
  fareFen: number;
  /** The fare before discounts (the 1A record's "fare before discounts"), fen. */
  baseFareFen: number;
  /** Distance of the trip, km (the network's shortest path, or the request's `distanceKm`). */
  distanceKm: number;
  /** Every rule applied, in order; empty when quoted with `explain: false`. */
  steps: FareStep[];
  month: MonthAfter;
  /** Id of the fare tariff used (subway or bus). */
  tariff: string;
  // ---- extras ----
  mode: 'subway' | 'bus';
  /** Every tariff document used: the fare tariff, then the off-peak scheme in force, if any (shared, frozen). */
  tariffs: readonly string[];
  /** `network`, a special line's id (`capital-airport` …), or `bus`. */
  fareGroup: string;
  /** The distance after the tariff's rounding, km (what the bands saw). */
  chargedDistanceKm: number;
  /** The card type as requested … */
  cardType: CardType;
  /** … and as priced (a senior card under the senior age prices as standard, and so on). */
  pricedAs: CardType;
  rounding: RoundingMode;
  /** Share paid after the monthly tier, per mille (1000 when none applied). */
  monthlyRateMille: number;
  offPeak: boolean;
  /** Share paid after the off-peak discount, per mille (1000 when none applied). */
  offPeakRateMille: number;
  overtime: boolean;
  /** Whole minutes from entry to exit, or null without an exit. */
  durationMinutes: number | null;
  /** Bus: the ride had no tap-off. */
  missingTapOff: boolean;
  /** Subway: the shortest route, when the network was searched and explanations were asked. */
  route?: Route;
}

/** Options of a quote. */
export interface QuoteOptions {
  /**
   * Build the steps and their sentences (default true). Gates that only need the amount pass
   * false: the decision is the same, with `steps: []` and no `route`.
   */
  explain?: boolean;
}

/**
 * Replays steps from nothing with `rounding`.
 * @returns the fare each step leads to, in order (the last is the final fare; 0 for no steps).
 * @throws RangeError for a step missing its operand.
 */
export function replaySteps(steps: readonly FareStep[], rounding: RoundingMode): number[] {
  const out: number[] = [];
  let fen = 0;
  for (const [i, s] of steps.entries()) {
    switch (s.op) {
      case 'set':
        if (s.amountFen === undefined) throw new RangeError(`steps[${i}] (set) has no amountFen`);
        fen = s.amountFen;
        break;
      case 'add':
        if (s.amountFen === undefined) throw new RangeError(`steps[${i}] (add) has no amountFen`);
        fen += s.amountFen;
        break;
      case 'rate':
        if (s.rateNum === undefined || s.rateDen === undefined) throw new RangeError(`steps[${i}] (rate) has no rateNum/rateDen`);
        fen = applyRate(fen, s.rateNum, s.rateDen, rounding);
        break;
      case 'note':
        break;
    }
    out.push(fen);
  }
  return out;
}
