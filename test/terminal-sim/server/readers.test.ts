/** PC/SC reader slot routes (issue 5): a stored card in a vpcd slot, driven by a fake vpcd driver. */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { bytesToHex, hexToBytes } from '../../../crypto/utils.js';
import { FakeVpcd } from '../transport/fake-vpcd.js';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { GET_CHALLENGE, makeApp, now, SELECT_TRANSIT } from './helpers.js';

let app: FastifyInstance;
const drivers: FakeVpcd[] = [];
afterEach(async () => {
  await app?.close();
  for (const d of drivers.splice(0)) await d.close();
});

const post = (url: string, payload?: Record<string, unknown>) => app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
const sw = (r: Uint8Array) => bytesToHex(r.subarray(r.length - 2));

/** Two fake vpcd listeners on consecutive ports (slot 0 and slot 1). */
async function twoDrivers(): Promise<[FakeVpcd, FakeVpcd, number]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const a = new FakeVpcd();
    const port = await a.listen();
    const b = new FakeVpcd();
    try {
      await b.listen(port + 1);
      drivers.push(a, b);
      return [a, b, port];
    } catch {
      await a.close();
      await b.close().catch(() => undefined);
    }
  }
  throw new Error('no two consecutive free ports');
}

describe('reader routes', () => {
  it('without --vpcd there are no readers', async () => {
    ({ app } = await makeApp());
    expect((await app.inject({ method: 'GET', url: '/v1/readers' })).json()).toEqual({ readers: [] });
    const r = await post('/v1/readers/0/insert', { cardId: 'x' });
    expect([r.statusCode, r.json().code]).toEqual([409, 'NO_READERS']);
  });

  it('insert connects the slot; APDUs from the driver reach the stored card; remove gives it back', async () => {
    const [d0, , port] = await twoDrivers();
    const made = await makeApp({ vpcd: { host: '127.0.0.1', port } });
    app = made.app;
    const card = (await post('/v1/cards', { seed: 5, balanceFen: 1234 })).json() as { id: string };
    const ins = await post('/v1/readers/0/insert', { cardId: card.id });
    expect(ins.statusCode, ins.body).toBe(200);
    expect(ins.json()).toMatchObject({ slot: 0, reader: 'Virtual PCD 00 00', cardId: card.id, endpoint: `127.0.0.1:${port}` });
    await d0.connection();
    d0.send(Uint8Array.of(0x01)); // power on
    expect(sw(await d0.request(hexToBytes('00a4040008a000000632010105')))).toBe('9000');
    const bal = await d0.request(hexToBytes('805c000204'));
    expect(bytesToHex(bal)).toBe('000004d29000');

    // the PC/SC client owns the card: HTTP APDUs, taps and a second slot are refused
    const apdu = await post(`/v1/cards/${card.id}/apdu`, { apdu: '805c000204' });
    expect([apdu.statusCode, apdu.json().code]).toEqual([409, 'CARD_IN_READER']);
    const other = await post('/v1/readers/1/insert', { cardId: card.id });
    expect([other.statusCode, other.json().code]).toEqual([409, 'CARD_IN_READER']);
    const card2 = (await post('/v1/cards', { seed: 6 })).json() as { id: string };
    const occupied = await post('/v1/readers/0/insert', { cardId: card2.id });
    expect([occupied.statusCode, occupied.json().code]).toEqual([409, 'SLOT_OCCUPIED']);
    expect((await app.inject({ method: 'GET', url: `/v1/cards/${card.id}` })).json().reader).toBe('0');
    const del = await app.inject({ method: 'DELETE', url: `/v1/cards/${card.id}` });
    expect([del.statusCode, del.json().code]).toEqual([409, 'CARD_IN_READER']);
    expect((await app.inject({ method: 'GET', url: '/v1/readers' })).json().readers[0]).toMatchObject({ state: 'connected', apdus: 2 });

    const rem = await post('/v1/readers/0/remove');
    expect(rem.json()).toMatchObject({ cardId: null });
    await d0.whenClosed();
    const back = await post(`/v1/cards/${card.id}/apdu`, { apdu: '00a4040008a000000632010105' });
    expect([back.statusCode, back.json().sw]).toEqual([200, '9000']);
    const unknownSlot = await post('/v1/readers/7/insert', { cardId: card.id });
    expect([unknownSlot.statusCode, unknownSlot.json().code]).toEqual([404, 'UNKNOWN_SLOT']);
    const unknownCard = await post('/v1/readers/1/insert', { cardId: 'nope' });
    expect([unknownCard.statusCode, unknownCard.json().code]).toEqual([404, 'UNKNOWN_CARD']);
  });
});

/** A store whose grouped saves wait, while `hold` is set, until the test releases them. */
class HeldStore extends SqliteCardStore {
  hold = false;
  readonly held: (() => void)[] = [];
  override saveChangeAndJournalGrouped(...args: Parameters<SqliteCardStore['saveChangeAndJournalGrouped']>): Promise<number> {
    if (!this.hold) return super.saveChangeAndJournalGrouped(...args);
    return new Promise((resolve, reject) => this.held.push(() => void super.saveChangeAndJournalGrouped(...args).then(resolve, reject)));
  }
}

describe('APDUs from a PC/SC slot that write', () => {
  it('are saved through the group commit before the answer; removing the card waits for a save in flight', async () => {
    const [d0, , port] = await twoDrivers();
    const store = new HeldStore(':memory:', { now });
    ({ app } = await makeApp({ vpcd: { host: '127.0.0.1', port } }, store));
    const card = (await post('/v1/cards', { seed: 7 })).json() as { id: string };
    expect((await post('/v1/readers/0/insert', { cardId: card.id })).statusCode).toBe(200);
    await d0.connection();
    d0.send(Uint8Array.of(0x01)); // power on
    const v0 = store.getStored(card.id)!.version;
    const w0 = store.stats().groupedWrites!;
    expect(sw(await d0.request(hexToBytes(GET_CHALLENGE)))).toBe('9000');
    // the card's patch, in a group commit, before the answer left
    expect([store.stats().groupedWrites! - w0, store.getStored(card.id)!.version]).toEqual([1, v0 + 1]);

    store.hold = true;
    d0.send(hexToBytes(GET_CHALLENGE));
    for (let i = 0; i < 100 && store.held.length === 0; i++) await sleep(10);
    expect(store.held).toHaveLength(1);
    expect(d0.queued).toBe(0); // no answer before the save
    let removed = false;
    const rem = post('/v1/readers/0/remove').then((r) => ((removed = true), r));
    await sleep(50);
    expect(removed).toBe(false); // the card is the reader's until its save settles
    const refused = await post(`/v1/cards/${card.id}/apdu`, { apdu: SELECT_TRANSIT });
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'CARD_IN_READER']);
    store.hold = false;
    store.held.shift()!();
    expect((await rem).json()).toMatchObject({ slot: 0, cardId: null });
    expect(store.getStored(card.id)!.version).toBe(v0 + 2); // the held save committed
    const back = await post(`/v1/cards/${card.id}/apdu`, { apdu: SELECT_TRANSIT });
    expect([back.statusCode, back.json().sw]).toEqual([200, '9000']);
    await d0.whenClosed();
    expect(d0.queued).toBe(0); // the card left before that answer could
    store.close();
  });
});
