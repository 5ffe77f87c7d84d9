// Tests for engine/apps/transit/purse-crypto.ts: every vector of vectors/purse/purse-3des.json
// (session keys, MACs, and the MAC inputs rebuilt from their named fields), the key and MAC
// formulas of both profiles recomputed independently with node:crypto (OpenSSL), the 3DES TAC
// fold by hand, the layout of the real transcript of DOMAIN.md §3, BCD helpers, and the argument
// checks with their exact messages.
import { createCipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  algFromId,
  algId,
  bcdDate,
  bcdTime,
  computeLoadMac1,
  computeLoadMac2,
  computeLoadTac,
  computePurchaseMac1,
  computePurchaseMac2,
  computePurchaseTac,
  dateTimeToBcd,
  DEMO_ISSUER_KEYS,
  deriveSessionKey,
  diversifyCardKeys,
  diversifyKey,
  loadMac1Input,
  loadMac2Input,
  loadSessionKey,
  loadSessionKeyInput,
  loadTacInput,
  macMatches,
  parseBcdDate,
  parseBcdTime,
  purchaseMac1Input,
  purchaseMac2Input,
  purchaseSessionKey,
  purchaseSessionKeyInput,
  purchaseTacInput,
  type PurseAlg,
  purseMac,
  SESSION_KEY_LEN,
  tac,
  TX_TYPE,
  verifyLoadMac2,
  verifyPurchaseMac1,
} from '../../engine/apps/transit/purse-crypto.js';
import { bytesToHex as hex, concatBytes, hexToBytes } from '../../crypto/utils.js';

/** Hex with spaces allowed (human-written transcripts). */
const h = (s: string): Uint8Array => hexToBytes(s.replace(/\s+/g, ''));
const ALGS: PurseAlg[] = ['3des', 'sm4'];

// ---- independent oracles (node:crypto) ---------------------------------------------------------

/** ECB without padding: 'des-ede' is 2-key 3DES-ECB in OpenSSL 3; 'sm4-ecb'. */
function nodeEcb(cipher: 'des-ede' | 'sm4-ecb', key: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(cipher, key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** ISO/IEC 9797-1 padding method 2, by hand. */
function pad2(data: Uint8Array, blockLen: number): Uint8Array {
  const out = new Uint8Array((Math.floor(data.length / blockLen) + 1) * blockLen);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/**
 * CBC-MAC, ICV 0, padding method 2, first 4 bytes, as the last block of OpenSSL CBC encryption.
 * OpenSSL 3 has no single DES without the legacy provider, so an 8-byte DES key K runs as
 * 'des-ede-cbc' with K‖K (E_K D_K E_K = E_K).
 */
function nodeMac4(alg: PurseAlg, key: Uint8Array, data: Uint8Array): Uint8Array {
  const bl = alg === '3des' ? 8 : 16;
  const c =
    alg === '3des'
      ? createCipheriv('des-ede-cbc', concatBytes(key, key), new Uint8Array(8))
      : createCipheriv('sm4-cbc', key, new Uint8Array(16));
  c.setAutoPadding(false);
  const ct = Buffer.concat([c.update(pad2(data, bl)), c.final()]);
  return new Uint8Array(ct.subarray(ct.length - bl, ct.length - bl + 4));
}

const not = (b: Uint8Array): Uint8Array => b.map((x) => ~x & 0xff);

/** DOMAIN.md §3: f = serial[2..10]; 3DES(MK, f) ‖ 3DES(MK, ~f), or SM4(MK, f ‖ ~f). */
function oracleDiversify(alg: PurseAlg, mk: Uint8Array, serial: Uint8Array): Uint8Array {
  const f = serial.subarray(2);
  return alg === '3des'
    ? concatBytes(nodeEcb('des-ede', mk, f), nodeEcb('des-ede', mk, not(f)))
    : nodeEcb('sm4-ecb', mk, concatBytes(f, not(f)));
}

// ---- vectors -----------------------------------------------------------------------------------

interface PurseVector {
  id: string;
  source: string;
  cardLoadKey?: string;
  cardPurchaseKey?: string;
  input?: string;
  inputFields?: string;
  sessionKey?: string;
  data?: string;
  macInputFields?: string;
  expected: { sessionKey?: string; mac?: string };
}

const FILE = JSON.parse(readFileSync(new URL('../../vectors/purse/purse-3des.json', import.meta.url), 'utf8')) as {
  vectors?: PurseVector[];
};
const VECTORS = FILE.vectors ?? [];
const byId = (id: string): PurseVector => {
  const v = VECTORS.find((x) => x.id === id);
  if (!v) throw new Error(`vectors/purse/purse-3des.json has no vector "${id}"`);
  return v;
};

/** `balance(4)=00000000 amount(4)=00001000 …` → { balance: '00000000', … }, lengths checked. */
function parseFields(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.trim().split(/\s+/)) {
    const m = /^(\w+)\((\d+)\)=([0-9a-f]+)$/.exec(part);
    if (!m) throw new Error(`unparsed field "${part}" in "${s}"`);
    if (m[3].length !== 2 * Number(m[2])) throw new Error(`field ${m[1]} is not ${m[2]} bytes: ${m[3]}`);
    out[m[1]] = m[3];
  }
  return out;
}

/** Rebuilds a MAC input from its named fields with the builder the vector id names. */
function rebuildMacInput(id: string, fieldsText: string): Uint8Array {
  const f = parseFields(fieldsText);
  const num = (k: string): number => parseInt(f[k], 16);
  const common = { amountFen: num('amount'), type: num('type'), terminalId: h(f.terminalId) };
  switch (id) {
    case 'load-mac1':
      return loadMac1Input({ balanceFen: num('balance'), ...common });
    case 'load-mac2':
      return loadMac2Input({ ...common, date: h(f.date), time: h(f.time) });
    case 'purchase-mac1':
      return purchaseMac1Input({ ...common, date: h(f.date), time: h(f.time) });
    default:
      throw new Error(`vector ${id}: no MAC-input builder known for this id`);
  }
}

describe('vectors/purse/purse-3des.json', () => {
  it('has session-key and MAC vectors', () => {
    expect(VECTORS.length).toBeGreaterThan(0);
    expect(VECTORS.filter((v) => v.expected?.sessionKey !== undefined).length).toBeGreaterThanOrEqual(2);
    expect(VECTORS.filter((v) => v.expected?.mac !== undefined).length).toBeGreaterThanOrEqual(3);
  });

  it.each(VECTORS.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    if (v.input !== undefined && v.expected.sessionKey !== undefined && (v.cardLoadKey ?? v.cardPurchaseKey) !== undefined) {
      const input = h(v.input);
      const random = input.subarray(0, 4);
      const counter = input.subarray(4, 6);
      const counterNum = (counter[0] << 8) | counter[1];
      if (v.cardLoadKey !== undefined) {
        expect(hex(input.subarray(6)), 'load session input ends in 8000').toBe('8000');
        expect(hex(loadSessionKeyInput(random, counter))).toBe(v.input);
        expect(hex(loadSessionKeyInput(random, counterNum))).toBe(v.input);
        expect(hex(loadSessionKey('3des', h(v.cardLoadKey), random, counter))).toBe(v.expected.sessionKey);
        expect(hex(loadSessionKey('3des', h(v.cardLoadKey), random, counterNum))).toBe(v.expected.sessionKey);
      } else {
        const seq = concatBytes(h('0000'), input.subarray(6));
        expect(hex(purchaseSessionKeyInput(random, counter, seq))).toBe(v.input);
        expect(hex(purchaseSessionKeyInput(random, counterNum, (seq[2] << 8) | seq[3]))).toBe(v.input);
        // Only the low two bytes of the terminal seq enter the key.
        expect(hex(purchaseSessionKeyInput(random, counter, h(`abcd${hex(input.subarray(6))}`)))).toBe(v.input);
        expect(hex(purchaseSessionKey('3des', h(v.cardPurchaseKey!), random, counter, seq))).toBe(v.expected.sessionKey);
      }
      // The formula itself, against OpenSSL.
      expect(hex(nodeEcb('des-ede', h((v.cardLoadKey ?? v.cardPurchaseKey)!), input))).toBe(v.expected.sessionKey);
    } else if (v.sessionKey !== undefined && v.data !== undefined && v.expected.mac !== undefined) {
      expect(hex(purseMac('3des', h(v.sessionKey), h(v.data)))).toBe(v.expected.mac);
      expect(hex(nodeMac4('3des', h(v.sessionKey), h(v.data)))).toBe(v.expected.mac);
      if (v.macInputFields === undefined) throw new Error(`vector ${v.id}: MAC vector without macInputFields`);
      expect(hex(rebuildMacInput(v.id, v.macInputFields))).toBe(v.data);
    } else {
      throw new Error(`vector ${v.id}: unknown shape ${JSON.stringify(Object.keys(v))}`);
    }
  });

  it('end to end: computeLoadMac1 / computeLoadMac2 / computePurchaseMac1 from the card keys', () => {
    const lsk = byId('load-session-key');
    const lin = h(lsk.input!);
    const loadSession = { random: lin.subarray(0, 4), onlineCounter: lin.subarray(4, 6) };
    const m1 = byId('load-mac1');
    const m2 = byId('load-mac2');
    expect(m1.sessionKey).toBe(lsk.expected.sessionKey);
    expect(m2.sessionKey).toBe(lsk.expected.sessionKey);
    const f1 = parseFields(m1.macInputFields!);
    const f2 = parseFields(m2.macInputFields!);
    const mac1 = computeLoadMac1('3des', h(lsk.cardLoadKey!), loadSession, {
      balanceFen: parseInt(f1.balance, 16),
      amountFen: parseInt(f1.amount, 16),
      type: parseInt(f1.type, 16),
      terminalId: h(f1.terminalId),
    });
    expect(hex(mac1)).toBe(m1.expected.mac);
    const loadFields = {
      amountFen: parseInt(f2.amount, 16),
      type: parseInt(f2.type, 16),
      terminalId: h(f2.terminalId),
      date: h(f2.date),
      time: h(f2.time),
    };
    expect(hex(computeLoadMac2('3des', h(lsk.cardLoadKey!), loadSession, loadFields))).toBe(m2.expected.mac);
    expect(verifyLoadMac2('3des', h(lsk.cardLoadKey!), loadSession, loadFields, h(m2.expected.mac!))).toBe(true);
    expect(verifyLoadMac2('3des', h(lsk.cardLoadKey!), loadSession, loadFields, h('00000000'))).toBe(false);

    const psk = byId('purchase-session-key');
    const pin = h(psk.input!);
    const purchaseSession = { random: pin.subarray(0, 4), offlineCounter: pin.subarray(4, 6), terminalSeq: (pin[6] << 8) | pin[7] };
    const pm1 = byId('purchase-mac1');
    expect(pm1.sessionKey).toBe(psk.expected.sessionKey);
    const pf = parseFields(pm1.macInputFields!);
    const purchaseFields = {
      amountFen: parseInt(pf.amount, 16),
      type: parseInt(pf.type, 16),
      terminalId: h(pf.terminalId),
      date: h(pf.date),
      time: h(pf.time),
    };
    expect(hex(computePurchaseMac1('3des', h(psk.cardPurchaseKey!), purchaseSession, purchaseFields))).toBe(pm1.expected.mac);
    expect(verifyPurchaseMac1('3des', h(psk.cardPurchaseKey!), purchaseSession, purchaseFields, h(pm1.expected.mac!))).toBe(true);
  });
});

// ---- formulas against node:crypto --------------------------------------------------------------

const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const bytesN = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
const RUNS = { numRuns: 200 };

describe.each(ALGS)('%s profile, recomputed with node:crypto', (alg) => {
  const ecb = alg === '3des' ? 'des-ede' : 'sm4-ecb';

  it('diversifyKey: 3DES(MK, f) ‖ 3DES(MK, ~f) / SM4(MK, f ‖ ~f), f = serial[2..10]', () => {
    fc.assert(
      fc.property(key16, bytesN(10), (mk, serial) => {
        const want = oracleDiversify(alg, mk, serial);
        expect(hex(diversifyKey(alg, mk, serial))).toBe(hex(want));
        expect(hex(diversifyKey(alg, mk, serial.slice(2)))).toBe(hex(want));
      }),
      RUNS,
    );
  });

  it('session keys: ECB of the 8-byte input (SM4: ‖ 80 00…00)', () => {
    fc.assert(
      fc.property(key16, bytesN(4), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), (k, rnd, ctr, seq) => {
        const ctr2 = h(ctr.toString(16).padStart(4, '0'));
        const seq4 = h(seq.toString(16).padStart(8, '0'));
        const loadIn = concatBytes(rnd, ctr2, h('8000'));
        const buyIn = concatBytes(rnd, ctr2, seq4.subarray(2));
        const ext = (x: Uint8Array): Uint8Array => (alg === '3des' ? x : concatBytes(x, h('8000000000000000')));
        const sk = loadSessionKey(alg, k, rnd, ctr);
        expect(sk).toHaveLength(SESSION_KEY_LEN[alg]);
        expect(hex(sk)).toBe(hex(nodeEcb(ecb, k, ext(loadIn))));
        expect(hex(purchaseSessionKey(alg, k, rnd, ctr, seq))).toBe(hex(nodeEcb(ecb, k, ext(buyIn))));
        expect(hex(deriveSessionKey(alg, k, buyIn))).toBe(hex(nodeEcb(ecb, k, ext(buyIn))));
      }),
      RUNS,
    );
  });

  it('purseMac: CBC-MAC, ICV 0, padding method 2, first 4 bytes (all lengths 0..80)', () => {
    fc.assert(
      fc.property(bytesN(SESSION_KEY_LEN[alg]), fc.uint8Array({ maxLength: 80 }), (sk, data) => {
        expect(hex(purseMac(alg, sk, data))).toBe(hex(nodeMac4(alg, sk, data)));
      }),
      RUNS,
    );
  });

  it(`tac: ${alg === '3des' ? 'DES MAC under K[0..7] XOR K[8..15]' : 'SM4 MAC under K_TAC, no folding'}`, () => {
    fc.assert(
      fc.property(key16, fc.uint8Array({ maxLength: 40 }), (k, data) => {
        const before = hex(k);
        let key = k;
        if (alg === '3des') {
          key = new Uint8Array(8);
          for (let i = 0; i < 8; i++) key[i] = k[i] ^ k[i + 8];
        }
        expect(hex(tac(alg, k, data))).toBe(hex(nodeMac4(alg, key, data)));
        expect(hex(k), 'the caller key is not touched').toBe(before);
      }),
      RUNS,
    );
  });

  it('compute* = session key, then purseMac / tac over the builder output', () => {
    const fields = fc.record({
      amountFen: fc.integer({ min: 0, max: 0xffffffff }),
      balanceFen: fc.integer({ min: 0, max: 0xffffffff }),
      type: fc.constantFrom(TX_TYPE.EP_LOAD, TX_TYPE.EP_PURCHASE, TX_TYPE.CAPP_PURCHASE),
      terminalId: bytesN(6),
      terminalSeq: fc.integer({ min: 0, max: 0xffffffff }),
      date: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) =>
        dateTimeToBcd({
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
          second: d.getUTCSeconds(),
        }),
      ),
    });
    fc.assert(
      fc.property(key16, key16, key16, bytesN(4), fc.integer({ min: 0, max: 0xffff }), fields, (kl, kp, kt, random, ctr, f) => {
        const { date, time } = f.date;
        const load = { random, onlineCounter: ctr };
        const buy = { random, offlineCounter: ctr, terminalSeq: f.terminalSeq };
        const lsk = loadSessionKey(alg, kl, random, ctr);
        const psk = purchaseSessionKey(alg, kp, random, ctr, f.terminalSeq);
        const lf = { ...f, date, time };
        expect(hex(computeLoadMac1(alg, kl, load, lf))).toBe(hex(nodeMac4(alg, lsk, loadMac1Input(lf))));
        expect(hex(computeLoadMac2(alg, kl, load, lf))).toBe(hex(nodeMac4(alg, lsk, loadMac2Input(lf))));
        expect(hex(computeLoadTac(alg, kt, lf))).toBe(hex(tac(alg, kt, loadMac2Input(lf))));
        expect(hex(computePurchaseMac1(alg, kp, buy, lf))).toBe(hex(nodeMac4(alg, psk, purchaseMac1Input(lf))));
        expect(hex(computePurchaseMac2(alg, kp, buy, lf))).toBe(hex(nodeMac4(alg, psk, purchaseMac2Input(lf))));
        expect(hex(computePurchaseTac(alg, kt, lf))).toBe(hex(tac(alg, kt, purchaseTacInput(lf))));
      }),
      { numRuns: 50 },
    );
  });
});

// ---- fixed answers of the ssc3 profile ---------------------------------------------------------

describe('demo issuer keys [P]', () => {
  it('hold the DOMAIN.md values, frozen, each read a fresh copy', () => {
    expect(hex(DEMO_ISSUER_KEYS.purchase)).toBe('00112233445566778899aabbccddeeff');
    expect(hex(DEMO_ISSUER_KEYS.load)).toBe('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(hex(DEMO_ISSUER_KEYS.tac)).toBe('f0e1d2c3b4a5968778695a4b3c2d1e0f');
    expect([DEMO_ISSUER_KEYS.keyIndex, DEMO_ISSUER_KEYS.keyVersion]).toEqual([1, 1]);
    expect(Object.isFrozen(DEMO_ISSUER_KEYS)).toBe(true);
    DEMO_ISSUER_KEYS.purchase.fill(0);
    expect(hex(DEMO_ISSUER_KEYS.purchase)).toBe('00112233445566778899aabbccddeeff');
  });

  // The ssc3 profile's demo card keys for serial 0000 3104 1000 0000 0001: pinned, because a
  // change here would break every card already issued by the demo issuer.
  const PINNED: Record<PurseAlg, [string, string, string]> = {
    '3des': ['c78550525aebbb35b404570fe803e49e', '55cd01a74839e21e80d5a6718ca6ac8b', '7f2a598e73595374aa32fe58b7c61de1'],
    sm4: ['1275dd59a34c1926b7d6325e5f679e29', 'a2db3d287eeb49f8318c87e4ae9621c8', '98e424dcab352fb2a674a7daf9098008'],
  };

  it.each(ALGS)('diversifyCardKeys (%s) diversifies each master', (alg) => {
    const serial = h('0000 3104 1000 0000 0001');
    const keys = diversifyCardKeys(alg, DEMO_ISSUER_KEYS, serial);
    expect([hex(keys.purchase), hex(keys.load), hex(keys.tac)]).toEqual(PINNED[alg]);
    for (const k of ['purchase', 'load', 'tac'] as const) {
      expect(hex(keys[k])).toBe(hex(oracleDiversify(alg, DEMO_ISSUER_KEYS[k], serial)));
    }
  });
});

describe('algorithm ids', () => {
  it('00 / 04 written; 00, 01 and 04 read', () => {
    expect([algId('3des'), algId('sm4')]).toEqual([0x00, 0x04]);
    expect([algFromId(0x00), algFromId(0x01), algFromId(0x04)]).toEqual(['3des', '3des', 'sm4']);
    expect(() => algFromId(0x02)).toThrow(new RangeError('"algId" expected 00 or 01 (3DES) or 04 (SM4), got 02'));
    expect(() => algFromId(0x100)).toThrow(new RangeError('"algId" expected integer in [0, 255], got 256'));
    expect(() => algId('des' as PurseAlg)).toThrow(new RangeError(`"alg" expected one of '3des', 'sm4', got string "des"`));
  });
});

// ---- the real transcript of DOMAIN.md §3 (layout only: its keys are not public) ---------------

describe('real transcript layout (8050 03 / 8054)', () => {
  const initCmd = h('805003020B 01 000000C8 200041599997');
  const initRsp = h('000162AF 0036 000320 01 00 84176AD7 9000');
  const debitCmd = h('805401000F 00000057 20180313 164329 66CBC863');
  const debitRsp = h('C630C2C8 ABCC913B 9000');

  it('splits into the documented fields', () => {
    expect(initCmd.subarray(0, 5)).toEqual(h('805003020b'));
    const data = initCmd.subarray(5);
    expect(data).toHaveLength(0x0b);
    const [keyIndex, amount, terminalId] = [data[0], data.subarray(1, 5), data.subarray(5, 11)];
    expect(keyIndex).toBe(1);
    const amountFen = new DataView(amount.buffer, amount.byteOffset, 4).getUint32(0);
    expect(amountFen).toBe(200);

    expect(initRsp).toHaveLength(15 + 2);
    const dv = new DataView(initRsp.buffer, initRsp.byteOffset);
    const balanceFen = dv.getUint32(0);
    const offlineCounter = initRsp.subarray(4, 6);
    const overdraftFen = (initRsp[6] << 16) | (initRsp[7] << 8) | initRsp[8];
    const [keyVersion, alg, random] = [initRsp[9], initRsp[10], initRsp.subarray(11, 15)];
    expect(balanceFen).toBe(90799);
    expect(hex(offlineCounter)).toBe('0036');
    expect(overdraftFen).toBe(0x320);
    expect(keyVersion).toBe(1);
    expect(algFromId(alg)).toBe('3des');
    expect(hex(random)).toBe('84176ad7');
    expect(hex(initRsp.subarray(15))).toBe('9000');

    const d = debitCmd.subarray(5);
    expect(d).toHaveLength(0x0f);
    const [terminalSeq, date, time, mac1] = [d.subarray(0, 4), d.subarray(4, 8), d.subarray(8, 11), d.subarray(11, 15)];
    expect(parseBcdDate(date)).toEqual({ year: 2018, month: 3, day: 13 });
    expect(parseBcdTime(time)).toEqual({ hour: 16, minute: 43, second: 29 });
    expect(hex(dateTimeToBcd({ year: 2018, month: 3, day: 13, hour: 16, minute: 43, second: 29 }).date)).toBe('20180313');
    expect(mac1).toHaveLength(4);
    expect(debitRsp.subarray(0, 8)).toHaveLength(8); // TAC 4 ‖ MAC2 4

    // P1 = 03: compound (CAPP) purchase, type 09.
    const type = initCmd[2] === 0x03 ? TX_TYPE.CAPP_PURCHASE : TX_TYPE.EP_PURCHASE;
    expect(hex(purchaseSessionKeyInput(random, offlineCounter, terminalSeq))).toBe('84176ad700360057');
    expect(hex(purchaseSessionKeyInput(random, 0x36, 0x57))).toBe('84176ad700360057');
    expect(hex(purchaseMac1Input({ amountFen, type, terminalId, date, time }))).toBe('000000c8' + '09' + '200041599997' + '20180313' + '164329');
    expect(hex(purchaseMac2Input({ amountFen }))).toBe('000000c8');
    expect(hex(purchaseTacInput({ amountFen, type, terminalId, terminalSeq, date, time }))).toBe(
      '000000c8' + '09' + '200041599997' + '00000057' + '20180313' + '164329',
    );
  });
});

// ---- builders, BCD -----------------------------------------------------------------------------

describe('input builders and BCD', () => {
  const terminalId = h('001122334455');
  const date = bcdDate(2024, 2, 29);
  const time = bcdTime(0, 0, 59);

  it('lay out fields big-endian', () => {
    expect(hex(loadMac1Input({ balanceFen: 0xffffffff, amountFen: 1, type: 2, terminalId }))).toBe('ffffffff0000000102001122334455');
    expect(hex(loadMac2Input({ amountFen: 0x01020304, type: 2, terminalId, date, time }))).toBe('010203040200112233445520240229000059');
    expect(hex(loadTacInput({ amountFen: 0x01020304, type: 2, terminalId, date, time }))).toBe('010203040200112233445520240229000059');
    expect(hex(purchaseTacInput({ amountFen: 0, type: 6, terminalId, terminalSeq: 0xfffffffe, date, time }))).toBe(
      '0000000006001122334455fffffffe20240229000059',
    );
    expect(hex(loadSessionKeyInput(h('01020304'), 0xabcd))).toBe('01020304abcd8000');
  });

  it('BCD dates and times', () => {
    expect(hex(bcdDate(2018, 3, 13))).toBe('20180313');
    expect(hex(bcdDate(2000, 2, 29))).toBe('20000229');
    expect(hex(bcdDate(1, 1, 1))).toBe('00010101');
    expect(hex(bcdTime(23, 59, 59))).toBe('235959');
    expect(dateTimeToBcd({ year: 2099, month: 12, day: 31, hour: 9, minute: 5, second: 7 })).toEqual({ date: h('20991231'), time: h('090507') });
    expect(parseBcdDate(h('19991231'))).toEqual({ year: 1999, month: 12, day: 31 });
    expect(() => bcdDate(1900, 2, 29)).toThrow(new RangeError('"date" expected a valid date, got 1900-2-29 (day 29)'));
    expect(() => bcdDate(2023, 4, 31)).toThrow(new RangeError('"date" expected a valid date, got 2023-4-31 (day 31)'));
    expect(() => bcdDate(10000, 1, 1)).toThrow(new RangeError('"year" expected integer in [1, 9999], got 10000'));
    expect(() => bcdTime(24, 0, 0)).toThrow(new RangeError('"hour" expected integer in [0, 23], got 24'));
    expect(() => bcdTime(0, 60, 0)).toThrow(new RangeError('"minute" expected integer in [0, 59], got 60'));
    expect(() => bcdTime(0, 0, 1.5)).toThrow(new TypeError('"second" expected integer, got number 1.5'));
    expect(() => dateTimeToBcd(null as unknown as never)).toThrow(new TypeError('"dateTime" expected an object, got null'));
    expect(() => parseBcdDate(h('00000101'))).toThrow(new RangeError('"date" expected a valid date, got 00000101 (year 0)'));
    expect(() => parseBcdTime(h('12345a'), 'exitTime')).toThrow(new RangeError('"exitTime" expected BCD hhmmss, got 12345a (not BCD)'));
    expect(() => parseBcdTime(h('126000'))).toThrow(new RangeError('"time" expected a valid time, got 126000 (minute 60)'));
    expect(() => parseBcdTime(h('120060'))).toThrow(new RangeError('"time" expected a valid time, got 120060 (second 60)'));
  });

  it('macMatches compares 4-byte MACs', () => {
    expect(macMatches(h('01020304'), h('01020304'))).toBe(true);
    expect(macMatches(h('01020304'), h('01020305'))).toBe(false);
    expect(() => macMatches(h('010203'), h('01020304'))).toThrow(new RangeError('"received" expected Uint8Array of length 4, got length=3'));
  });
});

// ---- bad inputs --------------------------------------------------------------------------------

describe('bad inputs: error class and the field named', () => {
  const k16 = new Uint8Array(16);
  const k8 = new Uint8Array(8);
  const rnd = new Uint8Array(4);
  const serial = new Uint8Array(10);
  const terminalId = new Uint8Array(6);
  const date = h('20180313');
  const time = h('164329');
  const ok = { amountFen: 1, type: 6, terminalId, date, time };
  const load1 = { balanceFen: 0, amountFen: 0, type: 2, terminalId };
  const buy = { random: rnd, offlineCounter: 0, terminalSeq: 0 };
  /** A deliberately ill-typed argument. */
  const bad = <T>(v: unknown): T => v as T;
  const len = (name: string, want: string, got: number): string => `"${name}" expected Uint8Array of length ${want}, got length=${got}`;
  const U32 = '[0, 4294967295]';
  const R = RangeError;
  const T = TypeError;

  // [name, call, error class, exact message]
  const CASES: [string, () => unknown, typeof RangeError | typeof TypeError, string][] = [
    ['unknown alg', () => diversifyKey(bad('aes'), k16, serial), R, `"alg" expected one of '3des', 'sm4', got string "aes"`],
    ['master key of 15 bytes', () => diversifyKey('3des', new Uint8Array(15), serial), R, len('masterKey', '16', 15)],
    ['master key as hex', () => diversifyKey('sm4', bad('00'), serial), T, '"masterKey" expected Uint8Array, got string "00"'],
    ['app serial of 9 bytes', () => diversifyKey('sm4', k16, new Uint8Array(9)), R, len('appSerial', 'one of 10, 8', 9)],
    ['card load key of 8 bytes', () => loadSessionKey('3des', k8, rnd, 0), R, len('cardLoadKey', '16', 8)],
    ['card purchase key of 24 bytes', () => purchaseSessionKey('sm4', new Uint8Array(24), rnd, 0, 0), R, len('cardPurchaseKey', '16', 24)],
    ['random of 3 bytes', () => loadSessionKey('3des', k16, new Uint8Array(3), 0), R, len('random', '4', 3)],
    ['online counter 65536', () => loadSessionKey('sm4', k16, rnd, 0x10000), R, '"onlineCounter" expected integer in [0, 65535], got 65536'],
    ['offline counter of 4 bytes', () => purchaseSessionKey('3des', k16, rnd, new Uint8Array(4), 0), R, len('offlineCounter', '2', 4)],
    ['terminal seq -1', () => purchaseSessionKey('3des', k16, rnd, 0, -1), R, `"terminalSeq" expected integer in ${U32}, got -1`],
    [
      'terminal seq as string',
      () => purchaseSessionKey('3des', k16, rnd, 0, bad('1')),
      T,
      '"terminalSeq" expected integer or Uint8Array of length 4, got string',
    ],
    ['session input of 7 bytes', () => deriveSessionKey('3des', k16, new Uint8Array(7)), R, len('input', '8', 7)],
    ['3DES session key of 16 bytes', () => purseMac('3des', k16, rnd), R, len('sessionKey', '8', 16)],
    ['SM4 session key of 8 bytes', () => purseMac('sm4', k8, rnd), R, len('sessionKey', '16', 8)],
    ['MAC data as hex', () => purseMac('3des', k8, bad('00')), T, '"data" expected Uint8Array, got string "00"'],
    ['TAC key of 8 bytes', () => tac('3des', k8, rnd), R, len('cardTacKey', '16', 8)],
    ['TAC key of 8 bytes (compute)', () => computePurchaseTac('sm4', k8, { ...ok, terminalSeq: 1 }), R, len('cardTacKey', '16', 8)],
    ['negative amount', () => loadMac1Input({ ...load1, amountFen: -1 }), R, `"amountFen" expected integer in ${U32}, got -1`],
    ['float amount', () => purchaseMac1Input({ ...ok, amountFen: 1.5 }), T, '"amountFen" expected integer, got number 1.5'],
    ['amount of 2^32', () => purchaseMac2Input({ amountFen: 2 ** 32 }), R, `"amountFen" expected integer in ${U32}, got 4294967296`],
    ['amount as string', () => purchaseMac2Input({ amountFen: bad('100') }), T, '"amountFen" expected integer, got string "100"'],
    ['amount as bigint', () => loadMac2Input({ ...ok, amountFen: bad(100n) }), T, '"amountFen" expected integer, got bigint 100'],
    ['balance NaN', () => loadMac1Input({ ...load1, balanceFen: NaN }), T, '"balanceFen" expected integer, got number NaN'],
    ['unsafe balance', () => loadMac1Input({ ...load1, balanceFen: 2 ** 53 }), T, '"balanceFen" expected integer, got number 9007199254740992'],
    ['type 256', () => purchaseMac1Input({ ...ok, type: 256 }), R, '"type" expected integer in [0, 255], got 256'],
    ['terminal id of 5 bytes', () => purchaseMac1Input({ ...ok, terminalId: new Uint8Array(5) }), R, len('terminalId', '6', 5)],
    ['date not BCD', () => loadMac2Input({ ...ok, date: h('20181a13') }), R, '"date" expected BCD YYYYMMDD, got 20181a13 (not BCD)'],
    ['date month 13', () => purchaseMac1Input({ ...ok, date: h('20181313') }), R, '"date" expected a valid date, got 20181313 (month 13)'],
    [
      'date 2023-02-29',
      () => purchaseTacInput({ ...ok, terminalSeq: 0, date: h('20230229') }),
      R,
      '"date" expected a valid date, got 20230229 (day 29)',
    ],
    ['date missing', () => purchaseMac1Input({ ...ok, date: bad(undefined) }), T, '"date" expected Uint8Array, got undefined undefined'],
    ['time hour 24', () => loadTacInput({ ...ok, time: h('246000') }), R, '"time" expected a valid time, got 246000 (hour 24)'],
    ['time of 4 bytes', () => purchaseMac1Input({ ...ok, time: h('16432900') }), R, len('time', '3', 4)],
    ['terminal seq of 2 bytes (TAC)', () => purchaseTacInput({ ...ok, terminalSeq: h('0057') }), R, len('terminalSeq', '4', 2)],
    ['fields null', () => purchaseMac1Input(bad(null)), T, '"fields" expected an object, got null'],
    ['session missing', () => computePurchaseMac1('3des', k16, bad(undefined), ok), T, '"session" expected an object, got undefined'],
    [
      'session random of 5 bytes',
      () => computeLoadMac1('sm4', k16, { random: new Uint8Array(5), onlineCounter: 0 }, load1),
      R,
      len('random', '4', 5),
    ],
    ['mac1 of 3 bytes', () => verifyPurchaseMac1('3des', k16, buy, ok, new Uint8Array(3)), R, len('mac1', '4', 3)],
    [
      'masters.tac of 8 bytes',
      () => diversifyCardKeys('3des', { purchase: k16, load: k16, tac: k8 }, serial),
      R,
      len('masters.tac', '16', 8),
    ],
  ];

  it.each(CASES)('%s', (_name, run, cls, message) => {
    let err: unknown;
    try {
      run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(cls);
    expect((err as Error).constructor).toBe(cls);
    expect((err as Error).message).toBe(message);
  });
});

// ---- speed -------------------------------------------------------------------------------------

describe('speed', () => {
  // Eight purse computations run per transit tap; this guards against a gross regression only
  // (measured 2–4 µs per call; the bound leaves ~50× for slow shared CI machines).
  it.each(ALGS)('%s purchase MAC1 (session key + MAC) stays well under 200 µs per call', (alg) => {
    const key = DEMO_ISSUER_KEYS.purchase;
    const session = { random: h('84176ad7'), offlineCounter: 0x36, terminalSeq: 0x57 };
    const fields = { amountFen: 200, type: TX_TYPE.CAPP_PURCHASE, terminalId: h('200041599997'), date: h('20180313'), time: h('164329') };
    for (let i = 0; i < 2000; i++) computePurchaseMac1(alg, key, session, fields);
    const n = 5000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) computePurchaseMac1(alg, key, session, fields);
    const usPerCall = ((performance.now() - t0) * 1000) / n;
    expect(usPerCall).toBeLessThan(200);
  });
});
