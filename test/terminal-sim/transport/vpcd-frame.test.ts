import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, concatBytes, hexToBytes } from '../../../crypto/utils.js';
import { encodeVpcdFrame, VpcdFrameDecoder, VPCD_MAX_PAYLOAD_LEN } from '../../../terminal-sim/transport/index.js';

describe('encodeVpcdFrame', () => {
  it.each([
    ['04', '000104'],
    ['00a4040008a000000632010105', '000d00a4040008a000000632010105'],
    ['', '0000'],
  ])('%s → %s, and back', (payload, frame) => {
    expect(bytesToHex(encodeVpcdFrame(hexToBytes(payload)))).toBe(frame);
    expect(new VpcdFrameDecoder().push(hexToBytes(frame)).map(bytesToHex)).toEqual([payload]);
  });

  it('carries the largest payload and refuses a longer one', () => {
    const f = encodeVpcdFrame(new Uint8Array(VPCD_MAX_PAYLOAD_LEN));
    expect([f[0], f[1], f.length]).toEqual([0xff, 0xff, 0x10001]);
    expect(() => encodeVpcdFrame(new Uint8Array(0x10000))).toThrow(RangeError);
    expect(() => encodeVpcdFrame('04' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('VpcdFrameDecoder', () => {
  it('reassembles a message split after its length (Debian vpcd: two send() calls)', () => {
    const d = new VpcdFrameDecoder();
    expect(d.push(hexToBytes('0001'))).toEqual([]);
    expect(d.pendingLen).toBe(2);
    expect(d.push(hexToBytes('04')).map(bytesToHex)).toEqual(['04']);
    expect(d.pendingLen).toBe(0);
  });

  it('returns copies, not views of the chunk', () => {
    const chunk = hexToBytes('00020102');
    const [m] = new VpcdFrameDecoder().push(chunk);
    chunk[2] = 0xff;
    expect(bytesToHex(m)).toBe('0102');
  });

  it('reset() drops a partial message', () => {
    const d = new VpcdFrameDecoder();
    d.push(hexToBytes('000301'));
    d.reset();
    expect(d.push(hexToBytes('000104')).map(bytesToHex)).toEqual(['04']);
  });

  it('decodes any split of any message sequence (property)', () => {
    const msg = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 300 }),
      fc.constantFrom(Uint8Array.of(0), Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(4)),
      fc.integer({ min: 0x100, max: VPCD_MAX_PAYLOAD_LEN }).map((n) => new Uint8Array(n).fill(n & 0xff)),
    );
    fc.assert(
      fc.property(fc.array(msg, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 20 }), (msgs, cuts) => {
        const stream = concatBytes(...msgs.map(encodeVpcdFrame));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const d = new VpcdFrameDecoder();
        const out: Uint8Array[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          out.push(...d.push(stream.subarray(prev, p)));
          prev = p;
        }
        expect(out.length).toBe(msgs.length);
        out.forEach((m, i) => expect(Buffer.from(m).equals(Buffer.from(msgs[i]))).toBe(true));
        expect(d.pendingLen).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('decodes a 65007-byte message fed byte by byte in linear time', () => {
    const payload = new Uint8Array(65007).map((_, i) => i & 0xff);
    const stream = encodeVpcdFrame(payload);
    const d = new VpcdFrameDecoder();
    const out: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...d.push(stream.subarray(i, i + 1)));
    expect(out).toHaveLength(1);
    expect(Buffer.from(out[0]).equals(Buffer.from(payload))).toBe(true);
  });
});
