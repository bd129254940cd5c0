import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGguf } from '../../weights/gguf.js';
import { tokenizerFromGguf } from '../../tokenizer/gguf-tokenizer.js';
import { tokenizerFromJson } from '../../tokenizer/hf-tokenizer.js';
import type { Tokenizer } from '../../tokenizer/tokenizer.js';
import {
  GGUF_GPT2, GGUF_LLAMA_SPM, joinedTokenBytes, llamaCppVectors, REF_BPE_GGUF, REF_SPM_GGUF, referenceCases,
  ROUND_TRIP_TEXTS, SMOLLM2_TOKENIZER_JSON, utf8,
} from './fixtures.js';

function ggufMetadata(path: string): Map<string, unknown> {
  return parseGguf(new Uint8Array(readFileSync(path)), path).metadata;
}

describe('GGUF gpt2 (byte-level BPE): llama.cpp ggml-vocab-gpt-2', () => {
  let tok: Tokenizer;
  beforeAll(() => { tok = tokenizerFromGguf(ggufMetadata(GGUF_GPT2)); });

  it('reads the vocabulary', () => {
    expect(tok.vocabSize).toBe(50257);
    expect(tok.bosId).toBe(50256);
    expect(tok.eosIds).toContain(50256);
    expect(tok.isSpecial(50256)).toBe(true);
    expect(tok.isSpecial(464)).toBe(false);
    expect(tok.applyChatTemplate).toBeUndefined();
  });

  it('gives llama.cpp\'s expected ids for all 46 test strings', () => {
    const vectors = llamaCppVectors(GGUF_GPT2);
    expect(vectors).toHaveLength(46);
    for (const { text, ids } of vectors) expect(tok.encode(text), JSON.stringify(text)).toEqual(ids);
  });

  it('round-trips varied Unicode, tokenBytes concatenating to the UTF-8 of the text', () => {
    for (const text of ROUND_TRIP_TEXTS) {
      const ids = tok.encode(text);
      expect(tok.decode(ids), text).toBe(text);
      expect(joinedTokenBytes(tok, ids), text).toEqual(utf8(text));
    }
  });
});

describe('GGUF gpt2 with pre "llama-bpe" (Llama 3 regex)', () => {
  // No llama.cpp vectors for a Llama 3 vocabulary are available here, so this checks the regex choice
  // on the GPT-2 vocabulary: numbers split in groups of three, a punctuation mark joins the word after
  // it, and BOS is added by default as llama.cpp does for this family.
  it('splits as the Llama 3 pre-tokenizer does', () => {
    const metadata = new Map(ggufMetadata(GGUF_GPT2));
    metadata.set('tokenizer.ggml.pre', 'llama-bpe');
    const tok = tokenizerFromGguf(metadata);
    const pieces = (text: string) => tok.encode(text, { addSpecialTokens: false }).map((id) => new TextDecoder().decode(tok.tokenBytes(id)));
    const boundaries = (ps: string[]) => ps.map((_, i) => ps.slice(0, i + 1).join('').length);
    expect(boundaries(pieces('1234567'))).toEqual(expect.arrayContaining([3, 6, 7]));
    const gpt2 = tokenizerFromGguf(ggufMetadata(GGUF_GPT2));
    expect(gpt2.encode('1234567')).not.toEqual(tok.encode('1234567', { addSpecialTokens: false }));
    expect(tok.encode('hi')[0]).toBe(50256);
    expect(tok.decode(tok.encode('x $hello 1234567 ok', { addSpecialTokens: false }))).toBe('x $hello 1234567 ok');
  });
});

describe('GGUF gpt2 (byte-level BPE, pre "smollm"): ref-bpe', () => {
  let tok: Tokenizer;
  beforeAll(() => { tok = tokenizerFromGguf(ggufMetadata(REF_BPE_GGUF)); });

  it('gives llama.cpp\'s ids for the three reference prompts, without BOS', () => {
    expect(tok.bosId).toBe(1);
    expect(tok.eosIds).toContain(2);
    for (const c of referenceCases('ref-bpe')) {
      expect(c.bos_added).toBe(false);
      expect(tok.encode(c.text), c.id).toEqual(c.tokens);
    }
  });

  it('agrees with the tokenizer.json of the same vocabulary, ids and bytes', () => {
    const fromJson = tokenizerFromJson(readFileSync(SMOLLM2_TOKENIZER_JSON, 'utf8'));
    expect(tok.vocabSize).toBe(fromJson.vocabSize);
    const llamaCppInputs = llamaCppVectors(GGUF_GPT2).map((v) => v.text);
    for (const text of [...ROUND_TRIP_TEXTS, ...llamaCppInputs, '<|im_start|>user\nHi<|im_end|>\n']) {
      expect(tok.encode(text), text).toEqual(fromJson.encode(text));
    }
    for (let id = 0; id < tok.vocabSize; id += 97) {
      expect(tok.tokenBytes(id)).toEqual(fromJson.tokenBytes(id));
      expect(tok.isSpecial(id)).toBe(fromJson.isSpecial(id));
    }
  });

  it('has no template but the ChatML markers, so it renders ChatML', () => {
    const prompt = tok.applyChatTemplate!([{ role: 'user', content: 'Hi' }]);
    expect(prompt).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
    expect(tok.encode(prompt).slice(0, 1)).toEqual([1]);
  });
});

describe('GGUF llama (SentencePiece): llama.cpp ggml-vocab-llama-spm', () => {
  let tok: Tokenizer;
  beforeAll(() => { tok = tokenizerFromGguf(ggufMetadata(GGUF_LLAMA_SPM)); });

  it('reads the vocabulary', () => {
    expect(tok.vocabSize).toBe(32000);
    expect(tok.bosId).toBe(1);
    expect(tok.eosIds).toContain(2);
    expect([0, 1, 2].map((id) => tok.isSpecial(id))).toEqual([true, true, true]);
    expect(tok.tokenBytes(3 + 0xf0)).toEqual(Uint8Array.of(0xf0)); // <0xF0>
    expect(new TextDecoder().decode(tok.tokenBytes(450))).toBe(' The');
  });

  it('gives llama.cpp\'s expected ids for all 46 test strings (BOS left out, as in the .out file)', () => {
    const vectors = llamaCppVectors(GGUF_LLAMA_SPM);
    expect(vectors).toHaveLength(46);
    for (const { text, ids } of vectors) expect(tok.encode(text, { addSpecialTokens: false }), JSON.stringify(text)).toEqual(ids);
  });

  it('adds BOS by default (add_bos_token = true)', () => {
    expect(tok.encode('Hello')).toEqual([1, ...tok.encode('Hello', { addSpecialTokens: false })]);
    expect(tok.encode('')).toEqual([1]);
  });

  it('round-trips varied Unicode; tokenBytes equal the UTF-8 of " " + text (the dummy prefix)', () => {
    for (const text of ROUND_TRIP_TEXTS) {
      const ids = tok.encode(text);
      expect(tok.decode(ids, { skipSpecialTokens: true }), text).toBe(text);
      expect(joinedTokenBytes(tok, ids.slice(1)), text).toEqual(utf8(text === '' ? '' : ` ${text}`));
    }
  });

  it('parses control-token text into ids, with a fresh dummy prefix after it', () => {
    expect(tok.encode('<s>Hi</s>', { addSpecialTokens: false })).toEqual([1, ...tok.encode('Hi', { addSpecialTokens: false }), 2]);
  });
});

describe('GGUF llama (SentencePiece): ref-spm', () => {
  it('gives llama.cpp\'s ids for the three reference prompts, BOS included', () => {
    const tok = tokenizerFromGguf(ggufMetadata(REF_SPM_GGUF));
    for (const c of referenceCases('ref-spm')) {
      expect(c.bos_added).toBe(true);
      expect(tok.encode(c.text), c.id).toEqual(c.tokens);
      expect(tok.decode(c.tokens, { skipSpecialTokens: true })).toBe(c.text);
    }
  });
});

describe('GGUF tokenizer: bad metadata', () => {
  const base = () => new Map<string, unknown>([
    ['tokenizer.ggml.model', 'llama'],
    ['tokenizer.ggml.tokens', ['<unk>', '<s>', '</s>', '▁a', '▁', 'a']],
    ['tokenizer.ggml.scores', [0, 0, 0, -1, -2, -3]],
    ['tokenizer.ggml.token_type', [2, 3, 3, 1, 1, 1]],
  ]);

  it('works on a minimal well-formed vocabulary', () => {
    const tok = tokenizerFromGguf(base());
    expect(tok.encode('a')).toEqual([1, 3]);
  });

  it('names the problem', () => {
    const without = (key: string) => { const m = base(); m.delete(key); return m; };
    const withValue = (key: string, value: unknown) => { const m = base(); m.set(key, value); return m; };
    expect(() => tokenizerFromGguf(without('tokenizer.ggml.model'))).toThrow(/no tokenizer\.ggml\.model/);
    expect(() => tokenizerFromGguf(withValue('tokenizer.ggml.model', 'bert'))).toThrow(/tokenizer\.ggml\.model "bert" is not supported/);
    expect(() => tokenizerFromGguf(withValue('tokenizer.ggml.model', 't5'))).toThrow(/"t5" is not supported/);
    expect(() => tokenizerFromGguf(without('tokenizer.ggml.tokens'))).toThrow(/tokenizer\.ggml\.tokens is missing/);
    expect(() => tokenizerFromGguf(without('tokenizer.ggml.scores'))).toThrow(/tokenizer\.ggml\.scores is missing/);
    expect(() => tokenizerFromGguf(withValue('tokenizer.ggml.scores', [0, 0]))).toThrow(/scores has 2 entries but tokenizer\.ggml\.tokens has 6/);
    expect(() => tokenizerFromGguf(withValue('tokenizer.ggml.tokens', [1, 2]))).toThrow(/tokens must be an array of strings/);
    expect(() => tokenizerFromGguf(withValue('tokenizer.ggml.bos_token_id', 99))).toThrow(/bos_token_id is 99, outside the vocabulary/);
    expect(() => tokenizerFromGguf(withValue('tokenizer.ggml.add_bos_token', 1))).toThrow(/add_bos_token must be a boolean/);

    const gpt2 = withValue('tokenizer.ggml.model', 'gpt2');
    gpt2.set('tokenizer.ggml.merges', []);
    expect(() => tokenizerFromGguf(gpt2)).toThrow(/tokenizer\.ggml\.pre is missing/);
    gpt2.set('tokenizer.ggml.pre', 'qwen2');
    expect(() => tokenizerFromGguf(gpt2)).toThrow(/tokenizer\.ggml\.pre "qwen2" is not supported/);
    gpt2.set('tokenizer.ggml.pre', 'gpt-2');
    gpt2.delete('tokenizer.ggml.merges');
    expect(() => tokenizerFromGguf(gpt2)).toThrow(/tokenizer\.ggml\.merges is missing/);
  });

  it('says when a character has neither a token nor a byte-fallback token', () => {
    const m = base();
    m.delete('tokenizer.ggml.token_type');
    expect(() => tokenizerFromGguf(m).encode('b')).toThrow(/cannot encode "b".*no byte-fallback token for byte 0x62/);
  });
});
