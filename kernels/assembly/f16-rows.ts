import { f16_bits_to_f32, f32_to_f16_bits } from './quant';

// Rows of IEEE binary16 values, as the f16 KV cache stores keys and values. WebAssembly SIMD128 has no
// half-precision instructions, and host conversions (Math.f16round, F16C) are not on every engine, so both
// directions are integer bit manipulation here and give the same bits everywhere. No subnormal f32 is ever
// formed on the way (32-bit ARM NEON would flush one to zero).

/** dst[i] = binary16 bits of src[i] for i < n: round to nearest even, subnormal halves kept, overflow
 * (|x| >= 65520) to infinity, NaN to a quiet NaN of the same sign (0x7e00 | sign; payload dropped, as ggml's
 * reference conversion does). Returns how many finite values overflowed to infinity. Scalar: the cache
 * writes ntok * kvDim values per layer, far fewer than it reads. */
export function f32_to_f16_rows(src: usize, dst: usize, n: i32): i32 {
  let overflowed = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f32>(src + (<usize>i << 2));
    const h = f32_to_f16_bits(x);
    if ((h & 0x7fff) == 0x7c00 && abs<f32>(x) != Infinity) overflowed++;
    store<u16>(dst + (<usize>i << 1), <u16>h);
  }
  return overflowed;
}

/** dst[i] = the f32 of the binary16 bits src[i] for i < n, exact (NaN payloads and signed zeros kept). */
export function f16_to_f32_rows(src: usize, dst: usize, n: i32): void {
  halfToFloat(src, dst, n);
}

/** Bits of the f32 with a half's exponent field (already in place, << 13) rebiased: 127 - 15 = 112. */
const REBIAS: i32 = 112 << 23;
/** Keeps the sign (bit 31) and the half's exponent and mantissa (bits 13..27) of a sign-extended half << 13. */
const SIGN_AND_BODY: i32 = 0x8fffffff;

/** Eight halves at src -> eight f32 at dst. A block whose halves are all normal takes the vector path: for a
 * normal half, the f32 bits are sign | ((exponent, mantissa) << 13) + 112 << 23. Sign-extending the half to
 * 32 bits and shifting it left 13 puts its sign in bit 31 (and copies of it in bits 28-30, masked off).
 * Zero, subnormal, infinite and NaN halves (exponent field 0 or 31: rare in a KV cache) send their block
 * of eight to the scalar conversion. */
// @ts-ignore: decorator
@inline function halfToFloat8(src: usize, dst: usize): void {
  const h = v128.load(src);
  // exponent field - 1, as u16: normal halves give 0..0x7400, zero/subnormal 0xfc00, inf/NaN 0x7800.
  const e = i16x8.sub(v128.and(h, i16x8.splat(0x7c00)), i16x8.splat(0x0400));
  if (v128.any_true(i16x8.gt_u(e, i16x8.splat(0x7400)))) {
    for (let j: usize = 0; j < 8; j++) store<f32>(dst + (j << 2), f16_bits_to_f32(<u32>load<u16>(src + (j << 1))));
    return;
  }
  const mask = i32x4.splat(SIGN_AND_BODY), bias = i32x4.splat(REBIAS);
  v128.store(dst, i32x4.add(v128.and(i32x4.shl(i32x4.extend_low_i16x8_s(h), 13), mask), bias));
  v128.store(dst, i32x4.add(v128.and(i32x4.shl(i32x4.extend_high_i16x8_s(h), 13), mask), bias), 16);
}

/** n halves at src -> n f32 at dst: blocks of eight, then the tail one by one. */
// @ts-ignore: decorator
@inline export function halfToFloat(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) halfToFloat8(src + (<usize>i << 1), dst + (<usize>i << 2));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), f16_bits_to_f32(<u32>load<u16>(src + (<usize>i << 1))));
}
