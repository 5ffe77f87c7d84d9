/**
 * Checks of medical claims arriving as JSON: every field of a `settleClaim` request, with
 * {@link ClaimRequestError} naming the first bad field. Unknown fields are refused (a misspelt
 * `stayNumber` silently ignored would change the settlement).
 */
import { ageOn, arr, beijingDate, bool, BP_ONE, ClaimRequestError, date, int, obj, oneOf, str } from './_support.js';
import {
  HOSPITAL_TIERS,
  ITEM_CLASSES,
  PERSON_CATEGORIES,
  PERSONAL_ACCOUNT_OWNERS,
  VISIT_KINDS,
  type Claim,
  type ClaimItem,
  type ClaimPerson,
  type Visit,
  type YearToDate,
} from './types.js';

/** Bounds that keep every product `amount × rate` an exact double (see mulBpHalfUp). */
export const MAX_ITEMS = 1000;
/** One billion yuan: far above any claim, and × 10000 bp still below 2^53. */
export const MAX_CLAIM_FEN = 100_000_000_000;
export const MAX_AGE = 150;
/** Year-to-date sums and account balances: 10^15 fen, so that adding a claim stays exact. */
export const MAX_YTD_FEN = 1_000_000_000_000_000;

function person(v: unknown): ClaimPerson {
  const o = obj(v, 'person', ['category', 'age', 'birthDate']);
  const p: ClaimPerson = { category: oneOf(o.category, 'person.category', PERSON_CATEGORIES) };
  if (o.age === undefined && o.birthDate === undefined) throw new ClaimRequestError('person.age', 'required (or person.birthDate)');
  if (o.age !== undefined && o.birthDate !== undefined) throw new ClaimRequestError('person.birthDate', 'give person.age or person.birthDate, not both');
  if (o.age !== undefined) p.age = int(o.age, 'person.age', 0, MAX_AGE);
  if (o.birthDate !== undefined) p.birthDate = date(o.birthDate, 'person.birthDate');
  return p;
}

function visit(v: unknown): Visit {
  const o = obj(v, 'visit', ['kind', 'hospitalTier', 'date', 'stayNumberThisYear']);
  const out: Visit = {
    kind: oneOf(o.kind, 'visit.kind', VISIT_KINDS),
    hospitalTier: oneOf(o.hospitalTier, 'visit.hospitalTier', HOSPITAL_TIERS),
    date: str(o.date, 'visit.date'),
  };
  beijingDate(out.date, 'visit.date');
  if (o.stayNumberThisYear !== undefined) {
    if (out.kind !== 'inpatient') throw new ClaimRequestError('visit.stayNumberThisYear', 'only for inpatient visits');
    out.stayNumberThisYear = int(o.stayNumberThisYear, 'visit.stayNumberThisYear', 1, 366);
  }
  return out;
}

function item(v: unknown, i: number): ClaimItem {
  const f = `items[${i}]`;
  const o = obj(v, f, ['class', 'amountFen', 'selfPayRatioBp', 'label']);
  const it: ClaimItem = { class: oneOf(o.class, `${f}.class`, ITEM_CLASSES), amountFen: int(o.amountFen, `${f}.amountFen`, 0, MAX_CLAIM_FEN) };
  if (o.selfPayRatioBp !== undefined) {
    if (it.class !== 'B') throw new ClaimRequestError(`${f}.selfPayRatioBp`, `only for class B items (this one is class ${it.class})`);
    it.selfPayRatioBp = int(o.selfPayRatioBp, `${f}.selfPayRatioBp`, 0, BP_ONE);
  }
  if (o.label !== undefined) it.label = str(o.label, `${f}.label`, 80);
  return it;
}

const YTD_AMOUNTS = ['outpatientDeductibleUsedFen', 'outpatientFundPaidFen', 'inpatientScopeFen', 'inpatientFundPaidFen'] as const;

function ytd(v: unknown): YearToDate {
  const o = obj(v, 'ytd', ['year', ...YTD_AMOUNTS, 'inpatientStays']);
  const out: YearToDate = {
    year: int(o.year, 'ytd.year', 1900, 2199),
    outpatientDeductibleUsedFen: 0,
    outpatientFundPaidFen: 0,
    inpatientStays: o.inpatientStays === undefined ? 0 : int(o.inpatientStays, 'ytd.inpatientStays', 0, 366),
    inpatientScopeFen: 0,
    inpatientFundPaidFen: 0,
  };
  // Accumulators are only added, compared and subtracted, never multiplied by a rate.
  for (const k of YTD_AMOUNTS) if (o[k] !== undefined) out[k] = int(o[k], `ytd.${k}`, 0, MAX_YTD_FEN);
  return out;
}

/** A checked claim, with `ytd` filled in (a new object; the input is not kept). */
export interface CheckedClaim extends Claim {
  ytd: YearToDate;
  usePersonalAccount: boolean;
  personalAccountOwner: 'self' | 'family';
  /** The visit's Beijing date. */
  day: string;
  /** The person's age on that date. */
  age: number;
}

/**
 * @returns the claim, checked and completed with its defaults.
 * @throws ClaimRequestError naming the first bad field.
 */
export function parseClaim(v: unknown): CheckedClaim {
  const o = obj(v, '', ['person', 'visit', 'items', 'ytd', 'personalAccountBalanceFen', 'usePersonalAccount', 'personalAccountOwner']);
  const p = person(o.person);
  const vis = visit(o.visit);
  const day = beijingDate(vis.date, 'visit.date');
  const items = arr(o.items, 'items', MAX_ITEMS).map(item);
  if (items.length === 0) throw new ClaimRequestError('items', 'expected at least one item');
  const total = items.reduce((s, it) => s + it.amountFen, 0);
  if (total > MAX_CLAIM_FEN) throw new ClaimRequestError('items', `total ${total} fen exceeds ${MAX_CLAIM_FEN}`);
  const year = Number(day.slice(0, 4));
  const acc = o.ytd === undefined ? ytd({ year }) : ytd(o.ytd);
  if (acc.year !== year) throw new ClaimRequestError('ytd.year', `accumulators of ${acc.year} cannot settle a visit on ${day} (start the year from zero)`);
  let age: number;
  if (p.birthDate !== undefined) {
    if (p.birthDate > day) throw new ClaimRequestError('person.birthDate', `is after the visit date ${day}`);
    age = ageOn(p.birthDate, day);
  } else {
    age = p.age!;
  }
  return {
    person: p,
    visit: vis,
    items,
    ytd: acc,
    personalAccountBalanceFen: int(o.personalAccountBalanceFen, 'personalAccountBalanceFen', 0, MAX_YTD_FEN),
    usePersonalAccount: o.usePersonalAccount === undefined ? true : bool(o.usePersonalAccount, 'usePersonalAccount'),
    personalAccountOwner: o.personalAccountOwner === undefined ? 'self' : oneOf(o.personalAccountOwner, 'personalAccountOwner', PERSONAL_ACCOUNT_OWNERS),
    day,
    age,
  };
}
