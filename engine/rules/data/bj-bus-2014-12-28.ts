/** Beijing bus distance fares from 28 December 2014, with the card discounts. */
import type { BusTariff } from '../tariff-types.js';

export const BJ_BUS_2014_12_28: BusTariff = {
  kind: 'bus',
  id: 'bj-bus-2014-12-28',
  title: 'Beijing bus distance fares, from 28 December 2014',
  titleZh: '北京市公共电汽车计程票价（2014年12月28日起）',
  effective: { from: '2014-12-28', to: null },
  sources: [
    'DOMAIN.md §5 (bus [S]: ≤ 10 km 2 yuan, +1 per further 5 km; card 50 %, 80 % outside the city limits; student 25 %; 65+ free; missing tap-off charged to the farther terminus without discount)',
    'Tracking China 2014-12-23: tap in and out on buses from 28 December 2014',
  ],
  marks: {
    fare: { mark: 'S', note: '≤ 10 km 2 yuan, then +1 yuan for every further 5 km or part' },
    'fare.distance': { mark: 'U', note: 'bus distances are used to the metre (no allowance known)' },
    cardTypes: { mark: 'S', note: 'standard card pays 50 % (80 % for the part outside the city limits), student card 25 %, seniors free' },
    'cardTypes.student.outsideCityRateMille': { mark: 'U', note: 'student card pays 25 % outside the city limits too' },
    outsideCitySplit: { mark: 'U', note: 'how the fare is split at the city limits is unknown; the outside kilometres are priced first (their own band fare at 80 %), the rest at 50 % — this keeps fares non-decreasing with distance, which a pro-rata split does not' },
    seniorMinAge: { mark: 'S', note: '65+ ride free; by the holder\'s age on any card [U]' },
    missingTapOff: { mark: 'S', note: 'charged at the next use from the boarding stop to the farther terminus, without discount; riders who ride free stay free [U]' },
    countsTowardMonth: { mark: 'U', note: 'the bus record keeps its own month accumulators; no monthly tier is known for buses' },
    rounding: { mark: 'U', note: 'half up' },
  },
  rounding: 'half-up',
  fare: {
    basis: 'distance',
    distance: { unitM: 1, mode: 'up' },
    bands: [{ upToM: 10000, fareFen: 200 }],
    beyond: { stepM: 5000, addFen: 100 },
  },
  cardTypes: {
    standard: { rateMille: 500, outsideCityRateMille: 800 },
    student: { rateMille: 250, outsideCityRateMille: 250 },
    senior: { rateMille: 0, outsideCityRateMille: 0 },
  },
  outsideCitySplit: 'outside-first',
  seniorMinAge: 65,
  seniorByAge: true,
  missingTapOff: { discounted: false, freeStaysFree: true },
  countsTowardMonth: true,
};
