/**
 * Park annual pass rules (公园年票, DOMAIN.md §6): dated products as data, and the pure decisions
 * `mayBuy` and `mayEnter`, each explained step by step in English and Chinese.
 *
 *   mayBuy({ person: { birthDate: '1980-05-01', residency: 'beijing' }, proofs: ['id-card'],
 *            at: '2025-12-20T10:00:00+08:00' })         // → { allowed: true, priceFen: 10000, … }
 *   mayEnter({ pass, park: 'summer-palace', at: '2026-03-01', entriesToday: 0 })
 */
export { mayBuy, mayEnter } from './decide.js';
export { parseBuyRequest, parseEnterRequest, MAX_ENTRIES_TODAY } from './request.js';
export { checkParkData } from './check-data.js';
export { ParkRequestError } from './_support.js';
export { PARK_DATA } from './data/index.js';
export { PARKS } from './data/parks.js';
export { ELIGIBILITY_CLASSES, SENIOR_FREE_ENTRY } from './data/eligibility.js';
export { PARK_PASS_2025 } from './data/products-2025.js';
export { PARK_PASS_2026 } from './data/products-2026.js';
export { PASS_STATUSES, PROOF_KINDS, RESIDENCIES } from './types.js';
export type * from './types.js';
