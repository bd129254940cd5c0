import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseLlama2cTokenizer, tokenizerFromLlama2c } from '../../tokenizer/llama2c-tokenizer.js';
import { tokenizerFromGguf } from '../../tokenizer/gguf-tokenizer.js';
import { parseGguf } from '../../weights/gguf.js';
import type { Tokenizer } from '../../tokenizer/tokenizer.js';
import { GGUF_LLAMA_SPM, GREEDY_REFERENCE, joinedTokenBytes, LLAMA2_TOKENIZER_BIN, llamaCppVectors, ROUND_TRIP_TEXTS, TOK512, utf8 } from './fixtures.js';

const text = (tok: Tokenizer, id: number) => new TextDecoder().decode(tok.tokenBytes(id));

describe('llama2.c tok512 (stories260K)', () => {
  let bytes: Uint8Array;
  let tok: Tokenizer;
  beforeAll(() => {
    bytes = new Uint8Array(readFileSync(TOK512));
    tok = tokenizerFromLlama2c(bytes, 512);
  });

  it('reads the 512 entries and the fixed control ids', () => {
    const vocab = parseLlama2cTokenizer(bytes);
    expect(vocab.maxTokenLength).toBe(7);
    expect(vocab.pieces).toHaveLength(512);
    expect(tok.vocabSize).toBe(512);
    expect(tok.bosId).toBe(1);
    expect(tok.eosIds).toEqual([2]);
    expect([0, 1, 2, 3].map((id) => tok.isSpecial(id))).toEqual([true, true, true, false]);
    expect(tok.tokenBytes(3 + 0x41)).toEqual(Uint8Array.of(0x41)); // <0x41> is the byte 'A'
    expect(tok.applyChatTemplate).toBeUndefined();
  });

  it('encodes "Once upon a time" as run.c does: BOS, dummy-prefix space, merged pieces', () => {
    const ids = tok.encode('Once upon a time');
    expect(ids[0]).toBe(1);
    expect(ids.slice(1).map((id) => text(tok, id)).join('')).toBe(' Once upon a time');
    // The merges reach whole words that the vocabulary has.
    expect(ids.slice(1).map((id) => text(tok, id))).toContain(' upon');
    expect(tok.decode(ids)).toBe('\n<s>\nOnce upon a time');
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('Once upon a time');
  });

  it('decodes the greedy reference ids (after BOS) to the reference text exactly', () => {
    const ref = JSON.parse(readFileSync(GREEDY_REFERENCE, 'utf8')) as { prompt_ids: number[]; greedy_ids: number[]; text: string };
    expect(tok.decode([...ref.prompt_ids, ...ref.greedy_ids], { skipSpecialTokens: true })).toBe(ref.text);
    // Decoding the generated ids alone, told what precedes them: the same text, and a continuation
    // after a real prompt keeps its space.
    expect(tok.decode(ref.greedy_ids, { skipSpecialTokens: true, precedingIds: ref.prompt_ids })).toBe(ref.text);
    const prompt = tok.encode('Once upon a time');
    const continuation = tok.encode('there', { addSpecialTokens: false });
    expect(tok.decode(continuation, { precedingIds: prompt })).toBe(' there');
    expect(tok.decode(continuation)).toBe('there');
    // Streaming the same ids through tokenBytes gives the text with run.c's space after BOS.
    expect(new TextDecoder().decode(joinedTokenBytes(tok, ref.greedy_ids))).toBe(` ${ref.text}`);
  });

  it('round-trips varied Unicode (byte fallback with the +3 offset for what 512 tokens lack)', () => {
    for (const t of ROUND_TRIP_TEXTS) {
      const ids = tok.encode(t);
      expect(tok.decode(ids, { skipSpecialTokens: true }), t).toBe(t);
      expect(joinedTokenBytes(tok, ids.slice(1)), t).toEqual(utf8(t === '' ? '' : ` ${t}`));
    }
    expect(tok.encode('東', { addSpecialTokens: false }).slice(1)).toEqual([...utf8('東')].map((b) => b + 3));
  });
});

describe('llama2.c tokenizer.bin (32k Llama 2 vocabulary)', () => {
  it('encodes like llama.cpp\'s SentencePiece tokenizer on the same vocabulary (all 46 vectors)', () => {
    const tok = tokenizerFromLlama2c(new Uint8Array(readFileSync(LLAMA2_TOKENIZER_BIN)), 32000);
    expect(tok.vocabSize).toBe(32000);
    for (const { text: input, ids } of llamaCppVectors(GGUF_LLAMA_SPM)) {
      // run.c adds the dummy prefix only before non-empty text, and llama.cpp before any; the
      // vectors' empty string gives [] in both.
      expect(tok.encode(input, { addSpecialTokens: false }), JSON.stringify(input)).toEqual(ids);
    }
    const gguf = tokenizerFromGguf(parseGguf(new Uint8Array(readFileSync(GGUF_LLAMA_SPM)), GGUF_LLAMA_SPM).metadata);
    for (const t of ROUND_TRIP_TEXTS) expect(tok.encode(t), t).toEqual(gguf.encode(t));
    for (let id = 3; id < 32000; id += 101) expect(tok.tokenBytes(id), String(id)).toEqual(gguf.tokenBytes(id));
  });
});

describe('llama2.c tokenizer.bin: bad input', () => {
  const good = new Uint8Array(readFileSync(TOK512));
  it('names the problem', () => {
    expect(() => tokenizerFromLlama2c(good.subarray(0, 2))).toThrow(/truncated: 2 bytes is too short for the header/);
    expect(() => tokenizerFromLlama2c(good.subarray(0, good.length - 3))).toThrow(/truncated in token 511/);
    expect(() => tokenizerFromLlama2c(good, 600)).toThrow(/truncated in token 512.*expected 600 tokens/);
    expect(() => tokenizerFromLlama2c(good, 0)).toThrow(/vocabSize 0 must be a positive integer/);
    const gguf = new Uint8Array(readFileSync(GGUF_LLAMA_SPM).subarray(0, 4096));
    expect(() => tokenizerFromLlama2c(gguf)).toThrow(/max_token_length \d+ is not plausible/);
    const badLength = good.slice();
    new DataView(badLength.buffer).setInt32(4 + 4, 99, true); // token 0's length
    expect(() => tokenizerFromLlama2c(badLength)).toThrow(/token 0 has length 99, outside 0\.\.max_token_length 7/);
  });
});
