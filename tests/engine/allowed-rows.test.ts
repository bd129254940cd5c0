// Restricting the LM head to an allowed-token bitset: the computed logits are bit-identical to a full
// pass, every other logit is MASKED_LOGIT (finite).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import { allowedRuns } from '../../engine/forward.js';
import { Prng } from '../../random/prng.js';
import { MASKED_LOGIT } from '../../engine/masked-logit.js';
import { modelDir } from './parity-fixtures.js';

const MODELS_UNDER_TEST: [string, string, 'f32' | 'q8'][] = [
  ['stories260K f32', join(MODELS, 'stories260K/stories260K.bin'), 'f32'],
  ['stories260K int8', join(MODELS, 'stories260K/stories260K.bin'), 'q8'],
  ['ref-bpe Q8_0 GGUF', join(modelDir('ref-bpe'), 'ref-bpe-q8_0.gguf'), 'q8'],
  ['ref-spm HF f32', join(modelDir('ref-spm'), 'hf'), 'f32'],
];

describe('allowed-token LM head', () => {
  for (const [label, path, dtype] of MODELS_UNDER_TEST) {
    it(`${label}: allowed logits equal the full pass bit for bit, the rest are MASKED_LOGIT`, async () => {
      const model = await loadModelFromPath(path, { dtype });
      const n = model.config.vocabSize;
      const words = Math.ceil(n / 32);
      const bits = model.kernels.alloc(words * 4);
      const prng = new Prng(5);
      const sets: number[][] = [
        [0], [n - 1], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 32, 33, n - 2, n - 1],
        Array.from({ length: 64 }, (_, i) => 64 + i), // two whole words
        Array.from({ length: 300 }, () => prng.nextU32() % n),
        Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0),
      ];
      const prompt = [1, 5, 9, 13, 200, 17];
      const full = model.createSession();
      full.prefill(prompt);
      const expectedAfterPrompt = full.logitsView().slice();
      full.decode(42);
      const expectedAfterDecode = full.logitsView().slice();
      for (const set of sets) {
        const w = model.kernels.u32(bits, words);
        w.fill(0);
        for (const id of set) w[id >>> 5] |= 1 << (id & 31);
        const allowed = new Set(set);
        const s = model.createSession();
        for (const [got, want] of [
          [model.kernels.f32(s.prefill(prompt, { allowed: bits }), n).slice(), expectedAfterPrompt],
          [model.kernels.f32(s.decode(42, { allowed: bits }), n).slice(), expectedAfterDecode],
        ]) {
          for (let i = 0; i < n; i++) {
            if (allowed.has(i)) { if (!Object.is(got[i], want[i])) expect([i, got[i]]).toEqual([i, want[i]]); }
            else if (got[i] !== MASKED_LOGIT) expect([i, got[i]]).toEqual([i, MASKED_LOGIT]);
          }
        }
      }
    });
  }

  it('finds the runs of set bits', async () => {
    const model = await loadModelFromPath(join(MODELS, 'stories260K/stories260K.bin'));
    const bits = model.kernels.alloc(16 * 4);
    const w = model.kernels.u32(bits, 16);
    w.fill(0);
    expect(allowedRuns(model.kernels, bits, 500)).toEqual([]);
    w[0] = 0b1011; w[1] = 0xffffffff; w[2] = 1; w[15] = 0x80000000;
    expect(allowedRuns(model.kernels, bits, 512)).toEqual([[0, 2], [3, 4], [32, 65], [511, 512]]);
    expect(allowedRuns(model.kernels, bits, 500)).toEqual([[0, 2], [3, 4], [32, 65]]);
  });
});
