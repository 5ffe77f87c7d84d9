// Property tests (fast-check) of medical settlement over the sample tables: for generated claims
// (every category, tier, visit kind, item class, dates across all three tables, arbitrary
// year-to-date accumulators) fund + personal account + cash = total, nothing is negative, the
// steps recompute every final amount, class C is never reimbursed nor paid from the account, the
// accumulators grow by exactly this claim; over a year of claims with the accumulators carried,
// the caps are never exceeded and the deductible is consumed monotonically, once; the table is
// the one in force on the visit date.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HOSPITAL_TIERS,
  MEDICAL_POLICIES,
  PERSON_CATEGORIES,
  PERSONAL_ACCOUNT_OWNERS,
  settleClaim,
  type Claim,
  type ClaimItem,
  type Settlement,
  type YearToDate,
} from '../../engine/rules/medical/index.js';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayIn = (from: string, to: string) => fc.integer({ min: Date.parse(from) / DAY_MS, max: Date.parse(to) / DAY_MS }).map((d) => iso(d * DAY_MS));
const anyDay = dayIn('2022-01-01', '2026-12-31');

const item: fc.Arbitrary<ClaimItem> = fc.oneof(
  fc.record({ class: fc.constant('A' as const), amountFen: fc.integer({ min: 0, max: 3_000_000 }) }),
  fc.record({ class: fc.constant('B' as const), amountFen: fc.integer({ min: 0, max: 3_000_000 }), selfPayRatioBp: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }) }).map((b) => {
    const out: ClaimItem = { class: 'B', amountFen: b.amountFen };
    if (b.selfPayRatioBp !== undefined) out.selfPayRatioBp = b.selfPayRatioBp;
    return out;
  }),
  fc.record({ class: fc.constant('C' as const), amountFen: fc.integer({ min: 0, max: 1_000_000 }) }),
  // Now and then a big inpatient bill, to reach the upper bands and the caps.
  fc.record({ class: fc.constant('A' as const), amountFen: fc.integer({ min: 0, max: 60_000_000 }) }),
);

const person = fc.record({ category: fc.constantFrom(...PERSON_CATEGORIES), age: fc.integer({ min: 16, max: 105 }) });
const visitKind = fc.constantFrom('outpatient' as const, 'inpatient' as const);

/** A claim on `day` with accumulators that may already be anywhere (at, below or beyond the caps). */
const claimOn = (day: fc.Arbitrary<string>): fc.Arbitrary<Claim> =>
  fc
    .record({
      person,
      kind: visitKind,
      tier: fc.constantFrom(...HOSPITAL_TIERS),
      day,
      items: fc.array(item, { minLength: 1, maxLength: 6 }),
      ytd: fc.record({
        outpatientDeductibleUsedFen: fc.integer({ min: 0, max: 200_000 }),
        outpatientFundPaidFen: fc.integer({ min: 0, max: 2_100_000 }),
        inpatientStays: fc.integer({ min: 0, max: 6 }),
        inpatientScopeFen: fc.integer({ min: 0, max: 40_000_000 }),
        inpatientFundPaidFen: fc.integer({ min: 0, max: 51_000_000 }),
      }),
      balance: fc.integer({ min: 0, max: 2_000_000 }),
      use: fc.option(fc.boolean(), { nil: undefined }),
      owner: fc.option(fc.constantFrom(...PERSONAL_ACCOUNT_OWNERS), { nil: undefined }),
    })
    .map((r) => {
      const c: Claim = {
        person: r.person,
        visit: { kind: r.kind, hospitalTier: r.tier, date: r.day },
        items: r.items,
        ytd: { year: Number(r.day.slice(0, 4)), ...r.ytd },
        personalAccountBalanceFen: r.balance,
      };
      if (r.use !== undefined) c.usePersonalAccount = r.use;
      if (r.owner !== undefined) c.personalAccountOwner = r.owner;
      return c;
    });

const sumWhere = (s: Settlement, pred: (x: Settlement['steps'][number]) => boolean) => s.steps.filter(pred).reduce((a, x) => a + x.amountFen, 0);
const policyOf = (day: string) => MEDICAL_POLICIES.find((p) => p.effectiveFrom <= day && (p.effectiveTo === null || day <= p.effectiveTo))!;

const RUNS = { numRuns: 3000 };

describe('settleClaim properties: one claim', () => {
  it('fund + personal account + cash = total; nothing negative; all integers', () => {
    fc.assert(
      fc.property(claimOn(anyDay), (c) => {
        const s = settleClaim(c);
        expect(s.totalFen).toBe(c.items.reduce((a, i) => a + i.amountFen, 0));
        expect(s.fundPaysFen + s.personalAccountFen + s.cashFen).toBe(s.totalFen);
        expect(s.personalAccountFen + s.cashFen).toBe(s.patientShareFen);
        for (const v of [s.fundPaysFen, s.personalAccountFen, s.cashFen, s.patientShareFen, s.personalAccountBalanceAfterFen, ...Object.values(s.ytdUpdate)]) {
          expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
        }
        expect(s.personalAccountFen).toBeLessThanOrEqual(c.personalAccountBalanceFen);
        expect(s.personalAccountBalanceAfterFen).toBe(c.personalAccountBalanceFen - s.personalAccountFen);
      }),
      RUNS,
    );
  });

  it('the steps recompute every final amount, and each explains itself in two languages', () => {
    fc.assert(
      fc.property(claimOn(anyDay), (c) => {
        const s = settleClaim(c);
        expect(sumWhere(s, (x) => x.payer === 'fund')).toBe(s.fundPaysFen);
        expect(sumWhere(s, (x) => x.payer === 'patient')).toBe(s.patientShareFen);
        expect(sumWhere(s, (x) => x.payer === 'personal-account')).toBe(s.personalAccountFen);
        expect(sumWhere(s, (x) => x.payer === 'cash')).toBe(s.cashFen);
        for (const x of s.steps) {
          expect(Number.isSafeInteger(x.amountFen) && x.amountFen >= 0).toBe(true);
          if (x.payer === 'none') expect(x.amountFen).toBe(0);
          expect(x.note.length * x.noteZh.length).toBeGreaterThan(0);
        }
        expect(s.sampleData).toBe(true);
        expect(s.steps[0].note).toContain('UNCONFIRMED SAMPLE DATA');
      }),
      RUNS,
    );
  });

  it('uses the table in force on the visit date', () => {
    fc.assert(
      fc.property(claimOn(anyDay), (c) => {
        expect(settleClaim(c).policy).toBe(policyOf(c.visit.date).id);
      }),
      RUNS,
    );
  });

  it('class C is the patient’s in full and never from the personal account; class B self-pays its ratio, rounded half up', () => {
    fc.assert(
      fc.property(claimOn(anyDay), (c) => {
        const s = settleClaim(c);
        const classC = c.items.filter((i) => i.class === 'C').reduce((a, i) => a + i.amountFen, 0);
        expect(sumWhere(s, (x) => x.rule === 'class-c')).toBe(classC);
        expect(s.fundPaysFen).toBeLessThanOrEqual(s.totalFen - classC);
        expect(s.personalAccountFen).toBeLessThanOrEqual(s.patientShareFen - classC);
        expect(s.cashFen).toBeGreaterThanOrEqual(classC);
        const defaultBp = policyOf(c.visit.date).classB.defaultSelfPayBp.value;
        const halfUp = (a: number, bp: number) => Number((BigInt(a) * BigInt(bp) + 5000n) / 10000n);
        const classB = c.items.filter((i) => i.class === 'B').reduce((a, i) => a + halfUp(i.amountFen, i.selfPayRatioBp ?? defaultBp), 0);
        expect(sumWhere(s, (x) => x.rule === 'class-b-self-pay')).toBe(classB);
      }),
      RUNS,
    );
  });

  it('the accumulators grow by exactly this claim; the deductible never shrinks nor passes the annual amount', () => {
    fc.assert(
      fc.property(claimOn(anyDay), (c) => {
        const s = settleClaim(c);
        const before = c.ytd as YearToDate;
        const after = s.ytdUpdate;
        const policy = policyOf(c.visit.date);
        const deductibleStep = sumWhere(s, (x) => x.rule === 'deductible');
        if (c.visit.kind === 'outpatient') {
          expect(after.outpatientDeductibleUsedFen).toBe(before.outpatientDeductibleUsedFen + deductibleStep);
          expect(after.outpatientFundPaidFen).toBe(before.outpatientFundPaidFen + s.fundPaysFen);
          const annual = policy.outpatient.deductibleFen.value[c.person.category];
          expect(after.outpatientDeductibleUsedFen).toBeLessThanOrEqual(Math.max(annual, before.outpatientDeductibleUsedFen));
          expect({ ...after, outpatientDeductibleUsedFen: 0, outpatientFundPaidFen: 0 }).toEqual({ ...before, outpatientDeductibleUsedFen: 0, outpatientFundPaidFen: 0 });
        } else {
          expect(after.inpatientFundPaidFen).toBe(before.inpatientFundPaidFen + s.fundPaysFen);
          expect(after.inpatientScopeFen).toBeGreaterThanOrEqual(before.inpatientScopeFen);
          expect(after.inpatientStays).toBeGreaterThanOrEqual(before.inpatientStays);
          expect(after.outpatientDeductibleUsedFen).toBe(before.outpatientDeductibleUsedFen);
        }
        // A cap already reached stays reached: the fund pays nothing more.
        const cap = c.visit.kind === 'outpatient' ? policy.outpatient.annualFundCapFen.value : policy.inpatient.annualFundCapFen.value;
        const paid = c.visit.kind === 'outpatient' ? before.outpatientFundPaidFen : before.inpatientFundPaidFen;
        if (cap !== null) expect(s.fundPaysFen).toBeLessThanOrEqual(Math.max(0, cap - paid));
      }),
      RUNS,
    );
  });

  it('is deterministic and JSON-clean', () => {
    fc.assert(
      fc.property(claimOn(anyDay), (c) => {
        const s = settleClaim(c);
        expect(settleClaim(structuredClone(c))).toEqual(s);
        expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      }),
      { numRuns: 500 },
    );
  });
});

describe('settleClaim properties: a year of claims, accumulators carried', () => {
  const year = fc.constantFrom(2022, 2023, 2024, 2025);
  const yearOfClaims = year.chain((y) =>
    fc.record({
      year: fc.constant(y),
      person,
      balance: fc.integer({ min: 0, max: 5_000_000 }),
      visits: fc.array(
        fc.record({
          kind: visitKind,
          tier: fc.constantFrom(...HOSPITAL_TIERS),
          day: dayIn(`${y}-01-01`, `${y}-12-31`),
          items: fc.array(item, { minLength: 1, maxLength: 4 }),
        }),
        { minLength: 1, maxLength: 25 },
      ),
    }),
  );

  it('never exceeds a cap, consumes the deductible once and monotonically, never overdraws the account', () => {
    fc.assert(
      fc.property(yearOfClaims, ({ year: y, person: p, balance, visits }) => {
        const sorted = [...visits].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
        let ytd: YearToDate = { year: y, outpatientDeductibleUsedFen: 0, outpatientFundPaidFen: 0, inpatientStays: 0, inpatientScopeFen: 0, inpatientFundPaidFen: 0 };
        let account = balance;
        let deductibleSteps = 0;
        let outpatientScope = 0;
        for (const v of sorted) {
          const policy = policyOf(v.day);
          const s = settleClaim({ person: p, visit: { kind: v.kind, hospitalTier: v.tier, date: v.day }, items: v.items, ytd, personalAccountBalanceFen: account });
          expect(s.fundPaysFen + s.personalAccountFen + s.cashFen).toBe(s.totalFen);
          const next = s.ytdUpdate;
          expect(next.outpatientDeductibleUsedFen).toBeGreaterThanOrEqual(ytd.outpatientDeductibleUsedFen);
          expect(next.outpatientDeductibleUsedFen).toBeLessThanOrEqual(policy.outpatient.deductibleFen.value[p.category]);
          expect(next.outpatientFundPaidFen).toBeGreaterThanOrEqual(ytd.outpatientFundPaidFen);
          expect(next.inpatientFundPaidFen).toBeGreaterThanOrEqual(ytd.inpatientFundPaidFen);
          const oCap = policy.outpatient.annualFundCapFen.value;
          const iCap = policy.inpatient.annualFundCapFen.value;
          if (oCap !== null) expect(next.outpatientFundPaidFen).toBeLessThanOrEqual(oCap);
          if (iCap !== null) expect(next.inpatientFundPaidFen).toBeLessThanOrEqual(iCap);
          if (v.kind === 'outpatient') {
            deductibleSteps += s.steps.filter((x) => x.rule === 'deductible').reduce((a, x) => a + x.amountFen, 0);
            outpatientScope += s.totalFen - s.steps.filter((x) => x.rule === 'class-c' || x.rule === 'class-b-self-pay').reduce((a, x) => a + x.amountFen, 0);
          }
          expect(s.personalAccountBalanceAfterFen).toBeGreaterThanOrEqual(0);
          account = s.personalAccountBalanceAfterFen;
          ytd = next;
        }
        // The year's deductible is the first part of the year's in-scope outpatient cost, once.
        // (The annual deductible is the same in all sample tables, so a table change mid-year
        // does not move it.)
        expect(deductibleSteps).toBe(Math.min(outpatientScope, policyOf(`${y}-06-30`).outpatient.deductibleFen.value[p.category]));
        expect(ytd.outpatientDeductibleUsedFen).toBe(deductibleSteps);
      }),
      { numRuns: 1000 },
    );
  });

  it('the generated years do reach both caps (the property above is not vacuous)', () => {
    let outpatientCapped = 0;
    let inpatientCapped = 0;
    fc.assert(
      fc.property(yearOfClaims, ({ year: y, person: p, visits }) => {
        let ytd: YearToDate = { year: y, outpatientDeductibleUsedFen: 0, outpatientFundPaidFen: 0, inpatientStays: 0, inpatientScopeFen: 0, inpatientFundPaidFen: 0 };
        for (const v of [...visits].sort((a, b) => (a.day < b.day ? -1 : 1))) {
          const s = settleClaim({ person: p, visit: { kind: v.kind, hospitalTier: v.tier, date: v.day }, items: v.items, ytd, personalAccountBalanceFen: 0 });
          if (s.steps.some((x) => x.rule === 'over-cap')) {
            if (v.kind === 'outpatient') outpatientCapped++;
            else inpatientCapped++;
          }
          ytd = s.ytdUpdate;
        }
      }),
      { numRuns: 1000, seed: 20240801 },
    );
    expect(outpatientCapped).toBeGreaterThan(0);
    expect(inpatientCapped).toBeGreaterThan(0);
  });
});
