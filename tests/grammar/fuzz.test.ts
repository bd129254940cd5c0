// Random-logit sampling under the mask over SmolLM2's vocabulary: every finished document must be
// valid UTF-8, parse, and pass ajv against the full schema. Kept to a few thousand tokens here; the
// benchmark (`jsonlm bench grammar`) draws many more.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGrammar, createMatcher, createValidator, GrammarError, sampleDocument } from '../../grammar/index.js';
import { mulberry32Unit } from '../../random/prng.js';
import { SHARED } from '../paths.js';
import { HARD_SCHEMAS } from './hard-schemas.js';
import { smolVocabulary } from './vocab.js';

const vocab = smolVocabulary();
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fuzz(schema: unknown, docs: number, seed: number, draft?: '2020-12' | 'draft-07', pretty?: number, maxTokens = 400) {
  const { grammar } = compileGrammar(schema, { defaultDraft: draft, whitespace: pretty ? { pretty } : 'compact' });
  const validate = createValidator(schema, draft);
  const matcher = createMatcher(grammar, vocab);
  const random = mulberry32Unit(seed);
  let finished = 0;
  let tokens = 0;
  for (let i = 0; i < docs; i++) {
    const doc = sampleDocument(matcher, vocab, random, { maxTokens });
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

/** Issue 14's classes, by shape and size: each at a size the grammar takes (the sizes past its limits are
 * refusals, tested in hardening.test.ts). */
function hardeningSchemas(): Record<string, unknown> {
  let deep: unknown = { type: 'integer', minimum: -5, maximum: 5 };
  for (let i = 0; i < 60; i++) deep = i % 2 ? { type: 'object', properties: { k: deep }, required: ['k'] } : { type: 'array', items: deep, minItems: 1, maxItems: 1 };
  const many: Record<string, unknown> = {};
  for (let i = 0; i < 40; i++) many[`field_${i}`] = i % 3 === 0 ? { type: 'string', format: 'date' } : i % 3 === 1 ? { type: 'integer' } : { enum: ['p', 'q'] };
  return {
    deepNesting60: deep,
    manyRequired40: { type: 'object', properties: many, required: Object.keys(many), additionalProperties: false },
    largeEnum5000: { type: 'object', properties: { v: { enum: Array.from({ length: 5000 }, (_, i) => `v${i * 7919 % 100_000}`) } }, required: ['v'] },
    unanchoredAlternatives: { type: 'array', items: { type: 'string', pattern: 'UTC|(Europe/[A-Za-z]+)|(Asia/[A-Za-z]+)|(America/[A-Za-z_]+)' }, minItems: 1, maxItems: 3 },
    draft04RefSiblings: {
      $schema: 'http://json-schema.org/draft-04/schema#', definitions: { base: { type: 'object', properties: { a: { type: 'string', maxLength: 5 } } } },
      $ref: '#/definitions/base', type: 'object', properties: { b: { type: 'integer', minimum: 1, exclusiveMinimum: true } }, required: ['b'],
    },
    draft06: { $schema: 'http://json-schema.org/draft-06/schema#', type: 'array', items: { type: 'number', exclusiveMaximum: 0 }, contains: { const: -1 }, maxItems: 3 },
    minPropertiesWithExtras: { type: 'object', properties: { a: { type: 'boolean' }, b: { type: 'null' } }, additionalProperties: { type: 'integer' }, minProperties: 3 },
    patternPropertyObjects: { type: 'object', patternProperties: { '^x-': { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } }, additionalProperties: false, minProperties: 1 },
    unemittableOptionals: {
      type: 'object',
      properties: { big: { type: 'integer', minimum: 2 ** 60 }, long: { type: 'string', minLength: 1e9 }, many: { type: 'array', minItems: 1e9 }, ok: { type: 'boolean' } },
    },
  };
}

describe('fuzzing the classes of issue 14', () => {
  for (const [name, schema] of Object.entries(hardeningSchemas())) {
    it(`${name}: every finished document passes ajv`, () => {
      const { finished } = fuzz(schema, 12, name.length * 104729, undefined, undefined, 1200);
      expect(finished).toBeGreaterThanOrEqual(8);
    });
  }

  it('real-world schemas (every 120th of JSONSchemaBench-dev): compiled ones draw only documents ajv accepts', () => {
    const root = resolve(SHARED, 'corpora/jsonschemabench-dev/schemas');
    const files = readdirSync(root).flatMap((d) => readdirSync(resolve(root, d)).sort().map((f) => resolve(root, d, f)));
    let compiled = 0;
    let finished = 0;
    for (let i = 0; i < files.length; i += 120) {
      const schema = JSON.parse(readFileSync(files[i], 'utf8'));
      try { createValidator(schema); } catch { continue; } // not a schema ajv compiles: nothing to check against
      try { compileGrammar(schema); } catch (e) { if (e instanceof GrammarError) continue; throw e; }
      compiled++;
      finished += fuzz(schema, 2, i, undefined, undefined, 1000).finished;
    }
    expect(compiled).toBeGreaterThan(25);
    expect(finished).toBeGreaterThan(compiled);
  });
});
