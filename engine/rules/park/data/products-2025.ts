/**
 * The 2025 park annual pass — [U] entirely: assumed to follow the 2026 terms one year earlier
 * (100 yuan, sold 15 December 2024 – 15 January 2025, valid 1 January 2025 – 31 January 2026,
 * the same 16 parks). It is here so that a 2025 pass met at a gate in January 2026, when both
 * years' passes are valid, is decided from data; replace it with sourced terms.
 */
import type { ParkPassProduct } from '../types.js';
import { PARKS } from './parks.js';

export const PARK_PASS_2025: ParkPassProduct = {
  id: 'bj-park-pass-2025',
  name: { en: 'Beijing Park Annual Pass 2025', zh: '2025年北京公园年票' },
  year: 2025,
  priceFen: 10_000,
  sale: { from: '2024-12-15', to: '2025-01-15' },
  validity: { from: '2025-01-01', to: '2026-01-31' },
  eligibilityClasses: ['beijing-resident', 'residence-permit-holder', 'insured-in-beijing'],
  coverage: PARKS.map((p) => ({ parkId: p.id, maxEntriesPerDay: 1, confidence: 'U' as const })),
  confidence: 'U',
  source: 'assumed from the 2026 terms [U]',
};
