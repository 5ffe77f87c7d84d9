/**
 * The park data set the rules decide from by default. A change of parks, prices, windows or
 * limits is a new data file and a new `version` here, not a code change.
 */
import type { ParkData } from '../types.js';
import { ELIGIBILITY_CLASSES, SENIOR_FREE_ENTRY } from './eligibility.js';
import { PARKS } from './parks.js';
import { PARK_PASS_2025 } from './products-2025.js';
import { PARK_PASS_2026 } from './products-2026.js';

export const PARK_DATA: ParkData = {
  version: 'bj-park-2026.1',
  parks: PARKS,
  eligibilityClasses: ELIGIBILITY_CLASSES,
  products: [PARK_PASS_2025, PARK_PASS_2026],
  seniorFreeEntry: SENIOR_FREE_ENTRY,
};
