// Table tests for medical settlement (engine/rules/medical/, DOMAIN.md §7): each rule of the
// sample tables worked by hand — classes A/B/C, the outpatient deductible and rates by category,
// age and tier, both dated outpatient-cap variants, inpatient deductibles by stay, the bands, the
// retiree share, the inpatient cap, the personal account and family use (家庭共济) before and
// after 2024-08-01 — plus table choice by date, rounding half up, the sample-data labels, request
// errors naming the field, and the table checker.
import { describe, expect, it } from 'vitest';
import {
  BJ_EMPLOYEE_SAMPLE_2022,
  BJ_EMPLOYEE_SAMPLE_2023,
  BJ_EMPLOYEE_SAMPLE_2024_08,
  checkMedicalPolicies,
  ClaimRequestError,
  MEDICAL_POLICIES,
  mulBpHalfUp,
  policyOn,
  settleClaim,
  type Claim,
  type MedicalPolicy,
  type Settlement,
} from '../../engine/rules/medical/index.js';

const YUAN = 100;

function claim(over: Partial<Claim> & { amountFen?: number } = {}): Claim {
  const { amountFen, ...rest } = over;
  return {
    person: { category: 'employee', age: 40 },
    visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2024-09-02' },
    items: [{ class: 'A', amountFen: amountFen ?? 2500 * YUAN }],
    personalAccountBalanceFen: 0,
    ...rest,
  };
}

const inpatient = (over: Partial<Claim['visit']> = {}): Claim['visit'] => ({ kind: 'inpatient', hospitalTier: 'tier3', date: '2024-09-02', ...over });

/** The amounts of the steps with `rule`, in order. */
const amounts = (s: Settlement, rule: string): number[] => s.steps.filter((x) => x.rule === rule).map((x) => x.amountFen);

function split(s: Settlement) {
  return { total: s.totalFen, fund: s.fundPaysFen, account: s.personalAccountFen, cash: s.cashFen };
}

function requestError(f: () => unknown): ClaimRequestError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ClaimRequestError);
    return e as ClaimRequestError;
  }
  throw new Error('expected a ClaimRequestError');
}

describe('sample policy tables', () => {
  it('are consistent, do not overlap, and are all labelled UNCONFIRMED SAMPLE DATA', () => {
    expect(checkMedicalPolicies(MEDICAL_POLICIES)).toBe(MEDICAL_POLICIES);
    for (const p of MEDICAL_POLICIES) {
      expect(p.sampleData).toBe(true);
      expect(p.notice).toMatch(/^UNCONFIRMED SAMPLE DATA/);
    }
  });

  it('carry the DOMAIN.md §7 numbers with their marks', () => {
    const p = BJ_EMPLOYEE_SAMPLE_2024_08;
    expect(p.outpatient.deductibleFen).toMatchObject({ value: { employee: 180_000, retiree: 130_000 }, confidence: 'S' });
    expect(p.inpatient.deductibleFirstStayFen).toMatchObject({ value: 130_000, confidence: 'S' });
    expect(p.inpatient.deductibleLaterStayFen).toMatchObject({ value: 65_000, confidence: 'S' });
    expect(p.inpatient.retireeShareBp).toMatchObject({ value: 6000, confidence: 'U' });
    expect(p.inpatient.annualFundCapFen).toMatchObject({ value: 50_000_000, confidence: 'U' });
    expect(p.inpatient.bands.map((b) => [b.uptoFen, b.rateBp.tier3, b.rateBp.tier2, b.rateBp.tier1, b.confidence])).toEqual([
      [3_000_000, 8500, 8700, 9000, 'U'],
      [4_000_000, 9000, 9200, 9500, 'U'],
      [10_000_000, 9500, 9700, 9700, 'U'],
      [null, 8500, 8500, 8500, 'U'],
    ]);
    expect(BJ_EMPLOYEE_SAMPLE_2022.outpatient.annualFundCapFen).toMatchObject({ value: 2_000_000, confidence: 'U' });
    expect(BJ_EMPLOYEE_SAMPLE_2023.outpatient.annualFundCapFen).toMatchObject({ value: null, confidence: 'U' });
    expect(BJ_EMPLOYEE_SAMPLE_2023.personalAccount.familyMutualAid.value).toBe(false);
    expect(p.personalAccount.familyMutualAid).toMatchObject({ value: true, confidence: 'S' });
  });

  it.each([
    ['2022-01-01', 'bj-employee-sample-2022'],
    ['2022-12-31', 'bj-employee-sample-2022'],
    ['2023-01-01', 'bj-employee-sample-2023'],
    ['2024-07-31', 'bj-employee-sample-2023'],
    ['2024-08-01', 'bj-employee-sample-2024-08'],
    ['2030-06-30', 'bj-employee-sample-2024-08'],
    ['2021-12-31', undefined],
  ])('the table in force on %s is %s', (day, id) => {
    expect(policyOn(day, MEDICAL_POLICIES)?.id).toBe(id);
  });

  it.each<[string, (p: MedicalPolicy) => MedicalPolicy, RegExp]>([
    ['a rate above 100 %', (p) => ({ ...p, classB: { defaultSelfPayBp: { value: 10_001, confidence: 'U' } } }), /classB.defaultSelfPayBp: expected 0 to 10000 bp, got 10001/],
    ['bands out of order', (p) => ({ ...p, inpatient: { ...p.inpatient, bands: [p.inpatient.bands[1], p.inpatient.bands[0], p.inpatient.bands[3]] } }), /inpatient.bands\[1\].uptoFen: expected more than 4000000/],
    ['no open top band', (p) => ({ ...p, inpatient: { ...p.inpatient, bands: p.inpatient.bands.slice(0, 3) } }), /uptoFen is null/],
    ['a fractional deductible', (p) => ({ ...p, inpatient: { ...p.inpatient, deductibleLaterStayFen: { value: 650.5, confidence: 'S' } } }), /deductibleLaterStayFen: expected a non-negative integer of fen/],
    ['no retiree rate from age 0', (p) => ({ ...p, outpatient: { ...p.outpatient, rates: p.outpatient.rates.filter((r) => r.minAge > 0 || r.category === 'employee') } }), /no row for retiree from age 0/],
    ['an unknown account share', (p) => ({ ...p, personalAccount: { ...p.personalAccount, covers: { value: ['tips' as never], confidence: 'U' } } }), /unknown share "tips"/],
  ])('the checker refuses %s', (_n, mutate, message) => {
    expect(() => checkMedicalPolicies([mutate(BJ_EMPLOYEE_SAMPLE_2024_08)])).toThrow(message);
  });

  it('the checker refuses overlapping tables', () => {
    expect(() => checkMedicalPolicies([BJ_EMPLOYEE_SAMPLE_2023, { ...BJ_EMPLOYEE_SAMPLE_2024_08, effectiveFrom: '2024-07-31' }])).toThrow(
      'medical policy bj-employee-sample-2024-08 effectiveFrom: overlaps bj-employee-sample-2023',
    );
  });
});

describe('mulBpHalfUp', () => {
  it.each([
    [5, 9000, 5], // 4.5 → 5
    [15, 1000, 2], // 1.5 → 2
    [1, 7000, 1], // 0.7 → 1
    [1, 4999, 0], // 0.4999 → 0
    [0, 10_000, 0],
    [123_456_789, 10_000, 123_456_789],
    [100_000_000_000, 8500, 85_000_000_000],
  ])('%i × %i bp = %i', (a, bp, want) => {
    expect(mulBpHalfUp(a, bp)).toBe(want);
  });

  it('agrees with BigInt arithmetic near 2^53', () => {
    for (const [a, bp] of [
      [900_719_925_474, 9999],
      [900_719_925_473, 5000],
      [799_999_999_999, 8751],
    ]) {
      const want = Number((BigInt(a) * BigInt(bp) + 5000n) / 10000n);
      expect(mulBpHalfUp(a, bp)).toBe(want);
    }
  });

  it('refuses negative, fractional and unsafe operands', () => {
    expect(() => mulBpHalfUp(-1, 100)).toThrow(RangeError);
    expect(() => mulBpHalfUp(1.5, 100)).toThrow(RangeError);
    expect(() => mulBpHalfUp(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
  });
});

describe('settleClaim: outpatient', () => {
  it('employee at a grade-3 hospital: 1800 deductible, then 70 %', () => {
    const s = settleClaim(claim());
    expect(split(s)).toEqual({ total: 250_000, fund: 49_000, account: 0, cash: 201_000 });
    expect(s.patientShareFen).toBe(201_000);
    expect(amounts(s, 'deductible')).toEqual([180_000]);
    expect(amounts(s, 'outpatient-fund')).toEqual([49_000]);
    expect(amounts(s, 'co-pay')).toEqual([21_000]);
    expect(s.ytdUpdate).toEqual({ year: 2024, outpatientDeductibleUsedFen: 180_000, outpatientFundPaidFen: 49_000, inpatientStays: 0, inpatientScopeFen: 0, inpatientFundPaidFen: 0 });
    expect(s.steps.map((x) => x.rule)).toEqual(['policy', 'claim', 'in-scope', 'deductible', 'outpatient-fund', 'co-pay', 'personal-account', 'cash']);
  });

  it('labels the decision as sample data, in its fields and its first step', () => {
    const s = settleClaim(claim());
    expect(s).toMatchObject({ policy: 'bj-employee-sample-2024-08', sampleData: true });
    expect(s.notice).toMatch(/^UNCONFIRMED SAMPLE DATA/);
    expect(s.steps[0].note).toContain('UNCONFIRMED SAMPLE DATA');
    expect(s.steps[0].noteZh).toContain('未经核实的示例数据');
  });

  it.each<[string, Claim['person'], Claim['visit']['hospitalTier'], number, number]>([
    ['employee, community centre: 90 %', { category: 'employee', age: 40 }, 'community', 180_000, 90_000],
    ['employee, grade-1 hospital: 70 %', { category: 'employee', age: 40 }, 'tier1', 180_000, 70_000],
    ['employee aged 72: still 70 % (the 70+ row is for retirees)', { category: 'employee', age: 72 }, 'tier2', 180_000, 70_000],
    ['retiree 65, hospital: 1300 deductible, 85 %', { category: 'retiree', age: 65 }, 'tier2', 130_000, 85_000],
    ['retiree 65, community: 90 %', { category: 'retiree', age: 65 }, 'community', 130_000, 90_000],
    ['retiree 69, hospital: 85 %', { category: 'retiree', age: 69 }, 'tier3', 130_000, 85_000],
    ['retiree 70, hospital: 90 % [U]', { category: 'retiree', age: 70 }, 'tier3', 130_000, 90_000],
  ])('%s', (_n, person, tier, deductible, fundPer100k) => {
    const s = settleClaim(claim({ person, visit: { kind: 'outpatient', hospitalTier: tier, date: '2024-09-02' }, amountFen: deductible + 100_000 }));
    expect(amounts(s, 'deductible')).toEqual([deductible]);
    expect(s.fundPaysFen).toBe(fundPer100k);
    expect(s.cashFen).toBe(deductible + 100_000 - fundPer100k);
  });

  it('computes age from a birth date on the visit day (70th birthday)', () => {
    const visit = { kind: 'outpatient', hospitalTier: 'tier3', date: '2024-09-02' } as const;
    const at = (birthDate: string) => settleClaim(claim({ person: { category: 'retiree', birthDate }, visit, amountFen: 230_000 })).fundPaysFen;
    expect(at('1954-09-03')).toBe(85_000);
    expect(at('1954-09-02')).toBe(90_000);
  });

  it('takes the deductible once a year: what is left of it, then nothing', () => {
    const first = settleClaim(claim({ amountFen: 100_000 }));
    expect(split(first)).toEqual({ total: 100_000, fund: 0, account: 0, cash: 100_000 });
    expect(first.ytdUpdate.outpatientDeductibleUsedFen).toBe(100_000);
    expect(first.steps.some((x) => x.rule === 'outpatient-fund')).toBe(false);
    const second = settleClaim(claim({ amountFen: 100_000, ytd: first.ytdUpdate }));
    expect(amounts(second, 'deductible')).toEqual([80_000]);
    expect(second.fundPaysFen).toBe(14_000);
    const third = settleClaim(claim({ amountFen: 100_000, ytd: second.ytdUpdate }));
    expect(amounts(third, 'deductible')).toEqual([0]);
    expect(third.steps.find((x) => x.rule === 'deductible')!.note).toContain('0.00 left');
    expect(third.fundPaysFen).toBe(70_000);
    expect(third.ytdUpdate.outpatientDeductibleUsedFen).toBe(180_000);
  });

  it('class C is paid in full by the patient; class B self-pays 10 % first [U], or the item’s own ratio', () => {
    const s = settleClaim(
      claim({
        ytd: { year: 2024, outpatientDeductibleUsedFen: 180_000 },
        items: [
          { class: 'C', amountFen: 30_000 },
          { class: 'B', amountFen: 10_000 },
          { class: 'B', amountFen: 10_000, selfPayRatioBp: 2000, label: 'an imported drug' },
          { class: 'B', amountFen: 10_000, selfPayRatioBp: 0 },
          { class: 'A', amountFen: 10_000 },
        ],
      }),
    );
    expect(amounts(s, 'class-c')).toEqual([30_000]);
    expect(amounts(s, 'class-b-self-pay')).toEqual([1_000 + 2_000]);
    // In scope: 40 000 − 3 000 = 37 000, 70 % of it.
    expect(s.fundPaysFen).toBe(25_900);
    expect(s.cashFen).toBe(70_000 - 25_900);
  });

  it('rounds half up per item and per rate', () => {
    const ytd = { year: 2024, outpatientDeductibleUsedFen: 180_000 };
    expect(amounts(settleClaim(claim({ ytd, items: [{ class: 'B', amountFen: 15 }] })), 'class-b-self-pay')).toEqual([2]);
    expect(settleClaim(claim({ ytd, amountFen: 5, visit: { kind: 'outpatient', hospitalTier: 'community', date: '2024-09-02' } })).fundPaysFen).toBe(5);
    expect(settleClaim(claim({ ytd, amountFen: 1 })).fundPaysFen).toBe(1);
  });

  describe('the disputed outpatient cap, two dated variants [U]', () => {
    const ytd = (year: number) => ({ year, outpatientDeductibleUsedFen: 180_000, outpatientFundPaidFen: 1_990_000 });
    it('2022 table: 20 000 yuan a year; the part above it is the patient’s', () => {
      const s = settleClaim(claim({ visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2022-12-31' }, ytd: ytd(2022), amountFen: 70_000 }));
      expect(s.policy).toBe('bj-employee-sample-2022');
      expect(s.fundPaysFen).toBe(10_000);
      expect(amounts(s, 'over-cap')).toEqual([39_000]);
      expect(amounts(s, 'co-pay')).toEqual([21_000]);
      expect(s.ytdUpdate.outpatientFundPaidFen).toBe(2_000_000);
      const after = settleClaim(claim({ visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2022-12-31' }, ytd: s.ytdUpdate, amountFen: 70_000 }));
      expect(after.fundPaysFen).toBe(0);
      expect(amounts(after, 'over-cap')).toEqual([49_000]);
    });
    it('2023 table: no cap', () => {
      const s = settleClaim(claim({ visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2023-01-01' }, ytd: ytd(2023), amountFen: 70_000 }));
      expect(s.policy).toBe('bj-employee-sample-2023');
      expect(s.fundPaysFen).toBe(49_000);
      expect(amounts(s, 'over-cap')).toEqual([]);
    });
  });
});

describe('settleClaim: inpatient', () => {
  it('employee, grade-3 hospital, first stay of 50 000 yuan: 1300 deductible and three bands', () => {
    const s = settleClaim(claim({ visit: inpatient(), amountFen: 5_000_000 }));
    expect(amounts(s, 'deductible')).toEqual([130_000]);
    expect(amounts(s, 'inpatient-band-1')).toEqual([2_439_500]); // 85 % of 28 700
    expect(amounts(s, 'inpatient-band-2')).toEqual([900_000]); // 90 % of 10 000
    expect(amounts(s, 'inpatient-band-3')).toEqual([950_000]); // 95 % of 10 000
    expect(amounts(s, 'co-pay')).toEqual([430_500, 100_000, 50_000]);
    expect(split(s)).toEqual({ total: 5_000_000, fund: 4_289_500, account: 0, cash: 710_500 });
    expect(s.ytdUpdate).toMatchObject({ inpatientStays: 1, inpatientScopeFen: 5_000_000, inpatientFundPaidFen: 4_289_500 });
  });

  it('retiree: pays 60 % of an employee’s share in every band [U]', () => {
    const s = settleClaim(claim({ person: { category: 'retiree', age: 66 }, visit: inpatient(), amountFen: 5_000_000 }));
    expect(amounts(s, 'co-pay')).toEqual([258_300, 60_000, 30_000]);
    expect(split(s)).toEqual({ total: 5_000_000, fund: 4_521_700, account: 0, cash: 478_300 });
  });

  it('later stays: 650 deductible; the bands continue from the year so far, into mutual aid above 100 000', () => {
    const s = settleClaim(
      claim({ visit: inpatient({ hospitalTier: 'tier1' }), ytd: { year: 2024, inpatientStays: 1, inpatientScopeFen: 9_900_000 }, amountFen: 2_000_000 }),
    );
    expect(amounts(s, 'deductible')).toEqual([65_000]);
    expect(amounts(s, 'inpatient-band-3')).toEqual([33_950]); // 97 % of 350 yuan
    expect(amounts(s, 'inpatient-band-4')).toEqual([1_615_000]); // 85 % of 19 000 yuan
    expect(s.steps.find((x) => x.rule === 'inpatient-band-4')!.note).toContain('mutual-aid fund');
    expect(split(s)).toEqual({ total: 2_000_000, fund: 1_648_950, account: 0, cash: 351_050 });
    expect(s.ytdUpdate).toMatchObject({ inpatientStays: 2, inpatientScopeFen: 11_900_000 });
  });

  it('stayNumberThisYear overrides the count', () => {
    const s = settleClaim(claim({ visit: inpatient({ stayNumberThisYear: 3 }), amountFen: 500_000 }));
    expect(amounts(s, 'deductible')).toEqual([65_000]);
    expect(s.ytdUpdate.inpatientStays).toBe(3);
    expect(amounts(settleClaim(claim({ visit: inpatient({ stayNumberThisYear: 1 }), ytd: { year: 2024, inpatientStays: 2 }, amountFen: 500_000 })), 'deductible')).toEqual([
      130_000,
    ]);
  });

  it('a stay below its deductible costs the fund nothing', () => {
    const s = settleClaim(claim({ visit: inpatient(), amountFen: 100_000 }));
    expect(split(s)).toEqual({ total: 100_000, fund: 0, account: 0, cash: 100_000 });
    expect(s.ytdUpdate.inpatientScopeFen).toBe(100_000);
  });

  it('the annual inpatient cap (~500 000 yuan [U]) moves the rest to the patient', () => {
    const s = settleClaim(
      claim({
        visit: inpatient({ hospitalTier: 'tier1' }),
        ytd: { year: 2024, inpatientStays: 5, inpatientScopeFen: 20_000_000, inpatientFundPaidFen: 49_900_000 },
        amountFen: 1_000_000,
      }),
    );
    expect(amounts(s, 'inpatient-band-4')).toEqual([100_000]);
    expect(amounts(s, 'over-cap')).toEqual([694_750]);
    expect(amounts(s, 'co-pay')).toEqual([140_250]);
    expect(s.ytdUpdate.inpatientFundPaidFen).toBe(50_000_000);
  });
});

describe('settleClaim: personal account', () => {
  it('pays the patient’s share up to its balance, then cash', () => {
    const s = settleClaim(claim({ personalAccountBalanceFen: 50_000 }));
    expect(split(s)).toEqual({ total: 250_000, fund: 49_000, account: 50_000, cash: 151_000 });
    expect(s.personalAccountBalanceAfterFen).toBe(0);
    const rich = settleClaim(claim({ personalAccountBalanceFen: 1_000_000 }));
    expect(split(rich)).toEqual({ total: 250_000, fund: 49_000, account: 201_000, cash: 0 });
    expect(rich.personalAccountBalanceAfterFen).toBe(799_000);
  });

  it('does not pay class C items [U]', () => {
    const s = settleClaim(claim({ items: [{ class: 'C', amountFen: 10_000 }, { class: 'A', amountFen: 5_000 }], personalAccountBalanceFen: 1_000_000 }));
    expect(split(s)).toEqual({ total: 15_000, fund: 0, account: 5_000, cash: 10_000 });
    expect(s.steps.find((x) => x.rule === 'personal-account')!.note).toContain('it may not pay class-c');
  });

  it('is left alone when usePersonalAccount is false', () => {
    const s = settleClaim(claim({ personalAccountBalanceFen: 1_000_000, usePersonalAccount: false }));
    expect(s.personalAccountFen).toBe(0);
    expect(s.personalAccountBalanceAfterFen).toBe(1_000_000);
  });

  it.each([
    ['2024-07-31', 0],
    ['2024-08-01', 201_000],
  ])('a family member’s account (家庭共济) on %s pays %i', (date, account) => {
    const s = settleClaim(claim({ visit: { kind: 'outpatient', hospitalTier: 'tier3', date }, personalAccountBalanceFen: 1_000_000, personalAccountOwner: 'family' }));
    expect(s.personalAccountFen).toBe(account);
    expect(s.cashFen).toBe(201_000 - account);
    const step = s.steps.find((x) => x.rule === 'personal-account')!;
    expect(step.note).toMatch(account === 0 ? /may not pay under bj-employee-sample-2023/ : /家庭共济/);
  });
});

describe('settleClaim: request errors name the field', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['visit.date', { visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2021-12-31' } }, 'visit.date: no policy table in force on 2021-12-31 (the tables cover 2022-01-01 on)'],
    ['visit.date', { visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2024-13-01' } }, 'visit.date: expected a date YYYY-MM-DD, got "2024-13-01"'],
    ['visit.date', { visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2024-09-02 10:00' } }, 'visit.date: expected a date YYYY-MM-DD or a date-time with offset (2026-01-10T09:30:00+08:00), got "2024-09-02 10:00"'],
    ['visit.hospitalTier', { visit: { kind: 'outpatient', hospitalTier: 'clinic', date: '2024-09-02' } }, 'visit.hospitalTier: expected one of community, tier1, tier2, tier3, got "clinic"'],
    ['visit.stayNumberThisYear', { visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2024-09-02', stayNumberThisYear: 1 } }, 'visit.stayNumberThisYear: only for inpatient visits'],
    ['visit.stayNumber', { visit: { kind: 'inpatient', hospitalTier: 'tier3', date: '2024-09-02', stayNumber: 2 } }, 'visit.stayNumber: unknown field (expected one of kind, hospitalTier, date, stayNumberThisYear)'],
    ['ytd.year', { ytd: { year: 2023 } }, 'ytd.year: accumulators of 2023 cannot settle a visit on 2024-09-02 (start the year from zero)'],
    ['ytd.outpatientFundPaidFen', { ytd: { year: 2024, outpatientFundPaidFen: -1 } }, 'ytd.outpatientFundPaidFen: expected 0 to 1000000000000000, got -1'],
    ['items', { items: [] }, 'items: expected at least one item'],
    ['items[1].amountFen', { items: [{ class: 'A', amountFen: 1 }, { class: 'A', amountFen: 10.5 }] }, 'items[1].amountFen: expected an integer, got number 10.5'],
    ['items[0].amountFen', { items: [{ class: 'A', amountFen: '100' }] }, 'items[0].amountFen: expected an integer, got "100"'],
    ['items[0].selfPayRatioBp', { items: [{ class: 'A', amountFen: 1, selfPayRatioBp: 100 }] }, 'items[0].selfPayRatioBp: only for class B items (this one is class A)'],
    ['items[0].selfPayRatioBp', { items: [{ class: 'B', amountFen: 1, selfPayRatioBp: 10_001 }] }, 'items[0].selfPayRatioBp: expected 0 to 10000, got 10001'],
    ['items[0].class', { items: [{ class: 'D', amountFen: 1 }] }, 'items[0].class: expected one of A, B, C, got "D"'],
    ['items', { items: [{ class: 'A', amountFen: 60_000_000_000 }, { class: 'A', amountFen: 60_000_000_000 }] }, 'items: total 120000000000 fen exceeds 100000000000'],
    ['person.age', { person: { category: 'employee' } }, 'person.age: required (or person.birthDate)'],
    ['person.birthDate', { person: { category: 'employee', age: 40, birthDate: '1984-01-01' } }, 'person.birthDate: give person.age or person.birthDate, not both'],
    ['person.birthDate', { person: { category: 'employee', birthDate: '2025-01-01' } }, 'person.birthDate: is after the visit date 2024-09-02'],
    ['person.category', { person: { category: 'student', age: 20 } }, 'person.category: expected one of employee, retiree, got "student"'],
    ['personalAccountBalanceFen', { personalAccountBalanceFen: undefined }, 'personalAccountBalanceFen: expected an integer, got nothing'],
    ['usePersonalAccount', { usePersonalAccount: 'yes' }, 'usePersonalAccount: expected true or false, got "yes"'],
    ['personalAccountOwner', { personalAccountOwner: 'spouse' }, 'personalAccountOwner: expected one of self, family, got "spouse"'],
    ['patient', { patient: 'x' }, 'patient: unknown field (expected one of person, visit, items, ytd, personalAccountBalanceFen, usePersonalAccount, personalAccountOwner)'],
  ])('%s', (field, over, message) => {
    const e = requestError(() => settleClaim({ ...claim(), ...over } as Claim));
    expect(e.field).toBe(field);
    expect(e.message).toBe(message);
  });

  it('reads the visit date as a Beijing date when given with an offset', () => {
    // 2024-07-31T16:30Z is 00:30 on 1 August in Beijing: the family-use table.
    expect(settleClaim(claim({ visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2024-07-31T16:30:00Z' } })).policy).toBe('bj-employee-sample-2024-08');
    expect(settleClaim(claim({ visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2024-07-31T15:30:00Z' } })).policy).toBe('bj-employee-sample-2023');
  });

  it('no tables at all', () => {
    expect(requestError(() => settleClaim(claim(), [])).message).toBe('visit.date: no policy tables are loaded');
  });
});
