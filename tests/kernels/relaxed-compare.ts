// Shared by relaxed-simd.test.ts and relaxed-child.ts: one build of the kernels against another and the
// scalar reference, matvec_q8, matmul_q8 (odd token counts end in the matvec path) and the prefill GEMM
// matmul_q8_tiled (whole and partial 4-token tiles and 8-row panels, scratch too small for all tokens at
// once, groups other than 32), on fresh random
// inputs: weights over all int8 values (-128 included), activations over -127..127 with cases pinned to the
// extremes, and a case holding -128 (which the relaxed path must hand to the plain kernel).
import type { Kernels } from '../../kernels/kernels.js';
import { matvecQ8F32, q8Shape } from '../../kernels/reference.js';
import { mulberry32Unit } from '../../random/prng.js';

export interface Comparison { cases: number; mismatches: string[] }

export const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export function compareBuilds(relaxed: Kernels, plain: Kernels, seed: number): Comparison {
  const r = mulberry32Unit(seed);
  const report: Comparison = { cases: 0, mismatches: [] };
  /** Weights: any int8 (-128 included); activations: -127..127, with some rows pinned to the extremes. */
  function operands(rows: number, cols: number, group: number, ntok: number, kind: number) {
    const { groups, rowStride } = q8Shape(cols, group);
    const wq = new Int8Array(rows * rowStride), xq = new Int8Array(ntok * rowStride);
    for (let i = 0; i < wq.length; i++) wq[i] = i % rowStride < cols ? (kind === 1 ? (i & 1 ? -128 : 127) : Math.floor(r() * 256) - 128) : 0;
    for (let i = 0; i < xq.length; i++) {
      const v = kind === 1 ? (i & 2 ? -127 : 127) : kind === 2 ? -127 : kind === 3 ? (r() < 0.5 ? -128 : 5) : Math.floor(r() * 255) - 127;
      xq[i] = i % rowStride < cols ? v : 0;
    }
    const ws = Float32Array.from({ length: rows * groups }, () => (r() * 2 - 1) * 0.02);
    const xs = Float32Array.from({ length: ntok * groups }, () => (r() * 2 - 1) * 0.5);
    return { wq, xq, ws, xs, rowStride };
  }

  /** scratchTokens > 0: matmul_q8_tiled with scratch for that many tokens at once. */
  function run(k: Kernels, o: ReturnType<typeof operands>, rows: number, cols: number, group: number, ntok: number,
    scratchTokens: number): Float32Array {
    const m = k.mark();
    const put = (a: Int8Array | Float32Array) => { const p = k.alloc(a.byteLength, 16); k.u8(p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)); return p; };
    const wq = put(o.wq), ws = put(o.ws), xq = put(o.xq), xs = put(o.xs), out = k.alloc(rows * ntok * 4);
    if (scratchTokens) {
      const bytes = k.exports.matmul_q8_scratch_bytes(cols, group, scratchTokens);
      k.exports.matmul_q8_tiled(out, wq, ws, xq, xs, rows, cols, group, ntok, k.alloc(bytes, 16), bytes);
    } else if (ntok === 1) k.exports.matvec_q8(out, wq, ws, xq, xs, rows, cols, group);
    else k.exports.matmul_q8(out, wq, ws, xq, xs, rows, cols, group, ntok);
    const res = k.f32(out, rows * ntok).slice();
    k.release(m);
    return res;
  }

  // [rows, cols, group, tokens, scratch tokens for matmul_q8_tiled (0: matvec_q8 / matmul_q8)]
  const shapes: [number, number, number, number, number][] = [
    [1, 32, 32, 1, 0], [7, 33, 32, 1, 0], [8, 64, 32, 1, 0], [9, 576, 32, 1, 0], [32, 96, 32, 1, 0], [40, 576, 32, 1, 0], [130, 64, 32, 1, 0],
    [257, 1536, 32, 1, 0], [1536, 576, 32, 1, 0], [96, 100, 16, 1, 0], [13, 200, 64, 1, 0], [64, 576, 32, 3, 0], [33, 96, 32, 5, 0],
    [8, 32, 32, 4, 4], [19, 96, 32, 7, 7], [64, 576, 32, 9, 9], [40, 1536, 32, 13, 5], [200, 70, 32, 16, 16], [24, 96, 16, 6, 6],
    [16, 128, 64, 5, 5],
  ];
  for (const [rows, cols, group, ntok, scratchTokens] of shapes) {
    for (let kind = 0; kind < 4; kind++) {
      const o = operands(rows, cols, group, ntok, kind);
      const a = run(relaxed, o, rows, cols, group, ntok, scratchTokens), b = run(plain, o, rows, cols, group, ntok, scratchTokens);
      report.cases++;
      const label = `${rows}x${cols}/${group} x${ntok}${scratchTokens ? ` tiled (scratch ${scratchTokens})` : ''} kind ${kind}`;
      if (!same(a, b)) report.mismatches.push(`${label}: relaxed != plain`);
      for (let t = 0; t < ntok; t++) {
        const ref = matvecQ8F32(o.wq, o.ws, o.xq.subarray(t * o.rowStride), o.xs.subarray(t * Math.ceil(cols / group)), rows, cols, group);
        if (!same(a.slice(t * rows, (t + 1) * rows), ref)) report.mismatches.push(`${label}: relaxed != scalar reference (token ${t})`);
      }
    }
  }

  return report;
}
