/**
 * Interoperability: an independent terminal, written only from DOMAIN.md §3 and the demo issuer
 * keys (./independent-terminal.ts), tops up, enters and exits cards issued by ssc3, which it
 * treats as a black box speaking APDUs.
 */
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { issueCard } from '../../engine/index.js';
import {
  CardStatusError,
  decode0018,
  decodeRailRecord,
  decodeTravelLog,
  DEMO_ISSUER_KEYS,
  DEFAULT_GATE_TERMINAL_ID,
  DEFAULT_LOAD_TERMINAL_ID,
  exchange,
  getBalance,
  getTransactionProve,
  hex,
  independentEntry,
  independentExit,
  independentTopUp,
  isVirginRecord,
  openTransit,
  peekOfflineCounter,
  purseMac,
  railCrc,
  read0015,
  read0017,
  read0018,
  read1A,
  read1E,
  Refusal,
  selectTransit,
  sessionKey,
  sm4,
  snapshot,
  SoftPsam,
  toHex,
  TX,
  type Alg,
  type Exchange,
} from './independent-terminal.js';

const ALGS: Alg[] = ['3des', 'sm4'];
const PROFILES = [
  { profile: 'beijing-standard', cardType: 0x01 },
  { profile: 'beijing-student', cardType: 0x02 },
  { profile: 'beijing-senior', cardType: 0x03 },
] as const;

// Demo cards are valid from their issue date (2026-01-01 under the default clock).
const T_LOAD = new Date('2026-03-10T08:30:00+08:00');
const T_ENTRY = new Date('2026-03-10T08:40:00+08:00');
const T_EXIT = new Date('2026-03-10T09:10:05+08:00');
const A = { line: 1, station: 5 };
const B = { line: 2, station: 9 };

function freshCard(alg: Alg, profile: string = 'beijing-standard') {
  const card = issueCard({ profile, algorithm: alg, seed: 1 });
  card.powerOn();
  return card;
}

function loadedCard(alg: Alg, amountFen = 5000, profile: string = 'beijing-standard') {
  const card = freshCard(alg, profile);
  independentTopUp(card, { amountFen, at: T_LOAD, alg });
  return card;
}

function refusalOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof Refusal) return e.reason;
    throw e;
  }
  throw new Error('expected a refusal');
}

// vectors/purse/purse-3des.json is the project's copy of shared/vectors/purse-3des.json (published examples, DOMAIN.md §3).
describe('independent primitives against published data (DOMAIN.md §3)', () => {
  const vectors = JSON.parse(readFileSync(new URL('../../vectors/purse/purse-3des.json', import.meta.url), 'utf8')) as {
    vectors: { id: string; cardLoadKey?: string; cardPurchaseKey?: string; input?: string; sessionKey?: string; data?: string; expected: { sessionKey?: string; mac?: string } }[];
  };
  it.each(vectors.vectors.map((v) => [v.id, v] as const))('3DES %s', (_id, v) => {
    if (v.expected.sessionKey) expect(toHex(sessionKey('3des', hex((v.cardLoadKey ?? v.cardPurchaseKey)!), hex(v.input!)))).toBe(v.expected.sessionKey);
    if (v.expected.mac) expect(toHex(purseMac('3des', hex(v.sessionKey!), hex(v.data!)))).toBe(v.expected.mac);
  });

  it('SM4 (GB/T 32907 example 1) and CRC-32 (check value of "123456789")', () => {
    const k = hex('0123456789abcdeffedcba9876543210');
    expect(toHex(sm4(k, k))).toBe('681edf34d206965e86b3e94f536e4246');
    expect(crc32(new TextEncoder().encode('123456789')) >>> 0).toBe(0xcbf43926);
    // railCrc covers bytes 0..123 only: changing a byte past 123 leaves it unchanged.
    const r = new Uint8Array(128).fill(0x55);
    const c = toHex(railCrc(r));
    r[127] = 0;
    expect(toHex(railCrc(r))).toBe(c);
    expect(c).toBe((crc32(new Uint8Array(124).fill(0x55)) >>> 0).toString(16).padStart(8, '0'));
  });

  it('real transcript of DOMAIN.md §3 parses as the terminal expects (15-byte 8050 03 response)', () => {
    const resp = hex('000162AF 0036 000320 01 00 84176AD7');
    expect(resp.length).toBe(15);
    expect(resp[10]).toBe(0x00); // alg id 00 = 3DES
  });
});

describe.each(ALGS)('independent terminal × ssc3 card, %s profile', (alg) => {
  describe.each(PROFILES)('$profile', ({ profile, cardType }) => {
    it('reads the card type from 0015 and 0017 and the FCI carries 0015 in 9F0C', () => {
      const card = issueCard({ profile, algorithm: alg, seed: 1 });
      const atr = card.powerOn();
      expect([0x3b, 0x3f]).toContain(atr[0]);
      const { issuer, transit } = openTransit(card);
      expect(issuer.cardType).toBe(cardType);
      expect(transit.cardType).toBe(cardType);
      expect(toHex(read0015(card).raw)).toBe(toHex(issuer.raw));
      expect(toHex(transit.city)).toBe('1000');
      expect(toHex(read0017(card).raw)).toBe(toHex(transit.raw));
    });

    it('tops up 50 yuan: MAC1 checked, MAC2 accepted, TAC checked, 0018 load record, balance 5000', () => {
      const card = freshCard(alg, profile);
      const r = independentTopUp(card, { amountFen: 5000, at: T_LOAD, alg });
      expect(r.algId).toBe(alg === '3des' ? 0x00 : 0x04);
      expect(r.balanceBeforeFen).toBe(0);
      selectTransit(card);
      expect(getBalance(card)).toBe(5000);
      const rec = read0018(card, 1);
      expect(rec).toEqual({ counter: r.onlineCounter, overdraftFen: 0, amountFen: 5000, type: TX.epLoad, terminalId: DEFAULT_LOAD_TERMINAL_ID, dateTime: '20260310083000' });
      // A second top-up sees the online counter advanced by one.
      const again = independentTopUp(card, { amountFen: 1000, at: T_LOAD, alg });
      expect(again.onlineCounter).toBe(r.onlineCounter + 1);
      expect(again.balanceBeforeFen).toBe(5000);
    });

    it('gate entry then exit (500 fen): MAC2 and TACs verify, balance 4500, counter +2, 1A and 1E as written', () => {
      const card = loadedCard(alg, 5000, profile);
      const psam = new SoftPsam(DEFAULT_GATE_TERMINAL_ID, 100);
      const counter0 = peekOfflineCounter(card);

      const entry = independentEntry(card, { station: A, at: T_ENTRY, alg, psam });
      expect(entry.offlineCounter).toBe(counter0);
      expect(entry.amountFen).toBe(0);
      expect(entry.recordBefore.state).toBe(0x00);
      selectTransit(card);
      expect(toHex(read1A(card))).toBe(toHex(entry.railRecord));
      expect(decodeRailRecord(read1A(card)).state).toBe(0x01);

      const exit = independentExit(card, { station: B, at: T_EXIT, alg, psam, fareFen: 500, fareBeforeDiscountFen: 500 });
      expect(exit.offlineCounter).toBe(counter0 + 1);
      expect(exit.overtime).toBe(false);
      expect(exit.balanceBeforeFen).toBe(5000);

      selectTransit(card);
      expect(getBalance(card)).toBe(4500);
      const rail = read1A(card);
      expect(toHex(rail)).toBe(toHex(exit.railRecord));
      expect(toHex(rail.subarray(124))).toBe(toHex(railCrc(rail)));
      const decoded = decodeRailRecord(rail);
      expect(decoded).toMatchObject({
        state: 0x02,
        entryCity: '1000',
        entry: A,
        entryDateTime: '20260310084000',
        entryAmountFen: 0,
        exit: B,
        exitDateTime: '20260310091005',
        exitAmountFen: 500,
        fareBeforeDiscountFen: 500,
        accumulationMonth: '202603',
        monthRailSpendFen: 500,
        monthRailRides: 1,
      });
      expect(toHex(read1E(card, 1))).toBe(toHex(exit.travelLog));
      expect(toHex(read1E(card, 2))).toBe(toHex(entry.travelLog));
      expect(decodeTravelLog(read1E(card, 1))).toMatchObject({ type: TX.compoundPurchase, subType: 0x01, amountFen: 500, balanceFen: 4500, dateTime: '20260310091005', city: '1000' });
      expect(read0018(card, 1)).toEqual({ counter: counter0 + 1, overdraftFen: 0, amountFen: 500, type: TX.compoundPurchase, terminalId: DEFAULT_GATE_TERMINAL_ID, dateTime: '20260310091005' });
      expect(read0018(card, 2)).toMatchObject({ counter: counter0, amountFen: 0, type: TX.compoundPurchase });
      expect(peekOfflineCounter(card)).toBe(counter0 + 2);
    });
  });

  describe('refusals the terminal detects from the card alone', () => {
    it('repeated entry: state already 01 → refused before any purse command, card unchanged', () => {
      const card = loadedCard(alg);
      independentEntry(card, { station: A, at: T_ENTRY, alg });
      const before = snapshot(card);
      const log: Exchange[] = [];
      expect(refusalOf(() => independentEntry(card, { station: B, at: T_EXIT, alg, log }))).toBe('repeated-entry');
      expect(log.some((l) => l.apdu.startsWith('8050') || l.apdu.startsWith('80dc') || l.apdu.startsWith('8054'))).toBe(false);
      expect(snapshot(card)).toEqual(before);
    });

    it('exit without entry: a virgin record and a completed journey are both refused', () => {
      const card = loadedCard(alg);
      selectTransit(card);
      expect(isVirginRecord(read1A(card), 0x01)).toBe(true);
      expect(toHex(exchange(card, 'bus record', hex('00b202d480')).data.subarray(0, 2))).toBe('0200');
      expect(refusalOf(() => independentExit(card, { station: B, at: T_EXIT, alg, fareFen: 500 }))).toBe('exit-without-entry');
      independentEntry(card, { station: A, at: T_ENTRY, alg });
      independentExit(card, { station: B, at: T_EXIT, alg, fareFen: 500, terminalSeq: 2 });
      const before = snapshot(card);
      expect(refusalOf(() => independentExit(card, { station: B, at: T_EXIT, alg, fareFen: 500, terminalSeq: 3 }))).toBe('exit-without-entry');
      expect(snapshot(card)).toEqual(before);
    });

    it('insufficient balance: the card answers 9401 to 8050 03 when the fare exceeds the balance; nothing changes', () => {
      const card = loadedCard(alg, 2000);
      independentEntry(card, { station: A, at: T_ENTRY, alg });
      const before = snapshot(card);
      const log: Exchange[] = [];
      expect(refusalOf(() => independentExit(card, { station: B, at: T_EXIT, alg, fareFen: 2001, terminalSeq: 2, log }))).toBe('insufficient-balance');
      const init = log.find((l) => l.command === 'INITIALIZE FOR CAPP PURCHASE')!;
      expect(init.apdu).toBe('805003020b01000007d1200000000001');
      expect(init.response).toBe('9401');
      expect(snapshot(card)).toEqual(before);
      // The exact balance is still payable.
      independentExit(card, { station: B, at: T_EXIT, alg, fareFen: 2000, terminalSeq: 3 });
      selectTransit(card);
      expect(getBalance(card)).toBe(0);
    });
  });

  describe('card behaviour DOMAIN.md §3 promises to a terminal', () => {
    it('DEBIT with a bad MAC1 → 9302, and the cached 1A / 1E records are not committed (atomicity)', () => {
      const card = loadedCard(alg);
      const before = snapshot(card);
      expect(() => independentEntry(card, { station: A, at: T_ENTRY, alg, corruptMac1: true })).toThrow(expect.objectContaining({ sw: 0x9302 }));
      expect(snapshot(card)).toEqual(before);
      // And a correct entry afterwards works.
      independentEntry(card, { station: A, at: T_ENTRY, alg, terminalSeq: 2 });
    });

    it('CREDIT FOR LOAD with a bad MAC2 → 9302, balance unchanged', () => {
      const card = loadedCard(alg);
      let err: unknown;
      try {
        independentTopUp(card, { amountFen: 1000, at: T_LOAD, alg, corruptMac2: true });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CardStatusError);
      expect((err as CardStatusError).sw).toBe(0x9302);
      selectTransit(card);
      expect(getBalance(card)).toBe(5000);
    });

    it('DEBIT without INITIALIZE → 6985', () => {
      const card = loadedCard(alg);
      selectTransit(card);
      const r = exchange(card, 'DEBIT', hex('805401000f 00000001 20260310 084000 00000000'));
      expect(r.sw).toBe(0x6985);
    });

    it('8050 / 8052 with an explicit Le (ISO case 4) behave as without', () => {
      const card = freshCard(alg);
      independentTopUp(card, { amountFen: 3000, at: T_LOAD, alg, withLe: true });
      selectTransit(card);
      expect(getBalance(card)).toBe(3000);
    });

    it('a terminal holding the wrong keys is caught (MAC1, TAC) or refused by the card (9302)', () => {
      // Flip bit 1 of the last byte: bit 0 is a DES parity bit, which 3DES ignores.
      const flip = (k: Uint8Array) => k.map((b, i) => (i === 15 ? b ^ 0x02 : b));
      expect(() => independentTopUp(freshCard(alg), { amountFen: 5000, at: T_LOAD, alg, keys: { ...DEMO_ISSUER_KEYS, load: flip(DEMO_ISSUER_KEYS.load) } })).toThrow(/MAC1/);
      expect(() => independentTopUp(freshCard(alg), { amountFen: 5000, at: T_LOAD, alg, keys: { ...DEMO_ISSUER_KEYS, tac: flip(DEMO_ISSUER_KEYS.tac) } })).toThrow(/TAC/);
      expect(() => independentEntry(loadedCard(alg), { station: A, at: T_ENTRY, alg, keys: { ...DEMO_ISSUER_KEYS, tac: flip(DEMO_ISSUER_KEYS.tac) } })).toThrow(/TAC/);
      expect(() => independentEntry(loadedCard(alg), { station: A, at: T_ENTRY, alg, keys: { ...DEMO_ISSUER_KEYS, purchase: flip(DEMO_ISSUER_KEYS.purchase) } })).toThrow(expect.objectContaining({ sw: 0x9302 }));
    });

    it('flags an exit more than 4 hours after entry (overtime)', () => {
      const card = loadedCard(alg);
      independentEntry(card, { station: A, at: T_ENTRY, alg });
      const late = independentExit(card, { station: B, at: new Date(T_ENTRY.getTime() + 4 * 3600_000 + 1000), alg, fareFen: 300, terminalSeq: 2 });
      expect(late.overtime).toBe(true);
    });

    it('GET TRANSACTION PROVE returns the TAC and MAC2 of the last purchase, 9403 for another counter', () => {
      const card = loadedCard(alg);
      independentEntry(card, { station: A, at: T_ENTRY, alg });
      const exit = independentExit(card, { station: B, at: T_EXIT, alg, fareFen: 500, terminalSeq: 2 });
      selectTransit(card);
      const prove = getTransactionProve(card, TX.compoundPurchase, exit.offlineCounter);
      expect(prove.sw).toBe(0x9000);
      expect(toHex(prove.tac!)).toBe(toHex(exit.tac));
      expect(toHex(prove.mac2!)).toBe(toHex(exit.mac2));
      expect(getTransactionProve(card, TX.compoundPurchase, exit.offlineCounter - 1).sw).toBe(0x9403);
    });

    it('month accumulation: two rides in March add up, a ride in April starts the month again', () => {
      const card = loadedCard(alg);
      const psam = new SoftPsam(DEFAULT_GATE_TERMINAL_ID);
      const ride = (day: string, fareFen: number) => {
        independentEntry(card, { station: A, at: new Date(`${day}T08:00:00+08:00`), alg, psam });
        return independentExit(card, { station: B, at: new Date(`${day}T08:30:00+08:00`), alg, psam, fareFen });
      };
      ride('2026-03-10', 500);
      ride('2026-03-31', 400);
      selectTransit(card);
      expect(decodeRailRecord(read1A(card))).toMatchObject({ accumulationMonth: '202603', monthRailSpendFen: 900, monthRailRides: 2 });
      ride('2026-04-01', 300);
      selectTransit(card);
      expect(decodeRailRecord(read1A(card))).toMatchObject({ accumulationMonth: '202604', monthRailSpendFen: 300, monthRailRides: 1 });
      expect(getBalance(card)).toBe(5000 - 1200);
      expect(decode0018(hex(toHex(exchange(card, '0018', hex('00b201c417')).data))).amountFen).toBe(300);
    });
  });
});
