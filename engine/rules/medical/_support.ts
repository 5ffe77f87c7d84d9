/**
 * Private helpers of the medical rules: the claim request error, the shared field checkers
 * (engine/rules/request-fields.ts) bound to it, and basis-point money arithmetic.
 */
import { fieldCheckers, RuleRequestError } from '../request-fields.js';

export { ageOn, inRange, join, type Obj } from '../request-fields.js';

/** A claim the medical rules cannot settle (`visit.date`, `items[2].amountFen` …): `<field>: <problem>`. */
export class ClaimRequestError extends RuleRequestError {
  override name = 'ClaimRequestError';
}

export const { obj, str, oneOf, int, arr, date, beijingDate, bool } = fieldCheckers(ClaimRequestError);

// ---------------------------------------------------------------------------------------------
// Money. Integer fen, rates in basis points (10000 bp = 100 %). The fare rules keep their own
// rounding helpers (configurable rounding); this one is fixed: half up, as the brief for the
// medical tables asks. [U] for the real settlement systems' rounding.

export const BP_ONE = 10_000;

/**
 * `amountFen × bp / 10000` rounded half up, exactly, for `0 ≤ amountFen × bp < 2^53`.
 * @throws RangeError outside that range (a programmer error: requests are bounded first).
 */
export function mulBpHalfUp(amountFen: number, bp: number): number {
  const x = amountFen * bp;
  if (!Number.isSafeInteger(amountFen) || !Number.isSafeInteger(bp) || amountFen < 0 || bp < 0 || !Number.isSafeInteger(x)) {
    throw new RangeError(`mulBpHalfUp: expected non-negative integers with a safe product, got ${amountFen} × ${bp}`);
  }
  const n = x + BP_ONE / 2;
  // Division in doubles can land one off near a multiple; the remainder puts it right.
  let q = Math.floor(n / BP_ONE);
  const r = n - q * BP_ONE;
  if (r < 0) q -= 1;
  else if (r >= BP_ONE) q += 1;
  return q;
}
