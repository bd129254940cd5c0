// `jsonlm sample-schema --schema FILE [--count N] [--seed N] [--tokenizer FILE] [--max-tokens N] [--lenient]`:
// the grammar fuzzer. Draws documents under the schema's token mask with random logits over a real
// vocabulary (SmolLM2's by default), biased so documents finish, and prints one JSON per line. Every
// line is checked with ajv; a schema the grammar cannot compile exits 1 with the reason.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGrammar, createMatcher, createValidator, sampleDocument, TokenVocabulary } from '../grammar/index.js';
import { mulberry32Unit } from '../random/prng.js';
import { tokenizerFromJson, vocabularyBytes } from '../tokenizer/index.js';
import { intFlag, parseFlags, UsageError } from './args.js';

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

export function readSchema(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read schema ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not JSON: ${(e as Error).message}`);
  }
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    schema: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, tokenizer: { type: 'string' },
    'max-tokens': { type: 'string' }, lenient: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log('usage: jsonlm sample-schema --schema FILE [--count N] [--seed N] [--tokenizer tokenizer.json] [--max-tokens N] [--lenient]');
    return 0;
  }
  if (!values.schema) throw new UsageError('--schema FILE is required');
  const count = intFlag(values.count, 'count', 10, 1);
  const seed = intFlag(values.seed, 'seed', 1);
  const maxTokens = intFlag(values['max-tokens'], 'max-tokens', 1500, 8);
  const schema = readSchema(values.schema);
  const { grammar, warnings } = compileGrammar(schema, { lenient: values.lenient ?? false });
  for (const w of warnings) console.error(`warning: ${w}`);
  const vocab = loadVocabulary(defaultTokenizerPath(values.tokenizer));
  const validate = createValidator(schema);
  const matcher = createMatcher(grammar, vocab);
  const random = mulberry32Unit(seed);
  let printed = 0;
  let failures = 0;
  for (let attempt = 0; printed < count && attempt < count * 5; attempt++) {
    const doc = sampleDocument(matcher, vocab, random, { maxTokens });
    if (!doc.finished) continue;
    const value = JSON.parse(doc.text);
    if (!validate(value)) {
      failures++;
      console.error(`ajv rejects ${doc.text}: ${validate.errors().join('; ')}`);
    }
    console.log(doc.text);
    printed++;
  }
  if (printed < count) console.error(`only ${printed} of ${count} documents finished within ${maxTokens} tokens`);
  return failures > 0 ? 1 : 0;
}
