/**
 * `--calendar FILE` (`ssc3 serve`, `ssc3 fare quote`): working-day data for years the shipped
 * calendar does not cover. The off-peak rule asks whether a day is a working day (DOMAIN.md §5);
 * the chinese-days package holds the State Council schedules up to its release (2026 in 1.5.7),
 * and the engine refuses a date it has no schedule for rather than guess Monday–Friday — so from
 * 1 January of an uncovered year an early-morning exit is refused. The State Council publishes
 * each year's schedule in November of the year before: a user puts it in a file of the shared
 * format (`{"years":{"2027":{"holidays":[{"date":…}],"makeupWorkdays":[{"date":…}]}}}`, as
 * ../shared/data/cn-workdays-2024-2026.json) and it is laid over chinese-days, its years winning.
 */
import { basename } from 'node:path';
import { CalendarDataError, chineseDaysCalendar, jsonWorkdayCalendar } from '../../engine/rules/index.js';
import type { WorkdayCalendar } from '../../engine/rules/index.js';
import type { CalendarOverlay } from '../server/service-messages.js';
import { CliError } from './io.js';
import { readJsonFile } from './json-io.js';

/** chinese-days with the file's years over it. @throws CliError naming the file and the problem */
export function readCalendarFile(path: string): WorkdayCalendar {
  return readCalendar(path).calendar;
}

/**
 * The calendar and the file's content, checked: `serve` hands the content to its service thread
 * (a calendar object cannot cross into it; its data can). @throws CliError naming the file and the problem
 */
export function readCalendar(path: string): { calendar: WorkdayCalendar; overlay: CalendarOverlay } {
  const overlay = { json: readJsonFile('calendar', path), name: basename(path) };
  try {
    return { calendar: chineseDaysCalendar().overlaidWith(jsonWorkdayCalendar(overlay.json, overlay.name)), overlay };
  } catch (e) {
    if (e instanceof CalendarDataError || e instanceof RangeError) throw new CliError(`--calendar: ${e.message}`);
    throw e;
  }
}

/** How many days ahead of the end of the calendar `serve` starts warning. */
const WARN_DAYS = 60;

/**
 * A line for `serve` when the calendar ends within 60 days of `nowMs` (Beijing date) or already
 * has: what stops working, how to supply the next year, and the stop-gap until its schedule is
 * published (a year with no holidays: an assumption the user's file states, not the engine's).
 * Undefined when there is time.
 */
export function calendarWarning(calendar: WorkdayCalendar, nowMs: number): string | undefined {
  const today = new Date(nowMs + 8 * 3_600_000).toISOString().slice(0, 10);
  const end = calendar.coverage.to;
  const daysLeft = Math.floor((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (daysLeft > WARN_DAYS) return undefined;
  const when = daysLeft < 0 ? `ended on ${end}` : `ends on ${end} (in ${daysLeft} days)`;
  return `Calendar: the working-day calendar (${calendar.name}) ${when}; after it, exits in the off-peak window are refused (fare-error). Give --calendar FILE with the next year's State Council schedule or, until it is out, with the year and no holidays (then Monday to Friday are working days: README "Fares").`;
}
