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

/** The f16 cache of `values`: binary16 bits from the kernels' own conversion, and those halves widened back. */
function halves(k: Kernels, values: Float32Array): { bits: Uint16Array; widened: Float32Array } {
  return scoped(k, () => {
    const src = put(k, values), h = k.alloc(values.length * 2 + 16), w = k.alloc(values.length * 4, 16);
    k.exports.f32_to_f16_rows(src, h, values.length);
    k.exports.f16_to_f32_rows(h, w, values.length);
    return { bits: k.u16(h, values.length).slice(), widened: readF32(k, w, values.length) };
  });
}

function runF16(k: Kernels, c: Case, q: Float32Array, kh: Uint16Array, vh: Uint16Array, ntok = c.ntok, pos0 = c.pos0, qOff = 0) {
  const kvRowStride = c.nKvHeads * c.headDim + c.kvPad;
  const width = c.nHeads * c.headDim;
  const out = space(k, ntok * width);
  const putHalves = (h: Uint16Array) => { const p = k.alloc(h.length * 2, 16); k.u16(p, h.length).set(h); return p; };
  const scratch = k.alloc(k.exports.attention_f16_scratch_bytes(pos0 + ntok, c.headDim), 16);
  k.exports.attention_f16(out, put(k, q.subarray(qOff * width, (qOff + ntok) * width)), putHalves(kh), putHalves(vh), ntok, pos0,
    c.nHeads, c.nKvHeads, c.headDim, kvRowStride, scratch);
  return readF32(k, out, ntok * width);
}

describe('attention over an f16 cache', () => {
  it('gives the bits of f32 attention over the f16-rounded cache, and reads no future positions', async () => {
    const k = await kernels();
    CASES.forEach((c, n) => scoped(k, () => {
      const { q, kc, vc, kvRowStride } = inputs(c, 900 + n);
      // Some zeros and subnormal halves, so blocks of the vector conversion fall back to the scalar one.
      const positions = c.pos0 + c.ntok;
      for (let i = 0; i + 5 < positions * kvRowStride; i += 37) { kc[i] = 0; vc[i + 5] = 3e-6; }
      const K = halves(k, kc), V = halves(k, vc);
      expect(K.widened.subarray(positions * kvRowStride).every(Number.isNaN)).toBe(true); // the poison survives
      const got = runF16(k, c, q, K.bits, V.bits);
      const want = run(k, c, q, K.widened, V.widened);
      expect(got.every(Number.isFinite), JSON.stringify(c)).toBe(true);
      expect(got, JSON.stringify(c)).toEqual(want);
      // And near float64 attention over the unrounded cache: f16 keeps 11 significant bits.
      const ref = attentionF64(q, kc, vc, c.ntok, c.pos0, c.nHeads, c.nKvHeads, c.headDim, kvRowStride);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - ref[i]), `${JSON.stringify(c)} i=${i}`).toBeLessThanOrEqual(2e-2);
    }));
  });

  it('several queries at once give the same bits as one query per position (prefill == decode)', async () => {
    const k = await kernels();
    for (const c of [CASES[3], CASES[4], CASES[5]]) scoped(k, () => {
      const { q, kc, vc } = inputs(c, 1700);
      const K = halves(k, kc), V = halves(k, vc);
      const all = runF16(k, c, q, K.bits, V.bits);
      const width = c.nHeads * c.headDim;
      for (let t = 0; t < c.ntok; t++) expect(runF16(k, c, q, K.bits, V.bits, 1, c.pos0 + t, t)).toEqual(all.subarray(t * width, (t + 1) * width));
    });
  });

  it('rejects a head count that is not a multiple of the KV heads', async () => {
    const k = await kernels();
    scoped(k, () => {
      const s = k.alloc(1024);
      expect(() => k.exports.attention_f16(s, s, s, s, 1, 0, 5, 2, 4, 8, s)).toThrow(/nHeads must be a positive multiple of nKvHeads/);
    });
  });
});
