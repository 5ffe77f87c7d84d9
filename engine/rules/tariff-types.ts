/**
 * The shape of tariff documents: Beijing's fare rules as dated data (a fare change is a new
 * document, not a code change). Each document has an `id`, the dates it is in force and, per
 * rule, how sure we are of it (`marks`, DOMAIN.md's [V]/[S]/[U]/[P]). compileTariffs()
 * (tariff-compile.ts) validates documents of these shapes, naming the path of any bad field, and
 * precompiles them for quoting.
 *
 * Amounts are integer fen, rates integer per-mille (800 = pay 80 %), distances integer metres.
 */
import type { RoundingMode } from './money.js';

/** DOMAIN.md's confidence marks: verified, secondary source, unconfirmed, project profile. */
export type Confidence = 'V' | 'S' | 'U' | 'P';

/** How sure a rule is and why: `{ mark: 'S', note: '…' }`. */
export interface Mark {
  mark: Confidence;
  note: string;
}

/** The card types of a fare request. */
export type CardType = 'standard' | 'student' | 'senior';
export const CARD_TYPES: readonly CardType[] = ['standard', 'student', 'senior'];

/** Dates a document is in force, inclusive, `YYYY-MM-DD`; `to: null` = until replaced. */
export interface Effective {
  from: string;
  to: string | null;
}

/** Before banding, a distance in metres is rounded to a multiple of `unitM` with `mode`. */
export interface DistanceRounding {
  unitM: number;
  mode: RoundingMode;
}

/** A distance band: fares up to `upToM` metres (inclusive, after rounding); `null` = no limit. */
export interface Band {
  upToM: number | null;
  fareFen: number;
}

/** Beyond the last band: `addFen` more for every `stepM` metres or part of it. */
export interface Beyond {
  stepM: number;
  addFen: number;
}

/** A fare by distance. */
export interface DistanceFare {
  basis: 'distance';
  distance: DistanceRounding;
  /** Increasing `upToM`; only the last may be `null` (then `beyond` must be absent). */
  bands: Band[];
  beyond?: Beyond;
}

/** One fare whatever the distance. */
export interface FlatFare {
  basis: 'flat';
  fareFen: number;
}

export type FareTable = DistanceFare | FlatFare;

/** An English and a Chinese name. */
export interface Names {
  en: string;
  zh: string;
}

/** What a card type gets on the subway. */
export interface SubwayCardRule {
  /** Share of the fare paid, per mille, before the monthly tier (1000 = full fare). */
  rateMille: number;
  /** Whether the monthly cumulative tiers apply. */
  monthlyTier: boolean;
  /** Whether the off-peak discount applies. */
  offPeak: boolean;
}

/** The 4-hour rule: what a trip longer than `minutes` in the paid area pays on top. */
export type OvertimeRule =
  | { rule: 'none' }
  /** The network's starting fare (its first band) again, undiscounted. */
  | { rule: 'add-start-fare' }
  /** A fixed amount, undiscounted. */
  | { rule: 'add-fixed'; amountFen: number };

/** One threshold of the monthly cumulative discount. */
export interface MonthlyTier {
  /** From this much rail spend this month (before the ride) … */
  fromFen: number;
  /** … the ride pays this share, per mille. */
  rateMille: number;
}

/**
 * A line with its own fare (airport lines, the Xijiao tram). With `separatePaidArea`, reaching it
 * from the rest of the network means leaving through gates: a trip is then either wholly on it or
 * wholly off it, and each is quoted on its own.
 */
export interface SpecialLine {
  id: string;
  names: Names;
  /** Line names as in the network file. */
  lines: string[];
  separatePaidArea: boolean;
  fare: FareTable;
  /** Whether the monthly tier discounts this line's fare. */
  monthlyTier: boolean;
  /** Whether this line's spend and rides count toward the month's accumulators. */
  countsTowardMonth: boolean;
  /** Whether an off-peak entry gets its discount when the trip is on this line. */
  offPeak: boolean;
  /** Whether the 4-hour rule applies. */
  timeLimit: boolean;
}

interface DocBase {
  id: string;
  title: string;
  titleZh: string;
  effective: Effective;
  /** Where the numbers come from. */
  sources: string[];
  /** Confidence per rule, keyed by field name. */
  marks: Record<string, Mark>;
}

/** Subway fares: the network's distance fare, special lines, time limit, monthly tiers. */
export interface SubwayTariff extends DocBase {
  kind: 'subway';
  rounding: RoundingMode;
  /** The fare of the network (every line not in `specialLines`). */
  network: FareTable;
  networkNames: Names;
  specialLines: SpecialLine[];
  /** At most `minutes` in the paid area; `null` = no limit. */
  timeLimit: { minutes: number; overtime: OvertimeRule } | null;
  /** Increasing `fromFen`; empty = no monthly discount. */
  monthlyTiers: MonthlyTier[];
  cardTypes: Record<CardType, SubwayCardRule>;
  /** Senior benefits need this age when the request gives `holderAge`; `null` = no age rule. */
  seniorMinAge: number | null;
  /** Whether a holder of `seniorMinAge`+ gets senior benefits on any card type. */
  seniorByAge: boolean;
}

/** The off-peak discount: workday entries at listed stations up to a time of day. */
export interface OffPeakScheme extends DocBase {
  kind: 'subway-off-peak';
  /** Share paid, per mille, multiplied onto the monthly tier (700 = 30 % off). */
  rateMille: number;
  /** Entries at or before this local time (`hh:mm`, compared to the minute) qualify. */
  entryUntil: string;
  /** Only working days of the calendar (make-up working days included). */
  days: 'workdays';
  /** Entry stations, by name as in the network file. */
  stations: string[];
}

/** What a card type pays on the bus. */
export interface BusCardRule {
  /** Share of the fare paid inside the city limits, per mille. */
  rateMille: number;
  /** Share paid for the part of the trip outside the city limits, per mille. */
  outsideCityRateMille: number;
}

/** Bus fares: distance bands, card discounts, the missing tap-off rule. */
export interface BusTariff extends DocBase {
  kind: 'bus';
  rounding: RoundingMode;
  fare: DistanceFare;
  cardTypes: Record<CardType, BusCardRule>;
  /**
   * How a trip partly outside the city limits is split between the two rates:
   * `outside-first` — the outside kilometres are priced first (their own band fare), the rest
   * of the fare is inside; `pro-rata` — the fare is split by kilometres.
   */
  outsideCitySplit: 'outside-first' | 'pro-rata';
  seniorMinAge: number | null;
  seniorByAge: boolean;
  /** A ride with no tap-off: charged from the boarding stop to the farther terminus. */
  missingTapOff: {
    /** Whether the card discount still applies (DOMAIN.md §5 [S]: no). */
    discounted: boolean;
    /** Whether a card type that rides free (rate 0) still rides free. */
    freeStaysFree: boolean;
  };
  /** Whether bus rides update the month's accumulators (the bus record keeps its own). */
  countsTowardMonth: boolean;
}

export type TariffDoc = SubwayTariff | OffPeakScheme | BusTariff;
export type TariffKind = TariffDoc['kind'];
export const TARIFF_KINDS: readonly TariffKind[] = ['subway', 'subway-off-peak', 'bus'];
