/**
 * The errors of the fare rules, one class per kind of refusal:
 * - {@link FareRequestError}: the request is wrong; the message names the field
 *   (`"entry.at" is not an ISO 8601 date-time with offset`). A CLI prints it and exits 2.
 * - {@link CalendarCoverageError}: the answer depends on whether a day is a working day, and the
 *   calendar does not cover that day (a new year's holiday schedule is published each November).
 * - {@link TariffDataError} / {@link NetworkDataError} / {@link CalendarDataError}: a data file
 *   is malformed; the message names the path of the bad field.
 * - {@link UnknownStationError} / {@link NoRouteError}: network look-ups.
 */

/** A fare request is invalid; `field` is its path (`entry.at`, `month.spentFen`). */
export class FareRequestError extends Error {
  override name = 'FareRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The date range a working-day calendar holds data for (ISO dates, inclusive). */
export interface CalendarCoverage {
  from: string;
  to: string;
}

/** A date outside the working-day calendar's coverage: refused rather than guessed. */
export class CalendarCoverageError extends RangeError {
  override name = 'CalendarCoverageError';
  constructor(
    readonly date: string,
    readonly coverage: CalendarCoverage,
    readonly calendar: string,
  ) {
    super(
      `working-day calendar "${calendar}" does not cover ${date} (it covers ${coverage.from} … ${coverage.to}); ` +
        'refusing to guess whether it is a working day',
    );
  }
}

/** A data document (tariff, network, calendar) is malformed at `path`. */
abstract class DataError extends Error {
  constructor(
    readonly document: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${document}: "${path}" ${detail}`);
  }
}

export class TariffDataError extends DataError {
  override name = 'TariffDataError';
}

export class NetworkDataError extends DataError {
  override name = 'NetworkDataError';
}

export class CalendarDataError extends DataError {
  override name = 'CalendarDataError';
}

/** A station name the network does not know; `suggestions` are the closest names it does. */
export class UnknownStationError extends RangeError {
  override name = 'UnknownStationError';
  constructor(
    readonly station: string,
    readonly network: string,
    readonly suggestions: readonly string[],
    why = 'is not a station of',
  ) {
    super(
      `${JSON.stringify(station)} ${why} network "${network}"` +
        (suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => JSON.stringify(s)).join(', ')}?` : ''),
    );
  }
}

/** Two stations are not connected within the lines allowed (e.g. two separate paid areas). */
export class NoRouteError extends RangeError {
  override name = 'NoRouteError';
  constructor(
    readonly from: string,
    readonly to: string,
    readonly network: string,
    detail = '',
  ) {
    super(`no route from ${JSON.stringify(from)} to ${JSON.stringify(to)} in network "${network}"${detail}`);
  }
}
