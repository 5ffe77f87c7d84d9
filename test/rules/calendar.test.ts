// Tests for the working-day calendars: chinese-days (read from its data file) against the shared
// 2024–2026 calendar day by day, coverage detected from the data (2027 refused, never guessed),
// make-up working days, and the JSON calendar's validation.
import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { calendarFromChineseDaysData, chineseDaysCalendar } from '../../engine/rules/calendar-chinese-days.js';
import { jsonWorkdayCalendar, TableWorkdayCalendar, type WorkdayCalendar } from '../../engine/rules/calendar.js';
import { CalendarCoverageError, CalendarDataError } from '../../engine/rules/errors.js';
import { civilFromDays, daysFromCivil, isoDate } from '../../engine/rules/time.js';
import { readShared } from './shared-data.js';

const shared = readShared('cn-workdays-2024-2026.json');

function eachDay(fromY: number, toY: number, f: (iso: string, y: number, m: number, d: number) => void): number {
  let n = 0;
  for (let days = daysFromCivil(fromY, 1, 1); days <= daysFromCivil(toY, 12, 31); days++) {
    const [y, m, d] = civilFromDays(days);
    f(isoDate(y, m, d), y, m, d);
    n++;
  }
  return n;
}

describe('chinese-days calendar', () => {
  const cal = chineseDaysCalendar();

  it('covers exactly the years its data holds (2004–2026 in 1.5.7)', () => {
    expect(cal.name).toMatch(/^chinese-days 1\.5\.7$/);
    expect(cal.coverage).toEqual({ from: '2004-01-01', to: '2026-12-31' });
    expect(cal.covers('2026-12-31')).toBe(true);
    expect(cal.covers('2027-01-01')).toBe(false);
    expect(cal.covers('2003-12-31')).toBe(false);
  });

  it('refuses 2027 with CalendarCoverageError naming the date and the coverage', () => {
    let err: unknown;
    try {
      cal.isWorkday('2027-03-01');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CalendarCoverageError);
    const e = err as CalendarCoverageError;
    expect(e.date).toBe('2027-03-01');
    expect(e.coverage).toEqual({ from: '2004-01-01', to: '2026-12-31' });
    expect(e.message).toBe(
      'working-day calendar "chinese-days 1.5.7" does not cover 2027-03-01 (it covers 2004-01-01 … 2026-12-31); refusing to guess whether it is a working day',
    );
  });

  it('counts make-up working days as working days, holidays and weekends as not', () => {
    expect(cal.isWorkday('2024-02-04')).toBe(true); // Sunday, 调休 for the Spring Festival
    expect(cal.isWorkday('2024-02-18')).toBe(true); // Sunday, 调休
    expect(cal.isWorkday('2024-02-03')).toBe(false); // Saturday
    expect(cal.isWorkday('2024-02-12')).toBe(false); // Monday in the Spring Festival
    expect(cal.isWorkday('2024-10-01')).toBe(false); // 国庆节
    expect(cal.isWorkday('2024-03-05')).toBe(true); // an ordinary Tuesday
    expect(cal.isWorkday('2015-12-28')).toBe(true);
  });

  it('does not depend on the host time zone (chinese-days 1.5.7\'s own functions do, west of UTC)', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(new Date(Date.UTC(2024, 1, 4)).getDate()).toBe(3); // the zone switch took effect
      expect(cal.isWorkday('2024-02-03')).toBe(false);
      expect(cal.isWorkday('2024-02-04')).toBe(true);
      // Why the engine reads the package's data instead of calling it: here it answers for the day before.
      expect([chineseDays.isWorkday('2024-02-03'), chineseDays.isWorkday('2024-02-04')]).toEqual([true, false]);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('refuses malformed dates with RangeError', () => {
    expect(() => cal.isWorkday('2024-2-4')).toThrow(RangeError);
    expect(() => cal.isWorkday('2024-02-30')).toThrow(/real date/);
  });

  it.runIf(shared !== undefined)('matches ../shared/data/cn-workdays-2024-2026.json day by day for 2024–2026', () => {
    const ref = jsonWorkdayCalendar(shared, 'cn-workdays-2024-2026.json');
    expect(ref.coverage).toEqual({ from: '2024-01-01', to: '2026-12-31' });
    const diffs: string[] = [];
    const n = eachDay(2024, 2026, (iso) => {
      if (cal.isWorkday(iso) !== ref.isWorkday(iso)) diffs.push(iso);
    });
    expect(n).toBe(366 + 365 + 365);
    expect(diffs).toEqual([]);
  });

  it.runIf(shared !== undefined)('the shared file\'s own rule holds: (Mon–Fri and not a holiday) or a make-up day', () => {
    const doc = shared as { years: Record<string, { holidays: { date: string }[]; makeupWorkdays: { date: string }[] }> };
    const ref = jsonWorkdayCalendar(doc);
    const hol = new Set(Object.values(doc.years).flatMap((y) => y.holidays.map((h) => h.date)));
    const mk = new Set(Object.values(doc.years).flatMap((y) => y.makeupWorkdays.map((h) => h.date)));
    eachDay(2024, 2026, (iso, y, m, d) => {
      const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
      expect(ref.isWorkday(iso)).toBe(mk.has(iso) || (wd >= 1 && wd <= 5 && !hol.has(iso)));
    });
  });
});

describe('JSON and table calendars', () => {
  const doc = {
    years: {
      '2030': { holidays: [{ date: '2030-01-01' }], makeupWorkdays: [{ date: '2030-01-05' }] },
      '2031': { holidays: [{ date: '2031-01-01' }], makeupWorkdays: [] },
    },
  };

  it('works over any covered years', () => {
    const cal: WorkdayCalendar = jsonWorkdayCalendar(doc, 'test');
    expect(cal.coverage).toEqual({ from: '2030-01-01', to: '2031-12-31' });
    expect(cal.isWorkday('2030-01-01')).toBe(false); // Tuesday, holiday
    expect(cal.isWorkday('2030-01-05')).toBe(true); // Saturday, make-up
    expect(cal.isWorkday('2030-01-06')).toBe(false); // Sunday
    expect(() => cal.isWorkday('2032-01-01')).toThrow(CalendarCoverageError);
  });

  it.each([
    [null, 'test: "" expected an object'],
    [{}, 'test: "years" expected an object of year → lists'],
    [{ years: {} }, 'test: "years" covers no year'],
    [{ years: { '20x0': {} } }, 'test: "years.20x0" expected a four-digit year as key'],
    [{ years: { '2030': { holidays: {} } } }, 'test: "years.2030.holidays" expected an array'],
    [{ years: { '2030': { holidays: [{ date: '2030-02-30' }], makeupWorkdays: [] } } }, 'test: "years.2030.holidays[0].date" expected a date YYYY-MM-DD, got "2030-02-30"'],
    [{ years: { '2030': { holidays: [], makeupWorkdays: [{ date: '2031-01-01' }] } } }, 'test: "years.2030.makeupWorkdays[0].date" 2031-01-01 is not in 2030'],
    [{ years: { '2030': { holidays: [], makeupWorkdays: [] }, '2032': { holidays: [], makeupWorkdays: [] } } }, 'test: "years" calendar "test": years not contiguous (2030 then 2032)'],
  ])('refuses bad documents: %j', (bad, message) => {
    expect(() => jsonWorkdayCalendar(bad, 'test')).toThrow(CalendarDataError);
    expect(() => jsonWorkdayCalendar(bad, 'test')).toThrow(message);
  });

  it('detects chinese-days-shaped coverage from the holidays it lists', () => {
    const cal = calendarFromChineseDaysData({ holidays: { '2040-01-01': 'x', '2041-01-01': 'y' }, workdays: { '2041-02-02': 'z' } }, 'fake');
    expect(cal).toBeInstanceOf(TableWorkdayCalendar);
    expect(cal.coverage).toEqual({ from: '2040-01-01', to: '2041-12-31' });
    expect(cal.isWorkday('2041-02-02')).toBe(true); // a Saturday made a working day
    expect(() => calendarFromChineseDaysData({ holidays: { '2040-1-1': 'x' }, workdays: {} })).toThrow('"holidays.2040-1-1" is not a date YYYY-MM-DD');
    expect(() => calendarFromChineseDaysData({ holidays: { '2040-01-01': 'x' }, workdays: { '2045-01-01': 'x' } })).toThrow('lies in 2045, a year with no holiday listed');
  });
});

describe('TableWorkdayCalendar.overlaidWith', () => {
  // A made-up 2027 (test data, not the State Council's schedule): New Year's Day off, and
  // Saturday 2027-01-09 a make-up working day.
  const made2027 = jsonWorkdayCalendar({ years: { '2027': { holidays: [{ date: '2027-01-01' }], makeupWorkdays: [{ date: '2027-01-09' }] } } }, 'test-2027.json');

  it('adds the years the shipped data does not reach, and keeps the others', () => {
    const cal = chineseDaysCalendar().overlaidWith(made2027);
    expect(cal.name).toBe('chinese-days 1.5.7 + test-2027.json');
    expect(cal.coverage).toEqual({ from: '2004-01-01', to: '2027-12-31' });
    expect([cal.isWorkday('2027-01-01'), cal.isWorkday('2027-01-04'), cal.isWorkday('2027-01-09'), cal.isWorkday('2027-01-10')]).toEqual([false, true, true, false]);
    // 2026 still answers from chinese-days: 2026-01-01 a holiday, 2026-01-04 a make-up working day
    expect([cal.isWorkday('2026-01-01'), cal.isWorkday('2026-01-04')]).toEqual([chineseDaysCalendar().isWorkday('2026-01-01'), chineseDaysCalendar().isWorkday('2026-01-04')]);
    expect(() => cal.isWorkday('2028-01-03')).toThrow(CalendarCoverageError);
  });

  it('lets a file replace a year the shipped data holds', () => {
    const replaced = chineseDaysCalendar().overlaidWith(jsonWorkdayCalendar({ years: { '2026': { holidays: [], makeupWorkdays: [] } } }, 'plain-2026'));
    expect(replaced.isWorkday('2026-01-01')).toBe(true); // a Thursday, no holiday in the replacing year
    expect(replaced.coverage).toEqual({ from: '2004-01-01', to: '2026-12-31' });
  });

  it('refuses a gap between the years', () => {
    const far = jsonWorkdayCalendar({ years: { '2029': { holidays: [], makeupWorkdays: [] } } }, 'test-2029.json');
    expect(() => chineseDaysCalendar().overlaidWith(far)).toThrow(/years not contiguous \(2026 then 2029\)/);
  });
});
