// Checks the float64 oracle itself against the two independent facts we have: the published greedy
// stories260K sample and llama.cpp's F32 logits. The engine's tests then trust the oracle.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { ReferenceModel, argmax, compareRows, readHfFolder, readLlama2cBin } from './reference-forward.js';
import { PARITY_MODELS, caseLogits, modelDir, parityCases } from './parity-fixtures.js';

describe('float64 reference forward pass', () => {
  it('reproduces the 256-step greedy stories260K reference', () => {
    const ref = JSON.parse(readFileSync(join(MODELS, 'stories260K/greedy_reference.json'), 'utf8'));
    const m = new ReferenceModel(readLlama2cBin(join(MODELS, 'stories260K/stories260K.bin')));
    const ids: number[] = [];
    let tok = ref.prompt_ids[0];
    for (let i = 0; i < ref.steps; i++) {
      const logits = m.step(tok);
      tok = argmax(logits);
      ids.push(tok);
    }
    expect(ids).toEqual(ref.greedy_ids);
  });

  for (const model of PARITY_MODELS) {
    it(`${model}: HF folder logits match llama.cpp F32 at every prompt position (abs <= 2e-6)`, () => {
      const w = readHfFolder(join(modelDir(model), 'hf'));
      let worst = 0;
      for (const c of parityCases(model).filter((c) => c.weights_type === 'F32')) {
        const rows = caseLogits(model, c);
        const m = new ReferenceModel(w);
        c.tokens.forEach((t, p) => {
          const logits = m.step(t);
          if (p >= c.logits_first_position) worst = Math.max(worst, compareRows(logits, rows[p - c.logits_first_position]).maxAbs);
        });
      }
      // README: numpy float64 vs llama.cpp F32 max abs 9.5e-7 (bpe), 6.4e-7 (spm).
      expect(worst).toBeLessThan(2e-6);
    });
  }
});
