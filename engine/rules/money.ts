/**
 * Money for the fare rules: integer fen only, rates as integer fractions, rounding as data.
 *
 * No float ever touches an amount: a discount is `fen × num / den` in integers, rounded once by
 * the tariff's rounding mode. How Beijing rounds a discounted fare to the fen is not public
 * [U: DOMAIN.md §5 "Rounding of discounted fares"]: round half up is the default, and every
 * tariff names its mode so that a different answer is a data change.
 */

/** How a fractional fen is rounded. `down`/`up` are toward −∞/+∞ (amounts are never negative). */
export type RoundingMode = 'half-up' | 'half-even' | 'down' | 'up';

export const ROUNDING_MODES: readonly RoundingMode[] = ['half-up', 'half-even', 'down', 'up'];

/** Per-mille denominator: rates are integers out of 1000 (800 = pay 80 %). */
export const MILLE = 1000;

/**
 * `num / den` rounded to an integer with `mode`.
 * Exact for 0 ≤ num < 2^53 and 0 < den < 2^53 (the quotient is corrected in integers).
 * @throws RangeError for a negative, fractional or unsafe operand, or a zero denominator.
 */
export function roundDiv(num: number, den: number, mode: RoundingMode): number {
  if (!Number.isSafeInteger(num) || num < 0) throw new RangeError(`roundDiv: numerator expected a non-negative safe integer, got ${num}`);
  if (!Number.isSafeInteger(den) || den <= 0) throw new RangeError(`roundDiv: denominator expected a positive safe integer, got ${den}`);
  let q = Math.floor(num / den);
  let r = num - q * den;
  // Float division can land one off for large operands; the remainder tells which way.
  if (r < 0) {
    q--;
    r += den;
  } else if (r >= den) {
    q++;
    r -= den;
  }
  if (r === 0) return q;
  switch (mode) {
    case 'down':
      return q;
    case 'up':
      return q + 1;
    case 'half-up':
      return 2 * r >= den ? q + 1 : q;
    case 'half-even':
      return 2 * r > den || (2 * r === den && q % 2 === 1) ? q + 1 : q;
  }
}

/**
 * `fen × num / den`, rounded with `mode`: a rate applied to an amount.
 * @throws RangeError as {@link roundDiv}, or when the product is not a safe integer.
 */
export function applyRate(fen: number, num: number, den: number, mode: RoundingMode): number {
  const product = fen * num;
  if (!Number.isSafeInteger(product)) throw new RangeError(`applyRate: ${fen} × ${num} is not a safe integer`);
  return roundDiv(product, den, mode);
}

/** `fen` as yuan with two decimals, e.g. 1234 → "12.34". Amounts here are never negative. */
export function yuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen - whole * 100;
  return `${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/** A rate as a percentage for humans: 800/1000 → "80 %", 1/3 → "33.3 %". */
export function percent(num: number, den: number): string {
  const p = (num * 100) / den;
  return `${Number.isInteger(p) ? p : p.toFixed(1)} %`;
}

/** A rate as a Chinese discount (折): 800/1000 → "8折", 500/1000 → "5折", 750/1000 → "7.5折". */
export function zheZh(num: number, den: number): string {
  if (num === 0) return '免费';
  if (num >= den) return '原价';
  const z = (num * 10) / den;
  return `${Number.isInteger(z) ? z : Number(z.toFixed(2))}折`;
}
