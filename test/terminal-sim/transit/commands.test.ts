// Tests for the typed transit commands (terminal-sim/transit): each command against a card of
// both algorithm profiles, its parsed response, and each expected status word mapped to its
// typed error carrying .sw and .command. Purchases get MAC1 from a real PSAM; TACs are checked
// with the issuer's TAC key.
import { describe, expect, it } from 'vitest';
import { issueCard, purseCrypto, TRANSIT_AID } from '../../../engine/index.js';
import { bytesToHex, hexToBytes } from '../../../crypto/utils.js';
import { expectedTac, IssuerHost } from '../../../terminal-sim/issuer/index.js';
import { issuePsam, PsamClient } from '../../../terminal-sim/psam/index.js';
import {
  ApplicationBlockedError,
  CardCommandError,
  CommandNotSupportedError,
  ConditionsNotSatisfiedError,
  InsufficientBalanceError,
  KeyOrRecordNotFoundError,
  MacInvalidError,
  MemoryReader,
  RecordNotFoundError,
  WrongParametersError,
} from '../../../terminal-sim/reader/index.js';
import {
  bcdDateTime,
  creditForLoad,
  debitForPurchase,
  encodeTransitRecord,
  encodeTravelRecord,
  emptyTransitRecord,
  getBalance,
  getTransactionProve,
  initializeForCappPurchase,
  initializeForLoad,
  initializeForPurchase,
  readHolderInfo,
  readInteropInfo,
  readIssuerInfo,
  readTransactionLog,
  readTransitRecord,
  readTravelRecord,
  selectTransitApplication,
  updateCappDataCache,
} from '../../../terminal-sim/transit/index.js';
import { ALGS, DEMO, newCard, selectedReader, T0, type Alg } from '../support/cards.js';

const TERMINAL = hexToBytes('100000000101');

async function psamFor(): Promise<PsamClient> {
  return new PsamClient(new MemoryReader('sam', { card: issuePsam({ terminalId: '100000000101' }) }));
}

async function expectCardError(p: Promise<unknown>, cls: new (...a: never[]) => CardCommandError, sw: number, command: string | RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(cls);
  expect((e as CardCommandError).sw).toBe(sw);
  if (typeof command === 'string') expect((e as CardCommandError).command).toBe(command);
  else expect((e as CardCommandError).command).toMatch(command);
}

/** A purchase of `amountFen` through the commands; returns what a journal needs. */
async function purchase(r: MemoryReader, alg: Alg, amountFen: number, capp: boolean, cache?: () => Promise<void>) {
  const psam = await psamFor();
  const issuer = await readIssuerInfo(r);
  const init = await (capp ? initializeForCappPurchase : initializeForPurchase)(r, { keyIndex: 1, amountFen, terminalId: TERMINAL });
  expect(init.alg).toBe(alg);
  expect(init.algId).toBe(alg === '3des' ? 0x00 : 0x04);
  expect(init.keyVersion).toBe(1);
  const { date, time } = bcdDateTime(T0);
  const type = capp ? 0x09 : 0x06;
  const sam = await psam.initForPurchase({
    random: init.random,
    offlineCounter: init.offlineCounter,
    amountFen,
    type,
    date,
    time,
    keyVersion: init.keyVersion,
    algId: init.algId,
    appSerial: hexToBytes(issuer.appSerial),
    issuerId: hexToBytes(issuer.issuerId),
  });
  await cache?.();
  const debit = await debitForPurchase(r, { terminalSeq: sam.terminalSeqBytes, date, time, mac1: sam.mac1 });
  await psam.creditForPurchase(debit.mac2);
  return { init, sam, debit, issuer, type };
}

describe.each(ALGS)('transit commands, %s', (alg) => {
  it('SELECT returns the AID and EF 0015; READ 0015/0016/0017 parse the files', async () => {
    const card = issueCard({ algorithm: alg, seed: 9, holder: { name: '张三', idNumber: '110101199001011234', idType: 0 }, issuedAt: T0 });
    const r = new MemoryReader('r', { card });
    await r.connect();
    const sel = await selectTransitApplication(r);
    expect(sel.aid).toBe(TRANSIT_AID);
    expect(sel.issuer).toEqual({
      issuerId: '1000100000000000',
      appType: 1,
      appVersion: 1,
      appSerial: card.info.serial,
      startDate: '20260302',
      expiryDate: '20360302',
      cardType: 1,
      depositYuan: 0,
    });
    expect(await readIssuerInfo(r)).toEqual(sel.issuer);
    expect(await readHolderInfo(r)).toEqual({ idFlag: 1, name: '张三', idNumber: '110101199001011234', idType: 0 });
    expect(await readInteropInfo(r)).toEqual({ intlCode: '01560000', province: '1100', city: '1000', interopType: 1, cardType: 1 });
  });

  it('GET BALANCE, INITIALIZE FOR LOAD and CREDIT FOR LOAD with the host\'s MAC2', async () => {
    const card = newCard(alg, { balanceFen: 1234 });
    const r = await selectedReader(card);
    expect(await getBalance(r)).toBe(1234);
    const init = await initializeForLoad(r, { keyIndex: 1, amountFen: 2000, terminalId: TERMINAL });
    expect(init).toMatchObject({ balanceFen: 1234, onlineCounter: 0, keyVersion: 1, algId: alg === '3des' ? 0 : 4, alg });
    expect(init.random.length).toBe(4);
    expect(init.mac1.length).toBe(4);
    const { date, time } = bcdDateTime(T0);
    const serial = String(card.info.serial);
    const auth = await new IssuerHost().authorizeLoad({ appSerial: serial, keyIndex: 1, keyVersion: 1, algId: init.algId, balanceFen: 1234, onlineCounter: 0, random: init.random, mac1: init.mac1, amountFen: 2000, terminalId: TERMINAL, date, time });
    if (!auth.approved) throw new Error(auth.detail);
    const { tac } = await creditForLoad(r, { date, time, mac2: auth.mac2 });
    expect(bytesToHex(tac)).toBe(bytesToHex(expectedTac({ serial, counter: 0, amountFen: 2000, type: 2, terminalId: '100000000101', dateTime: '20260302083000', tac: '', alg }, DEMO.tac)));
    expect(await getBalance(r)).toBe(3234);
    expect(await readTransactionLog(r, 1)).toEqual({ counter: 0, overdraftFen: 0, amountFen: 2000, type: 2, terminalId: '100000000101', dateTime: '20260302083000' });
    expect(await getTransactionProve(r, { type: 2, counter: 0 })).toEqual({ tac, mac2: auth.mac2 });
  });

  it('EP purchase (06): INITIALIZE FOR PURCHASE, PSAM MAC1, DEBIT → TAC, MAC2; GET TRANSACTION PROVE repeats them', async () => {
    const card = newCard(alg, { balanceFen: 1000 });
    const r = await selectedReader(card);
    const { init, sam, debit, issuer } = await purchase(r, alg, 250, false);
    expect(init).toMatchObject({ balanceFen: 1000, offlineCounter: 0, overdraftLimitFen: 0 });
    expect(sam.terminalSeq).toBe(1);
    expect(await getBalance(r)).toBe(750);
    const tac = expectedTac({ serial: issuer.appSerial, counter: 0, amountFen: 250, type: 6, terminalId: '100000000101', terminalSeq: 1, dateTime: '20260302083000', tac: '', alg }, DEMO.tac);
    expect(bytesToHex(debit.tac)).toBe(bytesToHex(tac));
    expect(await getTransactionProve(r, { type: 6, counter: 0 })).toEqual(debit);
    await expectCardError(getTransactionProve(r, { type: 6, counter: 1 }), KeyOrRecordNotFoundError, 0x9403, 'GET TRANSACTION PROVE');
    await expectCardError(getTransactionProve(r, { type: 9, counter: 0 }), KeyOrRecordNotFoundError, 0x9403, 'GET TRANSACTION PROVE');
  });

  it('CAPP purchase (09): UPDATE CAPP DATA CACHE 1A and 1E are committed by the DEBIT', async () => {
    const card = newCard(alg, { balanceFen: 1000 });
    const r = await selectedReader(card);
    const rail = { ...emptyTransitRecord(1), state: 1, entryCity: '1000', entryLine: 1, entryStation: 101, entryDevice: '100000000101', entryDateTime: '20260302083000' };
    const travel = { type: 1, device: '0000100000000101', subType: 1, line: 1, station: 101, amountFen: 0, balanceFen: 1000, dateTime: '20260302083000', city: '1000', acquirer: '0000000000001000' };
    await purchase(r, alg, 0, true, async () => {
      await updateCappDataCache(r, { recordId: 1, sfi: 0x1a, record: encodeTransitRecord(rail) });
      await updateCappDataCache(r, { recordId: 0, sfi: 0x1e, record: encodeTravelRecord(travel) });
    });
    const read = await readTransitRecord(r, 1);
    expect(read.ok && read.record).toEqual(rail);
    expect(await readTravelRecord(r, 1)).toEqual(travel);
    const bus = await readTransitRecord(r, 2);
    expect(bus.ok && bus.record).toEqual(emptyTransitRecord(2));
    await expectCardError(readTransitRecord(r, 3), RecordNotFoundError, 0x6a83, 'READ RECORD 001A #3');
  });

  it('maps every expected error status word to its typed error', async () => {
    const card = newCard(alg, { balanceFen: 100 });
    const r = new MemoryReader('r', { card });
    await r.connect();
    await expectCardError(getBalance(r), CommandNotSupportedError, 0x6d00, 'GET BALANCE');
    await selectTransitApplication(r);
    await expectCardError(readTransactionLog(r, 1), RecordNotFoundError, 0x6a83, 'READ RECORD 0018 #1');
    await expectCardError(readTravelRecord(r, 1), RecordNotFoundError, 0x6a83, 'READ RECORD 001E #1');
    const { date, time } = bcdDateTime(T0);
    const debitReq = { terminalSeq: Uint8Array.of(0, 0, 0, 1), date, time, mac1: Uint8Array.of(1, 2, 3, 4) };
    await expectCardError(debitForPurchase(r, debitReq), ConditionsNotSatisfiedError, 0x6985, 'DEBIT FOR PURCHASE');
    await initializeForPurchase(r, { keyIndex: 1, amountFen: 50, terminalId: TERMINAL });
    await expectCardError(debitForPurchase(r, debitReq), MacInvalidError, 0x9302, 'DEBIT FOR PURCHASE');
    expect(await getBalance(r)).toBe(100);
    await expectCardError(initializeForPurchase(r, { keyIndex: 1, amountFen: 101, terminalId: TERMINAL }), InsufficientBalanceError, 0x9401, 'INITIALIZE FOR PURCHASE');
    await expectCardError(initializeForCappPurchase(r, { keyIndex: 2, amountFen: 1, terminalId: TERMINAL }), KeyOrRecordNotFoundError, 0x9403, 'INITIALIZE FOR CAPP PURCHASE');
    await expectCardError(initializeForLoad(r, { keyIndex: 1, amountFen: 100_000, terminalId: TERMINAL }), ConditionsNotSatisfiedError, 0x6985, 'INITIALIZE FOR LOAD');
    await initializeForLoad(r, { keyIndex: 1, amountFen: 1000, terminalId: TERMINAL });
    await expectCardError(creditForLoad(r, { date, time, mac2: Uint8Array.of(9, 9, 9, 9) }), MacInvalidError, 0x9302, 'CREDIT FOR LOAD');
    expect(await getBalance(r)).toBe(100);
    await expectCardError(creditForLoad(r, { date, time, mac2: Uint8Array.of(9, 9, 9, 9) }), ConditionsNotSatisfiedError, 0x6985, 'CREDIT FOR LOAD');
    const rec = encodeTransitRecord(emptyTransitRecord(1));
    await expectCardError(updateCappDataCache(r, { recordId: 1, sfi: 0x1a, record: rec }), ConditionsNotSatisfiedError, 0x6985, 'UPDATE CAPP DATA CACHE 1A');
    await initializeForPurchase(r, { keyIndex: 1, amountFen: 0, terminalId: TERMINAL });
    await expectCardError(updateCappDataCache(r, { recordId: 1, sfi: 0x1a, record: rec }), ConditionsNotSatisfiedError, 0x6985, 'UPDATE CAPP DATA CACHE 1A');
    await initializeForCappPurchase(r, { keyIndex: 1, amountFen: 0, terminalId: TERMINAL });
    await expectCardError(updateCappDataCache(r, { recordId: 2, sfi: 0x1a, record: rec }), WrongParametersError, 0x6a80, 'UPDATE CAPP DATA CACHE 1A');
  });

  it('SELECT of a blocked application → ApplicationBlockedError (6A81)', async () => {
    const card = newCard(alg);
    card.setApplicationBlocked(hexToBytes(TRANSIT_AID), true);
    const r = new MemoryReader('r', { card });
    await r.connect();
    await expectCardError(selectTransitApplication(r), ApplicationBlockedError, 0x6a81, 'SELECT transit');
  });

  it('rejects malformed requests before sending (programmer errors)', async () => {
    const r = await selectedReader(newCard(alg));
    await expect(initializeForLoad(r, { keyIndex: 1, amountFen: -1, terminalId: TERMINAL })).rejects.toThrow(new RangeError('"amountFen" expected integer in [0, 4294967295], got -1'));
    await expect(initializeForLoad(r, { keyIndex: 1, amountFen: 1, terminalId: new Uint8Array(5) })).rejects.toThrow(new RangeError('"terminalId" expected Uint8Array of length 6, got length=5'));
    await expect(readTransactionLog(r, 0)).rejects.toThrow(RangeError);
    expect(purseCrypto.algFromId(0x01)).toBe('3des');
  });
});
