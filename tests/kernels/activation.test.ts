import { describe, expect, it } from 'vitest';
import { softmaxF64, swigluF64 } from '../../kernels/reference.js';
import { kernels, put, randomF32, readF32, rng, scoped, space } from './wasm-io.js';

describe('softmax', () => {
  // Tolerance per element, relative: 1e-6, plus the f32 rounding of x - max (|x - max| * 2^-24 absolute in
  // the exponent, so that much relative in the result).
  it('is within 1e-6 + |x-max| 2^-23 relative of float64 and sums to 1, from length 1 to the vocabulary', async () => {
    const k = await kernels();
    for (const [n, spread] of [[1, 1], [2, 1], [5, 30], [17, 5], [1000, 20], [49152, 15]] as const) scoped(k, () => {
      const x = randomF32(rng(n), n, spread);
      const xp = put(k, x);
      k.exports.softmax(xp, n);
      const got = readF32(k, xp, n), ref = softmaxF64(x);
      const m = Math.max(...x);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual((1e-6 + (m - x[i]) * 2 ** -23) * ref[i] + 1e-45);
        sum += got[i];
      }
      expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-5);
    });
  });

  it('handles large logits and masked (-1e30) entries without overflow or NaN', async () => {
    const k = await kernels();
    scoped(k, () => {
      const x = Float32Array.from([1e4, -1e30, 1e4 - 1, -1e30, 3e38]);
      const xp = put(k, x);
      k.exports.softmax(xp, 3);
      const got = readF32(k, xp, 5);
      expect(got[1]).toBe(0);
      expect(got[0] / got[2]).toBeCloseTo(Math.E, 5);
      expect(got[3]).toBe(Math.fround(-1e30)); // past n: untouched
      expect(got[4]).toBe(Math.fround(3e38));
    });
  });
});

describe('vector exp path', () => {
  // softmax and swiglu run expf on four lanes at once (f64x2 polynomial); their documented formulas with the
  // scalar expf export, step by step in f32, must give the same bits, so scalar tails and SIMD bodies agree.
  it('softmax equals e_i = expf(x_i - max), f64 sum in order, times f32(1/sum), bit for bit', async () => {
    const k = await kernels();
    for (const n of [1, 4, 7, 64, 1001]) scoped(k, () => {
      const x = randomF32(rng(n + 50), n, 40);
      x[0] = -1e30; // a masked logit: e = 0
      const xp = put(k, x);
      k.exports.softmax(xp, n);
      const m = x.reduce((a, b) => Math.max(a, b), -Infinity);
      const e = x.map((v) => k.exports.expf(Math.fround(v - m)));
      let sum = 0;
      for (const v of e) sum += v;
      const inv = Math.fround(1 / sum);
      expect(readF32(k, xp, n)).toEqual(e.map((v) => Math.fround(v * inv)));
    });
  });

  it('swiglu equals (g * f32(1 / (1 + expf(-g)))) * up bit for bit, including overflowing gates', async () => {
    const k = await kernels();
    for (const n of [1, 5, 64, 203]) scoped(k, () => {
      const r = rng(n + 60);
      const gate = randomF32(r, n, 30), up = randomF32(r, n, 3);
      gate[0] = -200; gate[n - 1] = 150; // e^200 overflows to inf: sigmoid 0; e^-150 underflows: sigmoid 1
      const out = space(k, n);
      k.exports.swiglu(out, put(k, gate), put(k, up), n);
      const want = gate.map((g, i) => Math.fround(Math.fround(g * Math.fround(1 / Math.fround(1 + k.exports.expf(-g)))) * up[i]));
      expect(readF32(k, out, n)).toEqual(want);
    });
  });
});

describe('swiglu', () => {
  it('is within 4e-7 relative of float64, aliasing allowed', async () => {
    const k = await kernels();
    for (const n of [1, 3, 16, 172, 1536]) scoped(k, () => {
      const r = rng(n + 1);
      const gate = randomF32(r, n, 12), up = randomF32(r, n, 3);
      const ref = swigluF64(gate, up);
      const gp = put(k, gate), up_ = put(k, up), out = space(k, n);
      k.exports.swiglu(out, gp, up_, n);
      const got = readF32(k, out, n);
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(4e-7 * Math.abs(ref[i]) + 1e-40);
      k.exports.swiglu(gp, gp, up_, n);
      expect(readF32(k, gp, n)).toEqual(got);
    });
  });
});
