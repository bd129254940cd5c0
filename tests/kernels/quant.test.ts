import { describe, expect, it } from 'vitest';
import { dequantizeRowsF32, f16Round, q8Shape, quantizeRowsF32 } from '../../kernels/reference.js';
import { kernels, put, randomF32, rng, scoped } from './wasm-io.js';
import type { Kernels } from '../../kernels/kernels.js';

function quantize(k: Kernels, x: Float32Array, rows: number, cols: number, group: number, f16: boolean | 2) {
  const { groups, rowStride } = q8Shape(cols, group);
  const xp = put(k, x);
  const qp = k.alloc(rows * rowStride, 16);
  k.u8(qp, rows * rowStride).fill(0x55); // padding must be overwritten with zeros
  const sp = k.alloc(rows * groups * 4, 16);
  k.exports.quantize_rows_q8(xp, rows, cols, qp, sp, group, f16 === 2 ? 2 : f16 ? 1 : 0);
  return { q: k.i8(qp, rows * rowStride).slice(), scales: k.f32(sp, rows * groups).slice(), qp, sp, groups, rowStride };
}

/** Inputs with the features that break quantizers: a zero group, exact ties after scaling, wide ranges. */
function inputs(seed: number, rows: number, cols: number): Float32Array {
  const r = rng(seed);
  const x = randomF32(r, rows * cols, 2 ** (r() * 20 - 10));
  for (let i = 0; i < x.length; i++) if (r() < 0.05) x[i] = 0;
  if (cols >= 3) for (let j = 0; j < Math.min(cols, 16); j++) x[j] = 0; // first group of row 0 starts all-zero
  return x;
}

const SHAPES: [rows: number, cols: number, group: number][] = [
  [1, 1, 32], [1, 5, 16], [2, 17, 16], [3, 32, 32], [2, 33, 32], [4, 172, 32], [2, 576, 32], [3, 100, 64], [1, 48, 48],
];

describe('quantize_rows_q8', () => {
  for (const f16 of [false, true, 2] as const) {
    it(`matches the scalar reference exactly (${f16 === 2 ? 'ggml weight rounding' : f16 ? 'f16' : 'f32'} scales), padding zeroed`, async () => {
      const k = await kernels();
      SHAPES.forEach(([rows, cols, group], n) => scoped(k, () => {
        const x = inputs(100 + n, rows, cols);
        const got = quantize(k, x, rows, cols, group, f16);
        const want = quantizeRowsF32(x, rows, cols, group, f16);
        expect(got.q, `${rows}x${cols}/${group}`).toEqual(want.q);
        expect(got.scales, `${rows}x${cols}/${group}`).toEqual(want.scales);
        for (let r = 0; r < rows; r++) for (let j = cols; j < got.rowStride; j++) expect(got.q[r * got.rowStride + j]).toBe(0);
      }));
    });
  }

  it('ggml weight mode (2) rounds exact ties away from zero, activation modes to even', async () => {
    const k = await kernels();
    // amax 127 gives d = 1 exactly, so x itself is x * (1/d): 2.5 -> 3 and -2.5 -> -3 (even rounding: 2, -2).
    const ties = new Float32Array([127, 2.5, -2.5, 0.5, -0.5, 1.5, 126.5, -126.5]);
    expect(Array.from(quantize(k, ties, 1, ties.length, 32, 2).q.slice(0, ties.length))).toEqual([127, 3, -3, 1, -1, 2, 127, -127]);
    expect(Array.from(quantize(k, ties, 1, ties.length, 32, true).q.slice(0, ties.length))).toEqual([127, 2, -2, 0, 0, 2, 126, -126]);
  });

  it('rounds half to even and keeps |q| <= 127', async () => {
    const k = await kernels();
    scoped(k, () => {
      // amax 127 gives d = 1 exactly, so x * (1/d) = x and the .5 cases are exact ties.
      const x = Float32Array.from([127, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, -127, 3.49, -3.51, 0, 0, 0, 0, 0]);
      const got = quantize(k, x, 1, 16, 16, false);
      expect(Array.from(got.q)).toEqual([127, 0, 2, 2, 0, -2, -2, 126, -127, 3, -4, 0, 0, 0, 0, 0]);
      expect(got.scales[0]).toBe(1);
    });
  });

  it('round-trips within half a step: |x - q*d| <= d * (0.5 + 1e-4) per element', async () => {
    const k = await kernels();
    for (const [rows, cols, group] of SHAPES) scoped(k, () => {
      const x = inputs(7 + cols, rows, cols);
      const got = quantize(k, x, rows, cols, group, false);
      const out = k.alloc(rows * cols * 4, 16);
      k.exports.dequantize_rows_q8(got.qp, got.sp, rows, cols, group, out);
      const deq = k.f32(out, rows * cols);
      for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) {
        const d = got.scales[r * got.groups + Math.floor(j / group)];
        expect(Math.abs(x[r * cols + j] - deq[r * cols + j])).toBeLessThanOrEqual(d * (0.5 + 1e-4));
      }
    });
  });

  it('all-zero and single-value rows quantize without NaN', async () => {
    const k = await kernels();
    scoped(k, () => {
      const got = quantize(k, new Float32Array(40), 1, 40, 32, true);
      expect(Array.from(got.scales)).toEqual([0, 0]);
      expect(got.q.every((v) => v === 0)).toBe(true);
      const one = quantize(k, Float32Array.from([-3]), 1, 1, 32, false);
      expect(one.q[0]).toBe(-127);
      expect(one.scales[0]).toBe(Math.fround(3 / 127));
    });
  });
});

describe('dequantize_rows_q8', () => {
  it('matches q * scale exactly, dropping padding', async () => {
    const k = await kernels();
    for (const [rows, cols, group] of SHAPES) scoped(k, () => {
      const r = rng(cols * 31 + rows);
      const { groups, rowStride } = q8Shape(cols, group);
      const q = Int8Array.from({ length: rows * rowStride }, (_, i) => (i % rowStride < cols ? Math.floor(r() * 256) - 128 : 0));
      const s = randomF32(r, rows * groups, 0.1);
      const out = k.alloc(rows * cols * 4, 16);
      k.exports.dequantize_rows_q8(put(k, q), put(k, s), rows, cols, group, out);
      expect(k.f32(out, rows * cols).slice()).toEqual(dequantizeRowsF32(q, s, rows, cols, group));
    });
  });
});

describe('f16 scale rounding (ggml Q8_0)', () => {
  const halfway = (a: number, b: number) => Math.fround((a + b) / 2);
  it('rounds ties to even, subnormals, overflow', async () => {
    const k = (await kernels()).exports;
    const cases: [number, number][] = [
      [1 + 2 ** -11, 1], // tie between 1 (even) and 1 + 2^-10
      [1 + 3 * 2 ** -11, 1 + 2 ** -9], // tie between 1 + 2^-10 (odd) and 1 + 2^-9 (even)
      [1 + 2 ** -11 + 2 ** -20, 1 + 2 ** -10], // just past the tie
      [2 ** -25, 0], // half the smallest subnormal ties to 0
      [3 * 2 ** -25, 2 * 2 ** -24], // subnormal tie to even
      [5 * 2 ** -25, 2 * 2 ** -24],
      [halfway(2 ** -14 - 2 ** -24, 2 ** -14), 2 ** -14], // tie from the largest subnormal to the smallest normal (even)
      [65504, 65504],
      [65519.99, 65504],
      [65520, Infinity], // tie between 65504 (odd) and 65536 (overflow)
      [1e10, Infinity],
      [2 ** -30, 0],
      [0, 0],
    ];
    for (const [x, want] of cases) {
      expect(k.f16_bits_to_f32(k.f32_to_f16_bits(x)), `f16(${x})`).toBe(want);
      expect(f16Round(x).value, `reference f16(${x})`).toBe(want);
    }
  });

  it('matches the float64 reference on random values across the half range', async () => {
    const k = (await kernels()).exports;
    const r = rng(9);
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround((r() < 0.5 ? -1 : 1) * 2 ** (r() * 44 - 28) * (1 + r()));
      const ref = f16Round(x);
      expect(k.f32_to_f16_bits(x)).toBe(ref.bits);
      expect(k.f16_bits_to_f32(ref.bits)).toBe(ref.value);
    }
  });

  it('non-finite and tiny groups: NaN lanes give 0, +-inf saturate to 127/-128 (trunc_sat(nearest(x/d)) semantics)', async () => {
    const k = await kernels();
    scoped(k, () => {
      // Group 0: a NaN poisons the scale (every lane NaN -> 0). Group 1: amax = inf, so 1/d = 0 and finite
      // lanes give 0 while inf * 0 is NaN -> 0. Group 2: a subnormal amax whose d = amax/127 rounds to the
      // smallest subnormal, so 1/d overflows to inf: positive lanes +inf -> 127, negative -inf -> -128, zeros NaN -> 0.
      const x = new Float32Array(48);
      for (let j = 0; j < 16; j++) { x[j] = j === 3 ? NaN : j - 8; x[16 + j] = j === 5 ? Infinity : j === 6 ? -Infinity : j - 8; }
      const tiny = 2 ** -149 * 100; // subnormal: d = tiny / 127 rounds to 2^-149
      for (let j = 0; j < 16; j++) x[32 + j] = j % 3 === 0 ? 0 : j % 3 === 1 ? tiny : -tiny;
      const got = quantize(k, x, 1, 48, 16, false);
      expect(Array.from(got.q.subarray(0, 32))).toEqual(new Array(32).fill(0));
      expect(Array.from(got.q.subarray(32, 48))).toEqual(Array.from({ length: 16 }, (_, j) => (j % 3 === 0 ? 0 : j % 3 === 1 ? 127 : -128)));
    });
  });
});
