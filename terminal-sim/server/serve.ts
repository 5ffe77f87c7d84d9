/**
 * Starts the simulator as a service: a card store (SQLite in a data folder, or memory), the HTTP
 * app of app.ts listening on a host and port (127.0.0.1 by default), and, with `demo`, a few demo
 * cards issued on first start. `ssc3 serve` is this plus signal handling.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MemoryCardStore, SqliteCardStore } from '../store/index.js';
import type { CardStore } from '../store/index.js';
import { buildApp } from './app.js';
import type { BuildAppOptions } from './app.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Folder of the SQLite database (created if missing); ignored with `memory`. */
  dataDir?: string;
  memory?: boolean;
  token?: string;
  /** Issue the demo cards when the store holds none. */
  demo?: boolean;
  now?: () => number;
  logger?: boolean;
  /** vpcd's address (`--vpcd HOST:PORT`): PC/SC slots 0 and 1 on PORT and PORT + 1. */
  vpcd?: { host: string; port: number };
  /** Slot connection events (for the CLI's log). */
  onReaderEvent?: BuildAppOptions['onReaderEvent'];
  /** The working-day calendar of the terminals' fares (`--calendar FILE` over chinese-days). */
  calendar?: BuildAppOptions['calendar'];
  /** Cards kept open in memory at most (`--max-open-cards`; CardServiceOptions.maxOpenCards). */
  maxOpenCards?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  store: CardStore;
  url: string;
  /** Ids of the demo cards issued by this start (empty when the store already held cards). */
  demoCards: { id: string; profile: string; algorithm: string }[];
  /** Ids of the demo terminals created by this start (empty when the store already held some). */
  demoTerminals: { id: string; kind: string; what: string }[];
  /** The card put in PC/SC slot 0 at start (with `vpcd` and `demo`). */
  insertedCard: string | undefined;
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

/** @throws what the store or fastify throw (a folder that cannot be created, a port in use). */
export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const now = opts.now ?? Date.now;
  let store: CardStore;
  if (opts.memory) store = new MemoryCardStore({ now });
  else {
    const dir = opts.dataDir ?? 'ssc3-data';
    mkdirSync(dir, { recursive: true });
    store = new SqliteCardStore(join(dir, 'cards.db'), { now });
  }
  let app: FastifyInstance;
  try {
    app = await buildApp({
      store,
      now,
      logger: opts.logger ?? false,
      ...(opts.token !== undefined ? { token: opts.token } : {}),
      ...(opts.vpcd ? { vpcd: opts.vpcd } : {}),
      ...(opts.onReaderEvent ? { onReaderEvent: opts.onReaderEvent } : {}),
      ...(opts.calendar ? { calendar: opts.calendar } : {}),
      ...(opts.maxOpenCards !== undefined ? { maxOpenCards: opts.maxOpenCards } : {}),
    });
  } catch (e) {
    store.close();
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
  try {
    if (opts.demo && store.listCards().length === 0) {
      for (const c of DEMO_CARDS) {
        const { id } = await post('/v1/cards', c, 201, `demo card ${c.profile}/${c.algorithm}`);
        demoCards.push({ id, profile: c.profile, algorithm: c.algorithm });
      }
    }
    if (opts.demo && store.listTerminals().length === 0) {
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
  } catch (e) {
    await app.close();
    store.close();
    throw e;
  }
  let url: string;
  try {
    url = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 7777 });
  } catch (e) {
    await app.close();
    store.close();
    throw e;
  }
  return {
    app,
    store,
    url,
    demoCards,
    demoTerminals,
    insertedCard,
    async close() {
      await app.close();
      store.close();
    },
  };
}
