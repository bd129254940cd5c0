import { describe, expect, it } from 'vitest';
import { rmsnormF64 } from '../../kernels/reference.js';
import { kernels, put, randomF32, readF32, rng, scoped, space } from './wasm-io.js';

describe('rmsnorm', () => {
  it('is within 4e-7 relative (a few ulps) of float64, in place or not, over several rows', async () => {
    const k = await kernels();
    for (const [n, ntok, eps] of [[1, 1, 1e-5], [3, 2, 1e-6], [5, 3, 1e-5], [16, 1, 1e-5], [172, 4, 1e-5], [576, 2, 1e-5]] as const) scoped(k, () => {
      const r = rng(n * 7 + ntok);
      const x = randomF32(r, n * ntok, 3), w = randomF32(r, n, 2);
      const ref = rmsnormF64(x, w, n, Math.fround(eps), ntok);
      const xp = put(k, x), wp = put(k, w), out = space(k, n * ntok);
      k.exports.rmsnorm(out, xp, wp, n, eps, ntok);
      const got = readF32(k, out, n * ntok);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - ref[i]), `n=${n} i=${i}`).toBeLessThanOrEqual(4e-7 * Math.abs(ref[i]) + 1e-30);
      k.exports.rmsnorm(xp, xp, wp, n, eps, ntok); // aliasing out = x
      expect(readF32(k, xp, n * ntok)).toEqual(got);
    });
  });

  it('a zero row gives zeros (eps keeps it finite)', async () => {
    const k = await kernels();
    scoped(k, () => {
      const out = space(k, 7);
      k.exports.rmsnorm(out, put(k, new Float32Array(7)), put(k, new Float32Array(7).fill(1)), 7, 1e-5, 1);
      expect(Array.from(readF32(k, out, 7))).toEqual(new Array(7).fill(0));
    });
  });
});
