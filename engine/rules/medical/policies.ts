/**
 * Choosing the policy table in force on a date, and checking a set of tables before use
 * (dates that run forward and do not overlap, rates within 0–100 %, ascending bands, integer
 * fen). Errors name the table and the path of the bad datum.
 */
import { BP_ONE, ClaimRequestError, date } from './_support.js';
import { PATIENT_SHARE_KINDS, PERSON_CATEGORIES, HOSPITAL_TIERS, type MedicalPolicy, type RateByTier } from './types.js';

const inForce = (p: MedicalPolicy, day: string): boolean => p.effectiveFrom <= day && (p.effectiveTo === null || day <= p.effectiveTo);

/**
 * @returns the table in force on `day` (`YYYY-MM-DD`), or undefined when none is.
 */
export function policyOn(day: string, policies: readonly MedicalPolicy[]): MedicalPolicy | undefined {
  return policies.find((p) => inForce(p, day));
}

/**
 * The table for a claim on `day`.
 * @throws ClaimRequestError on `field` when no table covers the day, naming the span covered.
 */
export function requirePolicy(day: string, policies: readonly MedicalPolicy[], field = 'visit.date'): MedicalPolicy {
  const p = policyOn(day, policies);
  if (p !== undefined) return p;
  if (policies.length === 0) throw new ClaimRequestError(field, 'no policy tables are loaded');
  const from = policies.reduce((a, q) => (q.effectiveFrom < a ? q.effectiveFrom : a), policies[0].effectiveFrom);
  const open = policies.some((q) => q.effectiveTo === null);
  const to = open ? 'on' : `to ${policies.reduce((a, q) => (q.effectiveTo! > a ? q.effectiveTo! : a), policies[0].effectiveTo!)}`;
  throw new ClaimRequestError(field, `no policy table in force on ${day} (the tables cover ${from} ${to})`);
}

function fail(id: string, path: string, problem: string): never {
  throw new RangeError(`medical policy ${id} ${path}: ${problem}`);
}

function checkFen(id: string, path: string, v: number | null, nullable = false): void {
  if (v === null && nullable) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(id, path, `expected a non-negative integer of fen, got ${v}`);
}

function checkBp(id: string, path: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > BP_ONE) fail(id, path, `expected 0 to ${BP_ONE} bp, got ${v}`);
}

function checkTiers(id: string, path: string, r: RateByTier): void {
  for (const t of HOSPITAL_TIERS) checkBp(id, `${path}.${t}`, r[t]);
}

function checkDay(id: string, path: string, v: string): void {
  try {
    date(v, path);
  } catch (e) {
    if (e instanceof ClaimRequestError) fail(id, path, e.problem);
    throw e;
  }
}

/**
 * @returns `policies`, unchanged, when every table is consistent and no two overlap in time.
 * @throws RangeError naming the table and the datum.
 */
export function checkMedicalPolicies(policies: readonly MedicalPolicy[]): readonly MedicalPolicy[] {
  const ids = new Set<string>();
  for (const p of policies) {
    const id = p.id;
    if (!/^[a-z0-9][a-z0-9.-]{0,63}$/.test(id)) fail(JSON.stringify(id), 'id', 'expected lower-case letters, digits, dots and dashes');
    if (ids.has(id)) fail(id, 'id', 'duplicate');
    ids.add(id);
    checkDay(id, 'effectiveFrom', p.effectiveFrom);
    if (p.effectiveTo !== null) {
      checkDay(id, 'effectiveTo', p.effectiveTo);
      if (p.effectiveTo < p.effectiveFrom) fail(id, 'effectiveTo', `before effectiveFrom ${p.effectiveFrom}`);
    }
    if (p.notice.length === 0) fail(id, 'notice', 'empty');
    checkBp(id, 'classB.defaultSelfPayBp', p.classB.defaultSelfPayBp.value);
    for (const c of PERSON_CATEGORIES) checkFen(id, `outpatient.deductibleFen.${c}`, p.outpatient.deductibleFen.value[c]);
    for (const c of PERSON_CATEGORIES) {
      if (!p.outpatient.rates.some((r) => r.category === c && r.minAge === 0)) fail(id, 'outpatient.rates', `no row for ${c} from age 0`);
    }
    p.outpatient.rates.forEach((r, i) => {
      if (!Number.isSafeInteger(r.minAge) || r.minAge < 0) fail(id, `outpatient.rates[${i}].minAge`, `expected a non-negative integer, got ${r.minAge}`);
      checkTiers(id, `outpatient.rates[${i}].rateBp`, r.rateBp);
    });
    checkFen(id, 'outpatient.annualFundCapFen', p.outpatient.annualFundCapFen.value, true);
    checkFen(id, 'inpatient.deductibleFirstStayFen', p.inpatient.deductibleFirstStayFen.value);
    checkFen(id, 'inpatient.deductibleLaterStayFen', p.inpatient.deductibleLaterStayFen.value);
    checkBp(id, 'inpatient.retireeShareBp', p.inpatient.retireeShareBp.value);
    checkFen(id, 'inpatient.annualFundCapFen', p.inpatient.annualFundCapFen.value, true);
    const bands = p.inpatient.bands;
    if (bands.length === 0 || bands[bands.length - 1].uptoFen !== null) fail(id, 'inpatient.bands', 'expected bands ending with one whose uptoFen is null');
    let prev = 0;
    bands.forEach((b, i) => {
      checkTiers(id, `inpatient.bands[${i}].rateBp`, b.rateBp);
      if (i < bands.length - 1) {
        checkFen(id, `inpatient.bands[${i}].uptoFen`, b.uptoFen);
        if (b.uptoFen! <= prev) fail(id, `inpatient.bands[${i}].uptoFen`, `expected more than ${prev}, got ${b.uptoFen}`);
        prev = b.uptoFen!;
      }
    });
    for (const k of p.personalAccount.covers.value) if (!PATIENT_SHARE_KINDS.includes(k)) fail(id, 'personalAccount.covers', `unknown share "${k}"`);
  }
  const sorted = [...policies].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    if (a.effectiveTo === null || a.effectiveTo >= sorted[i].effectiveFrom) fail(sorted[i].id, 'effectiveFrom', `overlaps ${a.id}`);
  }
  return policies;
}
