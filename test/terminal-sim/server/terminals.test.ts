/** Terminal, journal and clearing routes (issue 5, "HTTP API"): a card's day through the API. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { makeApp, now } from './helpers.js';

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

const post = (url: string, payload?: unknown) => app.inject({ method: 'POST', url, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
async function ok<T = Record<string, any>>(url: string, payload: unknown, status = 200): Promise<T> {
  const res = await post(url, payload);
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

async function setup(cardBody: Record<string, unknown> = { seed: 1 }) {
  const card = await ok<{ id: string }>('/v1/cards', cardBody, 201);
  const topup = await ok<{ id: string }>('/v1/terminals', { kind: 'topup' }, 201);
  const entry = await ok<{ id: string; station: { name: string }; terminalId: string }>('/v1/terminals', { kind: 'gate', direction: 'entry' }, 201);
  const exit = await ok<{ id: string; station: { name: string }; terminalId: string }>('/v1/terminals', { kind: 'gate', direction: 'exit' }, 201);
  return { card, topup, entry, exit };
}

async function balance(id: string): Promise<number> {
  return ((await app.inject({ method: 'GET', url: `/v1/cards/${id}` })).json() as { balanceFen: number }).balanceFen;
}

describe('terminal routes', () => {
  it('load, entry, exit: fare, balance, TAC and steps; the journal and clearing agree', async () => {
    ({ app } = await makeApp());
    const { card, topup, entry, exit } = await setup();
    expect(entry.station.name).toBe('土桥');
    expect(exit.station.name).toBe('国贸');
    expect(entry.terminalId).toMatch(/^[0-9a-f]{12}$/);

    const load = await ok(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 5000 });
    expect(load).toMatchObject({ outcome: 'loaded', amountFen: 5000, balanceFen: 5000, tacVerified: true, recovered: false });
    expect(load.tac).toMatch(/^[0-9a-f]{8}$/);

    const before = (await app.inject({ method: 'GET', url: `/v1/cards/${card.id}` })).json();
    expect(before.transit).toEqual({ rail: { state: 'none' }, bus: { state: 'none' } });
    expect(before.apps).toEqual([{ aid: 'a000000632010105', label: 'transit', app: 'transit', blocked: false }]);
    expect(before.reader).toBeNull();
    const e = await ok(`/v1/terminals/${entry.id}/taps`, { cardId: card.id, at: '2026-06-01T08:30:00+08:00' });
    expect(e).toMatchObject({ outcome: 'entered', balanceFen: 5000, fareFen: 0, mac2Verified: true });
    const inside = (await app.inject({ method: 'GET', url: `/v1/cards/${card.id}` })).json();
    expect(inside.transit.rail).toMatchObject({ state: 'entered', entry: { line: 1, station: 15, at: '2026-06-01T08:30:00+08:00' } });
    expect(inside.transit.rail.exit).toBeUndefined();
    const x = await ok(`/v1/terminals/${exit.id}/taps`, { cardId: card.id, at: '2026-06-01T08:55:00+08:00' });
    // 土桥 → 国贸 is 21.1 km: 5 yuan, no discount on the month's first ride, no off-peak after 07:00.
    expect(x).toMatchObject({ outcome: 'exited', fareFen: 500, baseFareFen: 500, balanceFen: 4500, durationMinutes: 25, overtime: false, mac2Verified: true });
    expect(x.journal).toMatchObject({ amountFen: 500, type: 9, dateTime: '20260601085500', terminalId: exit.terminalId, tac: x.tac });
    expect(x.steps.map((s: { rule: string }) => s.rule)).toEqual(['base-fare', 'monthly-tier', 'off-peak']);
    expect(x.month).toEqual({ period: '2026-06', spentFen: 500, rides: 1 });
    expect(await balance(card.id)).toBe(4500);
    const after = (await app.inject({ method: 'GET', url: `/v1/cards/${card.id}` })).json();
    expect(after.transit.rail).toMatchObject({ state: 'exited', exit: { line: 1, station: 1, at: '2026-06-01T08:55:00+08:00', amountFen: 500 }, month: { period: '2026-06', spendFen: 500, rides: 1 } });
    expect(after.transit.bus).toEqual({ state: 'none' });

    const j = (await app.inject({ method: 'GET', url: `/v1/journal?cardId=${card.id}` })).json();
    expect(j.records.map((r: { type: number; amountFen: number }) => [r.type, r.amountFen])).toEqual([
      [2, 5000],
      [9, 0],
      [9, 500],
    ]);
    expect(j.nextAfterId).toBeNull();
    const records = j.records.map(({ id: _i, cardId: _c, createdAt: _t, ...r }: Record<string, unknown>) => r);
    const verify = await ok('/v1/clearing/verify', { records });
    expect(verify).toEqual({ checked: 3, accepted: 3, loadsFen: 5000, purchasesFen: 500, rejected: [] });
    // one changed amount: its TAC no longer matches
    const forged = records.map((r: { amountFen: number }, i: number) => (i === 2 ? { ...r, amountFen: 50 } : r));
    const bad = await ok('/v1/clearing/verify', { records: forged });
    expect(bad).toMatchObject({ checked: 3, accepted: 2, rejected: [{ index: 2, problem: 'tac-mismatch' }] });
  });

  it('refuses what a gate refuses, with the reason and nothing charged', async () => {
    ({ app } = await makeApp());
    const { card, topup, entry, exit } = await setup();
    expect(await ok(`/v1/terminals/${exit.id}/taps`, { cardId: card.id })).toMatchObject({ outcome: 'refused', reason: 'exit-without-entry' });
    expect(await ok(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 1000 })).toMatchObject({ outcome: 'refused', reason: 'first-load-minimum' });
    await ok(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 2000 });
    await ok(`/v1/terminals/${entry.id}/taps`, { cardId: card.id });
    expect(await ok(`/v1/terminals/${entry.id}/taps`, { cardId: card.id })).toMatchObject({ outcome: 'refused', reason: 'repeated-entry' });
    expect(await balance(card.id)).toBe(2000);
    expect(await ok(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 1500 })).toMatchObject({ outcome: 'refused', reason: 'invalid-amount' });
    expect(await ok(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 100_000 })).toMatchObject({ outcome: 'refused', reason: 'exceeds-max-balance' });
  });

  it('a bus ride: tap on, move, tap off; the fare by distance', async () => {
    ({ app } = await makeApp());
    const card = await ok<{ id: string }>('/v1/cards', { seed: 3, balanceFen: 2000 }, 201);
    const bus = await ok('/v1/terminals', { kind: 'bus' }, 201);
    expect(bus).toMatchObject({ kind: 'bus', stop: 1, route: { line: 300 } });
    const on = await ok(`/v1/terminals/${bus.id}/taps`, { cardId: card.id, at: '2026-06-01T10:00:00+08:00' });
    expect(on).toMatchObject({ outcome: 'boarded', stop: { code: 1 } });
    const off = await ok(`/v1/terminals/${bus.id}/taps`, { cardId: card.id, side: 'off', stop: 5, at: '2026-06-01T10:30:00+08:00' });
    expect(off).toMatchObject({ outcome: 'alighted', stop: { code: 5, name: '三元桥' }, distanceKm: 13.7 });
    expect(off.fareFen).toBeGreaterThan(0);
    expect(off.steps.length).toBeGreaterThan(0);
    expect(off.balanceFen).toBe(2000 - on.fareFen - off.fareFen);
    expect((await app.inject({ method: 'GET', url: `/v1/terminals/${bus.id}` })).json().stop).toBe(5);
    expect((await app.inject({ method: 'GET', url: `/v1/cards/${card.id}` })).json().transit.bus.state).toBe('exited');
  });

  it('answers bad requests with the error table', async () => {
    ({ app } = await makeApp());
    const { card, topup, entry } = await setup();
    const code = async (url: string, body: unknown) => {
      const r = await post(url, body);
      return [r.statusCode, r.json().code];
    };
    expect(await code('/v1/terminals/nope/taps', { cardId: card.id })).toEqual([404, 'UNKNOWN_TERMINAL']);
    expect(await code(`/v1/terminals/${entry.id}/taps`, { cardId: 'nope' })).toEqual([404, 'UNKNOWN_CARD']);
    expect(await code(`/v1/terminals/${topup.id}/taps`, { cardId: card.id })).toEqual([409, 'WRONG_TERMINAL_KIND']);
    expect(await code(`/v1/terminals/${entry.id}/loads`, { cardId: card.id, amountFen: 100 })).toEqual([409, 'WRONG_TERMINAL_KIND']);
    expect(await code(`/v1/terminals/${entry.id}/taps`, { cardId: card.id, at: 'yesterday' })).toEqual([400, 'BAD_TIME']);
    expect(await code(`/v1/terminals/${entry.id}/taps`, { cardId: card.id, at: '2026-06-01T08:30:00' })).toEqual([400, 'BAD_TIME']);
    expect(await code(`/v1/terminals/${entry.id}/taps`, { cardId: card.id, side: 'off' })).toEqual([400, 'BAD_TERMINAL_OPTIONS']);
    expect(await code(`/v1/terminals/${entry.id}/taps`, { cardId: card.id, extra: 1 })).toEqual([400, 'SCHEMA']);
    expect(await code('/v1/terminals', { kind: 'gate' })).toEqual([400, 'BAD_TERMINAL_OPTIONS']);
    expect(await code('/v1/terminals', { kind: 'gate', direction: 'entry', station: { name: '不存在' } })).toEqual([400, 'BAD_TERMINAL_OPTIONS']);
    expect(await code('/v1/terminals', { kind: 'gate', direction: 'entry', station: { line: 99, station: 1 } })).toEqual([400, 'BAD_TERMINAL_OPTIONS']);
    expect(await code('/v1/terminals', { kind: 'topup', direction: 'entry' })).toEqual([400, 'BAD_TERMINAL_OPTIONS']);
    expect(await code('/v1/terminals', { kind: 'bus', route: { line: 1, stops: [{ code: 1, name: 'a', km: 2 }, { code: 2, name: 'b', km: 1 }] } })).toEqual([400, 'BAD_TERMINAL_OPTIONS']);
    expect(await code('/v1/terminals', { kind: 'topup', id: topup.id })).toEqual([409, 'TERMINAL_EXISTS']);
    expect(await code('/v1/terminals', { kind: 'tram' })).toEqual([400, 'SCHEMA']);
    const j = await app.inject({ method: 'GET', url: '/v1/journal?limit=0' });
    expect([j.statusCode, j.json().code]).toEqual([400, 'BAD_REQUEST']);
    const s = await app.inject({ method: 'GET', url: '/v1/journal?since=soon' });
    expect([s.statusCode, s.json().code]).toEqual([400, 'BAD_REQUEST']);
    const v = await post('/v1/clearing/verify', { records: [{ serial: 1 }] });
    expect(v.json()).toMatchObject({ checked: 1, accepted: 0, rejected: [{ index: 0, problem: 'malformed' }] });
    const del = await app.inject({ method: 'DELETE', url: `/v1/terminals/${entry.id}` });
    expect(del.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/v1/terminals/${entry.id}` })).statusCode).toBe(404);
  });

  it('never answers with a PSAM, a key or an image', async () => {
    ({ app } = await makeApp());
    const { card, topup, entry } = await setup();
    await ok(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 1000 });
    await ok(`/v1/terminals/${entry.id}/taps`, { cardId: card.id });
    const bodies = await Promise.all(['/v1/terminals', `/v1/terminals/${entry.id}`, '/v1/journal'].map(async (url) => (await app.inject({ method: 'GET', url })).body));
    for (const b of bodies) expect(b).not.toMatch(/psam|"keys?"|nvm|image/i);
  });

  it('pages the journal with afterId and filters by since', async () => {
    ({ app } = await makeApp());
    const { card, topup } = await setup();
    for (let i = 0; i < 5; i++) expect(await ok(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 2000 })).toMatchObject({ outcome: 'loaded' });
    const p1 = (await app.inject({ method: 'GET', url: '/v1/journal?limit=2' })).json();
    expect(p1.records).toHaveLength(2);
    const p2 = (await app.inject({ method: 'GET', url: `/v1/journal?limit=2&afterId=${p1.nextAfterId}` })).json();
    const p3 = (await app.inject({ method: 'GET', url: `/v1/journal?limit=2&afterId=${p2.nextAfterId}` })).json();
    expect(p3.nextAfterId).toBeNull();
    expect([...p1.records, ...p2.records, ...p3.records].map((r: { counter: number }) => r.counter - p1.records[0].counter)).toEqual([0, 1, 2, 3, 4]);
    expect((await app.inject({ method: 'GET', url: `/v1/journal?since=${now() + 1}` })).json().records).toEqual([]);
    expect((await app.inject({ method: 'GET', url: `/v1/journal?since=2026-01-01T00:00:00Z` })).json().records).toHaveLength(5);
  });

  it('a torn exit is settled on the next tap, and the journal still adds up', async () => {
    ({ app } = await makeApp());
    const { card, topup, entry, exit } = await setup();
    await ok(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 3000 });
    await ok(`/v1/terminals/${entry.id}/taps`, { cardId: card.id, at: '2026-06-01T08:30:00+08:00' });
    // Tear the debit's commit: the exit gate's APDUs are select, reads, init, 80DC ×2, debit…
    await ok(`/v1/cards/${card.id}/faults`, { tear: { afterApdus: 6, phase: 'after-commit' } });
    const torn = await ok(`/v1/terminals/${exit.id}/taps`, { cardId: card.id, at: '2026-06-01T08:55:00+08:00' });
    expect(torn).toMatchObject({ outcome: 'interrupted' });
    expect((await app.inject({ method: 'GET', url: `/v1/terminals/${exit.id}` })).json().pending).toBe(torn.pending ? 1 : 0);
    // A torn card waits for a reset before raw APDUs; a terminal powers it itself.
    const again = await ok(`/v1/terminals/${exit.id}/taps`, { cardId: card.id, at: '2026-06-01T08:56:00+08:00' });
    expect(['exited']).toContain(again.outcome);
    const j = (await app.inject({ method: 'GET', url: `/v1/journal?cardId=${card.id}` })).json().records as { type: number; amountFen: number }[];
    const loads = j.filter((r) => r.type === 2).reduce((a, r) => a + r.amountFen, 0);
    const debits = j.filter((r) => r.type !== 2).reduce((a, r) => a + r.amountFen, 0);
    expect(await balance(card.id)).toBe(loads - debits);
    expect(debits).toBe(500);
  });

  it('terminals and their PSAM sequence survive a restart on SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssc3-terminals-'));
    try {
      const path = join(dir, 'cards.db');
      ({ app } = await makeApp({}, new SqliteCardStore(path, { now })));
      const { card, topup, entry, exit } = await setup();
      await ok(`/v1/terminals/${topup.id}/loads`, { cardId: card.id, amountFen: 2000 });
      const e1 = await ok(`/v1/terminals/${entry.id}/taps`, { cardId: card.id, at: '2026-06-01T08:30:00+08:00' });
      await ok(`/v1/terminals/${exit.id}/taps`, { cardId: card.id, at: '2026-06-01T08:55:00+08:00' });
      await app.close();

      ({ app } = await makeApp({}, new SqliteCardStore(path, { now })));
      expect((await app.inject({ method: 'GET', url: '/v1/terminals' })).json().terminals.map((t: { id: string }) => t.id)).toEqual([entry.id, exit.id, topup.id].sort());
      const e2 = await ok(`/v1/terminals/${entry.id}/taps`, { cardId: card.id, at: '2026-06-01T18:00:00+08:00' });
      expect(e2.outcome).toBe('entered');
      expect(e2.journal.terminalSeq).toBe(e1.journal.terminalSeq + 1);
      expect(await balance(card.id)).toBe(1500);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('concurrent taps on SQLite share group commits: every tap journaled once, PSAM sequence numbers unique across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssc3-group-'));
    try {
      const path = join(dir, 'cards.db');
      ({ app } = await makeApp({}, new SqliteCardStore(path, { now })));
      const entry = await ok<{ id: string }>('/v1/terminals', { kind: 'gate', direction: 'entry' }, 201);
      const exit = await ok<{ id: string }>('/v1/terminals', { kind: 'gate', direction: 'exit' }, 201);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await ok<{ id: string }>('/v1/cards', { seed: 40 + i, balanceFen: 5000 }, 201)).id);
      const ride = async (id: string) => {
        for (let r = 0; r < 3; r++) {
          expect((await ok(`/v1/terminals/${entry.id}/taps`, { cardId: id })).outcome).toBe('entered');
          expect((await ok(`/v1/terminals/${exit.id}/taps`, { cardId: id })).outcome).toBe('exited');
        }
      };
      await Promise.all(ids.map(ride));
      await app.close();
      ({ app } = await makeApp({}, new SqliteCardStore(path, { now })));
      await Promise.all(ids.slice(0, 4).map((id) => ok(`/v1/terminals/${entry.id}/taps`, { cardId: id })));
      const rows = (await app.inject({ method: 'GET', url: '/v1/journal?limit=10000' })).json().records as { terminalId: string; terminalSeq: number; cardId: string; amountFen: number }[];
      expect(rows).toHaveLength(12 * 6 + 4);
      const seqs = rows.map((r) => `${r.terminalId}/${r.terminalSeq}`);
      expect(new Set(seqs).size).toBe(seqs.length);
      for (const id of ids) expect(await balance(id)).toBe(5000 - 3 * 500);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
