// Tests for terminal-sim/reader: the MemoryReader's power and error model (no card, torn card,
// transmit before connect, transport failures → ReaderError), the trace hook (labels, redaction
// of sensitive commands, a throwing hook ignored), and the T=0 continuations of `exchange`.
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../crypto/utils.js';
import {
  CardRemovedError,
  exchange,
  formatTraceEvent,
  MemoryReader,
  ReaderError,
  SpiReader,
  type ApduTraceEvent,
  type ReaderSpi,
} from '../../../terminal-sim/reader/index.js';
import { getBalance, readIssuerInfo, selectTransitApplication } from '../../../terminal-sim/transit/index.js';
import { newCard } from '../support/cards.js';

const SELECT = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x08, 0xa0, 0x00, 0x00, 0x06, 0x32, 0x01, 0x01, 0x05, 0x00);

describe('MemoryReader', () => {
  it('connects to an inserted card and returns its ATR', async () => {
    const card = newCard('3des');
    const r = new MemoryReader('r1');
    expect(r.isCardPresent()).toBe(false);
    await expect(r.connect()).rejects.toBeInstanceOf(CardRemovedError);
    r.insertCard(card);
    expect(r.isCardPresent()).toBe(true);
    const atr = await r.connect();
    expect(bytesToHex(atr)).toBe(bytesToHex(card.atr));
    expect(r.isConnected).toBe(true);
    const resp = await r.transmit(SELECT);
    expect(resp.subarray(-2)).toEqual(Uint8Array.of(0x90, 0x00));
    await r.disconnect();
    expect(r.isConnected).toBe(false);
    expect(card.isPowered).toBe(false);
  });

  it('refuses transmit before connect (ReaderError) and without a card (CardRemovedError)', async () => {
    const r = new MemoryReader('r2', { card: newCard('3des') });
    await expect(r.transmit(SELECT)).rejects.toBeInstanceOf(ReaderError);
    r.removeCard();
    await expect(r.transmit(SELECT)).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('turns a tear into CardRemovedError, and the torn card leaves the field', async () => {
    const card = newCard('sm4');
    const r = new MemoryReader('r3', { card });
    await r.connect();
    card.injectTear({ afterApdus: 1, phase: 'before-commit' });
    await selectTransitApplication(r);
    const err = await getBalance(r).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CardRemovedError);
    expect((err as CardRemovedError).reader).toBe('r3');
    expect(r.isCardPresent()).toBe(false);
    expect(r.isConnected).toBe(false);
    // Presented again: powered through the reader, the card answers.
    r.insertCard(card);
    await r.connect();
    await selectTransitApplication(r);
    expect(await getBalance(r)).toBe(0);
  });

  it('a card removed after connect is reported as CardRemovedError', async () => {
    const card = newCard('3des');
    const r = new MemoryReader('r4', { card });
    await r.connect();
    r.removeCard();
    await expect(r.transmit(SELECT)).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('wraps any other transport failure in ReaderError', async () => {
    const broken: ReaderSpi = {
      name: 'broken',
      isCardPresent: () => true,
      powerOn: async () => Uint8Array.of(0x3b, 0x00),
      transmitApdu: async () => {
        throw new Error('socket closed');
      },
      powerOff: async () => undefined,
    };
    const r = new SpiReader(broken);
    await r.connect();
    const e = await r.transmit(SELECT).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReaderError);
    expect((e as Error).message).toBe('broken: transport failure: socket closed');
  });

  it('a card that is present but not powered gives CardRemovedError (card not powered)', async () => {
    const card = newCard('3des');
    const r = new MemoryReader('r5', { card });
    await r.connect();
    card.powerOff();
    await expect(r.transmit(SELECT)).rejects.toThrow(/card not powered/);
  });
});

describe('trace hook', () => {
  it('reports connect, labelled APDUs and disconnect', async () => {
    const events: ApduTraceEvent[] = [];
    const r = new MemoryReader('gate', { card: newCard('3des'), trace: (e) => events.push(e) });
    await r.connect();
    await selectTransitApplication(r);
    await readIssuerInfo(r);
    await r.disconnect();
    expect(events.map((e) => e.kind)).toEqual(['connect', 'apdu', 'apdu', 'disconnect']);
    const sel = events[1] as Extract<ApduTraceEvent, { kind: 'apdu' }>;
    expect(sel.label).toBe('SELECT transit');
    expect(sel.command).toBe(bytesToHex(SELECT));
    expect(sel.response).toMatch(/^6f.*9000$/);
    expect(formatTraceEvent(events[2])).toMatch(/^gate {2}READ BINARY 0015 {2}> 00b095001e {2}< [0-9a-f]+9000$/);
  });

  it('redacts the data of sensitive commands and responses', async () => {
    const events: ApduTraceEvent[] = [];
    const r = new MemoryReader('r', { card: newCard('3des'), trace: (e) => events.push(e) });
    await r.connect();
    await r.transmit(SELECT, { label: 'secret', sensitive: true });
    const e = events[1] as Extract<ApduTraceEvent, { kind: 'apdu' }>;
    expect(e.command).toBe('00a4040008<9 bytes redacted>');
    expect(e.response).toMatch(/^<\d+ bytes redacted>9000$/);
    expect(e.sensitive).toBe(true);
  });

  it('records the error of a failed exchange and ignores a throwing hook', async () => {
    const events: ApduTraceEvent[] = [];
    const card = newCard('3des');
    const r = new MemoryReader('r', { card, trace: (e) => events.push(e) });
    await r.connect();
    card.injectTear({ afterApdus: 0, phase: 'after-commit' });
    await expect(r.transmit(SELECT)).rejects.toBeInstanceOf(CardRemovedError);
    const e = events[1] as Extract<ApduTraceEvent, { kind: 'apdu' }>;
    expect(e.response).toBeUndefined();
    expect(e.error).toMatch(/card removed mid-command/);
    r.insertCard(card);
    r.setTrace(() => {
      throw new Error('broken hook');
    });
    await r.connect();
    expect((await r.transmit(SELECT)).length).toBeGreaterThan(2);
  });
});

describe('exchange (T=0 continuations)', () => {
  it('follows 61xx with GET RESPONSE and resends after 6Cxx', async () => {
    const card = newCard('3des', { protocol: 'T=0' });
    const labels: string[] = [];
    const r = new MemoryReader('t0', { card, trace: (e) => e.kind === 'apdu' && labels.push(`${e.label}:${e.response?.slice(-4)}`) });
    await r.connect();
    const sel = await exchange(r, SELECT, { label: 'SELECT' });
    expect(sel.sw).toBe(0x9000);
    expect(sel.data[0]).toBe(0x6f);
    // Le 20 for a 30-byte file: the T=0 card answers 6C1E, the resend gets all 30 bytes.
    const rb = await exchange(r, Uint8Array.of(0x00, 0xb0, 0x95, 0x00, 0x20), { label: 'RB' });
    expect(rb.sw).toBe(0x9000);
    expect(rb.data.length).toBe(30);
    expect(labels).toEqual(['SELECT:612f', 'SELECT (GET RESPONSE):9000', 'RB:6c1e', 'RB:9000']);
    // The typed commands work the same over T=0.
    expect((await readIssuerInfo(r)).appSerial).toMatch(/^\d{20}$/);
  });
});
