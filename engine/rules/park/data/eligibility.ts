/**
 * Who may buy a park pass and what they must show, and who enters free without one
 * (DOMAIN.md §6).
 *
 * Confidence:
 *   - That a buyer must show proof of eligibility at the sale point is [S] (DOMAIN.md §6).
 *   - The classes and documents below are ours: `beijing-resident` [P]; the two classes for
 *     people without Beijing household registration are [U] (one blog says the pass is sold to
 *     anyone; the card is a Beijing social security card, so its holders are the likely buyers).
 *   - Residents 60+ enter municipal parks free without a pass [S] (DOMAIN.md §6; a secondary page:
 *     "北京的老年卡可以免费逛市属公园"). Whether residence-permit holders count as residents here
 *     is [U]: they are left out until sourced.
 */
import type { EligibilityClass, SeniorFreeEntryRule } from '../types.js';

export const ELIGIBILITY_CLASSES: readonly EligibilityClass[] = [
  {
    id: 'beijing-resident',
    name: { en: 'Beijing resident', zh: '本市户籍居民' },
    residencies: ['beijing'],
    proofs: [['id-card'], ['household-register']],
    confidence: 'P',
    note: 'Beijing household registration shown by the ID card or the household register',
  },
  {
    id: 'residence-permit-holder',
    name: { en: 'Beijing residence-permit holder', zh: '持北京市居住证人员' },
    residencies: ['beijing-permit'],
    proofs: [['residence-permit']],
    confidence: 'U',
  },
  {
    id: 'insured-in-beijing',
    name: { en: 'Insured in Beijing (social security card)', zh: '在京参保人员（社保卡）' },
    residencies: ['beijing-permit', 'other'],
    proofs: [['social-security-card', 'id-card']],
    confidence: 'U',
  },
];

export const SENIOR_FREE_ENTRY: readonly SeniorFreeEntryRule[] = [
  {
    id: 'bj-senior-free-municipal-parks',
    effectiveFrom: '2000-01-01',
    effectiveTo: null,
    minAge: 60,
    residencies: ['beijing'],
    parkKinds: ['municipal'],
    confidence: 'S',
    note: 'age 60 and municipal parks [S]; the start date is a placeholder [U]; residence-permit holders left out [U]',
  },
];
