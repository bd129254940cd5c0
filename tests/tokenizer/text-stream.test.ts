import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tokenizerFromJson } from '../../tokenizer/hf-tokenizer.js';
import { tokenizerFromLlama2c } from '../../tokenizer/llama2c-tokenizer.js';
import { createTextStream } from '../../tokenizer/text-stream.js';
import { GREEDY_REFERENCE, SMOLLM2_TOKENIZER_JSON, TOK512 } from './fixtures.js';

describe('createTextStream', () => {
  it('emits split UTF-8 characters once complete, and ends equal to decode', () => {
    const tok = tokenizerFromJson(readFileSync(SMOLLM2_TOKENIZER_JSON, 'utf8'));
    const ids = tok.encode('ok 🚀 東京 done');
    const stream = createTextStream(tok);
    const chunks = ids.map((id) => stream.push(id));
    chunks.push(stream.end());
    expect(chunks.join('')).toBe('ok 🚀 東京 done');
    // No chunk holds half a character: the rocket's first bytes come out as '' and then whole.
    expect(chunks.every((c) => !c.includes('\uFFFD'))).toBe(true);
    expect(chunks).toContain('');
  });

  it('streams stories260K greedy ids after BOS to the reference text (run.c drops the space after BOS)', () => {
    const tok = tokenizerFromLlama2c(new Uint8Array(readFileSync(TOK512)), 512);
    const ref = JSON.parse(readFileSync(GREEDY_REFERENCE, 'utf8')) as { prompt_ids: number[]; greedy_ids: number[]; text: string };
    const stream = createTextStream(tok, { precedingIds: ref.prompt_ids });
    const text = ref.greedy_ids.map((id) => stream.push(id)).join('') + stream.end();
    expect(text).toBe(ref.text);
    // After a real prompt the space is part of the continuation.
    const prompt = tok.encode('Once upon a time');
    const continued = createTextStream(tok, { precedingIds: prompt });
    const there = tok.encode('there', { addSpecialTokens: false }); // the dummy prefix makes it " there"
    expect(there).toHaveLength(1);
    expect(continued.push(there[0])).toBe(' there');
  });

  it('skips special tokens unless asked to keep them', () => {
    const tok = tokenizerFromJson(readFileSync(SMOLLM2_TOKENIZER_JSON, 'utf8'));
    const ids = tok.encode('{"a":1}<|im_end|>');
    const plain = createTextStream(tok);
    expect(ids.map((id) => plain.push(id)).join('') + plain.end()).toBe('{"a":1}');
    const marked = createTextStream(tok, { skipSpecialTokens: false });
    expect(ids.map((id) => marked.push(id)).join('') + marked.end()).toBe('{"a":1}<|im_end|>');
  });
});
