/**
 * The 2026 park annual pass (2026年北京公园年票), DOMAIN.md §6 [S]: 100 yuan, sold 15 December
 * 2025 – 15 January 2026, valid 1 January 2026 – 31 January 2027, 16 parks.
 * The limit of one entry per park per day is [U] (a common pass rule, not sourced for 2026).
 */
import type { ParkPassProduct } from '../types.js';
import { PARKS } from './parks.js';

export const PARK_PASS_2026: ParkPassProduct = {
  id: 'bj-park-pass-2026',
  name: { en: 'Beijing Park Annual Pass 2026', zh: '2026年北京公园年票' },
  year: 2026,
  priceFen: 10_000,
  sale: { from: '2025-12-15', to: '2026-01-15' },
  validity: { from: '2026-01-01', to: '2027-01-31' },
  eligibilityClasses: ['beijing-resident', 'residence-permit-holder', 'insured-in-beijing'],
  coverage: PARKS.map((p) => ({ parkId: p.id, maxEntriesPerDay: 1, confidence: 'U' as const })),
  confidence: 'S',
  source: 'DOMAIN.md §6 [S]; park list see parks.ts ([S] 12, [U] 4); daily limit [U]',
};
