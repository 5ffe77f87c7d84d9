/** Card routes: happy paths, APDU round trip, tear faults, errors (issue 5, "HTTP API"). */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { MemoryCardStore, SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { GET_CHALLENGE, READ_0015, SELECT_TRANSIT, makeApp, now } from './helpers.js';

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

async function newCard(body: Record<string, unknown> = {}) {
  const res = await app.inject({ method: 'POST', url: '/v1/cards', payload: body });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; serial: string };
}

const apdu = (id: string, hex: string) => app.inject({ method: 'POST', url: `/v1/cards/${id}/apdu`, payload: { apdu: hex } });

describe('card routes', () => {
  it('GET /healthz', async () => {
    ({ app } = await makeApp());
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('POST /v1/cards issues a card and returns its summary', async () => {
    ({ app } = await makeApp());
    const res = await app.inject({ method: 'POST', url: '/v1/cards', payload: { profile: 'beijing-student', algorithm: 'sm4', balanceFen: 5000, seed: 7, holder: { name: '张三' } } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['algorithm', 'balanceFen', 'cardType', 'id', 'profile', 'serial']);
    expect(body).toMatchObject({ profile: 'beijing-student', algorithm: 'sm4', cardType: 2, balanceFen: 5000 });
    expect(body.serial).toMatch(/^\d{20}$/);
    expect(body.id).toBe(`card-${body.serial}`);
    // same seed, same card: a conflict, not a second copy
    const again = await app.inject({ method: 'POST', url: '/v1/cards', payload: { seed: 7 } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('CARD_EXISTS');
  });

  it('POST /v1/cards without a body or seed gives deterministic, distinct ids; an injected generator is used', async () => {
    ({ app } = await makeApp({ seed: 100 }));
    const a = await app.inject({ method: 'POST', url: '/v1/cards' });
    const b = await app.inject({ method: 'POST', url: '/v1/cards', payload: {} });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).not.toBe(b.json().id);
    const { app: app2 } = await makeApp({ seed: 100 });
    const a2 = await app2.inject({ method: 'POST', url: '/v1/cards' });
    expect(a2.json().id).toBe(a.json().id);
    await app2.close();
    let n = 0;
    const { app: app3 } = await makeApp({ newId: () => `c${++n}` });
    expect((await app3.inject({ method: 'POST', url: '/v1/cards' })).json().id).toBe('c1');
    expect((await app3.inject({ method: 'POST', url: '/v1/cards' })).json().id).toBe('c2');
    await app3.close();
  });

  it('GET /v1/cards lists, GET /v1/cards/:id details, DELETE removes', async () => {
    ({ app } = await makeApp());
    const c1 = await newCard({ seed: 1, balanceFen: 1234 });
    const c2 = await newCard({ seed: 2 });
    const list = await app.inject({ method: 'GET', url: '/v1/cards' });
    expect(list.statusCode).toBe(200);
    expect(list.json().cards.map((c: { id: string }) => c.id).sort()).toEqual([c1.id, c2.id].sort());
    const one = await app.inject({ method: 'GET', url: `/v1/cards/${c1.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: c1.id, serial: c1.serial, profile: 'beijing-standard', algorithm: '3des', cardType: 1, balanceFen: 1234, counters: { online: 0, offline: 0 }, version: 1 });
    const del = await app.inject({ method: 'DELETE', url: `/v1/cards/${c1.id}` });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    const gone = await app.inject({ method: 'GET', url: `/v1/cards/${c1.id}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ code: 'UNKNOWN_CARD', message: `card "${c1.id}" not found` });
    expect((await app.inject({ method: 'DELETE', url: `/v1/cards/${c1.id}` })).statusCode).toBe(404);
  });

  it('POST /reset returns the ATR; APDU round trip SELECT transit then READ BINARY 0015', async () => {
    ({ app } = await makeApp());
    const { id } = await newCard();
    const reset = await app.inject({ method: 'POST', url: `/v1/cards/${id}/reset` });
    expect(reset.statusCode).toBe(200);
    expect(reset.json().atr).toMatch(/^3b[0-9a-f]+$/);
    const sel = await apdu(id, SELECT_TRANSIT);
    expect(sel.statusCode).toBe(200);
    expect(sel.json().sw).toBe('9000');
    const rb = await apdu(id, READ_0015);
    expect(rb.statusCode).toBe(200);
    expect(rb.json().sw).toBe('9000');
    expect(rb.json().response).toMatch(/^[0-9a-f]{60}$/);
    // lower-case input works too, and an error SW is a 200 with no data
    const bad = await apdu(id, '00b0990000');
    expect(bad.statusCode).toBe(200);
    expect(bad.json().response).toBe('');
    expect(bad.json().sw).not.toBe('9000');
  });

  it('a tear answers 409 CARD_TORN, the card stays unpowered until /reset', async () => {
    ({ app } = await makeApp());
    const { id } = await newCard();
    const f = await app.inject({ method: 'POST', url: `/v1/cards/${id}/faults`, payload: { tear: { afterApdus: 1, phase: 'after-commit' } } });
    expect(f.statusCode).toBe(200);
    expect(f.json()).toEqual({ tear: { afterApdus: 1, phase: 'after-commit' } });
    expect((await apdu(id, SELECT_TRANSIT)).statusCode).toBe(200);
    const torn = await apdu(id, GET_CHALLENGE);
    expect(torn.statusCode).toBe(409);
    expect(torn.json().code).toBe('CARD_TORN');
    const unpowered = await apdu(id, SELECT_TRANSIT);
    expect(unpowered.statusCode).toBe(409);
    expect(unpowered.json().code).toBe('CARD_NOT_POWERED');
    expect((await app.inject({ method: 'POST', url: `/v1/cards/${id}/reset` })).statusCode).toBe(200);
    const ok = await apdu(id, SELECT_TRANSIT);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().sw).toBe('9000');
  });

  it('a during-commit tear with a step is accepted; bad fault bodies are 400', async () => {
    ({ app } = await makeApp());
    const { id } = await newCard();
    const ok = await app.inject({ method: 'POST', url: `/v1/cards/${id}/faults`, payload: { tear: { afterApdus: 0, phase: 'during-commit', step: 1 } } });
    expect(ok.statusCode).toBe(200);
    const torn = await apdu(id, SELECT_TRANSIT);
    expect(torn.statusCode).toBe(409);
    const bad = await app.inject({ method: 'POST', url: `/v1/cards/${id}/faults`, payload: { tear: { afterApdus: -1, phase: 'before-commit' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('SCHEMA');
    expect(bad.json().message).toContain('/tear/afterApdus');
    const phase = await app.inject({ method: 'POST', url: `/v1/cards/${id}/faults`, payload: { tear: { afterApdus: 0, phase: 'sometime' } } });
    expect(phase.statusCode).toBe(400);
    expect(phase.json().message).toContain('/tear/phase');
  });

  it('hex and length errors name the problem', async () => {
    ({ app } = await makeApp());
    const { id } = await newCard();
    const cases: [string, string, RegExp][] = [
      ['00A40', 'BAD_HEX', /even number of hex digits, got 5/],
      ['00A4zz00', 'BAD_HEX', /'z' at position 4/],
      ['0x00A40400', 'BAD_HEX', /'x' at position 1/],
      ['00 A4 04 00', 'BAD_HEX', /U\+0020 at position 2/],
      ['00A404', 'APDU_TOO_SHORT', /got 3/],
      ['', 'APDU_TOO_SHORT', /got 0/],
      ['00'.repeat(65545), 'APDU_TOO_LONG', /got 65545/],
    ];
    for (const [hex, code, msg] of cases) {
      const res = await apdu(id, hex);
      expect(res.statusCode, hex.slice(0, 20)).toBe(400);
      expect(res.json().code).toBe(code);
      expect(res.json().message).toMatch(msg);
    }
    const unknown = await apdu('no-such-card', SELECT_TRANSIT);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('UNKNOWN_CARD');
  });

  it('schema, route, method, body size and content type errors', async () => {
    ({ app } = await makeApp());
    const wrongType = await app.inject({ method: 'POST', url: '/v1/cards', payload: { balanceFen: '100' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json()).toEqual({ code: 'SCHEMA', message: 'body/balanceFen must be integer' });
    const extra = await app.inject({ method: 'POST', url: '/v1/cards', payload: { colour: 'red' } });
    expect(extra.json().message).toBe("body must NOT have additional properties 'colour'");
    const profile = await app.inject({ method: 'POST', url: '/v1/cards', payload: { profile: 'mars' } });
    expect(profile.statusCode).toBe(400);
    expect(profile.json().code).toBe('BAD_CARD_OPTIONS');
    const tooRich = await app.inject({ method: 'POST', url: '/v1/cards', payload: { balanceFen: 10 ** 9 } });
    expect(tooRich.statusCode).toBe(400);
    expect(tooRich.json().code).toBe('BAD_CARD_OPTIONS');
    const route = await app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(route.statusCode).toBe(404);
    expect(route.json()).toEqual({ code: 'NOT_FOUND', message: 'no route GET /v2/nothing' });
    const method = await app.inject({ method: 'PUT', url: '/v1/cards/x' });
    expect(method.statusCode).toBe(405);
    expect(method.json().code).toBe('METHOD_NOT_ALLOWED');
    expect(method.headers.allow).toBe('DELETE, GET');
    const huge = await app.inject({ method: 'POST', url: '/v1/cards/x/apdu', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ apdu: 'a'.repeat(300 * 1024) }) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('BODY_TOO_LARGE');
    const badJson = await app.inject({ method: 'POST', url: '/v1/cards', headers: { 'content-type': 'application/json' }, payload: '{"seed":' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().code).toBe('BAD_JSON');
    const text = await app.inject({ method: 'POST', url: '/v1/cards', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(400);
    expect(text.json()).toEqual({ code: 'SCHEMA', message: 'body must be object' });
    const xml = await app.inject({ method: 'POST', url: '/v1/cards', headers: { 'content-type': 'application/xml' }, payload: '<card/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(xml.json().message).toContain('application/xml');
  });

  it('GET /v1/cards pages in id order: limit, afterId, nextAfterId; bad limits are 400', async () => {
    ({ app } = await makeApp());
    const ids: string[] = [];
    for (let seed = 1; seed <= 5; seed++) ids.push((await newCard({ seed })).id);
    ids.sort();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res = await app.inject({ method: 'GET', url: `/v1/cards?limit=2${after === null ? '' : `&afterId=${after}`}` });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { cards: { id: string }[]; nextAfterId: string | null };
      expect(body.cards.length).toBeLessThanOrEqual(2);
      seen.push(...body.cards.map((c) => c.id));
      after = body.nextAfterId;
      pages++;
    } while (after !== null);
    expect([seen, pages]).toEqual([ids, 3]);
    expect((await app.inject({ method: 'GET', url: '/v1/cards' })).json()).toMatchObject({ nextAfterId: null });
    expect((await app.inject({ method: 'GET', url: `/v1/cards?afterId=${ids[4]}` })).json()).toEqual({ cards: [], nextAfterId: null });
    for (const [limit, code] of [['0', 'BAD_REQUEST'], ['10001', 'BAD_REQUEST'], ['x', 'SCHEMA'], ['-1', 'SCHEMA']]) {
      const bad = await app.inject({ method: 'GET', url: `/v1/cards?limit=${limit}` });
      expect(bad.statusCode, limit).toBe(400);
      expect(bad.json().code, limit).toBe(code);
      expect(bad.json().message).toContain('limit');
    }
  });

  it.each(['memory', 'sqlite'] as const)('a card closed in memory is listed from its stored image with the same summary (%s store)', async (kind) => {
    const store = kind === 'memory' ? new MemoryCardStore({ now }) : new SqliteCardStore(':memory:', { now });
    ({ app } = await makeApp({ maxOpenCards: 1 }, store));
    const a = await newCard({ seed: 1, balanceFen: 3000 });
    const b = await newCard({ seed: 2, balanceFen: 4000 });
    const entry = (await app.inject({ method: 'POST', url: '/v1/terminals', payload: { kind: 'gate', direction: 'entry' } })).json().id;
    const exit = (await app.inject({ method: 'POST', url: '/v1/terminals', payload: { kind: 'gate', direction: 'exit' } })).json().id;
    await app.inject({ method: 'POST', url: `/v1/terminals/${entry}/taps`, payload: { cardId: a.id } });
    const out = (await app.inject({ method: 'POST', url: `/v1/terminals/${exit}/taps`, payload: { cardId: a.id, at: new Date(now() + 30 * 60_000).toISOString() } })).json();
    const openA = (await app.inject({ method: 'GET', url: '/v1/cards' })).json().cards.find((c: { id: string }) => c.id === a.id);
    await app.inject({ method: 'POST', url: `/v1/cards/${b.id}/apdu`, payload: { apdu: SELECT_TRANSIT } }); // closes a
    expect((await app.inject({ method: 'GET', url: '/v1/status' })).json().cards.open).toBe(1);
    const closedA = (await app.inject({ method: 'GET', url: '/v1/cards' })).json().cards.find((c: { id: string }) => c.id === a.id);
    expect(closedA).toEqual(openA);
    expect(closedA).toMatchObject({ id: a.id, serial: a.serial, profile: 'beijing-standard', algorithm: '3des', cardType: 1, balanceFen: 3000 - out.fareFen });
  });

  it('a 5xx carries only the generic message, never the cause', async () => {
    const store = new MemoryCardStore({ now });
    store.listCards = () => {
      throw new Error('disk on fire at /secret/path');
    };
    ({ app } = await makeApp({}, store));
    const res = await app.inject({ method: 'GET', url: '/v1/cards' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'INTERNAL', message: 'internal server error' });
  });

  it('serves the OpenAPI document and a page linking it', async () => {
    ({ app } = await makeApp());
    const json = await app.inject({ method: 'GET', url: '/documentation/json' });
    expect(json.statusCode).toBe(200);
    const doc = json.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/v1/cards', '/v1/cards/{id}', '/v1/cards/{id}/apdu', '/v1/cards/{id}/reset', '/v1/cards/{id}/faults']));
    const page = await app.inject({ method: 'GET', url: '/documentation' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('/documentation/json');
  });
});
