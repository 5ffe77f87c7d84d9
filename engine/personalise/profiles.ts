/**
 * Card profiles: what a card of each kind carries at issue. Data, not code: a new profile is a
 * new entry. Card type bytes follow DOMAIN.md §3 [P]: 01 standard, 02 student (中小幼),
 * 03 senior (65+), 04 preferential.
 */

export type PurseAlgorithm = '3des' | 'sm4';

export interface CardProfile {
  readonly id: string;
  readonly description: string;
  /** Card type byte of EF 0015 / EF 0017. */
  readonly cardType: number;
  /** City code of EF 0017, BCD (Beijing 1000 [P]). */
  readonly cityCode: string;
  /** Issuer identifier of EF 0015 (8 bytes, hex) [P]. */
  readonly issuerId: string;
  /** Maximum purse balance in fen ([S]: 1000 yuan). */
  readonly maxBalanceFen: number;
  /** Validity of the transit application from the issue date, in years [P]. */
  readonly validityYears: number;
  /** Deposit byte of EF 0015 (yuan) [P]: third-generation cards carry no deposit. */
  readonly depositYuan: number;
}

const BEIJING = {
  cityCode: '1000',
  issuerId: '1000100000000000',
  maxBalanceFen: 100_000,
  validityYears: 10,
  depositYuan: 0,
} as const;

export const PROFILES: Readonly<Record<string, CardProfile>> = Object.freeze({
  'beijing-standard': { id: 'beijing-standard', description: 'Beijing third-generation social security card, standard holder', cardType: 0x01, ...BEIJING },
  'beijing-student': { id: 'beijing-student', description: 'Beijing card, student (中小幼) holder', cardType: 0x02, ...BEIJING },
  'beijing-senior': { id: 'beijing-senior', description: 'Beijing card, senior (65+) holder', cardType: 0x03, ...BEIJING },
  'beijing-preferential': { id: 'beijing-preferential', description: 'Beijing card, preferential holder', cardType: 0x04, ...BEIJING },
});

/** @throws RangeError naming the known profiles. */
export function getProfile(id: string): CardProfile {
  const p = PROFILES[id];
  if (!p) throw new RangeError(`unknown card profile "${id}"; known: ${Object.keys(PROFILES).join(', ')}`);
  return p;
}
