/** Terminal, journal and clearing routes (issue 5, "HTTP API"): a card's day through the API. */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeApp } from './helpers.js';

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

const post = (url: string, payload?: unknown) => app.inject({ method: 'POST', url, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

async function created<T = Record<string, unknown>>(url: string, payload: unknown): Promise<T> {
  const res = await post(url, payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as T;
}

describe('terminal routes', () => {
  it('load, entry, exit: fare, balance, TAC and steps; journal and clearing agree', async () => {
    ({ app } = await makeApp());
    const card = await created<{ id: string }>('/v1/cards', { seed: 1 });
    const topup = await created<{ id: string }>('/v1/terminals', { kind: 'topup' });
    const entry = await created<{ id: string; station: { name: string } }>('/v1/terminals', { kind: 'gate', direction: 'entry' });
    const exit = await created<{ id: string; station: { name: string } }>('/v1/terminals', { kind: 'gate', direction: 'exit' });
    expect(entry.station.name).toBe('土桥');
    expect(exit.station.name).toBe('国贸');

    const load = await post(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 5000 });
    expect(load.statusCode, load.body).toBe(200);
    expect(load.json()).toMatchObject({ outcome: 'loaded', amountFen: 5000, balanceFen: 5000, tacVerified: true });

    const e = await post(`/v1/terminals/${entry.id}/taps`, { cardId: card.id, at: '2026-06-01T08:30:00+08:00' });
    expect(e.statusCode, e.body).toBe(200);
    expect(e.json()).toMatchObject({ outcome: 'entered', balanceFen: 5000 });
    const x = await post(`/v1/terminals/${exit.id}/taps`, { cardId: card.id, at: '2026-06-01T08:55:00+08:00' });
    expect(x.statusCode, x.body).toBe(200);
    const xb = x.json();
    console.log(JSON.stringify(xb, null, 1));
  });
});
