import { describe, expect, it } from 'vitest';
import { ropeAngle, ropeF64 } from '../../kernels/reference.js';
import { kernels, put, randomF32, readF32, rng, scoped, space, ulpDiff } from './wasm-io.js';
import type { Kernels } from '../../kernels/kernels.js';

function tables(k: Kernels, maxPos: number, headDim: number, theta: number) {
  const n = maxPos * headDim / 2;
  const cos = space(k, n), sin = space(k, n);
  k.exports.rope_table(cos, sin, maxPos, headDim, theta);
  return { cos, sin, cosT: readF32(k, cos, n), sinT: readF32(k, sin, n) };
}

describe('rope_table', () => {
  it('holds cos/sin of the f32 angle pos * theta^(-2j/headDim) within 1 ulp', async () => {
    const k = await kernels();
    for (const [maxPos, headDim, theta] of [[1, 2, 1e4], [64, 8, 1e4], [300, 64, 1e4], [200, 64, 1e5], [50, 128, 5e5]] as const) scoped(k, () => {
      const t = tables(k, maxPos, headDim, theta);
      const half = headDim / 2;
      let worst = 0;
      for (let p = 0; p < maxPos; p++) for (let j = 0; j < half; j++) {
        // Math.pow can differ from the kernel's exp/log by an ulp of f32 frequency in rare cases; compare
        // against both neighbours' angles would hide real errors, so we require the exact angle's value.
        const a = ropeAngle(p, j, headDim, theta);
        worst = Math.max(worst, ulpDiff(t.cosT[p * half + j], Math.fround(Math.cos(a))), ulpDiff(t.sinT[p * half + j], Math.fround(Math.sin(a))));
      }
      expect(worst, `${maxPos}x${headDim} theta ${theta}`).toBeLessThanOrEqual(1);
    });
  });
});

describe('rope', () => {
  const cases: [ntok: number, nHeads: number, headDim: number, extra: number, pos0: number][] = [
    [1, 1, 2, 0, 0], [1, 1, 8, 0, 5], [3, 2, 8, 4, 7], [4, 9, 64, 0, 0], [2, 3, 64, 64, 100], [5, 15, 64, 0, 33],
  ];
  for (const style of [0, 1]) {
    it(`style ${style} matches a float64 rotation with the same tables (rows, heads, row stride, pos0)`, async () => {
      const k = await kernels();
      for (const [ntok, nHeads, headDim, extra, pos0] of cases) scoped(k, () => {
        const t = tables(k, pos0 + ntok, headDim, 1e4);
        const rowStride = nHeads * headDim + extra; // extra floats after the heads must be left alone
        const x = randomF32(rng(ntok * 13 + headDim), ntok * rowStride, 2);
        const xp = put(k, x);
        k.exports.rope(xp, ntok, nHeads, headDim, rowStride, pos0, t.cos, t.sin, style);
        const got = readF32(k, xp, x.length);
        const ref = ropeF64(x, ntok, nHeads, headDim, rowStride, pos0, t.cosT, t.sinT, style);
        for (let i = 0; i < x.length; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(5e-7 * (Math.abs(x[i]) + 2));
        for (let tk = 0; tk < ntok; tk++) for (let i = nHeads * headDim; i < rowStride; i++) expect(got[tk * rowStride + i]).toBe(x[tk * rowStride + i]);
      });
    });
  }

  it('half-split style equals interleaved style on permuted dimensions', async () => {
    const k = await kernels();
    scoped(k, () => {
      const headDim = 16, nHeads = 2, half = headDim / 2;
      const t = tables(k, 10, headDim, 1e4);
      const x = randomF32(rng(77), nHeads * headDim);
      const perm = new Float32Array(x.length); // interleave: (j, j+half) -> (2j, 2j+1)
      for (let h = 0; h < nHeads; h++) for (let j = 0; j < half; j++) {
        perm[h * headDim + 2 * j] = x[h * headDim + j];
        perm[h * headDim + 2 * j + 1] = x[h * headDim + j + half];
      }
      const a = put(k, x), b = put(k, perm);
      k.exports.rope(a, 1, nHeads, headDim, nHeads * headDim, 9, t.cos, t.sin, 1);
      k.exports.rope(b, 1, nHeads, headDim, nHeads * headDim, 9, t.cos, t.sin, 0);
      const ga = readF32(k, a, x.length), gb = readF32(k, b, x.length);
      for (let h = 0; h < nHeads; h++) for (let j = 0; j < half; j++) {
        expect(gb[h * headDim + 2 * j]).toBe(ga[h * headDim + j]);
        expect(gb[h * headDim + 2 * j + 1]).toBe(ga[h * headDim + j + half]);
      }
    });
  });
});
