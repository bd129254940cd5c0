import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tokenizerFromJson } from '../../tokenizer/hf-tokenizer.js';
import { vocabularyBytes } from '../../tokenizer/vocabulary-bytes.js';
import type { Tokenizer } from '../../tokenizer/tokenizer.js';
import { joinedTokenBytes, referenceCases, ROUND_TRIP_TEXTS, SMOLLM2_TOKENIZER_JSON, utf8 } from './fixtures.js';

describe('tokenizer.json: SmolLM2 byte-level BPE', () => {
  let json: string;
  let tok: Tokenizer;
  beforeAll(() => {
    json = readFileSync(SMOLLM2_TOKENIZER_JSON, 'utf8');
    tok = tokenizerFromJson(json);
  });

  it('reads the vocabulary and its specials', () => {
    expect(tok.vocabSize).toBe(49152);
    expect(tok.isSpecial(0)).toBe(true); // <|endoftext|>
    expect(tok.isSpecial(16)).toBe(true); // <empty_output>
    expect(tok.isSpecial(17)).toBe(false);
    // Without tokenizer_config.json: <|endoftext|> as BOS, and both end markers end generation.
    expect(tok.bosId).toBe(0);
    expect([...tok.eosIds].sort()).toEqual([0, 2]);
  });

  it('gives llama.cpp\'s ids for the ref-bpe prompts (no BOS)', () => {
    const cases = referenceCases('ref-bpe');
    expect(cases).toHaveLength(3);
    for (const c of cases) expect(tok.encode(c.text), c.id).toEqual(c.tokens);
  });

  it('splits digits one by one and spells words with a leading space', () => {
    const ids = tok.encode('The year 2024');
    expect(ids.map((id) => new TextDecoder().decode(tok.tokenBytes(id)))).toEqual(['The', ' year', ' ', '2', '0', '2', '4']);
    expect(tok.decode(ids)).toBe('The year 2024');
  });

  it('round-trips varied Unicode, and tokenBytes concatenate to the UTF-8 of the text', () => {
    for (const text of ROUND_TRIP_TEXTS) {
      const ids = tok.encode(text);
      expect(tok.decode(ids), text).toBe(text);
      expect(joinedTokenBytes(tok, ids), text).toEqual(utf8(text));
    }
  });

  it('has tokens that are partial UTF-8 characters', () => {
    const ids = tok.encode('🚀');
    expect(ids.length).toBeGreaterThan(1);
    const first = tok.tokenBytes(ids[0]);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(first)).toThrow();
    // Decoding the whole sequence puts the character back together.
    expect(tok.decode(ids)).toBe('🚀');
  });

  it('parses ChatML markers in text into their special ids and can skip them when decoding', () => {
    const ids = tok.encode('<|im_start|>user\nhi<|im_end|>');
    expect(ids[0]).toBe(1);
    expect(ids.at(-1)).toBe(2);
    expect(tok.decode(ids)).toBe('<|im_start|>user\nhi<|im_end|>');
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('user\nhi');
  });

  it('falls back to ChatML without a template, since the vocabulary has <|im_start|>/<|im_end|>', () => {
    const prompt = tok.applyChatTemplate!([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(prompt).toBe('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });

  it('takes BOS/EOS, add_bos_token and the chat template from tokenizer_config.json', () => {
    const template = "{% for m in messages %}[{{ m.role }}]{{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}";
    const withConfig = tokenizerFromJson(JSON.parse(json), {
      bos_token: '<|im_start|>', eos_token: { content: '<|im_end|>' }, add_bos_token: true, chat_template: template,
    });
    expect(withConfig.bosId).toBe(1);
    expect(withConfig.eosIds).toContain(2);
    expect(withConfig.encode('Hi')).toEqual([1, ...tok.encode('Hi')]);
    expect(withConfig.encode('Hi', { addSpecialTokens: false })).toEqual(tok.encode('Hi'));
    expect(withConfig.applyChatTemplate!([{ role: 'user', content: 'Hi' }])).toBe('[user]Hi<|im_end|>[assistant]');
  });

  it('takes bos_token_id/eos_token_id from config.json, so the HF folder agrees with its GGUF conversion', () => {
    const modelConfig = readFileSync(SMOLLM2_TOKENIZER_JSON.replace('tokenizer.json', 'config.json'), 'utf8');
    const withIds = tokenizerFromJson(json, undefined, modelConfig);
    expect(withIds.bosId).toBe(1); // <|im_start|>, as ref-bpe's GGUF says
    expect(withIds.eosIds[0]).toBe(2);
    expect(withIds.encode('Hi')).toEqual(tok.encode('Hi')); // still no BOS added
    expect(() => tokenizerFromJson(json, undefined, { eos_token_id: 49152 })).toThrow(/config\.json eos_token_id 49152 is not a token id/);
  });

  it('vocabularyBytes lists every id\'s bytes and special flag', () => {
    const vocab = vocabularyBytes(tok);
    expect(vocab.bytes).toHaveLength(49152);
    expect(vocab.special.filter(Boolean)).toHaveLength(17);
    const theId = tok.encode(' the')[0];
    expect(new TextDecoder().decode(vocab.bytes[theId])).toBe(' the');
    expect(vocab.bytes.every((b) => b.length > 0)).toBe(true);
  });

  it('encodes and decodes nothing', () => {
    expect(tok.encode('')).toEqual([]);
    expect(tok.decode([])).toBe('');
  });

  it('rejects out-of-range ids', () => {
    expect(() => tok.tokenBytes(49152)).toThrow(/outside the vocabulary/);
    expect(() => tok.decode([5, -1])).toThrow(/outside the vocabulary/);
  });
});

describe('tokenizer.json: SentencePiece spelling (Metaspace + byte fallback)', () => {
  // A tiny Llama-2-style tokenizer.json written here: '▁' for spaces, <0xXX> byte tokens, merges.
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  const words = ['▁', 'h', 'i', '▁h', '▁hi', 'é'];
  words.forEach((w, i) => { vocab[w] = 259 + i; });
  const json = {
    added_tokens: [
      { id: 0, content: '<unk>', special: true }, { id: 1, content: '<s>', special: true }, { id: 2, content: '</s>', special: true },
    ],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }], pair: [], special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } } },
    decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
    model: { type: 'BPE', unk_token: '<unk>', byte_fallback: true, fuse_unk: true, vocab, merges: ['▁ h', '▁h i'] },
  };

  it('maps ▁ to a space and <0xXX> tokens to their byte, and drops the dummy prefix when decoding', () => {
    const tok = tokenizerFromJson(json, { bos_token: '<s>', eos_token: '</s>' });
    expect(new TextDecoder().decode(tok.tokenBytes(vocab['▁hi']))).toBe(' hi');
    expect(tok.tokenBytes(3 + 0xf0)).toEqual(Uint8Array.of(0xf0));
    const ids = tok.encode('hi 😀 é');
    expect(ids[0]).toBe(1); // BOS from the post-processor
    expect(ids).toContain(vocab['▁hi']);
    expect(ids).toContain(3 + 0xf0); // 😀 by byte fallback
    expect(tok.decode(ids)).toBe('<s>hi 😀 é');
    // add_bos_token=false in tokenizer_config.json turns the post-processor's BOS off.
    expect(tokenizerFromJson(json, { add_bos_token: false }).encode('hi 😀 é')).toEqual(ids.slice(1));
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('hi 😀 é');
    expect(tok.applyChatTemplate).toBeUndefined();
  });
});

describe('tokenizer.json: Metaspace with split=true', () => {
  // Merges could join across a word start ("a▁" then "a▁b") unless the text is cut before each '▁' first,
  // as the Rust crate does for split=true (tokenizers.js alone ignores the flag).
  const vocab: Record<string, number> = { '<unk>': 0, '▁': 1, a: 2, b: 3, '▁a': 4, 'a▁': 5, '▁b': 6, 'a▁b': 7 };
  const make = (split: boolean) => tokenizerFromJson({
    added_tokens: [{ id: 0, content: '<unk>', special: true }],
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split },
    model: { type: 'BPE', unk_token: '<unk>', vocab, merges: ['a ▁', 'a▁ b', '▁ a', '▁ b'] },
  });

  it('keeps merges inside words', () => {
    expect(make(true).encode('a b')).toEqual([4, 6]); // "▁a" "▁b"
    expect(make(false).encode('a b')).toEqual([1, 7]); // "▁" "a▁b": what split=false means
    expect(make(true).decode([4, 6])).toBe('a b');
  });
});

describe('tokenizer.json: bad input', () => {
  it('names the problem', () => {
    expect(() => tokenizerFromJson('{"model": ')).toThrow(/tokenizer\.json is not valid JSON/);
    expect(() => tokenizerFromJson('[1, 2]')).toThrow(/tokenizer\.json must be a JSON object/);
    expect(() => tokenizerFromJson({ added_tokens: [] })).toThrow(/no "model" object/);
    expect(() => tokenizerFromJson({ model: { type: 'WordPiece', vocab: {} } })).toThrow(/model type "WordPiece" is not supported/);
    expect(() => tokenizerFromJson({ model: { type: 'BPE', vocab: { a: 0 } } })).toThrow(/needs a "merges" array/);
    expect(() => tokenizerFromJson({ model: { type: 'BPE', vocab: { a: 0, b: 2 }, merges: [] } })).toThrow(/no token for id 1/);
    expect(() => tokenizerFromJson({ model: { type: 'BPE', vocab: { a: 0 }, merges: [] } }, '{oops')).toThrow(/tokenizer_config\.json is not valid JSON/);
    expect(() => tokenizerFromJson({ model: { type: 'BPE', vocab: { a: 0 }, merges: [] } }, { bos_token: '<s>' })).toThrow(/bos_token "<s>" is not in the vocabulary/);
    expect(() => tokenizerFromJson({ model: { type: 'BPE', vocab: { a: 0 }, merges: [] } }, { chat_template: '{% for %}' })).toThrow(/chat template does not parse/);
  });
});
