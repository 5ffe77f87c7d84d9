/**
 * Terminal date-times: the terminal's injected clock (epoch ms) seen as Beijing time (UTC+8, no
 * daylight saving), as the card stores it — BCD date 4 (YYYYMMDD) and time 3 (hhmmss), and the
 * 7-byte BCD YYYYMMDDhhmmss of the 1A/1E records (DOMAIN.md §3). Journals use the 14-digit
 * string form.
 */
import { purseCrypto } from '../../engine/index.js';
import { aint } from '../../crypto/utils.js';

/** Beijing is UTC+8 all year. */
export const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The calendar fields of `ms` in Beijing time. @throws TypeError / RangeError for a bad ms. */
export function beijingDateTime(ms: number): purseCrypto.DateTime {
  aint('ms', ms, 0, 253402300799999);
  const d = new Date(ms + BEIJING_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `YYYYMMDDhhmmss` (Beijing) of `ms`. */
export function dateTimeDigits(ms: number): string {
  const t = beijingDateTime(ms);
  return `${String(t.year).padStart(4, '0')}${two(t.month)}${two(t.day)}${two(t.hour)}${two(t.minute)}${two(t.second)}`;
}

/** The BCD date (4) and time (3) of `ms`, as CREDIT / DEBIT and the MACs take them. */
export function bcdDateTime(ms: number): { date: Uint8Array; time: Uint8Array } {
  return purseCrypto.dateTimeToBcd(beijingDateTime(ms));
}

/**
 * Epoch ms of a 14-digit Beijing `YYYYMMDDhhmmss`.
 * @throws RangeError naming `name` when the string is not a valid date-time.
 */
export function digitsToMs(digits: string, name = 'dateTime'): number {
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(digits);
  if (!m) throw new RangeError(`"${name}" expected 14 digits YYYYMMDDhhmmss, got ${JSON.stringify(digits)}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  // Validates the calendar date and the time of day (throws RangeError naming the field).
  purseCrypto.bcdDate(y, mo, d);
  purseCrypto.bcdTime(h, mi, s);
  return Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
}

/** True for the all-zero date-time of a field never written. */
export function isZeroDigits(digits: string): boolean {
  return /^0+$/.test(digits);
}
