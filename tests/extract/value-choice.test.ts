// Value choice: the kernel-side token scorer against a float64 reference on random rows, and the choice
// inside the real extraction loop against a brute-force reference that scores every candidate with fresh
// full forward passes.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { TokenScorer, valueScore } from '../../extract/value-choice.js';
import { extract, extractorFor } from '../../extract/api.js';
import { ForcedTokenizer } from '../../extract/forced-tokens.js';
import { grammarCompiler } from '../../extract/grammar-constraint.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { MASKED_LOGIT } from '../../engine/masked-logit.js';
import { mulberry32Unit } from '../../random/prng.js';

const UTF8 = new TextEncoder();

/** log sum_{id in ids} softmax(row)[id] in float64. */
function refLogProb(row: ArrayLike<number>, ids: readonly number[]): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
  let z = 0;
  for (let i = 0; i < row.length; i++) z += Math.exp(row[i] - max);
  let p = 0;
  for (const id of ids) p += Math.exp(row[id] - max);
  return Math.log(p / z);
}

let model: Model;
beforeAll(async () => {
  model = await loadModelFromPath(join(MODELS, 'stories260K/stories260K.bin'), { tokenizerPath: join(MODELS, 'stories260K/tok512.bin') });
});

describe('TokenScorer', () => {
  it('gives the log-probability of a token set within 1e-5 of float64, masked logits counting as zero', () => {
    const n = 777;
    const scorer = new TokenScorer(model.kernels, model.kernels.alloc(n * 4), n);
    const rnd = mulberry32Unit(4242);
    for (let trial = 0; trial < 30; trial++) {
      const row = Float32Array.from({ length: n }, () => (rnd() - 0.5) * 20);
      if (trial % 3 === 0) for (let i = 0; i < n; i += 2) row[i] = MASKED_LOGIT;
      const ids = Array.from({ length: 1 + (trial % 5) }, () => 1 + 2 * Math.floor(rnd() * (n / 2 - 1)));
      expect(scorer.logProb(row, ids)).toBeCloseTo(refLogProb(row, ids), 5);
    }
    const masked = Float32Array.from({ length: n }, (_, i) => (i === 0 ? 1 : MASKED_LOGIT));
    expect(scorer.logProb(masked, [5])).toBe(-Infinity);
    expect(scorer.logProb(masked, [0])).toBe(0);
  });

  it('scores a value by its mean log-probability per token, the closing one included', () => {
    expect(valueScore([-1, -2, -3], 2, -0.5)).toBeCloseTo((-1 - 2 - 0.5) / 3, 12);
    expect(valueScore([-4], 1, -2)).toBe(-3);
  });
});

describe('value choice in extraction', () => {
  const text = 'Tom had 3 apples and 12 pears, and he was seven, or so said his 41 friends.';
  const schema = { type: 'object', properties: { age: { type: 'integer', minimum: 5 } }, required: ['age'], additionalProperties: false };

  /** The reference: every candidate scored with fresh full passes over the prompt, the forced prefix, the
   * candidate and its closing, in float64; returns [candidate, score] best first. */
  function referenceRanking(story: string, candidates: number[]): Array<[number, number]> {
    const tok = model.tokenizer!;
    const prompt = extractorFor(model).promptIds(schema, story);
    const forced = new ForcedTokenizer(tok);
    const prefix = forced.encode(UTF8.encode('{"age":'));
    const constraint = grammarCompiler(tok).compile(schema).create();
    for (const id of prefix) constraint.advance(id);
    const allowed = constraint.allowed();
    const closers: number[] = [];
    for (let id = 0; id < tok.vocabSize; id++) {
      const b = tok.tokenBytes(id)[0];
      if (!tok.isSpecial(id) && [0x2c, 0x7d, 0x5d, 0x20, 0x0a].includes(b)) closers.push(id);
    }
    const scores: Array<[number, number]> = [];
    for (const candidate of candidates) {
      const ids = forced.encode(UTF8.encode(String(candidate)));
      const rows = model.logitsAll([...prompt, ...prefix, ...ids]).slice(prompt.length + prefix.length - 1);
      // The first token is scored among the tokens the grammar allows (the LM head computes only those).
      const first = Float64Array.from(rows[0], (x, id) => ((allowed[id >>> 5] >>> (id & 31)) & 1 ? x : -Infinity));
      let total = refLogProb(first, [ids[0]]);
      for (let i = 1; i < ids.length; i++) total += refLogProb(rows[i], [ids[i]]);
      total += refLogProb(rows[ids.length], closers);
      scores.push([candidate, total / (ids.length + 1)]);
    }
    return scores.sort((a, b) => b[1] - a[1]);
  }

  it('writes the candidate a brute-force float64 scoring of every text number ranks first (grammar-accepted only)', async () => {
    // Candidates below the minimum (3, 4, 2) are refused by the grammar and never scored.
    const cases: Array<[string, number[]]> = [
      [text, [12, 7, 41]],
      ['The 25 ducks swam past 3 boats; 9 of them were old and 130 were new.', [25, 9, 130]],
      ['Anna counted 88 stars, 4 moons and 16 clouds; she was ten.', [88, 16, 10]],
      ['There were 2 cats, 57 dogs and 6 birds in the old house of 1987.', [57, 6, 1987]],
    ];
    const winners = new Set<number>();
    for (const [story, candidates] of cases) {
      const r = await extract({ text: story, schema, model, options: { valueChoice: true, jumpForward: true, copyBias: 0 } });
      expect(r.valid).toBe(true);
      const ranked = referenceRanking(story, candidates);
      expect(ranked[0][1] - ranked[1][1]).toBeGreaterThan(1e-4); // a clear winner, so the check is meaningful
      expect((r.value as { age: number }).age).toBe(ranked[0][0]);
      winners.add(candidates.indexOf(ranked[0][0]));
    }
    expect(winners.size).toBeGreaterThan(1); // the winner is not always at the same place in the text
  });

  it('takes digit-led strings from the text or its normalized forms, as the grammar\'s format allows', async () => {
    const dateSchema = { type: 'object', properties: { day: { type: 'string', format: 'date' } }, required: ['day'], additionalProperties: false };
    const story = 'The party was on the 3rd of June 2026, and the next one on May 5, 2024, at 4 pm.';
    const r = await extract({ text: story, schema: dateSchema, model, options: { valueChoice: true } });
    expect(r.valid).toBe(true);
    expect(['2026-06-03', '2024-05-05']).toContain((r.value as { day: string }).day);
    const off = await extract({ text: story, schema: dateSchema, model, options: { valueChoice: false } });
    expect(off.valid).toBe(true);
  });

  it('leaves values that begin with a letter to the model', async () => {
    const nameSchema = { type: 'object', properties: { name: { type: 'string', maxLength: 12, pattern: '^[A-Za-z ]+$' } }, required: ['name'], additionalProperties: false };
    const story = 'Lily Brown met Tom in 2019 at 10 am.';
    const on = await extract({ text: story, schema: nameSchema, model, options: { valueChoice: true } });
    const off = await extract({ text: story, schema: nameSchema, model, options: { valueChoice: false } });
    expect(on.text).toBe(off.text);
  });

  it('defaults to the model file\'s recommendation, which an explicit option overrides; refuses a non-boolean', async () => {
    const hinted = await loadModelFromPath(join(MODELS, 'stories260K/stories260K.bin'),
      { tokenizerPath: join(MODELS, 'stories260K/tok512.bin'), extractionHints: { valueChoice: true } });
    const byHint = await extract({ text, schema, model: hinted });
    const explicit = await extract({ text, schema, model, options: { valueChoice: true } });
    expect(byHint.text).toBe(explicit.text);
    const off = await extract({ text, schema, model: hinted, options: { valueChoice: false } });
    expect(off.text).toBe((await extract({ text, schema, model })).text);
    await expect(extract({ text, schema, model, options: { valueChoice: 'yes' as unknown as boolean } })).rejects.toThrow(/valueChoice must be a boolean/);
  });
});
