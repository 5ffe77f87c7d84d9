/**
 * Bad input (issue 5, "Reliability tests"): well over a thousand malformed requests — random
 * JSON, wrong types, bad hex, odd lengths, huge bodies, unknown ids, wrong methods, broken
 * encodings — each must get a 4xx with a `{code, message}` body from the error table; zero 5xx;
 * /healthz still answers afterwards. A seeded generator: a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { seededRng } from '../../../engine/index.js';
import { ERRORS } from '../../../terminal-sim/server/errors.js';
import { SELECT_TRANSIT, makeApp, makeThreadApp } from './helpers.js';

const REQUESTS = Number(process.env.FUZZ_HTTP ?? 1500);

describe('HTTP fuzz: malformed requests', () => {
  it.each([
    ['in the HTTP thread', makeApp],
    ['in a service thread', makeThreadApp],
  ] as const)(`${REQUESTS} malformed requests → all 4xx, zero 5xx, server still serves (cards %s)`, async (_where, make) => {
    const { app } = await make({ seed: 9 });
    const { id } = (await app.inject({ method: 'POST', url: '/v1/cards', payload: {} })).json();
    const gate = (await app.inject({ method: 'POST', url: '/v1/terminals', payload: { kind: 'gate', direction: 'entry' } })).json().id as string;
    const rng = seededRng('http-fuzz');
    const rand = (n: number) => {
      const b = rng.bytes(4);
      return (((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0) % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];
    const hexDigits = '0123456789abcdefABCDEF';
    const hexOf = (len: number) => Array.from({ length: len }, () => hexDigits[rand(hexDigits.length)]).join('');
    const junkChars = 'gGzZxX -_:;.,/\\"\'{}[]\u00e9\u4e2d\u0000\n\t+%';
    const randomString = (max: number) => Array.from({ length: rand(max) }, () => String.fromCharCode(32 + rand(0x2000))).join('');
    const randomJson = (depth = 0): unknown => {
      switch (rand(depth > 2 ? 5 : 7)) {
        case 0: return rand(2) === 0 ? rand(1e6) - 5e5 : (rand(1e6) - 5e5) / 7;
        case 1: return randomString(20);
        case 2: return rand(2) === 0;
        case 3: return null;
        case 4: return hexOf(rand(20));
        case 5: return Array.from({ length: rand(4) }, () => randomJson(depth + 1));
        default: return Object.fromEntries(Array.from({ length: 1 + rand(4) }, () => [`k${randomString(6)}`, randomJson(depth + 1)]));
      }
    };
    const wrongTyped = () => pick<unknown>([rand(1000), -1, 1.5, 'str', true, null, [], {}, [1, 2], { a: 1 }]);
    const badHex = () => {
      switch (rand(4)) {
        case 0: return hexOf(2 * rand(40) + 1); // odd length
        case 1: { // a junk character somewhere
          const h = hexOf(2 * (4 + rand(20)));
          const at = rand(h.length);
          return h.slice(0, at) + pick(junkChars.split('')) + h.slice(at + 1);
        }
        case 2: return hexOf(2 * rand(4)); // shorter than 4 bytes
        default: return `0x${hexOf(8)}`;
      }
    };
    const cardRoutes = ['', '/reset', '/apdu', '/faults'];
    const unknownId = () => pick(['nope', 'card-00000000000000000000', encodeURIComponent(randomString(30)) || 'x', 'a'.repeat(200), '%E4%B8', '..', '%00']);

    const gens: (() => InjectOptions)[] = [
      // random JSON bodies (never a valid shape: a non-object or an object with unknown keys)
      () => ({ method: 'POST', url: pick(['/v1/cards', `/v1/cards/${id}/apdu`, `/v1/cards/${id}/faults`]), payload: JSON.stringify(randomJson(3)), headers: { 'content-type': 'application/json' } }),
      // wrong types
      () => ({ method: 'POST', url: '/v1/cards', payload: { [pick(['balanceFen', 'seed', 'holder', 'profile', 'algorithm'])]: pick<unknown>([-5, 'x', 1.5, [], { name: 5 }, null, 'md5', true]) } }),
      () => ({ method: 'POST', url: `/v1/cards/${id}/apdu`, payload: { apdu: wrongTyped() } }),
      () => ({ method: 'POST', url: `/v1/cards/${id}/faults`, payload: { tear: pick<unknown>([wrongTyped(), { afterApdus: -rand(10) - 1, phase: 'after-commit' }, { afterApdus: 1, phase: randomString(10) }, { afterApdus: 0, phase: 'during-commit', step: 0 }, { afterApdus: 'one', phase: 'before-commit' }]) } }),
      // bad hex and bad lengths
      () => ({ method: 'POST', url: `/v1/cards/${id}/apdu`, payload: { apdu: badHex() } }),
      () => ({ method: 'POST', url: `/v1/cards/${id}/apdu`, payload: { apdu: '00'.repeat(65545 + rand(1000)) } }),
      // unknown ids, every card route
      () => {
        const sub = pick(cardRoutes);
        const method = sub === '' ? pick(['GET', 'DELETE'] as const) : 'POST';
        return { method, url: `/v1/cards/${unknownId()}${sub}`, ...(sub === '/apdu' ? { payload: { apdu: SELECT_TRANSIT } } : sub === '/faults' ? { payload: { tear: { afterApdus: 0, phase: 'after-commit' } } } : {}) };
      },
      // terminal, journal, clearing and reader routes
      () => ({
        method: 'POST',
        url: pick(['/v1/terminals', `/v1/terminals/${gate}/taps`, `/v1/terminals/${gate}/loads`, '/v1/clearing/verify', '/v1/readers/0/insert']),
        payload: JSON.stringify(randomJson(3)),
        headers: { 'content-type': 'application/json' },
      }),
      () => ({ method: 'POST', url: '/v1/terminals', payload: { kind: pick(['gate', 'bus', 'topup']), [pick(['direction', 'station', 'route', 'stop', 'terminalId'])]: pick<unknown>([-5, 'x', 1.5, [], { name: 5 }, null, { line: 0, station: 0 }, 'ZZZZZZZZZZZZ', { stops: [] }]) } }),
      () => ({ method: 'POST', url: `/v1/terminals/${pick([gate, unknownId()])}/taps`, payload: { cardId: pick([id, unknownId(), '', 5]), at: pick<unknown>([randomString(20), 5, '2026-13-01T00:00:00Z', '2026-01-01T25:00:00+08:00', null]) } }),
      () => ({ method: 'POST', url: `/v1/terminals/${gate}/loads`, payload: { cardId: id, amountFen: pick<unknown>([-1, 1.5, 'ten', 2 ** 40, 2000]) } }),
      () => ({ method: 'GET', url: `/v1/journal?${pick(['limit', 'since', 'afterId', 'x'])}=${encodeURIComponent(pick(['-1', '1e3', 'x y', '', '99999999999999999999']))}` }),
      () => {
        // Only bad pairs: any short afterId is a valid cursor.
        const [key, value] = pick<[string, string]>([['limit', pick(['-1', '0', '1e3', 'x y', '', '99999'])], ['afterId', pick(['', 'x'.repeat(129 + rand(100))])], ['x', randomString(5)]]);
        return { method: 'GET', url: `/v1/cards?${key}=${encodeURIComponent(value)}` };
      },
      () => ({ method: pick(['PUT', 'PATCH', 'GET'] as const), url: pick([`/v1/terminals/${gate}/taps`, '/v1/clearing/verify', '/v1/readers/0/insert', '/v1/journal/1']) }),
      // wrong methods and unknown routes
      () => ({ method: pick(['PUT', 'PATCH', 'DELETE'] as const), url: pick(['/v1/cards', `/v1/cards/${id}/apdu`, `/v1/cards/${id}/reset`, '/healthz', '/v1/status']) }),
      () => ({ method: pick(['GET', 'POST', 'PUT'] as const), url: `/${pick(['v1', 'v2', 'api', 'x'])}/${encodeURIComponent(randomString(12))}` }),
      // broken JSON, empty JSON, other content types
      () => ({ method: 'POST', url: pick(['/v1/cards', `/v1/cards/${id}/apdu`]), headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ apdu: hexOf(10) }).slice(0, 1 + rand(15)) }),
      () => ({ method: 'POST', url: `/v1/cards/${id}/apdu`, headers: { 'content-type': 'application/json' }, payload: '' }),
      () => ({ method: 'POST', url: pick(['/v1/cards', `/v1/cards/${id}/apdu`]), headers: { 'content-type': pick(['application/xml', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream']) }, payload: randomString(40) || 'x' }),
      () => ({ method: 'POST', url: `/v1/cards/${id}/apdu`, headers: { 'content-type': 'application/json' }, payload: Buffer.from(rng.bytes(1 + rand(64))) }),
    ];
    const huge = (): InjectOptions => ({ method: 'POST', url: pick(['/v1/cards', `/v1/cards/${id}/apdu`]), headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ apdu: 'a'.repeat(256 * 1024 + rand(4096)) }) });

    const seen = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const req = i % 100 === 99 ? huge() : gens[i % gens.length]();
      const res = await app.inject(req);
      seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
      const where = `#${i} ${req.method} ${String(req.url).slice(0, 60)} ${String(req.payload ?? '').slice(0, 60)}`;
      expect(res.statusCode, `${where} → ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${where} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
      const body = res.json();
      expect(Object.keys(body).sort(), where).toEqual(['code', 'message']);
      expect(Object.keys(ERRORS), where).toContain(body.code);
      expect(ERRORS[body.code as keyof typeof ERRORS].status, where).toBe(res.statusCode);
    }
    expect([...seen.keys()].some((s) => s >= 500)).toBe(false);
    expect([...seen.keys()]).toEqual(expect.arrayContaining([400, 404, 405, 413, 415]));
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    // and the card still works
    const ok = await app.inject({ method: 'POST', url: `/v1/cards/${id}/apdu`, payload: { apdu: SELECT_TRANSIT } });
    expect(ok.json().sw).toBe('9000');
    await app.close();
  });
});
