/** WebSocket /v1/cards/:id/apdu (issue 5): one APDU per message, via app.injectWS (no real sockets). */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BODY_LIMIT } from '../../../terminal-sim/server/app.js';
import { WS_CLOSE_UNKNOWN_CARD } from '../../../terminal-sim/server/routes/cards-ws.js';
import { GET_CHALLENGE, READ_0015, SELECT_TRANSIT, makeApp, makeThreadApp } from './helpers.js';

let app: FastifyInstance;
const open: Client[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.ws.terminate();
  await app?.close();
});

interface Message {
  data: Buffer;
  isBinary: boolean;
}

/** A test client over injectWS: messages and the close are queued so none is missed. */
class Client {
  private readonly queue: Message[] = [];
  private waiting: ((m: Message) => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- `ws` ships no types
  constructor(readonly ws: any) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const m = { data, isBinary };
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(m);
      } else this.queue.push(m);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
  }

  next(): Promise<Message> {
    const m = this.queue.shift();
    return m ? Promise.resolve(m) : new Promise((resolve) => (this.waiting = resolve));
  }

  /** Sends a hex text message; the reply as text. */
  async text(hex: string): Promise<string> {
    this.ws.send(hex);
    const m = await this.next();
    expect(m.isBinary).toBe(false);
    return m.data.toString('utf8');
  }

  /** Sends a binary message; the reply (binary expected). */
  async binary(bytes: Buffer): Promise<Buffer> {
    this.ws.send(bytes, { binary: true });
    const m = await this.next();
    expect(m.isBinary, m.data.toString()).toBe(true);
    return m.data;
  }
}

async function connect(id: string, headers: Record<string, string> = {}): Promise<Client> {
  const c = new Client(await app.injectWS(`/v1/cards/${id}/apdu`, { headers }));
  open.push(c);
  return c;
}

async function newCard(headers: Record<string, string> = {}): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/cards', headers });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}

const httpApdu = (id: string, hex: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/v1/cards/${id}/apdu`, headers, payload: { apdu: hex } });

// Both ways the server runs: the cards in the HTTP thread, and in a service thread (`ssc3 serve`).
describe.each([
  ['in the HTTP thread', makeApp],
  ['in a service thread', makeThreadApp],
] as const)('WebSocket /v1/cards/:id/apdu, cards %s', (_where, make) => {
  it('text in, text out: SELECT transit then READ BINARY 0015, as the HTTP route answers', async () => {
    ({ app } = await make());
    const id = await newCard();
    const ws = await connect(id);
    const select = await ws.text(SELECT_TRANSIT.toUpperCase());
    expect(select).toMatch(/^([0-9a-f]{2})*9000$/);
    const read = await ws.text(READ_0015);
    expect(read).toMatch(/^[0-9a-f]+9000$/);
    expect(read.length).toBeGreaterThan(4);
    // The same card over HTTP (READ BINARY changes nothing): same answer.
    const http = (await httpApdu(id, READ_0015)).json() as { response: string; sw: string };
    expect(read).toBe(http.response + http.sw);
  });

  it('binary in, binary out: the same bytes as the hex', async () => {
    ({ app } = await make());
    const id = await newCard();
    const ws = await connect(id);
    const select = await ws.binary(Buffer.from(SELECT_TRANSIT, 'hex'));
    expect(select.subarray(-2).toString('hex')).toBe('9000');
    const read = await ws.binary(Buffer.from(READ_0015, 'hex'));
    expect(read.subarray(-2).toString('hex')).toBe('9000');
    expect(read.toString('hex')).toBe(await ws.text(READ_0015));
  });

  it('bad messages get a JSON error of the table; the connection stays open', async () => {
    ({ app } = await make());
    const id = await newCard();
    const ws = await connect(id);
    expect(JSON.parse(await ws.text('00a4zz00'))).toEqual({ code: 'BAD_HEX', message: `"apdu" expected hex digits, got 'z' at position 4` });
    expect(JSON.parse(await ws.text('00a40'))).toEqual({ code: 'BAD_HEX', message: '"apdu" expected an even number of hex digits, got 5' });
    expect(JSON.parse(await ws.text('0x00a40400'))).toMatchObject({ code: 'BAD_HEX' });
    expect(JSON.parse(await ws.text(''))).toEqual({ code: 'APDU_TOO_SHORT', message: '"apdu" expected at least 4 bytes (CLA INS P1 P2), got 0' });
    expect(JSON.parse(await ws.text('00a404'))).toMatchObject({ code: 'APDU_TOO_SHORT' });
    expect(JSON.parse(await ws.text('00'.repeat(65545)))).toEqual({ code: 'APDU_TOO_LONG', message: '"apdu" expected at most 65544 bytes (extended case 4), got 65545' });
    // A bad binary message answers as text too.
    ws.ws.send(Buffer.from([0x00, 0xa4]), { binary: true });
    const short = await ws.next();
    expect(short.isBinary).toBe(false);
    expect(JSON.parse(short.data.toString())).toEqual({ code: 'APDU_TOO_SHORT', message: '"apdu" expected at least 4 bytes (CLA INS P1 P2), got 2' });
    ws.ws.send(Buffer.alloc(65545), { binary: true });
    expect(JSON.parse((await ws.next()).data.toString()).code).toBe('APDU_TOO_LONG');
    // still open and working
    expect(await ws.text(SELECT_TRANSIT)).toMatch(/9000$/);
  });

  it('a message above the body limit closes the socket with 1009', async () => {
    ({ app } = await make());
    const ws = await connect(await newCard());
    ws.ws.send('0'.repeat(BODY_LIMIT + 2));
    expect((await ws.closed).code).toBe(1009);
  });

  it('an unknown card closes with 4404 and a reason; a card deleted meanwhile too', async () => {
    ({ app } = await make());
    const unknown = await connect('card-nope');
    expect(await unknown.closed).toEqual({ code: WS_CLOSE_UNKNOWN_CARD, reason: 'card "card-nope" not found' });
    // the longest id the router takes (100 characters) still fits the 123 bytes of a close reason
    const long = await connect('x'.repeat(100));
    expect(await long.closed).toEqual({ code: 4404, reason: `card "${'x'.repeat(100)}" not found` });

    const id = await newCard();
    const ws = await connect(id);
    expect(await ws.text(SELECT_TRANSIT)).toMatch(/9000$/);
    expect((await app.inject({ method: 'DELETE', url: `/v1/cards/${id}` })).statusCode).toBe(204);
    ws.ws.send(READ_0015);
    expect(await ws.closed).toEqual({ code: 4404, reason: `card "${id}" not found` });
  });

  it('a torn APDU answers CARD_TORN; the state is shared with (and saved for) the HTTP routes', async () => {
    ({ app } = await make());
    const id = await newCard();
    const f = await app.inject({ method: 'POST', url: `/v1/cards/${id}/faults`, payload: { tear: { afterApdus: 1, phase: 'after-commit' } } });
    expect(f.statusCode).toBe(200);
    const ws = await connect(id);
    expect(await ws.text(SELECT_TRANSIT)).toMatch(/9000$/);
    const torn = JSON.parse(await ws.text(GET_CHALLENGE));
    expect(torn.code).toBe('CARD_TORN');
    expect(torn.message).toContain(`card "${id}" lost power`);
    expect(JSON.parse(await ws.text(SELECT_TRANSIT)).code).toBe('CARD_NOT_POWERED');
    expect((await httpApdu(id, SELECT_TRANSIT)).json().code).toBe('CARD_NOT_POWERED');
    expect((await app.inject({ method: 'POST', url: `/v1/cards/${id}/reset` })).statusCode).toBe(200);
    expect(await ws.text(SELECT_TRANSIT)).toMatch(/9000$/);
  });

  it('the token is required for the upgrade: 401 before it otherwise', async () => {
    ({ app } = await make({ token: 's3cret' }));
    const auth = { authorization: 'Bearer s3cret' };
    const id = await newCard(auth);
    await expect(app.injectWS(`/v1/cards/${id}/apdu`)).rejects.toThrow('Unexpected server response: 401');
    await expect(app.injectWS(`/v1/cards/${id}/apdu`, { headers: { authorization: 'Bearer wrong' } })).rejects.toThrow('Unexpected server response: 401');
    // no upgrade to an unknown card without the token either: 401, not 4404
    await expect(app.injectWS('/v1/cards/card-nope/apdu')).rejects.toThrow('Unexpected server response: 401');
    const ws = await connect(id, auth);
    expect(await ws.text(SELECT_TRANSIT)).toMatch(/9000$/);
  });

  it('a plain GET (no upgrade) is a 400 of the table; the route is not in the OpenAPI document', async () => {
    ({ app } = await make());
    const id = await newCard();
    const res = await app.inject({ method: 'GET', url: `/v1/cards/${id}/apdu` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BAD_REQUEST' });
    const put = await app.inject({ method: 'PUT', url: `/v1/cards/${id}/apdu` });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
    const doc = (await app.inject({ method: 'GET', url: '/documentation/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1/cards/{id}/apdu']).sort()).toEqual(['post']);
  });
});
