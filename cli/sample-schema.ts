// `jsonlm sample-schema --schema FILE [--count N] [--seed N] [--tokenizer FILE] [--max-tokens N] [--lenient]`:
// the grammar fuzzer. Draws documents under the schema's token mask with random logits over a real
// vocabulary (SmolLM2's by default), biased so documents finish, and prints one JSON per line. Every
// line is checked with ajv; a schema the grammar cannot compile exits 1 with the reason.
import { compileGrammar, createMatcher, createValidator, sampleDocument } from '../grammar/index.js';
import { mulberry32Unit } from '../random/prng.js';
import { intFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { readSchema } from '../cmdline/schema-file.js';
import { defaultTokenizerPath, loadVocabulary } from '../cmdline/vocabulary.js';

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
