// Issue 14, the grammar half: schemas that used to overflow the stack, run for tens of seconds, dead-end
// at decode time, or let documents through that ajv rejects. Each must now be a GrammarError (a clear
// refusal, exit 5 in the CLI) or work, with every drawn document passing ajv.
import { describe, expect, it } from 'vitest';
import {
  compileGrammar, createMatcher, createValidator, grammarAccepts, GrammarError, sampleDocument, 
} from '../../grammar/index.js';
import { mulberry32Unit } from '../../random/prng.js';
import { smolVocabulary } from './vocab.js';

function refusal(schema: unknown): GrammarError {
  try {
    compileGrammar(schema);
  } catch (e) {
    if (e instanceof GrammarError) return e;
    throw new Error(`expected a GrammarError, got ${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
  }
  throw new Error('expected a GrammarError, but the schema compiled');
}

/** Draws `count` documents under the mask; returns the finished ones after checking each with ajv. */
function drawValid(schema: unknown, count: number, seed = 1, maxTokens = 400): string[] {
  const vocab = smolVocabulary();
  const { grammar } = compileGrammar(schema);
  const validate = createValidator(schema);
  const matcher = createMatcher(grammar, vocab);
  const random = mulberry32Unit(seed);
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const doc = sampleDocument(matcher, vocab, random, { maxTokens });
    if (!doc.finished) continue;
    const ok = validate(JSON.parse(doc.text));
    expect(ok, `${doc.text} fails ajv: ${validate.errors().join('; ')}`).toBe(true);
    docs.push(doc.text);
  }
  return docs;
}

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let s: unknown = { type: 'integer' };
  for (let i = 0; i < depth; i++) s = wrap(s);
  return s;
}

describe('schemas that overflowed the stack', () => {
  it('refuses nesting 2,000 deep (objects, arrays, anyOf) instead of a RangeError', () => {
    for (const wrap of [
      (s: unknown) => ({ type: 'object', properties: { a: s }, required: ['a'] }),
      (s: unknown) => ({ type: 'array', items: s }),
      (s: unknown) => ({ anyOf: [s, { type: 'null' }] }),
    ]) {
      const e = refusal(nested(2000, wrap));
      expect(e.keyword).toBe('schema');
      expect(e.message).toMatch(/nested more than \d+ levels/);
    }
    // A depth people write still compiles.
    expect(() => compileGrammar(nested(40, (s) => ({ type: 'object', properties: { a: s } })))).not.toThrow();
  });

  it('refuses $ref / allOf cycles with nothing in between', () => {
    const cases = [
      { $ref: '#' },
      { allOf: [{ $ref: '#' }] },
      { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' },
      { $defs: { a: { allOf: [{ $ref: '#/$defs/b' }] }, b: { allOf: [{ type: 'object' }, { $ref: '#/$defs/a' }] } }, $ref: '#/$defs/a' },
      { $schema: 'http://json-schema.org/draft-07/schema#', definitions: { a: { $ref: '#/definitions/a' } }, properties: { x: { $ref: '#/definitions/a' } } },
    ];
    for (const schema of cases) {
      const e = refusal(schema);
      expect(e.keyword).toBe('$ref');
      expect(e.message).toContain('infinite recursion');
    }
  });

  it('still compiles recursion through an object, and a $ref used twice in one allOf', () => {
    const tree = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } } } };
    drawValid(tree, 5);
    const twice = { $defs: { n: { type: 'integer', minimum: 3 } }, allOf: [{ $ref: '#/$defs/n' }, { $ref: '#/$defs/n' }] };
    for (const d of drawValid(twice, 5)) expect(Number(d)).toBeGreaterThanOrEqual(3);
  });

  it('an unanchored pattern of many alternatives compiles to a small automaton and documents match it', () => {
    // Real-world (JSONSchemaBench): this needed more than 30,000 DFA states and 15 s before being refused.
    const pattern = 'UTC|(Africa/[A-Za-z]+)|(America/[A-Za-z]+)|(Antarctica/[A-Za-z]+)|(Arctic/[A-Za-z]+)|(Asia/[A-Za-z]+)|' +
      '(Atlantic/[A-Za-z]+)|(Australia/[A-Za-z]+)|(Europe/[A-Za-z]+)|(Indian/[A-Za-z]+)|(Pacific/[A-Za-z]+)';
    const schema = { type: 'object', properties: { tz: { type: 'string', pattern } }, required: ['tz'] };
    const { grammar } = compileGrammar(schema);
    expect(grammar.strings[0].dfa.size).toBeLessThan(2000);
    const re = new RegExp(pattern, 'u');
    const docs = drawValid(schema, 10);
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect(re.test(JSON.parse(d).tz)).toBe(true);
    expect(grammarAccepts(grammar, '{"tz":"x Asia/Tokyo y"}')).toBe('complete');
    expect(grammarAccepts(grammar, '{"tz":"Asia/"}')).toBe('rejected');
  });

  it('a pattern whose automaton is too large is a GrammarError, not a RangeError', () => {
    const e = refusal({ type: 'string', pattern: '(a|b)*a(a|b){16}' });
    expect(e.keyword).toBe('pattern');
    expect(e.message).toMatch(/DFA states/);
  });
});

describe('limits that used to take tens of seconds', () => {
  it('refuses a 5 MB enum', () => {
    const values = Array.from({ length: 250_000 }, (_, i) => `enum-value-number-${i}`);
    const e = refusal({ type: 'string', enum: values });
    expect(e.keyword).toBe('enum');
  });

  it('refuses minItems: 1e9 (and the same through a property)', () => {
    expect(refusal({ type: 'array', minItems: 1e9 }).keyword).toBe('minItems');
    expect(refusal({ type: 'object', properties: { a: { type: 'array', minItems: 1e9 } }, required: ['a'] }).keyword).toBe('minItems');
  });
});

describe('no dead ends at decode time', () => {
  it('refuses bounds beyond the emitted digits (minimum 2^60 integer, 1e308 number)', () => {
    expect(refusal({ type: 'integer', minimum: 2 ** 60 }).keyword).toBe('minimum');
    expect(refusal({ type: 'number', minimum: 1e308 }).keyword).toBe('minimum');
    expect(refusal({ type: 'number', maximum: -1e300 }).keyword).toBe('minimum');
    // In range of the caps it still compiles.
    expect(() => compileGrammar({ type: 'integer', minimum: 2 ** 50 })).not.toThrow();
  });

  it('an optional property that can never be emitted is left out: {} stays reachable at once', () => {
    for (const value of [{ type: 'string', minLength: 1e9 }, { type: 'integer', minimum: 2 ** 60 }, { type: 'array', minItems: 1e9 }]) {
      const schema = { type: 'object', properties: { s: value, t: { type: 'boolean' } } };
      const { grammar } = compileGrammar(schema);
      expect(grammarAccepts(grammar, '{"s"')).toBe('rejected');
      expect(grammarAccepts(grammar, '{}')).toBe('complete');
      // A budget of a few tokens still closes the document validly.
      const docs = drawValid(schema, 10, 3, 8);
      expect(docs.length).toBeGreaterThan(0);
    }
  });

  it('finds a completion thousands of bytes long (many required properties)', () => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < 60; i++) properties[`a_rather_long_property_name_number_${i}`] = { type: 'string', format: 'date-time' };
    const schema = { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
    const { grammar } = compileGrammar(schema);
    const matcher = createMatcher(grammar, smolVocabulary());
    const completion = matcher.shortestCompletion();
    expect(completion).not.toBeNull();
    const text = new TextDecoder().decode(completion!);
    expect(text.length).toBeGreaterThan(400);
    expect(createValidator(schema)(JSON.parse(text))).toBe(true);
  });
  it('finds a completion in a recursive schema where a plain depth-first search dives forever', () => {
    // Keys are tried in byte order, so "child" (an object of the same kind) comes before "name" at every level.
    const schema = {
      $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' }, name: { type: 'string' } }, required: ['name'], additionalProperties: false } },
      $ref: '#/$defs/node',
    };
    const { grammar } = compileGrammar(schema);
    const matcher = createMatcher(grammar, smolVocabulary());
    const completion = matcher.shortestCompletion();
    expect(completion).not.toBeNull();
    expect(createValidator(schema)(JSON.parse(new TextDecoder().decode(completion!)))).toBe(true);
    expect(drawValid(schema, 10).length).toBeGreaterThanOrEqual(8);
  });
});

describe('silent loosening: nothing the schema forbids is emitted', () => {
  it('never emits a __proto__ key: refused when required, left out when optional or extra', () => {
    const props = JSON.parse('{"__proto__":{"type":"integer"},"b":{"type":"integer"}}');
    expect(refusal({ type: 'object', properties: props, required: ['__proto__'] }).keyword).toBe('required');
    const { grammar } = compileGrammar({ type: 'object', properties: props });
    expect(grammarAccepts(grammar, '{"__proto__":1}')).toBe('rejected');
    expect(grammarAccepts(grammar, '{"b":1}')).toBe('complete');
    const free = compileGrammar({ type: 'object', additionalProperties: { type: 'integer' } }).grammar;
    expect(grammarAccepts(free, '{"__proto__":1}')).toBe('rejected');
    expect(grammarAccepts(free, '{"__proto_":1}')).toBe('complete');
  });

  it('minProperties with additional keys: at most one extra key counts, so duplicates cannot fake the count', () => {
    // Before: {"":1,"":2} counted as two properties; ajv sees one.
    expect(refusal({ type: 'object', minProperties: 6 }).keyword).toBe('minProperties');
    const schema = { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: { type: 'integer' }, minProperties: 2 };
    const { grammar } = compileGrammar(schema);
    expect(grammarAccepts(grammar, '{"x":1,"x":2}')).toBe('rejected');
    expect(grammarAccepts(grammar, '{"a":1,"x":2}')).toBe('complete');
    expect(drawValid(schema, 20).length).toBeGreaterThan(5);
    // minProperties 1 still lets several extra keys through (one distinct key is enough).
    expect(grammarAccepts(compileGrammar({ type: 'object', minProperties: 1 }).grammar, '{"x":1,"x":2}')).toBe('complete');
  });

  it('draft-04 siblings of a top-level $ref apply (as ajv applies them)', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      definitions: { base: { type: 'object', properties: { a: { type: 'string' } } } },
      $ref: '#/definitions/base',
      type: 'object', properties: { b: { type: 'integer' } }, required: ['b'],
    };
    const { grammar } = compileGrammar(schema);
    expect(grammarAccepts(grammar, '{"a":"x"}')).toBe('rejected');
    expect(grammarAccepts(grammar, '{"b":1}')).toBe('complete');
    expect(grammarAccepts(grammar, '{"b":1,"a":"x"}')).toBe('complete'); // properties in order of first appearance
    expect(drawValid(schema, 10).length).toBeGreaterThan(0);
    // A $ref to a string next to type: object is contradictory, not silently the string.
    expect(() => compileGrammar({ $schema: 'http://json-schema.org/draft-07/schema#', definitions: { s: { type: 'string' } }, $ref: '#/definitions/s', type: 'object' }))
      .toThrow(GrammarError);
  });
});

describe('draft-06', () => {
  it('compiles and checks a draft-06 schema (ajv used to reject its meta-schema URI)', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-06/schema#',
      type: 'object',
      properties: { n: { type: 'integer', exclusiveMinimum: 3, exclusiveMaximum: 9 }, tag: { const: 'x' } },
      required: ['n', 'tag'],
    };
    const validate = createValidator(schema);
    expect(validate({ n: 4, tag: 'x' })).toBe(true);
    expect(validate({ n: 3, tag: 'x' })).toBe(false);
    const docs = drawValid(schema, 10);
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect(JSON.parse(d).n).toBeGreaterThan(3);
  });
});

describe('draft detection without $schema', () => {
  it('a root with a draft-04 id and no $schema is read as draft-04 (ajv 2020-12 refuses the id keyword)', () => {
    const schema = { id: 'http://example.com/thing#', type: 'object', properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true } }, required: ['n'] };
    const validate = createValidator(schema);
    expect(validate({ n: 0 })).toBe(false);
    expect(validate({ n: 0.5 })).toBe(true);
    const { grammar } = compileGrammar(schema);
    expect(grammarAccepts(grammar, '{"n":0}')).toBe('rejected');
    for (const d of drawValid(schema, 8)) expect(JSON.parse(d).n).toBeGreaterThan(0);
  });
});
