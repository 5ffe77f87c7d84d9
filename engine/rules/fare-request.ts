/**
 * The fare request of issue 4, exactly as the CLI and the terminals send it, and its validation.
 *
 *   {"mode":"subway","cardType":"standard","entry":{"station":"土桥","at":"2024-03-05T06:55:00+08:00"},
 *    "exit":{"station":"国贸","at":"2024-03-05T07:40:00+08:00"},"distanceKm":17.2,
 *    "month":{"spentFen":9800,"rides":30}}
 *
 * Optional: `holderAge`; `distanceKm` (overrides the network distance; required for the bus);
 * `outsideCityKm` (bus); `entry.line` / `exit.line` (the line whose gates were used, to tell an
 * airport-line gate from the network's at a shared station); `month.period` (`YYYY-MM` of the
 * accumulators: when it differs from the ride's month they count from zero). A bus request
 * without `exit` is a ride with no tap-off. Unknown fields are refused (a typo such as
 * `distanceKM` must not be silently ignored).
 */
import { FareRequestError } from './errors.js';
import { CARD_TYPES, type CardType } from './tariff-types.js';
import { type BeijingTime, msBetween, parseOffsetDateTime } from './time.js';
import { showValue } from './show-value.js';

/** Where and when a trip began or ended. */
export interface TripPoint {
  /** Station (subway) or stop (bus) name. */
  station: string;
  /** ISO 8601 date-time with offset, e.g. `2024-03-05T06:55:00+08:00`. */
  at: string;
  /** Optional: the line whose gates were used. */
  line?: string;
}

/** The card's accumulators for this calendar month, before this ride. */
export interface MonthAccumulators {
  spentFen: number;
  rides: number;
  /** Optional `YYYY-MM` the accumulators belong to. */
  period?: string;
}

export type TravelMode = 'subway' | 'bus';

/** A fare request (issue 4). */
export interface FareRequest {
  mode: TravelMode;
  cardType: CardType;
  holderAge?: number;
  entry: TripPoint;
  /** Required for the subway; absent (or null) on the bus = no tap-off. */
  exit?: TripPoint | null;
  /** Kilometres; overrides the network distance (subway), required for the bus. */
  distanceKm?: number;
  /** Bus: kilometres of the trip outside the city limits. */
  outsideCityKm?: number;
  month: MonthAccumulators;
}

/** A validated request with its instants parsed. */
export interface ParsedRequest {
  req: FareRequest;
  mode: TravelMode;
  cardType: CardType;
  holderAge: number;
  entry: BeijingTime;
  exit: BeijingTime | undefined;
  /** Metres from `distanceKm`, or −1. */
  distanceM: number;
  /** Metres from `outsideCityKm`, or 0. */
  outsideM: number;
  spentFen: number;
  rides: number;
  /** yyyymm of `month.period`, or −1. */
  period: number;
}

// Known fields, as switch cases: for-in keys are internalised strings, so each case is a
// pointer comparison (a Set look-up per key cost a tenth of a quote).
function isTopField(k: string): boolean {
  switch (k) {
    case 'mode':
    case 'cardType':
    case 'holderAge':
    case 'entry':
    case 'exit':
    case 'distanceKm':
    case 'outsideCityKm':
    case 'month':
      return true;
    default:
      return false;
  }
}
function isPointField(k: string): boolean {
  return k === 'station' || k === 'at' || k === 'line';
}
function isMonthField(k: string): boolean {
  return k === 'spentFen' || k === 'rides' || k === 'period';
}
const TOP_FIELDS = 'mode, cardType, holderAge, entry, exit, distanceKm, outsideCityKm, month';
const POINT_FIELDS = 'station, at, line';
const MONTH_FIELDS = 'spentFen, rides, period';
/** Longest trip distance accepted, km. */
export const MAX_DISTANCE_KM = 10_000;
/** Largest month spend accepted, fen (the 1A record keeps 4 bytes). */
const MAX_SPENT_FEN = 0xffffffff;


function fail(field: string, detail: string): never {
  throw new FareRequestError(field, `"${field}" ${detail}`);
}

/**
 * Refuses a key `known` does not accept. `present` is how many known fields the caller found
 * defined: when the object has exactly that many keys there is nothing else to look at (counting
 * keys is cheaper than naming each; together with the switches this took the key check from 15 %
 * of a quote to 5 %).
 */
function checkKeys(o: object, present: number, known: (k: string) => boolean, allowed: string, prefix: string): void {
  let n = 0;
  for (const _ in o) n++;
  if (n === present) return;
  for (const k in o) {
    if (!known(k)) fail(prefix + k, `is not a field of a fare request (allowed here: ${allowed})`);
  }
}

const has = (v: unknown): number => (v !== undefined ? 1 : 0);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function point(v: unknown, name: 'entry' | 'exit'): BeijingTime {
  if (!isObject(v)) fail(name, `must be an object { station, at }, got ${showValue(v, 60)}`);
  checkKeys(v, has(v.station) + has(v.at) + has(v.line), isPointField, POINT_FIELDS, `${name}.`);
  const st = v.station;
  if (typeof st !== 'string' || st.trim().length === 0) fail(`${name}.station`, `must be a non-empty string, got ${showValue(st, 60)}`);
  if (v.line !== undefined && (typeof v.line !== 'string' || v.line.length === 0)) fail(`${name}.line`, `must be a non-empty string, got ${showValue(v.line, 60)}`);
  const t = parseOffsetDateTime(v.at);
  if (t === undefined) fail(`${name}.at`, `is not an ISO 8601 date-time with offset (e.g. 2024-03-05T06:55:00+08:00): ${showValue(v.at, 60)}`);
  return t;
}

function km(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_DISTANCE_KM) fail(field, `must be a number of km in [0, ${MAX_DISTANCE_KM}], got ${showValue(v, 60)}`);
  return Math.round(v * 1000);
}

/**
 * Validates a request (any JSON value) and parses its instants.
 * @throws FareRequestError naming the first bad field.
 */
export function parseFareRequest(input: unknown): ParsedRequest {
  if (!isObject(input)) fail('request', `must be a JSON object, got ${showValue(input, 60)}`);
  const r = input;
  checkKeys(r, has(r.mode) + has(r.cardType) + has(r.holderAge) + has(r.entry) + has(r.exit) + has(r.distanceKm) + has(r.outsideCityKm) + has(r.month), isTopField, TOP_FIELDS, '');
  const mode = r.mode;
  if (mode !== 'subway' && mode !== 'bus') fail('mode', `must be "subway" or "bus", got ${showValue(mode, 60)}`);
  const cardType = r.cardType;
  if (cardType !== 'standard' && cardType !== 'student' && cardType !== 'senior') fail('cardType', `must be one of ${CARD_TYPES.map((c) => `"${c}"`).join(', ')}, got ${showValue(cardType, 60)}`);
  let holderAge = -1;
  if (r.holderAge !== undefined) {
    const a = r.holderAge;
    if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a > 150) fail('holderAge', `must be a whole number of years in [0, 150], got ${showValue(a, 60)}`);
    holderAge = a;
  }
  const entry = point(r.entry, 'entry');
  let exit: BeijingTime | undefined;
  if (r.exit !== undefined && r.exit !== null) {
    exit = point(r.exit, 'exit');
    if (msBetween(entry, exit) < 0) fail('exit.at', `is before "entry.at" (${(r.exit as TripPoint).at} < ${(r.entry as TripPoint).at})`);
  } else if (mode === 'subway') {
    fail('exit', 'is required for a subway trip (the fare is charged at the exit gate)');
  }
  const distanceM = r.distanceKm === undefined ? -1 : km('distanceKm', r.distanceKm);
  let outsideM = 0;
  if (r.outsideCityKm !== undefined) {
    if (mode !== 'bus') fail('outsideCityKm', 'is only for bus trips');
    outsideM = km('outsideCityKm', r.outsideCityKm);
  }
  if (mode === 'bus') {
    if (distanceM < 0) fail('distanceKm', 'is required for a bus trip (from the boarding stop to the alighting stop, or to the farther terminus without a tap-off)');
    if (outsideM > distanceM) fail('outsideCityKm', `(${r.outsideCityKm as number}) exceeds "distanceKm" (${r.distanceKm as number})`);
  }
  const m = r.month;
  if (!isObject(m)) fail('month', `must be an object { spentFen, rides }, got ${showValue(m, 60)}`);
  checkKeys(m, has(m.spentFen) + has(m.rides) + has(m.period), isMonthField, MONTH_FIELDS, 'month.');
  const spentFen = m.spentFen;
  if (typeof spentFen !== 'number' || !Number.isSafeInteger(spentFen) || spentFen < 0 || spentFen > MAX_SPENT_FEN) fail('month.spentFen', `must be a whole number of fen in [0, ${MAX_SPENT_FEN}], got ${showValue(spentFen, 60)}`);
  const rides = m.rides;
  if (typeof rides !== 'number' || !Number.isSafeInteger(rides) || rides < 0 || rides > 0xffffffff) fail('month.rides', `must be a whole number ≥ 0, got ${showValue(rides, 60)}`);
  let period = -1;
  if (m.period !== undefined) {
    const p = m.period;
    const ok = typeof p === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(p);
    if (!ok) fail('month.period', `must be a month YYYY-MM, got ${showValue(p, 60)}`);
    period = Number((p as string).slice(0, 4)) * 100 + Number((p as string).slice(5, 7));
  }
  return { req: r as unknown as FareRequest, mode, cardType, holderAge, entry, exit, distanceM, outsideM, spentFen, rides, period };
}
