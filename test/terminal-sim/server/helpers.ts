/** Shared set-up for the HTTP API tests: an app over a memory store, no socket. */
import { MemoryCardStore } from '../../../terminal-sim/store/index.js';
import type { CardStore } from '../../../terminal-sim/store/index.js';
import { buildApp } from '../../../terminal-sim/server/app.js';
import type { BuildAppOptions } from '../../../terminal-sim/server/app.js';

export const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
export const now = () => T0;

export async function makeApp(opts: Partial<BuildAppOptions> = {}, store: CardStore = new MemoryCardStore({ now })) {
  const app = await buildApp({ store, now, ...opts });
  return { app, store };
}

export const SELECT_TRANSIT = '00A4040008A000000632010105';
export const READ_0015 = '00B0950000';
export const GET_CHALLENGE = '0084000004';
