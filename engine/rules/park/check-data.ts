/**
 * Checks a park data set before it is used (shipped data in tests; a data file a user loads):
 * unique ids, calendar dates, windows that run forward, coverage and classes that refer to
 * defined parks and classes, integer prices. Errors name the path of the bad datum.
 */
import { date, ParkRequestError } from './_support.js';
import { PROOF_KINDS, RESIDENCIES, type Confidence, type ParkData } from './types.js';

const CONFIDENCES: readonly Confidence[] = ['V', 'S', 'U', 'P'];

function fail(path: string, problem: string, type = false): never {
  const msg = `park data ${path}: ${problem}`;
  throw type ? new TypeError(msg) : new RangeError(msg);
}

function checkDate(v: string, path: string): void {
  try {
    date(v, path);
  } catch (e) {
    if (e instanceof ParkRequestError) fail(path, e.problem);
    throw e;
  }
}

function unique(ids: readonly string[], path: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) fail(path, `duplicate id "${id}"`);
    seen.add(id);
  }
}

/**
 * @returns `data`, unchanged, when it is consistent.
 * @throws TypeError for a reference to something undefined; RangeError for a bad value.
 */
export function checkParkData(data: ParkData): ParkData {
  if (!/^[\w.-]{1,64}$/.test(data.version)) fail('version', `expected 1 to 64 word characters, got ${JSON.stringify(data.version)}`);
  unique(data.parks.map((p) => p.id), 'parks');
  unique(data.eligibilityClasses.map((c) => c.id), 'eligibilityClasses');
  unique(data.products.map((p) => p.id), 'products');
  const conf = (c: Confidence, path: string) => void (CONFIDENCES.includes(c) || fail(`${path}.confidence`, `expected V, S, U or P, got ${JSON.stringify(c)}`));
  data.parks.forEach((p, i) => conf(p.confidence, `parks[${i}]`));
  data.eligibilityClasses.forEach((c, i) => {
    const at = `eligibilityClasses[${i}]`;
    conf(c.confidence, at);
    if (c.residencies.length === 0 || c.residencies.some((r) => !RESIDENCIES.includes(r))) fail(`${at}.residencies`, 'expected a non-empty list of known residencies');
    if (c.proofs.length === 0 || c.proofs.some((s) => s.length === 0 || s.some((p) => !PROOF_KINDS.includes(p)))) fail(`${at}.proofs`, 'expected non-empty sets of known proofs');
  });
  data.products.forEach((p, i) => {
    const at = `products[${i}]`;
    conf(p.confidence, at);
    if (!Number.isSafeInteger(p.priceFen) || p.priceFen < 0) fail(`${at}.priceFen`, `expected a non-negative integer, got ${p.priceFen}`);
    if (!Number.isSafeInteger(p.year)) fail(`${at}.year`, `expected an integer, got ${p.year}`);
    for (const w of ['sale', 'validity'] as const) {
      checkDate(p[w].from, `${at}.${w}.from`);
      checkDate(p[w].to, `${at}.${w}.to`);
      if (p[w].from > p[w].to) fail(`${at}.${w}`, `runs backwards: ${p[w].from} to ${p[w].to}`);
    }
    for (const c of p.eligibilityClasses) if (!data.eligibilityClasses.some((k) => k.id === c)) fail(`${at}.eligibilityClasses`, `class "${c}" is not defined`, true);
    unique(p.coverage.map((c) => c.parkId), `${at}.coverage`);
    p.coverage.forEach((c, j) => {
      if (!data.parks.some((k) => k.id === c.parkId)) fail(`${at}.coverage[${j}]`, `park "${c.parkId}" is not in the registry`, true);
      if (c.maxEntriesPerDay !== null && (!Number.isSafeInteger(c.maxEntriesPerDay) || c.maxEntriesPerDay < 1)) fail(`${at}.coverage[${j}].maxEntriesPerDay`, `expected a positive integer or null, got ${c.maxEntriesPerDay}`);
      conf(c.confidence, `${at}.coverage[${j}]`);
    });
  });
  data.seniorFreeEntry.forEach((r, i) => {
    const at = `seniorFreeEntry[${i}]`;
    checkDate(r.effectiveFrom, `${at}.effectiveFrom`);
    if (r.effectiveTo !== null) checkDate(r.effectiveTo, `${at}.effectiveTo`);
    if (!Number.isSafeInteger(r.minAge) || r.minAge < 0) fail(`${at}.minAge`, `expected a non-negative integer, got ${r.minAge}`);
    conf(r.confidence, at);
  });
  return data;
}
