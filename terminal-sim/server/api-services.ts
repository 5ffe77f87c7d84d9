/**
 * What the HTTP routes ask of the simulator, as one asynchronous surface: the cards, terminals,
 * PC/SC readers, journal and status. Two implementations stand behind it:
 *
 * - `localServices` (here): the services in the calling thread, around a store the caller owns —
 *   the tests' `buildApp({ store })` and `ssc3 serve --single-thread`;
 * - `startServiceThread` (service-thread.ts): the same services in a worker thread, reached by
 *   messages — what `ssc3 serve` runs, so the HTTP work and the card work use two cores.
 *
 * Every method returns a promise either way, so a route reads the same against both.
 */
import type { WorkdayCalendar } from '../../engine/rules/index.js';
import type { CardStore, JournalQuery, JournalRow, StoreStats } from '../store/index.js';
import { CardService } from './card-service.js';
import type { CardIdGenerator } from './card-service.js';
import { LoopLoad } from './loop-load.js';
import type { LoopLoadView } from './loop-load.js';
import { ReaderService } from './reader-service.js';
import type { ReaderServiceOptions } from './reader-service.js';
import { TerminalService } from './terminal-service.js';

/** The same function, answering with a promise. */
type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
type AsyncPart<T, K extends keyof T> = { readonly [P in K]: Async<T[P]> };

/** GET /v1/status: the store's group commits, the cards open in memory, the cards' thread. */
export interface StatusView {
  store: StoreStats;
  cards: { open: number; maxOpen: number };
  /** Where the cards run (a service thread of their own, or the HTTP thread) and how busy it is. */
  service: { thread: boolean } & LoopLoadView;
}

export interface ApiServices {
  readonly cards: AsyncPart<CardService, 'create' | 'list' | 'detail' | 'remove' | 'reset' | 'transmit' | 'injectTear'>;
  readonly terminals: AsyncPart<TerminalService, 'create' | 'list' | 'get' | 'remove' | 'tap' | 'load'>;
  readonly readers: AsyncPart<ReaderService, 'list' | 'insert' | 'remove'>;
  journal(query: JournalQuery): Promise<JournalRow[]>;
  status(): Promise<StatusView>;
  /** Closes the readers, terminals and cards (a service thread also closes its store). */
  close(): Promise<void>;
}

/** The method names callable on each part: service-thread.ts sends only these. */
export const API_METHODS = {
  cards: ['create', 'list', 'detail', 'remove', 'reset', 'transmit', 'injectTear'],
  terminals: ['create', 'list', 'get', 'remove', 'tap', 'load'],
  readers: ['list', 'insert', 'remove'],
  top: ['journal', 'status'],
} as const satisfies { [P in 'cards' | 'terminals' | 'readers']: readonly (keyof ApiServices[P])[] } & { top: readonly (keyof ApiServices)[] };

export interface LocalServicesOptions {
  /** The caller's store: close() leaves it open. */
  store: CardStore;
  /** Epoch ms: the clock of issued and opened cards and of the terminals' flows. */
  now: () => number;
  /** Cards created without a seed get seed + 1, seed + 2, … (default 0). */
  seed?: number;
  /** Card ids from the issued card's serial and seed (default `card-<serial>`). */
  newId?: CardIdGenerator;
  /** vpcd's address: PC/SC reader slots on its port and the next. */
  vpcd?: { host: string; port: number };
  /** Slot connection events (no APDU data). */
  onReaderEvent?: ReaderServiceOptions['onEvent'];
  /** The working-day calendar the terminals' fares use (default: chinese-days). */
  calendar?: WorkdayCalendar;
  /** Cards kept open in memory at most (CardServiceOptions.maxOpenCards). */
  maxOpenCards?: number;
}

/** The services in this thread. @throws RangeError for a bad maxOpenCards */
export function localServices(opts: LocalServicesOptions): ApiServices {
  const cards = new CardService({
    store: opts.store,
    now: opts.now,
    seedBase: opts.seed ?? 0,
    ...(opts.newId ? { newId: opts.newId } : {}),
    ...(opts.maxOpenCards !== undefined ? { maxOpenCards: opts.maxOpenCards } : {}),
  });
  const terminals = new TerminalService({ store: opts.store, cards, now: opts.now, ...(opts.calendar ? { calendar: opts.calendar } : {}) });
  const readers = new ReaderService({ cards, ...(opts.vpcd ? { vpcd: opts.vpcd } : {}), ...(opts.onReaderEvent ? { onEvent: opts.onReaderEvent } : {}) });
  const load = new LoopLoad();
  // `async` turns a synchronous throw into a rejection, as a thread's answer would be.
  return {
    cards: {
      create: async (input) => cards.create(input),
      list: async (page) => cards.list(page),
      detail: async (id) => cards.detail(id),
      remove: async (id) => cards.remove(id),
      reset: async (id) => cards.reset(id),
      transmit: async (id, apdu) => cards.transmit(id, apdu),
      injectTear: async (id, spec) => cards.injectTear(id, spec),
    },
    terminals: {
      create: async (input) => terminals.create(input),
      list: async () => terminals.list(),
      get: async (id) => terminals.get(id),
      remove: (id) => terminals.remove(id),
      tap: (id, input) => terminals.tap(id, input),
      load: (id, input) => terminals.load(id, input),
    },
    readers: {
      list: async () => readers.list(),
      insert: async (slot, cardId) => readers.insert(slot, cardId),
      remove: async (slot) => readers.remove(slot),
    },
    journal: async (query) => opts.store.journal(query),
    // `thread` false here: service-thread.ts sets it for the services it runs in a thread.
    status: async () => ({ store: opts.store.stats(), cards: { open: cards.openCount, maxOpen: cards.maxOpenCards }, service: { thread: false, ...load.current() } }),
    close: async () => {
      load.close();
      readers.close();
      terminals.close();
      cards.close();
    },
  };
}
