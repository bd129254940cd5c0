import { checkGroup } from './checks';

// W8A8 products over the Q8Matrix layout: weights [rows, rowStride] int8 + f32 scales [rows, groups]; the
// activation is quantized the same way (xq [ntok, rowStride], xs [ntok, groups]). Padding columns are zero
// in the weights, so whatever sits in the activation's padding contributes nothing.
//
// Accumulation order, identical in every variant below and reproduced by the scalar reference
// (kernels/reference.ts, matvecQ8F32): for each output (row r, token t)
//   acc = 0
//   for g = 0 .. groups-1 in order:
//     dot = exact i32 sum over the group of wq[r, j] * xq[t, j]
//     acc = acc + (ws[r, g] * xs[t, g]) * f32(dot)        each operation an f32 op rounded once, no FMA
// f32(dot) is exact while |dot| < 2^24 (any group up to 1040 wide). The SIMD lanes hold different rows or
// tokens, never parts of one sum, so decode (matvec) and prefill (matmul) give the same bits.

// Widening happens in the load: v128.load8x8_s is one x64 pmovsxbw with a memory operand, where
// v128.load + extend_low/extend_high costs a load and three shuffle-port uops per 16 bytes.

/** Exact i32 lane sums of 32 int8 products: weights at p, activation pre-widened in xl0, xh0, xl1, xh1. */
// @ts-ignore: decorator
@inline function dot32(p: usize, xl0: v128, xh0: v128, xl1: v128, xh1: v128): v128 {
  return i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(p), xl0), i32x4.dot_i16x8_s(v128.load8x8_s(p, 8), xh0)),
    i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(p, 16), xl1), i32x4.dot_i16x8_s(v128.load8x8_s(p, 24), xh1)));
}

/** acc + lane sums of 16 int8 products. */
// @ts-ignore: decorator
@inline function dot16(acc: v128, p: usize, xl: v128, xh: v128): v128 {
  return i32x4.add(acc, i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(p), xl), i32x4.dot_i16x8_s(v128.load8x8_s(p, 8), xh)));
}

/** [sum(a0), sum(a1), sum(a2), sum(a3)]: a 4x4 transpose folded into adds. */
// @ts-ignore: decorator
@inline function hsum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const u0 = i32x4.add(i32x4.shuffle(a0, a1, 0, 1, 4, 5), i32x4.shuffle(a0, a1, 2, 3, 6, 7));
  const u1 = i32x4.add(i32x4.shuffle(a2, a3, 0, 1, 4, 5), i32x4.shuffle(a2, a3, 2, 3, 6, 7));
  return i32x4.add(i32x4.shuffle(u0, u1, 0, 2, 4, 6), i32x4.shuffle(u0, u1, 1, 3, 5, 7));
}

// @ts-ignore: decorator
@inline function hsum1(a: v128): i32 {
  return (i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1)) + (i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3));
}

/** Scales of rows r..r+3 at one group (row stride `sstride` bytes) as one vector. */
// @ts-ignore: decorator
@inline function scales4(s: usize, sstride: usize): v128 {
  let v = v128.load32_zero(s);
  v = v128.load32_lane(s + sstride, v, 1);
  v = v128.load32_lane(s + 2 * sstride, v, 2);
  return v128.load32_lane(s + 3 * sstride, v, 3);
}

/** The f32 step of the documented order for four outputs: (scale * xs) * f32(dot), to be added to acc. */
// @ts-ignore: decorator
@inline function term4(ws4: v128, xs: v128, dots: v128): v128 {
  return f32x4.mul(f32x4.mul(ws4, xs), f32x4.convert_i32x4_s(dots));
}

/** Four rows at p, p + rowStride, ... against one widened group-32 slice of x: the term to add to their
 * accumulators (scales at sp, sp + sstride, ...). */
// @ts-ignore: decorator
@inline function term4g32(p: usize, rowStride: usize, sp: usize, sstride: usize, xsv: v128,
  xl0: v128, xh0: v128, xl1: v128, xh1: v128): v128 {
  return term4(scales4(sp, sstride), xsv, hsum4(
    dot32(p, xl0, xh0, xl1, xh1), dot32(p + rowStride, xl0, xh0, xl1, xh1),
    dot32(p + 2 * rowStride, xl0, xh0, xl1, xh1), dot32(p + 3 * rowStride, xl0, xh0, xl1, xh1)));
}

/** Where touch-ahead loads go: their values are never used, but binaryen must not drop the loads. */
let touchSink: v128 = i32x4.splat(0);

/** Loads the four cache lines at p (p + 0, 64, 128, 192) and folds them into t: wasm has no prefetch
 * instruction, so the next weight block is brought in by plain loads whose values go nowhere. */
// @ts-ignore: decorator
@inline function touch4(t: v128, p: usize): v128 {
  return v128.or(v128.or(t, v128.or(v128.load(p), v128.load(p, 64))), v128.or(v128.load(p, 128), v128.load(p, 192)));
}

/** 32 rows against one token, group 32 (Q8_0's), as four streams of 8 rows `qd` rows apart (rows r, r+qd,
 * r+2qd, r+3qd, 8 each). The x group is widened once for all 32 rows, and 32 rows from four separate regions
 * keep four hardware-prefetch streams and 32 weight loads in flight: a decode pass streams the whole model
 * from DRAM, where that measured ~4% faster than one 32-row block (and 32-row blocks ~25% faster than 8-row
 * blocks); no slower from cache. The eight f32 accumulators stay in registers.
 * Each group step also touches 256 bytes of the next 8-row block of every stream (`ahead` bytes on: 8 rows
 * = 8 * 32 * groups bytes over `groups` steps is exactly 4 lines a step), so that block is on its way from
 * DRAM while this one is computed: a 135M-shaped decode pass measured ~1.45x the passes per CPU-second of
 * relying on the hardware prefetcher alone (each row is a stream of only 9-48 lines, too short for it). */
// @ts-ignore: decorator
@inline function rows8x4g32(out: usize, w: usize, s: usize, xq: usize, xs: usize, groups: i32, rowStride: usize, qd: i32, ahead: usize): void {
  const sstride = <usize>groups << 2;
  const q4 = 4 * rowStride, s4 = 4 * sstride;
  const dq = <usize>qd * rowStride, ds = <usize>qd * sstride, dout = <usize>qd << 2;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  let t = i32x4.splat(0);
  for (let g = 0; g < groups; g++) {
    const o = <usize>g << 5, gs = <usize>g << 2;
    const tp = w + ahead + (<usize>g << 8);
    t = touch4(touch4(touch4(touch4(t, tp), tp + dq), tp + 2 * dq), tp + 3 * dq);
    const xp = xq + o;
    const xl0 = v128.load8x8_s(xp), xh0 = v128.load8x8_s(xp, 8), xl1 = v128.load8x8_s(xp, 16), xh1 = v128.load8x8_s(xp, 24);
    const xsv = v128.load32_splat(xs + gs);
    const p = w + o, sp = s + gs;
    c0 = f32x4.add(c0, term4g32(p, rowStride, sp, sstride, xsv, xl0, xh0, xl1, xh1));
    c1 = f32x4.add(c1, term4g32(p + q4, rowStride, sp + s4, sstride, xsv, xl0, xh0, xl1, xh1));
    c2 = f32x4.add(c2, term4g32(p + dq, rowStride, sp + ds, sstride, xsv, xl0, xh0, xl1, xh1));
    c3 = f32x4.add(c3, term4g32(p + dq + q4, rowStride, sp + ds + s4, sstride, xsv, xl0, xh0, xl1, xh1));
    c4 = f32x4.add(c4, term4g32(p + 2 * dq, rowStride, sp + 2 * ds, sstride, xsv, xl0, xh0, xl1, xh1));
    c5 = f32x4.add(c5, term4g32(p + 2 * dq + q4, rowStride, sp + 2 * ds + s4, sstride, xsv, xl0, xh0, xl1, xh1));
    c6 = f32x4.add(c6, term4g32(p + 3 * dq, rowStride, sp + 3 * ds, sstride, xsv, xl0, xh0, xl1, xh1));
    c7 = f32x4.add(c7, term4g32(p + 3 * dq + q4, rowStride, sp + 3 * ds + s4, sstride, xsv, xl0, xh0, xl1, xh1));
  }
  touchSink = v128.or(touchSink, t);
  v128.store(out, c0); v128.store(out, c1, 16); v128.store(out + dout, c2); v128.store(out + dout, c3, 16);
  v128.store(out + 2 * dout, c4); v128.store(out + 2 * dout, c5, 16); v128.store(out + 3 * dout, c6); v128.store(out + 3 * dout, c7, 16);
}

/** Eight rows against one token, group 32: what is left of a matrix after its 32-row blocks. */
// @ts-ignore: decorator
@inline function rows8g32(out: usize, w: usize, s: usize, xq: usize, xs: usize, groups: i32, rowStride: usize): void {
  const sstride = <usize>groups << 2;
  const q4 = 4 * rowStride, s4 = 4 * sstride;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  for (let g = 0; g < groups; g++) {
    const o = <usize>g << 5, gs = <usize>g << 2;
    const xp = xq + o;
    const xl0 = v128.load8x8_s(xp), xh0 = v128.load8x8_s(xp, 8), xl1 = v128.load8x8_s(xp, 16), xh1 = v128.load8x8_s(xp, 24);
    const xsv = v128.load32_splat(xs + gs);
    c0 = f32x4.add(c0, term4g32(w + o, rowStride, s + gs, sstride, xsv, xl0, xh0, xl1, xh1));
    c1 = f32x4.add(c1, term4g32(w + q4 + o, rowStride, s + s4 + gs, sstride, xsv, xl0, xh0, xl1, xh1));
  }
  v128.store(out, c0);
  v128.store(out, c1, 16);
}

/** Four rows against one token, any group that is a multiple of 16. */
// @ts-ignore: decorator
@inline function rows4(out: usize, w: usize, s: usize, xq: usize, xs: usize, groups: i32, group: i32, rowStride: usize): void {
  const sstride = <usize>groups << 2;
  const w1 = w + rowStride, w2 = w + 2 * rowStride, w3 = w + 3 * rowStride;
  let acc = f32x4.splat(0);
  let o: usize = 0;
  for (let g = 0; g < groups; g++) {
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    const end = o + <usize>group;
    for (; o < end; o += 16) {
      const xl = v128.load8x8_s(xq + o), xh = v128.load8x8_s(xq + o, 8);
      a0 = dot16(a0, w + o, xl, xh);
      a1 = dot16(a1, w1 + o, xl, xh);
      a2 = dot16(a2, w2 + o, xl, xh);
      a3 = dot16(a3, w3 + o, xl, xh);
    }
    const gs = <usize>g << 2;
    acc = f32x4.add(acc, term4(scales4(s + gs, sstride), v128.load32_splat(xs + gs), hsum4(a0, a1, a2, a3)));
  }
  v128.store(out, acc);
}

/** One row against one token. */
// @ts-ignore: decorator
@inline function row1(w: usize, s: usize, xq: usize, xs: usize, groups: i32, group: i32): f32 {
  let acc: f32 = 0;
  let o: usize = 0;
  for (let g = 0; g < groups; g++) {
    let a = i32x4.splat(0);
    const end = o + <usize>group;
    for (; o < end; o += 16) a = dot16(a, w + o, v128.load8x8_s(xq + o), v128.load8x8_s(xq + o, 8));
    const gs = <usize>g << 2;
    acc = acc + (load<f32>(s + gs) * load<f32>(xs + gs)) * <f32>hsum1(a);
  }
  return acc;
}

// ---- Relaxed-SIMD decode (only in the kernels built with relaxed-simd; see scripts/build-kernels.mjs) ----
//
// i32x4.relaxed_dot_i8x16_i7x16_add_s(a, b, c) multiplies int8 a by b and is defined the same on every
// engine and CPU only while b's lanes stay in 0..127 (x64 without VNNI: pmaddubsw + pmaddwd; VNNI:
// vpdpbusd; arm64: sdot). For weights w (any int8) against an activation x in -127..127 it is made exact:
// with m = (x < 0 ? -1 : 0) per byte, (w ^ m) is w where x >= 0 and ~w = -w - 1 where x < 0, so
//   sum (w ^ m) * |x|  =  sum w * x  -  sum over x < 0 of |x|,
// and the last sum depends on x alone: it starts the accumulator (its lanes sum to the correction), once
// per group for all rows. The exact i32 group dot equals the plain kernel's, and the f32 steps are the same,
// so the outputs are bit-identical. A token holding -128 (|x| would leave 0..127; quantize_rows_q8 never
// makes one) takes the plain kernel.

/** The relaxed path is compiled in the relaxed builds, and in a test-only build (--use RELAXED_EMULATE=1)
 * where the relaxed instruction is replaced by its exact definition in standard SIMD (rdot below), so the
 * algebra above is checked bit for bit on engines without relaxed-SIMD too. */
// @ts-ignore: isDefined
const RELAXED_PATH: bool = ASC_FEATURE_RELAXED_SIMD || isDefined(RELAXED_EMULATE);

/** i32x4.relaxed_dot_i8x16_i7x16_add_s(a, b, c) for b in 0..127: lane i = c[i] + sum of a[4i+j] * b[4i+j]. */
// @ts-ignore: decorator
@inline export function rdot(a: v128, b: v128, c: v128): v128 {
  // @ts-ignore: isDefined
  if (isDefined(RELAXED_EMULATE)) {
    const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(a), i16x8.extend_low_i8x16_u(b));
    const hi = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(a), i16x8.extend_high_i8x16_u(b));
    return i32x4.add(c, i32x4.add(i32x4.shuffle(lo, hi, 0, 2, 4, 6), i32x4.shuffle(lo, hi, 1, 3, 5, 7)));
  } else {
    return i32x4.relaxed_dot_i8x16_i7x16_add_s(a, b, c);
  }
}

/** One group-32 slice of x prepared for the relaxed dot: sign masks, magnitudes, and the correction. */
// @ts-ignore: decorator
@inline function relaxedDot32(p: usize, m0: v128, m1: v128, b0: v128, b1: v128, corr: v128): v128 {
  return rdot(v128.xor(v128.load(p, 16), m1), b1, rdot(v128.xor(v128.load(p), m0), b0, corr));
}

/** term4g32 with the relaxed dot. */
// @ts-ignore: decorator
@inline function term4g32r(p: usize, rowStride: usize, sp: usize, sstride: usize, xsv: v128,
  m0: v128, m1: v128, b0: v128, b1: v128, corr: v128): v128 {
  return term4(scales4(sp, sstride), xsv, hsum4(
    relaxedDot32(p, m0, m1, b0, b1, corr), relaxedDot32(p + rowStride, m0, m1, b0, b1, corr),
    relaxedDot32(p + 2 * rowStride, m0, m1, b0, b1, corr), relaxedDot32(p + 3 * rowStride, m0, m1, b0, b1, corr)));
}

/** rows8x4g32 with the relaxed dot (same streams, same order of f32 operations). */
// @ts-ignore: decorator
@inline function rows8x4g32r(out: usize, w: usize, s: usize, xq: usize, xs: usize, groups: i32, rowStride: usize, qd: i32, nstreams: i32,
  ahead: usize): void {
  const sstride = <usize>groups << 2;
  const q4 = 4 * rowStride, s4 = 4 * sstride;
  const dq = <usize>qd * rowStride, ds = <usize>qd * sstride, dout = <usize>qd << 2;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  const zero = i8x16.splat(0);
  let t = i32x4.splat(0);
  for (let g = 0; g < groups; g++) {
    const o = <usize>g << 5, gs = <usize>g << 2;
    if (nstreams == 4) { // touch-ahead as in rows8x4g32
      const tp = w + ahead + (<usize>g << 8);
      t = touch4(touch4(touch4(touch4(t, tp), tp + dq), tp + 2 * dq), tp + 3 * dq);
    }
    const x0 = v128.load(xq + o), x1 = v128.load(xq + o, 16);
    const m0 = i8x16.lt_s(x0, zero), m1 = i8x16.lt_s(x1, zero);
    const b0 = i8x16.abs(x0), b1 = i8x16.abs(x1);
    const corr = i32x4.extadd_pairwise_i16x8_s(i16x8.add(
      i16x8.extadd_pairwise_i8x16_u(v128.and(b0, m0)), i16x8.extadd_pairwise_i8x16_u(v128.and(b1, m1))));
    const xsv = v128.load32_splat(xs + gs);
    const p = w + o, sp = s + gs;
    c0 = f32x4.add(c0, term4g32r(p, rowStride, sp, sstride, xsv, m0, m1, b0, b1, corr));
    c1 = f32x4.add(c1, term4g32r(p + q4, rowStride, sp + s4, sstride, xsv, m0, m1, b0, b1, corr));
    if (nstreams == 4) {
      c2 = f32x4.add(c2, term4g32r(p + dq, rowStride, sp + ds, sstride, xsv, m0, m1, b0, b1, corr));
      c3 = f32x4.add(c3, term4g32r(p + dq + q4, rowStride, sp + ds + s4, sstride, xsv, m0, m1, b0, b1, corr));
      c4 = f32x4.add(c4, term4g32r(p + 2 * dq, rowStride, sp + 2 * ds, sstride, xsv, m0, m1, b0, b1, corr));
      c5 = f32x4.add(c5, term4g32r(p + 2 * dq + q4, rowStride, sp + 2 * ds + s4, sstride, xsv, m0, m1, b0, b1, corr));
      c6 = f32x4.add(c6, term4g32r(p + 3 * dq, rowStride, sp + 3 * ds, sstride, xsv, m0, m1, b0, b1, corr));
      c7 = f32x4.add(c7, term4g32r(p + 3 * dq + q4, rowStride, sp + 3 * ds + s4, sstride, xsv, m0, m1, b0, b1, corr));
    }
  }
  if (nstreams == 4) touchSink = v128.or(touchSink, t);
  v128.store(out, c0); v128.store(out, c1, 16);
  if (nstreams == 4) {
    v128.store(out + dout, c2); v128.store(out + dout, c3, 16);
    v128.store(out + 2 * dout, c4); v128.store(out + 2 * dout, c5, 16); v128.store(out + 3 * dout, c6); v128.store(out + 3 * dout, c7, 16);
  }
}

/** True when some byte of x[0..n) is -128 (outside what the relaxed dot may take as |x|). */
function holdsMinus128(x: usize, n: usize): bool {
  const lo = i8x16.splat(-128);
  let any = i8x16.splat(0);
  for (let j: usize = 0; j < n; j += 16) any = v128.or(any, i8x16.eq(v128.load(x + j), lo));
  return v128.any_true(any);
}

/** All rows of one token: 32 rows at a time over four streams and then blocks of 8 (group 32), or 4, then single rows. */
// @ts-ignore: decorator
@inline function rowsFrom(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, groups: i32, group: i32): void {
  const rowStride = <usize>(groups * group);
  let r = 0;
  if (RELAXED_PATH && group == 32 && !holdsMinus128(xq, rowStride)) {
    const qd = (rows >> 5) << 3;
    for (; r < qd; r += 8) {
      rows8x4g32r(out + (<usize>r << 2), wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq, xs, groups, rowStride, qd, 4,
        r + 8 < qd ? rowStride << 3 : 0);
    }
    r = qd << 2;
    for (; r + 8 <= rows; r += 8) {
      rows8x4g32r(out + (<usize>r << 2), wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq, xs, groups, rowStride, 0, 1, 0);
    }
  } else if (group == 32) {
    const qd = (rows >> 5) << 3; // rows per stream; 4 * qd rows go in 32-row steps over four streams
    for (; r < qd; r += 8) {
      // Touch the next block of each stream; the last block touches itself (nothing past the matrix is read).
      rows8x4g32(out + (<usize>r << 2), wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq, xs, groups, rowStride, qd,
        r + 8 < qd ? rowStride << 3 : 0);
    }
    r = qd << 2;
    for (; r + 8 <= rows; r += 8) {
      rows8g32(out + (<usize>r << 2), wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq, xs, groups, rowStride);
    }
  }
  for (; r + 4 <= rows; r += 4) {
    rows4(out + (<usize>r << 2), wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq, xs, groups, group, rowStride);
  }
  for (; r < rows; r++) {
    store<f32>(out + (<usize>r << 2), row1(wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq, xs, groups, group));
  }
}

/** out[r] = W[r,:] . x for one quantized token (decode). */
export function matvec_q8(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, cols: i32, group: i32): void {
  checkGroup(group);
  rowsFrom(out, wq, ws, xq, xs, rows, (cols + group - 1) / group, group);
}

/** Four rows against two tokens: each weight chunk is widened once and serves both tokens. */
// @ts-ignore: decorator
@inline function rows4tok2(out0: usize, out1: usize, w: usize, s: usize, xq0: usize, xs0: usize, xq1: usize, xs1: usize,
  groups: i32, group: i32, rowStride: usize): void {
  const sstride = <usize>groups << 2;
  const w1 = w + rowStride, w2 = w + 2 * rowStride, w3 = w + 3 * rowStride;
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
  let o: usize = 0;
  for (let g = 0; g < groups; g++) {
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    let b0 = i32x4.splat(0), b1 = i32x4.splat(0), b2 = i32x4.splat(0), b3 = i32x4.splat(0);
    const end = o + <usize>group;
    for (; o < end; o += 16) {
      const xl0 = v128.load8x8_s(xq0 + o), xh0 = v128.load8x8_s(xq0 + o, 8);
      const xl1 = v128.load8x8_s(xq1 + o), xh1 = v128.load8x8_s(xq1 + o, 8);
      let wl = v128.load8x8_s(w + o), wh = v128.load8x8_s(w + o, 8);
      a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(wl, xl0), i32x4.dot_i16x8_s(wh, xh0)));
      b0 = i32x4.add(b0, i32x4.add(i32x4.dot_i16x8_s(wl, xl1), i32x4.dot_i16x8_s(wh, xh1)));
      wl = v128.load8x8_s(w1 + o); wh = v128.load8x8_s(w1 + o, 8);
      a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(wl, xl0), i32x4.dot_i16x8_s(wh, xh0)));
      b1 = i32x4.add(b1, i32x4.add(i32x4.dot_i16x8_s(wl, xl1), i32x4.dot_i16x8_s(wh, xh1)));
      wl = v128.load8x8_s(w2 + o); wh = v128.load8x8_s(w2 + o, 8);
      a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(wl, xl0), i32x4.dot_i16x8_s(wh, xh0)));
      b2 = i32x4.add(b2, i32x4.add(i32x4.dot_i16x8_s(wl, xl1), i32x4.dot_i16x8_s(wh, xh1)));
      wl = v128.load8x8_s(w3 + o); wh = v128.load8x8_s(w3 + o, 8);
      a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(wl, xl0), i32x4.dot_i16x8_s(wh, xh0)));
      b3 = i32x4.add(b3, i32x4.add(i32x4.dot_i16x8_s(wl, xl1), i32x4.dot_i16x8_s(wh, xh1)));
    }
    const gs = <usize>g << 2;
    const sv = scales4(s + gs, sstride);
    acc0 = f32x4.add(acc0, term4(sv, v128.load32_splat(xs0 + gs), hsum4(a0, a1, a2, a3)));
    acc1 = f32x4.add(acc1, term4(sv, v128.load32_splat(xs1 + gs), hsum4(b0, b1, b2, b3)));
  }
  v128.store(out0, acc0);
  v128.store(out1, acc1);
}

// ---- Prefill: register-tiled int8 GEMM over repacked weights -------------------------------------------
//
// matvec_q8's lanes hold parts of one row's dot, so every group ends in a horizontal sum, and every weight
// is widened (pmovsxbw) for every token. For many tokens the weights are instead repacked, eight rows at a
// time, into "panels" where each v128 holds one column pair of four rows as i16 [r0c0 r0c1 r1c0 r1c1 ...],
// and the activations are widened to i16 once per call. One i32x4.dot_i16x8_s of a panel vector with a
// broadcast activation pair (v128.load32_splat) then adds two products to each of four rows' dots: the
// lanes are rows, no horizontal sums, and the inner loop is loads + dot + add only. A tile of 8 rows x 4
// tokens keeps 8 i32x4 accumulators in registers; each widened weight vector serves four tokens and each
// broadcast activation two panels. The group's exact i32 dots are then folded into the f32 outputs in the
// documented order (acc = acc + (ws * xs) * f32(dot), groups ascending), so the bits equal matvec_q8's.

/** Rows r..r+7 (row stride rowStride bytes) -> panel at wpBuf: for column pair p, 32 bytes = rows 0-3 then
 * rows 4-7, each row's pair as two i16; scales -> spBuf: for group g, the 8 rows' f32 scales. */
function repackPanel8(wpBuf: usize, spBuf: usize, w: usize, s: usize, rowStride: usize, groups: i32): void {
  for (let h: usize = 0; h < 2; h++) {
    const r0 = w + h * 4 * rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride;
    let d = wpBuf + h * 16;
    for (let c: usize = 0; c < rowStride; c += 8) {
      const a0 = v128.load8x8_s(r0 + c), a1 = v128.load8x8_s(r1 + c), a2 = v128.load8x8_s(r2 + c), a3 = v128.load8x8_s(r3 + c);
      // 4x4 transpose of i32 lanes (each lane one row's column pair).
      const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5), t1 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(a0, a1, 2, 6, 3, 7), t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
      v128.store(d, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(d, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 32);
      v128.store(d, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 64);
      v128.store(d, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 96);
      d += 128;
    }
  }
  const sstride = <usize>groups << 2;
  for (let g = 0; g < groups; g++) {
    const gs = <usize>g << 2, o = spBuf + (<usize>g << 5);
    for (let i: usize = 0; i < 8; i++) store<f32>(o + (i << 2), load<f32>(s + i * sstride + gs));
  }
}

/** acc + dot of a panel vector with a broadcast pair. */
// @ts-ignore: decorator
@inline function mac(acc: v128, w: v128, x: v128): v128 {
  return i32x4.add(acc, i32x4.dot_i16x8_s(w, x));
}

/** Folds one group's dots of four rows into the f32 outputs at o: o = (first ? 0 : o) + (ws * xs) * f32(dot). */
// @ts-ignore: decorator
@inline function fold4(o: usize, first: bool, ws4: v128, xs: v128, dots: v128): void {
  v128.store(o, f32x4.add(first ? f32x4.splat(0) : v128.load(o), term4(ws4, xs, dots)));
}

/** The panel at wpBuf (8 rows) x 4 tokens of widened activations at xw (xwStride bytes apart): writes
 * out[t * outStride + r], r < 8. */
// @ts-ignore: decorator
@inline function tile8x4(wpBuf: usize, spBuf: usize, out: usize, outStride: usize, xw: usize, xwStride: usize, xs: usize, xsStride: usize,
  groups: i32, group: i32): void {
  const x1 = xw + xwStride, x2 = x1 + xwStride, x3 = x2 + xwStride;
  const gBytes = <usize>group << 1; // widened bytes per group
  let w = wpBuf;
  let xo: usize = 0;
  for (let g = 0; g < groups; g++) {
    const end = xo + gBytes;
    // First pair initialises the accumulators.
    let w0 = v128.load(w), w1 = v128.load(w, 16);
    let xb = v128.load32_splat(xw + xo);
    let a0 = i32x4.dot_i16x8_s(w0, xb), b0 = i32x4.dot_i16x8_s(w1, xb);
    xb = v128.load32_splat(x1 + xo);
    let a1 = i32x4.dot_i16x8_s(w0, xb), b1 = i32x4.dot_i16x8_s(w1, xb);
    xb = v128.load32_splat(x2 + xo);
    let a2 = i32x4.dot_i16x8_s(w0, xb), b2 = i32x4.dot_i16x8_s(w1, xb);
    xb = v128.load32_splat(x3 + xo);
    let a3 = i32x4.dot_i16x8_s(w0, xb), b3 = i32x4.dot_i16x8_s(w1, xb);
    w += 32; xo += 4;
    // The remaining pairs of the group (group/2 - 1, odd: 7 for group 16, 15 for 32): one, then twos.
    w0 = v128.load(w); w1 = v128.load(w, 16);
    xb = v128.load32_splat(xw + xo); a0 = mac(a0, w0, xb); b0 = mac(b0, w1, xb);
    xb = v128.load32_splat(x1 + xo); a1 = mac(a1, w0, xb); b1 = mac(b1, w1, xb);
    xb = v128.load32_splat(x2 + xo); a2 = mac(a2, w0, xb); b2 = mac(b2, w1, xb);
    xb = v128.load32_splat(x3 + xo); a3 = mac(a3, w0, xb); b3 = mac(b3, w1, xb);
    w += 32; xo += 4;
    for (; xo < end; xo += 8) {
      w0 = v128.load(w); w1 = v128.load(w, 16);
      xb = v128.load32_splat(xw + xo); a0 = mac(a0, w0, xb); b0 = mac(b0, w1, xb);
      xb = v128.load32_splat(x1 + xo); a1 = mac(a1, w0, xb); b1 = mac(b1, w1, xb);
      xb = v128.load32_splat(x2 + xo); a2 = mac(a2, w0, xb); b2 = mac(b2, w1, xb);
      xb = v128.load32_splat(x3 + xo); a3 = mac(a3, w0, xb); b3 = mac(b3, w1, xb);
      w0 = v128.load(w, 32); w1 = v128.load(w, 48);
      xb = v128.load32_splat(xw + xo, 4); a0 = mac(a0, w0, xb); b0 = mac(b0, w1, xb);
      xb = v128.load32_splat(x1 + xo, 4); a1 = mac(a1, w0, xb); b1 = mac(b1, w1, xb);
      xb = v128.load32_splat(x2 + xo, 4); a2 = mac(a2, w0, xb); b2 = mac(b2, w1, xb);
      xb = v128.load32_splat(x3 + xo, 4); a3 = mac(a3, w0, xb); b3 = mac(b3, w1, xb);
      w += 64;
    }
    const sp = spBuf + (<usize>g << 5), gs = <usize>g << 2;
    const s0 = v128.load(sp), s1 = v128.load(sp, 16);
    const first = g == 0;
    let xsv = v128.load32_splat(xs + gs);
    fold4(out, first, s0, xsv, a0); fold4(out + 16, first, s1, xsv, b0);
    xsv = v128.load32_splat(xs + xsStride + gs);
    fold4(out + outStride, first, s0, xsv, a1); fold4(out + outStride + 16, first, s1, xsv, b1);
    xsv = v128.load32_splat(xs + 2 * xsStride + gs);
    fold4(out + 2 * outStride, first, s0, xsv, a2); fold4(out + 2 * outStride + 16, first, s1, xsv, b2);
    xsv = v128.load32_splat(xs + 3 * xsStride + gs);
    fold4(out + 3 * outStride, first, s0, xsv, a3); fold4(out + 3 * outStride + 16, first, s1, xsv, b3);
  }
}

/** The panel at wpBuf (8 rows) x one token: the tokens left over after the 4-token tiles. */
// @ts-ignore: decorator
@inline function tile8x1(wpBuf: usize, spBuf: usize, out: usize, xw: usize, xs: usize, groups: i32, group: i32): void {
  const gBytes = <usize>group << 1;
  let w = wpBuf;
  let xo: usize = 0;
  for (let g = 0; g < groups; g++) {
    const end = xo + gBytes;
    let xb = v128.load32_splat(xw + xo);
    let a0 = i32x4.dot_i16x8_s(v128.load(w), xb), b0 = i32x4.dot_i16x8_s(v128.load(w, 16), xb);
    w += 32; xo += 4;
    for (; xo < end; xo += 4) {
      xb = v128.load32_splat(xw + xo);
      a0 = mac(a0, v128.load(w), xb); b0 = mac(b0, v128.load(w, 16), xb);
      w += 32;
    }
    const sp = spBuf + (<usize>g << 5);
    const xsv = v128.load32_splat(xs + (<usize>g << 2));
    const first = g == 0;
    fold4(out, first, v128.load(sp), xsv, a0);
    fold4(out + 16, first, v128.load(sp, 16), xsv, b0);
  }
}

/** Widens ntok activation rows (rowStride int8 each) to i16 at xwBuf. */
function widenRows(xwBuf: usize, xq: usize, ntok: i32, rowStride: usize): void {
  const n = <usize>ntok * rowStride;
  for (let j: usize = 0; j < n; j += 8) v128.store(xwBuf + (j << 1), v128.load8x8_s(xq + j));
}

/** The small-batch path (a few tokens, where repacking would not pay): 4-row x 2-token tiles over the
 * Q8Matrix layout as it is. */
function matmulDirect(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, groups: i32, group: i32, ntok: i32): void {
  const rowStride = <usize>(groups * group);
  const xsStride = <usize>groups << 2;
  const outStride = <usize>rows << 2;
  const block = max<i32>(4, (32768 / <i32>rowStride) & ~3);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = min<i32>(rows, r0 + block);
    let t = 0;
    for (; t + 2 <= ntok; t += 2) {
      const xq0 = xq + <usize>t * rowStride, xs0 = xs + <usize>t * xsStride;
      const xq1 = xq0 + rowStride, xs1 = xs0 + xsStride;
      const o0 = out + <usize>t * outStride, o1 = o0 + outStride;
      let r = r0;
      for (; r + 4 <= r1; r += 4) {
        const rb = <usize>r << 2;
        rows4tok2(o0 + rb, o1 + rb, wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq0, xs0, xq1, xs1, groups, group, rowStride);
      }
      for (; r < r1; r++) {
        const w = wq + <usize>r * rowStride, s = ws + (<usize>(r * groups) << 2);
        store<f32>(o0 + (<usize>r << 2), row1(w, s, xq0, xs0, groups, group));
        store<f32>(o1 + (<usize>r << 2), row1(w, s, xq1, xs1, groups, group));
      }
    }
    if (t < ntok) { // odd token count: the last token takes the matvec path over this block
      rowsFrom(out + <usize>t * outStride + (<usize>r0 << 2), wq + <usize>r0 * rowStride, ws + (<usize>(r0 * groups) << 2),
        xq + <usize>t * rowStride, xs + <usize>t * xsStride, r1 - r0, groups, group);
    }
  }
}

/** Fewest tokens for which the repacked path runs (below it, repacking costs more than it saves). */
const MIN_TILED_TOKENS = 4;

/** out[t*rows + r] = W[r,:] . x_t for ntok quantized tokens (prefill), bit-identical to matvec_q8 per token.
 * Rows go in blocks of about 32 KiB that stay in cache while every token passes over them, in 4-row x
 * 2-token register tiles; needs no scratch (matmul_q8_tiled is the faster form for many tokens). */
export function matmul_q8(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, cols: i32, group: i32, ntok: i32): void {
  checkGroup(group);
  matmulDirect(out, wq, ws, xq, xs, rows, (cols + group - 1) / group, group, ntok);
}

/** Scratch bytes matmul_q8_tiled needs to widen `ntok` tokens at once (fewer tokens per pass with less;
 * below the bytes for 4 tokens it falls back to matmul_q8). */
export function matmul_q8_scratch_bytes(cols: i32, group: i32, ntok: i32): i32 {
  checkGroup(group);
  const groups = (cols + group - 1) / group;
  const rowStride = groups * group;
  return 16 * rowStride + 32 * groups + 2 * rowStride * ntok + 64;
}

/** matmul_q8 with scratch (16-byte aligned, `scratchBytes` long; see matmul_q8_scratch_bytes) for the
 * register-tiled GEMM: results bit-identical to matmul_q8 and matvec_q8. Activations are widened once per
 * call (in chunks of as many tokens as the scratch holds); each 8-row panel is repacked once per chunk and
 * then serves every token of it, four at a time; rows past the last whole panel take the matvec path. */
export function matmul_q8_tiled(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, cols: i32, group: i32, ntok: i32,
  scratch: usize, scratchBytes: i32): void {
  checkGroup(group);
  const groups = (cols + group - 1) / group;
  const rowStride = <usize>(groups * group);
  const xwStride = rowStride << 1;
  const wpBuf = (scratch + 15) & ~15;
  const spBuf = wpBuf + 16 * rowStride;
  const xwBuf = spBuf + (<usize>groups << 5);
  const room = <isize>(scratch + <usize>scratchBytes) - <isize>xwBuf;
  const fit = room > 0 ? <i32>(<usize>room / xwStride) : 0;
  if (ntok < MIN_TILED_TOKENS || rows < 8 || fit < MIN_TILED_TOKENS) {
    matmulDirect(out, wq, ws, xq, xs, rows, groups, group, ntok);
    return;
  }
  const xsStride = <usize>groups << 2;
  const outStride = <usize>rows << 2;
  const chunk = min<i32>(ntok, fit);
  const panels = rows >> 3;
  for (let t0 = 0; t0 < ntok; t0 += chunk) {
    const n = min<i32>(chunk, ntok - t0);
    widenRows(xwBuf, xq + <usize>t0 * rowStride, n, rowStride);
    const xsc = xs + <usize>t0 * xsStride, outc = out + <usize>t0 * outStride;
    for (let pnl = 0; pnl < panels; pnl++) {
      const r = pnl << 3;
      repackPanel8(wpBuf, spBuf, wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), rowStride, groups);
      const outr = outc + (<usize>r << 2);
      let t = 0;
      for (; t + 4 <= n; t += 4) {
        tile8x4(wpBuf, spBuf, outr + <usize>t * outStride, outStride, xwBuf + <usize>t * xwStride, xwStride,
          xsc + <usize>t * xsStride, xsStride, groups, group);
      }
      for (; t < n; t++) tile8x1(wpBuf, spBuf, outr + <usize>t * outStride, xwBuf + <usize>t * xwStride, xsc + <usize>t * xsStride, groups, group);
    }
    const r = panels << 3;
    if (r < rows) {
      for (let t = 0; t < n; t++) {
        rowsFrom(outc + <usize>t * outStride + (<usize>r << 2), wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2),
          xq + <usize>(t0 + t) * rowStride, xsc + <usize>t * xsStride, rows - r, groups, group);
      }
    }
  }
}

