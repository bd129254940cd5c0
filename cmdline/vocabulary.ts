// The token vocabulary the grammar tools (`jsonlm sample-schema`, `jsonlm bench grammar`) compile masks
// over: a tokenizer.json from --tokenizer, else SmolLM2's from a development checkout.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenVocabulary } from '../grammar/index.js';
import { tokenizerFromJson, vocabularyBytes } from '../tokenizer/index.js';
import { UsageError } from './flags.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Where the repository's read-only fixtures live in a development checkout (not shipped). */
const DEV_TOKENIZER = 'shared/models/smollm2-135m-instruct-tokenizer/tokenizer.json';

/** The tokenizer.json to read: the flag, else SmolLM2's from a development checkout's ../shared. */
export function defaultTokenizerPath(flag: string | undefined): string {
  if (flag) return flag;
  for (const up of ['../..', '../../..', '..']) {
    const candidate = resolve(HERE, up, '..', DEV_TOKENIZER);
    if (existsSync(candidate)) return candidate;
  }
  throw new UsageError('no vocabulary: pass --tokenizer PATH/tokenizer.json');
}

export function loadVocabulary(tokenizerPath: string): TokenVocabulary {
  const tokenizer = tokenizerFromJson(readFileSync(tokenizerPath, 'utf8'));
  const { bytes, special } = vocabularyBytes(tokenizer);
  return new TokenVocabulary(bytes, special, [...tokenizer.eosIds]);
}
