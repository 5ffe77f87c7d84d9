/**
 * Working-day calendars for the off-peak rule (DOMAIN.md §5: "workday (State Council holiday
 * calendar, make-up working days included)").
 *
 * A date is a working day iff it is a make-up working day (调休上班), or it is Monday–Friday and
 * not a public holiday. A calendar covers whole years — the State Council publishes each year's
 * schedule in November of the year before — and refuses dates outside them with
 * {@link CalendarCoverageError} instead of guessing Monday–Friday.
 *
 * Two sources share one table implementation: {@link jsonWorkdayCalendar} over the shared JSON
 * format (`cn-workdays-2024-2026.json`: `{ years: { "2024": { holidays: [{date}],
 * makeupWorkdays: [{date}] } } }`), and `chineseDaysCalendar()` over the npm package
 * (calendar-chinese-days.ts).
 */
import { type CalendarCoverage, CalendarCoverageError, CalendarDataError } from './errors.js';
import { daysFromCivil, isLeapYear, isoDate, parseIsoDate, weekdayOfDays } from './time.js';

export type { CalendarCoverage } from './errors.js';

/** Which days are working days, for the years it covers. */
export interface WorkdayCalendar {
  /** Where the data comes from, e.g. `chinese-days 1.5.7`. */
  readonly name: string;
  /** First and last covered dates (`YYYY-MM-DD`, inclusive). */
  readonly coverage: CalendarCoverage;
  /**
   * Whether `date` (`YYYY-MM-DD`) is a working day.
   * @throws CalendarCoverageError when the calendar does not cover `date`; RangeError when
   *   `date` is not a real `YYYY-MM-DD` date.
   */
  isWorkday(date: string): boolean;
  /** Whether the calendar holds data for `date`. @throws RangeError for a malformed date. */
  covers(date: string): boolean;
}

/** One covered year: its public holidays and make-up working days (`YYYY-MM-DD`). */
export interface CalendarYear {
  holidays: Iterable<string>;
  makeupWorkdays: Iterable<string>;
}

function parseDateArg(date: string): { y: number; m: number; d: number } {
  const p = parseIsoDate(date);
  if (p === undefined) throw new RangeError(`"date" expected a real date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return p;
}

/**
 * A calendar over per-year holiday and make-up-day lists. Each year becomes a 366-entry flag
 * table on first use, so a look-up is a date parse and an array read.
 */
export class TableWorkdayCalendar implements WorkdayCalendar {
  readonly coverage: CalendarCoverage;
  private readonly years: Map<number, CalendarYear>;
  private readonly tables = new Map<number, Uint8Array>();

  /**
   * @param years covered year → its lists; the coverage runs from the first to the last year.
   * @throws RangeError when `years` is empty, has a gap, or a listed date lies in another year.
   */
  constructor(
    readonly name: string,
    years: ReadonlyMap<number, CalendarYear>,
  ) {
    if (years.size === 0) throw new RangeError(`calendar "${name}": no year covered`);
    const sorted = [...years.keys()].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i] !== sorted[i - 1] + 1) throw new RangeError(`calendar "${name}": years not contiguous (${sorted[i - 1]} then ${sorted[i]})`);
    }
    this.years = new Map(years);
    this.coverage = { from: isoDate(sorted[0], 1, 1), to: isoDate(sorted[sorted.length - 1], 12, 31) };
  }

  covers(date: string): boolean {
    return this.years.has(parseDateArg(date).y);
  }

  /**
   * This calendar with `top`'s years added, replacing its own where both hold a year: how a
   * year the shipped data does not reach yet (the State Council publishes each schedule in
   * November of the year before) is supplied from a file of its own.
   * @throws RangeError when the years together are not contiguous.
   */
  overlaidWith(top: TableWorkdayCalendar): TableWorkdayCalendar {
    const years = new Map(this.years);
    for (const [y, lists] of top.years) years.set(y, lists);
    return new TableWorkdayCalendar(`${this.name} + ${top.name}`, years);
  }

  isWorkday(date: string): boolean {
    const { y, m, d } = parseDateArg(date);
    const table = this.tableOf(y);
    if (table === undefined) throw new CalendarCoverageError(date, this.coverage, this.name);
    return table[daysFromCivil(y, m, d) - daysFromCivil(y, 1, 1)] === 1;
  }

  /** Like {@link isWorkday} for a parsed date (no string). @throws CalendarCoverageError. */
  isWorkdayYmd(y: number, m: number, d: number): boolean {
    const table = this.tableOf(y);
    if (table === undefined) throw new CalendarCoverageError(isoDate(y, m, d), this.coverage, this.name);
    return table[daysFromCivil(y, m, d) - daysFromCivil(y, 1, 1)] === 1;
  }

  private tableOf(y: number): Uint8Array | undefined {
    let t = this.tables.get(y);
    if (t !== undefined) return t;
    const lists = this.years.get(y);
    if (lists === undefined) return undefined;
    const first = daysFromCivil(y, 1, 1);
    const len = isLeapYear(y) ? 366 : 365;
    t = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const wd = weekdayOfDays(first + i);
      t[i] = wd >= 1 && wd <= 5 ? 1 : 0;
    }
    const index = (date: string, what: string): number => {
      const p = parseIsoDate(date);
      if (p === undefined || p.y !== y) throw new RangeError(`calendar "${this.name}": ${what} ${JSON.stringify(date)} is not a date of ${y}`);
      return daysFromCivil(p.y, p.m, p.d) - first;
    };
    for (const h of lists.holidays) t[index(h, 'holiday')] = 0;
    // Make-up working days win over the weekend (and over a holiday, should a list hold both).
    for (const w of lists.makeupWorkdays) t[index(w, 'make-up working day')] = 1;
    this.tables.set(y, t);
    return t;
  }
}

/** The shared calendar JSON format (../shared/data/cn-workdays-2024-2026.json). */
export interface WorkdaysJson {
  description?: string;
  source?: unknown;
  years: Record<string, { holidays: { date: string; name?: string }[]; makeupWorkdays: { date: string; name?: string }[] }>;
}

/**
 * A calendar over a document in the shared JSON format, validated.
 * @throws CalendarDataError naming the path of a bad field (`years.2024.holidays[3].date`).
 */
export function jsonWorkdayCalendar(doc: unknown, name = 'workdays JSON'): TableWorkdayCalendar {
  const fail = (path: string, detail: string): never => {
    throw new CalendarDataError(name, path, detail);
  };
  if (typeof doc !== 'object' || doc === null) fail('', 'expected an object');
  const yearsRaw = (doc as { years?: unknown }).years;
  if (typeof yearsRaw !== 'object' || yearsRaw === null || Array.isArray(yearsRaw)) fail('years', 'expected an object of year → lists');
  const years = new Map<number, CalendarYear>();
  for (const [key, value] of Object.entries(yearsRaw as object)) {
    if (!/^\d{4}$/.test(key)) fail(`years.${key}`, 'expected a four-digit year as key');
    const y = Number(key);
    const lists = value as { holidays?: unknown; makeupWorkdays?: unknown };
    if (typeof lists !== 'object' || lists === null) fail(`years.${key}`, 'expected { holidays, makeupWorkdays }');
    const dates = (field: 'holidays' | 'makeupWorkdays'): string[] => {
      const arr = lists[field];
      if (!Array.isArray(arr)) return fail(`years.${key}.${field}`, 'expected an array');
      return arr.map((e: unknown, i: number) => {
        const date = (e as { date?: unknown } | null)?.date;
        const p = parseIsoDate(date);
        if (p === undefined) return fail(`years.${key}.${field}[${i}].date`, `expected a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
        if (p.y !== y) return fail(`years.${key}.${field}[${i}].date`, `${date as string} is not in ${key}`);
        return date as string;
      });
    };
    years.set(y, { holidays: dates('holidays'), makeupWorkdays: dates('makeupWorkdays') });
  }
  if (years.size === 0) fail('years', 'covers no year');
  try {
    return new TableWorkdayCalendar(name, years);
  } catch (e) {
    return fail('years', (e as Error).message);
  }
}
