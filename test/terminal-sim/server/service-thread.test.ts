// The services in a worker thread (service-thread.ts, what `ssc3 serve` runs): calls and answers
// cross intact (bytes, ApiErrors with their status, other errors), answers come back in order, a
// thread that cannot open its store says why, and close() commits what is queued before the
// thread ends — every tap answered is in the journal when the file is opened again.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../terminal-sim/server/errors.js';
import { startServiceThread } from '../../../terminal-sim/server/service-thread.js';
import type { ServiceThread } from '../../../terminal-sim/server/service-thread.js';
import { MAX_CALLS_PER_TURN } from '../../../terminal-sim/server/service-messages.js';
import type { ServiceSpec } from '../../../terminal-sim/server/service-messages.js';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { testTempDir } from '../../support/temp-dir.js';
import { SELECT_TRANSIT, THREAD_EXEC_ARGV } from './helpers.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const started: ServiceThread[] = [];
afterEach(async () => {
  for (const t of started.splice(0)) await t.close();
});

async function start(spec: ServiceSpec = { store: { kind: 'memory' } }): Promise<ServiceThread> {
  const t = await startServiceThread({ spec, execArgv: THREAD_EXEC_ARGV });
  started.push(t);
  return t;
}

describe('service thread', () => {
  it('answers from another thread: cards, APDU bytes, terminals, journal, status', async () => {
    const t = await start({ store: { kind: 'memory' }, seed: 40 });
    expect(t.threadId).toBeGreaterThan(0);
    const card = await t.cards.create({ balanceFen: 1000 });
    expect(card.id).toMatch(/^card-/);
    expect((await t.cards.detail(card.id)).id).toBe(card.id);
    await t.cards.reset(card.id);
    expect(await t.cards.transmit(card.id, hex(SELECT_TRANSIT))).toMatchObject({ sw: '9000' });
    expect(await t.cards.transmit(card.id, hex('805c000204'))).toEqual({ response: '000003e8', sw: '9000' });
    const entry = await t.terminals.create({ kind: 'gate', direction: 'entry' });
    const tap = await t.terminals.tap(entry.id, { cardId: card.id });
    expect(tap.outcome).toBe('entered');
    const rows = await t.journal({ cardId: card.id });
    expect(rows.length).toBe(1);
    // the tap's save went through the memory store's group commit, as it does with SQLite
    expect(await t.status()).toEqual({ store: { kind: 'memory', groupCommits: 1, groupedWrites: 1 }, cards: { open: 1, maxOpen: expect.any(Number) }, service: { thread: true, busy: expect.any(Number), windowS: expect.any(Number) } });
    expect(await t.readers.list()).toEqual([]);
  });

  it('an ApiError arrives as an ApiError (code, status, message); other errors keep their message', async () => {
    const t = await start();
    const err = await t.cards.detail('card-nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'UNKNOWN_CARD', statusCode: 404, message: 'card "card-nope" not found' });
    const slot = await t.readers.insert('0', 'card-nope').catch((e: unknown) => e);
    expect(slot).toMatchObject({ code: 'NO_READERS', statusCode: 409 });
    // Not an ApiError (a bug's TypeError, the 5xx path): its name and message cross for the log.
    const bad = await t.cards.list(undefined as never).catch((e: unknown) => e);
    expect(bad).not.toBeInstanceOf(ApiError);
    expect(bad).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/undefined/) });
    // An argument that cannot cross (a function) fails that call in this thread; the next works.
    await expect(t.cards.detail((() => 'x') as unknown as string)).rejects.toThrow(/could not be cloned/);
    expect((await t.cards.list({ limit: 5 })).cards).toEqual([]);
  });

  it('a call that cannot be cloned, made in the same turn as others (one message), fails alone; the others are answered', async () => {
    const t = await start();
    const made = await Promise.all([t.cards.create({ seed: 1 }), t.cards.create({ seed: 2 })]);
    const results = await Promise.allSettled([
      t.cards.detail(made[0].id),
      t.cards.detail((() => 'x') as unknown as string),
      t.cards.detail(made[1].id),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringMatching(/could not be cloned/) });
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.id : undefined))).toEqual([made[0].id, undefined, made[1].id]);
  });

  it('an answer that cannot be cloned becomes that call’s error; the answers of the same turn still arrive', async () => {
    // The fixture makes the thread's port refuse the result of a call whose arguments say
    // POISON, as structured clone refuses a value it cannot copy.
    const t = await startServiceThread({
      spec: { store: { kind: 'memory' }, seed: 70 },
      execArgv: [...THREAD_EXEC_ARGV, '--import', new URL('./fixtures/thread-refuses-an-answer.mjs', import.meta.url).href],
    });
    started.push(t);
    const [a, poisoned, b] = await Promise.all([t.cards.create({ seed: 1 }), t.cards.create({ seed: 2, holder: { name: 'POISON' } }), t.cards.create({ seed: 3 })].map((p) => p.catch((e: unknown) => e)));
    expect(poisoned).toMatchObject({ name: 'DataCloneError', message: 'refused by the fixture' });
    expect(a).toMatchObject({ id: expect.stringMatching(/^card-/) });
    expect(b).toMatchObject({ id: expect.stringMatching(/^card-/) });
    expect((await t.cards.list({ limit: 10 })).cards).toHaveLength(3);
  });

  it('commits at most one turn of calls per group commit: the taps of a second turn do not hold back the first one’s answers', async () => {
    const t = await start({ store: { kind: 'memory' }, seed: 90 });
    const entry = await t.terminals.create({ kind: 'gate', direction: 'entry' });
    const cards = await Promise.all(Array.from({ length: 2 * MAX_CALLS_PER_TURN }, (_, i) => t.cards.create({ seed: 900 + i, balanceFen: 2000 })));
    const before = (await t.status()).store;
    // Made in one turn: they cross in one message, and the thread starts them a turn's cap at a time.
    const outcomes = await Promise.all(cards.map((c) => t.terminals.tap(entry.id, { cardId: c.id }).then((r) => r.outcome)));
    expect(outcomes.every((o) => o === 'entered')).toBe(true);
    const after = (await t.status()).store;
    expect((after.groupedWrites ?? 0) - (before.groupedWrites ?? 0)).toBe(2 * MAX_CALLS_PER_TURN);
    expect((after.groupCommits ?? 0) - (before.groupCommits ?? 0)).toBe(2);
  });

  it('answers in the order of the calls (many in flight at once)', async () => {
    const t = await start();
    const ids = await Promise.all(Array.from({ length: 120 }, (_, i) => t.cards.create({ seed: 1000 + i }).then((c) => c.id)));
    expect(new Set(ids).size).toBe(120);
    const order: number[] = [];
    await Promise.all(ids.map((id, i) => t.cards.detail(id).then(() => order.push(i))));
    expect(order).toEqual(ids.map((_, i) => i));
  });

  it('a store that cannot open fails the start with its own message, and only that', async () => {
    const missing = join(testTempDir('thread'), 'no', 'such', 'dir', 'cards.db');
    const exits: Error[] = [];
    await expect(startServiceThread({ spec: { store: { kind: 'sqlite', path: missing } }, execArgv: THREAD_EXEC_ARGV, onExit: (e) => exits.push(e) })).rejects.toThrow(/directory does not exist|unable to open/);
    // The start failed: that is the whole report (onExit is for a thread that was serving).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(exits).toEqual([]);
  });

  it('a thread that ends on its own: onExit says so, the call in flight and later ones fail, close() still returns', async () => {
    let exited: Error | undefined;
    const t = await startServiceThread({
      spec: { store: { kind: 'memory' } },
      execArgv: [...THREAD_EXEC_ARGV, '--import', new URL('./fixtures/thread-exits-on-call.mjs', import.meta.url).href],
      onExit: (e) => (exited = e),
    });
    started.push(t);
    await expect(t.cards.list({ limit: 1 })).rejects.toThrow('the service thread exited with code 3');
    expect(exited?.message).toBe('the service thread exited with code 3');
    await expect(t.status()).rejects.toThrow('the service thread exited with code 3');
    await t.close();
  });

  it('close() commits the taps still in flight; every answered tap is in the journal', async () => {
    const path = join(testTempDir('thread'), 'cards.db');
    const t = await start({ store: { kind: 'sqlite', path } });
    const entry = await t.terminals.create({ kind: 'gate', direction: 'entry' });
    const cards = await Promise.all(Array.from({ length: 30 }, (_, i) => t.cards.create({ seed: 500 + i, balanceFen: 2000 })));
    // Not awaited: the taps are queued in the thread when close() is sent.
    const taps = cards.map((c) => t.terminals.tap(entry.id, { cardId: c.id }).then((r) => r.outcome, (e: unknown) => e));
    await t.close();
    const outcomes = await Promise.all(taps);
    const answered = outcomes.filter((o) => o === 'entered').length;
    expect(answered).toBe(30);
    await expect(t.cards.list({ limit: 1 })).rejects.toThrow('the services are closed');
    const store = new SqliteCardStore(path, { now: Date.now });
    try {
      expect(store.journal({}).length).toBe(answered);
    } finally {
      store.close();
    }
  });
});
