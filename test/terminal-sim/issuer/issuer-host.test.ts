// Tests for terminal-sim/issuer: load authorisation (MAC1 checked, MAC2 the card accepts, both
// profiles), refusals for a bad MAC1 or an unknown key, TAC verification of journal records.
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../crypto/utils.js';
import type { JournalRecord } from '../../../terminal-sim/clearing/index.js';
import { expectedTac, IssuerHost, type LoadAuthorizationRequest } from '../../../terminal-sim/issuer/index.js';
import { bcdDateTime, creditForLoad, getBalance, initializeForLoad } from '../../../terminal-sim/transit/index.js';
import { ALGS, DEMO, newCard, OTHER_KEYS, selectedReader, T0 } from '../support/cards.js';

const TERMINAL = hexToBytes('100000009001');

describe.each(ALGS)('IssuerHost, %s', (alg) => {
  async function loadRequest(card = newCard(alg, { balanceFen: 500 })) {
    const r = await selectedReader(card);
    const init = await initializeForLoad(r, { keyIndex: 1, amountFen: 3000, terminalId: TERMINAL });
    const { date, time } = bcdDateTime(T0);
    const req: LoadAuthorizationRequest = {
      appSerial: String(card.info.serial),
      keyIndex: 1,
      keyVersion: init.keyVersion,
      algId: init.algId,
      balanceFen: init.balanceFen,
      onlineCounter: init.onlineCounter,
      random: init.random,
      mac1: init.mac1,
      amountFen: 3000,
      terminalId: TERMINAL,
      date,
      time,
    };
    return { r, req, card };
  }

  it('approves a genuine card with a MAC2 the card accepts, and verifies its TAC', async () => {
    const host = new IssuerHost();
    const { r, req, card } = await loadRequest();
    const auth = await host.authorizeLoad(req);
    expect(auth.approved).toBe(true);
    if (!auth.approved) return;
    const { tac } = await creditForLoad(r, { date: req.date, time: req.time, mac2: auth.mac2 });
    expect(await getBalance(r)).toBe(3500);
    const record: JournalRecord = { serial: String(card.info.serial), counter: 0, amountFen: 3000, type: 2, terminalId: '100000009001', dateTime: '20260302083000', tac: bytesToHex(tac), alg };
    expect(host.verifyTac(record)).toBe(true);
    expect(host.verifyTac({ ...record, amountFen: 3001 })).toBe(false);
    expect(host.verifyTac({ ...record, tac: 'zz' })).toBe(false);
    expect(host.verifyTac({ ...record, alg: alg === '3des' ? 'sm4' : '3des' })).toBe(false);
  });

  it('declines a MAC1 that does not verify (a wrong balance, another issuer\'s card)', async () => {
    const host = new IssuerHost();
    const { req } = await loadRequest();
    expect(await host.authorizeLoad({ ...req, balanceFen: req.balanceFen + 1 })).toEqual({ approved: false, reason: 'mac1-invalid', detail: 'load MAC1 does not verify' });
    const foreign = await loadRequest(newCard(alg, { balanceFen: 500 }));
    expect((await new IssuerHost(OTHER_KEYS).authorizeLoad(foreign.req)).approved).toBe(false);
  });

  it('declines an unknown key index, version or algorithm', async () => {
    const host = new IssuerHost();
    const { req } = await loadRequest();
    expect(await host.authorizeLoad({ ...req, keyVersion: 2 })).toMatchObject({ approved: false, reason: 'unknown-key' });
    expect(await host.authorizeLoad({ ...req, keyIndex: 3 })).toMatchObject({ approved: false, reason: 'unknown-key' });
    expect(await host.authorizeLoad({ ...req, algId: 0x07 })).toMatchObject({ approved: false, reason: 'unknown-key' });
    await expect(host.authorizeLoad({ ...req, appSerial: '12' })).rejects.toThrow(RangeError);
  });
});

describe('expectedTac', () => {
  const base: JournalRecord = { serial: '10005306695436644527', counter: 1, amountFen: 300, type: 9, terminalId: '100000000205', terminalSeq: 1, dateTime: '20260302085500', tac: '', alg: '3des' };
  it('names the malformed field', () => {
    expect(() => expectedTac({ ...base, terminalSeq: undefined }, DEMO.tac)).toThrow('"record.terminalSeq" is required for a purchase');
    expect(() => expectedTac({ ...base, type: 3 }, DEMO.tac)).toThrow('"record.type" expected 01, 02, 06 or 09, got 3');
    expect(() => expectedTac({ ...base, dateTime: '2026' }, DEMO.tac)).toThrow('"record.dateTime" expected 14 digits, got "2026"');
    expect(() => expectedTac({ ...base, dateTime: '20261302085500' }, DEMO.tac)).toThrow(RangeError);
  });
});
