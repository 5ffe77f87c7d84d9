/**
 * Internal: the SM2 recommended curve sm2p256v1 (GB/T 32918.5-2017 §3 / GM/T 0003.5-2012) and a
 * Jacobian-coordinate point engine specialised for it.
 *
 * Why not @noble/curves' weierstrass engine: measured here (Node 20, one core) its generic
 * complete-formula arithmetic gave 942 G·k/s and 370 u1·G+u2·P/s, while this engine (a = −3
 * doubling, mixed affine additions, signed-digit combs over precomputed affine tables) is several
 * times faster; the bench (bench/crypto.bench.ts) keeps both in view. noble stays in the test
 * suite as the independent oracle for every scalar multiplication.
 *
 * Timing: BigInt arithmetic is not constant time and V8 gives no guarantee. Secret-scalar paths
 * (`mulBase`, `mulSecret`) use a fixed sequence of table additions and doublings whatever the
 * scalar (zero digits add into a dummy accumulator): algorithmic regularity only. Functions
 * named `…Unsafe` branch on the scalar and are for public scalars (verification) only.
 */

/** Field prime p = 2^256 − 2^224 − 2^96 + 2^64 − 1 (GB/T 32918.5 §3). */
export const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
/** Curve coefficient a = p − 3. */
export const A = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn;
/** Curve coefficient b. */
export const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
/** Order n of the base point (cofactor h = 1). */
export const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
/** Base point G. */
export const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
export const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

/** An affine point; the point at infinity is never represented in affine form. */
export interface Affine {
  readonly x: bigint;
  readonly y: bigint;
}

/** A mutable Jacobian point (X/Z², Y/Z³); Z = 0 is the point at infinity. */
export interface Jacobian {
  x: bigint;
  y: bigint;
  z: bigint;
}

/** Non-negative remainder of a modulo m. */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/**
 * Inverse of a modulo m (m odd, gcd(a, m) = 1) by Lehmer's extended Euclidean algorithm (Knuth,
 * TAOCP vol. 2 §4.5.2, Algorithm L): the quotients are found on the leading 52 bits as doubles
 * (exact: every intermediate stays below 2^53) and applied to the BigInts only once per ~25 steps.
 * Measured here ~5× faster than the plain BigInt Euclid, which spends one BigInt division per
 * quotient; that made the affine conversion a quarter of an SM2 signature.
 * @throws RangeError when a ≡ 0 or a is not invertible.
 */
export function invert(a: bigint, m: bigint): bigint {
  let u = m;
  let v = mod(a, m);
  if (v === 0n) throw new RangeError('invert: zero has no inverse');
  // Invariants: u ≡ cu·a, v ≡ cv·a (mod m).
  let cu = 0n;
  let cv = 1n;
  while (v !== 0n) {
    const bits = bitLength(u);
    if (bits <= 52) {
      // Both fit in a double: finish with plain Euclid on Numbers for the remainders.
      let un = Number(u);
      let vn = Number(v);
      while (vn !== 0) {
        const q = Math.floor(un / vn);
        const t = un - q * vn;
        un = vn;
        vn = t;
        const tc = cu - BigInt(q) * cv;
        cu = cv;
        cv = tc;
      }
      u = BigInt(un);
      v = 0n;
      break;
    }
    const shift = BigInt(bits - 52);
    let uh = Number(u >> shift);
    let vh = Number(v >> shift);
    let A = 1;
    let B = 0;
    let C = 0;
    let D = 1;
    for (;;) {
      if (vh + C === 0 || vh + D === 0) break;
      const q = Math.floor((uh + A) / (vh + C));
      if (q !== Math.floor((uh + B) / (vh + D))) break;
      let t = A - q * C;
      A = C;
      C = t;
      t = B - q * D;
      B = D;
      D = t;
      t = uh - q * vh;
      uh = vh;
      vh = t;
    }
    if (B === 0) {
      const q = u / v;
      const t = u - q * v;
      u = v;
      v = t;
      const tc = cu - q * cv;
      cu = cv;
      cv = tc;
    } else {
      const a1 = BigInt(A);
      const b1 = BigInt(B);
      const c1 = BigInt(C);
      const d1 = BigInt(D);
      const nu = a1 * u + b1 * v;
      v = c1 * u + d1 * v;
      u = nu;
      const ncu = a1 * cu + b1 * cv;
      cv = c1 * cu + d1 * cv;
      cu = ncu;
    }
  }
  if (u !== 1n) throw new RangeError('invert: not invertible');
  return mod(cu, m);
}

function bitLength(x: bigint): number {
  // toString(16) is the fastest bit-length probe for 256-bit BigInts in V8 measured here.
  const hex = x.toString(16);
  return hex.length * 4 - (Math.clz32(parseInt(hex[0], 16)) - 28);
}

/** True when (x, y) satisfies y² = x³ + ax + b over F_p with both coordinates in [0, p). */
export function isOnCurve(x: bigint, y: bigint): boolean {
  if (x < 0n || x >= P || y < 0n || y >= P) return false;
  return (y * y - ((x * x + A) % P) * x - B) % P === 0n;
}

/** Square root mod p (p ≡ 3 mod 4), or undefined when a is not a square. */
export function sqrtModP(a: bigint): bigint | undefined {
  const r = powMod(a, (P + 1n) / 4n, P);
  return (r * r) % P === mod(a, P) ? r : undefined;
}

function powMod(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  while (exp > 0n) {
    if (exp & 1n) result = (result * b) % m;
    b = (b * b) % m;
    exp >>= 1n;
  }
  return result;
}

export function jacobian(p: Affine): Jacobian {
  return { x: p.x, y: p.y, z: 1n };
}

export const infinity = (): Jacobian => ({ x: 1n, y: 1n, z: 0n });

/** In-place doubling, a = −3 formula dbl-2001-b (3M + 5S). */
export function dbl(p: Jacobian): void {
  const { x, y, z } = p;
  if (z === 0n || y === 0n) {
    p.z = 0n;
    return;
  }
  const delta = (z * z) % P;
  const gamma = (y * y) % P;
  const beta = (x * gamma) % P;
  const alpha = (3n * (x - delta) * (x + delta)) % P;
  let x3 = (alpha * alpha - 8n * beta) % P;
  if (x3 < 0n) x3 += P;
  let z3 = ((y + z) * (y + z) - gamma - delta) % P;
  if (z3 < 0n) z3 += P;
  let y3 = (alpha * (4n * beta - x3) - ((8n * gamma * gamma) % P)) % P;
  if (y3 < 0n) y3 += P;
  p.x = x3;
  p.y = y3;
  p.z = z3;
}

/** In-place mixed addition p += (qx, qy) with an affine q (8M + 3S); handles every special case. */
export function madd(p: Jacobian, qx: bigint, qy: bigint): void {
  const { x, y, z } = p;
  if (z === 0n) {
    p.x = qx;
    p.y = qy;
    p.z = 1n;
    return;
  }
  const zz = (z * z) % P;
  let h = ((qx * zz) % P) - x;
  let r = ((((qy * z) % P) * zz) % P) - y;
  if (h < 0n) h += P;
  if (r < 0n) r += P;
  if (h === 0n) {
    // Same x: either the same point (double it) or its negation (the sum is infinity).
    if (r === 0n) dbl(p);
    else p.z = 0n;
    return;
  }
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (x * hh) % P;
  let x3 = (r * r - hhh - 2n * v) % P;
  if (x3 < 0n) x3 += P;
  let y3 = (r * (v - x3) - y * hhh) % P;
  if (y3 < 0n) y3 += P;
  p.x = x3;
  p.y = y3;
  p.z = (z * h) % P;
}

/** In-place full Jacobian addition p += q (12M + 4S); handles every special case. */
export function add(p: Jacobian, q: Jacobian): void {
  if (q.z === 0n) return;
  if (p.z === 0n) {
    p.x = q.x;
    p.y = q.y;
    p.z = q.z;
    return;
  }
  const z1z1 = (p.z * p.z) % P;
  const z2z2 = (q.z * q.z) % P;
  const u1 = (p.x * z2z2) % P;
  const u2 = (q.x * z1z1) % P;
  const s1 = (((p.y * q.z) % P) * z2z2) % P;
  const s2 = (((q.y * p.z) % P) * z1z1) % P;
  let h = u2 - u1;
  let r = s2 - s1;
  if (h < 0n) h += P;
  if (r < 0n) r += P;
  if (h === 0n) {
    if (r === 0n) dbl(p);
    else p.z = 0n;
    return;
  }
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (u1 * hh) % P;
  let x3 = (r * r - hhh - 2n * v) % P;
  if (x3 < 0n) x3 += P;
  let y3 = (r * (v - x3) - s1 * hhh) % P;
  if (y3 < 0n) y3 += P;
  p.x = x3;
  p.y = y3;
  p.z = (((p.z * q.z) % P) * h) % P;
}

/** Affine form of p, or undefined for infinity. */
export function toAffine(p: Jacobian): Affine | undefined {
  if (p.z === 0n) return undefined;
  const zi = invert(p.z, P);
  const zi2 = (zi * zi) % P;
  return { x: (p.x * zi2) % P, y: (((p.y * zi2) % P) * zi) % P };
}

/**
 * Affine forms of many points with one inversion (Montgomery's trick).
 * @throws RangeError when a point is infinity (tables never hold it).
 */
export function batchToAffine(points: Jacobian[]): Affine[] {
  const prefix: bigint[] = new Array(points.length);
  let acc = 1n;
  for (let i = 0; i < points.length; i++) {
    if (points[i].z === 0n) throw new RangeError('batchToAffine: point at infinity');
    prefix[i] = acc;
    acc = (acc * points[i].z) % P;
  }
  let inv = invert(acc, P);
  const out: Affine[] = new Array(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const zi = (inv * prefix[i]) % P;
    inv = (inv * points[i].z) % P;
    const zi2 = (zi * zi) % P;
    out[i] = { x: (points[i].x * zi2) % P, y: (((points[i].y * zi2) % P) * zi) % P };
  }
  return out;
}

/**
 * A signed-digit fixed-base comb: for window i and digit d in 1..2^(w−1) it holds
 * d·2^(w·i)·Q in affine form, so Q·k costs ⌈256/w⌉+1 mixed additions and no doubling.
 */
export class Comb {
  readonly windowBits: number;
  readonly windows: number;
  /** xs[i * half + d − 1], ys[…] */
  private readonly xs: bigint[];
  private readonly ys: bigint[];
  private readonly half: number;

  constructor(q: Affine, windowBits: number) {
    this.windowBits = windowBits;
    this.half = 1 << (windowBits - 1);
    this.windows = Math.ceil(256 / windowBits) + 1; // +1 window for the carry of signed recoding
    const jac: Jacobian[] = [];
    let base = jacobian(q);
    for (let i = 0; i < this.windows; i++) {
      const cur = { ...base };
      jac.push({ ...cur });
      for (let d = 2; d <= this.half; d++) {
        add(cur, base);
        jac.push({ ...cur });
      }
      // base ← 2^w · base: one doubling past half·base (= 2^(w−1)·base)
      base = { ...cur };
      dbl(base);
    }
    const aff = batchToAffine(jac);
    this.xs = aff.map((a) => a.x);
    this.ys = aff.map((a) => a.y);
  }

  /** k·Q with a fixed sequence of additions (k secret); k in [0, 2^256). */
  mul(k: bigint): Jacobian {
    const acc = infinity();
    const dummy = infinity();
    const { windowBits: w, half, xs, ys } = this;
    const mask = BigInt((1 << w) - 1);
    const full = 1 << w;
    let carry = 0;
    for (let i = 0; i < this.windows; i++) {
      let d = Number(k & mask) + carry;
      k >>= BigInt(w);
      carry = d >= half ? 1 : 0;
      d -= carry * full;
      const idx = i * half + (d < 0 ? -d : d === 0 ? 1 : d) - 1;
      const y = d < 0 ? P - ys[idx] : ys[idx];
      madd(d === 0 ? dummy : acc, xs[idx], y);
    }
    return acc;
  }

  /** k·Q skipping zero digits (k public). */
  mulUnsafe(k: bigint, acc: Jacobian = infinity()): Jacobian {
    const { windowBits: w, half, xs, ys } = this;
    const mask = BigInt((1 << w) - 1);
    const full = 1 << w;
    let carry = 0;
    for (let i = 0; i < this.windows && (k !== 0n || carry !== 0); i++) {
      let d = Number(k & mask) + carry;
      k >>= BigInt(w);
      carry = d >= half ? 1 : 0;
      d -= carry * full;
      if (d === 0) continue;
      const idx = i * half + (d < 0 ? -d : d) - 1;
      madd(acc, xs[idx], d < 0 ? P - ys[idx] : ys[idx]);
    }
    return acc;
  }
}

/** The base point as affine. */
export const G: Affine = { x: GX, y: GY };

let baseComb: Comb | undefined;
/** The comb for G, built on first use (~4 200 affine points, a few tens of ms). */
export function gComb(): Comb {
  return (baseComb ??= new Comb(G, 8));
}

/** k·G for a secret k in [1, n). */
export function mulBase(k: bigint): Jacobian {
  return gComb().mul(k);
}

/** Odd multiples P, 3P, …, (2^(w−1)−1)·P... as affine, for wNAF. */
function oddMultiples(q: Affine, count: number): Affine[] {
  const twoQ = jacobian(q);
  dbl(twoQ);
  const twoQa = toAffine(twoQ);
  const jac: Jacobian[] = [jacobian(q)];
  for (let i = 1; i < count; i++) {
    const next = { ...jac[i - 1] };
    if (twoQa) madd(next, twoQa.x, twoQa.y);
    jac.push(next);
  }
  return batchToAffine(jac);
}

/** Width-w NAF digits of k, least significant first. */
function wnaf(k: bigint, w: number): Int8Array {
  const out = new Int8Array(258);
  const full = 1 << w;
  const half = full >> 1;
  const mask = BigInt(full - 1);
  let i = 0;
  while (k > 0n) {
    if (k & 1n) {
      let d = Number(k & mask);
      if (d >= half) d -= full;
      out[i] = d;
      k -= BigInt(d);
    }
    k >>= 1n;
    i++;
  }
  return out.subarray(0, i);
}

/** k·Q for a public k and arbitrary affine Q (wNAF, width 5). */
export function mulUnsafe(q: Affine, k: bigint, acc: Jacobian = infinity()): Jacobian {
  const table = oddMultiples(q, 8);
  const digits = wnaf(k, 5);
  const r = infinity();
  for (let i = digits.length - 1; i >= 0; i--) {
    dbl(r);
    const d = digits[i];
    if (d > 0) madd(r, table[(d - 1) >> 1].x, table[(d - 1) >> 1].y);
    else if (d < 0) madd(r, table[(-d - 1) >> 1].x, P - table[(-d - 1) >> 1].y);
  }
  add(acc, r);
  return acc;
}

/**
 * k·Q for a secret k and arbitrary affine Q: fixed 4-bit windows, 4 doublings and one table
 * addition per window whatever the digit (a zero digit adds into a dummy accumulator).
 */
export function mulSecret(q: Affine, k: bigint): Jacobian {
  // table[d] = d·Q for d = 1..15
  const jac: Jacobian[] = [jacobian(q)];
  for (let d = 2; d <= 15; d++) {
    const next = { ...jac[d - 2] };
    madd(next, q.x, q.y);
    jac.push(next);
  }
  const table = batchToAffine(jac.filter((j) => j.z !== 0n));
  if (table.length !== 15) throw new RangeError('mulSecret: point of small order');
  const acc = infinity();
  const dummy = infinity();
  for (let i = 63; i >= 0; i--) {
    dbl(acc);
    dbl(acc);
    dbl(acc);
    dbl(acc);
    const d = Number((k >> BigInt(4 * i)) & 15n);
    const t = table[d === 0 ? 0 : d - 1];
    madd(d === 0 ? dummy : acc, t.x, t.y);
  }
  return acc;
}
