// SmolLM2's real vocabulary as the grammar sees it (bytes + special flags + EOS ids), loaded once.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TokenVocabulary } from '../../grammar/index.js';
import { tokenizerFromJson, vocabularyBytes } from '../../tokenizer/index.js';
import { MODELS } from '../paths.js';

let cached: TokenVocabulary | undefined;

export function smolVocabulary(): TokenVocabulary {
  if (!cached) {
    const json = readFileSync(resolve(MODELS, 'smollm2-135m-instruct-tokenizer/tokenizer.json'), 'utf8');
    const tokenizer = tokenizerFromJson(json);
    const { bytes, special } = vocabularyBytes(tokenizer);
    cached = new TokenVocabulary(bytes, special, [...tokenizer.eosIds]);
  }
  return cached;
}

export function isAllowed(mask: Uint32Array, id: number): boolean {
  return (mask[id >>> 5] & (1 << (id & 31))) !== 0;
}

/** Token ids whose bytes spell exactly `text`. */
export function tokenIdsFor(vocab: TokenVocabulary, text: string): number[] {
  const want = new TextEncoder().encode(text);
  const out: number[] = [];
  for (let id = 0; id < vocab.size; id++) {
    const t = vocab.tokens[id];
    if (!vocab.special[id] && t.length === want.length && t.every((b, i) => b === want[i])) out.push(id);
  }
  return out;
}
