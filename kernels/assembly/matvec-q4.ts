import { hsum4, matmul_q8_tiled, rdot, scales4, term4 } from './matvec-q8';

// W4A8 products over the Q4Matrix layout (weights/model-weights.ts): group 32, per row and group 16 bytes of
// nibbles as GGUF Q4_0 stores them (byte j: low nibble = column 32g + j, high nibble = column 32g + 16 + j;
// weight = nibble - 8), at w + (r * groups + g) * 16, and f32 scales [rows, groups] as in the Q8Matrix layout,
// so a GGUF block's nibbles are copied as they are and the int8 expansion (unpack_q4_rows) shares the scales.
// Padding columns hold nibble 8 (weight 0). The activation is the Q8 one (xq [rowStride], xs [groups]).
//
// The exact i32 group dot is computed as sum(nibble * x) - 8 * sum(x): both sums are exact integers, so it
// equals the int8 dot of the expanded weights, and the f32 steps are matvec_q8's, in its order:
//   acc = acc + (ws[r, g] * xs[g]) * f32(dot)     groups ascending, each op rounded once, no FMA
// The outputs are therefore bit-identical to matvec_q8 over the expanded matrix, on every engine, for
// decode (matvec_q4) and prefill (matmul_q4, which runs matmul_q8_tiled over the expansion) alike.

/** An activation group widened to i16 in the order the nibbles unpack to (see dot32q4). */
// Each u16 lane k of the nibble vector holds bytes 2k and 2k+1, so masks and shifts of the lane give the
// weights of columns 2k, 2k+1, 16+2k and 17+2k directly as i16, with no byte shuffles; x is split the same way
// once per group and serves every row.

/** Even bytes of x (columns 0, 2, ..) sign-extended to i16. */
// @ts-ignore: decorator
@inline function evenI16(x: v128): v128 { return i16x8.shr_s(i16x8.shl(x, 8), 8); }

/** Odd bytes of x sign-extended to i16. */
// @ts-ignore: decorator
@inline function oddI16(x: v128): v128 { return i16x8.shr_s(x, 8); }

/** 8 * sum of the 32 activation values in every lane (the correction for the nibbles' offset of 8). */
// @ts-ignore: decorator
@inline function eightSum(xe0: v128, xo0: v128, xe1: v128, xo1: v128): v128 {
  const t = i32x4.extadd_pairwise_i16x8_s(i16x8.add(i16x8.add(xe0, xo0), i16x8.add(xe1, xo1)));
  const u = i32x4.add(t, i32x4.shuffle(t, t, 2, 3, 0, 1));
  return i32x4.shl(i32x4.add(u, i32x4.shuffle(u, u, 1, 0, 3, 2)), 3);
}

/** Lane sums of nibble * x over one group (16 bytes at p): weights 0..15, not yet offset by 8. */
// @ts-ignore: decorator
@inline function dot32q4(p: usize, xe0: v128, xo0: v128, xe1: v128, xo1: v128): v128 {
  const w = v128.load(p);
  const m = i16x8.splat(15);
  return i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(v128.and(w, m), xe0), i32x4.dot_i16x8_s(v128.and(i16x8.shr_u(w, 8), m), xo0)),
    i32x4.add(i32x4.dot_i16x8_s(v128.and(i16x8.shr_u(w, 4), m), xe1), i32x4.dot_i16x8_s(i16x8.shr_u(w, 12), xo1)));
}

/** Four rows (rb bytes apart) at one group: the f32 term to add to their accumulators. */
// @ts-ignore: decorator
@inline function term4q4(p: usize, rb: usize, sp: usize, sstride: usize, xsv: v128, corr: v128,
  xe0: v128, xo0: v128, xe1: v128, xo1: v128): v128 {
  return term4(scales4(sp, sstride), xsv, i32x4.sub(hsum4(
    dot32q4(p, xe0, xo0, xe1, xo1), dot32q4(p + rb, xe0, xo0, xe1, xo1),
    dot32q4(p + 2 * rb, xe0, xo0, xe1, xo1), dot32q4(p + 3 * rb, xe0, xo0, xe1, xo1)), corr));
}

/** The relaxed-SIMD form: i32x4.relaxed_dot_i8x16_i7x16_add_s takes the nibbles (0..15) as its 7-bit
 * operand and x (any int8) as the other, so it is defined identically everywhere with no sign trick. */
// @ts-ignore: decorator
@inline function dot32q4r(p: usize, x0: v128, x1: v128): v128 {
  const w = v128.load(p);
  const m = i8x16.splat(15);
  return rdot(x1, v128.and(i16x8.shr_u(w, 4), m), rdot(x0, v128.and(w, m), i32x4.splat(0)));
}

// @ts-ignore: decorator
@inline function term4q4r(p: usize, rb: usize, sp: usize, sstride: usize, xsv: v128, corr: v128, x0: v128, x1: v128): v128 {
  return term4(scales4(sp, sstride), xsv, i32x4.sub(hsum4(
    dot32q4r(p, x0, x1), dot32q4r(p + rb, x0, x1), dot32q4r(p + 2 * rb, x0, x1), dot32q4r(p + 3 * rb, x0, x1)), corr));
}

// @ts-ignore: isDefined
const RELAXED: bool = ASC_FEATURE_RELAXED_SIMD || isDefined(RELAXED_EMULATE);

/** Loads the two cache lines at p into t (wasm has no prefetch; see matvec-q8.ts touch4). */
// @ts-ignore: decorator
@inline function touch2(t: v128, p: usize): v128 {
  return v128.or(t, v128.or(v128.load(p), v128.load(p, 64)));
}

let touchSink: v128 = i32x4.splat(0);

/** 32 rows against one token as four streams of 8 rows `qd` rows apart, as matvec_q8's rows8x4g32 (x
 * prepared once per group for all 32 rows, four prefetch streams, the next 8-row block of each stream
 * touched ahead: 8 rows * 16 bytes per group step = two cache lines). */
// @ts-ignore: decorator
@inline function rows8x4(out: usize, w: usize, s: usize, xq: usize, xs: usize, groups: i32, qd: i32, nstreams: i32, ahead: usize,
  aheadS: usize): void {
  const rb = <usize>groups << 4, sstride = <usize>groups << 2;
  const b4 = 4 * rb, s4 = 4 * sstride;
  const dq = <usize>qd * rb, ds = <usize>qd * sstride, dout = <usize>qd << 2;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  let t = i32x4.splat(0);
  for (let g = 0; g < groups; g++) {
    const o = <usize>g << 4, gs = <usize>g << 2;
    if (nstreams == 4) {
      const tp = w + ahead + (<usize>g << 7);
      t = touch2(touch2(touch2(touch2(t, tp), tp + dq), tp + 2 * dq), tp + 3 * dq);
      // The next block's scales too (8 rows * 4 bytes per group = 32 bytes a step): they are a fifth of
      // the bytes here, and untouched they arrived late.
      const ts = s + aheadS + (<usize>g << 5);
      t = v128.or(v128.or(t, v128.or(v128.load(ts), v128.load(ts + ds))), v128.or(v128.load(ts + 2 * ds), v128.load(ts + 3 * ds)));
    }
    const xp = xq + (<usize>g << 5);
    const x0 = v128.load(xp), x1 = v128.load(xp, 16);
    const xe0 = evenI16(x0), xo0 = oddI16(x0), xe1 = evenI16(x1), xo1 = oddI16(x1);
    const corr = eightSum(xe0, xo0, xe1, xo1);
    const xsv = v128.load32_splat(xs + gs);
    const p = w + o, sp = s + gs;
    if (RELAXED) {
      c0 = f32x4.add(c0, term4q4r(p, rb, sp, sstride, xsv, corr, x0, x1));
      c1 = f32x4.add(c1, term4q4r(p + b4, rb, sp + s4, sstride, xsv, corr, x0, x1));
      if (nstreams == 4) {
        c2 = f32x4.add(c2, term4q4r(p + dq, rb, sp + ds, sstride, xsv, corr, x0, x1));
        c3 = f32x4.add(c3, term4q4r(p + dq + b4, rb, sp + ds + s4, sstride, xsv, corr, x0, x1));
        c4 = f32x4.add(c4, term4q4r(p + 2 * dq, rb, sp + 2 * ds, sstride, xsv, corr, x0, x1));
        c5 = f32x4.add(c5, term4q4r(p + 2 * dq + b4, rb, sp + 2 * ds + s4, sstride, xsv, corr, x0, x1));
        c6 = f32x4.add(c6, term4q4r(p + 3 * dq, rb, sp + 3 * ds, sstride, xsv, corr, x0, x1));
        c7 = f32x4.add(c7, term4q4r(p + 3 * dq + b4, rb, sp + 3 * ds + s4, sstride, xsv, corr, x0, x1));
      }
    } else {
      c0 = f32x4.add(c0, term4q4(p, rb, sp, sstride, xsv, corr, xe0, xo0, xe1, xo1));
      c1 = f32x4.add(c1, term4q4(p + b4, rb, sp + s4, sstride, xsv, corr, xe0, xo0, xe1, xo1));
      if (nstreams == 4) {
        c2 = f32x4.add(c2, term4q4(p + dq, rb, sp + ds, sstride, xsv, corr, xe0, xo0, xe1, xo1));
        c3 = f32x4.add(c3, term4q4(p + dq + b4, rb, sp + ds + s4, sstride, xsv, corr, xe0, xo0, xe1, xo1));
        c4 = f32x4.add(c4, term4q4(p + 2 * dq, rb, sp + 2 * ds, sstride, xsv, corr, xe0, xo0, xe1, xo1));
        c5 = f32x4.add(c5, term4q4(p + 2 * dq + b4, rb, sp + 2 * ds + s4, sstride, xsv, corr, xe0, xo0, xe1, xo1));
        c6 = f32x4.add(c6, term4q4(p + 3 * dq, rb, sp + 3 * ds, sstride, xsv, corr, xe0, xo0, xe1, xo1));
        c7 = f32x4.add(c7, term4q4(p + 3 * dq + b4, rb, sp + 3 * ds + s4, sstride, xsv, corr, xe0, xo0, xe1, xo1));
      }
    }
  }
  if (nstreams == 4) touchSink = v128.or(touchSink, t);
  v128.store(out, c0); v128.store(out, c1, 16);
  if (nstreams == 4) {
    v128.store(out + dout, c2); v128.store(out + dout, c3, 16);
    v128.store(out + 2 * dout, c4); v128.store(out + 2 * dout, c5, 16); v128.store(out + 3 * dout, c6); v128.store(out + 3 * dout, c7, 16);
  }
}

/** Four rows against one token. */
// @ts-ignore: decorator
@inline function rows4(out: usize, w: usize, s: usize, xq: usize, xs: usize, groups: i32): void {
  const rb = <usize>groups << 4, sstride = <usize>groups << 2;
  let acc = f32x4.splat(0);
  for (let g = 0; g < groups; g++) {
    const xp = xq + (<usize>g << 5);
    const x0 = v128.load(xp), x1 = v128.load(xp, 16);
    const xe0 = evenI16(x0), xo0 = oddI16(x0), xe1 = evenI16(x1), xo1 = oddI16(x1);
    const gs = <usize>g << 2;
    acc = f32x4.add(acc, term4q4(w + (<usize>g << 4), rb, s + gs, sstride, v128.load32_splat(xs + gs), eightSum(xe0, xo0, xe1, xo1),
      xe0, xo0, xe1, xo1));
  }
  v128.store(out, acc);
}

/** One row against one token. */
// @ts-ignore: decorator
@inline function row1(w: usize, s: usize, xq: usize, xs: usize, groups: i32): f32 {
  let acc: f32 = 0;
  for (let g = 0; g < groups; g++) {
    const xp = xq + (<usize>g << 5);
    const x0 = v128.load(xp), x1 = v128.load(xp, 16);
    const xe0 = evenI16(x0), xo0 = oddI16(x0), xe1 = evenI16(x1), xo1 = oddI16(x1);
    const a = dot32q4(w + (<usize>g << 4), xe0, xo0, xe1, xo1);
    const dot = (i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1)) + (i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3)) -
      i32x4.extract_lane(eightSum(xe0, xo0, xe1, xo1), 0);
    const gs = <usize>g << 2;
    acc = acc + (load<f32>(s + gs) * load<f32>(xs + gs)) * <f32>dot;
  }
  return acc;
}

/** All rows of one token: 32 at a time over four streams, then blocks of 8, of 4, then single rows. */
function rowsFrom(out: usize, w: usize, s: usize, xq: usize, xs: usize, rows: i32, groups: i32): void {
  const rb = <usize>groups << 4;
  const qd = (rows >> 5) << 3;
  let r = 0;
  for (; r < qd; r += 8) {
    rows8x4(out + (<usize>r << 2), w + <usize>r * rb, s + (<usize>(r * groups) << 2), xq, xs, groups, qd, 4, r + 8 < qd ? rb << 3 : 0,
      r + 8 < qd ? <usize>groups << 5 : 0);
  }
  r = qd << 2;
  for (; r + 8 <= rows; r += 8) rows8x4(out + (<usize>r << 2), w + <usize>r * rb, s + (<usize>(r * groups) << 2), xq, xs, groups, 0, 1, 0, 0);
  for (; r + 4 <= rows; r += 4) rows4(out + (<usize>r << 2), w + <usize>r * rb, s + (<usize>(r * groups) << 2), xq, xs, groups);
  for (; r < rows; r++) store<f32>(out + (<usize>r << 2), row1(w + <usize>r * rb, s + (<usize>(r * groups) << 2), xq, xs, groups));
}

/** out[r] = W[r,:] . x for one quantized token (decode); bit-identical to matvec_q8 over unpack_q4_rows(W). */
export function matvec_q4(out: usize, w: usize, ws: usize, xq: usize, xs: usize, rows: i32, cols: i32): void {
  rowsFrom(out, w, ws, xq, xs, rows, (cols + 31) >> 5);
}

/** The int8 expansion: rows of Q4 nibbles -> the Q8Matrix layout (group 32, rowStride = groups * 32),
 * weight = nibble - 8. The scales are shared as they are. */
export function unpack_q4_rows(w: usize, rows: i32, cols: i32, q: usize): void {
  const n = <usize>rows * <usize>((cols + 31) >> 5);
  const m = i8x16.splat(15), eight = i8x16.splat(8);
  for (let b: usize = 0; b < n; b++) {
    const v = v128.load(w + (b << 4));
    v128.store(q + (b << 5), i8x16.sub(v128.and(v, m), eight));
    v128.store(q + (b << 5), i8x16.sub(v128.and(i16x8.shr_u(v, 4), m), eight), 16);
  }
}

/** f32 out[rows * cols] = (nibble - 8) * scale, dense: the same bits as dequantize_rows_q8 of the expansion. */
export function dequantize_rows_q4(w: usize, ws: usize, rows: i32, cols: i32, out: usize): void {
  const groups = (cols + 31) >> 5;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const g = j >> 5, i = j & 31;
      const byte = <i32>load<u8>(w + <usize>((r * groups + g) << 4) + <usize>(i & 15));
      const nib = i < 16 ? byte & 15 : byte >> 4;
      store<f32>(out + (<usize>(r * cols + j) << 2), <f32>(nib - 8) * load<f32>(ws + (<usize>(r * groups + g) << 2)));
    }
  }
}

/** Scratch bytes matmul_q4 needs to run `ntok` tokens through the tiled int8 GEMM in one pass: the whole
 * matrix expanded to int8, plus matmul_q8_tiled's own scratch. */
export function matmul_q4_scratch_bytes(rows: i32, cols: i32, ntok: i32): i32 {
  const rowStride = ((cols + 31) >> 5) << 5;
  return rows * rowStride + 16 + 16 * rowStride + 32 * (rowStride >> 5) + 2 * rowStride * ntok + 64;
}

/** Fewest tokens for which expanding the matrix pays (below, each token runs matvec_q4). */
const MIN_EXPANDED_TOKENS = 4;

/** out[t*rows + r] = W[r,:] . x_t for ntok tokens (prefill), bit-identical to matvec_q4 per token: with
 * scratch for the expansion (matmul_q4_scratch_bytes), the matrix is expanded to int8 once and the tokens
 * run through matmul_q8_tiled (which matches matvec_q8, which matches matvec_q4); otherwise, or for fewer
 * than 4 tokens, token by token through matvec_q4. */
export function matmul_q4(out: usize, w: usize, ws: usize, xq: usize, xs: usize, rows: i32, cols: i32, ntok: i32,
  scratch: usize, scratchBytes: i32): void {
  const groups = (cols + 31) >> 5;
  const rowStride = <usize>(groups << 5);
  const q = (scratch + 15) & ~15;
  const end = scratch + <usize>scratchBytes;
  const need = <usize>rows * rowStride;
  if (ntok < MIN_EXPANDED_TOKENS || q + need > end) {
    for (let t = 0; t < ntok; t++) {
      rowsFrom(out + (<usize>(t * rows) << 2), w, ws, xq + <usize>t * rowStride, xs + (<usize>(t * groups) << 2), rows, groups);
    }
    return;
  }
  unpack_q4_rows(w, rows, cols, q);
  matmul_q8_tiled(out, q, ws, xq, xs, rows, cols, 32, ntok, q + need, <i32>(end - (q + need)));
}
