/**
 * The terminals behind the HTTP API (issue 5, `POST /v1/terminals`, `/taps`, `/loads`): rail
 * gates, bus validators and top-up points, each with its own in-process reader and (gates, bus)
 * a simulated PSAM, kept in the card store so they survive a restart.
 *
 * A tap is one durable unit: the card's image, the PSAM's state (its terminal sequence number),
 * the terminal's pending 闪卡 list and the journal records land in one store transaction
 * (StoredCard.run with a terminal write) before the answer leaves. After a crash the store holds
 * either everything a tap did or nothing of it, so every card's balance equals its loads minus its
 * journaled debits, and no PSAM sequence number is handed out twice.
 *
 * Terminal instances are rebuilt lazily from their stored config and state; one whose save failed
 * is dropped and rebuilt from the store on next use.
 */
import { purseCrypto } from '../../engine/index.js';
import type { Card, CardImage } from '../../engine/index.js';
import { defaultFareContext } from '../../engine/rules/index.js';
import type { FareContext, WorkdayCalendar } from '../../engine/rules/index.js';
import type { FareDecision } from '../../engine/rules/index.js';
import type { JournalRecord, JournalSink } from '../clearing/journal.js';
import { IssuerHost } from '../issuer/issuer-host.js';
import { issuePsamImage, psamFromImage } from '../psam/issue-psam.js';
import { MemoryReader } from '../reader/memory-reader.js';
import { StoreConflictError } from '../store/index.js';
import type { StoredCard } from '../store/index.js';
import type { CardStore, TerminalKind, TerminalRow } from '../store/index.js';
import { beijingBusFare, beijingFare } from '../terminals/beijing-fare.js';
import { BusValidator } from '../terminals/bus-validator.js';
import type { BusOutcome, BusPendingPurchase, BusRoute } from '../terminals/bus-validator.js';
import { Gate } from '../terminals/gate.js';
import type { GateOutcome } from '../terminals/gate.js';
import type { PendingLoad, PendingPurchase } from '../terminals/pending.js';
import { TopUpTerminal } from '../terminals/topup.js';
import type { TopUpOutcome } from '../terminals/topup.js';
import { StationDirectory, UnknownStationCodeError } from '../transit/station-directory.js';
import type { CardService } from './card-service.js';
import { ApiError } from './errors.js';
import { tapView, loadView } from './terminal-views.js';
import type { LoadView, TapView } from './terminal-views.js';

export interface GateConfig {
  kind: 'gate';
  direction: 'entry' | 'exit';
  station: { line: number; station: number };
  terminalId: string;
}

export interface BusConfig {
  kind: 'bus';
  route: BusRoute;
  stop: number;
  terminalId: string;
}

export interface TopUpConfig {
  kind: 'topup';
  terminalId: string;
}

export type TerminalConfig = GateConfig | BusConfig | TopUpConfig;

export interface CreateTerminalInput {
  kind: TerminalKind;
  id?: string;
  terminalId?: string;
  direction?: 'entry' | 'exit';
  station?: { line: number; station: number } | { name: string; line?: string };
  route?: BusRoute;
  stop?: number;
}

/** A terminal as the API shows it: the config, no PSAM, no keys. */
export interface TerminalView {
  id: string;
  kind: TerminalKind;
  terminalId: string;
  direction?: 'entry' | 'exit';
  station?: { line: number; station: number; name: string; lineName: string };
  route?: RouteView;
  stop?: number;
  pending: number;
  createdAt: number;
}

/** A bus route as JSON (mutable copies of BusRoute's readonly arrays). */
export interface RouteView {
  line: number;
  name?: string;
  stops: { code: number; name: string; km: number }[];
  outsideCity?: { fromKm: number; toKm: number }[];
}

function routeView(r: BusRoute): RouteView {
  return {
    line: r.line,
    ...(r.name !== undefined ? { name: r.name } : {}),
    stops: r.stops.map((x) => ({ code: x.code, name: x.name, km: x.km })),
    ...(r.outsideCity ? { outsideCity: r.outsideCity.map((o) => ({ fromKm: o.fromKm, toKm: o.toKm })) } : {}),
  };
}

/** What the store keeps of a terminal besides its config. */
interface TerminalState {
  psam?: CardImage;
  pending: (PendingPurchase | PendingLoad | BusPendingPurchase)[];
  /** A bus validator's current stop. */
  stop?: number;
}

/**
 * The demo bus route (line 300 [P: made-up stops]; distances chosen to cross the bus tariff's
 * 10 km and 15 km steps).
 */
export const DEMO_BUS_ROUTE: BusRoute = Object.freeze({
  line: 300,
  name: '300 (demo)',
  stops: Object.freeze([
    { code: 1, name: '大钟寺', km: 0 },
    { code: 2, name: '蓟门桥', km: 3.2 },
    { code: 3, name: '马甸桥', km: 6.1 },
    { code: 4, name: '安贞桥', km: 9.4 },
    { code: 5, name: '三元桥', km: 13.7 },
    { code: 6, name: '国贸', km: 21.5 },
  ]),
}) as BusRoute;

/** A built terminal: the engine object, its readers and what a flow needs around it. */
interface Live {
  row: TerminalRow;
  config: TerminalConfig;
  reader: MemoryReader;
  psam?: Card;
  psamGen: number;
  /** JSON of the pending list and bus stop last saved. */
  softText: string;
  /** Journal records appended during the current flow. */
  captured: JournalRecord[];
  /** The fare decision of the current flow (gates and bus). */
  decision?: FareDecision;
  /** The time of the current flow; undefined = the server clock. */
  at?: number;
  gate?: Gate;
  bus?: BusValidator;
  topUp?: TopUpTerminal;
}

const TERMINAL_ID_RE = /^[0-9a-f]{12}$/;

export function terminalKey(id: string): string {
  return `terminal:${id}`;
}

export interface TerminalServiceOptions {
  store: CardStore;
  cards: CardService;
  now: () => number;
  /** The working-day calendar of the off-peak rule (default: chinese-days, see defaultFareContext). */
  calendar?: WorkdayCalendar;
}

export class TerminalService {
  private readonly live = new Map<string, Live>();
  private readonly store: CardStore;
  private readonly cards: CardService;
  private readonly now: () => number;
  private readonly keys = purseCrypto.DEMO_ISSUER_KEYS;
  private readonly host = new IssuerHost(purseCrypto.DEMO_ISSUER_KEYS);
  private readonly context: FareContext;
  private readonly busContext: FareContext;
  private readonly directory: StationDirectory;

  constructor(opts: TerminalServiceOptions) {
    this.store = opts.store;
    this.cards = opts.cards;
    this.now = opts.now;
    const calendar = opts.calendar ? { calendar: opts.calendar } : {};
    this.context = defaultFareContext(calendar);
    this.busContext = defaultFareContext({ network: null, ...calendar });
    this.directory = StationDirectory.fromNetwork(this.context.network!);
  }

  /** @throws ApiError BAD_TERMINAL_OPTIONS, TERMINAL_EXISTS */
  create(input: CreateTerminalInput): TerminalView {
    const rows = this.store.listTerminals();
    const existing = new Set(rows.map((t) => t.id));
    const id = input.id ?? this.freeId(input.kind, existing);
    if (existing.has(id)) throw new ApiError('TERMINAL_EXISTS', { id });
    const terminalId = (input.terminalId ?? this.freeTerminalId(input.kind, rows)).toLowerCase();
    if (!TERMINAL_ID_RE.test(terminalId)) throw new ApiError('BAD_TERMINAL_OPTIONS', { detail: `"terminalId" expected 12 hex digits, got ${JSON.stringify(input.terminalId)}` });
    const config = this.configOf(input, terminalId);
    const state: TerminalState = { pending: [] };
    // (The PSAM's random stream is seeded from its terminal id too: reproducible, not shared.)
    if (config.kind !== 'topup') state.psam = issuePsamImage({ terminalId, seed: 0, issuerKeys: this.keys });
    try {
      this.store.createTerminal(id, config.kind, config, state);
    } catch (e) {
      if (e instanceof StoreConflictError) throw new ApiError('TERMINAL_EXISTS', { id });
      if (e instanceof RangeError) throw new ApiError('BAD_TERMINAL_OPTIONS', { detail: e.message });
      throw e;
    }
    return this.view(this.store.getTerminal(id)!);
  }

  list(): TerminalView[] {
    return this.store.listTerminals().map((r) => this.view(r));
  }

  /** @throws ApiError UNKNOWN_TERMINAL */
  get(id: string): TerminalView {
    const row = this.store.getTerminal(id);
    if (!row) throw new ApiError('UNKNOWN_TERMINAL', { id });
    return this.view(row);
  }

  /** @throws ApiError UNKNOWN_TERMINAL */
  async remove(id: string): Promise<void> {
    await this.cards.locks.run([terminalKey(id)], async () => {
      this.live.delete(id);
      if (!this.store.deleteTerminal(id)) throw new ApiError('UNKNOWN_TERMINAL', { id });
    });
  }

  /**
   * Presents a card to a gate or a bus validator (`side` on/off; `stop` moves the bus first).
   * @throws ApiError UNKNOWN_TERMINAL, UNKNOWN_CARD, WRONG_TERMINAL_KIND, CARD_IN_READER, BAD_TIME
   */
  async tap(id: string, input: { cardId: string; at?: string; side?: 'on' | 'off'; stop?: number }): Promise<TapView> {
    const at = parseAt(input.at);
    return this.cards.withCard(input.cardId, async (sc) => {
      const { outcome, decision } = await this.flow<GateOutcome | BusOutcome>(id, sc, at, (t) => {
        if (t.config.kind === 'topup') throw new ApiError('WRONG_TERMINAL_KIND', { id, kind: 'top-up point', what: 'POST /v1/terminals/{id}/loads to load a card' });
        if (t.config.kind === 'gate' && (input.side !== undefined || input.stop !== undefined)) {
          throw new ApiError('BAD_TERMINAL_OPTIONS', { detail: `"side" and "stop" are for bus validators; terminal "${id}" is a gate` });
        }
        if (t.bus && input.stop !== undefined) {
          try {
            t.bus.atStop(input.stop);
          } catch (e) {
            if (e instanceof RangeError) throw new ApiError('BAD_TERMINAL_OPTIONS', { detail: e.message });
            throw e;
          }
        }
        return () => (t.gate ? t.gate.present() : input.side === 'off' ? t.bus!.tapOff() : t.bus!.tapOn());
      });
      return tapView(id, outcome, decision);
    });
  }

  /** Loads `amountFen` at a top-up point. @throws ApiError as tap */
  async load(id: string, input: { cardId: string; amountFen: number; at?: string }): Promise<LoadView> {
    const at = parseAt(input.at);
    return this.cards.withCard(input.cardId, async (sc) => {
      const { outcome } = await this.flow<TopUpOutcome>(id, sc, at, (t) => {
        if (!t.topUp) throw new ApiError('WRONG_TERMINAL_KIND', { id, kind: t.config.kind === 'gate' ? 'gate' : 'bus validator', what: 'POST /v1/terminals/{id}/taps to tap a card' });
        return () => t.topUp!.load(input.amountFen);
      });
      return loadView(id, outcome);
    });
  }

  /** Forgets the built terminals (their state is in the store). */
  close(): void {
    this.live.clear();
  }

  /**
   * Runs one terminal flow with the card in the terminal's reader, saved as one unit with the
   * terminal's state and the journal records. The terminal is held only while the flow talks to
   * the card; the save (a group commit on SQLite) is awaited with only the card held, so the
   * terminal's next tap can join the same commit. The terminal state is taken at the commit:
   * by then it covers every flow queued before it (StoredCard.run, saveChangeAndJournalGrouped).
   * `prepare` checks the request against the terminal and returns the flow.
   */
  private async flow<T extends { kind: string }>(
    id: string,
    sc: StoredCard,
    at: number | undefined,
    prepare: (t: Live) => () => Promise<T>,
  ): Promise<{ outcome: T; decision: FareDecision | undefined }> {
    let t: Live | undefined;
    let result: { outcome: T; decision: FareDecision | undefined };
    try {
      result = await sc.run(() =>
        this.cards.locks.run([terminalKey(id)], async () => {
          const live = this.instance(id);
          t = live;
          const run = prepare(live);
          live.captured = [];
          live.decision = undefined;
          live.at = at;
          live.reader.insertCard(sc.card);
          try {
            const outcome = await run();
            return { value: { outcome, decision: live.decision }, records: live.captured, terminal: { id, state: () => this.lateState(live) } };
          } finally {
            live.reader.removeCard();
            live.at = undefined;
          }
        }),
      );
    } catch (e) {
      // The terminal's in-memory state may be ahead of the store: rebuild it on next use.
      if (t && !(e instanceof ApiError) && this.live.get(id) === t) this.live.delete(id);
      throw e;
    }
    // The card goes back to the API's own reader, powered — unless it was torn mid-flow: it
    // stays unpowered until POST /v1/cards/:id/reset, as after a torn APDU.
    if (result.outcome.kind !== 'interrupted') sc.powerOn();
    return result;
  }

  /**
   * The terminal's state when it changed since the last save, else undefined; called at the
   * commit that saves it (so it is marked saved here: a failed commit drops the terminal).
   */
  private lateState(t: Live): TerminalState | undefined {
    // Deleted (or rebuilt after a failed save) since the flow ran: nothing to save for it.
    if (this.live.get(t.row.id) !== t) return undefined;
    const soft = this.softState(t);
    const softText = JSON.stringify(soft);
    const psamChanged = t.psam !== undefined && t.psam.generation !== t.psamGen;
    if (!psamChanged && softText === t.softText) return undefined;
    if (t.psam) t.psamGen = t.psam.generation;
    t.softText = softText;
    return { ...(t.psam ? { psam: t.psam.toJSON() } : {}), ...soft };
  }

  /** The state besides the PSAM: pending list, bus stop. */
  private softState(t: Live): Omit<TerminalState, 'psam'> {
    return { pending: this.pendingOf(t), ...(t.bus ? { stop: t.bus.stop.code } : {}) };
  }

  private pendingOf(t: Live): TerminalState['pending'] {
    if (t.gate) return [...t.gate.pending];
    if (t.topUp) return [...t.topUp.pending];
    if (t.bus) return [...t.bus.pending];
    return [];
  }

  /** The built terminal, from the store on first use. @throws ApiError UNKNOWN_TERMINAL */
  private instance(id: string): Live {
    const cached = this.live.get(id);
    if (cached) return cached;
    const row = this.store.getTerminal(id);
    if (!row) throw new ApiError('UNKNOWN_TERMINAL', { id });
    const config = row.config as TerminalConfig;
    const state = row.state as TerminalState;
    const t: Live = { row, config, reader: new MemoryReader(`${id}-reader`), psamGen: 0, softText: '', captured: [] };
    const clock = { now: () => t.at ?? this.now() };
    const journal: JournalSink = { append: (r) => void t.captured.push(r) };
    const onDecision = (d: FareDecision) => void (t.decision = d);
    let psamReader: MemoryReader | undefined;
    if (state.psam) {
      t.psam = psamFromImage(state.psam, { clock });
      t.psamGen = t.psam.generation;
      psamReader = new MemoryReader(`${id}-psam`, { card: t.psam });
    }
    switch (config.kind) {
      case 'gate':
        t.gate = new Gate({
          direction: config.direction,
          cardReader: t.reader,
          psam: psamReader!,
          clock,
          journal,
          station: { ...config.station },
          keyIndex: this.keys.keyIndex,
          fare: beijingFare({ context: this.context, directory: this.directory, explain: true, onDecision }),
          pending: (state.pending ?? []) as PendingPurchase[],
        });
        break;
      case 'bus':
        t.bus = new BusValidator({
          cardReader: t.reader,
          psam: psamReader!,
          clock,
          journal,
          route: config.route,
          stop: state.stop ?? config.stop,
          pending: (state.pending ?? []) as BusPendingPurchase[],
          keyIndex: this.keys.keyIndex,
          fare: beijingBusFare({ context: this.busContext, explain: true, onDecision }),
        });
        break;
      case 'topup':
        t.topUp = new TopUpTerminal({
          reader: t.reader,
          host: this.host,
          clock,
          journal,
          terminalId: config.terminalId,
          keyIndex: this.keys.keyIndex,
          pending: (state.pending ?? []) as PendingLoad[],
        });
        break;
    }
    t.softText = JSON.stringify(this.softState(t));
    this.live.set(id, t);
    return t;
  }

  /** @throws ApiError BAD_TERMINAL_OPTIONS */
  private configOf(input: CreateTerminalInput, terminalId: string): TerminalConfig {
    const bad = (detail: string) => new ApiError('BAD_TERMINAL_OPTIONS', { detail });
    const only = (allowed: string[]) => {
      for (const k of ['direction', 'station', 'route', 'stop'] as const) {
        if (input[k] !== undefined && !allowed.includes(k)) throw bad(`"${k}" does not apply to a ${input.kind} terminal`);
      }
    };
    switch (input.kind) {
      case 'gate': {
        only(['direction', 'station']);
        if (input.direction === undefined) throw bad('"direction" expected "entry" or "exit" for a gate');
        const station = this.stationOf(input.station ?? (input.direction === 'entry' ? { name: '土桥' } : { name: '国贸' }));
        return { kind: 'gate', direction: input.direction, station, terminalId };
      }
      case 'bus': {
        only(['route', 'stop']);
        const route = input.route ?? DEMO_BUS_ROUTE;
        try {
          // The validator checks the route and the stop (names the bad field).
          new BusValidator({ cardReader: new MemoryReader('check'), psam: new MemoryReader('check'), clock: { now: this.now }, journal: { append() {} }, route, ...(input.stop !== undefined ? { stop: input.stop } : {}) });
        } catch (e) {
          if (e instanceof RangeError || e instanceof TypeError) throw bad(e.message);
          throw e;
        }
        return { kind: 'bus', route, stop: input.stop ?? route.stops[0].code, terminalId };
      }
      case 'topup':
        only([]);
        return { kind: 'topup', terminalId };
    }
  }

  private stationOf(s: NonNullable<CreateTerminalInput['station']>): { line: number; station: number } {
    try {
      if ('name' in s) return { ...this.directory.code(s.name, s.line) };
      this.directory.name(s);
      return { line: s.line, station: s.station };
    } catch (e) {
      if (e instanceof UnknownStationCodeError || e instanceof RangeError) throw new ApiError('BAD_TERMINAL_OPTIONS', { detail: `"station": ${e.message}` });
      throw e;
    }
  }

  private freeId(kind: TerminalKind, taken: Set<string>): string {
    for (let n = 1; ; n++) if (!taken.has(`${kind}-${n}`)) return `${kind}-${n}`;
  }

  /** `1000` ‖ kind digit (0 gate, 1 bus, 9 top-up) ‖ 7-digit number [P: operator 10, device n]. */
  private freeTerminalId(kind: TerminalKind, rows: readonly TerminalRow[]): string {
    const used = new Set(rows.map((t) => (t.config as TerminalConfig).terminalId));
    for (let k = rows.length + 1; ; k++) {
      const id = `1000${kind === 'gate' ? 0 : kind === 'bus' ? 1 : 9}${String(k).padStart(7, '0')}`;
      if (!used.has(id)) return id;
    }
  }

  private view(row: TerminalRow): TerminalView {
    const c = row.config as TerminalConfig;
    const pending = ((row.state as TerminalState).pending ?? []).length;
    const live = this.live.get(row.id);
    const base = { id: row.id, kind: row.kind, terminalId: c.terminalId, pending: live ? this.pendingOf(live).length : pending, createdAt: row.createdAt };
    switch (c.kind) {
      case 'gate': {
        const n = this.directory.name(c.station);
        return { ...base, direction: c.direction, station: { ...c.station, name: n.station, lineName: n.line } };
      }
      case 'bus':
        return { ...base, route: routeView(c.route), stop: live?.bus?.stop.code ?? (row.state as TerminalState).stop ?? c.stop };
      case 'topup':
        return base;
    }
  }
}

/** `at` of a tap: ISO 8601 with a zone. @throws ApiError BAD_TIME */
export function parseAt(at: string | undefined): number | undefined {
  if (at === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(at)) throw new ApiError('BAD_TIME', { at: JSON.stringify(at.slice(0, 60)) });
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) throw new ApiError('BAD_TIME', { at: JSON.stringify(at.slice(0, 60)) });
  return ms;
}
