/**
 * Starts the simulator as a service: a card store (SQLite in a data folder, or memory) with the
 * cards, terminals and readers around it — in a service thread of their own unless told
 * otherwise (service-thread.ts) — the HTTP app of app.ts listening on a host and port
 * (127.0.0.1 by default), and, with `demo`, a few demo cards issued on first start. `ssc3 serve`
 * is this plus signal handling.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MemoryCardStore, SqliteCardStore } from '../store/index.js';
import { localServices } from './api-services.js';
import type { ApiServices, LocalServicesOptions } from './api-services.js';
import { buildApp } from './app.js';
import { calendarOf } from './service-messages.js';
import type { CalendarOverlay } from './service-messages.js';
import { startServiceThread } from './service-thread.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Folder of the SQLite database (created if missing); ignored with `memory`. */
  dataDir?: string;
  memory?: boolean;
  token?: string;
  /** Issue the demo cards when the store holds none. */
  demo?: boolean;
  /**
   * The cards, terminals and store in a service thread of their own (default), or in the HTTP
   * thread (`false`, `ssc3 serve --single-thread`): see service-thread.ts.
   */
  thread?: boolean;
  /** The service thread's Node flags (ServiceThreadOptions.execArgv). */
  threadExecArgv?: string[];
  /** The clock of cards and flows (default Date.now). A function cannot cross into the service thread: single thread only. */
  now?: () => number;
  logger?: boolean;
  /** vpcd's address (`--vpcd HOST:PORT`): PC/SC slots 0 and 1 on PORT and PORT + 1. */
  vpcd?: { host: string; port: number };
  /** Slot connection events (for the CLI's log). */
  onReaderEvent?: LocalServicesOptions['onReaderEvent'];
  /** Working-day years laid over chinese-days for the terminals' fares (`--calendar FILE`). */
  calendar?: CalendarOverlay;
  /** Cards kept open in memory at most (`--max-open-cards`; CardServiceOptions.maxOpenCards). */
  maxOpenCards?: number;
  /** The service thread stopped on its own (a crash): the server can no longer serve cards. */
  onServiceExit?: (error: Error) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  /** The services behind the routes (in the service thread unless `thread: false`). */
  services: ApiServices;
  url: string;
  /** Ids of the demo cards issued by this start (empty when the store already held cards). */
  demoCards: { id: string; profile: string; algorithm: string }[];
  /** Ids of the demo terminals created by this start (empty when the store already held some). */
  demoTerminals: { id: string; kind: string; what: string }[];
  /** The card put in PC/SC slot 0 at start (with `vpcd` and `demo`). */
  insertedCard: string | undefined;
  /** The first cards in id order (at most 8) and every terminal id, as of the start. */
  known: { cardIds: string[]; terminalIds: string[] };
  close(): Promise<void>;
}

/** The demo set: the three Beijing profiles in both purse profiles, 50 yuan each. */
export const DEMO_CARDS = (['beijing-standard', 'beijing-student', 'beijing-senior'] as const).flatMap((profile, i) =>
  (['3des', 'sm4'] as const).map((algorithm, j) => ({ profile, algorithm, seed: 100 + i * 2 + j, balanceFen: 5000 })),
);

/** The demo terminals: a top-up point, an entry and an exit gate (土桥 → 国贸, 5 yuan), a bus. */
export const DEMO_TERMINALS = [
  { body: { kind: 'topup', id: 'topup-1' }, what: 'top-up point' },
  { body: { kind: 'gate', id: 'gate-entry', direction: 'entry', station: { name: '土桥' } }, what: 'entry gate at 土桥 (1号线)' },
  { body: { kind: 'gate', id: 'gate-exit', direction: 'exit', station: { name: '国贸' } }, what: 'exit gate at 国贸 (1号线)' },
  { body: { kind: 'bus', id: 'bus-300' }, what: 'bus validator on line 300 (demo route)' },
] as const;

/** The services of the options: a service thread, or local ones that close their store last. */
async function openServices(opts: ServeOptions): Promise<ApiServices> {
  const thread = opts.thread ?? true;
  if (thread && opts.now) throw new TypeError('startServer: a "now" function cannot cross into the service thread; pass thread: false');
  const dir = opts.dataDir ?? 'ssc3-data';
  if (!opts.memory) mkdirSync(dir, { recursive: true });
  const path = join(dir, 'cards.db');
  if (thread) {
    return startServiceThread({
      spec: {
        store: opts.memory ? { kind: 'memory' } : { kind: 'sqlite', path },
        ...(opts.vpcd ? { vpcd: opts.vpcd } : {}),
        ...(opts.calendar ? { calendar: opts.calendar } : {}),
        ...(opts.maxOpenCards !== undefined ? { maxOpenCards: opts.maxOpenCards } : {}),
      },
      ...(opts.onReaderEvent ? { onReaderEvent: opts.onReaderEvent } : {}),
      ...(opts.onServiceExit ? { onExit: opts.onServiceExit } : {}),
      ...(opts.threadExecArgv ? { execArgv: opts.threadExecArgv } : {}),
    });
  }
  const now = opts.now ?? Date.now;
  const store = opts.memory ? new MemoryCardStore({ now }) : new SqliteCardStore(path, { now, pipelinedSync: true });
  try {
    const services = localServices({
      store,
      now,
      ...(opts.vpcd ? { vpcd: opts.vpcd } : {}),
      ...(opts.onReaderEvent ? { onReaderEvent: opts.onReaderEvent } : {}),
      calendar: calendarOf(opts.calendar),
      ...(opts.maxOpenCards !== undefined ? { maxOpenCards: opts.maxOpenCards } : {}),
    });
    const close = services.close;
    // The app closes its services; local ones then close the store they were opened with.
    return { ...services, close: async () => { await close(); store.close(); } };
  } catch (e) {
    store.close();
    throw e;
  }
}

/** @throws what the store or fastify throw (a folder that cannot be created, a port in use), or the service thread's start error */
export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const services = await openServices(opts);
  let app: FastifyInstance;
  try {
    app = await buildApp({ services, logger: opts.logger ?? false, ...(opts.token !== undefined ? { token: opts.token } : {}) });
  } catch (e) {
    await services.close();
    throw e;
  }
  const headers = opts.token !== undefined ? { headers: { authorization: `Bearer ${opts.token}` } } : {};
  const post = async (url: string, payload: object, want: number, what: string) => {
    const res = await app.inject({ method: 'POST', url, payload, ...headers });
    if (res.statusCode !== want) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string };
  };
  const demoCards: RunningServer['demoCards'] = [];
  const demoTerminals: RunningServer['demoTerminals'] = [];
  let insertedCard: string | undefined;
  let known: RunningServer['known'];
  try {
    if (opts.demo && (await services.cards.list({ limit: 1 })).cards.length === 0) {
      for (const c of DEMO_CARDS) {
        const { id } = await post('/v1/cards', c, 201, `demo card ${c.profile}/${c.algorithm}`);
        demoCards.push({ id, profile: c.profile, algorithm: c.algorithm });
      }
    }
    if (opts.demo && (await services.terminals.list()).length === 0) {
      for (const t of DEMO_TERMINALS) {
        const { id } = await post('/v1/terminals', t.body, 201, `demo terminal ${t.body.id}`);
        demoTerminals.push({ id, kind: t.body.kind, what: t.what });
      }
    }
    // With readers, a standard 3DES card (the first demo card) waits in slot 0.
    if (opts.demo && opts.vpcd) {
      const list = (await app.inject({ method: 'GET', url: '/v1/cards', ...headers })).json() as { cards: { id: string; profile: string; algorithm: string }[] };
      const pick = list.cards.find((c) => c.profile === 'beijing-standard' && c.algorithm === '3des') ?? list.cards[0];
      if (pick) {
        await post('/v1/readers/0/insert', { cardId: pick.id }, 200, 'insert the demo card into slot 0');
        insertedCard = pick.id;
      }
    }
    known = {
      cardIds: (await services.cards.list({ limit: 8 })).cards.map((c) => c.id),
      terminalIds: (await services.terminals.list()).map((t) => t.id),
    };
  } catch (e) {
    await app.close();
    throw e;
  }
  let url: string;
  try {
    url = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 7777 });
  } catch (e) {
    await app.close();
    throw e;
  }
  return {
    app,
    services,
    url,
    demoCards,
    demoTerminals,
    insertedCard,
    known,
    close: () => app.close(),
  };
}
