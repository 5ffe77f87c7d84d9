/**
 * engine/rules — Beijing's transit fare rules as pure functions over dated data (DOMAIN.md §5).
 *
 *   import { quoteFare, defaultFareContext } from './engine/rules/index.js';
 *   const d = quoteFare({ mode: 'subway', cardType: 'standard',
 *     entry: { station: '土桥', at: '2024-03-05T06:55:00+08:00' },
 *     exit: { station: '国贸', at: '2024-03-05T07:40:00+08:00' },
 *     month: { spentFen: 9800, rides: 30 } }, defaultFareContext());
 *   d.fareFen; d.steps; d.month; d.tariff
 *
 * See FARES.md beside this file for the rules, the data files and their confidence marks.
 */
export { quoteFare } from './fare-quote.js';
export type { FareContext } from './fare-quote.js';
export { replaySteps } from './fare-decision.js';
export type { FareDecision, FareRuleId, FareStep, MonthAfter, QuoteOptions } from './fare-decision.js';
export { parseFareRequest, MAX_DISTANCE_KM } from './fare-request.js';
export type { FareRequest, MonthAccumulators, ParsedRequest, TravelMode, TripPoint } from './fare-request.js';
export { defaultFareContext, listTariffs, sampleNetwork, shippedTariffs } from './fare-context.js';
export { compileTariff, compileTariffs, roundDistanceM, tableFareFen, TariffSet, tariffsInForce } from './tariff-compile.js';
export type { CompiledBus, CompiledFareTable, CompiledOffPeak, CompiledSubway, CompiledTariff, FareGroup } from './tariff-compile.js';
export * from './tariff-types.js';
export { SHIPPED_TARIFF_DOCS } from './data/index.js';
export { SAMPLE_NETWORK_DOC } from './data/sample-network.js';
export { loadNetwork } from './network-load.js';
export type { LoadNetworkOptions } from './network-load.js';
export { editDistance, PaidArea, SubwayNetwork } from './network.js';
export type { Line, NetworkSpec, Route, RouteLeg, Station, VirtualTransfer } from './network.js';
export { jsonWorkdayCalendar, TableWorkdayCalendar } from './calendar.js';
export type { CalendarYear, WorkdayCalendar, WorkdaysJson } from './calendar.js';
export { calendarFromChineseDaysData, chineseDaysCalendar } from './calendar-chinese-days.js';
export type { ChineseDaysData } from './calendar-chinese-days.js';
export {
  CalendarCoverageError,
  CalendarDataError,
  FareRequestError,
  NetworkDataError,
  NoRouteError,
  TariffDataError,
  UnknownStationError,
} from './errors.js';
export type { CalendarCoverage } from './errors.js';
export { applyRate, MILLE, percent, roundDiv, ROUNDING_MODES, yuan } from './money.js';
export type { RoundingMode } from './money.js';
export { epochMsOf, msBetween, parseOffsetDateTime, parseIsoDate } from './time.js';
export type { BeijingTime } from './time.js';
