// GET /v1/status: the store's kind and group commits, the cards open in memory against the limit,
// where the cards run and how busy that loop is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StatusReply } from '../../../terminal-sim/server/routes/status.js';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { makeApp, now, SELECT_TRANSIT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ssc3-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GET /v1/status', () => {
  it('memory store: its kind, and the cards open against --max-open-cards', async () => {
    const { app } = await makeApp({ maxOpenCards: 2 });
    const first = (await app.inject({ method: 'GET', url: '/v1/status' })).json();
    expect(first).toEqual({ store: { kind: 'memory', groupCommits: 0, groupedWrites: 0 }, cards: { open: 0, maxOpen: 2 }, service: { thread: false, busy: expect.any(Number), windowS: expect.any(Number) } });
    expect(first.service.busy).toBeGreaterThanOrEqual(0);
    expect(first.service.busy).toBeLessThanOrEqual(1);
    for (const seed of [1, 2, 3]) {
      const { id } = (await app.inject({ method: 'POST', url: '/v1/cards', payload: { seed } })).json();
      expect((await app.inject({ method: 'POST', url: `/v1/cards/${id}/apdu`, payload: { apdu: SELECT_TRANSIT } })).json().sw).toBe('9000');
    }
    expect((await app.inject({ method: 'GET', url: '/v1/status' })).json().cards).toEqual({ open: 2, maxOpen: 2 });
    await app.close();
  });

  it('SQLite store: every tap is a grouped write, counted with the commits that carried them', async () => {
    const store = new SqliteCardStore(join(dir, 'cards.db'), { now });
    const { app } = await makeApp({}, store);
    const { id } = (await app.inject({ method: 'POST', url: '/v1/cards', payload: { seed: 7, balanceFen: 5000 } })).json();
    const entry = (await app.inject({ method: 'POST', url: '/v1/terminals', payload: { kind: 'gate', direction: 'entry' } })).json().id;
    const exit = (await app.inject({ method: 'POST', url: '/v1/terminals', payload: { kind: 'gate', direction: 'exit' } })).json().id;
    const before = (await app.inject({ method: 'GET', url: '/v1/status' })).json();
    expect(before.store).toEqual({ kind: 'sqlite', groupCommits: 0, groupedWrites: 0, retriedGroupCommits: 0 });
    expect((await app.inject({ method: 'POST', url: `/v1/terminals/${entry}/taps`, payload: { cardId: id } })).json().outcome).toBe('entered');
    expect((await app.inject({ method: 'POST', url: `/v1/terminals/${exit}/taps`, payload: { cardId: id } })).json().outcome).toBe('exited');
    const after = (await app.inject({ method: 'GET', url: '/v1/status' })).json();
    // One request at a time: each tap its own commit.
    expect(after.store).toEqual({ kind: 'sqlite', groupCommits: 2, groupedWrites: 2, retriedGroupCommits: 0 });
    expect(after.cards.open).toBe(1);
    await app.close();
    store.close();
  });

  it('SQLite store with pipelined sync (ssc3 serve): the WAL syncs made off the thread are reported', async () => {
    const store = new SqliteCardStore(join(dir, 'pipelined.db'), { now, pipelinedSync: true });
    const { app } = await makeApp({}, store);
    const { id } = (await app.inject({ method: 'POST', url: '/v1/cards', payload: { seed: 8, balanceFen: 5000 } })).json();
    const entry = (await app.inject({ method: 'POST', url: '/v1/terminals', payload: { kind: 'gate', direction: 'entry' } })).json().id;
    expect((await app.inject({ method: 'GET', url: '/v1/status' })).json().store).toEqual({ kind: 'sqlite', groupCommits: 0, groupedWrites: 0, retriedGroupCommits: 0, walSyncs: 0 });
    expect((await app.inject({ method: 'POST', url: `/v1/terminals/${entry}/taps`, payload: { cardId: id } })).json().outcome).toBe('entered');
    expect((await app.inject({ method: 'GET', url: '/v1/status' })).json().store).toEqual({ kind: 'sqlite', groupCommits: 1, groupedWrites: 1, retriedGroupCommits: 0, walSyncs: 1 });
    await app.close();
    store.close();
  });

  it('the reply schema admits nothing beyond the documented fields', () => {
    expect(StatusReply.additionalProperties).toBe(false);
    expect(Object.keys(StatusReply.properties)).toEqual(['store', 'cards', 'service']);
    expect(StatusReply.properties.service.additionalProperties).toBe(false);
  });
});
