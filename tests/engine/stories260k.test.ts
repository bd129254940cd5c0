// End to end on a real checkpoint: stories260K (llama2.c format, GQA 8q/4kv) must reproduce the
// published 256-step greedy sample exactly with f32 weights; the int8 path must match at least 64 tokens.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { ReferenceModel, compareRows, readLlama2cBin } from './reference-forward.js';

const BIN = join(MODELS, 'stories260K/stories260K.bin');
const ref = JSON.parse(readFileSync(join(MODELS, 'stories260K/greedy_reference.json'), 'utf8'));

function matchLength(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

describe('stories260K', () => {
  let f32: Model, q8: Model;
  beforeAll(async () => {
    f32 = await loadModelFromPath(BIN, { dtype: 'f32' });
    q8 = await loadModelFromPath(BIN, { dtype: 'q8' });
  });

  it('f32: 256 greedy steps from BOS equal greedy_reference.json', () => {
    const r = f32.generate(ref.prompt_ids, { maxTokens: ref.steps, temperature: 0, eosIds: [] });
    expect(r.ids.length).toBe(256);
    expect(matchLength(r.ids, ref.greedy_ids)).toBe(256);
    expect(r.ids).toEqual(ref.greedy_ids);
  });

  it('f32: logits along the greedy path agree with the float64 reference (max abs <= 1e-4)', () => {
    const oracle = new ReferenceModel(readLlama2cBin(BIN));
    const seq = [1, ...ref.greedy_ids.slice(0, 63)];
    const rows = f32.logitsAll(seq);
    let worst = 0, minCos = 1;
    seq.forEach((t, p) => {
      const c = compareRows(rows[p], oracle.step(t));
      worst = Math.max(worst, c.maxAbs);
      minCos = Math.min(minCos, c.cosine);
    });
    console.log(`stories260K f32 vs float64 over 64 positions: max abs ${worst.toExponential(2)}, min cosine ${minCos}`);
    expect(worst).toBeLessThan(1e-4);
    for (const [id, logit] of ref.first_step_top5) expect(Math.abs(rows[0][id] - logit)).toBeLessThan(1e-4);
  });

  it('int8: greedy matches the reference for at least its first 64 tokens', () => {
    const r = q8.generate([1], { maxTokens: ref.steps, temperature: 0, eosIds: [] });
    const n = matchLength(r.ids, ref.greedy_ids);
    console.log(`stories260K int8 (group 32) greedy matches the f32 reference for ${n} of 256 tokens`);
    expect(n).toBeGreaterThanOrEqual(64);
  });
});
