// The Q4 kernels (kernels/assembly/matvec-q4.ts) on fresh random inputs (seeds in the failure messages):
// matvec_q4 against the scalar reference (nibble - 8 multiplied as it stands, documented f32 order) bit for
// bit; against matvec_q8 over the int8 expansion bit for bit (the loader's promise: packed or expanded, the
// same logits); matmul_q4 equal to matvec_q4 per token for any token count and scratch size; the
// expansion and dequantization exact; and the relaxed-SIMD form (emulated build; the real instruction where
// the engine runs it as specified) equal to the plain one.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kernels, relaxedSimdSupported } from '../../kernels/kernels.js';
import { matvecQ4F32, packQ4, q4Weight, unpackQ4 } from '../../kernels/reference-q4.js';
import { matvecQ8F32 } from '../../kernels/reference.js';
import { kernels, put, randomF32, randomI8, readF32, rng, scoped, space, type Rng } from './wasm-io.js';

const seed0 = (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0;

/** Random Q4 weights (-8..7, or pinned to the extremes) and ntok quantized activations (zero padding). */
function operands(r: Rng, rows: number, cols: number, ntok: number, extremes = false) {
  const groups = Math.ceil(cols / 32), rowStride = groups * 32;
  const w = extremes ? Int8Array.from({ length: rows * cols }, (_, i) => (i % 3 === 0 ? -8 : 7)) : randomI8(r, rows * cols, -8, 7);
  const xq = randomI8(r, ntok * rowStride, extremes ? -128 : -127).map((v, i) => (i % rowStride < cols ? (extremes ? (i % 5 ? -128 : 127) : v) : 0));
  return { nib: packQ4(w, rows, cols), ws: randomF32(r, rows * groups, 0.02), xq, xs: randomF32(r, ntok * groups, 0.5), groups, rowStride };
}

type Operands = ReturnType<typeof operands>;

function place(k: Kernels, o: Operands) {
  const nib = k.alloc(o.nib.length, 16);
  k.u8(nib, o.nib.length).set(o.nib);
  return { nib, ws: put(k, o.ws), xq: put(k, o.xq), xs: put(k, o.xs) };
}

/** Rows: 1, under 4, 4-row and 8-row remainders, 32-row steps over four streams; cols: under one group,
 * not a multiple of 32, the SmolLM widths. */
const SHAPES: [rows: number, cols: number][] = [
  [1, 1], [1, 32], [3, 15], [4, 33], [5, 64], [7, 31], [8, 172], [9, 576], [12, 96], [32, 40], [33, 64], [44, 172], [75, 96],
  [130, 64], [96, 33], [257, 1536], [576, 1536],
];

describe('matvec_q4', () => {
  it('equals the scalar reference and matvec_q8 over the int8 expansion, bit for bit', async () => {
    const k = await kernels();
    SHAPES.forEach(([rows, cols], n) => scoped(k, () => {
      const seed = seed0 + n;
      const o = operands(rng(seed), rows, cols, 1, n % 4 === 3);
      const p = place(k, o);
      const out = space(k, rows), viaQ8 = space(k, rows);
      k.exports.matvec_q4(out, p.nib, p.ws, p.xq, p.xs, rows, cols);
      const got = readF32(k, out, rows);
      const label = `${rows}x${cols} seed ${seed}`;
      expect(got, label).toEqual(matvecQ4F32(o.nib, o.ws, o.xq, o.xs, rows, cols));
      const q8 = k.alloc(rows * o.rowStride, 16);
      k.exports.unpack_q4_rows(p.nib, rows, cols, q8);
      expect(k.i8(q8, rows * o.rowStride).slice(), label).toEqual(unpackQ4(o.nib, rows, cols));
      k.exports.matvec_q8(viaQ8, q8, p.ws, p.xq, p.xs, rows, cols, 32);
      expect(got, label).toEqual(readF32(k, viaQ8, rows));
      expect(got, label).toEqual(matvecQ8F32(unpackQ4(o.nib, rows, cols), o.ws, o.xq, o.xs, rows, cols, 32));
    }));
  });

  it('integer group dots are exact at the extremes (weights -8 and 7, activations -128 and 127)', async () => {
    const k = await kernels();
    scoped(k, () => {
      // Unit scales: each output is a sum of f32(dot) below 2^24, so exact integers.
      const rows = 40, cols = 96;
      const w = Int8Array.from({ length: rows * cols }, (_, i) => [-8, 7, 0, -1, 3][Math.floor(i / cols) % 5] * (i % 7 === 0 ? -1 : 1) || -8);
      for (let i = 0; i < w.length; i++) w[i] = Math.max(-8, Math.min(7, w[i]));
      const xq = Int8Array.from({ length: cols }, (_, j) => (j % 3 === 0 ? -128 : 127));
      const out = space(k, rows);
      const nib = k.alloc(rows * 48, 16);
      k.u8(nib, rows * 48).set(packQ4(w, rows, cols));
      k.exports.matvec_q4(out, nib, put(k, new Float32Array(rows * 3).fill(1)), put(k, xq), put(k, new Float32Array(3).fill(1)), rows, cols);
      const want = Array.from({ length: rows }, (_, r) => xq.reduce((s, x, j) => s + x * w[r * cols + j], 0));
      expect(Array.from(readF32(k, out, rows))).toEqual(want);
    });
  });

  it('padding nibbles (8) give weight 0 whatever sits in the activation padding', async () => {
    const k = await kernels();
    scoped(k, () => {
      const rows = 9, cols = 37;
      const o = operands(rng(seed0 + 100), rows, cols, 1);
      const dirty = o.xq.map((v, i) => (i < cols ? v : -99));
      const p = place(k, o);
      const out = space(k, rows);
      k.exports.matvec_q4(out, p.nib, p.ws, put(k, dirty), p.xs, rows, cols);
      expect(readF32(k, out, rows), `seed ${seed0 + 100}`).toEqual(matvecQ4F32(o.nib, o.ws, o.xq, o.xs, rows, cols));
    });
  });
});

describe('matmul_q4', () => {
  it('equals matvec_q4 per token bit for bit: 1 to 17 tokens, row remainders, enough scratch or too little', async () => {
    const k = await kernels();
    // [rows, cols, ntok, scratch]: 'full' = matmul_q4_scratch_bytes, 'none' = token by token, 'half' = room
    // for the expansion but not for the GEMM's own widened tokens (matmul_q8_tiled then takes its direct path).
    const cases: [number, number, number, 'full' | 'none' | 'half'][] = [
      [1, 32, 1, 'full'], [5, 64, 2, 'full'], [7, 33, 3, 'full'], [8, 64, 4, 'full'], [13, 100, 5, 'full'], [24, 576, 9, 'full'],
      [70, 576, 13, 'full'], [64, 1536, 17, 'full'], [33, 96, 8, 'none'], [40, 172, 6, 'half'], [257, 64, 4, 'full'],
    ];
    cases.forEach(([rows, cols, ntok, room], n) => scoped(k, () => {
      const seed = seed0 + 200 + n;
      const o = operands(rng(seed), rows, cols, ntok);
      const p = place(k, o);
      const out = space(k, rows * ntok);
      const full = k.exports.matmul_q4_scratch_bytes(rows, cols, ntok);
      const bytes = room === 'full' ? full : room === 'none' ? 64 : rows * o.rowStride + 64;
      const scratch = k.alloc(bytes + 4, 4);
      k.u8(scratch, bytes + 4).fill(0xa5);
      k.exports.matmul_q4(out, p.nib, p.ws, p.xq, p.xs, rows, cols, ntok, scratch + 4, bytes);
      const got = readF32(k, out, rows * ntok);
      const one = space(k, rows);
      for (let t = 0; t < ntok; t++) {
        k.exports.matvec_q4(one, p.nib, p.ws, p.xq + t * o.rowStride, p.xs + t * o.groups * 4, rows, cols);
        const label = `${rows}x${cols} x${ntok} (${room}) token ${t} seed ${seed}`;
        expect(got.subarray(t * rows, (t + 1) * rows), label).toEqual(readF32(k, one, rows));
        expect(got.subarray(t * rows, (t + 1) * rows), label).toEqual(matvecQ4F32(o.nib, o.ws, o.xq, o.xs, rows, cols, t * o.rowStride, t * o.groups));
      }
    }));
  });
});

describe('Q4 expansion', () => {
  it('dequantize_rows_q4 gives the bits of dequantize_rows_q8 over the expansion, and (nibble - 8) * scale', async () => {
    const k = await kernels();
    scoped(k, () => {
      const rows = 6, cols = 80, seed = seed0 + 300;
      const o = operands(rng(seed), rows, cols, 1);
      const p = place(k, o);
      const a = space(k, rows * cols), b = space(k, rows * cols), q8 = k.alloc(rows * o.rowStride, 16);
      k.exports.dequantize_rows_q4(p.nib, p.ws, rows, cols, a);
      k.exports.unpack_q4_rows(p.nib, rows, cols, q8);
      k.exports.dequantize_rows_q8(q8, p.ws, rows, cols, 32, b);
      const got = readF32(k, a, rows * cols);
      expect(got, `seed ${seed}`).toEqual(readF32(k, b, rows * cols));
      const want = Float32Array.from({ length: rows * cols }, (_, i) =>
        q4Weight(o.nib, o.groups, Math.floor(i / cols), i % cols) * o.ws[Math.floor(i / cols) * o.groups + Math.floor((i % cols) / 32)]);
      expect(got).toEqual(want);
    });
  });

  it('packQ4 (the reference) refuses weights outside -8..7', () => {
    expect(() => packQ4(Int8Array.from([0, 8]), 1, 2)).toThrow(/weight 8 at \(0, 1\) is not in -8\.\.7/);
  });
});

describe('relaxed-SIMD matvec_q4', () => {
  /** matvec_q4 of two builds on the same random operands (all four stream/block paths). */
  function compare(a: Kernels, b: Kernels, seed: number): string[] {
    const bad: string[] = [];
    SHAPES.forEach(([rows, cols], n) => {
      const o = operands(rng(seed + n), rows, cols, 1, n % 3 === 0);
      const res = [a, b].map((k) => scoped(k, () => {
        const p = place(k, o);
        const out = space(k, rows);
        k.exports.matvec_q4(out, p.nib, p.ws, p.xq, p.xs, rows, cols);
        return readF32(k, out, rows);
      }));
      if (!res[0].every((v, i) => Object.is(v, res[1][i]))) bad.push(`${rows}x${cols} seed ${seed + n}`);
    });
    return bad;
  }

  it('the relaxed path with the instruction emulated exactly gives the plain kernel\'s bits', async () => {
    const bytes = readFileSync(fileURLToPath(new URL('../../kernels/build/kernels-relaxed-emulated.wasm', import.meta.url)));
    const emulated = await Kernels.create({ module: await WebAssembly.compile(bytes) });
    expect(compare(emulated, await Kernels.create({ relaxedSimd: false }), seed0 + 400)).toEqual([]);
  });

  it.runIf(relaxedSimdSupported())('the relaxed build gives the plain kernel\'s bits (engines that run relaxed-SIMD as specified)', async () => {
    const relaxed = await Kernels.create({ relaxedSimd: true });
    expect(relaxed.relaxedSimd).toBe(true);
    expect(compare(relaxed, await Kernels.create({ relaxedSimd: false }), seed0 + 500)).toEqual([]);
  });
});
