/**
 * Medical claim settlement (Beijing employee medical insurance, DOMAIN.md §7) over dated policy
 * tables. The shipped tables are UNCONFIRMED SAMPLE DATA; every table and every decision carries
 * `sampleData: true` and a notice saying so.
 *
 *   settleClaim({ person: { category: 'employee', age: 40 },
 *                 visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2024-09-02' },
 *                 items: [{ class: 'A', amountFen: 250000 }], personalAccountBalanceFen: 0 })
 *   // → { totalFen: 250000, fundPaysFen: 49000, cashFen: 201000, …, policy: 'bj-employee-sample-2024-08', sampleData: true }
 */
export { settleClaim } from './settle.js';
export { parseClaim, MAX_CLAIM_FEN, MAX_ITEMS, MAX_YTD_FEN } from './request.js';
export type { CheckedClaim } from './request.js';
export { policyOn, requirePolicy, checkMedicalPolicies } from './policies.js';
export { ClaimRequestError, mulBpHalfUp, BP_ONE } from './_support.js';
export { MEDICAL_POLICIES, SAMPLE_NOTICE, BJ_EMPLOYEE_SAMPLE_2022, BJ_EMPLOYEE_SAMPLE_2023, BJ_EMPLOYEE_SAMPLE_2024_08 } from './data/beijing-employee-sample.js';
export { HOSPITAL_TIERS, ITEM_CLASSES, PATIENT_SHARE_KINDS, PERSON_CATEGORIES, PERSONAL_ACCOUNT_OWNERS, VISIT_KINDS } from './types.js';
export type * from './types.js';
