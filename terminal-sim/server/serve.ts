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
}

export interface RunningServer {
  app: FastifyInstance;
  store: CardStore;
  url: string;
  /** Ids of the demo cards issued by this start (empty when the store already held cards). */
  demoCards: { id: string; profile: string; algorithm: string }[];
  close(): Promise<void>;
}

/** The demo set: the three Beijing profiles in both purse profiles, 50 yuan each. */
export const DEMO_CARDS = (['beijing-standard', 'beijing-student', 'beijing-senior'] as const).flatMap((profile, i) =>
  (['3des', 'sm4'] as const).map((algorithm, j) => ({ profile, algorithm, seed: 100 + i * 2 + j, balanceFen: 5000 })),
);

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
  const app = await buildApp({ store, now, logger: opts.logger ?? false, ...(opts.token !== undefined ? { token: opts.token } : {}) });
  const demoCards: RunningServer['demoCards'] = [];
  if (opts.demo && store.listCards().length === 0) {
    for (const c of DEMO_CARDS) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/cards',
        payload: c,
        ...(opts.token !== undefined ? { headers: { authorization: `Bearer ${opts.token}` } } : {}),
      });
      if (res.statusCode !== 201) throw new Error(`demo card ${c.profile}/${c.algorithm}: ${res.statusCode} ${res.body}`);
      demoCards.push({ id: (res.json() as { id: string }).id, profile: c.profile, algorithm: c.algorithm });
    }
  }
  const url = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 7777 });
  return {
    app,
    store,
    url,
    demoCards,
    async close() {
      await app.close();
      store.close();
    },
  };
}
