import { checkGroup } from './checks';

// Symmetric int8 quantization in groups along a row (the layout of weights/model-weights.ts Q8Matrix):
// int8 q[rows * rowStride] (rowStride = ceil(cols/group)*group, padding zero) + f32 scales[rows * groupsPerRow].

/** f32 -> IEEE binary16 bits, round to nearest even, overflow to inf, with integer ops only (no host or
 * hardware conversion, whose availability and rounding vary). */
export function f32_to_f16_bits(x: f32): u32 {
  const b = reinterpret<u32>(x);
  const sign = (b >>> 16) & 0x8000;
  const a = b & 0x7fffffff;
  if (a >= 0x7f800000) return sign | 0x7c00 | (a > 0x7f800000 ? 0x200 : 0); // inf, NaN (quiet)
  if (a >= 0x477ff000) return sign | 0x7c00; // >= 65520 rounds past 65504, the largest half
  if (a >= 0x38800000) { // normal half (>= 2^-14): drop 13 mantissa bits; a carry correctly bumps the exponent
    let h = (((a >>> 23) - 112) << 10) | ((a >>> 13) & 0x3ff);
    const rest = a & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) h++;
    return sign | h;
  }
  if (a < 0x33000000) return sign; // below 2^-25 (or exactly half of the smallest subnormal, ties to 0)
  // Subnormal half: value = m * 2^-24 with m = M * 2^(E+1), E = unbiased exponent in [-25, -15].
  const mant = (a & 0x7fffff) | 0x800000;
  const shift = 126 - (a >>> 23); // = -(E + 1), in [14, 24]
  let h = mant >>> shift;
  const rest = mant & ((1 << shift) - 1);
  const half: u32 = 1 << (shift - 1);
  if (rest > half || (rest == half && (h & 1))) h++;
  return sign | h;
}

/** IEEE binary16 bits -> f32 (exact). */
export function f16_bits_to_f32(h: u32): f32 {
  const sign = (h & 0x8000) << 16;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e == 0) {
    const v = <f32>m * 5.9604644775390625e-8; // m * 2^-24, exact
    return sign ? -v : v;
  }
  if (e == 31) return reinterpret<f32>(sign | 0x7f800000 | (m << 13));
  return reinterpret<f32>(sign | ((e + 112) << 23) | (m << 13));
}

/** max |x| over len values. max is exact and NaN-propagating in any order, so the four independent
 * accumulators (a short dependency chain instead of one max after another) give the same value. */
// @ts-ignore: decorator
@inline function groupAbsMax(x: usize, len: i32): f32 {
  let j = 0;
  let m4 = f32x4.splat(0), m5 = f32x4.splat(0), m6 = f32x4.splat(0), m7 = f32x4.splat(0);
  for (; j + 16 <= len; j += 16) {
    const p = x + (<usize>j << 2);
    m4 = f32x4.max(m4, f32x4.abs(v128.load(p)));
    m5 = f32x4.max(m5, f32x4.abs(v128.load(p, 16)));
    m6 = f32x4.max(m6, f32x4.abs(v128.load(p, 32)));
    m7 = f32x4.max(m7, f32x4.abs(v128.load(p, 48)));
  }
  m4 = f32x4.max(f32x4.max(m4, m5), f32x4.max(m6, m7));
  for (; j + 4 <= len; j += 4) m4 = f32x4.max(m4, f32x4.abs(v128.load(x + (<usize>j << 2))));
  let m = max<f32>(max<f32>(f32x4.extract_lane(m4, 0), f32x4.extract_lane(m4, 1)),
    max<f32>(f32x4.extract_lane(m4, 2), f32x4.extract_lane(m4, 3)));
  for (; j < len; j++) m = max<f32>(m, abs<f32>(load<f32>(x + (<usize>j << 2))));
  return m;
}

/** 1.5 * 2^23: for |v| < 2^22, v + ROUND_MAGIC lies in [2^23, 2^24), where f32 spacing is 1, so the add
 * rounds v to an integer, ties to even (IEEE's default), exactly as nearest(v) does; subtracting the
 * magic's bit pattern from the sum's bits leaves that integer. */
const ROUND_MAGIC: f32 = 12582912.0;

/** i32x4.trunc_sat_f32x4_s(f32x4.nearest(v)) for every v the quantizer can produce (|v| <= ~127, NaN): NaN
 * lanes are zeroed first, as trunc_sat makes them 0. Two adds instead of a round and V8's multi-instruction
 * saturating conversion. Finite v stays far below 2^22 (|x| <= amax, 1/d ~ 127/amax); +-inf (1/d overflows
 * for a subnormal d) gives bits that saturate to 127 / -128 in the narrowing, as trunc_sat's do. */
// @ts-ignore: decorator
@inline function roundToInt4(v: v128): v128 {
  const clean = v128.and(v, f32x4.eq(v, v));
  return i32x4.sub(f32x4.add(clean, f32x4.splat(ROUND_MAGIC)), i32x4.splat(0x4b400000));
}

/** round(v) with ties away from zero (C's roundf), for |v| < 2^23: v - trunc(v) is exact there, so the
 * comparison with 0.5 decides the tie without the double rounding of trunc(v + 0.5). */
// @ts-ignore: decorator
@inline function roundHalfAway(v: f32): i32 {
  const t = trunc<f32>(v);
  const f = v - t;
  return <i32>t + (f >= 0.5 ? 1 : f <= -0.5 ? -1 : 0);
}

/** Quantizes `rows` dense f32 rows of `cols` values: per group d = max|x|/127, q = nearest-even(x * (1/d))
 * (0 where d == 0). f16Scale != 0 stores d rounded to binary16 and back, as ggml's Q8_0 does, while q still
 * uses the unrounded inverse. f16Scale == 2 is ggml's weight quantizer (quantize_row_q8_0_ref, what
 * llama-quantize writes): q rounds ties away from zero instead; activations use 1 (ggml's SIMD paths
 * round ties to even). Padding bytes up to rowStride are written as 0. */
export function quantize_rows_q8(x: usize, rows: i32, cols: i32, q: usize, scales: usize, group: i32, f16Scale: i32): void {
  checkGroup(group);
  const groups = (cols + group - 1) / group;
  const rowStride = groups * group;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>r * <usize>cols << 2);
    const qr = q + <usize>r * <usize>rowStride;
    const sr = scales + (<usize>r * <usize>groups << 2);
    for (let g = 0; g < groups; g++) {
      const start = g * group;
      const len = min<i32>(group, cols - start);
      const xg = xr + (<usize>start << 2);
      const qg = qr + <usize>start;
      const d: f32 = groupAbsMax(xg, len) / 127.0;
      const id: f32 = d != 0 ? <f32>1.0 / d : 0;
      store<f32>(sr + (<usize>g << 2), f16Scale ? f16_bits_to_f32(f32_to_f16_bits(d)) : d);
      const idv = f32x4.splat(id);
      let j = 0;
      if (f16Scale == 2) { // file conversion, not a hot path: scalar
        for (; j < len; j++) {
          const v = load<f32>(xg + (<usize>j << 2)) * id;
          store<i8>(qg + <usize>j, <i8>(v != v ? 0 : max<i32>(-128, min<i32>(127, roundHalfAway(v)))));
        }
      }
      for (; j + 16 <= len; j += 16) {
        const p = xg + (<usize>j << 2);
        const a = roundToInt4(f32x4.mul(v128.load(p), idv));
        const b = roundToInt4(f32x4.mul(v128.load(p, 16), idv));
        const c = roundToInt4(f32x4.mul(v128.load(p, 32), idv));
        const e = roundToInt4(f32x4.mul(v128.load(p, 48), idv));
        v128.store(qg + <usize>j, i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, e)));
      }
      for (; j < len; j++) {
        store<i8>(qg + <usize>j, <i8><i32>nearest<f32>(load<f32>(xg + (<usize>j << 2)) * id));
      }
      for (; j < group; j++) store<i8>(qg + <usize>j, 0);
    }
  }
}

/** f32 out[rows * cols] = q * scale, dense (padding dropped); one exactly rounded f32 multiply per value. */
export function dequantize_rows_q8(q: usize, scales: usize, rows: i32, cols: i32, group: i32, out: usize): void {
  checkGroup(group);
  const groups = (cols + group - 1) / group;
  const rowStride = groups * group;
  for (let r = 0; r < rows; r++) {
    const qr = q + <usize>r * <usize>rowStride;
    const sr = scales + (<usize>r * <usize>groups << 2);
    const outr = out + (<usize>r * <usize>cols << 2);
    for (let g = 0; g < groups; g++) {
      const start = g * group;
      const len = min<i32>(group, cols - start);
      const s = load<f32>(sr + (<usize>g << 2));
      const sv = f32x4.splat(s);
      const qg = qr + <usize>start, og = outr + (<usize>start << 2);
      let j = 0;
      for (; j + 8 <= len; j += 8) {
        const v = v128.load8x8_s(qg + <usize>j);
        v128.store(og + (<usize>j << 2), f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(v)), sv));
        v128.store(og + (<usize>j << 2), f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(v)), sv), 16);
      }
      for (; j < len; j++) store<f32>(og + (<usize>j << 2), <f32>load<i8>(qg + <usize>j) * s);
    }
  }
}
