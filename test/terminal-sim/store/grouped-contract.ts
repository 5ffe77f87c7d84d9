// The grouped save (CardStore.saveChangeAndJournalGrouped), run against every store that has it
// (memory-store.test.ts, sqlite-store.test.ts): the writes of one event-loop turn commit together
// and a failing write fails alone; versions count within a batch; patches fold into the image
// every foldAfterPatches and read back as the same image; close() commits what is queued.
// What only SQLite has (rows on disk, the retry with savepoints, another connection) stays in
// sqlite-store.test.ts.
import { describe, expect, it } from 'vitest';
import type { CardImage, CardImagePatch } from '../../../engine/index.js';
import { StoreConflictError } from '../../../terminal-sim/store/index.js';
import type { CardImageChange, CardStore } from '../../../terminal-sim/store/index.js';
import { image, record, steppingNow, T0 } from './contract.js';

/** The RFC 7396 merge patch from `a` to `b` (test helper: JSON values without nulls, arrays replaced). */
export function diff(a: unknown, b: unknown): unknown {
  const obj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!obj(a) || !obj(b)) return b;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(a)) if (!(k in b)) out[k] = null;
  for (const k of Object.keys(b)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out[k] = diff(a[k], b[k]);
  return out;
}

/** A grouped-save change from image `from` to image `to`. */
export function change(from: CardImage, to: CardImage): CardImageChange {
  return { patch: diff(from, to) as CardImagePatch, image: () => to };
}

type GroupedStore = CardStore & Required<Pick<CardStore, 'saveChangeAndJournalGrouped'>>;

/** Runs the contract; `make` returns a fresh, empty store whose clock is `now`. */
export function groupedSaveContract(name: string, make: (now: () => number, opts?: { foldAfterPatches?: number }) => GroupedStore): void {
  describe(`${name}: grouped saves`, () => {
    it('commits the writes of one event-loop turn together; a failing write rejects alone', async () => {
      const s = make(steppingNow());
      s.createCard('a', image(1));
      s.createCard('b', image(2));
      s.createCard('c', image(3));
      s.createTerminal('t', 'gate', {}, { seq: 0 });
      let calls = 0;
      let seq = 0;
      const late = { id: 't', state: () => (++calls, { seq: ++seq }) };
      const pa = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record({ serial: image(1).info.serial as string })], 1, late);
      const pb = s.saveChangeAndJournalGrouped('b', change(image(2), image(2, 200)), [], 7, late); // wrong version
      const pc = s.saveChangeAndJournalGrouped('c', change(image(3), image(3, 300)), [record({ counter: 9 })], 1);
      // nothing is written before the turn ends
      expect(s.getStored('a')!.version).toBe(1);
      await expect(pa).resolves.toBe(2);
      await expect(pb).rejects.toThrow(StoreConflictError);
      await expect(pc).resolves.toBe(2);
      expect(s.getStored('a')).toEqual({ image: image(1, 100), version: 2 });
      expect(s.getStored('b')).toEqual({ image: image(2), version: 1 });
      expect(s.journal().map((r) => r.cardId)).toEqual(['a', 'c']);
      // the late state was taken once, at the commit, and stands though b's write failed
      expect(calls).toBe(1);
      expect(s.getTerminal('t')).toMatchObject({ state: { seq: 1 }, version: 2 });
      expect(s.stats()).toMatchObject({ groupCommits: 1, groupedWrites: 3 });
      s.close();
    });

    it('a bad journal record fails its own write only', async () => {
      const s = make(steppingNow());
      s.createCard('a', image(1));
      s.createCard('b', image(2));
      const pa = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record({ counter: 1 })], 1);
      const pb = s.saveChangeAndJournalGrouped('b', change(image(2), image(2, 200)), [record({ counter: 2 }), record({ tac: 'xyz' })], 1);
      await expect(pa).resolves.toBe(2);
      await expect(pb).rejects.toThrow(/records\[1\]/);
      // b's first record and its patch went with it
      expect(s.getStored('b')).toEqual({ image: image(2), version: 1 });
      expect(s.journal().map((r) => [r.cardId, r.counter])).toEqual([['a', 1]]);
      s.close();
    });

    it('counts versions within a batch: the second save of a card sees the first', async () => {
      const s = make(steppingNow());
      s.createCard('x', image(1));
      const p1 = s.saveChangeAndJournalGrouped('x', change(image(1), image(1, 10)), [], 1);
      const p2 = s.saveChangeAndJournalGrouped('x', change(image(1, 10), image(1, 20)), [], 2);
      const stale = s.saveChangeAndJournalGrouped('x', change(image(1, 10), image(1, 30)), [], 2);
      await expect(p1).resolves.toBe(2);
      await expect(p2).resolves.toBe(3);
      await expect(stale).rejects.toMatchObject({ name: 'StoreConflictError', actualVersion: 3 });
      expect(s.getStored('x')).toEqual({ image: image(1, 20), version: 3 });
      // a whole-image save counts on from the patches, and a stale one is refused
      expect(() => s.saveImage('x', image(1, 40), 2)).toThrow(StoreConflictError);
      expect(s.saveImage('x', image(1, 40), 3)).toBe(4);
      await expect(s.saveChangeAndJournalGrouped('x', change(image(1, 40), image(1, 60)), [], 4)).resolves.toBe(5);
      // a card deleted and made again under its id starts over at version 1
      expect(s.deleteCard('x')).toBe(true);
      s.createCard('x', image(2));
      expect(s.getStored('x')).toEqual({ image: image(2), version: 1 });
      await expect(s.saveChangeAndJournalGrouped('x', change(image(2), image(2, 70)), [], 1)).resolves.toBe(2);
      s.close();
    });

    it('a write for a card deleted before the commit fails with CardNotFoundError', async () => {
      const s = make(steppingNow());
      s.createCard('a', image(1));
      const p = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record()], 1);
      expect(s.deleteCard('a')).toBe(true);
      await expect(p).rejects.toMatchObject({ name: 'CardNotFoundError' });
      expect(s.journal()).toEqual([]);
      s.close();
    });

    it('close() commits what is queued, then refuses grouped saves', async () => {
      const s = make(steppingNow());
      s.createCard('a', image(1));
      const p = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record()], 1);
      const journalBefore = s.journal().length;
      s.close();
      await expect(p).resolves.toBe(2);
      expect(journalBefore).toBe(0);
      await expect(s.saveChangeAndJournalGrouped('a', change(image(1, 100), image(1, 5)), [], 2)).rejects.toThrow(/closed/);
    });

    it('folds the patches into the image every foldAfterPatches; reads give the same image; versions and update times count on', async () => {
      const s = make(steppingNow(), { foldAfterPatches: 2 });
      s.createCard('a', image(1), { owner: 'x' });
      let prev = image(1);
      let images = 0;
      for (const [i, fen] of [100, 200, 300, 400, 500].entries()) {
        const next = image(1, fen);
        const c = change(prev, next);
        await expect(s.saveChangeAndJournalGrouped('a', { patch: c.patch, image: () => (images++, next) }, [record({ counter: i })], i + 1)).resolves.toBe(i + 2);
        expect(s.getStored('a')).toEqual({ image: next, version: i + 2 });
        prev = next;
      }
      // versions 2 and 3 are patches; 4 is written whole (two patches held); 5 and 6 patches again
      expect(images).toBe(1);
      expect(s.listCards()).toEqual([{ id: 'a', serial: image(1).info.serial, profile: 'beijing-standard', meta: { owner: 'x' }, version: 6, createdAt: T0, updatedAt: T0 + 5000 }]);
      expect(s.getSummary('a')).toEqual(s.listCards()[0]);
      expect(s.journal({ cardId: 'a' }).map((r) => r.counter)).toEqual([0, 1, 2, 3, 4]);
      // a whole-image save takes the patches' place
      expect(s.saveImage('a', image(1, 600), 6)).toBe(7);
      expect(s.getStored('a')).toEqual({ image: image(1, 600), version: 7 });
      s.close();
    });

    it('an empty patch saves the records and the terminal, and keeps the version', async () => {
      const s = make(steppingNow());
      s.createCard('a', image(1));
      s.createTerminal('t', 'gate', {}, { seq: 0 });
      await expect(s.saveChangeAndJournalGrouped('a', change(image(1), image(1)), [record()], 1, { id: 't', state: () => ({ seq: 1 }) })).resolves.toBe(1);
      expect(s.getStored('a')).toEqual({ image: image(1), version: 1 });
      expect(s.journal()).toHaveLength(1);
      expect(s.getTerminal('t')).toMatchObject({ state: { seq: 1 }, version: 2 });
      s.close();
    });

    it('a terminal deleted before the commit takes no state; the card write stands', async () => {
      const s = make(steppingNow());
      s.createCard('a', image(1));
      s.createTerminal('t', 'gate', {}, { seq: 0 });
      const p = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record()], 1, { id: 't', state: () => ({ seq: 1 }) });
      expect(s.deleteTerminal('t')).toBe(true);
      await expect(p).resolves.toBe(2);
      expect(s.getTerminal('t')).toBeUndefined();
      expect(s.journal()).toHaveLength(1);
      s.close();
    });

    it('a late terminal state that cannot be taken fails the whole batch, and nothing is written', async () => {
      const s = make(steppingNow());
      s.createCard('a', image(1));
      s.createCard('b', image(2));
      s.createTerminal('t', 'gate', {}, { seq: 0 });
      const bad = { id: 't', state: () => ({ seq: 10n }) }; // a BigInt is not JSON
      const pa = s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record()], 1, bad);
      const pb = s.saveChangeAndJournalGrouped('b', change(image(2), image(2, 200)), [record({ counter: 2 })], 1);
      await expect(pa).rejects.toThrow(/state/);
      await expect(pb).rejects.toThrow(/state/);
      expect(s.getStored('a')).toEqual({ image: image(1), version: 1 });
      expect(s.getStored('b')).toEqual({ image: image(2), version: 1 });
      expect(s.journal()).toEqual([]);
      expect(s.getTerminal('t')).toMatchObject({ state: { seq: 0 }, version: 1 });
      // the store still works
      await expect(s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 100)), [record()], 1)).resolves.toBe(2);
      s.close();
    });

    it('refuses a malformed change before queueing it', async () => {
      const s = make(steppingNow());
      s.createCard('a', image(1));
      await expect(s.saveChangeAndJournalGrouped('a', { patch: [] as unknown as CardImagePatch, image: () => image(1) }, [], 1)).rejects.toThrow(/change.patch/);
      await expect(s.saveChangeAndJournalGrouped('a', { patch: {} } as unknown as CardImageChange, [], 1)).rejects.toThrow(/"change"/);
      await expect(s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 5)), [], 0)).rejects.toThrow(RangeError);
      await expect(s.saveChangeAndJournalGrouped('a', change(image(1), image(1, 5)), {} as never, 1)).rejects.toThrow(/records/);
      expect(s.getStored('a')!.version).toBe(1);
      expect(() => make(steppingNow(), { foldAfterPatches: -1 })).toThrow(/foldAfterPatches/);
      s.close();
    });
  });
}
