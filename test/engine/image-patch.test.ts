// Card.imageMark / Card.imagePatch: the RFC 7396 merge patch from a marked image to the current
// one — what a stored card saves instead of its whole image (terminal-sim/store). Applied to the
// marked image it must give exactly toJSON(), for every kind of change a card makes: cells
// replaced and deleted, the rng position, a torn commit's NVM journal and its recovery.
import { describe, expect, it } from 'vitest';
import { cardFromImage, issueCard } from '../../engine/index.js';
import type { Card, CardImage } from '../../engine/index.js';
import { seededRng } from '../../engine/card/env.js';
import { Nvm } from '../../engine/card/nvm.js';
import { applyMergePatch } from '../../terminal-sim/store/merge-patch.js';
import { cardKeysOf, h, purchase, SELECT_TRANSIT, send, TRANSIT_AID_BYTES } from './support/purse-terminal.js';

/** Marks the card, runs `change`, and checks the patch against the two images. */
function patchOver(card: Card, change: () => void): ReturnType<Card['imagePatch']> {
  const before = card.toJSON();
  const mark = card.imageMark();
  change();
  const patch = card.imagePatch(mark);
  const after = card.toJSON();
  if (patch === undefined) expect(after).toEqual(before);
  else expect(applyMergePatch(structuredClone(before), structuredClone(patch)) as CardImage).toEqual(after);
  return patch;
}

describe('Card.imagePatch', () => {
  it('is undefined for reads and selects', () => {
    const card = issueCard({ seed: 5, balanceFen: 1000 });
    card.powerOn();
    expect(
      patchOver(card, () => {
        send(card, SELECT_TRANSIT);
        send(card, '00b0950000');
        send(card, '805c000204');
      }),
    ).toBeUndefined();
  });

  it('carries the rng position alone after GET CHALLENGE', () => {
    const card = issueCard({ seed: 5, balanceFen: 1000 });
    card.powerOn();
    const patch = patchOver(card, () => send(card, '0084000008'));
    expect(patch).toEqual({ rng: expect.any(String) });
  });

  it('carries only the cells a purchase replaced, with their new hex', () => {
    const card = issueCard({ seed: 5, balanceFen: 1000 });
    card.powerOn();
    send(card, SELECT_TRANSIT);
    const keys = cardKeysOf(card, '3des');
    const patch = patchOver(card, () => purchase(card, '3des', keys, 300));
    const cells = Object.keys(patch?.nvm?.cells ?? {});
    expect(cells).toContain('p:3f00/1001:balance');
    expect(cells.length).toBeLessThan(card.cellKeys().length / 2);
    expect(patch?.nvm?.cells?.['p:3f00/1001:balance']).toBe('000002bc'); // 1000 − 300 fen
  });

  it('deletes a cell with null (application unblocked)', () => {
    const card = issueCard({ seed: 5 });
    card.setApplicationBlocked(TRANSIT_AID_BYTES, true);
    const patch = patchOver(card, () => card.setApplicationBlocked(TRANSIT_AID_BYTES, false));
    expect(Object.values(patch?.nvm?.cells ?? {})).toEqual([null]);
  });

  it('deletes with null a cell made and removed since the mark, which rebuilds the same image', () => {
    const card = issueCard({ seed: 5 });
    const patch = patchOver(card, () => {
      card.setApplicationBlocked(TRANSIT_AID_BYTES, true);
      card.setApplicationBlocked(TRANSIT_AID_BYTES, false);
    });
    expect(Object.values(patch?.nvm?.cells ?? {})).toEqual([null]);
  });

  it('refuses a mark taken from another card', () => {
    const a = issueCard({ seed: 5 });
    const b = cardFromImage(a.toJSON(), { rng: seededRng('other') });
    expect(() => b.imagePatch(a.imageMark())).toThrow(RangeError);
  });

  it('carries a torn commit’s journal, then its removal and the cells at recovery', () => {
    const card = cardFromImage(issueCard({ seed: 5, balanceFen: 1000 }).toJSON(), { rng: seededRng('patch') });
    card.powerOn();
    send(card, SELECT_TRANSIT);
    const keys = cardKeysOf(card, '3des');
    card.injectTear({ afterApdus: 1, phase: 'during-commit', step: 2 });
    const torn = patchOver(card, () => expect(() => purchase(card, '3des', keys, 300)).toThrow(/lost power/));
    expect(torn?.nvm?.journal).toMatchObject({ valid: true });
    const recovered = patchOver(card, () => card.powerOn());
    expect(card.lastRecovery).toBe('rolled-forward');
    expect(recovered?.nvm?.journal).toBeNull();
    expect(recovered?.nvm?.cells?.['p:3f00/1001:balance']).toBe('000002bc');
    expect(Nvm.commitSteps(1)).toBe(4); // the tear above stopped inside a multi-step commit
  });

  it('chains: patches taken one after another rebuild the last image from the first', () => {
    const card = issueCard({ seed: 6, balanceFen: 5000 });
    card.powerOn();
    send(card, SELECT_TRANSIT);
    const keys = cardKeysOf(card, '3des');
    let image: unknown = structuredClone(card.toJSON());
    let mark = card.imageMark();
    for (let i = 0; i < 5; i++) {
      purchase(card, '3des', keys, 100 + i, h(`0000000${i}`));
      image = applyMergePatch(image, structuredClone(card.imagePatch(mark)));
      mark = card.imageMark();
    }
    expect(image).toEqual(card.toJSON());
  });
});
