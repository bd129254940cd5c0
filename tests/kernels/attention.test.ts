import { describe, expect, it } from 'vitest';
import { attentionF64 } from '../../kernels/reference.js';
import { kernels, put, randomF32, readF32, rng, scoped, space } from './wasm-io.js';
import type { Kernels } from '../../kernels/kernels.js';

interface Case { ntok: number; pos0: number; nHeads: number; nKvHeads: number; headDim: number; kvPad: number }

function run(k: Kernels, c: Case, q: Float32Array, kc: Float32Array, vc: Float32Array, ntok = c.ntok, pos0 = c.pos0, qOff = 0) {
  const kvRowStride = c.nKvHeads * c.headDim + c.kvPad;
  const width = c.nHeads * c.headDim;
  const out = space(k, ntok * width);
  k.exports.attention(out, put(k, q.subarray(qOff * width, (qOff + ntok) * width)), put(k, kc), put(k, vc), ntok, pos0,
    c.nHeads, c.nKvHeads, c.headDim, kvRowStride, space(k, pos0 + ntok));
  return readF32(k, out, ntok * width);
}

function inputs(c: Case, seed: number) {
  const r = rng(seed);
  const kvRowStride = c.nKvHeads * c.headDim + c.kvPad;
  const positions = c.pos0 + c.ntok;
  const kc = randomF32(r, (positions + 3) * kvRowStride, 2), vc = randomF32(r, (positions + 3) * kvRowStride, 2);
  // Rows past the last attended position are poison: a kernel that reads them produces NaN.
  kc.fill(NaN, positions * kvRowStride);
  vc.fill(NaN, positions * kvRowStride);
  return { q: randomF32(r, c.ntok * c.nHeads * c.headDim, 2), kc, vc, kvRowStride };
}

const CASES: Case[] = [
  { ntok: 1, pos0: 0, nHeads: 1, nKvHeads: 1, headDim: 1, kvPad: 0 },
  { ntok: 1, pos0: 6, nHeads: 1, nKvHeads: 1, headDim: 8, kvPad: 0 },
  { ntok: 3, pos0: 0, nHeads: 4, nKvHeads: 4, headDim: 6, kvPad: 3 }, // GQA 1, head not a multiple of 4
  { ntok: 4, pos0: 5, nHeads: 9, nKvHeads: 3, headDim: 64, kvPad: 0 }, // GQA 3 (SmolLM-135M)
  { ntok: 2, pos0: 17, nHeads: 15, nKvHeads: 3, headDim: 64, kvPad: 0 }, // GQA 5
  { ntok: 5, pos0: 0, nHeads: 10, nKvHeads: 2, headDim: 13, kvPad: 5 }, // GQA 5, odd head
  { ntok: 1, pos0: 300, nHeads: 6, nKvHeads: 2, headDim: 16, kvPad: 0 },
];

describe('attention', () => {
  it('matches float64 causal GQA attention within 2e-6 (+ 2e-6 relative) and reads no future positions', async () => {
    const k = await kernels();
    CASES.forEach((c, n) => scoped(k, () => {
      const { q, kc, vc, kvRowStride } = inputs(c, 600 + n);
      const got = run(k, c, q, kc, vc);
      const ref = attentionF64(q, kc, vc, c.ntok, c.pos0, c.nHeads, c.nKvHeads, c.headDim, kvRowStride);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - ref[i]), `${JSON.stringify(c)} i=${i}`).toBeLessThanOrEqual(2e-6 + 2e-6 * Math.abs(ref[i]));
    }));
  });

  it('several queries at once give the same bits as one query per position (prefill == decode)', async () => {
    const k = await kernels();
    for (const c of [CASES[3], CASES[4], CASES[5]]) scoped(k, () => {
      const { q, kc, vc } = inputs(c, 700);
      const all = run(k, c, q, kc, vc);
      const width = c.nHeads * c.headDim;
      for (let t = 0; t < c.ntok; t++) expect(run(k, c, q, kc, vc, 1, c.pos0 + t, t)).toEqual(all.subarray(t * width, (t + 1) * width));
    });
  });

  it('one position attends only to itself: out = v', async () => {
    const k = await kernels();
    scoped(k, () => {
      const c = { ntok: 1, pos0: 0, nHeads: 3, nKvHeads: 1, headDim: 4, kvPad: 0 };
      const { q, kc, vc } = inputs(c, 5);
      const got = run(k, c, q, kc, vc);
      for (let h = 0; h < 3; h++) expect(got.subarray(h * 4, h * 4 + 4)).toEqual(vc.subarray(0, 4));
    });
  });
});
