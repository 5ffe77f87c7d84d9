import { afterEach, describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes } from '../../../crypto/utils.js';
import { CardPowerError, issueCard, type Card } from '../../../engine/index.js';
import { encodeVpcdFrame, VpcdSlot, type CardLike, type VpcdEvent } from '../../../terminal-sim/transport/index.js';
import { FakeVpcd, freePort } from './fake-vpcd.js';

const SELECT_TRANSIT = hexToBytes('00a4040008a000000632010105');
const READ_EF15 = hexToBytes('00b0950000');
const OFF = Uint8Array.of(0x00);
const ON = Uint8Array.of(0x01);
const RESET = Uint8Array.of(0x02);
const GET_ATR = Uint8Array.of(0x04);
const sw = (r: Uint8Array) => bytesToHex(r.subarray(r.length - 2));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(card: CardLike = issueCard({ seed: 1 }), opts: { trace?: boolean } = {}) {
  const driver = new FakeVpcd();
  const port = await driver.listen();
  const events: VpcdEvent[] = [];
  const traced: string[] = [];
  const slot = new VpcdSlot({
    port,
    onEvent: (e) => events.push(e),
    ...(opts.trace ? { trace: (dir: 'in' | 'out', p: Uint8Array) => traced.push(`${dir} ${bytesToHex(p)}`) } : {}),
  });
  cleanup.push(() => driver.close(), () => slot.stop());
  slot.insert(card);
  await driver.connection();
  await slot.whenConnected();
  return { driver, slot, events, traced, card };
}

describe('VpcdSlot against a fake vpcd driver', () => {
  it('insert() connects; get ATR answers the ATR without powering the card', async () => {
    const { driver, slot, card } = await setup();
    expect(slot.state).toBe('connected');
    expect(slot.port).toBe(driver.port);
    const atr = await driver.request(GET_ATR);
    expect(bytesToHex(atr)).toBe(bytesToHex((card as Card).atr));
    expect((card as Card).isPowered).toBe(false);
    expect(slot.stats.atrs).toBe(1);
  });

  it('defaults to 127.0.0.1:35963 for slot 0 and 35964 for slot 1', () => {
    expect([new VpcdSlot().host, new VpcdSlot().port, new VpcdSlot({ slot: 1 }).port]).toEqual(['127.0.0.1', 35963, 35964]);
    expect(() => new VpcdSlot({ port: 70000 })).toThrow(RangeError);
    expect(() => new VpcdSlot({ retryMs: 0 })).toThrow(RangeError);
  });

  it('power on / off reach the card and get no reply', async () => {
    const { driver, card } = await setup();
    const c = card as Card;
    driver.send(ON);
    expect(bytesToHex(await driver.request(GET_ATR))).toBe(bytesToHex(c.atr)); // the first reply is the ATR's
    expect(c.isPowered).toBe(true);
    driver.send(OFF);
    await driver.request(GET_ATR);
    expect(c.isPowered).toBe(false);
    expect(driver.queued).toBe(0);
  });

  it('APDUs round-trip: SELECT the transit AID, READ BINARY EF15 gives 30 bytes + 9000', async () => {
    const { driver, slot, events } = await setup();
    driver.send(ON);
    expect(sw(await driver.request(SELECT_TRANSIT))).toBe('9000');
    const r = await driver.request(READ_EF15);
    expect(r.length).toBe(32);
    expect(sw(r)).toBe('9000');
    expect(slot.apduCount).toBe(2);
    const apdus = events.filter((e) => e.type === 'apdu');
    expect(apdus.map((e) => e.type === 'apdu' && [e.n, e.sw])).toEqual([
      [1, 0x9000],
      [2, 0x9000],
    ]);
    // Log events carry lengths and status words, never the data.
    expect(JSON.stringify(events)).not.toContain('a000000632010105');
  });

  it('reset (02) powers the card off and on: the selected application is lost', async () => {
    const { driver, slot, card } = await setup();
    driver.send(ON);
    await driver.request(SELECT_TRANSIT);
    expect(sw(await driver.request(READ_EF15))).toBe('9000');
    driver.send(RESET);
    expect(sw(await driver.request(READ_EF15))).toBe('6a82'); // no EF with SFI 15 under the MF
    expect((card as Card).isPowered).toBe(true);
    expect(sw(await driver.request(SELECT_TRANSIT))).toBe('9000');
    expect(sw(await driver.request(READ_EF15))).toBe('9000');
    expect(slot.stats).toMatchObject({ powerOns: 1, resets: 1, apdus: 5 });
  });

  it('handles frames split byte by byte across TCP writes', async () => {
    const { driver } = await setup();
    driver.send(ON);
    const stream = concatBytes(encodeVpcdFrame(SELECT_TRANSIT), encodeVpcdFrame(READ_EF15));
    for (const b of stream) {
      driver.sock!.write(Uint8Array.of(b));
      await sleep(1);
    }
    expect(sw(await driver.reply())).toBe('9000');
    expect((await driver.reply()).length).toBe(32);
  });

  it('handles frames coalesced in one write, control codes included', async () => {
    const { driver, card } = await setup();
    driver.sock!.write(concatBytes(...[ON, SELECT_TRANSIT, READ_EF15, GET_ATR].map(encodeVpcdFrame)));
    expect(sw(await driver.reply())).toBe('9000');
    expect(sw(await driver.reply())).toBe('9000');
    expect(bytesToHex(await driver.reply())).toBe(bytesToHex((card as Card).atr));
  });

  it('passes an extended APDU with 65000 data bytes; the card answers a status word', async () => {
    const { driver, slot } = await setup();
    driver.send(ON);
    await driver.request(SELECT_TRANSIT);
    const big = new Uint8Array(7 + 65000).fill(0x5a);
    big.set([0x00, 0xd6, 0x95, 0x00, 0x00, 0xfd, 0xe8]);
    const r = await driver.request(big);
    expect(r.length).toBe(2);
    expect(sw(r)).not.toBe('9000');
    expect(slot.stats.apdus).toBe(2);
    expect(sw(await driver.request(READ_EF15))).toBe('9000'); // the stream is still in step
  });

  it('ignores an unknown control code and an empty message', async () => {
    const { driver, events, card } = await setup();
    driver.send(Uint8Array.of(0x03));
    driver.send(new Uint8Array(0));
    expect(bytesToHex(await driver.request(GET_ATR))).toBe(bytesToHex((card as Card).atr));
    expect(events.filter((e) => e.type === 'ignored')).toEqual([
      { type: 'ignored', what: 'control code 03' },
      { type: 'ignored', what: 'empty message' },
    ]);
  });

  it('a card exception becomes 6F00 and the slot keeps serving', async () => {
    let calls = 0;
    const flaky: CardLike = {
      powerOn: () => Uint8Array.of(0x3b, 0x00),
      powerOff: () => {},
      transmit: () => {
        if (calls++ === 0) throw new Error('boom');
        return Uint8Array.of(0x90, 0x00);
      },
    };
    const { driver, events } = await setup(flaky);
    expect(bytesToHex(await driver.request(GET_ATR))).toBe('3b00'); // learnt by a power cycle
    expect(bytesToHex(await driver.request(READ_EF15))).toBe('6f00');
    expect(bytesToHex(await driver.request(READ_EF15))).toBe('9000');
    expect(events.some((e) => e.type === 'card-error')).toBe(true);
    expect(driver.closed).toBe(false);
  });

  it('remove() closes the socket; the driver sees the card leave and the card is unpowered', async () => {
    const { driver, slot, card, events } = await setup();
    driver.send(ON);
    await driver.request(SELECT_TRANSIT);
    slot.remove();
    await driver.whenClosed();
    expect(slot.state).toBe('idle');
    expect(slot.inserted).toBeUndefined();
    expect((card as Card).isPowered).toBe(false);
    expect(events).toContainEqual({ type: 'disconnected', reason: 'removed' });
    await sleep(600);
    expect(driver.closed).toBe(true); // no reconnect after a removal
  });

  it('a tear on the card closes the socket without a reply, like a removal', async () => {
    const { driver, slot, card, events } = await setup();
    driver.send(ON);
    (card as Card).injectTear({ afterApdus: 0, phase: 'after-commit' });
    driver.send(SELECT_TRANSIT);
    await driver.whenClosed();
    expect(driver.queued).toBe(0);
    expect(slot.state).toBe('idle');
    expect(events).toContainEqual({ type: 'disconnected', reason: 'torn' });
    expect(slot.apduCount).toBe(1);
  });

  it('the trace hook sees the payloads both ways', async () => {
    const { driver, traced } = await setup(issueCard({ seed: 1 }), { trace: true });
    driver.send(ON);
    await driver.request(READ_EF15);
    expect(traced).toEqual(['in 01', 'in 00b0950000', 'out 6a82']);
  });

  it('reconnects while the driver is not up yet, and connects within ~1 s once it is', async () => {
    const port = await freePort();
    const events: VpcdEvent[] = [];
    const slot = new VpcdSlot({ port, onEvent: (e) => events.push(e) });
    cleanup.push(() => slot.stop());
    slot.insert(issueCard({ seed: 1 }));
    await sleep(700);
    expect(slot.state).toBe('connecting');
    expect(events.filter((e) => e.type === 'retry').length).toBeGreaterThanOrEqual(1);
    const driver = new FakeVpcd();
    cleanup.push(() => driver.close());
    await driver.listen(port);
    const t0 = Date.now();
    await driver.connection(1500);
    expect(Date.now() - t0).toBeLessThan(1100);
    expect((await driver.request(GET_ATR)).length).toBeGreaterThan(2);
  });

  it('reconnects after the driver drops the connection (pcscd restart); the card is unpowered', async () => {
    const { driver, slot, card } = await setup();
    driver.send(ON);
    await driver.request(SELECT_TRANSIT);
    driver.sock!.destroy();
    await driver.whenClosed();
    await driver.connection(1500);
    await slot.whenConnected();
    expect((card as Card).isPowered).toBe(false);
    expect(slot.stats.connects).toBe(2);
  });

  it('stop() ends reconnecting', async () => {
    const port = await freePort();
    const slot = new VpcdSlot({ port, retryMs: 50 });
    slot.insert(issueCard({ seed: 1 }));
    await sleep(150);
    slot.stop();
    expect(slot.state).toBe('stopped');
    const driver = new FakeVpcd();
    cleanup.push(() => driver.close());
    await driver.listen(port);
    await sleep(300);
    expect(driver.sock).toBeUndefined();
    expect(() => slot.insert(issueCard({ seed: 1 }))).toThrow(/after stop/);
  });

  it('backs off, bounded, while the driver stays down', async () => {
    const port = await freePort();
    const delays: number[] = [];
    const slot = new VpcdSlot({ port, retryMs: 5, maxRetryMs: 20, onEvent: (e) => e.type === 'retry' && delays.push(e.delayMs) });
    cleanup.push(() => slot.stop());
    slot.insert(issueCard({ seed: 1 }));
    await sleep(500);
    slot.stop();
    expect(delays.slice(0, 10).every((d) => d === 5)).toBe(true);
    expect(delays[10]).toBe(10);
    expect(Math.max(...delays)).toBe(20);
  });
});

/** A card whose transmitAsync answers only when the test releases it, in call order. */
function heldCard(): { card: CardLike; calls: string[]; release: (resp?: Uint8Array | Error) => void; held: () => number } {
  const inner = issueCard({ seed: 2 });
  const calls: string[] = [];
  const pending: ((resp?: Uint8Array | Error) => void)[] = [];
  const card: CardLike = {
    powerOn: () => (calls.push('on'), inner.powerOn()),
    powerOff: () => (calls.push('off'), inner.powerOff()),
    transmit: () => {
      throw new Error('transmit: the slot should use transmitAsync');
    },
    transmitAsync: (apdu) => {
      calls.push(`apdu ${bytesToHex(apdu)}`);
      const r = inner.transmit(apdu);
      return new Promise((resolve, reject) => pending.push((x) => (x instanceof Error ? reject(x) : resolve(x ?? r))));
    },
    atr: inner.atr,
  };
  return { card, calls, release: (x) => pending.shift()!(x), held: () => pending.length };
}

describe('VpcdSlot with a card that answers asynchronously (transmitAsync)', () => {
  it('the R-APDU leaves when the promise settles; what vpcd sends meanwhile waits its turn, in order', async () => {
    const h = heldCard();
    const { driver } = await setup(h.card);
    driver.send(ON);
    driver.send(SELECT_TRANSIT);
    driver.send(READ_EF15);
    driver.send(OFF);
    await sleep(50);
    // Only the first APDU has reached the card: the READ BINARY and the power-off queue behind it.
    expect(h.calls).toEqual(['on', `apdu ${bytesToHex(SELECT_TRANSIT)}`]);
    expect(driver.queued).toBe(0);
    h.release();
    expect(sw(await driver.reply())).toBe('9000');
    await sleep(20);
    expect(h.calls).toEqual(['on', `apdu ${bytesToHex(SELECT_TRANSIT)}`, `apdu ${bytesToHex(READ_EF15)}`]);
    h.release();
    const ef15 = await driver.reply();
    expect([ef15.length, sw(ef15)]).toEqual([32, '9000']);
    await sleep(20);
    expect(h.calls.at(-1)).toBe('off');
  });

  it('a card removed while its answer is pending sends nothing; a rejection becomes 6F00, a tear closes the socket', async () => {
    const h = heldCard();
    const { driver, slot, events } = await setup(h.card);
    driver.send(ON);
    driver.send(SELECT_TRANSIT);
    await sleep(50);
    expect(h.held()).toBe(1);
    h.release(new Error('store failed'));
    expect(bytesToHex(await driver.reply())).toBe('6f00');
    expect(events.some((e) => e.type === 'card-error')).toBe(true);

    driver.send(READ_EF15);
    await sleep(50);
    slot.remove();
    await driver.whenClosed();
    h.release();
    await sleep(50);
    expect(driver.queued).toBe(0);
    expect(events).toContainEqual({ type: 'disconnected', reason: 'removed' });

    const torn = heldCard();
    const again = await setup(torn.card);
    again.driver.send(ON);
    again.driver.send(SELECT_TRANSIT);
    await sleep(50);
    torn.release(new CardPowerError('card lost power: torn after commit', true));
    await again.driver.whenClosed();
    expect(again.driver.queued).toBe(0);
    expect(again.events).toContainEqual({ type: 'disconnected', reason: 'torn' });
  });
});
