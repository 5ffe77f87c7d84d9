// Recomputes the key-exchange shared point U of GB/T 32918.3 §6.1 (A4–A7) from the engine's
// primitives, so the test can compare it with the published xU, yU.
import { invert, mulBase, mulSecret, mulUnsafe, N, toAffine } from '../../../crypto/_sm2-curve.js';
import { decodePoint } from '../../../crypto/sm2.js';
import { bytesToBigInt, bytesToHex } from '../../../crypto/utils.js';

const xBar = (x: bigint) => (1n << 127n) + (x & ((1n << 127n) - 1n));

export function _sharedPointForTest(dA: Uint8Array, rA: Uint8Array, RA: Uint8Array, PB: Uint8Array, RB: Uint8Array): { x: string; y: string } {
  void invert;
  void mulBase;
  const ra = decodePoint(RA);
  const t = (bytesToBigInt(dA) + xBar(ra.x) * bytesToBigInt(rA)) % N;
  const rb = decodePoint(RB);
  const pb = decodePoint(PB);
  const sum = toAffine(mulUnsafe(rb, xBar(rb.x), { x: pb.x, y: pb.y, z: 1n }))!;
  const u = toAffine(mulSecret(sum, t))!;
  const hex = (v: bigint) => bytesToHex(Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex')));
  return { x: hex(u.x), y: hex(u.y) };
}
