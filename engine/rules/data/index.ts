/** The tariff documents shipped with the engine, oldest first. */
import type { TariffDoc } from '../tariff-types.js';
import { BJ_BUS_2014_12_28 } from './bj-bus-2014-12-28.js';
import { BJ_OFF_PEAK_2015_12_26 } from './bj-off-peak-2015-12-26.js';
import { BJ_OFF_PEAK_2017_01_01 } from './bj-off-peak-2017-01-01.js';
import { BJ_SUBWAY_2007_10_07 } from './bj-subway-2007-10-07.js';
import { BJ_SUBWAY_2014_12_28 } from './bj-subway-2014-12-28.js';

export { BJ_BUS_2014_12_28, BJ_OFF_PEAK_2015_12_26, BJ_OFF_PEAK_2017_01_01, BJ_SUBWAY_2007_10_07, BJ_SUBWAY_2014_12_28 };

export const SHIPPED_TARIFF_DOCS: readonly TariffDoc[] = [
  BJ_SUBWAY_2007_10_07,
  BJ_SUBWAY_2014_12_28,
  BJ_BUS_2014_12_28,
  BJ_OFF_PEAK_2015_12_26,
  BJ_OFF_PEAK_2017_01_01,
];
