/**
 * Beijing subway flat fare, 7 October 2007 – 27 December 2014: 2 yuan any distance, airport line
 * 25 yuan. Shipped to show (and test) that fares are chosen by the trip's date: a trip in 2013
 * prices here, a trip in 2015 on bj-subway-2014-12-28.
 */
import type { SubwayTariff } from '../tariff-types.js';
import { CAPITAL_AIRPORT_LINE } from './bj-subway-2014-12-28.js';

export const BJ_SUBWAY_2007_10_07: SubwayTariff = {
  kind: 'subway',
  id: 'bj-subway-2007-10-07',
  title: 'Beijing subway flat fare, 7 October 2007 – 27 December 2014',
  titleZh: '北京地铁单一票制（2007年10月7日—2014年12月27日）',
  effective: { from: '2007-10-07', to: '2014-12-27' },
  sources: ['remembered: the 2-yuan flat fare of 2007 (not in DOMAIN.md)', 'Tracking China 2014-12-23: the flat fare ended on 27 December 2014'],
  marks: {
    effective: { mark: 'U', note: 'start date remembered, not sourced; the end (27 December 2014) is [S]' },
    network: { mark: 'U', note: '2 yuan flat with unlimited transfers (remembered)' },
    timeLimit: { mark: 'U', note: 'no time limit before the 2014 reform (the 4-hour rule came with it, Tracking China 2014)' },
    monthlyTiers: { mark: 'S', note: 'no monthly discount before 28 December 2014' },
    cardTypes: { mark: 'U', note: 'no card-type discounts modelled' },
  },
  rounding: 'half-up',
  network: { basis: 'flat', fareFen: 200 },
  networkNames: { en: 'flat fare', zh: '单一票价' },
  specialLines: [CAPITAL_AIRPORT_LINE],
  timeLimit: null,
  monthlyTiers: [],
  cardTypes: {
    standard: { rateMille: 1000, monthlyTier: false, offPeak: false },
    student: { rateMille: 1000, monthlyTier: false, offPeak: false },
    senior: { rateMille: 1000, monthlyTier: false, offPeak: false },
  },
  seniorMinAge: null,
  seniorByAge: false,
};
