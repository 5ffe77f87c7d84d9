// The CardStore contract, run against every implementation (memory-store.test.ts,
// sqlite-store.test.ts): create/get/list/delete, versions and optimistic concurrency, the
// journal's filters and order, and saveImageAndJournal's all-or-nothing.
import { describe, expect, it } from 'vitest';
import { issueCardImage } from '../../../engine/index.js';
import type { CardImage } from '../../../engine/index.js';
import type { JournalRecord } from '../../../terminal-sim/clearing/journal.js';
import { CardNotFoundError, StoreConflictError, TerminalNotFoundError } from '../../../terminal-sim/store/index.js';
import type { CardStore } from '../../../terminal-sim/store/index.js';

export const T0 = Date.UTC(2026, 2, 2, 0, 30, 0);

/** A clock that moves one second per reading. */
export function steppingNow(start = T0): () => number {
  let t = start - 1000;
  return () => (t += 1000);
}

export function image(seed: number, balanceFen = 0): CardImage {
  return issueCardImage({ seed, balanceFen, issuedAt: T0 - 86_400_000 });
}

export function record(over: Partial<JournalRecord> = {}): JournalRecord {
  return {
    serial: '10000000000000000001',
    counter: 1,
    amountFen: 300,
    type: 6,
    terminalId: '100000000101',
    terminalSeq: 87,
    dateTime: '20260302083000',
    tac: '0a1b2c3d',
    alg: '3des',
    ...over,
  };
}

/** Runs the contract; `make` returns a fresh, empty store whose clock is `now`. */
export function cardStoreContract(name: string, make: (now: () => number) => CardStore): void {
  const fresh = () => make(steppingNow());

  describe(`${name}: CardStore contract`, () => {
    it('creates, reads, lists and deletes cards', () => {
      const s = fresh();
      const a = image(1);
      s.createCard('card-b', image(2), { owner: 'gate-demo', slot: 2 });
      s.createCard('card-a', a);
      const got = s.getImage('card-a')!;
      expect(got).toEqual(a);
      got.info.serial = 'tampered';
      expect(s.getImage('card-a')).toEqual(a); // a read is a copy
      expect(s.getStored('card-a')).toEqual({ image: a, version: 1 });
      expect(s.listCards()).toEqual([
        { id: 'card-a', serial: a.info.serial, profile: 'beijing-standard', meta: {}, version: 1, createdAt: T0 + 1000, updatedAt: T0 + 1000 },
        { id: 'card-b', serial: image(2).info.serial, profile: 'beijing-standard', meta: { owner: 'gate-demo', slot: 2 }, version: 1, createdAt: T0, updatedAt: T0 },
      ]);
      expect(s.getImage('nope')).toBeUndefined();
      // one card's row, as the listing has it
      for (const row of s.listCards()) expect(s.getSummary(row.id)).toEqual(row);
      expect(s.getSummary('nope')).toBeUndefined();
      expect(s.deleteCard('card-a')).toBe(true);
      expect(s.deleteCard('card-a')).toBe(false);
      expect(s.getImage('card-a')).toBeUndefined();
      expect(s.listCards().map((c) => c.id)).toEqual(['card-b']);
      s.close();
    });

    it('lists a page: the ids after afterId, at most limit, each row as the full listing has it', () => {
      const s = fresh();
      for (const k of [3, 1, 5, 2, 4]) s.createCard(`c${k}`, image(k));
      s.saveImage('c2', image(2, 700));
      const all = s.listCards();
      expect(all.map((r) => r.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
      expect(s.listCards({ limit: 2 })).toEqual(all.slice(0, 2));
      expect(s.listCards({ afterId: 'c2', limit: 2 })).toEqual(all.slice(2, 4));
      expect(s.listCards({ afterId: 'c4' })).toEqual(all.slice(4));
      expect(s.listCards({ afterId: 'c35', limit: 9 }).map((r) => r.id)).toEqual(['c4', 'c5']); // afterId need not exist
      expect(s.listCards({ afterId: 'c5' })).toEqual([]);
      expect(s.listCards({ limit: 0 })).toEqual([]);
      expect(s.listCards({})).toEqual(all);
      expect(() => s.listCards({ limit: -1 })).toThrow(RangeError);
      expect(() => s.listCards({ limit: 1.5 })).toThrow(RangeError);
      s.close();
    });

    it('rejects a duplicate id, a bad id, a bad image and bad meta', () => {
      const s = fresh();
      s.createCard('c1', image(1));
      expect(() => s.createCard('c1', image(2))).toThrow(StoreConflictError);
      expect(s.getImage('c1')).toEqual(image(1));
      expect(() => s.createCard('', image(1))).toThrow(RangeError);
      expect(() => s.createCard('a b', image(1))).toThrow(/"id" expected/);
      expect(() => s.createCard(7 as unknown as string, image(1))).toThrow(TypeError);
      expect(() => s.createCard('c2', { ...image(1), format: 'x' } as unknown as CardImage)).toThrow(/"image.format" expected "ssc3-card\/1"/);
      expect(() => s.createCard('c2', null as unknown as CardImage)).toThrow(TypeError);
      expect(() => s.createCard('c2', image(1), { k: {} } as unknown as Record<string, string>)).toThrow(/"meta.k"/);
      expect(s.listCards().map((c) => c.id)).toEqual(['c1']);
      s.close();
    });

    it('counts versions and refuses a stale expectedVersion', () => {
      const s = fresh();
      s.createCard('c', image(1)); // T0
      const next = image(1, 500);
      expect(s.saveImage('c', next)).toBe(2); // T0+1s
      expect(s.saveImage('c', next, 2)).toBe(3); // T0+2s
      let err: unknown;
      try {
        s.saveImage('c', image(1, 900), 2);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StoreConflictError);
      expect((err as StoreConflictError).actualVersion).toBe(3);
      expect(s.getStored('c')).toEqual({ image: next, version: 3 });
      expect(s.listCards()[0]).toMatchObject({ version: 3, createdAt: T0, updatedAt: T0 + 2000 });
      expect(() => s.saveImage('ghost', next)).toThrow(CardNotFoundError);
      expect(() => s.saveImage('c', next, 0)).toThrow(RangeError);
      s.close();
    });

    it('keeps the journal in append order and filters by card, time, cursor and limit', () => {
      const s = fresh();
      s.createCard('a', image(1)); // T0
      s.createCard('b', image(2)); // T0+1s
      s.appendJournal([record({ counter: 1 }), record({ counter: 2, type: 2, terminalSeq: undefined, amountFen: 5000 })], 'a'); // T0+2s
      s.appendJournal([record({ counter: 1, serial: '10000000000000000002', alg: 'sm4', recovered: true })], 'b'); // T0+3s
      s.appendJournal([record({ counter: 9, recovered: false })]); // T0+4s, no card
      s.appendJournal([], 'a'); // nothing, no clock reading
      s.appendJournal([record({ counter: 3 })], 'a'); // T0+5s
      const all = s.journal();
      expect(all.map((r) => [r.id, r.cardId, r.counter, r.createdAt])).toEqual([
        [1, 'a', 1, T0 + 2000],
        [2, 'a', 2, T0 + 2000],
        [3, 'b', 1, T0 + 3000],
        [4, null, 9, T0 + 4000],
        [5, 'a', 3, T0 + 5000],
      ]);
      expect(all[0]).toEqual({ ...record({ counter: 1 }), id: 1, cardId: 'a', createdAt: T0 + 2000 });
      expect('terminalSeq' in all[1]).toBe(false);
      expect(all[2].recovered).toBe(true);
      expect('recovered' in all[3]).toBe(false); // false is stored as absent
      expect(s.journal({ cardId: 'a' }).map((r) => r.id)).toEqual([1, 2, 5]);
      expect(s.journal({ since: T0 + 3000 }).map((r) => r.id)).toEqual([3, 4, 5]);
      expect(s.journal({ afterId: 2, limit: 2 }).map((r) => r.id)).toEqual([3, 4]);
      expect(s.journal({ cardId: 'a', since: T0 + 2500, afterId: 0 }).map((r) => r.id)).toEqual([5]);
      expect(s.journal({ limit: 0 })).toEqual([]);
      expect(() => s.journal({ limit: -1 })).toThrow(RangeError);
      s.close();
    });

    it('appends a journal batch all or nothing', () => {
      const s = fresh();
      s.createCard('a', image(1));
      expect(() => s.appendJournal([record(), record({ tac: 'xyz' })], 'a')).toThrow(/"records\[1\]\.tac" expected 8 hex digits/);
      expect(() => s.appendJournal([record({ amountFen: -1 })])).toThrow(RangeError);
      expect(() => s.appendJournal([record({ counter: '1' as unknown as number })])).toThrow(TypeError);
      expect(() => s.appendJournal([record()], 'ghost')).toThrow(CardNotFoundError);
      expect(s.journal()).toEqual([]);
      s.close();
    });

    it('saves an image with its journal records in one step', () => {
      const s = fresh();
      s.createCard('a', image(1)); // T0
      const debited = image(1, 700);
      expect(s.saveImageAndJournal('a', debited, [record({ counter: 1 }), record({ counter: 2 })], 1)).toBe(2); // T0+1s
      expect(s.getStored('a')).toEqual({ image: debited, version: 2 });
      expect(s.journal({ cardId: 'a' }).map((r) => [r.counter, r.createdAt])).toEqual([
        [1, T0 + 1000],
        [2, T0 + 1000],
      ]);
      expect(s.listCards()[0].updatedAt).toBe(T0 + 1000);
      s.close();
    });

    it('saveImageAndJournal: a failure mid-transaction leaves neither the image nor any record', () => {
      const s = fresh();
      s.createCard('a', image(1));
      // The second record is bad: the image and the first record must not land.
      expect(() => s.saveImageAndJournal('a', image(1, 700), [record({ counter: 1 }), record({ counter: 70_000 })])).toThrow(/"records\[1\]\.counter"/);
      expect(s.getStored('a')).toEqual({ image: image(1), version: 1 });
      expect(s.journal()).toEqual([]);
      // A version conflict: neither.
      expect(() => s.saveImageAndJournal('a', image(1, 700), [record()], 5)).toThrow(StoreConflictError);
      expect(() => s.saveImageAndJournal('ghost', image(1, 700), [record()])).toThrow(CardNotFoundError);
      expect(s.getStored('a')).toEqual({ image: image(1), version: 1 });
      expect(s.journal()).toEqual([]);
      // And the store still works.
      expect(s.saveImageAndJournal('a', image(1, 700), [record()])).toBe(2);
      expect(s.journal()).toHaveLength(1);
      s.close();
    });

    it('keeps the journal rows of a deleted card, unbound', () => {
      const s = fresh();
      s.createCard('a', image(1));
      s.saveImageAndJournal('a', image(1, 100), [record()]);
      expect(s.deleteCard('a')).toBe(true);
      expect(s.journal().map((r) => r.cardId)).toEqual([null]);
      expect(s.journal({ cardId: 'a' })).toEqual([]);
      s.close();
    });

    it('refuses use after close', () => {
      const s = fresh();
      s.close();
      expect(() => s.listCards()).toThrow();
      expect(() => s.createCard('a', image(1))).toThrow();
    });

    it('creates, reads, lists, updates and deletes terminals', () => {
      const s = fresh();
      s.createTerminal('gate-2', 'gate', { direction: 'exit' }, { pending: [] });
      s.createTerminal('gate-1', 'gate', { direction: 'entry' }, { psam: { seq: 1 }, pending: [] });
      expect(() => s.createTerminal('gate-1', 'bus', {}, {})).toThrow(StoreConflictError);
      expect(() => s.createTerminal('x', 'tram' as 'gate', {}, {})).toThrow(/"kind" expected one of gate, bus, topup/);
      expect(() => s.createTerminal('bad id!', 'gate', {}, {})).toThrow(RangeError);
      expect(() => s.createTerminal('y', 'gate', {}, undefined)).toThrow(TypeError);
      expect(s.listTerminals().map((t) => [t.id, t.kind, t.version])).toEqual([
        ['gate-1', 'gate', 1],
        ['gate-2', 'gate', 1],
      ]);
      const got = s.getTerminal('gate-1')!;
      expect(got).toMatchObject({ kind: 'gate', config: { direction: 'entry' }, state: { psam: { seq: 1 }, pending: [] }, version: 1 });
      (got.state as { pending: unknown[] }).pending.push('tampered');
      expect(s.getTerminal('gate-1')!.state).toEqual({ psam: { seq: 1 }, pending: [] }); // a read is a copy
      expect(s.saveTerminalState('gate-1', { psam: { seq: 2 }, pending: [] })).toBe(2);
      expect(s.getTerminal('gate-1')).toMatchObject({ state: { psam: { seq: 2 } }, version: 2 });
      expect(() => s.saveTerminalState('nope', {})).toThrow(TerminalNotFoundError);
      expect(s.deleteTerminal('gate-2')).toBe(true);
      expect(s.deleteTerminal('gate-2')).toBe(false);
      expect(s.getTerminal('gate-2')).toBeUndefined();
    });

    it('saves a card, its journal records and a terminal state together, or none of them', () => {
      const s = fresh();
      s.createCard('c', image(1));
      s.createTerminal('t', 'gate', {}, { seq: 1 });
      expect(s.saveImageAndJournal('c', image(1, 100), [record()], 1, { id: 't', state: { seq: 2 } })).toBe(2);
      expect(s.getTerminal('t')).toMatchObject({ state: { seq: 2 }, version: 2 });
      expect(s.journal()).toHaveLength(1);
      // an unknown terminal: nothing of the three lands
      expect(() => s.saveImageAndJournal('c', image(1, 200), [record({ counter: 2 })], 2, { id: 'nope', state: { seq: 3 } })).toThrow(TerminalNotFoundError);
      expect(s.getStored('c')!.version).toBe(2);
      expect(s.journal()).toHaveLength(1);
      // a bad record: the terminal state does not land either
      expect(() => s.saveImageAndJournal('c', image(1, 200), [record({ tac: 'zz' })], 2, { id: 't', state: { seq: 3 } })).toThrow();
      expect(s.getTerminal('t')).toMatchObject({ state: { seq: 2 }, version: 2 });
      expect(s.getStored('c')!.version).toBe(2);
    });

    it('needs a clock', () => {
      expect(() => make(undefined as unknown as () => number)).toThrow(TypeError);
    });
  });
}
