// The prefill GEMM (matmul_q8_tiled) with the relaxed-SIMD int8 dot, compiled into the relaxed builds (and
// the test-only emulated build) only; see matvec-q8.ts for the plain GEMM and for why the dot is exact.
//
// The plain GEMM widens weights and activations to i16 and adds two products per lane and instruction
// (i32x4.dot_i16x8_s). Here the 8-row panels stay int8: each v128 holds four rows x four columns
// [r0c0..r0c3 r1c0..r1c3 r2.. r3..], and one i32x4.relaxed_dot_i8x16_i7x16_add_s of it against a broadcast
// 4-byte slice of |x| adds four products to each of four rows' dots. As in the decode path, the weights are
// xor'ed with the token's sign mask (w ^ m is w where x >= 0, -w - 1 where x < 0), which leaves
//   lane = sum w * x - sum over x < 0 of |x|
// so each row's accumulator starts the group at the token's correction (that sum, the same for every row).
// The group's i32 dots are then exactly the plain kernel's, and they are folded into the f32 outputs by the
// same operations in the same order (fold4), so the outputs are bit-identical to matmul_q8's.
// The activations are prepared once per call: |x|, the sign masks and the corrections per token and group.
import { fold4, holdsMinus128, rdot, rowsFrom } from './matvec-q8';

/** Scratch bytes of matmulTiledRelaxed for `ntok` tokens: the int8 panel, its scales, then per token |x|,
 * the sign masks and one i32 correction per group (+ 64 for alignment). */
export function relaxedScratchBytes(rowStride: i32, groups: i32, ntok: i32): i32 {
  return 8 * rowStride + 32 * groups + ntok * (2 * rowStride + 4 * groups) + 64;
}

/** Rows r..r+7 -> panel at wpBuf: for each 4-column step, 32 bytes = rows 0-3 then rows 4-7, each row's
 * four columns in order; scales -> spBuf as the plain panel's (8 f32 per group). */
function repackPanel8i8(wpBuf: usize, spBuf: usize, w: usize, s: usize, rowStride: usize, groups: i32): void {
  for (let h: usize = 0; h < 2; h++) {
    const r0 = w + h * 4 * rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride;
    let d = wpBuf + h * 16;
    for (let c: usize = 0; c < rowStride; c += 16) {
      const a0 = v128.load(r0 + c), a1 = v128.load(r1 + c), a2 = v128.load(r2 + c), a3 = v128.load(r3 + c);
      // 4x4 transpose of i32 lanes: lane q of row r (its columns 4q..4q+3) goes to vector q, lane r.
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

/** For n tokens of xq (no byte -128): |x| at xa, sign masks (0xff where x < 0) at xm, and per group the
 * i32 sum of |x| over its negative entries at xc (groups of 32). */
function prepareActivations(xa: usize, xm: usize, xc: usize, xq: usize, n: i32, rowStride: usize, groups: i32): void {
  const zero = i8x16.splat(0);
  const total = <usize>n * <usize>groups;
  for (let i: usize = 0; i < total; i++) {
    const o = i << 5;
    const x0 = v128.load(xq + o), x1 = v128.load(xq + o, 16);
    const m0 = i8x16.lt_s(x0, zero), m1 = i8x16.lt_s(x1, zero);
    const b0 = i8x16.abs(x0), b1 = i8x16.abs(x1);
    v128.store(xa + o, b0); v128.store(xa + o, b1, 16);
    v128.store(xm + o, m0); v128.store(xm + o, m1, 16);
    const c = i32x4.extadd_pairwise_i16x8_s(i16x8.add(
      i16x8.extadd_pairwise_i8x16_u(v128.and(b0, m0)), i16x8.extadd_pairwise_i8x16_u(v128.and(b1, m1))));
    store<i32>(xc + (i << 2), (i32x4.extract_lane(c, 0) + i32x4.extract_lane(c, 1)) + (i32x4.extract_lane(c, 2) + i32x4.extract_lane(c, 3)));
  }
}

/** The int8 panel at wpBuf (8 rows) x 4 tokens (|x| at xa, masks at xm, rowStride bytes apart; corrections
 * at xc, xcStride apart): writes out[t * outStride + r], r < 8, group 32. */
// @ts-ignore: decorator
@inline function tile8x4r(wpBuf: usize, spBuf: usize, out: usize, outStride: usize, xa: usize, xm: usize, rowStride: usize,
  xc: usize, xcStride: usize, xs: usize, xsStride: usize, groups: i32): void {
  let w = wpBuf;
  for (let g = 0; g < groups; g++) {
    const gs = <usize>g << 2;
    let a0 = v128.load32_splat(xc + gs), a1 = v128.load32_splat(xc + xcStride + gs);
    let a2 = v128.load32_splat(xc + 2 * xcStride + gs), a3 = v128.load32_splat(xc + 3 * xcStride + gs);
    let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
    const c0 = <usize>g << 5;
    for (let c = c0; c < c0 + 32; c += 4) {
      const w0 = v128.load(w), w1 = v128.load(w, 16);
      let m = v128.load32_splat(xm + c), x = v128.load32_splat(xa + c);
      a0 = rdot(v128.xor(w0, m), x, a0); b0 = rdot(v128.xor(w1, m), x, b0);
      m = v128.load32_splat(xm + rowStride + c); x = v128.load32_splat(xa + rowStride + c);
      a1 = rdot(v128.xor(w0, m), x, a1); b1 = rdot(v128.xor(w1, m), x, b1);
      m = v128.load32_splat(xm + 2 * rowStride + c); x = v128.load32_splat(xa + 2 * rowStride + c);
      a2 = rdot(v128.xor(w0, m), x, a2); b2 = rdot(v128.xor(w1, m), x, b2);
      m = v128.load32_splat(xm + 3 * rowStride + c); x = v128.load32_splat(xa + 3 * rowStride + c);
      a3 = rdot(v128.xor(w0, m), x, a3); b3 = rdot(v128.xor(w1, m), x, b3);
      w += 32;
    }
    const sp = spBuf + (<usize>g << 5);
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

/** The int8 panel x one token: the tokens left over after the 4-token tiles. */
// @ts-ignore: decorator
@inline function tile8x1r(wpBuf: usize, spBuf: usize, out: usize, xa: usize, xm: usize, xc: usize, xs: usize, groups: i32): void {
  let w = wpBuf;
  for (let g = 0; g < groups; g++) {
    const gs = <usize>g << 2;
    let a0 = v128.load32_splat(xc + gs);
    let b0 = a0;
    const c0 = <usize>g << 5;
    for (let c = c0; c < c0 + 32; c += 4) {
      const m = v128.load32_splat(xm + c), x = v128.load32_splat(xa + c);
      a0 = rdot(v128.xor(v128.load(w), m), x, a0); b0 = rdot(v128.xor(v128.load(w, 16), m), x, b0);
      w += 32;
    }
    const sp = spBuf + (<usize>g << 5);
    const xsv = v128.load32_splat(xs + gs);
    const first = g == 0;
    fold4(out, first, v128.load(sp), xsv, a0);
    fold4(out + 16, first, v128.load(sp, 16), xsv, b0);
  }
}

/** matmul_q8_tiled for group 32 with the relaxed dot; false (nothing written) when it does not apply: a
 * token byte is -128, or the scratch holds fewer than `minTokens` tokens. */
export function matmulTiledRelaxed(out: usize, wq: usize, ws: usize, xq: usize, xs: usize, rows: i32, groups: i32, ntok: i32,
  scratch: usize, scratchBytes: i32, minTokens: i32): bool {
  const rowStride = <usize>groups << 5;
  const wpBuf = (scratch + 15) & ~15;
  const spBuf = wpBuf + 8 * rowStride;
  const perToken = 2 * rowStride + (<usize>groups << 2);
  const tokBuf = spBuf + (<usize>groups << 5);
  const room = <isize>(scratch + <usize>scratchBytes) - <isize>tokBuf;
  const fit = room > 0 ? <i32>(<usize>room / perToken) : 0;
  if (fit < minTokens || holdsMinus128(xq, <usize>ntok * rowStride)) return false;
  const xsStride = <usize>groups << 2;
  const outStride = <usize>rows << 2;
  const chunk = min<i32>(ntok, fit);
  const xa = tokBuf, xm = xa + <usize>chunk * rowStride, xc = xm + <usize>chunk * rowStride;
  const panels = rows >> 3;
  for (let t0 = 0; t0 < ntok; t0 += chunk) {
    const n = min<i32>(chunk, ntok - t0);
    prepareActivations(xa, xm, xc, xq + <usize>t0 * rowStride, n, rowStride, groups);
    const xsc = xs + <usize>t0 * xsStride, outc = out + <usize>t0 * outStride;
    for (let pnl = 0; pnl < panels; pnl++) {
      const r = pnl << 3;
      repackPanel8i8(wpBuf, spBuf, wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2), rowStride, groups);
      const outr = outc + (<usize>r << 2);
      let t = 0;
      for (; t + 4 <= n; t += 4) {
        const tr = <usize>t * rowStride;
        tile8x4r(wpBuf, spBuf, outr + <usize>t * outStride, outStride, xa + tr, xm + tr, rowStride,
          xc + <usize>t * xsStride, xsStride, xsc + <usize>t * xsStride, xsStride, groups);
      }
      for (; t < n; t++) {
        const tr = <usize>t * rowStride;
        tile8x1r(wpBuf, spBuf, outr + <usize>t * outStride, xa + tr, xm + tr, xc + <usize>t * xsStride, xsc + <usize>t * xsStride, groups);
      }
    }
    const r = panels << 3;
    if (r < rows) {
      for (let t = 0; t < n; t++) {
        rowsFrom(outc + <usize>t * outStride + (<usize>r << 2), wq + <usize>r * rowStride, ws + (<usize>(r * groups) << 2),
          xq + <usize>(t0 + t) * rowStride, xsc + <usize>t * xsStride, rows - r, groups, 32);
      }
    }
  }
  return true;
}
