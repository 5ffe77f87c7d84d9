// Tests for engine/rules/money.ts: integer rounding in every mode (table, then against exact
// rational arithmetic with fast-check), rates, and the human formats.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRate, percent, roundDiv, ROUNDING_MODES, type RoundingMode, yuan, zheZh } from '../../engine/rules/money.js';

// [num, den, half-up, half-even, down, up]
const TABLE: [number, number, number, number, number, number][] = [
  [0, 7, 0, 0, 0, 0],
  [10, 5, 2, 2, 2, 2],
  [5, 2, 3, 2, 2, 3], // 2.5
  [7, 2, 4, 4, 3, 4], // 3.5
  [249, 100, 2, 2, 2, 3], // 2.49
  [250, 100, 3, 2, 2, 3], // 2.5
  [251, 100, 3, 3, 2, 3], // 2.51
  [350, 100, 4, 4, 3, 4], // 3.5
  [1, 3, 0, 0, 0, 1],
  [2, 3, 1, 1, 0, 1],
  [2 ** 52 + 1, 2, 2 ** 51 + 1, 2 ** 51, 2 ** 51, 2 ** 51 + 1], // large operands stay exact
];

describe('roundDiv', () => {
  it.each(TABLE)('%d / %d', (num, den, hu, he, down, up) => {
    expect([roundDiv(num, den, 'half-up'), roundDiv(num, den, 'half-even'), roundDiv(num, den, 'down'), roundDiv(num, den, 'up')]).toEqual([hu, he, down, up]);
  });

  it('agrees with exact BigInt arithmetic', () => {
    const exact = (num: bigint, den: bigint, mode: RoundingMode): bigint => {
      const q = num / den;
      const r = num % den;
      if (r === 0n) return q;
      if (mode === 'down') return q;
      if (mode === 'up') return q + 1n;
      if (2n * r > den) return q + 1n;
      if (2n * r < den) return q;
      return mode === 'half-up' || q % 2n === 1n ? q + 1n : q;
    };
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(...ROUNDING_MODES), (num, den, mode) => {
        expect(BigInt(roundDiv(num, den, mode))).toBe(exact(BigInt(num), BigInt(den), mode));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses negative, fractional and zero operands', () => {
    expect(() => roundDiv(-1, 2, 'down')).toThrow(RangeError);
    expect(() => roundDiv(1.5, 2, 'down')).toThrow(/numerator/);
    expect(() => roundDiv(1, 0, 'down')).toThrow(/denominator/);
  });
});

describe('applyRate and formats', () => {
  it('applies per-mille rates in integers', () => {
    expect(applyRate(500, 800, 1000, 'half-up')).toBe(400);
    expect(applyRate(300, 700, 1000, 'half-up')).toBe(210);
    expect(applyRate(210, 800, 1000, 'half-up')).toBe(168);
    expect(applyRate(333, 500, 1000, 'half-up')).toBe(167);
    expect(applyRate(333, 500, 1000, 'half-even')).toBe(166);
    expect(() => applyRate(2 ** 52, 1000, 1000, 'down')).toThrow(/safe integer/);
  });

  it('formats yuan, percentages and 折', () => {
    expect([yuan(0), yuan(5), yuan(250), yuan(123456)]).toEqual(['0.00', '0.05', '2.50', '1234.56']);
    expect([percent(800, 1000), percent(1, 3)]).toEqual(['80 %', '33.3 %']);
    expect([zheZh(800, 1000), zheZh(500, 1000), zheZh(750, 1000), zheZh(0, 1000), zheZh(1000, 1000)]).toEqual(['8折', '5折', '7.5折', '免费', '原价']);
  });
});
