// W8A8 products over the Q8Matrix layout: weights [rows, rowStride] int8 + f32 scales [rows, groups]; the
// activation is quantized the same way (xq [ntok, rowStride], xs [ntok, groups]). Padding columns are zero
// in the weights, so whatever sits in the activation's padding contributes nothing.
//
// Accumulation order, identical in every variant below and reproduced by the scalar reference
// (tests/kernels/reference.ts): for each output (row r, token t)
//   acc = 0
//   for g = 0 .. groups-1 in order:
//     dot = exact i32 sum over the group of wq[r, j] * xq[t, j]
//     acc = acc + (ws[r, g] * xs[t, g]) * f32(dot)        each operation an f32 op rounded once, no FMA
// f32(dot) is exact while |dot| < 2^24 (any group up to 1040 wide). The SIMD lanes hold different rows or
// tokens, never parts of one sum, so decode (matvec) and prefill (matmul) give the same bits.

// @ts-ignore: decorator
@inline function dotChunk(acc: v128, w: v128, xl: v128, xh: v128): v128 {
  return i32x4.add(acc, i32x4.add(
    i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(w), xl),
    i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(w), xh)));
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

/** Scales of rows r..r+3 at group g (row stride `sstride` bytes) as one vector. */
// @ts-ignore: decorator
@inline function scales4(s: usize, sstride: usize): v128 {
  let v = v128.load32_zero(s);
  v = v128.load32_lane(s + sstride, v, 1);
  v = v128.load32_lane(s + 2 * sstride, v, 2);
  return v128.load32_lane(s + 3 * sstride, v, 3);
}

/** Four consecutive rows against one token: out4[0..3]. */
// @ts-ignore: decorator
@inline function rows4(out: usize, w: usize, s: usize, xq: usize, xs: usize, groups: i32, group: i32, rowStride: usize): void {
  const sstride = <usize>groups << 2;
  let acc = f32x4.splat(0);
  let o: usize = 0;
  for (let g = 0; g < groups; g++) {
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    const end = o + <usize>group;
    for (; o < end; o += 16) {
      const xv = v128.load(xq + o);
      const xl = i16x8.extend_low_i8x16_s(xv);
      const xh = i16x8.extend_high_i8x16_s(xv);
      const p = w + o;
      a0 = dotChunk(a0, v128.load(p), xl, xh);
      a1 = dotChunk(a1, v128.load(p + rowStride), xl, xh);
      a2 = dotChunk(a2, v128.load(p + 2 * rowStride), xl, xh);
      a3 = dotChunk(a3, v128.load(p + 3 * rowStride), xl, xh);
    }
    const gs = <usize>g << 2;
    const scale = f32x4.mul(scales4(s + gs, sstride), v128.load32_splat(xs + gs));
    acc = f32x4.add(acc, f32x4.mul(scale, f32x4.convert_i32x4_s(hsum4(a0, a1, a2, a3))));
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
    for (; o < end; o += 16) {
      const xv = v128.load(xq + o);
      a = dotChunk(a, v128.load(w + o), i16x8.extend_low_i8x16_s(xv), i16x8.extend_high_i8x16_s(xv));
    }
    const gs = <usize>g << 2;
    acc = acc + (load<f32>(s + gs) * load<f32>(xs + gs)) * <f32>hsum1(a);
  }
  return acc;
}

/** out[r] = W[r,:] . x for one quantized token (decode). */
export function matvec_q8(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, cols: i32, group: i32): void {
  const groups = (cols + group - 1) / group;
  const rowStride = <usize>(groups * group);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    rows4(out + (<usize>r << 2), wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq, xs, groups, group, rowStride);
  }
  for (; r < rows; r++) {
    store<f32>(out + (<usize>r << 2), row1(wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), xq, xs, groups, group));
  }
}

/** Four rows against two tokens: each weight chunk is loaded and widened once for both tokens. */
// @ts-ignore: decorator
@inline function rows4tok2(out0: usize, out1: usize, w: usize, s: usize, xq0: usize, xs0: usize, xq1: usize, xs1: usize,
  groups: i32, group: i32, rowStride: usize): void {
  const sstride = <usize>groups << 2;
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
  let o: usize = 0;
  for (let g = 0; g < groups; g++) {
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    let b0 = i32x4.splat(0), b1 = i32x4.splat(0), b2 = i32x4.splat(0), b3 = i32x4.splat(0);
    const end = o + <usize>group;
    for (; o < end; o += 16) {
      const xv0 = v128.load(xq0 + o);
      const xl0 = i16x8.extend_low_i8x16_s(xv0), xh0 = i16x8.extend_high_i8x16_s(xv0);
      const xv1 = v128.load(xq1 + o);
      const xl1 = i16x8.extend_low_i8x16_s(xv1), xh1 = i16x8.extend_high_i8x16_s(xv1);
      const p = w + o;
      let wv = v128.load(p);
      let wl = i16x8.extend_low_i8x16_s(wv), wh = i16x8.extend_high_i8x16_s(wv);
      a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(wl, xl0), i32x4.dot_i16x8_s(wh, xh0)));
      b0 = i32x4.add(b0, i32x4.add(i32x4.dot_i16x8_s(wl, xl1), i32x4.dot_i16x8_s(wh, xh1)));
      wv = v128.load(p + rowStride);
      wl = i16x8.extend_low_i8x16_s(wv); wh = i16x8.extend_high_i8x16_s(wv);
      a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(wl, xl0), i32x4.dot_i16x8_s(wh, xh0)));
      b1 = i32x4.add(b1, i32x4.add(i32x4.dot_i16x8_s(wl, xl1), i32x4.dot_i16x8_s(wh, xh1)));
      wv = v128.load(p + 2 * rowStride);
      wl = i16x8.extend_low_i8x16_s(wv); wh = i16x8.extend_high_i8x16_s(wv);
      a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(wl, xl0), i32x4.dot_i16x8_s(wh, xh0)));
      b2 = i32x4.add(b2, i32x4.add(i32x4.dot_i16x8_s(wl, xl1), i32x4.dot_i16x8_s(wh, xh1)));
      wv = v128.load(p + 3 * rowStride);
      wl = i16x8.extend_low_i8x16_s(wv); wh = i16x8.extend_high_i8x16_s(wv);
      a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(wl, xl0), i32x4.dot_i16x8_s(wh, xh0)));
      b3 = i32x4.add(b3, i32x4.add(i32x4.dot_i16x8_s(wl, xl1), i32x4.dot_i16x8_s(wh, xh1)));
    }
    const gs = <usize>g << 2;
    const sv = scales4(s + gs, sstride);
    acc0 = f32x4.add(acc0, f32x4.mul(f32x4.mul(sv, v128.load32_splat(xs0 + gs)), f32x4.convert_i32x4_s(hsum4(a0, a1, a2, a3))));
    acc1 = f32x4.add(acc1, f32x4.mul(f32x4.mul(sv, v128.load32_splat(xs1 + gs)), f32x4.convert_i32x4_s(hsum4(b0, b1, b2, b3))));
  }
  v128.store(out0, acc0);
  v128.store(out1, acc1);
}

/** out[t*rows + r] = W[r,:] . x_t for ntok quantized tokens (prefill): blocks of 4 rows stay hot in cache
 * while every token passes over them, two tokens per pass. Bit-identical to matvec_q8 per token. */
export function matmul_q8(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, cols: i32, group: i32, ntok: i32): void {
  const groups = (cols + group - 1) / group;
  const rowStride = <usize>(groups * group);
  const xsStride = <usize>groups << 2;
  const outStride = <usize>rows << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const w = wq + <usize>r * rowStride;
    const s = ws + (<usize>(r * groups) << 2);
    const o = out + (<usize>r << 2);
    let t = 0;
    for (; t + 2 <= ntok; t += 2) {
      rows4tok2(o + <usize>t * outStride, o + <usize>(t + 1) * outStride, w, s,
        xq + <usize>t * rowStride, xs + <usize>t * xsStride,
        xq + <usize>(t + 1) * rowStride, xs + <usize>(t + 1) * xsStride, groups, group, rowStride);
    }
    if (t < ntok) rows4(o + <usize>t * outStride, w, s, xq + <usize>t * rowStride, xs + <usize>t * xsStride, groups, group, rowStride);
  }
  for (; r < rows; r++) {
    const w = wq + <usize>r * rowStride;
    const s = ws + (<usize>(r * groups) << 2);
    for (let t = 0; t < ntok; t++) {
      store<f32>(out + <usize>t * outStride + (<usize>r << 2), row1(w, s, xq + <usize>t * rowStride, xs + <usize>t * xsStride, groups, group));
    }
  }
}
