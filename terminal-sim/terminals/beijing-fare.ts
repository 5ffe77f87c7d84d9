/**
 * Beijing fares at the terminals: the engine's quoteFare (engine/rules, DOMAIN.md §5) behind the
 * gate's {@link FareFunction}, and the bus validator's {@link BusFareFunction}.
 *
 *   const gate = new Gate({ …, fare: beijingFare() });          // sample network, shipped tariffs
 *   beijingFare({ context: defaultFareContext({ network: loadNetwork(json) }) });
 *
 * Mapping of the gate's FareInput to the engine's request:
 * - card type byte of EF 0015 (DOMAIN.md §3 [P]): 01 standard, 02 student, 03 senior,
 *   04 preferential → priced as standard [U: no source says what 04 pays]; any other byte is a
 *   FareError (card data);
 * - entry / exit codes → station names and line names through a {@link StationDirectory} (ssc3
 *   profile [P]); the line is passed on (it tells an airport-line gate from the network's at a
 *   shared station);
 * - `YYYYMMDDhhmmss` (Beijing) → `YYYY-MM-DDThh:mm:ss+08:00`;
 * - month → `{ spentFen: spendFen, rides, period: 'YYYY-MM' }` (the gate already restarts the
 *   accumulators in a new month); the decision's month goes back into the 1A record;
 * - the gate's `overtime` flag is ignored: the engine applies its own over-time rule (more than
 *   240 minutes, to the second, adds the starting fare once, after the discounts). The gate's
 *   outcome still reports its own flag (whole minutes over its limit).
 *
 * Quotes use `{ explain: false }` unless the caller asks (`explain`, `onDecision`). What the engine cannot price (unknown code, unknown station,
 * no tariff for the date, a day outside the working-day calendar, no route) becomes a
 * {@link FareError}: the gate refuses with 'fare-error' and charges nothing.
 */
import {
  CalendarCoverageError,
  defaultFareContext,
  FareRequestError,
  NoRouteError,
  quoteFare,
  UnknownStationError,
  type CardType,
  type FareContext,
  type FareDecision,
  type FareRequest,
} from '../../engine/rules/index.js';
import { StationDirectory, UnknownStationCodeError } from '../transit/station-directory.js';
import { FareError, type FareFunction, type FareResult } from './fare.js';

/** EF 0015 card type byte → the engine's card type (04 preferential priced as standard [U]). */
export function engineCardType(cardType: number): CardType {
  switch (cardType) {
    case 0x01:
    case 0x04:
      return 'standard';
    case 0x02:
      return 'student';
    case 0x03:
      return 'senior';
    default:
      throw new FareError(`card type ${cardType.toString(16).padStart(2, '0')} has no fare (01 standard, 02 student, 03 senior, 04 preferential)`);
  }
}

/** `YYYYMMDDhhmmss` (Beijing) → ISO 8601 with +08:00. */
export function beijingIso(digits: string): string {
  if (!/^\d{14}$/.test(digits)) throw new FareError(`date-time ${JSON.stringify(digits)} is not YYYYMMDDhhmmss`);
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}T${digits.slice(8, 10)}:${digits.slice(10, 12)}:${digits.slice(12, 14)}+08:00`;
}

/** Runs a quote, turning what the engine cannot price into a FareError. */
function quote(request: FareRequest, context: FareContext, opts: FareHookOptions = {}): FareDecision {
  try {
    const d = quoteFare(request, context, { explain: opts.explain === true });
    opts.onDecision?.(d);
    return d;
  } catch (e) {
    if (e instanceof FareRequestError || e instanceof CalendarCoverageError || e instanceof UnknownStationError || e instanceof NoRouteError) {
      throw new FareError(`fare engine: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

function result(d: FareDecision): FareResult {
  return { fareFen: d.fareFen, baseFareFen: d.baseFareFen, month: { spendFen: d.month.spentFen, rides: d.month.rides }, overtime: d.overtime };
}

/** For callers that show the engine's reasoning (the HTTP API's tap answers). */
export interface FareHookOptions {
  /** Quote with steps and route (default false: the gate needs only the amounts). */
  explain?: boolean;
  /** Called with every decision the function returns a fare from. */
  onDecision?: (decision: FareDecision) => void;
}

export interface BeijingFareOptions extends FareHookOptions {
  /** Tariffs, network and calendar; default defaultFareContext() (the sample network). */
  context?: FareContext;
  /** Code table; default StationDirectory.fromNetwork(context.network). */
  directory?: StationDirectory;
}

/**
 * The gate's fare function priced by the Beijing fare engine (see the module comment).
 * @throws RangeError when neither a directory nor a network (to build one from) is given.
 */
export function beijingFare(opts: BeijingFareOptions = {}): FareFunction {
  const context = opts.context ?? defaultFareContext();
  const network = context.network;
  if (!opts.directory && !network) throw new RangeError('"directory" expected when the fare context has no network');
  const directory = opts.directory ?? StationDirectory.fromNetwork(network!);
  const name = (line: number, station: number) => {
    try {
      return directory.name({ line, station });
    } catch (e) {
      if (e instanceof UnknownStationCodeError) throw new FareError(e.message, { cause: e });
      throw e;
    }
  };
  return (input) => {
    const entry = name(input.entry.line, input.entry.station);
    const exit = name(input.exit.line, input.exit.station);
    const m = input.month.yyyymm;
    return result(
      quote(
        {
          mode: 'subway',
          cardType: engineCardType(input.cardType),
          entry: { station: entry.station, line: entry.line, at: beijingIso(input.entry.dateTime) },
          exit: { station: exit.station, line: exit.line, at: beijingIso(input.exit.dateTime) },
          month: { spentFen: input.month.spendFen, rides: input.month.rides, period: `${m.slice(0, 4)}-${m.slice(4, 6)}` },
        },
        context,
        opts,
      ),
    );
  };
}

/** What the bus validator knows of a ride when it charges it. */
export interface BusFareInput {
  /** EF 0015 card type byte. */
  cardType: number;
  /** Boarding stop name (for the engine's request and its messages) and time `YYYYMMDDhhmmss`. */
  boarding: { stop: string; dateTime: string };
  /** Alighting stop and time; null for a ride without tap-off (charged at the next tap-on). */
  alighting: { stop: string; dateTime: string } | null;
  /** Kilometres ridden (without tap-off: boarding stop to the farther terminus). */
  distanceKm: number;
  /** Kilometres of that outside the city limits. */
  outsideCityKm: number;
  /** The bus record's month accumulators before this ride. */
  month: { yyyymm: string; spendFen: number; rides: number };
}

export type BusFareFunction = (input: BusFareInput) => FareResult;

/**
 * The bus validator's fare priced by the engine's bus tariff (mode 'bus'): base fare by
 * distance, card discount inside / outside the city limits; without a tap-off the fare to the
 * farther terminus, undiscounted.
 */
export function beijingBusFare(opts: { context?: FareContext } & FareHookOptions = {}): BusFareFunction {
  const context = opts.context ?? defaultFareContext({ network: null });
  return (input) => {
    const m = input.month.yyyymm;
    return result(
      quote(
        {
          mode: 'bus',
          cardType: engineCardType(input.cardType),
          entry: { station: input.boarding.stop, at: beijingIso(input.boarding.dateTime) },
          exit: input.alighting ? { station: input.alighting.stop, at: beijingIso(input.alighting.dateTime) } : null,
          distanceKm: input.distanceKm,
          ...(input.outsideCityKm > 0 ? { outsideCityKm: input.outsideCityKm } : {}),
          month: { spentFen: input.month.spendFen, rides: input.month.rides, period: `${m.slice(0, 4)}-${m.slice(4, 6)}` },
        },
        context,
        opts,
      ),
    );
  };
}
