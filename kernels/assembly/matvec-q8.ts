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

/** 32 rows against one token, group 32 (Q8_0's). The x group is widened once for all 32 rows, and 32 rows
 * keep 32 independent weight streams in flight: for matrices that come from DRAM (a whole model's decode
 * pass) that measured ~25% faster than 8-row blocks, and no slower from cache. The eight f32 accumulators
 * stay in registers. */
// @ts-ignore: decorator
@inline function rows32g32(out: usize, w: usize, s: usize, xq: usize, xs: usize, groups: i32, rowStride: usize): void {
  const sstride = <usize>groups << 2;
  const q4 = 4 * rowStride, s4 = 4 * sstride;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  for (let g = 0; g < groups; g++) {
    const o = <usize>g << 5, gs = <usize>g << 2;
    const xp = xq + o;
    const xl0 = v128.load8x8_s(xp), xh0 = v128.load8x8_s(xp, 8), xl1 = v128.load8x8_s(xp, 16), xh1 = v128.load8x8_s(xp, 24);
    const xsv = v128.load32_splat(xs + gs);
    const p = w + o, sp = s + gs;
    c0 = f32x4.add(c0, term4g32(p, rowStride, sp, sstride, xsv, xl0, xh0, xl1, xh1));
    c1 = f32x4.add(c1, term4g32(p + q4, rowStride, sp + s4, sstride, xsv, xl0, xh0, xl1, xh1));
    c2 = f32x4.add(c2, term4g32(p + 2 * q4, rowStride, sp + 2 * s4, sstride, xsv, xl0, xh0, xl1, xh1));
    c3 = f32x4.add(c3, term4g32(p + 3 * q4, rowStride, sp + 3 * s4, sstride, xsv, xl0, xh0, xl1, xh1));
    c4 = f32x4.add(c4, term4g32(p + 4 * q4, rowStride, sp + 4 * s4, sstride, xsv, xl0, xh0, xl1, xh1));
    c5 = f32x4.add(c5, term4g32(p + 5 * q4, rowStride, sp + 5 * s4, sstride, xsv, xl0, xh0, xl1, xh1));
    c6 = f32x4.add(c6, term4g32(p + 6 * q4, rowStride, sp + 6 * s4, sstride, xsv, xl0, xh0, xl1, xh1));
    c7 = f32x4.add(c7, term4g32(p + 7 * q4, rowStride, sp + 7 * s4, sstride, xsv, xl0, xh0, xl1, xh1));
  }
  v128.store(out, c0); v128.store(out, c1, 16); v128.store(out, c2, 32); v128.store(out, c3, 48);
  v128.store(out, c4, 64); v128.store(out, c5, 80); v128.store(out, c6, 96); v128.store(out, c7, 112);
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

/** All rows of one token: blocks of 32 and 8 (group 32) or 4, then single rows. */
// @ts-ignore: decorator
@inline function rowsFrom(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, groups: i32, group: i32): void {
  const rowStride = <usize>(groups * group);
  let r = 0;
  if (group == 32) {
    for (; r + 32 <= rows; r += 32) {
      rows32g32(out + (<usize>r << 2), wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq, xs, groups, rowStride);
    }
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

/** out[t*rows + r] = W[r,:] . x_t for ntok quantized tokens (prefill). Rows go in blocks of about 32 KiB that
 * stay in L1/L2 while every token passes over them (each weight byte comes from memory once per call, not
 * once per token), and within a block 4-row x 2-token register tiles widen each weight chunk once for two
 * tokens. Per output the order is matvec_q8's, so the results are bit-identical to it. */
export function matmul_q8(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, cols: i32, group: i32, ntok: i32): void {
  checkGroup(group);
  const groups = (cols + group - 1) / group;
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

