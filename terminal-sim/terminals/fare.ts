/**
 * The fare a rail exit gate charges, as a pluggable function of the trip: entry and exit
 * (station, time), the holder's card type, the month accumulators (Beijing's monthly spend
 * discounts) and the over-time flag of the 4-hour rule. {@link flatFare} is the placeholder;
 * ./beijing-fare.ts plugs in the Beijing fare engine.
 */
import { aint } from '../../crypto/utils.js';

export interface TripEnd {
  line: number;
  station: number;
  /** 6 bytes hex. */
  device: string;
  /** YYYYMMDDhhmmss Beijing. */
  dateTime: string;
}

export interface FareInput {
  /** DOMAIN.md §3 [P]: 01 standard, 02 student, 03 senior, 04 preferential. */
  cardType: number;
  entry: TripEnd & { city: string };
  exit: TripEnd & { city: string };
  /** Whole minutes from entry to exit (0 when the clock went backwards). */
  durationMinutes: number;
  /** The trip exceeded the gate's time limit (4 hours by default). */
  overtime: boolean;
  /** This month's accumulators before this ride, reset to zero when the month changed. */
  month: { yyyymm: string; spendFen: number; rides: number };
}

export interface FareResult {
  /** What the card is charged, after discounts. */
  fareFen: number;
  /** The fare before discounts (stored in the 1A record). */
  baseFareFen: number;
  /**
   * The month accumulators after this ride, when the fare function keeps them (the Beijing
   * engine does: airport lines do not count toward the month); without it the gate adds the fare
   * and one ride.
   */
  month?: { spendFen: number; rides: number };
  /**
   * Whether the fare includes the over-time charge, when the fare function judges it itself: the
   * Beijing engine counts the trip to the second (4 h 0 min 30 s is over), where the gate's own
   * `overtime` input counts whole minutes. The gate reports this one when it is given.
   */
  overtime?: boolean;
}

/**
 * The fare function cannot price this trip (a station code outside its directory, a date
 * without a tariff or outside the working-day calendar, no route…): the gate refuses the exit
 * with reason 'fare-error' and charges nothing. Any other throw is a bug and propagates.
 */
export class FareError extends Error {
  override name = 'FareError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type FareFunction = (input: FareInput) => FareResult;

/**
 * A flat fare (placeholder): `fareFen` for every trip, plus `overtimeSurchargeFen` when the trip
 * ran over the time limit [U: the real over-time rule is the fare engine's].
 * @throws TypeError / RangeError for a negative or non-integer amount.
 */
export function flatFare(opts: { fareFen?: number; overtimeSurchargeFen?: number } = {}): FareFunction {
  const fare = aint('fareFen', opts.fareFen ?? 300, 0, 0xffffffff);
  const surcharge = aint('overtimeSurchargeFen', opts.overtimeSurchargeFen ?? 300, 0, 0xffffffff);
  return (input) => {
    const fareFen = fare + (input.overtime ? surcharge : 0);
    return { fareFen, baseFareFen: fareFen };
  };
}

/** Checks a fare function's answer. @throws RangeError naming the bad field. */
export function checkFare(r: FareResult): FareResult {
  if (typeof r !== 'object' || r === null) throw new TypeError('fare function: expected { fareFen, baseFareFen }');
  aint('fare.fareFen', r.fareFen, 0, 0xffffffff);
  aint('fare.baseFareFen', r.baseFareFen, 0, 0xffffffff);
  if (r.month !== undefined) {
    if (typeof r.month !== 'object' || r.month === null) throw new TypeError('"fare.month" expected { spendFen, rides }');
    aint('fare.month.spendFen', r.month.spendFen, 0, 0xffffffff);
    aint('fare.month.rides', r.month.rides, 0, 0xffff);
  }
  if (r.overtime !== undefined && typeof r.overtime !== 'boolean') throw new TypeError(`"fare.overtime" expected a boolean, got ${typeof r.overtime}`);
  return r;
}
