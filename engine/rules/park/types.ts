/**
 * Types of the park annual pass rules (公园年票, DOMAIN.md §6): the data (park registry, dated
 * products, eligibility classes, the senior free-entry rule) and the requests and decisions of
 * `mayBuy` / `mayEnter`. Every datum carries its confidence mark from DOMAIN.md:
 * `V` verified, `S` one secondary source, `U` unconfirmed, `P` ssc3 profile (our own choice).
 */

export type Confidence = 'V' | 'S' | 'U' | 'P';

/** A sentence in English and in Chinese. */
export interface Bilingual {
  en: string;
  zh: string;
}

/** Who runs a park: the municipal park centre (市属) or a district (区属). */
export type ParkKind = 'municipal' | 'district';

export interface Park {
  /** Stable ASCII id used in requests (`summer-palace`). */
  id: string;
  name: Bilingual;
  kind: ParkKind;
  confidence: Confidence;
  note?: string;
}

/**
 * Where a person is registered. `beijing`: Beijing household registration (本市户籍);
 * `beijing-permit`: holds a Beijing residence permit (北京市居住证); `other`: neither. [P]
 */
export type Residency = 'beijing' | 'beijing-permit' | 'other';
export const RESIDENCIES: readonly Residency[] = ['beijing', 'beijing-permit', 'other'];

/** Documents a sale point can check. [P] */
export type ProofKind = 'id-card' | 'household-register' | 'residence-permit' | 'social-security-card' | 'student-card';
export const PROOF_KINDS: readonly ProofKind[] = ['id-card', 'household-register', 'residence-permit', 'social-security-card', 'student-card'];

/** An eligibility class of buyers and the proof each must show. */
export interface EligibilityClass {
  id: string;
  name: Bilingual;
  /** The person's residency must be one of these. */
  residencies: readonly Residency[];
  /** Proof: any one of these sets, every document of the set shown (any-of all-of). */
  proofs: readonly (readonly ProofKind[])[];
  minAge?: number;
  maxAge?: number;
  confidence: Confidence;
  note?: string;
}

/** One park a product covers, with its limits (dated with the product). */
export interface ParkCoverage {
  parkId: string;
  /** Entries per pass per park per Beijing calendar day; null = no limit. */
  maxEntriesPerDay: number | null;
  confidence: Confidence;
}

/** A dated pass product. All dates are Beijing calendar dates `YYYY-MM-DD`, both ends included. */
export interface ParkPassProduct {
  id: string;
  name: Bilingual;
  /** The pass year printed on the pass record. */
  year: number;
  priceFen: number;
  sale: { from: string; to: string };
  validity: { from: string; to: string };
  /** Eligibility class ids, in the order a sale point tries them. */
  eligibilityClasses: readonly string[];
  coverage: readonly ParkCoverage[];
  confidence: Confidence;
  source: string;
}

/** Seniors enter some parks free without any pass (no entry is counted on a pass). */
export interface SeniorFreeEntryRule {
  id: string;
  effectiveFrom: string;
  /** Inclusive; null while in force. */
  effectiveTo: string | null;
  minAge: number;
  residencies: readonly Residency[];
  parkKinds: readonly ParkKind[];
  confidence: Confidence;
  note: string;
}

/** Everything the park rules decide from; `version` names it in every decision. */
export interface ParkData {
  version: string;
  parks: readonly Park[];
  eligibilityClasses: readonly EligibilityClass[];
  products: readonly ParkPassProduct[];
  seniorFreeEntry: readonly SeniorFreeEntryRule[];
}

// ---------------------------------------------------------------------------------------------
// Requests and decisions

export interface ParkPerson {
  birthDate: string;
  residency: Residency;
}

export interface BuyRequest {
  person: ParkPerson;
  /** The documents shown at the sale point. */
  proofs: readonly ProofKind[];
  /** When: a Beijing date or an ISO date-time with offset. */
  at: string;
  /** The product asked for; by default the one on sale at `at`. */
  productId?: string;
}

/** The pass record as read from the card (DOMAIN.md §6 [P]). */
export interface PassRecord {
  productId: string;
  year: number;
  validFrom: string;
  validTo: string;
  status: PassStatus;
  eligibilityClass: string;
}

export type PassStatus = 'active' | 'blocked';
export const PASS_STATUSES: readonly PassStatus[] = ['active', 'blocked'];

export interface EnterRequest {
  /** Absent when the person shows no pass (a senior may still enter free). */
  pass?: PassRecord;
  park: string;
  at: string;
  /** Entries already made today with this pass at this park (from the card's entry log). */
  entriesToday: number;
  /** The holder, as read from the card, for the senior rule. */
  person?: ParkPerson;
}

export type StepOutcome = 'pass' | 'fail' | 'info';

/** One rule applied, with what it found, in English and Chinese. */
export interface ParkStep {
  rule: string;
  outcome: StepOutcome;
  note: string;
  noteZh: string;
}

export type BuyRefusal = 'no-product-on-sale' | 'sale-window-closed' | 'not-eligible' | 'proof-missing';

export interface BuyDecision {
  allowed: boolean;
  /** 'eligible' when allowed, else the first refusal. */
  reason: 'eligible' | BuyRefusal;
  /** Every refusal found (a buyer can fix them all at once); empty when allowed. */
  refusals: BuyRefusal[];
  product?: { id: string; name: Bilingual; year: number; validFrom: string; validTo: string };
  /** The class the pass is sold under. */
  eligibilityClass?: string;
  /** What the sale point charges: the product price when allowed, 0 when refused. */
  priceFen: number;
  steps: ParkStep[];
  data: string;
}

export type EnterRefusal =
  | 'no-pass'
  | 'pass-blocked'
  | 'product-unknown'
  | 'pass-record-mismatch'
  | 'pass-not-yet-valid'
  | 'pass-expired'
  | 'park-not-covered'
  | 'daily-limit-reached';

export interface EnterDecision {
  allowed: boolean;
  reason: 'pass-valid' | 'senior-free-entry' | EnterRefusal;
  /** True when the gate must log an entry on the pass (false for senior free entry). */
  countsAsEntry: boolean;
  steps: ParkStep[];
  product?: string;
  data: string;
}
