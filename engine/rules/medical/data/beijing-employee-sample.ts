/**
 * Beijing employee medical insurance (北京市城镇职工基本医疗保险) — UNCONFIRMED SAMPLE DATA.
 *
 * DOMAIN.md §7 has weak sources only. Every number here is marked:
 *   [S weak] one weak secondary source: outpatient deductible 1800 employee / 1300 retiree; 90 %
 *            at community clinics, 70 % at other hospitals, retirees 85 %; inpatient deductible
 *            1300 first stay / 650 later; the personal account may pay for family members
 *            (家庭共济) since 2024-08.
 *   [U]      remembered, not sourced: ~90 % outpatient at 70+; the 20 000-yuan outpatient cap
 *            (disputed: a cap, or removed in 2023 — hence two dated tables); inpatient bands
 *            85/87/90 % to 30 000, 90/92/95 % to 40 000, 95/97/97 % to 100 000, ~85 % above via
 *            mutual aid; the ~500 000 cap; retirees pay 60 % of an employee's share; class B
 *            self-pay 10 %; what the personal account may pay.
 *   [P]      our reading: bands over the year's cumulative in-scope inpatient amount, deductibles
 *            included; tier 1 and community centres share the highest inpatient rate.
 * The change dates 2023-01-01 (cap removed) is [U]; 2024-08-01 (family use) is [S weak].
 *
 * Three dated tables:
 *   bj-employee-sample-2022     from 2022-01-01: outpatient fund cap 20 000 yuan a year [U]
 *   bj-employee-sample-2023     from 2023-01-01: no outpatient cap [U]
 *   bj-employee-sample-2024-08  from 2024-08-01: family members may use the account [S weak]
 */
import type { MedicalPolicy, RateByTier } from '../types.js';

export const SAMPLE_NOTICE =
  "UNCONFIRMED SAMPLE DATA: numbers from weak secondary sources or memory (DOMAIN.md §7), not Beijing's official policy; do not use for real settlement.";

const tiers = (community: number, tier1: number, tier2: number, tier3: number): RateByTier => ({ community, tier1, tier2, tier3 });
const all = (bp: number): RateByTier => tiers(bp, bp, bp, bp);

const BASE: Omit<MedicalPolicy, 'id' | 'name' | 'effectiveFrom' | 'effectiveTo' | 'outpatient' | 'personalAccount'> & {
  outpatient: Omit<MedicalPolicy['outpatient'], 'annualFundCapFen'>;
} = {
  sampleData: true,
  notice: SAMPLE_NOTICE,
  source: 'DOMAIN.md §7 (weak sources only)',
  classB: { defaultSelfPayBp: { value: 1000, confidence: 'U', note: 'class B: the patient pays 10 % first' } },
  outpatient: {
    deductibleFen: { value: { employee: 180_000, retiree: 130_000 }, confidence: 'S', note: 'weak source' },
    rates: [
      { category: 'employee', minAge: 0, rateBp: tiers(9000, 7000, 7000, 7000), confidence: 'S' },
      { category: 'retiree', minAge: 0, rateBp: tiers(9000, 8500, 8500, 8500), confidence: 'S' },
      { category: 'retiree', minAge: 70, rateBp: all(9000), confidence: 'U' },
    ],
  },
  inpatient: {
    deductibleFirstStayFen: { value: 130_000, confidence: 'S', note: 'weak source' },
    deductibleLaterStayFen: { value: 65_000, confidence: 'S', note: 'weak source' },
    bands: [
      { uptoFen: 3_000_000, rateBp: tiers(9000, 9000, 8700, 8500), fund: 'pooled', confidence: 'U' },
      { uptoFen: 4_000_000, rateBp: tiers(9500, 9500, 9200, 9000), fund: 'pooled', confidence: 'U' },
      { uptoFen: 10_000_000, rateBp: tiers(9700, 9700, 9700, 9500), fund: 'pooled', confidence: 'U' },
      { uptoFen: null, rateBp: all(8500), fund: 'mutual-aid', confidence: 'U' },
    ],
    retireeShareBp: { value: 6000, confidence: 'U', note: "a retiree pays 60 % of an employee's share" },
    annualFundCapFen: { value: 50_000_000, confidence: 'U', note: '~500 000 yuan a year, pooled and mutual aid together' },
  },
};

const OWN_ACCOUNT_ONLY: MedicalPolicy['personalAccount'] = {
  covers: { value: ['class-b-self-pay', 'deductible', 'co-pay', 'over-cap'], confidence: 'U', note: 'not class C (self-financed items)' },
  familyMutualAid: { value: false, confidence: 'S', note: 'family use only from 2024-08 (weak source)' },
};

export const BJ_EMPLOYEE_SAMPLE_2022: MedicalPolicy = {
  ...BASE,
  id: 'bj-employee-sample-2022',
  name: { en: 'Beijing employee medical insurance, sample table 2022 (outpatient cap 20 000 yuan)', zh: '北京职工医保 示例表 2022（门诊封顶 2 万元）' },
  effectiveFrom: '2022-01-01',
  effectiveTo: '2022-12-31',
  outpatient: { ...BASE.outpatient, annualFundCapFen: { value: 2_000_000, confidence: 'U', note: 'disputed: 20 000 yuan a year' } },
  personalAccount: OWN_ACCOUNT_ONLY,
};

export const BJ_EMPLOYEE_SAMPLE_2023: MedicalPolicy = {
  ...BASE,
  id: 'bj-employee-sample-2023',
  name: { en: 'Beijing employee medical insurance, sample table 2023 (no outpatient cap)', zh: '北京职工医保 示例表 2023（门诊不设封顶）' },
  effectiveFrom: '2023-01-01',
  effectiveTo: '2024-07-31',
  outpatient: { ...BASE.outpatient, annualFundCapFen: { value: null, confidence: 'U', note: 'disputed: cap removed in 2023' } },
  personalAccount: OWN_ACCOUNT_ONLY,
};

export const BJ_EMPLOYEE_SAMPLE_2024_08: MedicalPolicy = {
  ...BJ_EMPLOYEE_SAMPLE_2023,
  id: 'bj-employee-sample-2024-08',
  name: { en: 'Beijing employee medical insurance, sample table from 2024-08 (family account use)', zh: '北京职工医保 示例表 2024-08 起（个人账户家庭共济）' },
  effectiveFrom: '2024-08-01',
  effectiveTo: null,
  personalAccount: {
    covers: OWN_ACCOUNT_ONLY.covers,
    familyMutualAid: { value: true, confidence: 'S', note: 'since 2024-08 (weak source)' },
  },
};

/** The shipped tables, oldest first. */
export const MEDICAL_POLICIES: readonly MedicalPolicy[] = [BJ_EMPLOYEE_SAMPLE_2022, BJ_EMPLOYEE_SAMPLE_2023, BJ_EMPLOYEE_SAMPLE_2024_08];
