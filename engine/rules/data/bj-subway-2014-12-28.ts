/**
 * Beijing subway fares from 28 December 2014 (distance fares, monthly cumulative discount,
 * 4-hour limit). A fare change is a new file beside this one with its own dates.
 */
import type { SpecialLine, SubwayTariff } from '../tariff-types.js';

const NETWORK_SOURCE = 'GitHub Mick235711/Beijing-Subway-Tools data/beijing/fare_rules.json5 (MIT), as converted in ../shared/data/beijing-subway.json "fare_rules_from_source" (commit f1ac527, 2026-08-19)';

/** Airport lines and the Xijiao tram, shared with the 2007 flat-fare tariff where unchanged. */
export const CAPITAL_AIRPORT_LINE: SpecialLine = {
  id: 'capital-airport',
  names: { en: 'Capital Airport line', zh: '首都机场线' },
  lines: ['首都机场线'],
  separatePaidArea: true,
  fare: { basis: 'flat', fareFen: 2500 },
  monthlyTier: false,
  countsTowardMonth: false,
  offPeak: false,
  timeLimit: true,
};

export const BJ_SUBWAY_2014_12_28: SubwayTariff = {
  kind: 'subway',
  id: 'bj-subway-2014-12-28',
  title: 'Beijing rail transit distance fares, from 28 December 2014',
  titleZh: '北京市轨道交通计程票价（2014年12月28日起）',
  effective: { from: '2014-12-28', to: null },
  sources: [
    'DOMAIN.md §5 (bands, monthly discount [V]; 4-hour rule, airport lines [S])',
    NETWORK_SOURCE,
    'Tracking China, "Reminder: The Beijing Subway Will Shut Down Early Today (27 Dec 2014)": distance fares from 28 December 2014, 4-hour limit, Airport Express excluded from the monthly discount and an isolated system',
    'China News Service, 2015-12-22 (off-peak trial notice): exits at airport-line stations excluded from the off-peak discount',
  ],
  marks: {
    effective: { mark: 'S', note: 'distance fares began on 28 December 2014 (Tracking China, 2014-12-23 and 2014-12-27)' },
    network: { mark: 'V', note: '≤ 6 km 3 yuan, ≤ 12 km 4, ≤ 22 km 5, ≤ 32 km 6, then +1 yuan per 20 km or part, no cap (DOMAIN.md §5 and the network file\'s source agree)' },
    'network.distance': {
      mark: 'S',
      note: 'distances are cut down to whole 100 m before banding: the source bands end at 6099 m / start at 6100 m and say "100m为赠送里程，不多收费" (100 m free allowance); 6.099 km pays 3 yuan, 6.100 km pays 4',
    },
    timeLimit: { mark: 'S', note: 'at most 4 hours in the paid area; over that the rider pays the 3-yuan starting fare again to exit (DOMAIN.md §5); whether the extra is discounted and whether it counts toward the month is [U] — here it is added undiscounted after all discounts and counts as rail spend' },
    monthlyTiers: { mark: 'V', note: 'from 100 yuan spent this calendar month 80 %, from 150 yuan 50 %, from 400 yuan 100 %; decided by the spend before the ride, so the ride that crosses a threshold is not split' },
    specialLines: { mark: 'S', note: 'airport lines are separate paid areas with their own fares; the monthly discount does not apply to them (Tracking China 2014); whether their spend counts toward the month is [U] (here: no)' },
    'specialLines.capital-airport': { mark: 'V', note: '25 yuan flat (DOMAIN.md §5 and the network file\'s source)' },
    'specialLines.daxing-airport': { mark: 'S', note: '10 / 25 / 35 yuan by distance (≤ 20 km, ≤ 30 km, beyond; the network file\'s source); the monthly discount is excluded like the Capital Airport line [U]' },
    'specialLines.xijiao-tram': { mark: 'S', note: '3 yuan ≤ 6 km, 4 yuan beyond (the network file\'s source); separate paid area, monthly discount applies and counts [U]' },
    cardTypes: {
      mark: 'U',
      note: 'student cards pay 50 % on rail (remembered from the 2014 fare notice, unsourced) without the monthly and off-peak discounts; senior cards pay as standard cards on rail (no sourced rail benefit); both are data',
    },
    rounding: { mark: 'U', note: 'each discount is rounded to the fen half up (DOMAIN.md §5: rounding is unconfirmed)' },
  },
  rounding: 'half-up',
  network: {
    basis: 'distance',
    distance: { unitM: 100, mode: 'down' },
    bands: [
      { upToM: 6000, fareFen: 300 },
      { upToM: 12000, fareFen: 400 },
      { upToM: 22000, fareFen: 500 },
      { upToM: 32000, fareFen: 600 },
    ],
    beyond: { stepM: 20000, addFen: 100 },
  },
  networkNames: { en: 'network fare', zh: '路网计程票价' },
  specialLines: [
    CAPITAL_AIRPORT_LINE,
    {
      id: 'daxing-airport',
      names: { en: 'Daxing Airport line', zh: '大兴机场线' },
      lines: ['大兴机场线'],
      separatePaidArea: true,
      fare: {
        basis: 'distance',
        distance: { unitM: 1, mode: 'down' },
        bands: [
          { upToM: 20000, fareFen: 1000 },
          { upToM: 30000, fareFen: 2500 },
          { upToM: null, fareFen: 3500 },
        ],
      },
      monthlyTier: false,
      countsTowardMonth: false,
      offPeak: false,
      timeLimit: true,
    },
    {
      id: 'xijiao-tram',
      names: { en: 'Xijiao tram', zh: '西郊线' },
      lines: ['西郊线'],
      separatePaidArea: true,
      fare: {
        basis: 'distance',
        distance: { unitM: 100, mode: 'down' },
        bands: [
          { upToM: 6000, fareFen: 300 },
          { upToM: null, fareFen: 400 },
        ],
      },
      monthlyTier: true,
      countsTowardMonth: true,
      offPeak: false,
      timeLimit: true,
    },
  ],
  timeLimit: { minutes: 240, overtime: { rule: 'add-start-fare' } },
  monthlyTiers: [
    { fromFen: 10000, rateMille: 800 },
    { fromFen: 15000, rateMille: 500 },
    { fromFen: 40000, rateMille: 1000 },
  ],
  cardTypes: {
    standard: { rateMille: 1000, monthlyTier: true, offPeak: true },
    student: { rateMille: 500, monthlyTier: false, offPeak: false },
    senior: { rateMille: 1000, monthlyTier: true, offPeak: true },
  },
  seniorMinAge: 65,
  seniorByAge: false,
};
