/**
 * The shipped defaults: the tariff documents of data/, the sample network, the chinese-days
 * calendar — each built once on first use and shared (they are immutable apart from caches).
 */
import { chineseDaysCalendar } from './calendar-chinese-days.js';
import type { WorkdayCalendar } from './calendar.js';
import { SHIPPED_TARIFF_DOCS } from './data/index.js';
import { SAMPLE_NETWORK_DOC } from './data/sample-network.js';
import type { FareContext } from './fare-quote.js';
import type { SubwayNetwork } from './network.js';
import { loadNetwork } from './network-load.js';
import { compileTariffs, type TariffSet, tariffsInForce } from './tariff-compile.js';
import type { TariffDoc } from './tariff-types.js';

let tariffs: TariffSet | undefined;
let sample: SubwayNetwork | undefined;

/** The shipped tariffs (data/), compiled once. */
export function shippedTariffs(): TariffSet {
  return (tariffs ??= compileTariffs(SHIPPED_TARIFF_DOCS));
}

/** The shipped sample network (data/sample-network.ts), loaded once. */
export function sampleNetwork(): SubwayNetwork {
  return (sample ??= loadNetwork(SAMPLE_NETWORK_DOC, { name: 'sample' }));
}

/**
 * A fare context: the shipped tariffs, the sample network and the chinese-days calendar, each
 * replaceable (`network: null` quotes by `distanceKm` only).
 */
export function defaultFareContext(overrides: { tariffs?: TariffSet; network?: SubwayNetwork | null; calendar?: WorkdayCalendar } = {}): FareContext {
  return {
    tariffs: overrides.tariffs ?? shippedTariffs(),
    network: overrides.network === undefined ? sampleNetwork() : overrides.network,
    calendar: overrides.calendar ?? chineseDaysCalendar(),
  };
}

/**
 * The tariff documents in force on `date` (`YYYY-MM-DD`), of the shipped set unless another is
 * given: the subway tariff, the off-peak scheme and the bus tariff that apply that day.
 * @throws FareRequestError (field `date`) for a malformed date.
 */
export function listTariffs(date: string, set: TariffSet = shippedTariffs()): TariffDoc[] {
  return tariffsInForce(set, date);
}
