// Random-logit sampling under the mask over SmolLM2's vocabulary: every finished document must be
// valid UTF-8, parse, and pass ajv against the full schema. Kept to a few thousand tokens here; the
// benchmark (`jsonlm bench grammar`) draws many more.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGrammar, createMatcher, createValidator, sampleDocument, seededRandom } from '../../grammar/index.js';
import { SHARED } from '../paths.js';
import { HARD_SCHEMAS } from './hard-schemas.js';
import { smolVocabulary } from './vocab.js';

const vocab = smolVocabulary();
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fuzz(schema: unknown, docs: number, seed: number, draft?: '2020-12' | 'draft-07') {
  const { grammar } = compileGrammar(schema, { defaultDraft: draft });
  const validate = createValidator(schema, draft);
  const matcher = createMatcher(grammar, vocab);
  const random = seededRandom(seed);
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

describe('fuzzing under the mask', () => {
  for (const [name, schema] of Object.entries(HARD_SCHEMAS)) {
    it(`${name}: every finished document passes ajv`, () => {
      const { finished } = fuzz(schema, 12, name.length * 7919);
      expect(finished).toBeGreaterThanOrEqual(10);
    });
  }

  it('schemas of the JSON Schema Test Suite (a sample): documents pass ajv', () => {
    const dir = resolve(SHARED, 'corpora/json-schema-test-suite/tests/draft2020-12');
    let compiled = 0;
    let finished = 0;
    for (const file of ['type.json', 'properties.json', 'items.json', 'anyOf.json', 'enum.json', 'ref.json', 'minLength.json', 'maximum.json', 'patternProperties.json', 'additionalProperties.json', 'optional/format/date-time.json']) {
      const cases = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as Array<{ schema: unknown }>;
      for (const tc of cases.slice(0, 4)) {
        try { compileGrammar(tc.schema); } catch { continue; }
        compiled++;
        finished += fuzz(tc.schema, 3, compiled).finished;
      }
    }
    expect(compiled).toBeGreaterThan(20);
    expect(finished).toBeGreaterThan(compiled * 2);
  });
});
