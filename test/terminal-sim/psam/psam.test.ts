// Tests for terminal-sim/psam: the PSAM as a card on the engine runtime — terminal id, INIT SAM
// FOR PURCHASE (MAC1 recomputed independently with the diversified purchase key, both profiles;
// the terminal sequence number incremented and persisted across a card-image round trip),
// CREDIT SAM FOR PURCHASE (good MAC2, 9302 on a bad one, 6985 without 8070), the parameter
// checks, and that no APDU ever carries a key.
import { describe, expect, it } from 'vitest';
import { purseCrypto } from '../../../engine/index.js';
import { bytesToHex, concatBytes, hexToBytes } from '../../../crypto/utils.js';
import {
  creditSamForPurchase,
  initSamData,
  initSamForPurchase,
  issuePsam,
  psamFromImage,
  readPsamTerminalId,
  selectPsamApplication,
  type InitSamForPurchaseRequest,
} from '../../../terminal-sim/psam/index.js';
import {
  ConditionsNotSatisfiedError,
  exchange,
  KeyOrRecordNotFoundError,
  MacInvalidError,
  MemoryReader,
  type ApduTraceEvent,
} from '../../../terminal-sim/reader/index.js';
import { bcdDateTime } from '../../../terminal-sim/transit/index.js';
import { ALGS, DEMO, T0 } from '../support/cards.js';

const SERIAL = hexToBytes('10005306695436644527');
const TERMINAL_ID = '100000000101';

function request(alg: (typeof ALGS)[number], over: Partial<InitSamForPurchaseRequest> = {}): InitSamForPurchaseRequest {
  const { date, time } = bcdDateTime(T0);
  return {
    random: hexToBytes('789c778b'),
    offlineCounter: 7,
    amountFen: 300,
    type: 0x09,
    date,
    time,
    keyVersion: 1,
    algId: purseCrypto.algId(alg),
    appSerial: SERIAL,
    issuerId: hexToBytes('1000100000000000'),
    ...over,
  };
}

async function openPsam(card = issuePsam({ terminalId: TERMINAL_ID }), trace?: (e: ApduTraceEvent) => void) {
  const r = new MemoryReader('sam', { card, trace });
  await r.connect();
  const id = await readPsamTerminalId(r);
  await selectPsamApplication(r);
  return { r, id, card };
}

describe.each(ALGS)('PSAM, %s', (alg) => {
  it('reports its terminal id and computes MAC1 with the diversified purchase key', async () => {
    const { r, id } = await openPsam();
    expect(bytesToHex(id)).toBe(TERMINAL_ID);
    const req = request(alg);
    const res = await initSamForPurchase(r, req);
    expect(res.terminalSeq).toBe(1);
    expect(bytesToHex(res.terminalSeqBytes)).toBe('00000001');
    const cardKey = purseCrypto.diversifyKey(alg, DEMO.purchase, SERIAL);
    const session = { random: req.random, offlineCounter: 7, terminalSeq: 1 };
    const mac1 = purseCrypto.computePurchaseMac1(alg, cardKey, session, { amountFen: 300, type: 9, terminalId: id, date: req.date, time: req.time });
    expect(bytesToHex(res.mac1)).toBe(bytesToHex(mac1));
    // CREDIT SAM FOR PURCHASE accepts the card's MAC2 …
    const mac2 = purseCrypto.computePurchaseMac2(alg, cardKey, session, { amountFen: 300 });
    await creditSamForPurchase(r, mac2);
    // … once: the session is gone.
    await expect(creditSamForPurchase(r, mac2)).rejects.toBeInstanceOf(ConditionsNotSatisfiedError);
  });

  it('answers 9302 to a bad MAC2 and 6985 to 8072 without 8070', async () => {
    const { r } = await openPsam();
    const e1 = await creditSamForPurchase(r, Uint8Array.of(1, 2, 3, 4)).catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(ConditionsNotSatisfiedError);
    expect(e1).toMatchObject({ sw: 0x6985, command: 'CREDIT SAM FOR PURCHASE' });
    await initSamForPurchase(r, request(alg));
    const e2 = await creditSamForPurchase(r, Uint8Array.of(1, 2, 3, 4)).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(MacInvalidError);
    expect(e2).toMatchObject({ sw: 0x9302, command: 'CREDIT SAM FOR PURCHASE' });
    // Any other command between 8070 and 8072 ends the session.
    await initSamForPurchase(r, request(alg));
    expect((await exchange(r, Uint8Array.of(0x00, 0x84, 0x00, 0x00, 0x04))).sw).toBe(0x9000); // GET CHALLENGE
    await expect(creditSamForPurchase(r, Uint8Array.of(1, 2, 3, 4))).rejects.toMatchObject({ sw: 0x6985 });
  });

  it('increments the terminal sequence number and keeps it across a reload of its image', async () => {
    const { r, card } = await openPsam();
    expect((await initSamForPurchase(r, request(alg))).terminalSeq).toBe(1);
    expect((await initSamForPurchase(r, request(alg))).terminalSeq).toBe(2);
    await r.disconnect();
    const again = await openPsam(psamFromImage(card.toJSON()));
    expect((await initSamForPurchase(again.r, request(alg))).terminalSeq).toBe(3);
  });

  it('refuses an unknown key version (9403) and malformed data (6A80)', async () => {
    const { r } = await openPsam();
    await expect(initSamForPurchase(r, request(alg, { keyVersion: 2 }))).rejects.toBeInstanceOf(KeyOrRecordNotFoundError);
    await expect(initSamForPurchase(r, request(alg, { algId: 0x02 }))).rejects.toMatchObject({ sw: 0x6a80 });
    await expect(initSamForPurchase(r, request(alg, { type: 0x02 }))).rejects.toMatchObject({ sw: 0x6a80 });
    await expect(initSamForPurchase(r, request(alg, { date: hexToBytes('20261301') }))).rejects.toMatchObject({ sw: 0x6a80 });
    const data = initSamData(request(alg));
    data[35] = 0x00;
    const raw = await exchange(r, concatBytes(Uint8Array.of(0x80, 0x70, 0x00, 0x00, 0x24), data));
    expect(raw.sw).toBe(0x6a80);
    const short = await exchange(r, concatBytes(Uint8Array.of(0x80, 0x70, 0x00, 0x00, 0x23), data.subarray(0, 35)));
    expect(short.sw).toBe(0x6700);
  });
});

describe('PSAM', () => {
  it('reads alg id 01 as 3DES (DOMAIN.md §3)', async () => {
    const { r } = await openPsam();
    const a = await initSamForPurchase(r, request('3des', { algId: 0x00 }));
    const { r: r2 } = await openPsam();
    const b = await initSamForPurchase(r2, request('3des', { algId: 0x01 }));
    expect(bytesToHex(b.mac1)).toBe(bytesToHex(a.mac1));
  });

  it('never puts a key on the wire', async () => {
    const seen: string[] = [];
    const { r } = await openPsam(undefined, (e) => {
      if (e.kind === 'apdu') seen.push(e.command, e.response ?? '');
    });
    for (const alg of ALGS) await initSamForPurchase(r, request(alg));
    await exchange(r, Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x00));
    const wire = seen.join(' ');
    const keys = [DEMO.purchase, DEMO.load, DEMO.tac, ...ALGS.map((a) => purseCrypto.diversifyKey(a, DEMO.purchase, SERIAL))];
    for (const k of keys) {
      expect(wire).not.toContain(bytesToHex(k));
      expect(wire).not.toContain(bytesToHex(k.subarray(0, 8)));
    }
    // T=0: every data-returning command came back through GET RESPONSE.
    expect(seen.filter((s) => s.startsWith('00c00000')).length).toBeGreaterThan(0);
  });

  it('checks its personalisation options', () => {
    expect(() => issuePsam({ terminalId: '12345' })).toThrow(new RangeError('"terminalId" expected 12 hex digits, got "12345"'));
    expect(() => issuePsam({ terminalId: '100000000101', issuerKeys: { purchase: new Uint8Array(8), keyVersion: 1 } })).toThrow(RangeError);
  });
});
