// The extraction loop on stories260K (a 260K-parameter story model that knows nothing of JSON), with a
// test constraint admitting one document: whatever the model prefers, masking must produce exactly that
// document, jump-forward must append it without sampling, and the prefix cache must skip the schema.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { Extractor, MIN_OUTPUT_TOKENS } from '../../extract/extractor.js';
import { TextTooLongError } from '../../extract/errors.js';
import { literalCompiler } from './literal-constraint.js';

const BIN = join(MODELS, 'stories260K/stories260K.bin');
const TOK = join(MODELS, 'stories260K/tok512.bin');
const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false };
const target = '{"name":"Lily","age":3}';

let model: Model;
beforeAll(async () => { model = await loadModelFromPath(BIN, { tokenizerPath: TOK }); });

function run(ex: Extractor, text: string, options = {}) {
  const it = ex.steps({ text, schema, options });
  const pieces: string[] = [];
  for (;;) {
    const r = it.next();
    if (r.done) return { result: r.value, pieces };
    pieces.push(r.value);
  }
}

describe('Extractor', () => {
  it('masking alone yields the only allowed document, valid, with streamed pieces that add up', () => {
    const ex = new Extractor(model, literalCompiler(target, false));
    const { result, pieces } = run(ex, 'Lily is three years old.');
    expect(result.text).toBe(target);
    expect(pieces.join('')).toBe(target);
    expect(result.value).toEqual({ name: 'Lily', age: 3 });
    expect(result.valid).toBe(true);
    expect(result.errors).toBeUndefined();
    expect(result.finishReason).toBe('complete');
    expect(result.forcedTokens).toBe(0);
    expect(result.tokens).toBeGreaterThan(0);
  });

  it('jump-forward appends forced bytes without sampling', () => {
    const ex = new Extractor(model, literalCompiler(target, true));
    const { result } = run(ex, 'Lily is three years old.', { temperature: 1, seed: 3, jumpForward: true });
    expect(result.text).toBe(target);
    expect(result.forcedTokens).toBe(result.tokens);
    expect(result.valid).toBe(true);
  });

  it('reuses the KV cache of the shared instruction + schema prefix on the next call', () => {
    const ex = new Extractor(model, literalCompiler(target, true));
    const first = run(ex, 'Lily is three years old.').result;
    expect(first.timings.cachedPromptTokens).toBe(0);
    const second = run(ex, 'A girl named Lily, age 3.').result;
    expect(second.timings.cachedPromptTokens).toBeGreaterThan(second.timings.promptTokens / 2);
    expect(second.text).toBe(target);
  });

  it('reports an invalid document when the grammar is off, and schema errors from ajv', () => {
    const ex = new Extractor(model, literalCompiler('{"name":"Lily"}', true));
    const { result } = run(ex, 'Lily.');
    expect(result.value).toEqual({ name: 'Lily' });
    expect(result.valid).toBe(false);
    expect(result.errors!.join(' ')).toMatch(/age/);
    const free = run(ex, 'Lily.', { grammar: false, maxTokens: 12 }).result;
    expect(free.tokens).toBeLessThanOrEqual(12);
    expect(free.valid).toBe(false); // a story model does not write this JSON by itself
    expect(free.errors!.length).toBeGreaterThan(0);
  });

  it('stops at the token limit with a clear error when even the shortest completion does not fit', () => {
    const ex = new Extractor(model, literalCompiler(target, false));
    const { result } = run(ex, 'Lily.', { maxTokens: 3 });
    expect(result.tokens).toBe(3);
    expect(result.finishReason).toBe('length');
    expect(result.valid).toBe(false);
    expect(result.errors![0]).toMatch(/token limit of 3/);
  });

  it('refuses text too long for the context, before running the model', () => {
    const ex = new Extractor(model, literalCompiler(target, false));
    const long = 'Lily went to the park and played with the dog. '.repeat(60);
    expect(() => run(ex, long)).toThrow(TextTooLongError);
    expect(() => run(ex, long)).toThrow(/too long for the model's context.*holds 512/);
    expect(MIN_OUTPUT_TOKENS).toBeGreaterThan(0);
  });

  it('rejects an invalid schema before running the model', () => {
    const ex = new Extractor(model, literalCompiler(target, false));
    const it = ex.steps({ text: 'x', schema: { type: 'nonsense' } });
    expect(() => it.next()).toThrow(/invalid JSON Schema/);
  });
});
