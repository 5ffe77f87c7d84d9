/**
 * quoteFare(): Beijing subway and bus fares as a pure function of the request, the card's month
 * accumulators (in the request), the tariffs in force on the trip's date, the network and the
 * working-day calendar (DOMAIN.md §5). No clock, no I/O: the same inputs give the same decision.
 *
 * Subway, in order: the trip's paid area and distance (the request's `distanceKm`, else the
 * network's shortest path) → the base fare of the network or of the special line → the card
 * type's rate → the monthly tier, chosen by the spend *before* this ride (so the ride that
 * crosses a threshold is not split) → the off-peak rate (workday entries at or before the
 * scheme's time at its stations), multiplied on → the over-time extra, undiscounted. Each rate
 * rounds to the fen with the tariff's mode. The month accumulators then grow by the fare charged
 * (and one ride) when the line counts toward the month.
 *
 * Bus: the base fare by distance → the card discount (with its rate for the kilometres outside the
 * city limits) — or, with no tap-off, the fare to the farther terminus without discount.
 *
 * Dates: tariffs and the off-peak rule use the Beijing local date of the entry; the month
 * accumulators belong to the month of the exit (the debit happens there) [U].
 */
import type { WorkdayCalendar } from './calendar.js';
import { TableWorkdayCalendar } from './calendar.js';
import { FareRequestError, NoRouteError, UnknownStationError } from './errors.js';
import type { FareDecision, FareStep, QuoteOptions } from './fare-decision.js';
import {
  baseBusNote,
  baseSubwayNote,
  busDiscountNote,
  cardRateNote,
  missingTapOffNote,
  monthResetNote,
  offPeakNote,
  overtimeNote,
  pricedAsNote,
  type Sentences,
  tierNote,
  tierNotApplicable,
} from './fare-notes.js';
import { type ParsedRequest, parseFareRequest } from './fare-request.js';
import { applyRate } from './money.js';
import type { PaidArea, Route, Station, SubwayNetwork } from './network.js';
import { type CompiledOffPeak, type CompiledSubway, type FareGroup, roundDistanceM, tableFareFen, TariffSet } from './tariff-compile.js';
import type { CardType } from './tariff-types.js';
import { hhmm, isoDate, isoOfDateInt, msBetween } from './time.js';

/** What a quote needs besides the request. */
export interface FareContext {
  /** The dated tariff documents (compileTariffs()). */
  tariffs: TariffSet;
  /** The subway network for distances; without one, subway requests must give `distanceKm`. */
  network?: SubwayNetwork | null;
  /** Working days, for the off-peak rule. */
  calendar: WorkdayCalendar;
}

/**
 * Quotes a fare.
 * @param request a fare request (issue 4's JSON shape), validated here.
 * @returns the decision; with `explain: false` the same amounts without steps and route.
 * @throws FareRequestError naming the field of an invalid request (also an unknown station, a
 *   trip across two paid areas, a date with no tariff); CalendarCoverageError when the off-peak
 *   rule needs to know whether a day outside the calendar is a working day; TypeError for a bad
 *   context.
 */
export function quoteFare(request: unknown, context: FareContext, options?: QuoteOptions): FareDecision {
  if (checkedTariffs === undefined || context?.tariffs !== checkedTariffs || context.calendar !== checkedCalendar) checkContext(context);
  const p = parseFareRequest(request);
  const explain = options?.explain !== false;
  return p.mode === 'subway' ? quoteSubway(p, context, explain) : quoteBus(p, context, explain);
}

// ---- shared pieces --------------------------------------------------------------------------

// The last context parts checked: a gate passes the same context to every quote.
let checkedTariffs: TariffSet | undefined;
let checkedCalendar: WorkdayCalendar | undefined;

function checkContext(context: FareContext): void {
  if (!(context?.tariffs instanceof TariffSet)) throw new TypeError('"context.tariffs" expected a TariffSet (compileTariffs())');
  if (typeof context.calendar?.isWorkday !== 'function') throw new TypeError('"context.calendar" expected a WorkdayCalendar');
  checkedTariffs = context.tariffs;
  checkedCalendar = context.calendar;
}

function step(steps: FareStep[], rule: FareStep['rule'], op: FareStep['op'], fareFen: number, s: Sentences, extra?: Partial<FareStep>): void {
  steps.push({ rule, fareFen, note: s[0], noteZh: s[1], op, ...extra });
}

function pricedAs(cardType: CardType, age: number, minAge: number, byAge: boolean): CardType {
  if (minAge < 0 || age < 0) return cardType;
  if (cardType === 'senior') return age >= minAge ? 'senior' : 'standard';
  return byAge && age >= minAge ? 'senior' : cardType;
}

// `YYYY-MM` strings of the months 1900–2199, built on first use (a template string per quote
// cost a tenth of one; a Map look-up, half that).
const PERIOD_FROM_YEAR = 1900;
const periods: (string | undefined)[] = new Array(300 * 12);

/** `YYYY-MM` of a yyyymm number. */
function periodString(yyyymm: number): string {
  const y = Math.floor(yyyymm / 100);
  const m = yyyymm % 100;
  const i = (y - PERIOD_FROM_YEAR) * 12 + m - 1;
  const cached = i >= 0 && i < periods.length ? periods[i] : undefined;
  if (cached !== undefined) return cached;
  const s = `${y}-${m < 10 ? '0' : ''}${m}`;
  if (i >= 0 && i < periods.length) periods[i] = s;
  return s;
}

// The `tariffs` list of a decision, one frozen array per (tariff, scheme) pair shared by the
// decisions; the last pair is kept (building a key string per quote cost a fifth of a quote).
const tariffLists = new WeakMap<CompiledSubway, Map<CompiledOffPeak, readonly string[]>>();
let lastListTariff: CompiledSubway | undefined;
let lastListScheme: CompiledOffPeak | undefined;
let lastList: readonly string[] = [];

function tariffList(tariff: CompiledSubway, scheme: CompiledOffPeak): readonly string[] {
  if (tariff === lastListTariff && scheme === lastListScheme) return lastList;
  let perTariff = tariffLists.get(tariff);
  if (perTariff === undefined) tariffLists.set(tariff, (perTariff = new Map()));
  let list = perTariff.get(scheme);
  if (list === undefined) perTariff.set(scheme, (list = Object.freeze([tariff.id, scheme.id])));
  lastListTariff = tariff;
  lastListScheme = scheme;
  return (lastList = list);
}

function offPeakWhyNot(why: number, group: FareGroup, until: number): Sentences {
  switch (why) {
    case 1:
      return ['not for this card type', '该卡种不适用'];
    case 2:
      return [`not on the ${group.names.en}`, `${group.names.zh}不适用`];
    case 3:
      return [`after ${hhmm(until)}`, `晚于${hhmm(until)}`];
    case 4:
      return ['not a working day', '非工作日'];
    default:
      return ['', ''];
  }
}

function isWorkday(cal: WorkdayCalendar, y: number, m: number, d: number): boolean {
  // The table calendars answer from parsed numbers; any other implementation gets the ISO string.
  return cal instanceof TableWorkdayCalendar ? cal.isWorkdayYmd(y, m, d) : cal.isWorkday(isoDate(y, m, d));
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

// ---- subway ---------------------------------------------------------------------------------

/** A network bound to a tariff: the paid area of each fare group (null when absent). */
interface Binding {
  areas: (PaidArea | null)[];
  /** Per off-peak scheme, which stations (by index) are on its list. */
  offPeak: Map<CompiledOffPeak, Uint8Array>;
}

/** Whether the station (index) is on the scheme's list, by its id or its sign name. */
function offPeakFlags(net: SubwayNetwork, b: Binding, scheme: CompiledOffPeak): Uint8Array {
  let flags = b.offPeak.get(scheme);
  if (flags === undefined) {
    flags = new Uint8Array(net.stations.length);
    for (const st of net.stations) flags[st.index] = scheme.stations.has(st.id) || scheme.stations.has(st.display) ? 1 : 0;
    b.offPeak.set(scheme, flags);
  }
  return flags;
}

const bindings = new WeakMap<SubwayNetwork, Map<CompiledSubway, Binding>>();
// The last binding used: a run of quotes nearly always reuses it (saves two map look-ups).
let lastNet: SubwayNetwork | undefined;
let lastTariff: CompiledSubway | undefined;
let lastBinding: Binding | undefined;

function bindingOf(net: SubwayNetwork, tariff: CompiledSubway): Binding {
  if (net === lastNet && tariff === lastTariff) return lastBinding!;
  lastNet = net;
  lastTariff = tariff;
  return (lastBinding = lookUpBinding(net, tariff));
}

function lookUpBinding(net: SubwayNetwork, tariff: CompiledSubway): Binding {
  let perNet = bindings.get(net);
  if (perNet === undefined) bindings.set(net, (perNet = new Map()));
  let b = perNet.get(tariff);
  if (b !== undefined) return b;
  const areas = tariff.groups.map((g, gi) => {
    const lines = gi === 0 ? net.lines.map((l) => l.name).filter((n) => !tariff.specialByLine.has(n)) : g.lines.filter((n) => net.line(n) !== undefined);
    return lines.length === 0 ? null : net.area(lines);
  });
  perNet.set(tariff, (b = { areas, offPeak: new Map() }));
  return b;
}

function findStation(net: SubwayNetwork, name: string, field: string): Station | undefined {
  try {
    return net.find(name);
  } catch (e) {
    if (e instanceof UnknownStationError) throw new FareRequestError(field, `"${field}": ${e.message}`);
    throw e;
  }
}

interface Trip {
  group: FareGroup;
  distanceM: number;
  fromRequest: boolean;
  route: Route | undefined;
  entry: Station | undefined;
}

function groupNames(tariff: CompiledSubway, b: Binding, st: Station): string {
  const names = tariff.groups.filter((_, gi) => b.areas[gi]?.contains(st.index)).map((g) => (g.id === 'network' ? 'the network' : `the ${g.names.en} (own gates)`));
  return `"${st.id}" is on ${names.join(' and ')}`;
}

function chooseGroup(p: ParsedRequest, tariff: CompiledSubway, b: Binding, entry: Station, exit: Station): number {
  const entryLine = p.req.entry.line;
  const exitLine = p.req.exit?.line;
  if (entryLine !== undefined && !entry.lines.includes(entryLine)) throw new FareRequestError('entry.line', `"entry.line": line "${entryLine}" does not serve "${entry.id}" (${entry.lines.join(', ')} do)`);
  if (exitLine !== undefined && !exit.lines.includes(exitLine)) throw new FareRequestError('exit.line', `"exit.line": line "${exitLine}" does not serve "${exit.id}" (${exit.lines.join(', ')} do)`);
  for (let gi = 0; gi < b.areas.length; gi++) {
    const a = b.areas[gi];
    if (a === null || !a.contains(entry.index) || !a.contains(exit.index)) continue;
    if (entryLine !== undefined && !a.lines.has(entryLine)) continue;
    if (exitLine !== undefined && !a.lines.has(exitLine)) continue;
    return gi;
  }
  throw new FareRequestError(
    'exit.station',
    `"exit.station": no single paid area holds both "${entry.id}" and "${exit.id}" (${groupNames(tariff, b, entry)}; ${groupNames(tariff, b, exit)}${entryLine || exitLine ? '; with the lines given' : ''}): ` +
      'a journey through separate gates is quoted as one trip per paid area',
  );
}

function resolveTrip(p: ParsedRequest, tariff: CompiledSubway, net: SubwayNetwork | null | undefined, explain: boolean): Trip {
  const req = p.req;
  const entry = net ? findStation(net, req.entry.station, 'entry.station') : undefined;
  const exit = net ? findStation(net, req.exit!.station, 'exit.station') : undefined;
  if (p.distanceM >= 0) {
    let group = tariff.groups[0];
    if (net && entry !== undefined && exit !== undefined) {
      group = tariff.groups[chooseGroup(p, tariff, bindingOf(net, tariff), entry, exit)];
    } else {
      // Stations outside the network (or no network): the line hints alone pick a special fare.
      const hint = req.entry.line ?? req.exit?.line;
      group = (hint !== undefined ? tariff.specialByLine.get(hint) : undefined) ?? group;
    }
    return { group, distanceM: p.distanceM, fromRequest: true, route: undefined, entry };
  }
  if (!net) throw new FareRequestError('distanceKm', '"distanceKm" is required: the fare context has no network to measure the trip');
  if (entry === undefined) throw new FareRequestError('entry.station', `"entry.station": ${new UnknownStationError(req.entry.station, net.name, net.suggest(req.entry.station)).message}`);
  if (exit === undefined) throw new FareRequestError('exit.station', `"exit.station": ${new UnknownStationError(req.exit!.station, net.name, net.suggest(req.exit!.station)).message}`);
  const b = bindingOf(net, tariff);
  const gi = chooseGroup(p, tariff, b, entry, exit);
  const area = b.areas[gi]!;
  try {
    const distanceM = area.distanceBetween(entry.index, exit.index);
    return { group: tariff.groups[gi], distanceM, fromRequest: false, route: explain ? area.route(entry.index, exit.index) : undefined, entry };
  } catch (e) {
    if (e instanceof NoRouteError) throw new FareRequestError('exit.station', `"exit.station": ${e.message}`);
    throw e;
  }
}

function quoteSubway(p: ParsedRequest, ctx: FareContext, explain: boolean): FareDecision {
  const entryT = p.entry;
  const exitT = p.exit!;
  const date = entryT.date;
  const tariff = ctx.tariffs.subwayAt(date);
  if (tariff === undefined) throw new FareRequestError('entry.at', `"entry.at": no subway tariff is in force on ${isoOfDateInt(date)}`);
  const rounding = tariff.rounding;
  const steps: FareStep[] = [];
  const trip = resolveTrip(p, tariff, ctx.network, explain);
  const group = trip.group;

  // Base fare.
  const roundedM = roundDistanceM(group.table, trip.distanceM);
  const baseFareFen = tableFareFen(group.table, roundedM);
  let fare = baseFareFen;
  if (explain) step(steps, 'base-fare', 'set', fare, baseSubwayNote(group, trip.distanceM, roundedM, fare, trip.route, trip.fromRequest), { amountFen: fare });

  // Card type.
  const priced = pricedAs(p.cardType, p.holderAge, tariff.seniorMinAge, tariff.seniorByAge);
  if (explain && priced !== p.cardType) step(steps, 'card-type', 'note', fare, pricedAsNote(p.cardType, priced, p.holderAge, tariff.seniorMinAge));
  const card = tariff.cardTypes[priced];
  if (card.rateMille !== 1000) {
    const before = fare;
    fare = applyRate(fare, card.rateMille, 1000, rounding);
    if (explain) step(steps, 'card-type', 'rate', fare, cardRateNote(priced, card.rateMille, 1000, before, fare), { rateNum: card.rateMille, rateDen: 1000 });
  }

  // Month accumulators: the ride's month is the exit's.
  const rideMonth = exitT.y * 100 + exitT.m;
  let spent = p.spentFen;
  let rides = p.rides;
  if (p.period >= 0 && p.period !== rideMonth) {
    spent = 0;
    rides = 0;
    if (explain) step(steps, 'month-reset', 'note', fare, monthResetNote(p.period, rideMonth));
  }

  // Monthly tier, by the spend before this ride.
  let tierRate = 1000;
  if (tariff.tierFrom.length > 0) {
    if (card.monthlyTier && group.monthlyTier) {
      const from = tariff.tierFrom;
      for (let i = from.length - 1; i >= 0; i--) {
        if (spent >= from[i]) {
          tierRate = tariff.tierRate[i];
          break;
        }
      }
      const before = fare;
      if (tierRate !== 1000) fare = applyRate(fare, tierRate, 1000, rounding);
      if (explain) step(steps, 'monthly-tier', tierRate !== 1000 ? 'rate' : 'note', fare, tierNote(spent, tariff.tierFrom, tariff.tierRate, tierRate, before, fare), tierRate !== 1000 ? { rateNum: tierRate, rateDen: 1000 } : undefined);
    } else if (explain) {
      step(steps, 'monthly-tier', 'note', fare, tierNotApplicable(priced, card.monthlyTier, group));
    }
  }

  // Off-peak, multiplied onto the tier.
  const scheme = ctx.tariffs.offPeakAt(date);
  let offRate = 1000;
  if (scheme !== undefined) {
    const name = p.req.entry.station;
    const st = trip.entry;
    // A station of the network: a flag per station index; otherwise the name as given.
    const listed = st !== undefined ? offPeakFlags(ctx.network!, bindingOf(ctx.network!, tariff), scheme)[st.index] === 1 : scheme.stations.has(name);
    if (listed) {
      const minute = Math.floor(entryT.secOfDay / 60);
      // Why not, as a code: the sentences are only built when explaining.
      const why = !card.offPeak ? 1 : !group.offPeak ? 2 : minute > scheme.untilMinute ? 3 : !isWorkday(ctx.calendar, entryT.y, entryT.m, entryT.d) ? 4 : 0;
      const before = fare;
      if (why === 0) {
        offRate = scheme.rateMille;
        fare = applyRate(fare, offRate, 1000, rounding);
      }
      if (explain) {
        const [en, zh] = offPeakWhyNot(why, group, scheme.untilMinute);
        const s = offPeakNote(why === 0, en, zh, st?.id ?? name, date, minute, scheme.untilMinute, scheme.rateMille, before, fare);
        step(steps, 'off-peak', why === 0 ? 'rate' : 'note', fare, s, why === 0 ? { rateNum: offRate, rateDen: 1000 } : undefined);
      }
    }
  }

  // The 4-hour rule: the extra is added after every discount.
  const durationMs = msBetween(entryT, exitT);
  const overtime = tariff.timeLimitSec >= 0 && group.timeLimit && durationMs > tariff.timeLimitSec * 1000;
  if (overtime) {
    const ot = tariff.overtime;
    const add = ot.rule === 'add-start-fare' ? tariff.groups[0].table.startFareFen : ot.rule === 'add-fixed' ? ot.amountFen : 0;
    const before = fare;
    fare += add;
    if (explain) step(steps, 'overtime', 'add', fare, overtimeNote(Math.floor(durationMs / 60000), tariff.timeLimitMinutes, add, before, fare), { amountFen: add });
  }

  if (group.countsTowardMonth) {
    spent += fare;
    rides += 1;
  }
  const decision: FareDecision = {
    fareFen: fare,
    baseFareFen,
    distanceKm: trip.distanceM / 1000,
    steps,
    month: { spentFen: spent, rides, period: periodString(rideMonth) },
    tariff: tariff.id,
    mode: 'subway',
    tariffs: scheme === undefined ? tariff.idList : tariffList(tariff, scheme),
    fareGroup: group.id,
    chargedDistanceKm: roundedM / 1000,
    cardType: p.cardType,
    pricedAs: priced,
    rounding,
    monthlyRateMille: tierRate,
    offPeak: offRate !== 1000,
    offPeakRateMille: offRate,
    overtime,
    durationMinutes: Math.floor(durationMs / 60000),
    missingTapOff: false,
  };
  if (trip.route !== undefined) decision.route = trip.route;
  return decision;
}

// ---- bus ------------------------------------------------------------------------------------

function quoteBus(p: ParsedRequest, ctx: FareContext, explain: boolean): FareDecision {
  const date = p.entry.date;
  const tariff = ctx.tariffs.busAt(date);
  if (tariff === undefined) throw new FareRequestError('entry.at', `"entry.at": no bus tariff is in force on ${isoOfDateInt(date)}`);
  const rounding = tariff.rounding;
  const steps: FareStep[] = [];
  const t = tariff.table;
  const roundedM = roundDistanceM(t, p.distanceM);
  const baseFareFen = tableFareFen(t, roundedM);
  let fare = baseFareFen;
  if (explain) step(steps, 'base-fare', 'set', fare, baseBusNote(t, p.distanceM, roundedM, fare), { amountFen: fare });

  const priced = pricedAs(p.cardType, p.holderAge, tariff.seniorMinAge, tariff.seniorByAge);
  if (explain && priced !== p.cardType) step(steps, 'card-type', 'note', fare, pricedAsNote(p.cardType, priced, p.holderAge, tariff.seniorMinAge));
  const card = tariff.cardTypes[priced];
  const missing = p.exit === undefined;
  if (missing && explain) step(steps, 'missing-tap-off', 'note', fare, missingTapOffNote(p.distanceM, tariff.missingTapOff.discounted));

  if (!missing || tariff.missingTapOff.discounted) {
    const rIn = card.rateMille;
    const rOut = card.outsideCityRateMille;
    let num = rIn;
    let den = 1000;
    if (p.outsideM > 0 && rIn !== rOut && baseFareFen > 0) {
      if (tariff.split === 'outside-first') {
        const outFare = Math.min(baseFareFen, tableFareFen(t, roundDistanceM(t, p.outsideM)));
        num = rOut * outFare + rIn * (baseFareFen - outFare);
        den = 1000 * baseFareFen;
      } else {
        num = rIn * (p.distanceM - p.outsideM) + rOut * p.outsideM;
        den = 1000 * p.distanceM;
      }
      const g = gcd(num, den);
      num /= g;
      den /= g;
    }
    const before = fare;
    fare = applyRate(fare, num, den, rounding);
    if (explain) step(steps, 'card-discount', 'rate', fare, busDiscountNote(priced, rIn, rOut, p.outsideM, num, den, before, fare, tariff.split), { rateNum: num, rateDen: den });
  } else if (card.rateMille === 0 && card.outsideCityRateMille === 0 && tariff.missingTapOff.freeStaysFree) {
    const before = fare;
    fare = 0;
    if (explain) step(steps, 'card-discount', 'rate', fare, cardRateNote(priced, 0, 1000, before, fare), { rateNum: 0, rateDen: 1 });
  }

  const last = p.exit ?? p.entry;
  const rideMonth = last.y * 100 + last.m;
  let spent = p.spentFen;
  let rides = p.rides;
  if (p.period >= 0 && p.period !== rideMonth) {
    spent = 0;
    rides = 0;
    if (explain) step(steps, 'month-reset', 'note', fare, monthResetNote(p.period, rideMonth));
  }
  if (tariff.countsTowardMonth) {
    spent += fare;
    rides += 1;
  }
  return {
    fareFen: fare,
    baseFareFen,
    distanceKm: p.distanceM / 1000,
    steps,
    month: { spentFen: spent, rides, period: periodString(rideMonth) },
    tariff: tariff.id,
    mode: 'bus',
    tariffs: tariff.idList,
    fareGroup: 'bus',
    chargedDistanceKm: roundedM / 1000,
    cardType: p.cardType,
    pricedAs: priced,
    rounding,
    monthlyRateMille: 1000,
    offPeak: false,
    offPeakRateMille: 1000,
    overtime: false,
    durationMinutes: p.exit === undefined ? null : Math.floor(msBetween(p.entry, p.exit) / 60000),
    missingTapOff: missing,
  };
}
