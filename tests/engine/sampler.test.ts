// Sampler semantics on hand-made logits: greedy ties, seeded reproducibility, the sampled distribution,
// temperature, top-k, top-p, repetition penalty, masking.
import { beforeAll, describe, expect, it } from 'vitest';
import { Kernels, type Ptr } from '../../kernels/kernels.js';
import { MASKED_LOGIT } from '../../engine/masked-logit.js';
import { NoTokenAllowedError, Sampler, SamplingOptionsError, type SamplingOptions } from '../../engine/sampler.js';
import { Prng } from '../../random/prng.js';

let kernels: Kernels;
let logitsPtr: Ptr;
let scratch: Ptr;
beforeAll(async () => {
  kernels = await Kernels.create();
  logitsPtr = kernels.alloc(4 * 1024);
  scratch = kernels.alloc(4 * 1024);
});

/** Samples `n` times from fresh copies of `logits` with one sampler; returns counts per id. */
function draws(logits: number[], options: SamplingOptions, n: number, history: number[] = []): number[] {
  const s = new Sampler(kernels, scratch, logits.length, options);
  const counts = new Array(logits.length).fill(0);
  for (let i = 0; i < n; i++) {
    kernels.f32(logitsPtr, logits.length).set(logits);
    counts[s.sample(logitsPtr, history)]++;
  }
  return counts;
}

function sequence(logits: number[], options: SamplingOptions, n: number): number[] {
  const s = new Sampler(kernels, scratch, logits.length, options);
  return Array.from({ length: n }, () => { kernels.f32(logitsPtr, logits.length).set(logits); return s.sample(logitsPtr); });
}

const logp = (ps: number[]) => ps.map(Math.log);

describe('Prng', () => {
  it('is reproducible, seed-dependent (high bits too) and roughly uniform', () => {
    const a = new Prng(42), b = new Prng(42), c = new Prng(43), d = new Prng(42 + 2 ** 32);
    const xs = Array.from({ length: 1000 }, () => a.nextU32());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.nextU32()));
    expect(xs.slice(0, 8)).not.toEqual(Array.from({ length: 8 }, () => c.nextU32()));
    expect(xs.slice(0, 8)).not.toEqual(Array.from({ length: 8 }, () => d.nextU32()));
    for (const x of xs) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length / 2 ** 32;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(() => new Prng(-1)).toThrow(/seed/);
  });
});

describe('Sampler', () => {
  it('greedy: the largest logit, the lowest id on ties', () => {
    expect(sequence([0.1, 3, 2, 3], {}, 1)).toEqual([1]);
    expect(sequence([0.1, 3, 2, 3], { temperature: 0 }, 1)).toEqual([1]);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const l = [1, 1.2, 0.8, 1.1, 0.9, 1.3, 0.7, 1];
    const a = sequence(l, { temperature: 1, seed: 5 }, 200);
    expect(sequence(l, { temperature: 1, seed: 5 }, 200)).toEqual(a);
    expect(sequence(l, { temperature: 1, seed: 6 }, 200)).not.toEqual(a);
  });

  it('draws tokens with their softmax probabilities (temperature 1)', () => {
    const counts = draws(logp([0.5, 0.3, 0.2]), { temperature: 1, seed: 1 }, 20000);
    expect(Math.abs(counts[0] / 20000 - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(counts[1] / 20000 - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(counts[2] / 20000 - 0.2)).toBeLessThan(0.015);
  });

  it('temperature: high flattens towards uniform, low sharpens towards the argmax', () => {
    const hot = draws(logp([0.7, 0.2, 0.1]), { temperature: 50, seed: 2 }, 6000);
    for (const c of hot) expect(Math.abs(c / 6000 - 1 / 3)).toBeLessThan(0.03);
    // At T = 0.05 the probabilities become p^20 renormalized: 0.4 -> 1 / (1 + 0.875^20 + 0.625^20) = 0.935.
    const cold = draws(logp([0.4, 0.35, 0.25]), { temperature: 0.05, seed: 2 }, 4000);
    expect(Math.abs(cold[0] / 4000 - 0.9352)).toBeLessThan(0.015);
    expect(cold[2]).toBeLessThan(5);
  });

  it('top-k keeps exactly the k largest (ties to the lowest ids)', () => {
    const l = [0.1, 2, 0.5, 1.9, 1.8, -1, 1.8];
    const counts = draws(l, { temperature: 1, topK: 3, seed: 3 }, 3000);
    expect(counts.map((c) => c > 0)).toEqual([false, true, false, true, true, false, false]);
    expect(draws(l, { temperature: 5, topK: 1, seed: 3 }, 200)[1]).toBe(200);
  });

  it('top-p keeps the smallest most-likely set reaching p', () => {
    const l = logp([0.5, 0.3, 0.15, 0.05]);
    const used = (p: number) => draws(l, { temperature: 1, topP: p, seed: 4 }, 3000).map((c) => c > 0);
    expect(used(0.4)).toEqual([true, false, false, false]);
    expect(used(0.75)).toEqual([true, true, false, false]);
    expect(used(0.9)).toEqual([true, true, true, false]);
    expect(used(1)).toEqual([true, true, true, true]);
    // Within the nucleus the draw is renormalized: 0.5 / 0.8 of the draws go to id 0.
    const c = draws(l, { temperature: 1, topP: 0.75, seed: 4 }, 20000);
    expect(Math.abs(c[0] / 20000 - 0.625)).toBeLessThan(0.015);
  });

  it('repetition penalty divides positive and multiplies negative logits of recent ids', () => {
    const s = new Sampler(kernels, scratch, 4, { repetitionPenalty: 2 });
    kernels.f32(logitsPtr, 4).set([2, 1.9, -1, -1.1]);
    expect(s.sample(logitsPtr, [0, 2])).toBe(1); // greedy after the penalty
    expect(Array.from(kernels.f32(logitsPtr, 4))).toEqual([1, Math.fround(1.9), -2, Math.fround(-1.1)]);
    // Only the last `repetitionWindow` ids count.
    const w = new Sampler(kernels, scratch, 4, { repetitionPenalty: 2, repetitionWindow: 1 });
    kernels.f32(logitsPtr, 4).set([2, 1.9, -1, -1.1]);
    expect(w.sample(logitsPtr, [0, 2])).toBe(0);
  });

  it('never samples a masked token (MASKED_LOGIT, or -Infinity from a processor) and fails clearly when all are masked', () => {
    const finite = draws([1, MASKED_LOGIT, 1, MASKED_LOGIT], { temperature: 0.5, seed: 9 }, 500);
    expect(finite[1] + finite[3]).toBe(0);
    expect(draws([MASKED_LOGIT, MASKED_LOGIT, -1e30, MASKED_LOGIT], { temperature: 0 }, 1)[2]).toBe(1);
    expect(() => draws([MASKED_LOGIT, MASKED_LOGIT], { temperature: 1 }, 1)).toThrow(NoTokenAllowedError);
    expect(() => draws([MASKED_LOGIT, -Infinity], { temperature: 0 }, 1)).toThrow(NoTokenAllowedError);
    const counts = draws([1, -Infinity, 1, -Infinity], { temperature: 1, seed: 9 }, 500);
    expect(counts[1] + counts[3]).toBe(0);
    expect(draws([-Infinity, -Infinity, 0, -Infinity], { temperature: 0 }, 1)[2]).toBe(1);
    expect(() => draws([-Infinity, -Infinity], { temperature: 1 }, 1)).toThrow(NoTokenAllowedError);
    expect(() => draws([-Infinity, -Infinity], { temperature: 0 }, 1)).toThrow(NoTokenAllowedError);
  });

  it('rejects invalid options with a message naming them', () => {
    const bad: [SamplingOptions, RegExp][] = [
      [{ temperature: -1 }, /temperature/], [{ topK: 1.5 }, /topK/], [{ topP: 0 }, /topP/], [{ topP: 1.1 }, /topP/],
      [{ repetitionPenalty: 0 }, /repetitionPenalty/], [{ seed: -3 }, /seed/],
    ];
    for (const [o, re] of bad) expect(() => new Sampler(kernels, scratch, 4, o)).toThrow(re);
    expect(() => new Sampler(kernels, scratch, 4, { topP: 0 })).toThrow(SamplingOptionsError);
  });
});

describe('vanishing temperature', () => {
  it('a temperature so small that logit / T overflows f32 gives the greedy choice, not garbage', () => {
    const logits = [0.5, 2.25, -1, 2.0, 1.75, 0.1, -3, 2.2];
    for (const temperature of [1e-39, 1.1e-38, 1e-45, 2 ** -126]) {
      expect(sequence(logits, { temperature, seed: 3 }, 20), String(temperature)).toEqual(new Array(20).fill(1));
      expect(sequence(logits.map((x) => x * 1000), { temperature, seed: 5 }, 5)).toEqual(new Array(5).fill(1));
    }
    // Large logits overflow at a larger temperature too.
    expect(sequence([3e30, 2e30, -3e30], { temperature: 1e-9, seed: 1 }, 5)).toEqual(new Array(5).fill(0));
    // Small but safe temperatures still sample: 2.25 vs 2.2 at T = 0.05 is odds e^1, p about 0.7 and 0.26.
    const counts = draws(logits, { temperature: 0.05, seed: 9 }, 200);
    expect(counts[1]).toBeGreaterThan(110);
    expect(counts[7]).toBeGreaterThan(25);
  });
});
