// Scalar exp/log/sin/cos written out in plain f64 arithmetic. WebAssembly's f64 add/mul/div/sqrt are exactly
// rounded IEEE operations, so these give the same bits on every engine and CPU; JS Math (and host imports)
// make no such promise. Internally f64 keeps the f32 results within ~0.5 ulp (correctly rounded but for rare
// near-ties), which also lets rope_table derive its frequencies from theta to full f32 precision.

// fdlibm's split of ln 2: LN2_HI has trailing zero bits, so k * LN2_HI is exact for |k| < 2^11.
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LOG2E: f64 = 1.44269504088896338700e+00;
const LN2: f64 = 6.93147180559945286227e-01;
const SQRT2: f64 = 1.41421356237309514547e+00;
// pi/2 split in two 33-bit halves plus a tail (fdlibm's pio2_1, pio2_2, pio2_2t): k * PIO2_1 and k * PIO2_2 are
// exact for |k| < 2^20, which bounds the accurate domain of sin/cos to |x| < 2^20 * pi/2 (~1.6e6).
const PIO2_1: f64 = 1.57079632673412561417e+00;
const PIO2_2: f64 = 6.07710050630396597660e-11;
const PIO2_2T: f64 = 2.02226624879595063154e-21;
const TWO_OVER_PI: f64 = 6.36619772367581382433e-01;

/** e^x for |x| < 708 (beyond: inf or 0). Cody-Waite reduction x = k ln2 + r, |r| <= ln2/2, Taylor to r^13. */
// @ts-ignore: decorator
@inline export function exp64(x: f64): f64 {
  if (x != x) return x;
  if (x > 709.0) return Infinity;
  if (x < -708.0) return 0.0;
  const k = nearest<f64>(x * LOG2E);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  // Taylor series of e^r; the r^14 term is below 5e-18 for |r| <= 0.3466.
  let p: f64 = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const scale = reinterpret<f64>(<i64>(<i32>k + 1023) << 52);
  return p * scale;
}

/** Natural log: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716. */
// @ts-ignore: decorator
@inline export function log64(x: f64): f64 {
  if (x != x) return x;
  if (x < 0.0) return NaN;
  if (x == 0.0) return -Infinity;
  if (x == Infinity) return x;
  let bits = reinterpret<i64>(x);
  let e = <i32>((bits >>> 52) & 0x7ff);
  if (e == 0) { // f64 subnormal: renormalise (never reached from f32 inputs)
    x *= 18014398509481984.0; // 2^54
    bits = reinterpret<i64>(x);
    e = <i32>((bits >>> 52) & 0x7ff) - 54;
  }
  e -= 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > SQRT2) { m *= 0.5; e += 1; }
  const s = (m - 1.0) / (m + 1.0);
  const s2 = s * s;
  // atanh series; the s^23 term is below 1e-19 relative.
  let p: f64 = 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  p = p * s2 + 1.0;
  return 2.0 * s * p + <f64>e * LN2;
}

// Taylor polynomials on |r| <= pi/4: truncation below 3e-14.
// @ts-ignore: decorator
@inline function sinPoly(r: f64): f64 {
  const r2 = r * r;
  let p: f64 = 1.0 / 6227020800.0;
  p = p * r2 - 1.0 / 39916800.0;
  p = p * r2 + 1.0 / 362880.0;
  p = p * r2 - 1.0 / 5040.0;
  p = p * r2 + 1.0 / 120.0;
  p = p * r2 - 1.0 / 6.0;
  return r + r * r2 * p;
}

// @ts-ignore: decorator
@inline function cosPoly(r: f64): f64 {
  const r2 = r * r;
  let p: f64 = 1.0 / 87178291200.0;
  p = p * r2 - 1.0 / 479001600.0;
  p = p * r2 + 1.0 / 3628800.0;
  p = p * r2 - 1.0 / 40320.0;
  p = p * r2 + 1.0 / 720.0;
  p = p * r2 - 1.0 / 24.0;
  p = p * r2 + 0.5;
  return 1.0 - r2 * p;
}

/** sin (which = 0) or cos (which = 1) of x: x = k pi/2 + r, then the quadrant picks the polynomial and sign. */
// @ts-ignore: decorator
@inline function sincos64(x: f64, which: i32): f64 {
  if (x != x || x == Infinity || x == -Infinity) return NaN;
  const k = nearest<f64>(x * TWO_OVER_PI);
  const r = ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_2T;
  // k mod 4 in f64 (exact for any k): a float-to-int cast of a huge k would trap.
  const quadrant = (<i32>(k - 4.0 * floor<f64>(k * 0.25)) + which) & 3;
  let v = (quadrant & 1) ? cosPoly(r) : sinPoly(r);
  // Past the accurate domain r can exceed pi/4; keep the result a sine at least.
  if (abs<f64>(x) > 1.6e6) v = min<f64>(max<f64>(v, -1.0), 1.0);
  return (quadrant & 2) ? -v : v;
}

export function sin64(x: f64): f64 { return sincos64(x, 0); }
export function cos64(x: f64): f64 { return sincos64(x, 1); }

/** f32 e^x: the f64 result rounded once; overflow to inf above ~88.72, underflow to 0 below ~-103.97.
 * Clamping to [-104, 89] changes nothing after rounding to f32 (e^-104 rounds to 0, e^89 to inf), which
 * lets expf4 below skip the branches and still give the same bits. */
export function expf(x: f32): f32 {
  if (x > 89.0) return Infinity;
  if (x < -104.0) return 0.0;
  return <f32>exp64(<f64>x);
}

/** exp64 on two f64 lanes with the same operations in the same order, hence the same bits. */
// @ts-ignore: decorator
@inline function exp64x2(x: v128): v128 {
  const k = f64x2.nearest(f64x2.mul(x, f64x2.splat(LOG2E)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(1.0 / 6227020800.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const e = i64x2.extend_low_i32x4_s(i32x4.add(i32x4.trunc_sat_f64x2_s_zero(k), i32x4.splat(1023)));
  return f64x2.mul(p, i64x2.shl(e, 52));
}

/** expf on four f32 lanes, bit-identical to expf per lane (NaN stays NaN). */
// @ts-ignore: decorator
@inline export function expf4(x: v128): v128 {
  const c = f32x4.min(f32x4.max(x, f32x4.splat(-104.0)), f32x4.splat(89.0));
  const lo = exp64x2(f64x2.promote_low_f32x4(c));
  const hi = exp64x2(f64x2.promote_low_f32x4(i32x4.shuffle(c, c, 2, 3, 2, 3)));
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** exp64's Taylor coefficients, highest first, each twice (one f64x2 each): expf4x2 loads them from memory,
 * which Node 24's V8 runs faster than materializing 13 f64x2 constants in the loop (the same values as exp64's).
 * Node 24, bit-identical outputs: swiglu 1.47x, softmax 1.37x, a 135M prefill of 128 tokens 1.04x per
 * CPU-second; Node 20 unchanged. */
const EXP_TERMS = memory.data<f64>([
  1.0 / 6227020800.0, 1.0 / 6227020800.0,
  1.0 / 479001600.0, 1.0 / 479001600.0,
  1.0 / 39916800.0, 1.0 / 39916800.0,
  1.0 / 3628800.0, 1.0 / 3628800.0,
  1.0 / 362880.0, 1.0 / 362880.0,
  1.0 / 40320.0, 1.0 / 40320.0,
  1.0 / 5040.0, 1.0 / 5040.0,
  1.0 / 720.0, 1.0 / 720.0,
  1.0 / 120.0, 1.0 / 120.0,
  1.0 / 24.0, 1.0 / 24.0,
  1.0 / 6.0, 1.0 / 6.0,
  0.5, 0.5,
  1.0, 1.0,
], 16);

/** expf4x2's other constants, one v128 each: the clamp bounds -104 and 89 (f32x4), then LOG2E, LN2_HI and
 * LN2_LO (f64x2), then the exponent bias 1023 (i32x4). */
const EXP_CLAMP = memory.data<f32>([-104.0, -104.0, -104.0, -104.0, 89.0, 89.0, 89.0, 89.0], 16);
const EXP_SPLIT = memory.data<f64>([LOG2E, LOG2E, LN2_HI, LN2_HI, LN2_LO, LN2_LO], 16);
const EXP_BIAS = memory.data<i32>([1023, 1023, 1023, 1023], 16);

/** Second result of expf4x2 (AssemblyScript functions return one value; a v128 global is a register-cheap
 * way to hand back the other). */
let expf4x2Hi: v128 = i64x2.splat(0);

/** expf4 of x0 and x1 at once: the four f64x2 chains of the polynomial are interleaved, so their long
 * dependency chains (13 dependent mul + add steps) overlap instead of running one after another. Every lane
 * sees exp64x2's operations in exp64x2's order: bit-identical to expf4 (and expf). Returns expf4(x0); read
 * expf4(x1) from expf4x2Result() right after. */
// @ts-ignore: decorator
@inline export function expf4x2(x0: v128, x1: v128): v128 {
  const lo = v128.load(EXP_CLAMP), hi = v128.load(EXP_CLAMP, 16);
  const c0 = f32x4.min(f32x4.max(x0, lo), hi), c1 = f32x4.min(f32x4.max(x1, lo), hi);
  const a0 = f64x2.promote_low_f32x4(c0), a1 = f64x2.promote_low_f32x4(i32x4.shuffle(c0, c0, 2, 3, 2, 3));
  const a2 = f64x2.promote_low_f32x4(c1), a3 = f64x2.promote_low_f32x4(i32x4.shuffle(c1, c1, 2, 3, 2, 3));
  const l2e = v128.load(EXP_SPLIT);
  const k0 = f64x2.nearest(f64x2.mul(a0, l2e)), k1 = f64x2.nearest(f64x2.mul(a1, l2e));
  const k2 = f64x2.nearest(f64x2.mul(a2, l2e)), k3 = f64x2.nearest(f64x2.mul(a3, l2e));
  const lnHi = v128.load(EXP_SPLIT, 16), lnLo = v128.load(EXP_SPLIT, 32);
  const r0 = f64x2.sub(f64x2.sub(a0, f64x2.mul(k0, lnHi)), f64x2.mul(k0, lnLo));
  const r1 = f64x2.sub(f64x2.sub(a1, f64x2.mul(k1, lnHi)), f64x2.mul(k1, lnLo));
  const r2 = f64x2.sub(f64x2.sub(a2, f64x2.mul(k2, lnHi)), f64x2.mul(k2, lnLo));
  const r3 = f64x2.sub(f64x2.sub(a3, f64x2.mul(k3, lnHi)), f64x2.mul(k3, lnLo));
  let c = v128.load(EXP_TERMS, 0);
  let p0 = c, p1 = c, p2 = c, p3 = c;
  c = v128.load(EXP_TERMS, 16);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 32);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 48);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 64);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 80);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 96);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 112);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 128);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 144);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 160);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 176);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  c = v128.load(EXP_TERMS, 192);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  p0 = f64x2.add(f64x2.mul(p0, r0), c); p1 = f64x2.add(f64x2.mul(p1, r1), c); p2 = f64x2.add(f64x2.mul(p2, r2), c); p3 = f64x2.add(f64x2.mul(p3, r3), c);
  const bias = v128.load(EXP_BIAS);
  p0 = f64x2.mul(p0, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.add(i32x4.trunc_sat_f64x2_s_zero(k0), bias)), 52));
  p1 = f64x2.mul(p1, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.add(i32x4.trunc_sat_f64x2_s_zero(k1), bias)), 52));
  p2 = f64x2.mul(p2, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.add(i32x4.trunc_sat_f64x2_s_zero(k2), bias)), 52));
  p3 = f64x2.mul(p3, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.add(i32x4.trunc_sat_f64x2_s_zero(k3), bias)), 52));
  expf4x2Hi = i32x4.shuffle(f32x4.demote_f64x2_zero(p2), f32x4.demote_f64x2_zero(p3), 0, 1, 4, 5);
  return i32x4.shuffle(f32x4.demote_f64x2_zero(p0), f32x4.demote_f64x2_zero(p1), 0, 1, 4, 5);
}

/** expf4(x1) of the latest expf4x2 call. */
// @ts-ignore: decorator
@inline export function expf4x2Result(): v128 { return expf4x2Hi; }

export function logf(x: f32): f32 { return <f32>log64(<f64>x); }
/** Accurate for |x| < 1.6e6 (RoPE angles stay far below); larger arguments lose the reduction's precision. */
export function sinf(x: f32): f32 { return <f32>sincos64(<f64>x, 0); }
export function cosf(x: f32): f32 { return <f32>sincos64(<f64>x, 1); }
