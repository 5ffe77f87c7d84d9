/**
 * Dates and times for the fare rules, without a clock and without the host's time zone.
 *
 * A trip's instants come in as ISO 8601 date-times with an explicit offset
 * (`2024-03-05T06:55:00+08:00`, `…Z`); Beijing local time is UTC+8 all year (no daylight saving
 * since 1991), so the local date and time of day follow by integer arithmetic. Civil-date
 * arithmetic is Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
 */

/** Beijing's offset from UTC, seconds. */
export const BEIJING_OFFSET_SEC = 8 * 3600;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  if (yy >= 0 && yy < 100_000) {
    // Integer truncation is floor here (every operand is non-negative): the hot path of quotes.
    const era = (yy / 400) | 0;
    const yoe = yy - era * 400;
    const doy = (((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) | 0) + d - 1;
    const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
    return era * 146097 + doe - 719468;
  }
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The date `days` after 1970-01-01, as [year, month 1–12, day]. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? era * 400 + yoe + 1 : era * 400 + yoe, m, d];
}

/** Day of the week of a days-since-epoch number: 0 Sunday … 6 Saturday. */
export function weekdayOfDays(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** `YYYY-MM-DD` of a date (years 0–9999). */
export function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** yyyymmdd as one integer (20240305): dates compare as numbers. */
export function dateInt(y: number, m: number, d: number): number {
  return y * 10000 + m * 100 + d;
}

/** `YYYY-MM-DD` of a yyyymmdd integer. */
export function isoOfDateInt(n: number): string {
  return isoDate(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100);
}

// Character codes, for parsing without regular expressions or substrings on the hot path.
const C0 = 48;
const C9 = 57;

/** The integer of `len` decimal digits at `at`, or −1 when any is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i);
    if (c < C0 || c > C9) return -1;
    v = v * 10 + (c - C0);
  }
  return v;
}

/** A calendar date, parsed. */
export interface CivilDate {
  y: number;
  m: number;
  d: number;
}

/**
 * Parses a strict `YYYY-MM-DD` (a real date of years 0001–9999).
 * @returns the date, or undefined when `s` is not one.
 */
export function parseIsoDate(s: unknown): CivilDate | undefined {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

/**
 * An instant as its Beijing local date and time of day. Every field is a small integer (no
 * boxed doubles: this is parsed twice per fare quote); the instant is {@link epochMsOf}.
 */
export interface BeijingTime {
  /** Beijing local date. */
  y: number;
  m: number;
  d: number;
  /** yyyymmdd of the local date. */
  date: number;
  /** Seconds since local midnight (0–86399). */
  secOfDay: number;
  /** Days since 1970-01-01 of the local date. */
  days: number;
  /** Milliseconds past the second (0–999). */
  ms: number;
}

/** Milliseconds since 1970-01-01T00:00:00Z of a Beijing time. */
export function epochMsOf(t: BeijingTime): number {
  return (t.days * 86400 + t.secOfDay - BEIJING_OFFSET_SEC) * 1000 + t.ms;
}

/** Milliseconds from `a` to `b` (negative when `b` is earlier). */
export function msBetween(a: BeijingTime, b: BeijingTime): number {
  return ((b.days - a.days) * 86400 + (b.secOfDay - a.secOfDay)) * 1000 + (b.ms - a.ms);
}

/** Two decimal digits at `i`, or −1. The caller has checked that `s` is long enough. */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - C0;
  const b = s.charCodeAt(i + 1) - C0;
  // `>>> 0` turns a negative difference into a large number: one comparison per digit.
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
}

/**
 * Parses an ISO 8601 / RFC 3339 date-time with an explicit offset and converts it to Beijing
 * local time: `YYYY-MM-DDThh:mm[:ss[.fff…]](Z|±hh:mm|±hhmm|±hh)`. A missing offset is refused
 * (a local time alone is ambiguous for a gate in another zone).
 * @returns the instant, or undefined when `s` is not such a string.
 */
export function parseOffsetDateTime(s: unknown): BeijingTime | undefined {
  // Hand-rolled on character codes: this runs twice per fare quote (measured: a regular
  // expression or substrings cost more than the rest of a quote).
  if (typeof s !== 'string') return undefined;
  const len = s.length;
  if (len < 17 || len > 40) return undefined;
  const yh = d2(s, 0);
  const yl = d2(s, 2);
  const m = d2(s, 5);
  const d = d2(s, 8);
  const hh = d2(s, 11);
  const mi = d2(s, 14);
  const t = s.charCodeAt(10);
  if (
    (yh | yl | m | d | hh | mi) < 0 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    (t !== 84 /* T */ && t !== 116) /* t */ ||
    s.charCodeAt(13) !== 58
  ) {
    return undefined;
  }
  const y = yh * 100 + yl;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || hh > 23 || mi > 59) return undefined;
  let i = 16;
  let ss = 0;
  let ms = 0;
  if (s.charCodeAt(i) === 58 /* : */) {
    if (len < 20) return undefined;
    ss = d2(s, i + 1);
    if (ss < 0 || ss > 59) return undefined;
    i += 3;
    const c = s.charCodeAt(i);
    if (c === 46 /* . */ || c === 44 /* , */) {
      i++;
      const start = i;
      let scale = 100;
      while (i < len) {
        const digit = s.charCodeAt(i) - C0;
        if (digit >>> 0 > 9) break;
        ms += digit * scale;
        scale /= 10;
        i++;
      }
      if (i === start) return undefined;
      ms = Math.floor(ms);
    }
  }
  let offsetSec: number;
  const sign = s.charCodeAt(i);
  const rest = len - i - 1;
  if (sign === 90 /* Z */ || sign === 122 /* z */) {
    if (rest !== 0) return undefined;
    offsetSec = 0;
  } else if (sign === 43 /* + */ || sign === 45 /* - */) {
    const oh = rest >= 2 ? d2(s, i + 1) : -1;
    let om = 0;
    if (rest === 5 && s.charCodeAt(i + 3) === 58) om = d2(s, i + 4);
    else if (rest === 4) om = d2(s, i + 3);
    else if (rest !== 2) return undefined;
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offsetSec = (sign === 45 ? -1 : 1) * (oh * 3600 + om * 60);
  } else {
    return undefined;
  }
  const localDays = daysFromCivil(y, m, d);
  const secOfDay = hh * 3600 + mi * 60 + ss;
  if (offsetSec === BEIJING_OFFSET_SEC) {
    // Already Beijing time: no conversion.
    return { y, m, d, date: y * 10000 + m * 100 + d, secOfDay, days: localDays, ms };
  }
  // Beijing seconds since the epoch: local seconds − the offset + 8 h.
  const bj = localDays * 86400 + secOfDay - offsetSec + BEIJING_OFFSET_SEC;
  const days = Math.floor(bj / 86400);
  const [by, bm, bd] = civilFromDays(days);
  return { y: by, m: bm, d: bd, date: by * 10000 + bm * 100 + bd, secOfDay: bj - days * 86400, days, ms };
}

/** `YYYY-MM-DDThh:mm:ss+08:00` of a Beijing time (seconds, no fraction). */
export function beijingIso(t: BeijingTime): string {
  const s = t.secOfDay;
  return `${isoDate(t.y, t.m, t.d)}T${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}+08:00`;
}

/** `hh:mm` of minutes since midnight. */
export function hhmm(minutes: number): string {
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/**
 * Minutes since midnight of a strict `hh:mm` (00:00–23:59).
 * @returns the minutes, or undefined when `s` is not one.
 */
export function parseHhmm(s: unknown): number | undefined {
  if (typeof s !== 'string' || s.length !== 5 || s.charCodeAt(2) !== 58) return undefined;
  const h = digits(s, 0, 2);
  const m = digits(s, 3, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59) return undefined;
  return h * 60 + m;
}
