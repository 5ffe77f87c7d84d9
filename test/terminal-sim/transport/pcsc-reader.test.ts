/**
 * The PC/SC transport's SPI over a fake `pcsclite` reader (no pcscd, no native build): status
 * events → isCardPresent, connect / transmit / disconnect with the chosen share mode, protocol and
 * disposition, and PC/SC error codes → CardRemovedError or ReaderError. The real thing runs in
 * test/e2e/pcsc.test.ts.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { CardRemovedError, ReaderError } from '../../../terminal-sim/reader/errors.js';
import { SpiReader } from '../../../terminal-sim/reader/spi-reader.js';
import { mapPcscError, pcscErrorCode, PcscReaderSpi } from '../../../terminal-sim/transport/pcsc-reader.js';
import type { PcscliteCardReader } from '../../../terminal-sim/transport/pcsc-reader.js';

const ATR = Buffer.from('3b868001805453534333a3', 'hex');
const pcscError = (fn: string, text: string, code: number): Error => new Error(`${fn} error: ${text}(0x${code.toString(16).padStart(8, '0')})`);

/** pcsclite 1.0.1's CardReader as seen from JS, with pcsc-lite's constants. */
class FakeReader extends EventEmitter {
  readonly SCARD_SHARE_SHARED = 2;
  readonly SCARD_SHARE_EXCLUSIVE = 1;
  readonly SCARD_PROTOCOL_T0 = 1;
  readonly SCARD_PROTOCOL_T1 = 2;
  readonly SCARD_STATE_PRESENT = 0x20;
  readonly SCARD_UNPOWER_CARD = 2;
  readonly SCARD_RESET_CARD = 1;
  connected = false;
  state: number | undefined;
  calls: string[] = [];
  transmitError: Error | undefined;
  constructor(readonly name = 'Fake Reader 00') {
    super();
  }
  insert(): void {
    this.state = 0x22;
    this.emit('status', { state: this.state, atr: ATR });
  }
  remove(): void {
    this.state = 0x12;
    this.emit('status', { state: this.state, atr: Buffer.alloc(0) });
  }
  connect(o: { share_mode: number; protocol: number }, cb: (err: Error | null, protocol?: number) => void): void {
    this.calls.push(`connect ${o.share_mode} ${o.protocol}`);
    if (!(this.state! & 0x20)) return cb(pcscError('SCardConnect', 'No smart card inserted.', 0x8010000c));
    this.connected = true;
    cb(null, this.SCARD_PROTOCOL_T1);
  }
  disconnect(d: number, cb: (err: Error | null) => void): void {
    this.calls.push(`disconnect ${d}`);
    this.connected = false;
    cb(null);
  }
  transmit(data: Buffer, len: number, protocol: number, cb: (err: Error | null, data?: Buffer) => void): void {
    this.calls.push(`transmit ${data.length} ${len} ${protocol}`);
    if (this.transmitError) return cb(this.transmitError);
    cb(null, Buffer.from('9000', 'hex'));
  }
  close(): void {}
}

const spiOf = (r: FakeReader, o?: ConstructorParameters<typeof PcscReaderSpi>[1]) => new PcscReaderSpi(r as unknown as PcscliteCardReader, o);

describe('PcscReaderSpi over a fake pcsclite reader', () => {
  it('follows status events; connect returns the reported ATR and transmits with the negotiated protocol', async () => {
    const r = new FakeReader();
    const spi = spiOf(r);
    expect(spi.isCardPresent()).toBe(false);
    r.insert();
    expect(spi.isCardPresent()).toBe(true);
    const reader = new SpiReader(spi);
    expect(Buffer.from(await reader.connect()).toString('hex')).toBe(ATR.toString('hex'));
    expect(Buffer.from(await reader.transmit(Uint8Array.of(0x00, 0xb0, 0x95, 0x00, 0x00))).toString('hex')).toBe('9000');
    await reader.disconnect();
    expect(r.calls).toEqual(['connect 1 3', 'transmit 5 65538 2', 'disconnect 2']);
    r.remove();
    expect(spi.isCardPresent()).toBe(false);
  });

  it('honours share, protocol and disposition options and rejects bad ones', async () => {
    const r = new FakeReader();
    const spi = spiOf(r, { share: 'shared', protocol: 'T0', disposition: 'reset' });
    r.insert();
    await spi.powerOn();
    await spi.powerOn(); // a second power-on disconnects first: a cold reset
    await spi.powerOff();
    expect(r.calls).toEqual(['connect 2 1', 'disconnect 1', 'connect 2 1', 'disconnect 1']);
    expect(() => spiOf(r, { share: 'direct' as 'shared' })).toThrow(RangeError);
    expect(() => spiOf(r, { protocol: 'T2' as 'T1' })).toThrow(RangeError);
    expect(() => spiOf(r, { disposition: 'eject' as 'reset' })).toThrow(RangeError);
    expect(() => spiOf(r, { maxResponseLen: 1 })).toThrow(RangeError);
  });

  it('maps PC/SC codes: card gone → CardRemovedError, others → ReaderError', async () => {
    expect(pcscErrorCode(pcscError('SCardTransmit', 'Card was removed.', 0x80100069))).toBe(0x80100069);
    expect(pcscErrorCode(new Error('no code'))).toBeUndefined();
    for (const code of [0x80100069, 0x8010000c, 0x80100067, 0x80100068, 0x80100066]) {
      expect(mapPcscError('R', 'transmit', pcscError('SCardTransmit', 'x', code))).toBeInstanceOf(CardRemovedError);
    }
    for (const code of [0x80100017, 0x8010001d, 0x80100016]) {
      expect(mapPcscError('R', 'transmit', pcscError('SCardTransmit', 'x', code))).toBeInstanceOf(ReaderError);
    }
    const r = new FakeReader();
    const reader = new SpiReader(spiOf(r));
    r.insert();
    await reader.connect();
    r.transmitError = pcscError('SCardTransmit', 'Card was removed.', 0x80100069);
    await expect(reader.transmit(Uint8Array.of(0x00, 0x84, 0x00, 0x00, 0x04))).rejects.toBeInstanceOf(CardRemovedError);
    r.remove();
    await expect(reader.connect()).rejects.toBeInstanceOf(CardRemovedError);
    r.insert();
    await reader.connect();
    r.transmitError = pcscError('SCardTransmit', 'Transaction failed.', 0x80100016);
    const err = await reader.transmit(Uint8Array.of(0x00, 0x84, 0x00, 0x00, 0x04)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReaderError);
    expect((err as Error).message).not.toMatch(/0084/i); // no APDU data in messages
  });

  it('a card whose ATR pcscd never reported: ReaderError after atrWaitMs, and disconnected again', async () => {
    const r = new FakeReader();
    r.state = 0x22; // present before the SPI listened: the binding keeps the state, not the ATR
    const spi = spiOf(r, { atrWaitMs: 20 });
    expect(spi.isCardPresent()).toBe(true);
    await expect(spi.powerOn()).rejects.toThrow(/no ATR within 20 ms/);
    expect(r.connected).toBe(false);
  });

  // CI once hung here: the timer fired a millisecond before Date.now() reached the wait's
  // deadline, and the wait re-checked that deadline instead of ending. A wall clock that stands
  // still is the extreme case; the timer alone must end both waits.
  it('the ATR and first-status waits end on their timer even when Date.now() lags behind it', async () => {
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      const r = new FakeReader();
      r.state = 0x22;
      const spi = spiOf(r, { atrWaitMs: 20 });
      await expect(spi.powerOn()).rejects.toThrow(/no ATR within 20 ms/);
      const silent = new FakeReader(); // no state yet, and no status event ever comes
      await expect(spiOf(silent).statusKnown(20)).resolves.toBeUndefined();
    } finally {
      now.mockRestore();
    }
  }, 2000);

  it('a reader that pcscd stops listing fails with ReaderError', async () => {
    const r = new FakeReader();
    r.insert();
    const spi = spiOf(r);
    r.emit('end');
    expect(spi.isCardPresent()).toBe(false);
    await expect(spi.powerOn()).rejects.toBeInstanceOf(ReaderError);
  });
});
