/**
 * Types of the medical settlement rules (Beijing employee medical insurance, DOMAIN.md §7): the
 * dated policy tables and the claim / decision shapes of `settleClaim`.
 *
 * Every number in the shipped tables is UNCONFIRMED SAMPLE DATA (weak sources or memory), and the
 * types say so: a policy table carries `sampleData: true` and a notice, and so does every decision.
 * Money is integer fen; rates are integer basis points (10000 bp = 100 %).
 */

export type Confidence = 'V' | 'S' | 'U' | 'P';

export interface Bilingual {
  en: string;
  zh: string;
}

export type PersonCategory = 'employee' | 'retiree';
export const PERSON_CATEGORIES: readonly PersonCategory[] = ['employee', 'retiree'];

/**
 * Where the visit happened: a community health centre (社区卫生服务机构) or a hospital of grade
 * 1, 2 or 3 (一级 / 二级 / 三级医院).
 */
export type HospitalTier = 'community' | 'tier1' | 'tier2' | 'tier3';
export const HOSPITAL_TIERS: readonly HospitalTier[] = ['community', 'tier1', 'tier2', 'tier3'];

export type VisitKind = 'outpatient' | 'inpatient';
export const VISIT_KINDS: readonly VisitKind[] = ['outpatient', 'inpatient'];

/** Drug / service catalogue class: 甲类 (A), 乙类 (B), 丙类 or outside the catalogue (C). */
export type ItemClass = 'A' | 'B' | 'C';
export const ITEM_CLASSES: readonly ItemClass[] = ['A', 'B', 'C'];

/** A rate per hospital tier, in basis points. */
export type RateByTier = Readonly<Record<HospitalTier, number>>;

/** An amount with its confidence mark. */
export interface Labelled<T> {
  value: T;
  confidence: Confidence;
  note?: string;
}

/** Outpatient reimbursement rate for a category from an age on (the row with the highest `minAge` ≤ age applies). */
export interface OutpatientRateRow {
  category: PersonCategory;
  minAge: number;
  rateBp: RateByTier;
  confidence: Confidence;
}

/**
 * One inpatient band over the year's cumulative in-scope inpatient amount (deductibles included:
 * "起付线以上至 3 万元" reads as the part of the year's cost from the deductible up to 30 000
 * yuan — our reading [P]). `uptoFen` null: no upper bound.
 */
export interface InpatientBand {
  uptoFen: number | null;
  rateBp: RateByTier;
  /** Which fund pays: the basic pooled fund (统筹基金) or large-expense mutual aid (大额互助). */
  fund: 'pooled' | 'mutual-aid';
  confidence: Confidence;
}

/** The parts of a patient's share, as step rules; the personal account may pay some of them. */
export type PatientShareKind = 'class-c' | 'class-b-self-pay' | 'deductible' | 'co-pay' | 'over-cap';
export const PATIENT_SHARE_KINDS: readonly PatientShareKind[] = ['class-c', 'class-b-self-pay', 'deductible', 'co-pay', 'over-cap'];

/** A policy table in force from `effectiveFrom` (a Beijing date) to `effectiveTo` (inclusive; null: open). */
export interface MedicalPolicy {
  id: string;
  name: Bilingual;
  effectiveFrom: string;
  effectiveTo: string | null;
  /** Always true for the shipped tables: the numbers are not confirmed. */
  sampleData: boolean;
  notice: string;
  source: string;
  classB: { defaultSelfPayBp: Labelled<number> };
  outpatient: {
    /** Annual deductible by category, consumed once per calendar year. */
    deductibleFen: Labelled<Readonly<Record<PersonCategory, number>>>;
    rates: readonly OutpatientRateRow[];
    /** Fund payments for outpatient visits per calendar year; null: no cap. */
    annualFundCapFen: Labelled<number | null>;
  };
  inpatient: {
    /** Deductible of the first stay of the year and of each later stay. */
    deductibleFirstStayFen: Labelled<number>;
    deductibleLaterStayFen: Labelled<number>;
    /** Ascending `uptoFen`, the last one null. */
    bands: readonly InpatientBand[];
    /** A retiree pays this fraction of what an employee would pay (the rest goes to the fund). */
    retireeShareBp: Labelled<number>;
    /** Fund payments (pooled + mutual aid) for inpatient stays per calendar year; null: no cap. */
    annualFundCapFen: Labelled<number | null>;
  };
  personalAccount: {
    /** The parts of the patient's share the personal account may pay. */
    covers: Labelled<readonly PatientShareKind[]>;
    /** Whether a family member's account may pay (家庭共济). */
    familyMutualAid: Labelled<boolean>;
  };
}

// ---------------------------------------------------------------------------------------------
// Claims and decisions

export interface ClaimPerson {
  category: PersonCategory;
  /** Age on the visit date; give this or `birthDate`. */
  age?: number;
  birthDate?: string;
}

export interface Visit {
  kind: VisitKind;
  hospitalTier: HospitalTier;
  /** A Beijing date, or an ISO date-time with offset. */
  date: string;
  /** Inpatient: which stay of the year this is (default: the year-to-date count + 1). */
  stayNumberThisYear?: number;
}

export interface ClaimItem {
  class: ItemClass;
  amountFen: number;
  /** Class B only: the part the patient pays first, in bp (default: the policy's). */
  selfPayRatioBp?: number;
  /** A label for the steps (drug or service name). */
  label?: string;
}

/** The person's accumulators for the calendar year `year`; missing amounts are 0. */
export interface YearToDate {
  year: number;
  outpatientDeductibleUsedFen: number;
  outpatientFundPaidFen: number;
  inpatientStays: number;
  /** The year's cumulative in-scope inpatient amount (deductibles included): the band position. */
  inpatientScopeFen: number;
  inpatientFundPaidFen: number;
}

export type PersonalAccountOwner = 'self' | 'family';
export const PERSONAL_ACCOUNT_OWNERS: readonly PersonalAccountOwner[] = ['self', 'family'];

export interface Claim {
  person: ClaimPerson;
  visit: Visit;
  items: readonly ClaimItem[];
  /** Default: all zero for the visit's year. */
  ytd?: Partial<YearToDate> & { year: number };
  personalAccountBalanceFen: number;
  /** Default true: the account pays what the policy lets it pay, up to its balance. */
  usePersonalAccount?: boolean;
  /** Whose account pays: the patient's own or a family member's (家庭共济). Default 'self'. */
  personalAccountOwner?: PersonalAccountOwner;
}

/** Who a step's amount is charged to; 'none' for an explanatory step (amount 0). */
export type Payer = 'fund' | 'patient' | 'personal-account' | 'cash' | 'none';

/**
 * One rule applied. The amounts recompute the decision: Σ fund = fundPaysFen, Σ patient =
 * patientShareFen, Σ personal-account = personalAccountFen, Σ cash = cashFen, and
 * fund + patient = total.
 */
export interface SettlementStep {
  rule: string;
  payer: Payer;
  amountFen: number;
  note: string;
  noteZh: string;
}

export interface Settlement {
  totalFen: number;
  fundPaysFen: number;
  /** What the patient owes: personalAccountFen + cashFen. */
  patientShareFen: number;
  personalAccountFen: number;
  cashFen: number;
  personalAccountBalanceAfterFen: number;
  ytdUpdate: YearToDate;
  steps: SettlementStep[];
  policy: string;
  sampleData: boolean;
  notice: string;
}
