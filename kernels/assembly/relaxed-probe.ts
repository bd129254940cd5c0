// A known-answer check of i32x4.relaxed_dot_i8x16_i7x16_add_s, compiled on its own (scripts/build-kernels.mjs):
// the loader uses the relaxed kernels only where this returns 1, i.e. where the engine computes the
// instruction as the relaxed-SIMD specification defines it for second operands in 0..127 (Node 20's V8
// behind --experimental-wasm-relaxed-simd, for one, does not: it ignores the accumulator).
import { rdot } from './matvec-q8';

// @ts-ignore: decorator
@inline function same(a: v128, b: v128): bool { return !v128.any_true(v128.xor(a, b)); }

function emulated(a: v128, b: v128, c: v128): v128 {
  const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(a), i16x8.extend_low_i8x16_u(b));
  const hi = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(a), i16x8.extend_high_i8x16_u(b));
  return i32x4.add(c, i32x4.add(i32x4.shuffle(lo, hi, 0, 2, 4, 6), i32x4.shuffle(lo, hi, 1, 3, 5, 7)));
}

export function probe(): i32 {
  let a = i8x16(-128, 127, -1, 1, 2, -3, 4, -5, 6, -7, 8, -9, 10, -11, -128, -128);
  let b = i8x16(127, 127, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 127, 126);
  let c = i32x4(1000, -2000, 3000, -4000);
  for (let i = 0; i < 8; i++) {
    if (!same(rdot(a, b, c), emulated(a, b, c))) return 0;
    // Next operands: scrambled bytes (any int8 for a, 0..127 for b).
    a = i16x8.add(i16x8.mul(a, i16x8.splat(0x2519)), i16x8.splat(0x0b07));
    b = v128.and(i16x8.add(i16x8.mul(b, i16x8.splat(0x1d2b)), i16x8.splat(0x0503)), i8x16.splat(0x7f));
    c = i32x4.add(c, i32x4.splat(12345));
  }
  return 1;
}
