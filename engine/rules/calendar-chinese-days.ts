/**
 * The working-day calendar over the npm package `chinese-days` (MIT, maintained; the State
 * Council schedule of each year, 2004 onwards), read from the data file the package ships and
 * documents (`dist/chinese-days.json`: `holidays`, `workdays` = make-up working days,
 * `inLieuDays`, each a map `YYYY-MM-DD` → name).
 *
 * Why the data and not the package's functions:
 * - Coverage: `isWorkday('2027-03-01')` answers Monday–Friday for years the package has no data
 *   for. Coverage here is the set of years its data holds (a year is covered when it lists
 *   holidays in it; 元旦 is a holiday every year), and dates outside are refused.
 * - Time zones: in chinese-days 1.5.7 the functions depend on the host's zone. West of UTC
 *   (TZ=America/New_York) they build their day maps shifted by one day at load, so
 *   `isWorkday('2024-02-03')` (a Saturday) answers true and `isWorkday('2024-02-04')` (a make-up
 *   working day) false. The engine must not depend on the host zone, so it reads the data and
 *   computes weekdays itself.
 *
 * The data file is imported as a JSON module (`with { type: 'json' }`, Node ≥ 20.10); its type
 * is declared in chinese-days-data.d.ts, so tsconfig needs no `resolveJsonModule`. It is
 * validated here all the same: a package update must not slip a malformed date through.
 */
import CHINESE_DAYS_DATA from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import pkg from 'chinese-days/package.json' with { type: 'json' };
import { type CalendarYear, TableWorkdayCalendar } from './calendar.js';
import { CalendarDataError } from './errors.js';
import { parseIsoDate } from './time.js';

const PACKAGE = 'chinese-days';

/** The shape of chinese-days' `dist/chinese-days.json`. */
export interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays?: Record<string, string>;
}

/**
 * A calendar over chinese-days-shaped data: covered years are those with at least one holiday.
 * @throws CalendarDataError naming the bad key; RangeError when the years are not contiguous.
 */
export function calendarFromChineseDaysData(data: unknown, name = PACKAGE): TableWorkdayCalendar {
  const fail = (path: string, detail: string): never => {
    throw new CalendarDataError(name, path, detail);
  };
  if (typeof data !== 'object' || data === null) fail('', 'expected { holidays, workdays }');
  const lists = new Map<number, { holidays: string[]; makeupWorkdays: string[] }>();
  const yearOf = (y: number) => {
    let l = lists.get(y);
    if (l === undefined) lists.set(y, (l = { holidays: [], makeupWorkdays: [] }));
    return l;
  };
  for (const field of ['holidays', 'workdays'] as const) {
    const map = (data as Record<string, unknown>)[field];
    if (typeof map !== 'object' || map === null || Array.isArray(map)) fail(field, 'expected an object YYYY-MM-DD → name');
    for (const key of Object.keys(map as object)) {
      const p = parseIsoDate(key);
      if (p === undefined) fail(`${field}.${key}`, 'is not a date YYYY-MM-DD');
      else (field === 'holidays' ? yearOf(p.y).holidays : yearOf(p.y).makeupWorkdays).push(key);
    }
  }
  // A year with make-up days but no holiday would be a stray entry (a make-up day for the next
  // year's Spring Festival sits in that next year, so this does not happen in good data).
  const covered = new Map<number, CalendarYear>();
  for (const [y, l] of lists) if (l.holidays.length > 0) covered.set(y, l);
  for (const [y, l] of lists) if (l.holidays.length === 0) fail(`workdays.${l.makeupWorkdays[0]}`, `lies in ${y}, a year with no holiday listed`);
  return new TableWorkdayCalendar(name, covered);
}

let cached: TableWorkdayCalendar | undefined;

/**
 * The calendar of the installed chinese-days package (built once, then shared).
 * @returns a calendar covering the years the package holds data for (2004–2026 in 1.5.7).
 */
export function chineseDaysCalendar(): TableWorkdayCalendar {
  if (cached !== undefined) return cached;
  cached = calendarFromChineseDaysData(CHINESE_DAYS_DATA, `${PACKAGE} ${typeof pkg.version === 'string' ? pkg.version : '?'}`);
  return cached;
}
