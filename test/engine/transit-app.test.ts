// Tests for the transit application (engine/apps/transit/transit-app.ts), for both algorithm
// profiles: every command of DOMAIN.md §3 on its happy path and with each of its error status
// words. The terminal side (load host MAC2, PSAM MAC1, clearing checks of TAC and MAC2) is
// computed here from the demo issuer master keys diversified by the app serial of EF 0015
// (test/engine/support/purse-terminal.ts), never read from the card.
import { describe, expect, it } from 'vitest';
import type { Card } from '../../engine/card/card.js';
import { issueCard } from '../../engine/personalise/issue-card.js';
import * as pc from '../../engine/apps/transit/purse-crypto.js';
import type { PurseAlg, PurseKeys } from '../../engine/apps/transit/purse-crypto.js';
import { concatBytes } from '../../crypto/utils.js';
import {
  be,
  cardKeysOf,
  compoundRecord,
  creditApdu,
  DATE,
  debitApdu,
  exchange,
  h,
  hx,
  initLoadApdu,
  initPurchaseApdu,
  load,
  loadMac2,
  nvmCells,
  num,
  parseLoadInit,
  parsePurchaseInit,
  peekPurse,
  purchase,
  purchaseMac1,
  SELECT_TRANSIT,
  send,
  TERMINAL_ID,
  TIME,
  travelRecord,
} from './support/purse-terminal.js';

const { TX_TYPE } = pc;
const SEQ = h('00000057');

function swHex(sw: number): string {
  return sw.toString(16).padStart(4, '0');
}

/** SW, or data ‖ SW, as one string. */
function r(card: Card, apdu: string | Uint8Array): string {
  const { data, sw } = send(card, apdu);
  return data.length ? `${hx(data)} ${swHex(sw)}` : swHex(sw);
}

describe.each(['3des', 'sm4'] as const)('transit application, %s profile', (alg: PurseAlg) => {
  const ALG_ID = alg === '3des' ? 0x00 : 0x04;

  function setup(balanceFen = 10_000, seed = 100): { card: Card; keys: PurseKeys } {
    const card = issueCard({ algorithm: alg, seed, balanceFen });
    card.powerOn();
    expect(exchange(card, SELECT_TRANSIT).sw).toBe(0x9000);
    return { card, keys: cardKeysOf(card, alg) };
  }

  /** An 0018 record, built field by field: counter 2 · overdraft 3 · amount 4 · type 1 · terminal 6 · date-time 7. */
  function logRecord(counter: number, amountFen: number, type: number, terminalId = TERMINAL_ID, date = DATE, time = TIME): string {
    return hx(concatBytes(be(counter, 2), be(0, 3), be(amountFen, 4), Uint8Array.of(type), terminalId, date, time));
  }

  /** Opens a purchase (EP or CAPP) and returns the parsed INITIALIZE response. */
  function openPurchase(card: Card, kind: 'purchase' | 'capp', amountFen: number) {
    const res = send(card, initPurchaseApdu(kind, amountFen));
    expect(swHex(res.sw)).toBe('9000');
    return parsePurchaseInit(res.data);
  }

  function validDebit(keys: PurseKeys, init: ReturnType<typeof parsePurchaseInit>, amountFen: number, type: number, seq = SEQ): Uint8Array {
    return debitApdu(seq, purchaseMac1(alg, keys, init, amountFen, type, seq));
  }

  // -------------------------------------------------------------------------------------------
  describe('GET BALANCE 80 5C', () => {
    it('returns the balance, 4 bytes big-endian (Le 04, Le 00, no Le)', () => {
      const { card } = setup(12_345);
      expect(r(card, '805C000204')).toBe('00003039 9000');
      expect(r(card, '805C000200')).toBe('00003039 9000');
      expect(r(card, '805C0002')).toBe('00003039 9000');
    });

    it.each([
      ['P1 01', '805C010204'],
      ['P2 01 (ED)', '805C000104'],
      ['P2 00', '805C000004'],
    ])('bad P1/P2: %s → 6A86', (_name, apdu) => {
      const { card } = setup();
      expect(r(card, apdu)).toBe('6a86');
    });

    it.each([
      ['Le 05', '805C000205'],
      ['Le 02', '805C000202'],
      ['command data', '805C00020100'],
      ['command data and Le', '805C0002010004'],
    ])('bad length: %s → 6700', (_name, apdu) => {
      const { card } = setup();
      expect(r(card, apdu)).toBe('6700');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('load: 8050 00 → 8052', () => {
    it('INITIALIZE → MAC1 checks → CREDIT with MAC2 → TAC checks; balance, online counter and 0018 updated', () => {
      const { card, keys } = setup(10_000);
      const res = send(card, initLoadApdu(2_000));
      expect(swHex(res.sw)).toBe('9000');
      expect(res.data.length).toBe(16);
      const init = parseLoadInit(res.data);
      expect(init).toMatchObject({ balanceFen: 10_000, counter: 0, keyVersion: 0x01, algId: ALG_ID });
      // MAC1 = MAC over balance ‖ amount ‖ type 02 ‖ terminal id under the load session key.
      const mac1 = pc.computeLoadMac1(alg, keys.load, { random: init.random, onlineCounter: 0 }, { balanceFen: 10_000, amountFen: 2_000, type: TX_TYPE.EP_LOAD, terminalId: TERMINAL_ID });
      expect(hx(init.mac1)).toBe(hx(mac1));

      const credit = send(card, creditApdu(loadMac2(alg, keys, init, 2_000)));
      expect(swHex(credit.sw)).toBe('9000');
      const tac = pc.computeLoadTac(alg, keys.tac, { amountFen: 2_000, type: TX_TYPE.EP_LOAD, terminalId: TERMINAL_ID, date: DATE, time: TIME });
      expect(hx(credit.data)).toBe(hx(tac));

      expect(peekPurse(card)).toMatchObject({ balanceFen: 12_000, online: 1, offline: 0 });
      expect(r(card, '805C000204')).toBe('00002ee0 9000');
      expect(r(card, '00B201C417')).toBe(`${logRecord(0, 2_000, TX_TYPE.EP_LOAD)} 9000`);
      expect(r(card, '00B202C417')).toBe('6a83');
      // The next INITIALIZE FOR LOAD shows the new online counter and balance.
      expect(parseLoadInit(send(card, initLoadApdu(1)).data)).toMatchObject({ balanceFen: 12_000, counter: 1 });
    });

    it('a second load uses the next counter; its 0018 record becomes record 1', () => {
      const { card, keys } = setup(0);
      load(card, alg, keys, 2_000);
      const other = h('010203040506');
      load(card, alg, keys, 1_000, other);
      expect(r(card, '00B201C417')).toBe(`${logRecord(1, 1_000, TX_TYPE.EP_LOAD, other)} 9000`);
      expect(r(card, '00B202C417')).toBe(`${logRecord(0, 2_000, TX_TYPE.EP_LOAD)} 9000`);
      expect(peekPurse(card)).toMatchObject({ balanceFen: 3_000, online: 2, offline: 0 });
    });

    it('bad MAC2 → 9302, nothing changed, and the session is over (a good MAC2 then → 6985)', () => {
      const { card, keys } = setup();
      const init = parseLoadInit(send(card, initLoadApdu(2_000)).data);
      const before = nvmCells(card);
      const good = loadMac2(alg, keys, init, 2_000);
      const bad = good.slice();
      bad[3] ^= 0x01;
      expect(r(card, creditApdu(bad))).toBe('9302');
      expect(nvmCells(card)).toEqual(before);
      expect(r(card, creditApdu(good))).toBe('6985');
      expect(nvmCells(card)).toEqual(before);
    });

    it('a MAC2 over other fields (amount, date) → 9302', () => {
      const { card, keys } = setup();
      let init = parseLoadInit(send(card, initLoadApdu(2_000)).data);
      expect(r(card, creditApdu(loadMac2(alg, keys, init, 2_001)))).toBe('9302');
      init = parseLoadInit(send(card, initLoadApdu(2_000)).data);
      expect(r(card, creditApdu(loadMac2(alg, keys, init, 2_000, TERMINAL_ID, h('20260315')), DATE))).toBe('9302');
      expect(peekPurse(card)).toMatchObject({ balanceFen: 10_000, online: 0 });
    });

    it('8052 without 8050 → 6985; after INITIALIZE FOR PURCHASE → 6985; a replayed 8052 → 6985', () => {
      const { card, keys } = setup();
      expect(r(card, creditApdu(h('00000000')))).toBe('6985');
      openPurchase(card, 'purchase', 100);
      expect(r(card, creditApdu(h('00000000')))).toBe('6985');
      const init = parseLoadInit(send(card, initLoadApdu(500)).data);
      const apdu = creditApdu(loadMac2(alg, keys, init, 500));
      expect(r(card, apdu)).toMatch(/ 9000$/);
      expect(r(card, apdu)).toBe('6985');
      expect(peekPurse(card).balanceFen).toBe(10_500);
    });

    it('a load beyond the maximum balance (100 000 fen) → 6985 at 8050; up to it exactly is fine', () => {
      const { card, keys } = setup(10_000);
      expect(r(card, initLoadApdu(90_001))).toBe('6985');
      expect(r(card, initLoadApdu(0xffffffff))).toBe('6985');
      load(card, alg, keys, 90_000);
      expect(peekPurse(card).balanceFen).toBe(100_000);
      expect(r(card, initLoadApdu(1))).toBe('6985');
      expect(peekPurse(card)).toMatchObject({ balanceFen: 100_000, online: 1 });
    });

    it('a non-BCD or impossible date/time in 8052 is refused with 6A80 or 9302, never 6F00, and changes nothing', () => {
      // The date and time are command data: malformed values are a card outcome (wrong data /
      // MAC cannot verify), not an internal error.
      for (const [date, time] of [
        [h('2026AA01'), TIME],
        [h('20261399'), TIME],
        [DATE, h('25FF00')],
      ]) {
        const { card, keys } = setup();
        const init = parseLoadInit(send(card, initLoadApdu(1_000)).data);
        const before = nvmCells(card);
        const res = send(card, creditApdu(loadMac2(alg, keys, init, 1_000), date, time));
        expect(res.data.length).toBe(0);
        expect(['6a80', '9302'], `date ${hx(date)} time ${hx(time)}`).toContain(swHex(res.sw));
        expect(nvmCells(card)).toEqual(before);
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('EP purchase: 8050 01 → 8054', () => {
    it('INITIALIZE → DEBIT with MAC1 → TAC ‖ MAC2 (both check); balance, offline counter, 0018 type 06', () => {
      const { card, keys } = setup(10_000);
      const res = send(card, initPurchaseApdu('purchase', 350));
      expect(swHex(res.sw)).toBe('9000');
      expect(res.data.length).toBe(15);
      const init = parsePurchaseInit(res.data);
      expect(init).toMatchObject({ balanceFen: 10_000, counter: 0, overdraftFen: 0, keyVersion: 0x01, algId: ALG_ID });
      const debit = send(card, validDebit(keys, init, 350, TX_TYPE.EP_PURCHASE));
      expect(swHex(debit.sw)).toBe('9000');
      expect(debit.data.length).toBe(8);
      const session = { random: init.random, offlineCounter: 0, terminalSeq: SEQ };
      const tac = pc.computePurchaseTac(alg, keys.tac, { amountFen: 350, type: TX_TYPE.EP_PURCHASE, terminalId: TERMINAL_ID, terminalSeq: SEQ, date: DATE, time: TIME });
      const mac2 = pc.computePurchaseMac2(alg, keys.purchase, session, { amountFen: 350 });
      expect(hx(debit.data)).toBe(hx(concatBytes(tac, mac2)));
      expect(peekPurse(card)).toMatchObject({ balanceFen: 9_650, online: 0, offline: 1 });
      expect(r(card, '805C000204')).toBe(`${hx(be(9_650, 4))} 9000`);
      expect(r(card, '00B201C417')).toBe(`${logRecord(0, 350, TX_TYPE.EP_PURCHASE)} 9000`);
      expect(parsePurchaseInit(send(card, initPurchaseApdu('purchase', 1)).data)).toMatchObject({ balanceFen: 9_650, counter: 1 });
    });

    it('a purchase of the whole balance leaves 0; one more fen → 9401 at 8050', () => {
      const { card, keys } = setup(500);
      purchase(card, alg, keys, 500);
      expect(peekPurse(card).balanceFen).toBe(0);
      expect(r(card, initPurchaseApdu('purchase', 1))).toBe('9401');
      expect(r(card, initPurchaseApdu('purchase', 0))).toMatch(/ 9000$/); // an entry record: 0 fen
    });

    it.each(['purchase', 'capp'] as const)('insufficient balance → 9401 at 8050 (%s), nothing changed', (kind) => {
      const { card } = setup(1_000);
      const before = nvmCells(card);
      expect(r(card, initPurchaseApdu(kind, 1_001))).toBe('9401');
      expect(r(card, initPurchaseApdu(kind, 0xffffffff))).toBe('9401');
      expect(nvmCells(card)).toEqual(before);
    });

    it('bad MAC1 → 9302, nothing changed, session over (the right MAC1 then → 6985)', () => {
      const { card, keys } = setup();
      const init = openPurchase(card, 'purchase', 100);
      const before = nvmCells(card);
      const good = validDebit(keys, init, 100, TX_TYPE.EP_PURCHASE);
      const bad = good.slice();
      bad[bad.length - 2] ^= 0x80;
      expect(r(card, bad)).toBe('9302');
      expect(nvmCells(card)).toEqual(before);
      expect(r(card, good)).toBe('6985');
      expect(nvmCells(card)).toEqual(before);
    });

    it('a MAC1 for another type, terminal sequence or amount → 9302', () => {
      const { card, keys } = setup();
      let init = openPurchase(card, 'purchase', 100);
      expect(r(card, validDebit(keys, init, 100, TX_TYPE.CAPP_PURCHASE))).toBe('9302');
      init = openPurchase(card, 'purchase', 100);
      expect(r(card, debitApdu(SEQ, purchaseMac1(alg, keys, init, 100, TX_TYPE.EP_PURCHASE, h('00000058'))))).toBe('9302');
      init = openPurchase(card, 'purchase', 100);
      expect(r(card, validDebit(keys, init, 99, TX_TYPE.EP_PURCHASE))).toBe('9302');
      expect(peekPurse(card)).toMatchObject({ balanceFen: 10_000, offline: 0 });
    });

    it('MAC1 covers terminal-seq bytes 2–3 only (they enter the session key [V]); the TAC covers all four', () => {
      // Not a card bug but a property of the PBOC scheme worth pinning: a terminal that alters
      // seq[0..1] still gets its debit, and only clearing (TAC) can notice.
      const { card, keys } = setup();
      const init = openPurchase(card, 'purchase', 100);
      const mac1 = purchaseMac1(alg, keys, init, 100, TX_TYPE.EP_PURCHASE, SEQ);
      const altered = h('12340057');
      const debit = send(card, debitApdu(altered, mac1));
      expect(swHex(debit.sw)).toBe('9000');
      const fields = { amountFen: 100, type: TX_TYPE.EP_PURCHASE, terminalId: TERMINAL_ID, date: DATE, time: TIME };
      expect(hx(debit.data.subarray(0, 4))).toBe(hx(pc.computePurchaseTac(alg, keys.tac, { ...fields, terminalSeq: altered })));
      expect(hx(debit.data.subarray(0, 4))).not.toBe(hx(pc.computePurchaseTac(alg, keys.tac, { ...fields, terminalSeq: SEQ })));
    });

    it('8054 without 8050 → 6985; after INITIALIZE FOR LOAD → 6985; a replayed 8054 → 6985', () => {
      const { card, keys } = setup();
      expect(r(card, debitApdu(SEQ, h('00000000')))).toBe('6985');
      send(card, initLoadApdu(100));
      expect(r(card, debitApdu(SEQ, h('00000000')))).toBe('6985');
      const init = openPurchase(card, 'purchase', 100);
      const apdu = validDebit(keys, init, 100, TX_TYPE.EP_PURCHASE);
      expect(r(card, apdu)).toMatch(/ 9000$/);
      expect(r(card, apdu)).toBe('6985');
      expect(peekPurse(card)).toMatchObject({ balanceFen: 9_900, offline: 1 });
    });

    it('a non-BCD or impossible date/time in 8054 is refused with 6A80 or 9302, never 6F00, and changes nothing', () => {
      for (const [date, time] of [
        [h('2026AA01'), TIME],
        [h('20260230'), TIME],
        [DATE, h('236000')],
      ]) {
        const { card, keys } = setup();
        const init = openPurchase(card, 'purchase', 100);
        const before = nvmCells(card);
        const res = send(card, debitApdu(SEQ, purchaseMac1(alg, keys, init, 100, TX_TYPE.EP_PURCHASE, SEQ), date, time));
        expect(res.data.length).toBe(0);
        expect(['6a80', '9302'], `date ${hx(date)} time ${hx(time)}`).toContain(swHex(res.sw));
        expect(nvmCells(card)).toEqual(before);
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('CAPP purchase: 8050 03 → 80DC … → 8054', () => {
    it('80DC 1A record (P1 = id 01, P2 D0) and 80DC 1E append (P1 00, P2 F0) are committed with the debit, together', () => {
      const { card, keys } = setup(10_000);
      const init = openPurchase(card, 'capp', 300);
      const rail = compoundRecord(0x01, 0x01, 0x11);
      const travel = travelRecord(0x22);
      const before = nvmCells(card);
      expect(r(card, `80DC01D080${hx(rail)}`)).toBe('9000');
      expect(r(card, `80DC00F030${hx(travel)}`)).toBe('9000');
      // Cached only: nothing reaches NVM before 8054.
      expect(nvmCells(card)).toEqual(before);
      const debit = send(card, validDebit(keys, init, 300, TX_TYPE.CAPP_PURCHASE));
      expect(swHex(debit.sw)).toBe('9000');
      const tac = pc.computePurchaseTac(alg, keys.tac, { amountFen: 300, type: TX_TYPE.CAPP_PURCHASE, terminalId: TERMINAL_ID, terminalSeq: SEQ, date: DATE, time: TIME });
      const mac2 = pc.computePurchaseMac2(alg, keys.purchase, { random: init.random, offlineCounter: 0, terminalSeq: SEQ }, { amountFen: 300 });
      expect(hx(debit.data)).toBe(hx(concatBytes(tac, mac2)));
      expect(peekPurse(card)).toMatchObject({ balanceFen: 9_700, offline: 1 });
      expect(r(card, '00B201C417')).toBe(`${logRecord(0, 300, TX_TYPE.CAPP_PURCHASE)} 9000`);
      expect(r(card, '00B201D480')).toBe(`${hx(rail)} 9000`);
      const bus = new Uint8Array(128);
      bus[0] = 0x02;
      expect(r(card, '00B202D480')).toBe(`${hx(bus)} 9000`);
      expect(r(card, '00B201F430')).toBe(`${hx(travel)} 9000`);
      expect(r(card, '00B202F430')).toBe('6a83');
    });

    it('the bus record by id (80DC 02 D0) and by record number (80DC 02 D4); the last update of a record wins', () => {
      const { card, keys } = setup();
      const init = openPurchase(card, 'capp', 0);
      expect(r(card, `80DC02D080${hx(compoundRecord(0x02, 0x01, 0x01))}`)).toBe('9000');
      const last = compoundRecord(0x02, 0x02, 0x02);
      expect(r(card, `80DC02D480${hx(last)}`)).toBe('9000');
      expect(r(card, validDebit(keys, init, 0, TX_TYPE.CAPP_PURCHASE))).toMatch(/ 9000$/);
      expect(r(card, '00B202D480')).toBe(`${hx(last)} 9000`);
      expect(send(card, '00B201D480').data[3]).toBe(0x00); // the rail record is untouched
      expect(peekPurse(card)).toMatchObject({ balanceFen: 10_000, offline: 1 });
    });

    it('80DC without 8050 03 → 6985 (none, after 8050 01, after 8050 00)', () => {
      const { card } = setup();
      const rec = `80DC01D080${hx(compoundRecord(1, 1))}`;
      expect(r(card, rec)).toBe('6985');
      openPurchase(card, 'purchase', 10);
      expect(r(card, rec)).toBe('6985');
      send(card, initLoadApdu(10));
      expect(r(card, rec)).toBe('6985');
    });

    it.each([
      ['a 127-byte 1A record', () => `80DC01D07F${hx(compoundRecord(1, 1).subarray(0, 127))}`, '6700'],
      ['a 49-byte 1E record', () => `80DC00F031${hx(new Uint8Array(49))}`, '6700'],
      ['record id byte ≠ P1', () => `80DC02D080${hx(compoundRecord(1, 1))}`, '6a80'],
      ['an SFI with no EF (0B)', () => `80DC01${(0x0b << 3).toString(16)}80${hx(compoundRecord(1, 1))}`, '6a82'],
      ['a transparent EF (SFI 15)', () => `80DC01A81E${hx(new Uint8Array(30))}`, '6a82'],
      ['append (P1 00) to the linear 1A', () => `80DC00D080${hx(compoundRecord(0, 1))}`, '6a86'],
      ['P2 mode 001', () => `80DC01D180${hx(compoundRecord(1, 1))}`, '6a86'],
      ['P2 mode 111', () => `80DC01D780${hx(compoundRecord(1, 1))}`, '6a86'],
    ])('80DC errors: %s → %s, and the refused record is not committed', (_name, apdu, sw) => {
      const { card, keys } = setup();
      const init = openPurchase(card, 'capp', 100);
      expect(r(card, apdu())).toBe(sw);
      // The purchase itself can still complete; only the accepted records (none) are written.
      const before = nvmCells(card);
      expect(r(card, validDebit(keys, init, 100, TX_TYPE.CAPP_PURCHASE))).toMatch(/ 9000$/);
      const after = nvmCells(card);
      const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
      expect(changed.filter((k) => k.includes('/001a') || k.includes('/001e'))).toEqual([]);
    });

    it('80DC cannot write the 0018 transaction log (the purse writes it, DOMAIN.md §3)', () => {
      const { card, keys } = setup();
      const init = openPurchase(card, 'capp', 100);
      const forged = new Uint8Array(23).fill(0xab);
      const res = send(card, `80DC00C017${hx(forged)}`);
      expect(swHex(res.sw)).not.toBe('9000');
      expect(res.data.length).toBe(0);
      send(card, validDebit(keys, init, 100, TX_TYPE.CAPP_PURCHASE));
      expect(r(card, '00B201C417')).toBe(`${logRecord(0, 100, TX_TYPE.CAPP_PURCHASE)} 9000`);
      expect(r(card, '00B202C417')).toBe('6a83');
    });

    it('a record refused with 6A84 (cache full) is not committed by the following 8054', () => {
      const { card, keys } = setup();
      const init = openPurchase(card, 'capp', 100);
      let accepted = 0;
      for (let i = 0; i < 10; i++) {
        const sw = swHex(send(card, `80DC00F030${hx(travelRecord(0x40 + i))}`).sw);
        if (sw === '9000') accepted++;
        else expect(sw).toBe('6a84');
      }
      expect(accepted).toBe(8);
      expect(r(card, validDebit(keys, init, 100, TX_TYPE.CAPP_PURCHASE))).toMatch(/ 9000$/);
      // Exactly the 8 accepted records, newest first.
      for (let n = 1; n <= 8; n++) expect(r(card, `00B2${n.toString(16).padStart(2, '0')}F430`), `record ${n}`).toBe(`${hx(travelRecord(0x40 + 8 - n))} 9000`);
      expect(r(card, '00B209F430')).toBe('6a83');
    });

    it('bad MAC1 → 9302 and nothing changed: balance, counter, 0018, 1A, 1E; the cache is dropped', () => {
      const { card, keys } = setup();
      const init = openPurchase(card, 'capp', 250);
      expect(r(card, `80DC01D080${hx(compoundRecord(1, 1, 0x77))}`)).toBe('9000');
      expect(r(card, `80DC00F030${hx(travelRecord(0x77))}`)).toBe('9000');
      const before = nvmCells(card);
      const good = validDebit(keys, init, 250, TX_TYPE.CAPP_PURCHASE);
      const bad = good.slice();
      bad[16] ^= 0x01;
      expect(r(card, bad)).toBe('9302');
      expect(nvmCells(card)).toEqual(before);
      expect(r(card, good)).toBe('6985');
      expect(nvmCells(card)).toEqual(before);
      expect(peekPurse(card)).toMatchObject({ balanceFen: 10_000, offline: 0 });
      expect(send(card, '00B201D480').data[3]).toBe(0x00);
      expect(r(card, '00B201F430')).toBe('6a83');
      expect(r(card, '00B201C417')).toBe('6a83');
    });

    it('a record id the card does not hold fails the whole purchase at 8054 (6A83), atomically', () => {
      const { card, keys } = setup();
      const init = openPurchase(card, 'capp', 100);
      expect(r(card, `80DC00F030${hx(travelRecord(1))}`)).toBe('9000');
      expect(r(card, `80DC03D080${hx(compoundRecord(3, 1))}`)).toBe('9000');
      const before = nvmCells(card);
      expect(r(card, validDebit(keys, init, 100, TX_TYPE.CAPP_PURCHASE))).toBe('6a83');
      expect(nvmCells(card)).toEqual(before);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('any other command between 8050 and 8052 / 8054 cancels the session (→ 6985)', () => {
    // [command, APDU, what the continuation then answers]: 6985, or 6D00 once the transit
    // application is no longer selected (the MF has no purse commands).
    const others: [string, string, string][] = [
      ['GET BALANCE', '6985', '805C000204'],
      ['READ BINARY 0015', '6985', '00B095001E'],
      ['READ RECORD 1A', '6985', '00B201D480'],
      ['GET CHALLENGE', '6985', '0084000004'],
      ['GET TRANSACTION PROVE', '6985', '805A0006020000'],
      ['an unknown proprietary INS (6D00)', '6985', '80CA000000'],
      ['SELECT of the transit AID again', '6985', SELECT_TRANSIT],
      ['SELECT of the MF', '6d00', '00A40000023F00'],
      ['SELECT of EF 0018 by FID inside the application', '6985', '00A40000020018'],
      ['SELECT of EF 0015 by path inside the application', '6985', '00A40900020015'],
      ['SELECT of an unknown AID (6A82)', '6985', '00A4040008A000000333010101'],
      ['a truncated APDU (6700)', '6985', '8054'],
      ['an APDU whose Lc does not match (6700)', '6985', '805401000F00'],
      ['CLA FF (6E00)', '6985', 'FF54010000'],
    ];

    it.each(others)('EP purchase, then %s, then 8054 → %s', (_name, sw, apdu) => {
      const { card, keys } = setup();
      const init = openPurchase(card, 'purchase', 100);
      send(card, apdu);
      const before = nvmCells(card);
      expect(r(card, validDebit(keys, init, 100, TX_TYPE.EP_PURCHASE))).toBe(sw);
      expect(nvmCells(card)).toEqual(before);
    });

    it.each(others)('load, then %s, then 8052 → %s', (_name, sw, apdu) => {
      const { card, keys } = setup();
      const init = parseLoadInit(send(card, initLoadApdu(100)).data);
      send(card, apdu);
      expect(r(card, creditApdu(loadMac2(alg, keys, init, 100)))).toBe(sw);
      expect(peekPurse(card)).toMatchObject({ balanceFen: 10_000, online: 0 });
    });

    it('a new INITIALIZE replaces the session: the old MAC1 → 9302', () => {
      const { card, keys } = setup();
      const first = openPurchase(card, 'purchase', 100);
      openPurchase(card, 'purchase', 100);
      expect(r(card, validDebit(keys, first, 100, TX_TYPE.EP_PURCHASE))).toBe('9302');
    });

    it('80DC does not cancel a CAPP session; a power cycle does', () => {
      const { card, keys } = setup();
      let init = openPurchase(card, 'capp', 100);
      expect(r(card, `80DC00F030${hx(travelRecord(1))}`)).toBe('9000');
      expect(r(card, validDebit(keys, init, 100, TX_TYPE.CAPP_PURCHASE))).toMatch(/ 9000$/);
      init = openPurchase(card, 'capp', 100);
      card.powerOff();
      card.powerOn();
      exchange(card, SELECT_TRANSIT);
      expect(r(card, validDebit(keys, init, 100, TX_TYPE.CAPP_PURCHASE, h('00000058')))).toBe('6985');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('lengths, parameters, keys', () => {
    it.each([
      ['8050 Lc 0A', () => `805001020A${hx(initPurchaseApdu('purchase', 1).subarray(5, 15))}`],
      ['8050 Lc 0C', () => `805001020C${hx(initPurchaseApdu('purchase', 1).subarray(5, 16))}00`],
      ['8050 no data', () => '805000020F'],
      ['8052 Lc 0A', () => `805200000A${hx(new Uint8Array(10))}`],
      ['8052 Lc 0C', () => `805200000C${hx(new Uint8Array(12))}`],
      ['8054 Lc 0E', () => `805401000E${hx(new Uint8Array(14))}`],
      ['8054 Lc 10', () => `8054010010${hx(new Uint8Array(16))}`],
      ['805A Lc 01', () => '805A00060100'],
      ['805A Lc 03', () => '805A000603000000'],
      ['805A no data', () => '805A000608'],
    ])('wrong Lc: %s → 6700', (name, apdu) => {
      const { card } = setup();
      // 8052 / 8054 check their length inside a session (without one they answer 6985).
      if (name.startsWith('8052')) send(card, initLoadApdu(1));
      if (name.startsWith('8054')) openPurchase(card, 'purchase', 1);
      const before = nvmCells(card);
      expect(r(card, apdu())).toBe('6700');
      expect(nvmCells(card)).toEqual(before);
    });

    it.each([
      ['8050 P1 02', '805002020B01000000012000415999970F'],
      ['8050 P1 04', '805004020B01000000012000415999970F'],
      ['8050 P2 01 (ED)', '805001010B01000000012000415999970F'],
      ['8052 P1 01', '805201000B0000000000000000000000'],
      ['8054 P1 00', '805400000F000000000000000000000000000000'],
      ['8054 P2 01', '805401010F000000000000000000000000000000'],
      ['805A P1 01', '805A0106020000'],
    ])('bad P1/P2: %s → 6A86', (name, apdu) => {
      const { card } = setup();
      if (name.startsWith('8052')) send(card, initLoadApdu(1));
      if (name.startsWith('8054')) openPurchase(card, 'purchase', 1);
      expect(r(card, apdu)).toBe('6a86');
    });

    it.each([
      ['load, key index 02', () => initLoadApdu(100, TERMINAL_ID, 0x02)],
      ['load, key index 00', () => initLoadApdu(100, TERMINAL_ID, 0x00)],
      ['purchase, key index 02', () => initPurchaseApdu('purchase', 100, TERMINAL_ID, 0x02)],
      ['CAPP purchase, key index FF', () => initPurchaseApdu('capp', 100, TERMINAL_ID, 0xff)],
    ])('unknown key index: %s → 9403', (_name, apdu) => {
      const { card } = setup();
      const before = nvmCells(card);
      expect(r(card, apdu())).toBe('9403');
      expect(nvmCells(card)).toEqual(before);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('GET TRANSACTION PROVE 80 5A', () => {
    const prove = (type: number, counter: number) => `805A00${type.toString(16).padStart(2, '0')}02${hx(be(counter, 2))}`;

    it('of the last purchase → TAC ‖ MAC2 equal to the 8054 response; of anything else → 9403', () => {
      const { card, keys } = setup();
      expect(r(card, prove(TX_TYPE.EP_PURCHASE, 0))).toBe('9403'); // nothing yet
      const first = purchase(card, alg, keys, 100);
      expect(r(card, prove(TX_TYPE.EP_PURCHASE, 0))).toBe(`${hx(first)} 9000`);
      const second = purchase(card, alg, keys, 200, h('00000058'));
      expect(r(card, prove(TX_TYPE.EP_PURCHASE, 1))).toBe(`${hx(second)} 9000`);
      expect(r(card, prove(TX_TYPE.EP_PURCHASE, 0))).toBe('9403'); // only the last
      expect(r(card, prove(TX_TYPE.EP_PURCHASE, 2))).toBe('9403');
      expect(r(card, prove(TX_TYPE.CAPP_PURCHASE, 1))).toBe('9403');
      expect(r(card, prove(TX_TYPE.EP_LOAD, 1))).toBe('9403'); // no load: the load proof is empty
    });

    it('of the last CAPP purchase (type 09) and of the last load (type 02): one proof per counter', () => {
      // [P] The load (online counter) and the purchase (offline counter) proofs are kept apart,
      // so a load after an interrupted purchase does not destroy the purchase's proof.
      const { card, keys } = setup();
      const init = openPurchase(card, 'capp', 100);
      send(card, `80DC00F030${hx(travelRecord(5))}`);
      const capp = send(card, validDebit(keys, init, 100, TX_TYPE.CAPP_PURCHASE)).data;
      expect(r(card, prove(TX_TYPE.CAPP_PURCHASE, 0))).toBe(`${hx(capp)} 9000`);
      expect(r(card, prove(TX_TYPE.EP_PURCHASE, 0))).toBe('9403'); // wrong type
      expect(r(card, prove(TX_TYPE.EP_LOAD, 0))).toBe('9403'); // no load yet
      const li = parseLoadInit(send(card, initLoadApdu(700)).data);
      const mac2 = loadMac2(alg, keys, li, 700);
      const tac = send(card, creditApdu(mac2)).data;
      expect(r(card, prove(TX_TYPE.EP_LOAD, 0))).toBe(`${hx(tac)}${hx(mac2)} 9000`);
      expect(r(card, prove(TX_TYPE.ED_LOAD, 0))).toBe('9403');
      expect(r(card, prove(TX_TYPE.CAPP_PURCHASE, 0))).toBe(`${hx(capp)} 9000`);
      // The next purchase replaces the purchase proof, not the load proof.
      const ep = purchase(card, alg, keys, 50, h('00000099'));
      expect(r(card, prove(TX_TYPE.EP_PURCHASE, 1))).toBe(`${hx(ep)} 9000`);
      expect(r(card, prove(TX_TYPE.CAPP_PURCHASE, 0))).toBe('9403');
      expect(r(card, prove(TX_TYPE.EP_LOAD, 0))).toBe(`${hx(tac)}${hx(mac2)} 9000`);
    });

    it('a failed purchase does not change the proof', () => {
      const { card, keys } = setup();
      const ok = purchase(card, alg, keys, 100);
      openPurchase(card, 'purchase', 100);
      expect(r(card, debitApdu(SEQ, h('00000000')))).toBe('9302');
      expect(r(card, prove(TX_TYPE.EP_PURCHASE, 0))).toBe(`${hx(ok)} 9000`);
      expect(r(card, prove(TX_TYPE.EP_PURCHASE, 1))).toBe('9403');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the 0018 log', () => {
    it('is cyclic: 11 transactions keep the newest 10, record 1 = newest', () => {
      const { card, keys } = setup(0);
      load(card, alg, keys, 5_000);
      for (let i = 0; i < 10; i++) purchase(card, alg, keys, 10 + i, be(i, 4));
      // Newest first: purchases with counters 9 … 0; the load (11th oldest) has gone.
      for (let n = 1; n <= 10; n++) {
        const rec = send(card, `00B2${n.toString(16).padStart(2, '0')}C417`);
        expect(swHex(rec.sw)).toBe('9000');
        expect(hx(rec.data), `record ${n}`).toBe(logRecord(10 - n, 10 + 10 - n, TX_TYPE.EP_PURCHASE));
      }
      expect(r(card, '00B20BC417')).toBe('6a83');
      expect(peekPurse(card)).toMatchObject({ balanceFen: 5_000 - 145, online: 1, offline: 10 });
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the real transcript shapes of DOMAIN.md §3', () => {
    it('805003020B 01 000000C8 200041599997 → 15 bytes: balance 4 · counter 2 · overdraft 3 · key version · alg id · random 4', () => {
      const { card, keys } = setup(0x162af);
      const res = send(card, '805003020B01000000C8200041599997');
      expect(swHex(res.sw)).toBe('9000');
      expect(res.data.length).toBe(15);
      const d = res.data;
      expect(hx(d.subarray(0, 4))).toBe('000162af');
      expect(hx(d.subarray(4, 6))).toBe('0000');
      expect(hx(d.subarray(6, 9))).toBe('000000'); // this profile grants no overdraft
      expect(d[9]).toBe(0x01);
      expect(d[10]).toBe(ALG_ID);
      // 805401000F 00000057 20180313 164329 <MAC1> → TAC ‖ MAC2 (8 bytes) 9000.
      const init = parsePurchaseInit(d);
      const date = h('20180313');
      const time = h('164329');
      const mac1 = purchaseMac1(alg, keys, init, 0xc8, TX_TYPE.CAPP_PURCHASE, SEQ, TERMINAL_ID, date, time);
      const debit = send(card, `805401000F00000057${hx(date)}${hx(time)}${hx(mac1)}`);
      expect(swHex(debit.sw)).toBe('9000');
      expect(debit.data.length).toBe(8);
      expect(num(d.subarray(0, 4)) - 0xc8).toBe(peekPurse(card).balanceFen);
    });
  });
});
