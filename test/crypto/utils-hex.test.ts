// bytesToHex and hexToBytes against node:Buffer (an independent hex codec), across the length where
// bytesToHex switches from appending digits to decoding them (24 bytes), on views with offsets.
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';
import { seeded } from './support/prng.js';

describe('bytesToHex', () => {
  it('agrees with Buffer for every length to 300, random bytes, and round-trips', () => {
    const rand = seeded(0x4e58);
    for (let n = 0; n <= 300; n++) {
      const b = rand.bytes(n);
      const want = Buffer.from(b).toString('hex');
      expect(bytesToHex(b)).toBe(want);
      expect(hexToBytes(want)).toEqual(b);
    }
  });

  it('covers every byte value, and reads a view at its offset, not its buffer', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(bytesToHex(all)).toBe(Buffer.from(all).toString('hex'));
    const view = all.subarray(200, 240);
    expect(bytesToHex(view)).toBe(Buffer.from(view).toString('hex'));
    expect(bytesToHex(Buffer.from(view))).toBe(Buffer.from(view).toString('hex'));
  });

  it('gives each call its own string (a long one, then a shorter one, then the long one again)', () => {
    const long = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255);
    const a = bytesToHex(long);
    const b = bytesToHex(long.subarray(0, 30));
    expect(bytesToHex(long)).toBe(a);
    expect(a.startsWith(b)).toBe(true);
    expect(a).toHaveLength(2000);
  });

  it('refuses what is not bytes', () => {
    expect(() => bytesToHex('00' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
