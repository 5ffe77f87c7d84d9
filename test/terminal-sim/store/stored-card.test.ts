// StoredCard: every change saved before the response returns, reads not saved, a flow's image
// and journal committed together, a tear's half-commit saved and recovered, a lost race refused.
import { describe, expect, it } from 'vitest';
import { CardPowerError, cardFromImage, purseCrypto } from '../../../engine/index.js';
import { MemoryCardStore, SqliteCardStore, StoreConflictError, StoredCard, StoredCardFailedError, swMayHaveWritten } from '../../../terminal-sim/store/index.js';
import type { CardStore } from '../../../terminal-sim/store/index.js';
import * as pt from '../../engine/support/purse-terminal.js';
import { image, record, steppingNow } from './contract.js';

function setup(store: CardStore = new MemoryCardStore({ now: steppingNow() })) {
  const sc = StoredCard.create(store, 'c', image(1, 1000));
  sc.powerOn();
  pt.exchange(sc.card, pt.SELECT_TRANSIT);
  const keys = pt.cardKeysOf(sc.card, '3des');
  return { store, sc, keys };
}

const tx = (sc: StoredCard) => (apdu: Uint8Array | string) => pt.split(sc.transmit(typeof apdu === 'string' ? pt.h(apdu) : apdu));

describe('StoredCard', () => {
  it('saves a change before returning the response, and skips reads', () => {
    const { store, sc, keys } = setup();
    const send = tx(sc);
    const v0 = sc.version;
    expect(send(pt.SELECT_TRANSIT).sw).toBe(0x9000);
    expect(send('805C000204').sw).toBe(0x9000);
    expect(sc.version).toBe(v0); // reads: nothing saved
    const init = send(pt.initPurchaseApdu('purchase', 300));
    expect(sc.version).toBe(v0 + 1); // the rng moved: a rebuilt card must not replay the random
    const pi = pt.parsePurchaseInit(init.data);
    const seq = pt.be(1, 4);
    const debit = send(pt.debitApdu(seq, pt.purchaseMac1('3des', keys, pi, 300, purseCrypto.TX_TYPE.EP_PURCHASE, seq)));
    expect(debit.sw).toBe(0x9000);
    expect(sc.version).toBe(v0 + 2);
    // What the store holds is the card as it answered.
    expect(store.getImage('c')).toEqual(sc.card.toJSON());
    expect(pt.peekPurse(cardFromImage(store.getImage('c')!)).balanceFen).toBe(700);
    // An error SW that leaves NVM unchanged is not saved.
    expect(send('80540100').sw).not.toBe(0x9000);
    expect(sc.version).toBe(v0 + 2);
  });

  it('commits a flow’s card state and journal records in one step', () => {
    const { store, sc, keys } = setup();
    const tac = sc.runSync(() => {
      const t = pt.load(sc.card, '3des', keys, 500);
      expect(sc.version).toBe(1); // held until the flow ends
      return { value: pt.hx(t), records: [record({ serial: String(sc.card.info.serial), type: 2, amountFen: 500, counter: 0, terminalSeq: undefined, tac: pt.hx(t.subarray(0, 4)) })] };
    });
    expect(tac).toMatch(/^[0-9a-f]+$/);
    expect(sc.version).toBe(2);
    expect(store.journal({ cardId: 'c' }).map((r) => [r.type, r.amountFen])).toEqual([[2, 500]]);
    expect(pt.peekPurse(cardFromImage(store.getImage('c')!)).balanceFen).toBe(1500);
  });

  it('saves the card but no journal when a flow throws after the card committed', () => {
    const { store, sc, keys } = setup();
    expect(() =>
      sc.runSync(() => {
        pt.load(sc.card, '3des', keys, 500);
        throw new Error('terminal lost the response');
      }),
    ).toThrow('terminal lost the response');
    expect(store.journal()).toEqual([]);
    expect(pt.peekPurse(cardFromImage(store.getImage('c')!)).balanceFen).toBe(1500);
  });

  it('saves a torn commit and its recovery at the next power-on', () => {
    const { store, sc, keys } = setup();
    const init = pt.exchange(sc.card, pt.initLoadApdu(500));
    const li = pt.parseLoadInit(init.data);
    sc.card.injectTear({ afterApdus: 0, phase: 'during-commit', step: 1 });
    expect(() => sc.transmit(pt.creditApdu(pt.loadMac2('3des', keys, li, 500)))).toThrow(CardPowerError);
    expect(store.getImage('c')!.nvm.journal).toEqual(expect.objectContaining({ valid: false }));
    sc.powerOn();
    expect(sc.card.lastRecovery).toBe('rolled-back');
    expect(store.getImage('c')!.nvm.journal).toBeUndefined();
    expect(pt.peekPurse(cardFromImage(store.getImage('c')!)).balanceFen).toBe(1000);
  });

  it('refuses to go on after losing a race to another writer', () => {
    const store = new MemoryCardStore({ now: steppingNow() });
    const a = setup(store).sc;
    const b = StoredCard.open(store, 'c');
    b.powerOn();
    tx(b)(pt.SELECT_TRANSIT);
    tx(b)(pt.initLoadApdu(100)); // b saves first (rng moved)
    tx(a)(pt.SELECT_TRANSIT);
    expect(() => tx(a)(pt.initLoadApdu(100))).toThrow(StoreConflictError);
    expect(() => tx(a)(pt.SELECT_TRANSIT)).toThrow(StoredCardFailedError);
    // Reopened, it works again.
    const again = StoredCard.open(store, 'c');
    again.powerOn();
    expect(tx(again)(pt.SELECT_TRANSIT).sw).toBe(0x9000);
  });

  it('works over SQLite and resumes from the stored image', () => {
    const store = new SqliteCardStore(':memory:', { now: steppingNow() });
    const { sc, keys } = setup(store);
    sc.runSync(() => ({ value: pt.purchase(sc.card, '3des', keys, 250), records: [record({ serial: String(sc.card.info.serial), counter: 0, amountFen: 250 })] }));
    const reopened = StoredCard.open(store, 'c');
    expect(pt.peekPurse(reopened.card).balanceFen).toBe(750);
    expect(reopened.version).toBe(sc.version);
    store.close();
  });

  it('saves async flows over SQLite as patches, folded now and then, and a reopened card is the same card', async () => {
    const store = new SqliteCardStore(':memory:', { now: steppingNow(), foldAfterPatches: 3 });
    const { sc, keys } = setup(store);
    for (let i = 0; i < 8; i++) {
      const v0 = sc.version;
      await sc.run(async () => ({ value: pt.purchase(sc.card, '3des', keys, 10 + i, pt.h(`0000000${i}`)), records: [record({ serial: String(sc.card.info.serial), counter: i, amountFen: 10 + i })] }));
      expect(sc.version).toBe(v0 + 1);
      expect(store.getStored('c')).toEqual({ image: sc.card.toJSON(), version: sc.version });
    }
    // a flow that only reads saves its records and keeps the version
    const v = sc.version;
    await sc.run(async () => ({ value: pt.exchange(sc.card, '00b0950000'), records: [record({ counter: 99 })] }));
    expect(sc.version).toBe(v);
    expect(store.journal({ cardId: 'c' })).toHaveLength(9);
    const reopened = StoredCard.open(store, 'c');
    expect(reopened.card.toJSON()).toEqual(sc.card.toJSON());
    expect(pt.peekPurse(reopened.card).balanceFen).toBe(1000 - (10 + 11 + 12 + 13 + 14 + 15 + 16 + 17));
    store.close();
  });

  it('refuses calls while a grouped save is in flight', async () => {
    const store = new SqliteCardStore(':memory:', { now: steppingNow() });
    const { sc, keys } = setup(store);
    const p = sc.run(async () => ({ value: pt.purchase(sc.card, '3des', keys, 10), records: [] }));
    await Promise.resolve();
    await Promise.resolve();
    expect(() => sc.transmit(pt.h('00b0950000'))).toThrow(/grouped save is in flight/);
    await p;
    expect(pt.split(sc.transmit(pt.h('00b0950000'))).sw).toBe(0x9000);
    store.close();
  });

  it('classifies status words that may follow an NVM write', () => {
    expect([0x9000, 0x6110, 0x6c10, 0x6282, 0x63c2, 0x6581].map(swMayHaveWritten)).toEqual([true, true, true, true, true, true]);
    expect([0x6700, 0x6982, 0x6a82, 0x9302, 0x9401, 0x6f00].map(swMayHaveWritten)).toEqual([false, false, false, false, false, false]);
  });
});

describe('StoredCard.transmitGrouped', () => {
  const stores: [string, () => CardStore][] = [
    ['memory', () => new MemoryCardStore({ now: steppingNow() })],
    ['SQLite', () => new SqliteCardStore(':memory:', { now: steppingNow() })],
  ];
  for (const [kind, make] of stores) {
    it(`${kind}: a command that wrote is saved through the group commit before it resolves; reads save nothing`, async () => {
      const { store, sc, keys } = setup(make());
      const send = async (apdu: Uint8Array | string) => pt.split(await sc.transmitGrouped(typeof apdu === 'string' ? pt.h(apdu) : apdu));
      const v0 = sc.version;
      const w0 = store.stats().groupedWrites!;
      expect((await send('805C000204')).sw).toBe(0x9000);
      expect(sc.version).toBe(v0);
      expect(store.stats().groupedWrites).toBe(w0);
      const init = await send(pt.initPurchaseApdu('purchase', 300));
      expect(sc.version).toBe(v0 + 1);
      expect(store.stats().groupedWrites).toBe(w0 + 1);
      const pi = pt.parsePurchaseInit(init.data);
      const seq = pt.be(1, 4);
      expect((await send(pt.debitApdu(seq, pt.purchaseMac1('3des', keys, pi, 300, purseCrypto.TX_TYPE.EP_PURCHASE, seq)))).sw).toBe(0x9000);
      expect(sc.version).toBe(v0 + 2);
      // what the store holds is the card as it answered, read back through its patches
      expect(store.getStored('c')).toEqual({ image: sc.card.toJSON(), version: v0 + 2 });
      expect(pt.peekPurse(cardFromImage(store.getImage('c')!)).balanceFen).toBe(700);
      store.close();
    });
  }

  it('the writing commands of many cards in one turn share one commit', async () => {
    const store = new SqliteCardStore(':memory:', { now: steppingNow() });
    const cards = [1, 2, 3].map((seed) => {
      const sc = StoredCard.create(store, `c${seed}`, image(seed, 1000));
      sc.powerOn();
      return sc;
    });
    const before = store.stats();
    const resps = await Promise.all(cards.map((sc) => sc.transmitGrouped(pt.h('0084000004'))));
    expect(resps.map((r) => pt.split(r).sw)).toEqual([0x9000, 0x9000, 0x9000]);
    expect(store.stats().groupCommits! - before.groupCommits!).toBe(1);
    expect(store.stats().groupedWrites! - before.groupedWrites!).toBe(3);
    for (const sc of cards) expect(store.getStored(sc.id)!.version).toBe(2);
    store.close();
  });

  it('without a grouping store it saves as transmit does; inside a run flow it is refused', async () => {
    const store = new MemoryCardStore({ now: steppingNow() });
    Object.defineProperty(store, 'saveChangeAndJournalGrouped', { value: undefined });
    const { sc } = setup(store);
    const v0 = sc.version;
    expect(pt.split(await sc.transmitGrouped(pt.h('0084000004'))).sw).toBe(0x9000);
    expect(sc.version).toBe(v0 + 1);
    expect(store.stats().groupedWrites).toBe(0);
    const grouped = setup(new MemoryCardStore({ now: steppingNow() })).sc;
    await expect(grouped.run(async () => ({ value: await grouped.transmitGrouped(pt.h('0084000004')), records: [] }))).rejects.toThrow(/inside a run/);
  });
});
