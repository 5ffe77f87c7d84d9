/**
 * Checks of park-pass requests arriving as JSON (the CLI, a server route, a terminal): every field
 * of `mayBuy` and `mayEnter` requests, with {@link ParkRequestError} naming the first bad field.
 * Unknown fields are refused: in a request they are far more often typos than extensions.
 */
import { arr, beijingDate, date, int, obj, oneOf, ParkRequestError, str } from './_support.js';
import { PASS_STATUSES, PROOF_KINDS, RESIDENCIES, type BuyRequest, type EnterRequest, type ParkPerson, type PassRecord, type ProofKind } from './types.js';

/** An id of a product, park or class: ASCII, lower-case, digits and dashes. */
const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

function id(v: unknown, field: string): string {
  const s = str(v, field);
  if (!ID_RE.test(s)) throw new ParkRequestError(field, `expected an id of lower-case letters, digits and dashes, got ${JSON.stringify(s.slice(0, 40))}`);
  return s;
}

function person(v: unknown, field: string): ParkPerson {
  const o = obj(v, field, ['birthDate', 'residency']);
  return {
    birthDate: date(o.birthDate, `${field}.birthDate`),
    residency: oneOf(o.residency, `${field}.residency`, RESIDENCIES),
  };
}

/**
 * A checked `mayBuy` request (a new object; the input is not kept).
 * @throws ParkRequestError naming the first bad field.
 */
export function parseBuyRequest(v: unknown): BuyRequest {
  const o = obj(v, '', ['person', 'proofs', 'at', 'productId']);
  const req: BuyRequest = {
    person: person(o.person, 'person'),
    proofs: arr(o.proofs, 'proofs', PROOF_KINDS.length * 2).map((p, i): ProofKind => oneOf(p, `proofs[${i}]`, PROOF_KINDS)),
    at: str(o.at, 'at'),
  };
  beijingDate(req.at, 'at');
  if (o.productId !== undefined) req.productId = id(o.productId, 'productId');
  return req;
}

function passRecord(v: unknown, field: string): PassRecord {
  const o = obj(v, field, ['productId', 'year', 'validFrom', 'validTo', 'status', 'eligibilityClass']);
  return {
    productId: id(o.productId, `${field}.productId`),
    year: int(o.year, `${field}.year`, 1900, 2199),
    validFrom: date(o.validFrom, `${field}.validFrom`),
    validTo: date(o.validTo, `${field}.validTo`),
    status: oneOf(o.status, `${field}.status`, PASS_STATUSES),
    eligibilityClass: id(o.eligibilityClass, `${field}.eligibilityClass`),
  };
}

/** The largest `entriesToday` accepted: far above any daily limit, small enough to be a count. */
export const MAX_ENTRIES_TODAY = 10_000;

/**
 * A checked `mayEnter` request (a new object).
 * @throws ParkRequestError naming the first bad field.
 */
export function parseEnterRequest(v: unknown): EnterRequest {
  const o = obj(v, '', ['pass', 'park', 'at', 'entriesToday', 'person']);
  const req: EnterRequest = {
    park: id(o.park, 'park'),
    at: str(o.at, 'at'),
    entriesToday: int(o.entriesToday, 'entriesToday', 0, MAX_ENTRIES_TODAY),
  };
  beijingDate(req.at, 'at');
  if (o.pass !== undefined) req.pass = passRecord(o.pass, 'pass');
  if (o.person !== undefined) req.person = person(o.person, 'person');
  if (req.pass === undefined && req.person === undefined) throw new ParkRequestError('pass', 'required when no person is given (nothing to decide on)');
  return req;
}
