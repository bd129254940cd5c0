import { describe, expect, it } from 'vitest';
import { matvecQ8F32, matvecQ8F64, q8Shape, quantizeRowsF32 } from '../../kernels/reference.js';
import { kernels, put, randomF32, randomI8, readF32, rng, scoped, space, type Rng } from './wasm-io.js';
import type { Kernels } from '../../kernels/kernels.js';

/** Random weights in the Q8Matrix layout (zero padding) and ntok quantized activations. */
function operands(r: Rng, rows: number, cols: number, group: number, ntok: number, lo = -127) {
  const { groups, rowStride } = q8Shape(cols, group);
  const pad = (q: Int8Array) => q.map((v, i) => (i % rowStride < cols ? v : 0));
  return {
    wq: pad(randomI8(r, rows * rowStride, lo)), ws: randomF32(r, rows * groups, 0.02),
    xq: pad(randomI8(r, ntok * rowStride)), xs: randomF32(r, ntok * groups, 0.5), groups, rowStride,
  };
}

function place(k: Kernels, o: ReturnType<typeof operands>) {
  return { wq: put(k, o.wq), ws: put(k, o.ws), xq: put(k, o.xq), xs: put(k, o.xs) };
}

const SHAPES: [rows: number, cols: number, group: number][] = [
  [1, 1, 32], [1, 16, 16], [3, 15, 16], [4, 17, 16], [5, 32, 32], [7, 33, 32], [8, 172, 32], [9, 576, 32], [6, 100, 64], [13, 200, 48],
  [32, 40, 32], [75, 96, 32], [44, 172, 32], [40, 64, 16], [130, 64, 32], [96, 33, 32], // 32-row steps over four streams, 8-row blocks, remainders
];

describe('matvec_q8', () => {
  it('equals the scalar reference bit for bit (documented accumulation order)', async () => {
    const k = await kernels();
    SHAPES.forEach(([rows, cols, group], n) => scoped(k, () => {
      const o = operands(rng(200 + n), rows, cols, group, 1, n % 2 ? -128 : -127);
      const p = place(k, o);
      const out = space(k, rows);
      k.exports.matvec_q8(out, p.wq, p.ws, p.xq, p.xs, rows, cols, group);
      expect(readF32(k, out, rows), `${rows}x${cols}/${group}`).toEqual(matvecQ8F32(o.wq, o.ws, o.xq, o.xs, rows, cols, group));
    }));
  });

  it('is within 1e-6 of the float64 value relative to the sum of |terms|', async () => {
    const k = await kernels();
    SHAPES.forEach(([rows, cols, group], n) => scoped(k, () => {
      const o = operands(rng(300 + n), rows, cols, group, 1);
      const p = place(k, o);
      const out = space(k, rows);
      k.exports.matvec_q8(out, p.wq, p.ws, p.xq, p.xs, rows, cols, group);
      const got = readF32(k, out, rows);
      const ref = matvecQ8F64(o.wq, o.ws, o.xq, o.xs, rows, cols, group);
      // One f32 rounding per group step: |error| <= groups * 2^-23 * sum|terms|, well under 1e-6 here.
      for (let r = 0; r < rows; r++) expect(Math.abs(got[r] - ref.out[r])).toBeLessThanOrEqual(1e-6 * ref.magnitude[r] + 1e-30);
    }));
  });

  it('integer group dots are exact at the extremes (+-127 x +-127, -128 weights)', async () => {
    const k = await kernels();
    scoped(k, () => {
      // Unit scales, so each output is sum over groups of f32(dot) and stays below 2^24: exact integers.
      const rows = 6, cols = 96, group = 32;
      const wq = new Int8Array(rows * cols), xq = new Int8Array(cols);
      for (let j = 0; j < cols; j++) {
        xq[j] = j % 5 === 0 ? -127 : 127;
        wq[j] = 127; wq[cols + j] = -127; wq[2 * cols + j] = -128; wq[3 * cols + j] = xq[j];
        wq[4 * cols + j] = j % 2 ? -128 : 127; wq[5 * cols + j] = (j * 37) % 255 - 127;
      }
      const out = space(k, rows);
      k.exports.matvec_q8(out, put(k, wq), put(k, new Float32Array(rows * 3).fill(1)), put(k, xq), put(k, new Float32Array(3).fill(1)), rows, cols, group);
      const want = Array.from({ length: rows }, (_, r) => xq.reduce((s, x, j) => s + x * wq[r * cols + j], 0));
      expect(Array.from(readF32(k, out, rows))).toEqual(want);
    });
  });

  it('ignores whatever sits in the activation padding (weights pad with zeros)', async () => {
    const k = await kernels();
    scoped(k, () => {
      const rows = 5, cols = 37, group = 16;
      const o = operands(rng(5), rows, cols, group, 1);
      const dirty = o.xq.map((v, i) => (i < cols ? v : 99));
      const p = place(k, o);
      const out = space(k, rows);
      k.exports.matvec_q8(out, p.wq, p.ws, put(k, dirty), p.xs, rows, cols, group);
      expect(readF32(k, out, rows)).toEqual(matvecQ8F32(o.wq, o.ws, o.xq, o.xs, rows, cols, group));
    });
  });

  it('agrees with a float matvec after quantizing both sides (end to end, tolerance from the step sizes)', async () => {
    const k = await kernels();
    scoped(k, () => {
      const rows = 24, cols = 172, group = 32;
      const r = rng(11);
      const w = randomF32(r, rows * cols), x = randomF32(r, cols, 3);
      const { groups, rowStride } = q8Shape(cols, group);
      const wq = k.alloc(rows * rowStride, 16), ws = k.alloc(rows * groups * 4, 16);
      const xq = k.alloc(rowStride, 16), xs = k.alloc(groups * 4, 16);
      k.exports.quantize_rows_q8(put(k, w), rows, cols, wq, ws, group, 0);
      k.exports.quantize_rows_q8(put(k, x), 1, cols, xq, xs, group, 0);
      const out = space(k, rows);
      k.exports.matvec_q8(out, wq, ws, xq, xs, rows, cols, group);
      const got = readF32(k, out, rows);
      const qw = quantizeRowsF32(w, rows, cols, group, false);
      const qx = quantizeRowsF32(x, 1, cols, group, false);
      for (let i = 0; i < rows; i++) {
        let exact = 0, bound = 0;
        for (let j = 0; j < cols; j++) {
          const g = Math.floor(j / group);
          exact += w[i * cols + j] * x[j];
          // |w x - w' x'| <= |w| dx/2 + |x| dw/2 + dw dx / 4, per element, with d the group steps.
          const dw = qw.scales[i * groups + g], dx = qx.scales[g];
          bound += Math.abs(w[i * cols + j]) * dx / 2 + Math.abs(x[j]) * dw / 2 + dw * dx / 4;
        }
        expect(Math.abs(got[i] - exact)).toBeLessThanOrEqual(bound * 1.001 + 1e-5);
      }
    });
  });
});

describe('matmul_q8', () => {
  it('equals matvec_q8 per token bit for bit, for any token count and row remainder', async () => {
    const k = await kernels();
    const cases: [number, number, number, number][] = [
      [1, 1, 32, 1], [3, 15, 16, 2], [4, 17, 16, 3], [5, 64, 32, 4], [9, 172, 32, 5], [8, 576, 32, 8], [7, 100, 64, 7], [12, 48, 48, 9], [70, 576, 32, 3], [9, 4100, 32, 2], [11, 1000, 16, 4],
    ];
    cases.forEach(([rows, cols, group, ntok], n) => scoped(k, () => {
      const o = operands(rng(400 + n), rows, cols, group, ntok);
      const p = place(k, o);
      const out = space(k, rows * ntok);
      k.exports.matmul_q8(out, p.wq, p.ws, p.xq, p.xs, rows, cols, group, ntok);
      const got = readF32(k, out, rows * ntok);
      const one = space(k, rows);
      for (let t = 0; t < ntok; t++) {
        k.exports.matvec_q8(one, p.wq, p.ws, p.xq + t * o.rowStride, p.xs + t * o.groups * 4, rows, cols, group);
        expect(got.subarray(t * rows, (t + 1) * rows), `${rows}x${cols}/${group} token ${t}`).toEqual(readF32(k, one, rows));
        expect(got.subarray(t * rows, (t + 1) * rows)).toEqual(
          matvecQ8F32(o.wq, o.ws, o.xq, o.xs, rows, cols, group, t * o.rowStride, t * o.groups));
      }
    }));
  });

  it('the tiled GEMM equals matvec_q8 per token bit for bit: token/row/column remainders, small scratch', async () => {
    const k = await kernels();
    // [rows, cols, group, ntok, scratch tokens]: ntok not a multiple of 4 (tile) or of the scratch's
    // chunk, rows not a multiple of 8 (panel), cols not a multiple of the group, groups 16/32/48/64.
    const cases: [number, number, number, number, number][] = [
      [8, 32, 32, 4, 4], [8, 33, 32, 5, 8], [16, 64, 32, 7, 7], [13, 100, 32, 9, 4], [9, 172, 32, 6, 64], [24, 576, 32, 11, 5],
      [70, 576, 32, 13, 64], [17, 200, 48, 10, 6], [40, 64, 16, 8, 8], [12, 130, 64, 4, 4], [64, 1536, 32, 17, 9],
      [8, 16, 16, 3, 8], [7, 64, 32, 9, 16], [16, 96, 32, 8, 3], // below the thresholds: the direct path
    ];
    cases.forEach(([rows, cols, group, ntok, fit], n) => scoped(k, () => {
      const o = operands(rng(500 + n), rows, cols, group, ntok, n % 2 ? -128 : -127);
      const p = place(k, o);
      const out = space(k, rows * ntok);
      const bytes = k.exports.matmul_q8_scratch_bytes(cols, group, fit);
      const scratch = k.alloc(bytes, 4); // the kernel aligns it itself
      k.u8(scratch, bytes).fill(0xa5);
      k.exports.matmul_q8_tiled(out, p.wq, p.ws, p.xq, p.xs, rows, cols, group, ntok, scratch + 4, bytes - 4);
      const got = readF32(k, out, rows * ntok);
      const one = space(k, rows);
      for (let t = 0; t < ntok; t++) {
        k.exports.matvec_q8(one, p.wq, p.ws, p.xq + t * o.rowStride, p.xs + t * o.groups * 4, rows, cols, group);
        expect(got.subarray(t * rows, (t + 1) * rows), `${rows}x${cols}/${group} x${ntok} token ${t}`).toEqual(readF32(k, one, rows));
        expect(got.subarray(t * rows, (t + 1) * rows)).toEqual(
          matvecQ8F32(o.wq, o.ws, o.xq, o.xs, rows, cols, group, t * o.rowStride, t * o.groups));
      }
    }));
  });

  it('the tiled GEMM keeps exact integer dots at the extremes and signed zeros', async () => {
    const k = await kernels();
    scoped(k, () => {
      const rows = 16, cols = 64, group = 32, ntok = 5;
      const wq = new Int8Array(rows * cols), xq = new Int8Array(ntok * cols);
      for (let j = 0; j < cols; j++) {
        for (let r = 0; r < rows; r++) wq[r * cols + j] = r % 4 === 0 ? -128 : r % 4 === 1 ? 127 : r % 4 === 2 ? 0 : ((j * 31 + r) % 255) - 127;
        for (let t = 0; t < ntok; t++) xq[t * cols + j] = t === 4 ? 0 : t % 2 ? -127 : 127;
      }
      // Negative scales make the zero rows' terms -0: the sum must still start from +0 as matvec_q8's does.
      const ws = new Float32Array(rows * 2).fill(-1), xs = new Float32Array(ntok * 2).fill(1);
      const p = { wq: put(k, wq), ws: put(k, ws), xq: put(k, xq), xs: put(k, xs) };
      const out = space(k, rows * ntok);
      const bytes = k.exports.matmul_q8_scratch_bytes(cols, group, ntok);
      k.exports.matmul_q8_tiled(out, p.wq, p.ws, p.xq, p.xs, rows, cols, group, ntok, k.alloc(bytes), bytes);
      const got = readF32(k, out, rows * ntok);
      for (let t = 0; t < ntok; t++) {
        const want = matvecQ8F32(wq, ws, xq, xs, rows, cols, group, t * cols, t * 2);
        for (let r = 0; r < rows; r++) expect(Object.is(got[t * rows + r], want[r]), `t${t} r${r}: ${got[t * rows + r]} vs ${want[r]}`).toBe(true);
      }
    });
  });
});
