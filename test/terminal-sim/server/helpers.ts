/** Shared set-up for the HTTP API tests: an app over a memory store, no socket. */
import { MemoryCardStore } from '../../../terminal-sim/store/index.js';
import type { CardStore } from '../../../terminal-sim/store/index.js';
import { buildApp } from '../../../terminal-sim/server/app.js';
import type { BuildAppOptions } from '../../../terminal-sim/server/app.js';
import { startServiceThread } from '../../../terminal-sim/server/service-thread.js';

/** Node flags for a service thread started from the TypeScript sources (startServer's threadExecArgv). */
export const THREAD_EXEC_ARGV = ['--import', new URL('../store/fixtures/register-ts.mjs', import.meta.url).href];

export const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
export const now = () => T0;

export async function makeApp(opts: Partial<BuildAppOptions> = {}, store: CardStore = new MemoryCardStore({ now })) {
  const app = await buildApp({ store, now, ...opts });
  return { app, store };
}

/**
 * The app over a service thread with a memory store, as `ssc3 serve` runs it (the thread keeps
 * the system clock: no `now`). Closing the app ends the thread.
 */
export async function makeThreadApp(opts: Pick<BuildAppOptions, 'token' | 'logger' | 'seed'> = {}) {
  const { seed, ...appOpts } = opts;
  const services = await startServiceThread({ spec: { store: { kind: 'memory' }, ...(seed !== undefined ? { seed } : {}) }, execArgv: THREAD_EXEC_ARGV });
  const app = await buildApp({ services, ...appOpts });
  return { app, services };
}

export const SELECT_TRANSIT = '00A4040008A000000632010105';
export const READ_0015 = '00B0950000';
export const GET_CHALLENGE = '0084000004';
