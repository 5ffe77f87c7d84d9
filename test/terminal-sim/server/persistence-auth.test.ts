/** Durability over SQLite across app restarts, bearer-token auth, and the no-leak guard. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cardFromImage, purseCrypto } from '../../../engine/index.js';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { GET_CHALLENGE, READ_0015, SELECT_TRANSIT, makeApp, now } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ssc3-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('persistence over SqliteCardStore', () => {
  it('state-changing APDUs (GET CHALLENGE moves the RNG) survive closing and reopening the store', async () => {
    const file = join(dir, 'cards.db');
    const store1 = new SqliteCardStore(file, { now });
    const { app: app1 } = await makeApp({}, store1);
    const { id } = (await app1.inject({ method: 'POST', url: '/v1/cards', payload: { seed: 3 } })).json();
    const v0 = (await app1.inject({ method: 'GET', url: `/v1/cards/${id}` })).json().version;
    const challenges: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await app1.inject({ method: 'POST', url: `/v1/cards/${id}/apdu`, payload: { apdu: GET_CHALLENGE } });
      expect(r.json().sw).toBe('9000');
      challenges.push(r.json().response);
    }
    const v1 = (await app1.inject({ method: 'GET', url: `/v1/cards/${id}` })).json().version;
    expect(v1).toBeGreaterThan(v0);
    await app1.close();
    store1.close();

    const store2 = new SqliteCardStore(file, { now });
    const { app: app2 } = await makeApp({}, store2);
    expect((await app2.inject({ method: 'GET', url: `/v1/cards/${id}` })).json().version).toBe(v1);
    const next = await app2.inject({ method: 'POST', url: `/v1/cards/${id}/apdu`, payload: { apdu: GET_CHALLENGE } });
    expect(next.json().sw).toBe('9000');
    // a rebuilt card draws fresh randoms: it does not replay the first challenge
    expect(challenges).not.toContain(next.json().response);
    expect(new Set(challenges).size).toBe(3);
    await app2.close();
    store2.close();

    // control: a card that never ran GET CHALLENGE gives the first challenge again
    const store3 = new SqliteCardStore(join(dir, 'fresh.db'), { now });
    const { app: app3 } = await makeApp({}, store3);
    await app3.inject({ method: 'POST', url: '/v1/cards', payload: { seed: 3 } });
    const first = await app3.inject({ method: 'POST', url: `/v1/cards/${id}/apdu`, payload: { apdu: GET_CHALLENGE } });
    expect(first.json().response).toBe(challenges[0]);
    await app3.close();
    store3.close();
  });
});

describe('bearer-token auth', () => {
  it('requires the token on every route but /healthz', async () => {
    const { app } = await makeApp({ token: 's3cret' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    for (const [method, url] of [
      ['GET', '/v1/cards'],
      ['POST', '/v1/cards'],
      ['GET', '/v1/cards/x'],
      ['DELETE', '/v1/cards/x'],
      ['POST', '/v1/cards/x/reset'],
      ['POST', '/v1/cards/x/apdu'],
      ['POST', '/v1/cards/x/faults'],
      ['GET', '/v1/status'],
      ['GET', '/documentation/json'],
      ['GET', '/nowhere'],
    ] as const) {
      const none = await app.inject({ method, url });
      expect(none.statusCode, `${method} ${url}`).toBe(401);
      expect(none.json().code).toBe('UNAUTHORIZED');
      const wrong = await app.inject({ method, url, headers: { authorization: 'Bearer s3cre' } });
      expect(wrong.statusCode).toBe(401);
    }
    const auth = { authorization: 'Bearer s3cret' };
    const created = await app.inject({ method: 'POST', url: '/v1/cards', headers: auth, payload: {} });
    expect(created.statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/v1/cards', headers: auth })).statusCode).toBe(200);
    await app.close();
  });
});

describe('no response leaks keys or the card image', () => {
  it('no body contains a demo master key or any k: cell', async () => {
    const { app, store } = await makeApp();
    const bodies: string[] = [];
    const send = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => {
      const r = await app.inject({ method, url, ...(payload ? { payload } : {}) });
      bodies.push(r.body);
      return r;
    };
    const ids: string[] = [];
    for (const algorithm of ['3des', 'sm4'] as const) ids.push((await send('POST', '/v1/cards', { algorithm, balanceFen: 100 })).json().id);
    await send('GET', '/v1/cards');
    for (const id of ids) {
      await send('GET', `/v1/cards/${id}`);
      await send('POST', `/v1/cards/${id}/reset`);
      for (const a of [SELECT_TRANSIT, READ_0015, GET_CHALLENGE, '805C000204', '00B0960000', '00B2010400']) await send('POST', `/v1/cards/${id}/apdu`, { apdu: a });
      await send('POST', `/v1/cards/${id}/faults`, { tear: { afterApdus: 0, phase: 'before-commit' } });
      await send('POST', `/v1/cards/${id}/apdu`, { apdu: SELECT_TRANSIT });
    }
    await send('GET', '/documentation/json');

    const secrets: string[] = [];
    const k = purseCrypto.DEMO_ISSUER_KEYS;
    for (const key of [k.purchase, k.load, k.tac]) secrets.push(Buffer.from(key).toString('hex'));
    for (const id of ids) {
      const card = cardFromImage(store.getImage(id)!);
      const keyCells = card.cellKeys().filter((c) => c.startsWith('k:'));
      expect(keyCells.length).toBeGreaterThan(0);
      for (const c of keyCells) {
        const v = Buffer.from(card.peekCell(c)!).toString('hex');
        secrets.push(v, v.slice(2, 34), v.slice(-32));
      }
    }
    expect(secrets.length).toBeGreaterThan(3);
    for (const body of bodies) {
      const lower = body.toLowerCase();
      for (const s of secrets) expect(lower).not.toContain(s);
      expect(lower).not.toContain('"nvm"');
      expect(lower).not.toContain('ssc3-card/1');
    }
    await app.close();
  });
});
