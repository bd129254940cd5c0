// Random-logit sampling under the mask over SmolLM2's vocabulary: every finished document must be
// valid UTF-8, parse, and pass ajv against the full schema. Kept to a few thousand tokens here; the
// benchmark (`jsonlm bench grammar`) draws many more.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGrammar, createMatcher, createValidator, sampleDocument } from '../../grammar/index.js';
import { mulberry32Unit } from '../../random/prng.js';
import { SHARED } from '../paths.js';
import { HARD_SCHEMAS } from './hard-schemas.js';
import { smolVocabulary } from './vocab.js';

const vocab = smolVocabulary();
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fuzz(schema: unknown, docs: number, seed: number, draft?: '2020-12' | 'draft-07', pretty?: number) {
  const { grammar } = compileGrammar(schema, { defaultDraft: draft, whitespace: pretty ? { pretty } : 'compact' });
  const validate = createValidator(schema, draft);
  const matcher = createMatcher(grammar, vocab);
  const random = mulberry32Unit(seed);
  let finished = 0;
  let tokens = 0;
  for (let i = 0; i < docs; i++) {
    const doc = sampleDocument(matcher, vocab, random, { maxTokens: 400 });
    tokens += doc.tokens.length;
    if (!doc.finished) continue;
    finished++;
    const bytes = doc.tokens.filter((id) => !vocab.isEos(id)).flatMap((id) => [...vocab.tokens[id]]);
    const text = utf8.decode(Uint8Array.from(bytes)); // throws on invalid UTF-8
    const value = JSON.parse(text);
    if (!validate(value)) throw new Error(`ajv rejects ${text}: ${validate.errors().join('; ')}`);
  }
  return { finished, tokens };
}

const totals = { documents: 0, tokens: 0 };

describe('fuzzing under the mask', () => {
  for (const [name, schema] of Object.entries(HARD_SCHEMAS)) {
    it(`${name}: every finished document passes ajv`, () => {
      const { finished, tokens } = fuzz(schema, 25, name.length * 7919);
      totals.documents += finished;
      totals.tokens += tokens;
      expect(finished).toBeGreaterThanOrEqual(22);
    });
  }

  it('bounded pretty whitespace: documents still pass ajv', () => {
    for (const name of ['nestedArraysOfObjects', 'recursiveTree', 'keysByPattern']) {
      const { finished } = fuzz(HARD_SCHEMAS[name], 8, 5, undefined, 3);
      expect(finished).toBeGreaterThanOrEqual(6);
    }
  });

  it('schemas of the JSON Schema Test Suite (a sample): documents pass ajv', () => {
    const dir = resolve(SHARED, 'corpora/json-schema-test-suite/tests/draft2020-12');
    let compiled = 0;
    let finished = 0;
    for (const file of ['type.json', 'properties.json', 'items.json', 'prefixItems.json', 'anyOf.json', 'allOf.json', 'oneOf.json', 'enum.json', 'const.json',
      'ref.json', 'defs.json', 'minLength.json', 'maxLength.json', 'maximum.json', 'exclusiveMinimum.json', 'multipleOf.json', 'pattern.json',
      'patternProperties.json', 'additionalProperties.json', 'required.json', 'minProperties.json', 'maxItems.json',
      'optional/format/date-time.json', 'optional/format/date.json', 'optional/format/email.json', 'optional/format/ipv6.json']) {
      const cases = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as Array<{ schema: unknown }>;
      for (const tc of cases.slice(0, 5)) {
        try { compileGrammar(tc.schema); } catch { continue; }
        compiled++;
        const r = fuzz(tc.schema, 4, compiled);
        finished += r.finished;
        totals.tokens += r.tokens;
      }
    }
    totals.documents += finished;
    console.log(`fuzzed ${totals.documents} finished documents, ${totals.tokens} sampled tokens (${compiled} test-suite schemas + ${Object.keys(HARD_SCHEMAS).length} hard ones): all valid UTF-8 and pass ajv`);
    expect(compiled).toBeGreaterThan(40);
    expect(finished).toBeGreaterThan(compiled * 3);
  });
});
