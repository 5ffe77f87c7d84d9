/** A bus tap torn after its debit is settled after a server restart (bus pending list stored). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { makeApp, now } from './helpers.js';

let app: FastifyInstance;
const dir = mkdtempSync(join(tmpdir(), 'ssc3-bus-pending-'));
afterEach(async () => {
  await app?.close();
});

const post = async (url: string, payload: Record<string, unknown>) => {
  const r = await app.inject({ method: 'POST', url, payload });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json();
};

describe('bus validator pending purchases', () => {
  it('survive a restart: the torn tap-on is settled (recovered) when the card comes back', async () => {
    try {
      const path = join(dir, 'cards.db');
      ({ app } = await makeApp({}, new SqliteCardStore(path, { now })));
      const card = await post('/v1/cards', { seed: 77, balanceFen: 2000 });
      const bus = await post('/v1/terminals', { kind: 'bus' });
      // Find the DEBIT: tear after-commit at each APDU in turn until the tap is left pending.
      let torn: { outcome: string; pending?: boolean } | undefined;
      for (let k = 0; k < 20 && !torn?.pending; k++) {
        await post(`/v1/cards/${card.id}/faults`, { tear: { afterApdus: k, phase: 'after-commit' } });
        torn = await post(`/v1/terminals/${bus.id}/taps`, { cardId: card.id, at: '2026-06-01T10:00:00+08:00' });
        await post(`/v1/cards/${card.id}/reset`, {});
        if (torn!.outcome === 'boarded') throw new Error('the tear never hit the debit');
      }
      expect(torn).toMatchObject({ outcome: 'interrupted', pending: true });
      expect((await app.inject({ method: 'GET', url: `/v1/terminals/${bus.id}` })).json().pending).toBe(1);
      await app.close();

      ({ app } = await makeApp({}, new SqliteCardStore(path, { now })));
      expect((await app.inject({ method: 'GET', url: `/v1/terminals/${bus.id}` })).json().pending).toBe(1);
      const again = await post(`/v1/terminals/${bus.id}/taps`, { cardId: card.id, at: '2026-06-01T10:01:00+08:00' });
      expect(again).toMatchObject({ outcome: 'boarded', recovered: true });
      expect((await app.inject({ method: 'GET', url: `/v1/terminals/${bus.id}` })).json().pending).toBe(0);
      const rows = (await app.inject({ method: 'GET', url: `/v1/journal?cardId=${card.id}` })).json().records as { amountFen: number }[];
      const balance = (await app.inject({ method: 'GET', url: `/v1/cards/${card.id}` })).json().balanceFen as number;
      expect(balance).toBe(2000 - rows.reduce((s, r) => s + r.amountFen, 0));
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
