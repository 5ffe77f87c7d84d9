/**
 * The sentences of fare steps, in English and Chinese. Only built when a quote explains itself.
 */
import { bandLabel, type CompiledFareTable, type FareGroup } from './tariff-compile.js';
import { percent, yuan, zheZh } from './money.js';
import type { Route } from './network.js';
import type { CardType } from './tariff-types.js';
import { hhmm, isoOfDateInt } from './time.js';

export type Sentences = [en: string, zh: string];

const CARD_EN: Record<CardType, string> = { standard: 'Standard card', student: 'Student card', senior: 'Senior card' };
const CARD_ZH: Record<CardType, string> = { standard: '普通卡', student: '学生卡', senior: '老年卡' };

const kmText = (m: number): string => String(m / 1000);

function roundingText(t: CompiledFareTable, distanceM: number, roundedM: number): Sentences {
  if (t.flat || t.unitM === 1 || roundedM === distanceM) return ['', ''];
  const how = t.mode === 'down' ? 'cut down' : t.mode === 'up' ? 'rounded up' : 'rounded';
  const howZh = t.mode === 'down' ? '舍去' : t.mode === 'up' ? '进位' : '四舍五入';
  return [` (${kmText(roundedM)} km after being ${how} to whole ${t.unitM} m)`, `（不足${t.unitM}米部分${howZh}，按${kmText(roundedM)}公里计）`];
}

function routeText(route: Route | undefined): Sentences {
  if (route === undefined || route.legs.length === 0) return ['', ''];
  const en = route.legs.map((l) => (l.line === null ? `walk to ${l.to} (out-of-station transfer)` : `${l.line} to ${l.to}`)).join(', ');
  const zh = route.legs.map((l) => (l.line === null ? `出站换乘至${l.to}` : `乘${l.line}至${l.to}`)).join('，');
  return [`; shortest path from ${route.from}: ${en}`, `；最短路径自${route.from}：${zh}`];
}

export function baseSubwayNote(group: FareGroup, distanceM: number, roundedM: number, fareFen: number, route: Route | undefined, fromRequest: boolean): Sentences {
  const t = group.table;
  const [r, rZh] = roundingText(t, distanceM, roundedM);
  const [p, pZh] = routeText(route);
  const src = fromRequest ? ' (distance given by the request)' : '';
  const srcZh = fromRequest ? '（里程由请求给出）' : '';
  if (t.flat) {
    return [`${capital(group.names.en)}: flat fare ${yuan(fareFen)} yuan (trip of ${kmText(distanceM)} km${src})${p}`, `${group.names.zh}单一票价${yuan(fareFen)}元（行程${kmText(distanceM)}公里${srcZh}）${pZh}`];
  }
  const band = bandLabel(t, roundedM);
  return [
    `${capital(group.names.en)} for ${kmText(distanceM)} km${src}${r}: ${yuan(fareFen)} yuan (${band.en})${p}`,
    `${group.names.zh}：行程${kmText(distanceM)}公里${srcZh}${rZh}，${band.zh}票价${yuan(fareFen)}元${pZh}`,
  ];
}

export function baseBusNote(t: CompiledFareTable, distanceM: number, roundedM: number, fareFen: number): Sentences {
  const [r, rZh] = roundingText(t, distanceM, roundedM);
  const band = bandLabel(t, roundedM);
  return [`Bus fare for ${kmText(distanceM)} km${r}: ${yuan(fareFen)} yuan (${band.en})`, `公交计程票价：行程${kmText(distanceM)}公里${rZh}，${band.zh}票价${yuan(fareFen)}元`];
}

export function pricedAsNote(asked: CardType, pricedAs: CardType, age: number, minAge: number): Sentences {
  if (asked === 'senior') {
    return [`Senior benefits need age ${minAge} or more; the holder is ${age}: priced as a standard card`, `老年优惠须年满${minAge}周岁，持卡人${age}岁：按普通卡计价`];
  }
  return [`Holder aged ${age} (${minAge} or more): priced with senior benefits on a ${CARD_EN[asked].toLowerCase()}`, `持卡人${age}岁（年满${minAge}周岁）：${CARD_ZH[asked]}按老年优惠计价`];
}

export function cardRateNote(card: CardType, num: number, den: number, before: number, after: number): Sentences {
  if (num === 0) return [`${CARD_EN[card]} rides free: ${yuan(before)} → ${yuan(after)} yuan`, `${CARD_ZH[card]}免费乘车：${yuan(before)}元→${yuan(after)}元`];
  return [`${CARD_EN[card]} pays ${percent(num, den)}: ${yuan(before)} → ${yuan(after)} yuan`, `${CARD_ZH[card]}${zheZh(num, den)}：${yuan(before)}元→${yuan(after)}元`];
}

export function busDiscountNote(card: CardType, rateIn: number, rateOut: number, outsideM: number, num: number, den: number, before: number, after: number, split: string): Sentences {
  if (outsideM === 0 || rateIn === rateOut) return cardRateNote(card, rateIn, 1000, before, after);
  const how = split === 'outside-first' ? 'the outside kilometres priced first' : 'split by kilometres';
  const howZh = split === 'outside-first' ? '市域外里程先行计价' : '按里程比例拆分';
  return [
    `${CARD_EN[card]} pays ${percent(rateIn, 1000)} inside the city limits and ${percent(rateOut, 1000)} for the ${kmText(outsideM)} km outside (${how}; ${percent(num, den)} overall): ${yuan(before)} → ${yuan(after)} yuan`,
    `${CARD_ZH[card]}市域内${zheZh(rateIn, 1000)}、市域外${kmText(outsideM)}公里${zheZh(rateOut, 1000)}（${howZh}）：${yuan(before)}元→${yuan(after)}元`,
  ];
}

export function monthResetNote(period: number, ride: number): Sentences {
  const p = (n: number): string => `${Math.floor(n / 100)}-${String(n % 100).padStart(2, '0')}`;
  return [`The accumulators are for ${p(period)}; this ride is in ${p(ride)}: the month counts from zero`, `累计数据属于${p(period)}，本次乘车在${p(ride)}：本月从零开始累计`];
}

export function tierNote(spentFen: number, tierFrom: readonly number[], tierRate: readonly number[], rate: number, before: number, after: number): Sentences {
  let i = -1;
  for (let k = 0; k < tierFrom.length; k++) if (spentFen >= tierFrom[k]) i = k;
  const spent = yuan(spentFen);
  if (i < 0) {
    return [
      `Monthly discount: ${spent} yuan spent on rail this month before this ride, below ${yuan(tierFrom[0])}: full fare (the ride that crosses a threshold is not split)`,
      `月累计优惠：本月轨道交通此前已支出${spent}元，未满${yuan(tierFrom[0])}元：不打折（跨越门槛的一次乘车不拆分）`,
    ];
  }
  if (rate === 1000) {
    return [`Monthly discount: ${spent} yuan spent this month before this ride (${yuan(tierFrom[i])} or more): no further discount, full fare`, `月累计优惠：本月此前已支出${spent}元（满${yuan(tierFrom[i])}元）：不再打折，按原价`];
  }
  return [
    `Monthly discount: ${spent} yuan spent on rail this month before this ride (${yuan(tierFrom[i])} or more): pays ${percent(tierRate[i], 1000)}: ${yuan(before)} → ${yuan(after)} yuan`,
    `月累计优惠：本月轨道交通此前已支出${spent}元（满${yuan(tierFrom[i])}元），本次${zheZh(tierRate[i], 1000)}：${yuan(before)}元→${yuan(after)}元`,
  ];
}

export function tierNotApplicable(card: CardType, cardOk: boolean, group: FareGroup): Sentences {
  if (!cardOk) return [`Monthly discount: not for the ${CARD_EN[card].toLowerCase()}`, `月累计优惠：${CARD_ZH[card]}不参与`];
  return [`Monthly discount: not on the ${group.names.en}`, `月累计优惠：${group.names.zh}不参与`];
}

export function offPeakNote(ok: boolean, why: string, whyZh: string, station: string, date: number, minute: number, until: number, rateMille: number, before: number, after: number): Sentences {
  const when = `${isoOfDateInt(date)} ${hhmm(minute)}`;
  if (ok) {
    return [
      `Off-peak: entry at ${station} at ${when} on a working day, at or before ${hhmm(until)}: pays ${percent(rateMille, 1000)}: ${yuan(before)} → ${yuan(after)} yuan`,
      `低峰优惠：工作日${when}于${station}进站（${hhmm(until)}含之前），${zheZh(rateMille, 1000)}：${yuan(before)}元→${yuan(after)}元`,
    ];
  }
  return [`Off-peak: entry at ${station} at ${when}, but ${why}: no off-peak discount`, `低峰优惠：${when}于${station}进站，但${whyZh}：不享受低峰优惠`];
}

export function overtimeNote(durationMin: number, limitMin: number, addFen: number, before: number, after: number): Sentences {
  const dur = `${Math.floor(durationMin / 60)} h ${durationMin % 60} min`;
  const durZh = `${Math.floor(durationMin / 60)}小时${durationMin % 60}分钟`;
  return [
    `Over the ${limitMin / 60}-hour limit (${dur} in the paid area): ${yuan(addFen)} yuan added: ${yuan(before)} → ${yuan(after)} yuan`,
    `超过${limitMin / 60}小时限时（在付费区内${durZh}）：加收${yuan(addFen)}元：${yuan(before)}元→${yuan(after)}元`,
  ];
}

export function missingTapOffNote(distanceM: number, discounted: boolean): Sentences {
  return [
    `No tap-off: charged from the boarding stop to the farther terminus (${kmText(distanceM)} km)${discounted ? '' : ', without the card discount'}`,
    `未刷卡下车：按上车站至较远终点站（${kmText(distanceM)}公里）计费${discounted ? '' : '，不享受刷卡优惠'}`,
  ];
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
