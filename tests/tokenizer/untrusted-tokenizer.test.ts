// tokenizer.json is untrusted input (the web page takes dropped folders): a catastrophic regex is refused
// at load with a named error, and a file with 200k added tokens loads (it used to overflow the stack).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tokenizerFromJson } from '../../tokenizer/hf-tokenizer.js';
import { bpePreTokenizer, SUPPORTED_BPE_PRE_NAMES } from '../../tokenizer/bpe-pre-tokenizers.js';
import { nestedRepetition, regexPatterns } from '../../tokenizer/regex-safety.js';
import { SMOLLM2_TOKENIZER_JSON } from './fixtures.js';

const smollm2 = () => JSON.parse(readFileSync(SMOLLM2_TOKENIZER_JSON, 'utf8'));

describe('catastrophic tokenizer regexes', () => {
  it('flags nested repetition: a repeated group whose body can match in more than one way', () => {
    for (const p of ['(a+)+b', '(a*)*', '(a|aa)*b', '(?:\\s*\\w)+$', '((ab)*c)+', '(?:a+){2,}', '(x|y?)+z', '(\\p{L}+ )*!', '((a|b)c)+d']) {
      expect(nestedRepetition(p), p).toMatch(/repeats .* more than one way/);
    }
  });

  it('accepts the pre-tokenizer patterns real models use', () => {
    const real = [
      ...new Set(SUPPORTED_BPE_PRE_NAMES.flatMap((n) => bpePreTokenizer(n).regexes)),
      // Qwen2 / GPT-4o style
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}",
      '(a+)?b', '(ab){3}', '[(+)]+', '\\(a+\\)+', '(?:ab)+', '(?<w>ab)+c', '(?i:ab)*', '(?=a)(?:bc)+', '\\p{L}{2,}(?:x)+',
      ...regexPatterns(smollm2(), 'tokenizer').map((r) => r.pattern),
    ];
    expect(real.length).toBeGreaterThan(5);
    for (const p of real) expect(nestedRepetition(p), p).toBeUndefined();
  });

  it('tokenizer.json with a Split on (a+)+b is refused at load, naming the path, in well under a second', () => {
    const json = smollm2();
    json.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '(a+)+b' }, behavior: 'Isolated', invert: false }, json.pre_tokenizer] };
    const started = performance.now();
    expect(() => tokenizerFromJson(json)).toThrow(/tokenizer\.json pre_tokenizer\.pretokenizers\[0\]\.pattern\.Regex "\(a\+\)\+b" is refused: the group \(a\+\) repeats \(\+\)/);
    expect(performance.now() - started).toBeLessThan(1000);
    const norm = smollm2();
    norm.normalizer = { type: 'Replace', pattern: { Regex: '(\\s|\\s\\s)*x' }, content: ' ' };
    expect(() => tokenizerFromJson(norm)).toThrow(/tokenizer\.json normalizer\.pattern\.Regex .* is refused/);
  });
});

describe('very many added tokens', () => {
  it('200k added tokens load and encode (no "Maximum call stack size exceeded")', () => {
    const json = smollm2();
    const base = Object.keys(json.model.vocab).length;
    for (let i = 0; i < 200_000; i++) {
      json.added_tokens.push({ id: base + i, content: `<extra_${i}>`, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    }
    const tok = tokenizerFromJson(json);
    expect(tok.vocabSize).toBe(base + 200_000);
    const ids = tok.encode('hello <extra_5> world <extra_199999>');
    expect(ids).toContain(base + 5);
    expect(ids[ids.length - 1]).toBe(base + 199_999);
  });
});
