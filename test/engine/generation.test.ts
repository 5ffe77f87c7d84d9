// Card.generation: moves whenever the card image may have changed (commits, randoms drawn,
// recoveries), never for reads — what stores rely on to skip serialising unchanged cards.
import { describe, expect, it } from 'vitest';
import { issueCard } from '../../engine/index.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';

const send = (card: ReturnType<typeof issueCard>, hex: string) => bytesToHex(card.transmit(hexToBytes(hex)));

describe('Card.generation', () => {
  it('stays for reads and selects, moves for randoms and commits; the image moves with it', () => {
    const card = issueCard({ seed: 3, balanceFen: 1000 });
    card.powerOn();
    const image = () => JSON.stringify(card.toJSON());
    let g = card.generation;
    let img = image();
    for (const apdu of ['00a4040008a000000632010105', '00b0950000', '00b201d480', '805c000204', '00b0990000']) {
      send(card, apdu);
      expect(card.generation, apdu).toBe(g);
      expect(image(), apdu).toBe(img);
    }
    send(card, '0084000008'); // GET CHALLENGE draws randoms: the Rng position is in the image
    expect(card.generation).toBeGreaterThan(g);
    expect(image()).not.toBe(img);
    g = card.generation;
    img = image();
    card.setApplicationBlocked(hexToBytes('a000000632010105'), true);
    expect(card.generation).toBeGreaterThan(g);
    expect(image()).not.toBe(img);
    g = card.generation;
    card.setApplicationBlocked(hexToBytes('a000000632010105'), false);
    card.powerOn();
    send(card, '00a4040008a000000632010105');
    g = card.generation;
    // A command torn after it drew its random still moved the image (the Rng position).
    card.injectTear({ afterApdus: 0, phase: 'after-commit' });
    expect(() => send(card, '805000020b0100000064001122334455')).toThrow(/lost power/);
    expect(card.generation).toBeGreaterThan(g);
  });
});
