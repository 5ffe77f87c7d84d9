/**
 * SM3 cryptographic hash (GB/T 32905-2016), HMAC-SM3 (RFC 2104 with SM3, as GM/T 0042-2015
 * uses it) and the SM2 key derivation function (GB/T 32918.4-2016 §5.4.3).
 *
 * `sm3` follows the noble-hashes shape: a callable value with `outputLen`, `blockLen` and
 * `create()` for streaming. The one-shot functions do not go through the streaming object: they
 * hash whole blocks straight from the caller's bytes and pad in a module scratch block, so the
 * only allocation per call is the result (and a DataView when the input holds a whole block).
 * Algorithmic constant time (no secret-dependent branches or table look-ups); the JIT gives no
 * guarantee.
 */
import { abytes, aint } from './utils.js';

const BLOCK_LEN = 64;
const OUTPUT_LEN = 32;
/** GB/T 32905-2016 §4.1, as signed 32-bit words. */
const IV = Int32Array.of(0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e);
/** Largest KDF output: the counter is 32 bits and starts at 1 (GB/T 32918.4-2016 §5.4.3). */
const KDF_MAX_LEN = (2 ** 32 - 1) * OUTPUT_LEN;

/**
 * The compression function CF (GB/T 32905-2016 §5.3) over `blocks` consecutive blocks of `v`
 * from byte `off`, updating the state `s` in place.
 *
 * Written out round by round (the text is generated, one pattern repeated): with 68 message words
 * as locals and the rotated constants T_j <<< (j mod 32) as literals, V8 keeps everything in
 * registers or stack slots and skips array bounds checks; measured 2.3x the throughput of the
 * same rounds as a loop over an Int32Array(68) (and helper functions such as rotl() are not
 * inlined into a function this large, which costs 8x). Each W_{j+4} is expanded just before round
 * j, the first that needs it (as W'_j = W_j ^ W_{j+4}). Instead of shifting the eight registers
 * each round, round j writes the new A into the slot of D and the new E into the slot of H, and
 * rotates B and F in place; the next round reads the names shifted by one, so after four rounds
 * (and after 64) the names line up again. In each round t = A <<< 12 and u = SS1, so SS2 = u ^ t.
 */
function compress(s: Int32Array, v: DataView, off: number, blocks: number): void {
  let A = s[0], B = s[1], C = s[2], D = s[3], E = s[4], F = s[5], G = s[6], H = s[7];
  let t = 0, u = 0;
  for (; blocks > 0; blocks--, off += BLOCK_LEN) {
    let a = A, b = B, c = C, d = D, e = E, f = F, g = G, h = H;
    const w0 = v.getInt32(off); const w1 = v.getInt32(off + 4); const w2 = v.getInt32(off + 8); const w3 = v.getInt32(off + 12);
    const w4 = v.getInt32(off + 16); const w5 = v.getInt32(off + 20); const w6 = v.getInt32(off + 24); const w7 = v.getInt32(off + 28);
    const w8 = v.getInt32(off + 32); const w9 = v.getInt32(off + 36); const w10 = v.getInt32(off + 40); const w11 = v.getInt32(off + 44);
    const w12 = v.getInt32(off + 48); const w13 = v.getInt32(off + 52); const w14 = v.getInt32(off + 56); const w15 = v.getInt32(off + 60);
    // Rounds 0-15: FF = GG = x ^ y ^ z, T = 0x79cc4519 <<< j.
    t = (a << 12) | (a >>> 20); u = (t + e + 0x79cc4519) | 0; u = (u << 7) | (u >>> 25);
    d = ((a ^ b ^ c) + d + (u ^ t) + (w0 ^ w4)) | 0; b = (b << 9) | (b >>> 23);
    h = ((e ^ f ^ g) + h + u + w0) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    t = (d << 12) | (d >>> 20); u = (t + h + 0xf3988a32) | 0; u = (u << 7) | (u >>> 25);
    c = ((d ^ a ^ b) + c + (u ^ t) + (w1 ^ w5)) | 0; a = (a << 9) | (a >>> 23);
    g = ((h ^ e ^ f) + g + u + w1) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    t = (c << 12) | (c >>> 20); u = (t + g + 0xe7311465) | 0; u = (u << 7) | (u >>> 25);
    b = ((c ^ d ^ a) + b + (u ^ t) + (w2 ^ w6)) | 0; d = (d << 9) | (d >>> 23);
    f = ((g ^ h ^ e) + f + u + w2) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    t = (b << 12) | (b >>> 20); u = (t + f + 0xce6228cb) | 0; u = (u << 7) | (u >>> 25);
    a = ((b ^ c ^ d) + a + (u ^ t) + (w3 ^ w7)) | 0; c = (c << 9) | (c >>> 23);
    e = ((f ^ g ^ h) + e + u + w3) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    t = (a << 12) | (a >>> 20); u = (t + e + 0x9cc45197) | 0; u = (u << 7) | (u >>> 25);
    d = ((a ^ b ^ c) + d + (u ^ t) + (w4 ^ w8)) | 0; b = (b << 9) | (b >>> 23);
    h = ((e ^ f ^ g) + h + u + w4) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    t = (d << 12) | (d >>> 20); u = (t + h + 0x3988a32f) | 0; u = (u << 7) | (u >>> 25);
    c = ((d ^ a ^ b) + c + (u ^ t) + (w5 ^ w9)) | 0; a = (a << 9) | (a >>> 23);
    g = ((h ^ e ^ f) + g + u + w5) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    t = (c << 12) | (c >>> 20); u = (t + g + 0x7311465e) | 0; u = (u << 7) | (u >>> 25);
    b = ((c ^ d ^ a) + b + (u ^ t) + (w6 ^ w10)) | 0; d = (d << 9) | (d >>> 23);
    f = ((g ^ h ^ e) + f + u + w6) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    t = (b << 12) | (b >>> 20); u = (t + f + 0xe6228cbc) | 0; u = (u << 7) | (u >>> 25);
    a = ((b ^ c ^ d) + a + (u ^ t) + (w7 ^ w11)) | 0; c = (c << 9) | (c >>> 23);
    e = ((f ^ g ^ h) + e + u + w7) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    t = (a << 12) | (a >>> 20); u = (t + e + 0xcc451979) | 0; u = (u << 7) | (u >>> 25);
    d = ((a ^ b ^ c) + d + (u ^ t) + (w8 ^ w12)) | 0; b = (b << 9) | (b >>> 23);
    h = ((e ^ f ^ g) + h + u + w8) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    t = (d << 12) | (d >>> 20); u = (t + h + 0x988a32f3) | 0; u = (u << 7) | (u >>> 25);
    c = ((d ^ a ^ b) + c + (u ^ t) + (w9 ^ w13)) | 0; a = (a << 9) | (a >>> 23);
    g = ((h ^ e ^ f) + g + u + w9) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    t = (c << 12) | (c >>> 20); u = (t + g + 0x311465e7) | 0; u = (u << 7) | (u >>> 25);
    b = ((c ^ d ^ a) + b + (u ^ t) + (w10 ^ w14)) | 0; d = (d << 9) | (d >>> 23);
    f = ((g ^ h ^ e) + f + u + w10) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    t = (b << 12) | (b >>> 20); u = (t + f + 0x6228cbce) | 0; u = (u << 7) | (u >>> 25);
    a = ((b ^ c ^ d) + a + (u ^ t) + (w11 ^ w15)) | 0; c = (c << 9) | (c >>> 23);
    e = ((f ^ g ^ h) + e + u + w11) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w0 ^ w7 ^ ((w13 << 15) | (w13 >>> 17));
    const w16 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w3 << 7) | (w3 >>> 25)) ^ w10;
    t = (a << 12) | (a >>> 20); u = (t + e + 0xc451979c) | 0; u = (u << 7) | (u >>> 25);
    d = ((a ^ b ^ c) + d + (u ^ t) + (w12 ^ w16)) | 0; b = (b << 9) | (b >>> 23);
    h = ((e ^ f ^ g) + h + u + w12) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w1 ^ w8 ^ ((w14 << 15) | (w14 >>> 17));
    const w17 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w4 << 7) | (w4 >>> 25)) ^ w11;
    t = (d << 12) | (d >>> 20); u = (t + h + 0x88a32f39) | 0; u = (u << 7) | (u >>> 25);
    c = ((d ^ a ^ b) + c + (u ^ t) + (w13 ^ w17)) | 0; a = (a << 9) | (a >>> 23);
    g = ((h ^ e ^ f) + g + u + w13) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w2 ^ w9 ^ ((w15 << 15) | (w15 >>> 17));
    const w18 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w5 << 7) | (w5 >>> 25)) ^ w12;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x11465e73) | 0; u = (u << 7) | (u >>> 25);
    b = ((c ^ d ^ a) + b + (u ^ t) + (w14 ^ w18)) | 0; d = (d << 9) | (d >>> 23);
    f = ((g ^ h ^ e) + f + u + w14) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w3 ^ w10 ^ ((w16 << 15) | (w16 >>> 17));
    const w19 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w6 << 7) | (w6 >>> 25)) ^ w13;
    t = (b << 12) | (b >>> 20); u = (t + f + 0x228cbce6) | 0; u = (u << 7) | (u >>> 25);
    a = ((b ^ c ^ d) + a + (u ^ t) + (w15 ^ w19)) | 0; c = (c << 9) | (c >>> 23);
    e = ((f ^ g ^ h) + e + u + w15) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    // Rounds 16-63: FF = majority, GG = choose, T = 0x7a879d8a <<< (j mod 32).
    u = w4 ^ w11 ^ ((w17 << 15) | (w17 >>> 17));
    const w20 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w7 << 7) | (w7 >>> 25)) ^ w14;
    t = (a << 12) | (a >>> 20); u = (t + e + 0x9d8a7a87) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w16 ^ w20)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w16) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w5 ^ w12 ^ ((w18 << 15) | (w18 >>> 17));
    const w21 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w8 << 7) | (w8 >>> 25)) ^ w15;
    t = (d << 12) | (d >>> 20); u = (t + h + 0x3b14f50f) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w17 ^ w21)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w17) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w6 ^ w13 ^ ((w19 << 15) | (w19 >>> 17));
    const w22 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w9 << 7) | (w9 >>> 25)) ^ w16;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x7629ea1e) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w18 ^ w22)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w18) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w7 ^ w14 ^ ((w20 << 15) | (w20 >>> 17));
    const w23 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w10 << 7) | (w10 >>> 25)) ^ w17;
    t = (b << 12) | (b >>> 20); u = (t + f + 0xec53d43c) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w19 ^ w23)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w19) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w8 ^ w15 ^ ((w21 << 15) | (w21 >>> 17));
    const w24 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w11 << 7) | (w11 >>> 25)) ^ w18;
    t = (a << 12) | (a >>> 20); u = (t + e + 0xd8a7a879) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w20 ^ w24)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w20) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w9 ^ w16 ^ ((w22 << 15) | (w22 >>> 17));
    const w25 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w12 << 7) | (w12 >>> 25)) ^ w19;
    t = (d << 12) | (d >>> 20); u = (t + h + 0xb14f50f3) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w21 ^ w25)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w21) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w10 ^ w17 ^ ((w23 << 15) | (w23 >>> 17));
    const w26 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w13 << 7) | (w13 >>> 25)) ^ w20;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x629ea1e7) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w22 ^ w26)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w22) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w11 ^ w18 ^ ((w24 << 15) | (w24 >>> 17));
    const w27 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w14 << 7) | (w14 >>> 25)) ^ w21;
    t = (b << 12) | (b >>> 20); u = (t + f + 0xc53d43ce) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w23 ^ w27)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w23) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w12 ^ w19 ^ ((w25 << 15) | (w25 >>> 17));
    const w28 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w15 << 7) | (w15 >>> 25)) ^ w22;
    t = (a << 12) | (a >>> 20); u = (t + e + 0x8a7a879d) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w24 ^ w28)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w24) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w13 ^ w20 ^ ((w26 << 15) | (w26 >>> 17));
    const w29 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w16 << 7) | (w16 >>> 25)) ^ w23;
    t = (d << 12) | (d >>> 20); u = (t + h + 0x14f50f3b) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w25 ^ w29)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w25) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w14 ^ w21 ^ ((w27 << 15) | (w27 >>> 17));
    const w30 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w17 << 7) | (w17 >>> 25)) ^ w24;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x29ea1e76) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w26 ^ w30)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w26) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w15 ^ w22 ^ ((w28 << 15) | (w28 >>> 17));
    const w31 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w18 << 7) | (w18 >>> 25)) ^ w25;
    t = (b << 12) | (b >>> 20); u = (t + f + 0x53d43cec) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w27 ^ w31)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w27) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w16 ^ w23 ^ ((w29 << 15) | (w29 >>> 17));
    const w32 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w19 << 7) | (w19 >>> 25)) ^ w26;
    t = (a << 12) | (a >>> 20); u = (t + e + 0xa7a879d8) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w28 ^ w32)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w28) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w17 ^ w24 ^ ((w30 << 15) | (w30 >>> 17));
    const w33 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w20 << 7) | (w20 >>> 25)) ^ w27;
    t = (d << 12) | (d >>> 20); u = (t + h + 0x4f50f3b1) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w29 ^ w33)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w29) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w18 ^ w25 ^ ((w31 << 15) | (w31 >>> 17));
    const w34 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w21 << 7) | (w21 >>> 25)) ^ w28;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x9ea1e762) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w30 ^ w34)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w30) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w19 ^ w26 ^ ((w32 << 15) | (w32 >>> 17));
    const w35 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w22 << 7) | (w22 >>> 25)) ^ w29;
    t = (b << 12) | (b >>> 20); u = (t + f + 0x3d43cec5) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w31 ^ w35)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w31) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w20 ^ w27 ^ ((w33 << 15) | (w33 >>> 17));
    const w36 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w23 << 7) | (w23 >>> 25)) ^ w30;
    t = (a << 12) | (a >>> 20); u = (t + e + 0x7a879d8a) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w32 ^ w36)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w32) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w21 ^ w28 ^ ((w34 << 15) | (w34 >>> 17));
    const w37 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w24 << 7) | (w24 >>> 25)) ^ w31;
    t = (d << 12) | (d >>> 20); u = (t + h + 0xf50f3b14) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w33 ^ w37)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w33) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w22 ^ w29 ^ ((w35 << 15) | (w35 >>> 17));
    const w38 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w25 << 7) | (w25 >>> 25)) ^ w32;
    t = (c << 12) | (c >>> 20); u = (t + g + 0xea1e7629) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w34 ^ w38)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w34) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w23 ^ w30 ^ ((w36 << 15) | (w36 >>> 17));
    const w39 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w26 << 7) | (w26 >>> 25)) ^ w33;
    t = (b << 12) | (b >>> 20); u = (t + f + 0xd43cec53) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w35 ^ w39)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w35) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w24 ^ w31 ^ ((w37 << 15) | (w37 >>> 17));
    const w40 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w27 << 7) | (w27 >>> 25)) ^ w34;
    t = (a << 12) | (a >>> 20); u = (t + e + 0xa879d8a7) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w36 ^ w40)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w36) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w25 ^ w32 ^ ((w38 << 15) | (w38 >>> 17));
    const w41 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w28 << 7) | (w28 >>> 25)) ^ w35;
    t = (d << 12) | (d >>> 20); u = (t + h + 0x50f3b14f) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w37 ^ w41)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w37) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w26 ^ w33 ^ ((w39 << 15) | (w39 >>> 17));
    const w42 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w29 << 7) | (w29 >>> 25)) ^ w36;
    t = (c << 12) | (c >>> 20); u = (t + g + 0xa1e7629e) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w38 ^ w42)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w38) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w27 ^ w34 ^ ((w40 << 15) | (w40 >>> 17));
    const w43 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w30 << 7) | (w30 >>> 25)) ^ w37;
    t = (b << 12) | (b >>> 20); u = (t + f + 0x43cec53d) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w39 ^ w43)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w39) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w28 ^ w35 ^ ((w41 << 15) | (w41 >>> 17));
    const w44 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w31 << 7) | (w31 >>> 25)) ^ w38;
    t = (a << 12) | (a >>> 20); u = (t + e + 0x879d8a7a) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w40 ^ w44)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w40) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w29 ^ w36 ^ ((w42 << 15) | (w42 >>> 17));
    const w45 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w32 << 7) | (w32 >>> 25)) ^ w39;
    t = (d << 12) | (d >>> 20); u = (t + h + 0x0f3b14f5) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w41 ^ w45)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w41) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w30 ^ w37 ^ ((w43 << 15) | (w43 >>> 17));
    const w46 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w33 << 7) | (w33 >>> 25)) ^ w40;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x1e7629ea) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w42 ^ w46)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w42) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w31 ^ w38 ^ ((w44 << 15) | (w44 >>> 17));
    const w47 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w34 << 7) | (w34 >>> 25)) ^ w41;
    t = (b << 12) | (b >>> 20); u = (t + f + 0x3cec53d4) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w43 ^ w47)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w43) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w32 ^ w39 ^ ((w45 << 15) | (w45 >>> 17));
    const w48 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w35 << 7) | (w35 >>> 25)) ^ w42;
    t = (a << 12) | (a >>> 20); u = (t + e + 0x79d8a7a8) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w44 ^ w48)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w44) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w33 ^ w40 ^ ((w46 << 15) | (w46 >>> 17));
    const w49 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w36 << 7) | (w36 >>> 25)) ^ w43;
    t = (d << 12) | (d >>> 20); u = (t + h + 0xf3b14f50) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w45 ^ w49)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w45) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w34 ^ w41 ^ ((w47 << 15) | (w47 >>> 17));
    const w50 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w37 << 7) | (w37 >>> 25)) ^ w44;
    t = (c << 12) | (c >>> 20); u = (t + g + 0xe7629ea1) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w46 ^ w50)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w46) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w35 ^ w42 ^ ((w48 << 15) | (w48 >>> 17));
    const w51 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w38 << 7) | (w38 >>> 25)) ^ w45;
    t = (b << 12) | (b >>> 20); u = (t + f + 0xcec53d43) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w47 ^ w51)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w47) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w36 ^ w43 ^ ((w49 << 15) | (w49 >>> 17));
    const w52 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w39 << 7) | (w39 >>> 25)) ^ w46;
    t = (a << 12) | (a >>> 20); u = (t + e + 0x9d8a7a87) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w48 ^ w52)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w48) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w37 ^ w44 ^ ((w50 << 15) | (w50 >>> 17));
    const w53 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w40 << 7) | (w40 >>> 25)) ^ w47;
    t = (d << 12) | (d >>> 20); u = (t + h + 0x3b14f50f) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w49 ^ w53)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w49) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w38 ^ w45 ^ ((w51 << 15) | (w51 >>> 17));
    const w54 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w41 << 7) | (w41 >>> 25)) ^ w48;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x7629ea1e) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w50 ^ w54)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w50) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w39 ^ w46 ^ ((w52 << 15) | (w52 >>> 17));
    const w55 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w42 << 7) | (w42 >>> 25)) ^ w49;
    t = (b << 12) | (b >>> 20); u = (t + f + 0xec53d43c) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w51 ^ w55)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w51) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w40 ^ w47 ^ ((w53 << 15) | (w53 >>> 17));
    const w56 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w43 << 7) | (w43 >>> 25)) ^ w50;
    t = (a << 12) | (a >>> 20); u = (t + e + 0xd8a7a879) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w52 ^ w56)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w52) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w41 ^ w48 ^ ((w54 << 15) | (w54 >>> 17));
    const w57 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w44 << 7) | (w44 >>> 25)) ^ w51;
    t = (d << 12) | (d >>> 20); u = (t + h + 0xb14f50f3) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w53 ^ w57)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w53) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w42 ^ w49 ^ ((w55 << 15) | (w55 >>> 17));
    const w58 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w45 << 7) | (w45 >>> 25)) ^ w52;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x629ea1e7) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w54 ^ w58)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w54) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w43 ^ w50 ^ ((w56 << 15) | (w56 >>> 17));
    const w59 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w46 << 7) | (w46 >>> 25)) ^ w53;
    t = (b << 12) | (b >>> 20); u = (t + f + 0xc53d43ce) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w55 ^ w59)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w55) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w44 ^ w51 ^ ((w57 << 15) | (w57 >>> 17));
    const w60 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w47 << 7) | (w47 >>> 25)) ^ w54;
    t = (a << 12) | (a >>> 20); u = (t + e + 0x8a7a879d) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w56 ^ w60)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w56) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w45 ^ w52 ^ ((w58 << 15) | (w58 >>> 17));
    const w61 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w48 << 7) | (w48 >>> 25)) ^ w55;
    t = (d << 12) | (d >>> 20); u = (t + h + 0x14f50f3b) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w57 ^ w61)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w57) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w46 ^ w53 ^ ((w59 << 15) | (w59 >>> 17));
    const w62 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w49 << 7) | (w49 >>> 25)) ^ w56;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x29ea1e76) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w58 ^ w62)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w58) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w47 ^ w54 ^ ((w60 << 15) | (w60 >>> 17));
    const w63 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w50 << 7) | (w50 >>> 25)) ^ w57;
    t = (b << 12) | (b >>> 20); u = (t + f + 0x53d43cec) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w59 ^ w63)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w59) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    u = w48 ^ w55 ^ ((w61 << 15) | (w61 >>> 17));
    const w64 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w51 << 7) | (w51 >>> 25)) ^ w58;
    t = (a << 12) | (a >>> 20); u = (t + e + 0xa7a879d8) | 0; u = (u << 7) | (u >>> 25);
    d = (((a & b) | ((a | b) & c)) + d + (u ^ t) + (w60 ^ w64)) | 0; b = (b << 9) | (b >>> 23);
    h = ((g ^ (e & (f ^ g))) + h + u + w60) | 0; h ^= ((h << 9) | (h >>> 23)) ^ ((h << 17) | (h >>> 15)); f = (f << 19) | (f >>> 13);
    u = w49 ^ w56 ^ ((w62 << 15) | (w62 >>> 17));
    const w65 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w52 << 7) | (w52 >>> 25)) ^ w59;
    t = (d << 12) | (d >>> 20); u = (t + h + 0x4f50f3b1) | 0; u = (u << 7) | (u >>> 25);
    c = (((d & a) | ((d | a) & b)) + c + (u ^ t) + (w61 ^ w65)) | 0; a = (a << 9) | (a >>> 23);
    g = ((f ^ (h & (e ^ f))) + g + u + w61) | 0; g ^= ((g << 9) | (g >>> 23)) ^ ((g << 17) | (g >>> 15)); e = (e << 19) | (e >>> 13);
    u = w50 ^ w57 ^ ((w63 << 15) | (w63 >>> 17));
    const w66 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w53 << 7) | (w53 >>> 25)) ^ w60;
    t = (c << 12) | (c >>> 20); u = (t + g + 0x9ea1e762) | 0; u = (u << 7) | (u >>> 25);
    b = (((c & d) | ((c | d) & a)) + b + (u ^ t) + (w62 ^ w66)) | 0; d = (d << 9) | (d >>> 23);
    f = ((e ^ (g & (h ^ e))) + f + u + w62) | 0; f ^= ((f << 9) | (f >>> 23)) ^ ((f << 17) | (f >>> 15)); h = (h << 19) | (h >>> 13);
    u = w51 ^ w58 ^ ((w64 << 15) | (w64 >>> 17));
    const w67 = u ^ ((u << 15) | (u >>> 17)) ^ ((u << 23) | (u >>> 9)) ^ ((w54 << 7) | (w54 >>> 25)) ^ w61;
    t = (b << 12) | (b >>> 20); u = (t + f + 0x3d43cec5) | 0; u = (u << 7) | (u >>> 25);
    a = (((b & c) | ((b | c) & d)) + a + (u ^ t) + (w63 ^ w67)) | 0; c = (c << 9) | (c >>> 23);
    e = ((h ^ (f & (g ^ h))) + e + u + w63) | 0; e ^= ((e << 9) | (e >>> 23)) ^ ((e << 17) | (e >>> 15)); g = (g << 19) | (g >>> 13);
    A ^= a; B ^= b; C ^= c; D ^= d; E ^= e; F ^= f; G ^= g; H ^= h;
  }
  s[0] = A; s[1] = B; s[2] = C; s[3] = D; s[4] = E; s[5] = F; s[6] = G; s[7] = H;
}

// Scratch shared by the one-shot functions; nothing here re-enters, so one set is enough.
const PAD = new Uint8Array(2 * BLOCK_LEN);
const PAD_VIEW = new DataView(PAD.buffer);
const STATE = new Int32Array(8);
const KEY_BLOCK = new Uint8Array(BLOCK_LEN);
const KEY_VIEW = new DataView(KEY_BLOCK.buffer);
const DIGEST = new Uint8Array(OUTPUT_LEN);

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Hashes bytes[off, off+len) as the end of a message of `totalLen` bytes: whole blocks straight
 * from `bytes`, the rest in PAD with the padding of GB/T 32905-2016 §5.2.
 */
function finish(s: Int32Array, bytes: Uint8Array, off: number, len: number, totalLen: number): void {
  const rem = len % BLOCK_LEN;
  const whole = len - rem;
  if (whole > 0) compress(s, viewOf(bytes), off, whole / BLOCK_LEN);
  off += whole;
  for (let i = 0; i < rem; i++) PAD[i] = bytes[off + i];
  PAD[rem] = 0x80;
  const end = rem < BLOCK_LEN - 8 ? BLOCK_LEN : 2 * BLOCK_LEN;
  PAD.fill(0, rem + 1, end - 8);
  // The bit length is 64 bits; split it without going through 2^53 (lengths stay below 2^50).
  PAD_VIEW.setUint32(end - 8, Math.floor(totalLen / 0x20000000));
  PAD_VIEW.setUint32(end - 4, (totalLen * 8) >>> 0);
  compress(s, PAD_VIEW, 0, end / BLOCK_LEN);
}

/** Writes the state as 32 big-endian bytes at out[off]. */
function store(s: Int32Array, out: Uint8Array, off: number): void {
  for (let i = 0; i < 8; i++, off += 4) {
    const x = s[i];
    out[off] = x >>> 24;
    out[off + 1] = x >>> 16;
    out[off + 2] = x >>> 8;
    out[off + 3] = x;
  }
}

function checkOut(out: Uint8Array): void {
  abytes('out', out);
  if (out.length < OUTPUT_LEN) {
    throw new RangeError(`"out" expected Uint8Array of length >= ${OUTPUT_LEN}, got length=${out.length}`);
  }
}

/**
 * Streaming SM3: `update()` any number of times with any split, then `digest()` once.
 * Whole blocks are hashed straight from the caller's bytes; only a partial block is copied.
 */
export class Sm3 {
  readonly blockLen = BLOCK_LEN;
  readonly outputLen = OUTPUT_LEN;
  private readonly state = IV.slice();
  private readonly buffer = new Uint8Array(BLOCK_LEN);
  private readonly view = new DataView(this.buffer.buffer);
  private pos = 0;
  private length = 0;
  private finished = false;
  private destroyed = false;

  /**
   * Absorbs `data`. Returns this, for chaining.
   * @throws TypeError when data is not a Uint8Array; Error after digest() or destroy().
   */
  update(data: Uint8Array): this {
    this.check();
    abytes('data', data);
    const { buffer } = this;
    const len = data.length;
    let pos = this.pos;
    let off = 0;
    if (pos > 0) {
      off = Math.min(BLOCK_LEN - pos, len);
      for (let i = 0; i < off; i++) buffer[pos + i] = data[i];
      pos += off;
      if (pos === BLOCK_LEN) {
        compress(this.state, this.view, 0, 1);
        pos = 0;
      }
    }
    const blocks = Math.floor((len - off) / BLOCK_LEN);
    if (blocks > 0) {
      compress(this.state, viewOf(data), off, blocks);
      off += blocks * BLOCK_LEN;
    }
    for (; off < len; off++) buffer[pos++] = data[off];
    this.pos = pos;
    this.length += len;
    return this;
  }

  /**
   * Writes the 32-byte digest into out[0, 32) and wipes the state.
   * @throws TypeError / RangeError when out is not a Uint8Array of at least 32 bytes; Error when
   * called a second time or after destroy().
   */
  digestInto(out: Uint8Array): void {
    this.check();
    checkOut(out);
    this.finished = true;
    finish(this.state, this.buffer, 0, this.pos, this.length);
    store(this.state, out, 0);
    this.wipe();
  }

  /**
   * Returns the 32-byte digest and wipes the state.
   * @throws Error when called a second time or after destroy().
   */
  digest(): Uint8Array {
    const out = new Uint8Array(OUTPUT_LEN);
    this.digestInto(out);
    return out;
  }

  /**
   * Returns an independent copy of the hash in its current state (e.g. a common prefix hashed once).
   * @throws Error after digest() or destroy().
   */
  clone(): Sm3 {
    this.check();
    const c = new Sm3();
    c.state.set(this.state);
    c.buffer.set(this.buffer);
    c.pos = this.pos;
    c.length = this.length;
    return c;
  }

  /** Wipes the state; any later call except destroy() throws. */
  destroy(): void {
    this.destroyed = true;
    this.wipe();
  }

  private check(): void {
    if (this.destroyed) throw new Error('Sm3: the hash was destroyed');
    if (this.finished) throw new Error('Sm3: digest() was already called');
  }

  private wipe(): void {
    this.state.fill(0);
    this.buffer.fill(0);
    this.pos = 0;
  }
}

/** The shape of `sm3`: a function with the noble-hashes metadata. */
export interface Sm3Fn {
  (msg: Uint8Array): Uint8Array;
  readonly outputLen: number;
  readonly blockLen: number;
  /** A new streaming hash. */
  create(): Sm3;
}

/**
 * SM3 of `msg` (GB/T 32905-2016). Returns 32 bytes.
 * @throws TypeError when msg is not a Uint8Array.
 */
export const sm3: Sm3Fn = Object.assign(
  function sm3(msg: Uint8Array): Uint8Array {
    abytes('msg', msg);
    STATE.set(IV);
    finish(STATE, msg, 0, msg.length, msg.length);
    const out = new Uint8Array(OUTPUT_LEN);
    store(STATE, out, 0);
    return out;
  },
  { outputLen: OUTPUT_LEN, blockLen: BLOCK_LEN, create: (): Sm3 => new Sm3() },
);

/** Fills KEY_BLOCK with K0 ^ ipad (RFC 2104 §2): the key, hashed first when longer than a block. */
function loadKey(key: Uint8Array): void {
  KEY_BLOCK.fill(0);
  if (key.length > BLOCK_LEN) {
    STATE.set(IV);
    finish(STATE, key, 0, key.length, key.length);
    store(STATE, KEY_BLOCK, 0);
  } else {
    KEY_BLOCK.set(key);
  }
  for (let i = 0; i < BLOCK_LEN; i++) KEY_BLOCK[i] ^= 0x36;
}

/** Turns KEY_BLOCK from K0 ^ ipad into K0 ^ opad. */
function flipKey(): void {
  for (let i = 0; i < BLOCK_LEN; i++) KEY_BLOCK[i] ^= 0x36 ^ 0x5c;
}

function wipeScratch(): void {
  KEY_BLOCK.fill(0);
  DIGEST.fill(0);
  STATE.fill(0);
  PAD.fill(0);
}

/**
 * Keyed HMAC-SM3 with the ipad and opad blocks hashed once, at construction. To MAC many
 * messages under one key, create it once and `clone()` it per message.
 */
export class HmacSm3 {
  private inner: Sm3;
  private outer: Sm3;
  private finished = false;
  private destroyed = false;

  /**
   * @throws TypeError when key is not a Uint8Array (any length is allowed, including 0).
   */
  constructor(key: Uint8Array) {
    abytes('key', key);
    loadKey(key);
    this.inner = new Sm3().update(KEY_BLOCK);
    flipKey();
    this.outer = new Sm3().update(KEY_BLOCK);
    wipeScratch();
  }

  get blockLen(): number {
    return BLOCK_LEN;
  }

  get outputLen(): number {
    return OUTPUT_LEN;
  }

  /**
   * Absorbs `data`. Returns this, for chaining.
   * @throws TypeError when data is not a Uint8Array; Error after digest() or destroy().
   */
  update(data: Uint8Array): this {
    this.check();
    abytes('data', data);
    this.inner.update(data);
    return this;
  }

  /**
   * Writes the 32-byte MAC into out[0, 32) and wipes the state.
   * @throws TypeError / RangeError when out is not a Uint8Array of at least 32 bytes; Error when
   * called a second time or after destroy().
   */
  digestInto(out: Uint8Array): void {
    this.check();
    checkOut(out);
    this.finished = true;
    this.inner.digestInto(DIGEST);
    this.outer.update(DIGEST).digestInto(out);
    DIGEST.fill(0);
  }

  /**
   * Returns the 32-byte MAC and wipes the state.
   * @throws Error when called a second time or after destroy().
   */
  digest(): Uint8Array {
    const out = new Uint8Array(OUTPUT_LEN);
    this.digestInto(out);
    return out;
  }

  /**
   * Returns an independent copy in the current state, without re-hashing the key.
   * @throws Error after digest() or destroy().
   */
  clone(): HmacSm3 {
    this.check();
    // Object.create skips the constructor, which would hash a key we no longer hold.
    const c = Object.create(HmacSm3.prototype) as HmacSm3;
    c.inner = this.inner.clone();
    c.outer = this.outer.clone();
    c.finished = false;
    c.destroyed = false;
    return c;
  }

  /** Wipes the keyed states; any later call except destroy() throws. */
  destroy(): void {
    this.destroyed = true;
    this.inner.destroy();
    this.outer.destroy();
  }

  private check(): void {
    if (this.destroyed) throw new Error('HmacSm3: the MAC was destroyed');
    if (this.finished) throw new Error('HmacSm3: digest() was already called');
  }
}

/** The shape of `hmacSm3`: a function with metadata and a keyed streaming form. */
export interface HmacSm3Fn {
  (key: Uint8Array, msg: Uint8Array): Uint8Array;
  readonly outputLen: number;
  readonly blockLen: number;
  /**
   * A keyed streaming MAC with the ipad/opad states precomputed.
   * @throws TypeError when key is not a Uint8Array.
   */
  create(key: Uint8Array): HmacSm3;
}

/**
 * HMAC-SM3 of `msg` under `key` (RFC 2104 with SM3, block 64 bytes; a key longer than 64 bytes
 * is hashed first). Returns 32 bytes.
 * @throws TypeError when key or msg is not a Uint8Array.
 */
export const hmacSm3: HmacSm3Fn = Object.assign(
  function hmacSm3(key: Uint8Array, msg: Uint8Array): Uint8Array {
    abytes('key', key);
    abytes('msg', msg);
    loadKey(key);
    STATE.set(IV);
    compress(STATE, KEY_VIEW, 0, 1);
    finish(STATE, msg, 0, msg.length, BLOCK_LEN + msg.length);
    store(STATE, DIGEST, 0);
    flipKey();
    STATE.set(IV);
    compress(STATE, KEY_VIEW, 0, 1);
    finish(STATE, DIGEST, 0, OUTPUT_LEN, BLOCK_LEN + OUTPUT_LEN);
    const out = new Uint8Array(OUTPUT_LEN);
    store(STATE, out, 0);
    wipeScratch();
    return out;
  },
  { outputLen: OUTPUT_LEN, blockLen: BLOCK_LEN, create: (key: Uint8Array): HmacSm3 => new HmacSm3(key) },
);

/**
 * The key derivation function of GB/T 32918.4-2016 §5.4.3 (also used by SM2 encryption and key
 * exchange): the first `byteLen` bytes of SM3(Z ‖ ct) for ct = 1, 2, … as a 32-bit big-endian
 * counter. The standard counts klen in bits; this takes whole bytes, which is all SM2 uses.
 * Returns a new array of byteLen bytes (empty for 0).
 * @throws TypeError when z is not a Uint8Array or byteLen is not an integer; RangeError when
 * byteLen is negative or above (2^32 - 1) * 32.
 */
export function kdf(z: Uint8Array, byteLen: number): Uint8Array {
  abytes('z', z);
  aint('byteLen', byteLen, 0, KDF_MAX_LEN);
  const out = new Uint8Array(byteLen);
  if (byteLen === 0) return out;
  // Z's whole blocks are the same for every counter: hash them once, then only the tail per ct.
  const rem = z.length % BLOCK_LEN;
  const whole = z.length - rem;
  const base = IV.slice();
  if (whole > 0) compress(base, viewOf(z), 0, whole / BLOCK_LEN);
  const tail = new Uint8Array(rem + 4);
  for (let i = 0; i < rem; i++) tail[i] = z[whole + i];
  const tailView = viewOf(tail);
  for (let ct = 1, off = 0; off < byteLen; ct++, off += OUTPUT_LEN) {
    tailView.setUint32(rem, ct);
    STATE.set(base);
    finish(STATE, tail, 0, tail.length, z.length + 4);
    if (byteLen - off >= OUTPUT_LEN) {
      store(STATE, out, off);
    } else {
      store(STATE, DIGEST, 0);
      out.set(DIGEST.subarray(0, byteLen - off), off);
    }
  }
  base.fill(0);
  tail.fill(0);
  wipeScratch();
  return out;
}
