/**
 * Tariff documents → a {@link TariffSet}: every document validated (errors name the document and
 * the path of the bad field), fare tables precompiled into arrays, documents of one kind checked
 * not to overlap in time, and the one in force on a date found in O(documents).
 */
import { FareRequestError, TariffDataError } from './errors.js';
import { ROUNDING_MODES, type RoundingMode } from './money.js';
import {
  CARD_TYPES,
  type BusCardRule,
  type BusTariff,
  type CardType,
  type Names,
  type OffPeakScheme,
  type OvertimeRule,
  type SubwayCardRule,
  type SubwayTariff,
  TARIFF_KINDS,
  type TariffDoc,
} from './tariff-types.js';
import { dateInt, parseHhmm, parseIsoDate } from './time.js';
import { showValue } from './show-value.js';

// ---- compiled forms -------------------------------------------------------------------------

/** A fare table ready for quoting: distance rounding, band edges and fares as arrays. */
export interface CompiledFareTable {
  flat: boolean;
  /** The flat fare, or the first band's fare (the starting fare). */
  startFareFen: number;
  unitM: number;
  mode: RoundingMode;
  /** Finite band edges (inclusive, metres after rounding), increasing. */
  edges: number[];
  /** Fare of each finite band. */
  fares: number[];
  /** Fare beyond the last edge when the last band is unbounded; −1 otherwise. */
  openFareFen: number;
  /** Increment beyond the last edge (when no unbounded band): per stepM or part. */
  beyondStepM: number;
  beyondAddFen: number;
}

/** The network or a special line, with the flags the quote needs. */
export interface FareGroup {
  /** `network` for the network fare, else the special line's id. */
  id: string;
  names: Names;
  table: CompiledFareTable;
  /** Line names of a special line; empty for the network (= every other line). */
  lines: readonly string[];
  separatePaidArea: boolean;
  monthlyTier: boolean;
  countsTowardMonth: boolean;
  offPeak: boolean;
  timeLimit: boolean;
}

interface Dated {
  id: string;
  /** `[id]`, frozen: shared by the decisions that use this document alone. */
  idList: readonly string[];
  from: number;
  /** yyyymmdd, or 99991231 when open. */
  to: number;
}

export interface CompiledSubway extends Dated {
  kind: 'subway';
  doc: SubwayTariff;
  rounding: RoundingMode;
  /** groups[0] is the network; the rest are the special lines in document order. */
  groups: FareGroup[];
  /** Line name → its special group. */
  specialByLine: Map<string, FareGroup>;
  /** Seconds allowed in the paid area; −1 = no limit. */
  timeLimitSec: number;
  timeLimitMinutes: number;
  overtime: OvertimeRule;
  tierFrom: number[];
  tierRate: number[];
  cardTypes: Record<CardType, SubwayCardRule>;
  seniorMinAge: number;
  seniorByAge: boolean;
}

export interface CompiledOffPeak extends Dated {
  kind: 'subway-off-peak';
  doc: OffPeakScheme;
  rateMille: number;
  /** Minutes since midnight, inclusive. */
  untilMinute: number;
  stations: Set<string>;
}

export interface CompiledBus extends Dated {
  kind: 'bus';
  doc: BusTariff;
  rounding: RoundingMode;
  table: CompiledFareTable;
  cardTypes: Record<CardType, BusCardRule>;
  split: BusTariff['outsideCitySplit'];
  seniorMinAge: number;
  seniorByAge: boolean;
  missingTapOff: BusTariff['missingTapOff'];
  countsTowardMonth: boolean;
}

export type CompiledTariff = CompiledSubway | CompiledOffPeak | CompiledBus;

// ---- fare tables ----------------------------------------------------------------------------

/** `metres` rounded to the table's unit before banding (0 for a flat fare). */
export function roundDistanceM(t: CompiledFareTable, metres: number): number {
  if (t.flat) return metres;
  const u = t.unitM;
  if (u === 1) return metres;
  const q = Math.floor(metres / u);
  const r = metres - q * u;
  if (r === 0) return metres;
  switch (t.mode) {
    case 'down':
      return q * u;
    case 'up':
      return (q + 1) * u;
    case 'half-up':
      return (2 * r >= u ? q + 1 : q) * u;
    case 'half-even':
      return (2 * r > u || (2 * r === u && q % 2 === 1) ? q + 1 : q) * u;
  }
}

/** The fare of a rounded distance. */
export function tableFareFen(t: CompiledFareTable, roundedM: number): number {
  if (t.flat) return t.startFareFen;
  const edges = t.edges;
  for (let i = 0; i < edges.length; i++) if (roundedM <= edges[i]) return t.fares[i];
  if (t.openFareFen >= 0) return t.openFareFen;
  const last = edges.length - 1;
  return t.fares[last] + Math.ceil((roundedM - edges[last]) / t.beyondStepM) * t.beyondAddFen;
}

/** Which band a rounded distance falls in, for explanations: `≤ 22 km` / `> 32 km` / `flat`. */
export function bandLabel(t: CompiledFareTable, roundedM: number): { en: string; zh: string } {
  if (t.flat) return { en: 'flat fare', zh: '单一票价' };
  const km = (m: number): string => String(m / 1000);
  for (let i = 0; i < t.edges.length; i++) {
    if (roundedM <= t.edges[i]) {
      const lo = i === 0 ? 0 : t.edges[i - 1];
      return i === 0 ? { en: `band ≤ ${km(t.edges[i])} km`, zh: `${km(t.edges[i])}公里（含）以内` } : { en: `band ${km(lo)}–${km(t.edges[i])} km`, zh: `${km(lo)}至${km(t.edges[i])}公里（含）` };
    }
  }
  const last = t.edges[t.edges.length - 1];
  if (t.openFareFen >= 0) return { en: `band > ${km(last)} km`, zh: `${km(last)}公里以上` };
  const steps = Math.ceil((roundedM - last) / t.beyondStepM);
  const lastFare = (t.fares[t.fares.length - 1] / 100).toFixed(2);
  const add = (t.beyondAddFen / 100).toFixed(2);
  return {
    en: `${lastFare} yuan up to ${km(last)} km + ${add} yuan × ${steps} for each further ${km(t.beyondStepM)} km or part`,
    zh: `${km(last)}公里（含）内${lastFare}元，超出部分每${km(t.beyondStepM)}公里（不足${km(t.beyondStepM)}公里按${km(t.beyondStepM)}公里计）加${add}元，共加${steps}次，`,
  };
}

// ---- validation -----------------------------------------------------------------------------

const MAX_FEN = 10_000_000;
const MAX_M = 10_000_000;

class Checker {
  constructor(readonly doc: string) {}
  fail(path: string, detail: string): never {
    throw new TariffDataError(this.doc, path, detail);
  }
  obj(path: string, v: unknown): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${showValue(v)}`);
    return v as Record<string, unknown>;
  }
  arr(path: string, v: unknown): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${showValue(v)}`);
    return v as unknown[];
  }
  str(path: string, v: unknown): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(path, `expected a non-empty string, got ${showValue(v)}`);
    return v as string;
  }
  bool(path: string, v: unknown): boolean {
    if (typeof v !== 'boolean') this.fail(path, `expected true or false, got ${showValue(v)}`);
    return v as boolean;
  }
  int(path: string, v: unknown, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) this.fail(path, `expected an integer in [${min}, ${max}], got ${showValue(v)}`);
    return v as number;
  }
  oneOf<T extends string>(path: string, v: unknown, allowed: readonly T[]): T {
    if (!allowed.includes(v as T)) this.fail(path, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${showValue(v)}`);
    return v as T;
  }
  date(path: string, v: unknown): number {
    const p = parseIsoDate(v);
    if (p === undefined) this.fail(path, `expected a date YYYY-MM-DD, got ${showValue(v)}`);
    return dateInt(p!.y, p!.m, p!.d);
  }
  names(path: string, v: unknown): Names {
    const o = this.obj(path, v);
    return { en: this.str(`${path}.en`, o.en), zh: this.str(`${path}.zh`, o.zh) };
  }
}


function compileTable(c: Checker, path: string, v: unknown): CompiledFareTable {
  const o = c.obj(path, v);
  const basis = c.oneOf(`${path}.basis`, o.basis, ['distance', 'flat'] as const);
  if (basis === 'flat') {
    const fare = c.int(`${path}.fareFen`, o.fareFen, 0, MAX_FEN);
    return { flat: true, startFareFen: fare, unitM: 1, mode: 'down', edges: [], fares: [], openFareFen: -1, beyondStepM: 0, beyondAddFen: 0 };
  }
  const dist = c.obj(`${path}.distance`, o.distance);
  const unitM = c.int(`${path}.distance.unitM`, dist.unitM, 1, 100_000);
  const mode = c.oneOf(`${path}.distance.mode`, dist.mode, ROUNDING_MODES);
  const bands = c.arr(`${path}.bands`, o.bands);
  if (bands.length === 0) c.fail(`${path}.bands`, 'expected at least one band');
  const edges: number[] = [];
  const fares: number[] = [];
  let openFareFen = -1;
  let prevFare = 0;
  bands.forEach((b, i) => {
    const p = `${path}.bands[${i}]`;
    const band = c.obj(p, b);
    const fare = c.int(`${p}.fareFen`, band.fareFen, 0, MAX_FEN);
    if (fare < prevFare) c.fail(`${p}.fareFen`, `must not be lower than the band before (${prevFare})`);
    prevFare = fare;
    if (band.upToM === null) {
      if (i !== bands.length - 1) c.fail(`${p}.upToM`, 'null (no limit) is only allowed on the last band');
      openFareFen = fare;
      return;
    }
    const up = c.int(`${p}.upToM`, band.upToM, 0, MAX_M);
    if (edges.length > 0 && up <= edges[edges.length - 1]) c.fail(`${p}.upToM`, `must exceed the band before (${edges[edges.length - 1]})`);
    edges.push(up);
    fares.push(fare);
  });
  if (edges.length === 0) c.fail(`${path}.bands`, 'expected at least one band with a finite upToM');
  let beyondStepM = 0;
  let beyondAddFen = 0;
  if (o.beyond !== undefined) {
    if (openFareFen >= 0) c.fail(`${path}.beyond`, 'not allowed when the last band has no limit');
    const b = c.obj(`${path}.beyond`, o.beyond);
    beyondStepM = c.int(`${path}.beyond.stepM`, b.stepM, 1, MAX_M);
    beyondAddFen = c.int(`${path}.beyond.addFen`, b.addFen, 0, MAX_FEN);
  } else if (openFareFen < 0) {
    c.fail(`${path}.beyond`, 'required when every band has a limit (what does a longer trip pay?)');
  }
  return { flat: false, startFareFen: fares[0], unitM, mode, edges, fares, openFareFen, beyondStepM, beyondAddFen };
}

function compileBase(c: Checker, o: Record<string, unknown>): Dated {
  c.str('id', o.id);
  c.str('title', o.title);
  c.str('titleZh', o.titleZh);
  const eff = c.obj('effective', o.effective);
  const from = c.date('effective.from', eff.from);
  const to = eff.to === null ? 99991231 : c.date('effective.to', eff.to);
  if (to < from) c.fail('effective.to', 'is before effective.from');
  c.arr('sources', o.sources).forEach((s, i) => c.str(`sources[${i}]`, s));
  const marks = c.obj('marks', o.marks);
  for (const [k, m] of Object.entries(marks)) {
    const mo = c.obj(`marks.${k}`, m);
    c.oneOf(`marks.${k}.mark`, mo.mark, ['V', 'S', 'U', 'P'] as const);
    c.str(`marks.${k}.note`, mo.note);
  }
  return { id: o.id as string, idList: Object.freeze([o.id as string]), from, to };
}

function compileSubway(c: Checker, o: Record<string, unknown>): CompiledSubway {
  const base = compileBase(c, o);
  const rounding = c.oneOf('rounding', o.rounding, ROUNDING_MODES);
  const network: FareGroup = {
    id: 'network',
    names: c.names('networkNames', o.networkNames),
    table: compileTable(c, 'network', o.network),
    lines: [],
    separatePaidArea: false,
    monthlyTier: true,
    countsTowardMonth: true,
    offPeak: true,
    timeLimit: true,
  };
  const groups: FareGroup[] = [network];
  const specialByLine = new Map<string, FareGroup>();
  c.arr('specialLines', o.specialLines).forEach((s, i) => {
    const p = `specialLines[${i}]`;
    const so = c.obj(p, s);
    const id = c.str(`${p}.id`, so.id);
    if (id === 'network' || groups.some((g) => g.id === id)) c.fail(`${p}.id`, `duplicate or reserved id "${id}"`);
    const lines = c.arr(`${p}.lines`, so.lines).map((l, j) => c.str(`${p}.lines[${j}]`, l));
    if (lines.length === 0) c.fail(`${p}.lines`, 'expected at least one line');
    const g: FareGroup = {
      id,
      names: c.names(`${p}.names`, so.names),
      table: compileTable(c, `${p}.fare`, so.fare),
      lines,
      separatePaidArea: c.bool(`${p}.separatePaidArea`, so.separatePaidArea),
      monthlyTier: c.bool(`${p}.monthlyTier`, so.monthlyTier),
      countsTowardMonth: c.bool(`${p}.countsTowardMonth`, so.countsTowardMonth),
      offPeak: c.bool(`${p}.offPeak`, so.offPeak),
      timeLimit: c.bool(`${p}.timeLimit`, so.timeLimit),
    };
    if (!g.separatePaidArea) {
      // A special fare inside the shared paid area would need fares per leg, which Beijing's
      // special lines do not have: they all sit behind their own gates.
      c.fail(`${p}.separatePaidArea`, 'only lines with their own paid area are supported (true)');
    }
    for (const l of lines) {
      if (specialByLine.has(l)) c.fail(`${p}.lines`, `line "${l}" is already in "${specialByLine.get(l)!.id}"`);
      specialByLine.set(l, g);
    }
    groups.push(g);
  });
  let timeLimitSec = -1;
  let timeLimitMinutes = 0;
  let overtime: OvertimeRule = { rule: 'none' };
  if (o.timeLimit !== null) {
    const tl = c.obj('timeLimit', o.timeLimit);
    timeLimitMinutes = c.int('timeLimit.minutes', tl.minutes, 1, 7 * 24 * 60);
    timeLimitSec = timeLimitMinutes * 60;
    const ot = c.obj('timeLimit.overtime', tl.overtime);
    const rule = c.oneOf('timeLimit.overtime.rule', ot.rule, ['none', 'add-start-fare', 'add-fixed'] as const);
    overtime = rule === 'add-fixed' ? { rule, amountFen: c.int('timeLimit.overtime.amountFen', ot.amountFen, 0, MAX_FEN) } : { rule };
  }
  const tierFrom: number[] = [];
  const tierRate: number[] = [];
  c.arr('monthlyTiers', o.monthlyTiers).forEach((t, i) => {
    const to = c.obj(`monthlyTiers[${i}]`, t);
    const from = c.int(`monthlyTiers[${i}].fromFen`, to.fromFen, 1, MAX_FEN * 100);
    if (tierFrom.length > 0 && from <= tierFrom[tierFrom.length - 1]) c.fail(`monthlyTiers[${i}].fromFen`, 'must exceed the tier before');
    tierFrom.push(from);
    tierRate.push(c.int(`monthlyTiers[${i}].rateMille`, to.rateMille, 0, 1000));
  });
  const ct = c.obj('cardTypes', o.cardTypes);
  const cardTypes = {} as Record<CardType, SubwayCardRule>;
  for (const k of CARD_TYPES) {
    const r = c.obj(`cardTypes.${k}`, ct[k]);
    cardTypes[k] = {
      rateMille: c.int(`cardTypes.${k}.rateMille`, r.rateMille, 0, 1000),
      monthlyTier: c.bool(`cardTypes.${k}.monthlyTier`, r.monthlyTier),
      offPeak: c.bool(`cardTypes.${k}.offPeak`, r.offPeak),
    };
  }
  return {
    ...base,
    kind: 'subway',
    doc: o as unknown as SubwayTariff,
    rounding,
    groups,
    specialByLine,
    timeLimitSec,
    timeLimitMinutes,
    overtime,
    tierFrom,
    tierRate,
    cardTypes,
    seniorMinAge: o.seniorMinAge === null ? -1 : c.int('seniorMinAge', o.seniorMinAge, 0, 150),
    seniorByAge: c.bool('seniorByAge', o.seniorByAge),
  };
}

function compileOffPeak(c: Checker, o: Record<string, unknown>): CompiledOffPeak {
  const base = compileBase(c, o);
  const untilMinute = parseHhmm(o.entryUntil);
  if (untilMinute === undefined) c.fail('entryUntil', `expected a time hh:mm, got ${showValue(o.entryUntil)}`);
  c.oneOf('days', o.days, ['workdays'] as const);
  const stations = new Set<string>();
  c.arr('stations', o.stations).forEach((s, i) => {
    const name = c.str(`stations[${i}]`, s);
    if (stations.has(name)) c.fail(`stations[${i}]`, `duplicate station "${name}"`);
    stations.add(name);
  });
  return { ...base, kind: 'subway-off-peak', doc: o as unknown as OffPeakScheme, rateMille: c.int('rateMille', o.rateMille, 0, 1000), untilMinute: untilMinute!, stations };
}

function compileBus(c: Checker, o: Record<string, unknown>): CompiledBus {
  const base = compileBase(c, o);
  const table = compileTable(c, 'fare', o.fare);
  if (table.flat) c.fail('fare.basis', "expected 'distance' for a bus tariff");
  const ct = c.obj('cardTypes', o.cardTypes);
  const cardTypes = {} as Record<CardType, BusCardRule>;
  for (const k of CARD_TYPES) {
    const r = c.obj(`cardTypes.${k}`, ct[k]);
    cardTypes[k] = {
      rateMille: c.int(`cardTypes.${k}.rateMille`, r.rateMille, 0, 1000),
      outsideCityRateMille: c.int(`cardTypes.${k}.outsideCityRateMille`, r.outsideCityRateMille, 0, 1000),
    };
  }
  const mt = c.obj('missingTapOff', o.missingTapOff);
  return {
    ...base,
    kind: 'bus',
    doc: o as unknown as BusTariff,
    rounding: c.oneOf('rounding', o.rounding, ROUNDING_MODES),
    table,
    cardTypes,
    split: c.oneOf('outsideCitySplit', o.outsideCitySplit, ['outside-first', 'pro-rata'] as const),
    seniorMinAge: o.seniorMinAge === null ? -1 : c.int('seniorMinAge', o.seniorMinAge, 0, 150),
    seniorByAge: c.bool('seniorByAge', o.seniorByAge),
    missingTapOff: { discounted: c.bool('missingTapOff.discounted', mt.discounted), freeStaysFree: c.bool('missingTapOff.freeStaysFree', mt.freeStaysFree) },
    countsTowardMonth: c.bool('countsTowardMonth', o.countsTowardMonth),
  };
}

/**
 * Validates and compiles one tariff document.
 * @throws TariffDataError naming the document and the path of the bad field.
 */
export function compileTariff(doc: unknown): CompiledTariff {
  const id = (doc as { id?: unknown } | null)?.id;
  const c = new Checker(`tariff ${typeof id === 'string' ? JSON.stringify(id) : '(no id)'}`);
  const o = c.obj('', doc);
  const kind = c.oneOf('kind', o.kind, TARIFF_KINDS);
  return kind === 'subway' ? compileSubway(c, o) : kind === 'bus' ? compileBus(c, o) : compileOffPeak(c, o);
}

// ---- the set --------------------------------------------------------------------------------

/** Tariff documents of every kind, validated, each found by date. */
export class TariffSet {
  readonly docs: readonly TariffDoc[];
  private readonly subways: CompiledSubway[];
  private readonly offPeaks: CompiledOffPeak[];
  private readonly buses: CompiledBus[];
  private readonly byId = new Map<string, CompiledTariff>();
  // The last hit per kind: nearly every quote of a run falls in the same tariff.
  private lastSubway: CompiledSubway | undefined;
  private lastBus: CompiledBus | undefined;
  private lastOffPeak: CompiledOffPeak | undefined;

  /**
   * @throws TariffDataError for an invalid document, a duplicate id, or two documents of the
   *   same kind in force on the same day.
   */
  constructor(docs: readonly unknown[]) {
    if (!Array.isArray(docs)) throw new TariffDataError('tariff set', '', 'expected an array of tariff documents');
    const compiled = docs.map(compileTariff);
    for (const t of compiled) {
      if (this.byId.has(t.id)) throw new TariffDataError(`tariff "${t.id}"`, 'id', 'is used by two documents');
      this.byId.set(t.id, t);
    }
    const sorted = <T extends CompiledTariff>(kind: T['kind']): T[] => {
      const list = compiled.filter((t): t is T => t.kind === kind).sort((a, b) => a.from - b.from);
      for (let i = 1; i < list.length; i++) {
        if (list[i].from <= list[i - 1].to) throw new TariffDataError(`tariff "${list[i].id}"`, 'effective', `overlaps "${list[i - 1].id}" (both ${kind} tariffs in force on one day)`);
      }
      return list;
    };
    this.subways = sorted<CompiledSubway>('subway');
    this.offPeaks = sorted<CompiledOffPeak>('subway-off-peak');
    this.buses = sorted<CompiledBus>('bus');
    this.docs = compiled.map((t) => t.doc);
  }

  /** The subway tariff in force on yyyymmdd `date`, if any. */
  subwayAt(date: number): CompiledSubway | undefined {
    const last = this.lastSubway;
    if (last !== undefined && date >= last.from && date <= last.to) return last;
    const hit = find(this.subways, date);
    if (hit !== undefined) this.lastSubway = hit;
    return hit;
  }

  /** The off-peak scheme in force on yyyymmdd `date`, if any. */
  offPeakAt(date: number): CompiledOffPeak | undefined {
    const last = this.lastOffPeak;
    if (last !== undefined && date >= last.from && date <= last.to) return last;
    const hit = find(this.offPeaks, date);
    if (hit !== undefined) this.lastOffPeak = hit;
    return hit;
  }

  /** The bus tariff in force on yyyymmdd `date`, if any. */
  busAt(date: number): CompiledBus | undefined {
    const last = this.lastBus;
    if (last !== undefined && date >= last.from && date <= last.to) return last;
    const hit = find(this.buses, date);
    if (hit !== undefined) this.lastBus = hit;
    return hit;
  }

  /** A compiled tariff by id. */
  get(id: string): CompiledTariff | undefined {
    return this.byId.get(id);
  }

  /** Every document in force on yyyymmdd `date`. */
  inForce(date: number): TariffDoc[] {
    return [this.subwayAt(date), this.offPeakAt(date), this.busAt(date)].filter((t) => t !== undefined).map((t) => t.doc);
  }

  /** The compiled documents of each kind, oldest first. */
  get kinds(): Record<'subway' | 'subway-off-peak' | 'bus', readonly CompiledTariff[]> {
    return { subway: this.subways, 'subway-off-peak': this.offPeaks, bus: this.buses };
  }
}

function find<T extends Dated>(list: readonly T[], date: number): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const t = list[i];
    if (date >= t.from) return date <= t.to ? t : undefined;
  }
  return undefined;
}

/**
 * Validates and compiles tariff documents into a set.
 * @throws TariffDataError naming the document and field.
 */
export function compileTariffs(docs: readonly unknown[]): TariffSet {
  return new TariffSet(docs);
}

/**
 * The tariff documents in force on `date` (`YYYY-MM-DD`): the subway tariff, the off-peak scheme
 * and the bus tariff, those that exist on that day.
 * @throws FareRequestError (field `date`) for a malformed date.
 */
export function tariffsInForce(set: TariffSet, date: string): TariffDoc[] {
  const p = parseIsoDate(date);
  if (p === undefined) throw new FareRequestError('date', `"date" is not a date YYYY-MM-DD: ${JSON.stringify(date)}`);
  return set.inForce(dateInt(p.y, p.m, p.d));
}
