// CardService.transmit (the HTTP and WebSocket APDU routes): a command that wrote is saved as a
// patch in the store's group commit before the answer, so the APDUs of many cards share one
// commit; APDUs on one card run one after another, and an APDU sent during a tap waits for it.
import { describe, expect, it } from 'vitest';
import { CardService } from '../../../terminal-sim/server/card-service.js';
import { TerminalService } from '../../../terminal-sim/server/terminal-service.js';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { now, SELECT_TRANSIT } from './helpers.js';

const apdu = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const CHALLENGE = apdu('0084000008');

function setUp() {
  const store = new SqliteCardStore(':memory:', { now });
  const cards = new CardService({ store, now });
  const ids = [1, 2, 3].map((seed) => cards.create({ seed, balanceFen: 5000 }).id);
  return { store, cards, ids };
}

describe('CardService.transmit saves through the group commit', () => {
  it('many cards share a commit; two APDUs on one card run in order, each saved before its answer', async () => {
    const { store, cards, ids } = setUp();
    const [a, b, c] = ids;
    const before = store.stats();
    const answers = await Promise.all([cards.transmit(a, CHALLENGE), cards.transmit(a, CHALLENGE), cards.transmit(b, CHALLENGE), cards.transmit(c, CHALLENGE)]);
    expect(answers.map((r) => r.sw)).toEqual(['9000', '9000', '9000', '9000']);
    expect(answers[0].response).not.toBe(answers[1].response); // the card's random moved between them
    const writes = store.stats().groupedWrites! - before.groupedWrites!;
    const commits = store.stats().groupCommits! - before.groupCommits!;
    expect(writes).toBe(4);
    // a's second APDU waited for its first's commit: two commits carried the four writes
    expect(commits).toBe(2);
    expect(store.getStored(a)!.version).toBe(3);
    expect(store.getStored(b)!.version).toBe(2);
    store.close();
  });

  it('an APDU sent during a tap waits for the tap, then runs (no CARD_BUSY)', async () => {
    const { store, cards, ids } = setUp();
    const terminals = new TerminalService({ store, cards, now });
    const entry = terminals.create({ kind: 'gate', direction: 'entry' }).id;
    const order: string[] = [];
    const tap = terminals.tap(entry, { cardId: ids[0] }).then((r) => (order.push('tap'), r));
    const sel = cards.transmit(ids[0], apdu(SELECT_TRANSIT)).then((r) => (order.push('apdu'), r));
    const [t, s] = await Promise.all([tap, sel]);
    expect(t.outcome).toBe('entered');
    expect(s.sw).toBe('9000');
    expect(order).toEqual(['tap', 'apdu']);
    store.close();
  });

  it('reads are not saved', async () => {
    const { store, cards, ids } = setUp();
    const before = store.stats().groupedWrites!;
    expect((await cards.transmit(ids[0], apdu(SELECT_TRANSIT))).sw).toBe('9000');
    expect((await cards.transmit(ids[0], apdu('805c000204'))).sw).toBe('9000');
    expect(store.stats().groupedWrites).toBe(before);
    store.close();
  });
});
