import { describe, expect, it } from 'vitest';
import { matvecF64 } from '../../kernels/reference.js';
import { kernels, put, randomF32, readF32, rng, scoped, space } from './wasm-io.js';

const SHAPES: [rows: number, cols: number][] = [[1, 1], [1, 3], [3, 4], [4, 5], [5, 16], [7, 33], [9, 172], [16, 576]];

describe('matvec_f32', () => {
  it('is within 2^-20 of the float64 dot relative to the sum of |products|', async () => {
    const k = await kernels();
    SHAPES.forEach(([rows, cols], n) => scoped(k, () => {
      const r = rng(500 + n);
      const w = randomF32(r, rows * cols), x = randomF32(r, cols, 4);
      const out = space(k, rows);
      k.exports.matvec_f32(out, put(k, w), put(k, x), rows, cols);
      const got = readF32(k, out, rows);
      const ref = matvecF64(w, x, rows, cols);
      // f32 products and pairwise-by-lane sums: error grows at most ~cols/4 ulps of the magnitude; 2^-20 covers 576.
      for (let i = 0; i < rows; i++) expect(Math.abs(got[i] - ref.out[i]), `${rows}x${cols} row ${i}`).toBeLessThanOrEqual(2 ** -20 * ref.magnitude[i] * Math.max(1, cols / 64) + 1e-30);
    }));
  });
});

describe('matmul_f32', () => {
  it('equals matvec_f32 per token bit for bit', async () => {
    const k = await kernels();
    for (const [rows, cols, ntok] of [[1, 1, 1], [3, 5, 2], [4, 17, 3], [9, 64, 5], [6, 172, 4]]) scoped(k, () => {
      const r = rng(rows * 100 + cols);
      const w = put(k, randomF32(r, rows * cols)), x = randomF32(r, ntok * cols);
      const xp = put(k, x);
      const out = space(k, rows * ntok), one = space(k, rows);
      k.exports.matmul_f32(out, w, xp, rows, cols, ntok);
      const got = readF32(k, out, rows * ntok);
      for (let t = 0; t < ntok; t++) {
        k.exports.matvec_f32(one, w, xp + t * cols * 4, rows, cols);
        expect(got.subarray(t * rows, (t + 1) * rows)).toEqual(readF32(k, one, rows));
      }
    });
  });
});
