// Compiler behaviour on bad and unusual input: errors name the keyword and the JSON pointer.
import { describe, expect, it } from 'vitest';
import { compileGrammar, grammarAccepts, GrammarError } from '../../grammar/index.js';

function compileError(schema: unknown, options = {}): GrammarError {
  try {
    compileGrammar(schema, options);
  } catch (e) {
    if (e instanceof GrammarError) return e;
    throw e;
  }
  throw new Error('expected a GrammarError');
}

describe('compileGrammar errors', () => {
  it('refuses an unsupported assertion keyword, naming keyword and pointer', () => {
    const e = compileError({ type: 'object', properties: { tags: { type: 'array', uniqueItems: true } } });
    expect(e.keyword).toBe('uniqueItems');
    expect(e.pointer).toBe('/properties/tags');
    expect(e.message).toContain('uniqueItems at #/properties/tags');
    expect(compileError({ not: { type: 'string' } }).keyword).toBe('not');
    expect(compileError({ if: { type: 'string' }, then: { minLength: 2 } }).keyword).toBe('if');
  });

  it('lenient mode turns refusals into warnings', () => {
    const { warnings } = compileGrammar({ type: 'array', items: { type: 'integer' }, uniqueItems: true }, { lenient: true });
    expect(warnings.join('\n')).toContain('uniqueItems at #');
  });

  it('rejects invalid schemas', () => {
    expect(compileError({ type: 'strin' }).keyword).toBe('type');
    expect(compileError({ type: 'string', minLength: -1 }).keyword).toBe('minLength');
    expect(compileError({ type: 'string', pattern: '(' }).message).toContain('not a valid regular expression');
    expect(compileError({ required: 'name' }).keyword).toBe('required');
    expect(compileError(42).keyword).toBe('schema');
  });

  it('reports unresolvable $ref', () => {
    const e = compileError({ properties: { a: { $ref: '#/$defs/missing' } } });
    expect(e.keyword).toBe('$ref');
    expect(e.pointer).toBe('/properties/a');
    expect(compileError({ $ref: 'https://example.com/other.json' }).message).toContain('remote');
  });

  it('reports contradictory constraints', () => {
    expect(compileError({ type: 'integer', minimum: 5, maximum: 3 }).message).toContain('contradictory');
    expect(compileError({ type: 'string', minLength: 5, maxLength: 2 }).message).toContain('contradictory');
    expect(compileError({ type: 'object', properties: { a: false }, required: ['a'] }).message).toContain('contradictory');
    expect(compileError({ allOf: [{ type: 'string' }, { type: 'number' }] }).message).toContain('contradictory');
    // A tree whose child is required forever has no finite instance.
    expect(compileError({ type: 'object', properties: { child: { $ref: '#' } }, required: ['child'] }).message).toContain('contradictory');
  });

  it('refuses oneOf whose branches overlap, accepts a discriminated one', () => {
    expect(compileError({ oneOf: [{ type: 'string' }, { type: 'string', minLength: 2 }] }).keyword).toBe('oneOf');
    const { grammar } = compileGrammar({
      oneOf: [
        { type: 'object', properties: { kind: { const: 'a' }, x: { type: 'integer' } }, required: ['kind'] },
        { type: 'object', properties: { kind: { const: 'b' }, y: { type: 'string' } }, required: ['kind'] },
      ],
    });
    expect(grammarAccepts(grammar, '{"kind":"a","x":1}')).toBe('complete');
    expect(grammarAccepts(grammar, '{"kind":"b","x":1}')).toBe('rejected');
  });

  it('ignores annotations and vendor keywords', () => {
    const { grammar, warnings } = compileGrammar({
      $schema: 'http://json-schema.org/draft-04/schema#', id: 'urn:example', title: 'T', description: 'd',
      javaType: 'com.example.T', 'x-order': 3, examples: [{}], default: {}, $comment: 'c',
      type: 'object', properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true, description: 'positive' } },
      required: ['n'],
    });
    expect(warnings).toEqual([]);
    expect(grammarAccepts(grammar, '{"n":0}')).toBe('rejected');
    expect(grammarAccepts(grammar, '{"n":0.5}')).toBe('complete');
  });
});

describe('compiled languages', () => {
  const accepts = (schema: unknown, text: string) => grammarAccepts(compileGrammar(schema).grammar, text);

  it('objects: schema order, optional properties, required ones cannot be skipped, no extras when silent', () => {
    const s = { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'boolean' } }, required: ['b'] };
    expect(accepts(s, '{"b":"x"}')).toBe('complete');
    expect(accepts(s, '{"a":1,"b":"x","c":true}')).toBe('complete');
    expect(accepts(s, '{"a":1}')).not.toBe('complete');
    expect(accepts(s, '{"a":1,"c":true}')).toBe('rejected');
    expect(accepts(s, '{"b":"x","a":1}')).toBe('rejected');
    expect(accepts(s, '{"b":"x","d":1}')).toBe('rejected');
  });

  it('additionalProperties schema and patternProperties pick the value schema by key', () => {
    const s = { type: 'object', properties: { id: { type: 'integer' } }, patternProperties: { '^x-': { type: 'string' } }, additionalProperties: { type: 'boolean' } };
    expect(accepts(s, '{"id":1,"x-a":"s","flag":true}')).toBe('complete');
    expect(accepts(s, '{"x-a":true}')).toBe('rejected');
    expect(accepts(s, '{"flag":"s"}')).toBe('rejected');
    expect(accepts(s, '{"id":1,"id":2}')).toBe('rejected');
  });

  it('propertyNames: declared names filtered, extra keys follow its pattern and lengths', () => {
    const s = { type: 'object', properties: { ok: { type: 'integer' }, BAD: { type: 'integer' } }, additionalProperties: { type: 'boolean' }, propertyNames: { pattern: '^[a-z]+$', maxLength: 4 } };
    expect(accepts(s, '{"ok":1,"abcd":true}')).toBe('complete');
    expect(accepts(s, '{"BAD":1}')).toBe('rejected');
    expect(accepts(s, '{"abcde":true}')).toBe('rejected');
    expect(accepts(s, '{"a1":true}')).toBe('rejected');
    const e = { type: 'object', additionalProperties: { type: 'integer' }, propertyNames: { enum: ['x', 'y'] } };
    expect(accepts(e, '{"x":1,"y":2}')).toBe('complete');
    expect(accepts(e, '{"z":1}')).toBe('rejected');
    expect(compileError({ type: 'object', properties: { a: {} }, required: ['a'], propertyNames: { maxLength: 0 } }).message).toContain('contradictory');
  });

  it('integers and numbers in ranges, exactly', () => {
    const s = { type: 'integer', minimum: -5, exclusiveMaximum: 120 };
    for (const ok of ['-5', '0', '119', '7']) expect(accepts(s, ok)).toBe('complete');
    for (const bad of ['-6', '120', '1000', '1.5', '-0']) expect(accepts(s, bad)).not.toBe('complete');
    const n = { type: 'number', minimum: 0.1, maximum: 2.5 };
    for (const ok of ['0.1', '2.5', '1', '0.10001', '2.4999']) expect(accepts(n, ok)).toBe('complete');
    for (const bad of ['0.09', '2.51', '3', '-1']) expect(accepts(n, bad)).not.toBe('complete');
    expect(accepts({ type: 'integer', multipleOf: 7, minimum: 1, maximum: 30 }, '21')).toBe('complete');
    expect(accepts({ type: 'integer', multipleOf: 7, minimum: 1, maximum: 30 }, '22')).not.toBe('complete');
    // Decimal divisors: exactly what ajv's float test accepts (0.07 / 0.01 is 7.000000000000001 to it).
    const money = { type: 'number', multipleOf: 0.01, minimum: 0, maximum: 100 };
    for (const ok of ['0', '12.5', '99.99', '0.01']) expect(accepts(money, ok)).toBe('complete');
    for (const bad of ['12.345', '100.01', '0.07', '-1']) expect(accepts(money, bad)).not.toBe('complete');
    expect(accepts({ type: 'number', multipleOf: 1.5 }, '4.5')).toBe('complete');
    expect(accepts({ type: 'number', multipleOf: 1.5 }, '35')).not.toBe('complete');
    // "3" can still become 3x but not 35+: prefixes that cannot finish are refused at once.
    expect(accepts({ type: 'integer', minimum: 30, maximum: 34 }, '4')).toBe('rejected');
  });

  it('strings: lengths in code points, canonical escapes, patterns and enums with shared prefixes', () => {
    const s = { type: 'string', minLength: 2, maxLength: 3 };
    expect(accepts(s, '"ab"')).toBe('complete');
    expect(accepts(s, '"é😀"')).toBe('complete');
    expect(accepts(s, '"abcd"')).toBe('rejected');
    expect(accepts(s, '"a"')).not.toBe('complete');
    expect(accepts({ type: 'string' }, JSON.stringify('a"b\\c\nd\u0001'))).toBe('complete');
    expect(accepts({ type: 'string' }, '"a\nb"')).toBe('rejected'); // raw control character
    expect(accepts({ type: 'string' }, '"\\u0041"')).toBe('rejected'); // non-canonical escape
    const p = { type: 'string', pattern: '^[A-Z]{2}-\\d{3}$' };
    expect(accepts(p, '"AB-123"')).toBe('complete');
    expect(accepts(p, '"AB-12"')).not.toBe('complete');
    expect(accepts({ type: 'string', pattern: 'abc' }, '"xxabcxx"')).toBe('complete'); // unanchored
    const e = { enum: ['red', 'reddish', 'redder', 1, null] };
    for (const ok of ['"red"', '"reddish"', '"redder"', '1', 'null']) expect(accepts(e, ok)).toBe('complete');
    expect(accepts(e, '"redd"')).not.toBe('complete');
  });

  it('a regex dot never lets a raw quote end the string early', () => {
    const s = { type: 'object', properties: { a: { type: 'string', pattern: '^.{1,3}$' } }, required: ['a'] };
    expect(accepts(s, '{"a":"\\""}')).toBe('complete');
    expect(accepts(s, '{"a":"""}')).toBe('rejected');
  });

  it('formats: calendar dates with leap years, times, date-times, emails, uuids, ipv4', () => {
    const d = { type: 'string', format: 'date' };
    for (const ok of ['2024-02-29', '2000-02-29', '1999-12-31', '2023-04-30']) expect(accepts(d, JSON.stringify(ok))).toBe('complete');
    for (const bad of ['2023-02-29', '1900-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-02-30']) {
      expect(accepts(d, JSON.stringify(bad))).not.toBe('complete');
    }
    const t = { type: 'string', format: 'time' };
    expect(accepts(t, '"23:59:59Z"')).toBe('complete');
    expect(accepts(t, '"08:30:06.283+05:30"')).toBe('complete');
    for (const bad of ['"24:00:00Z"', '"12:60:00Z"', '"12:00:60Z"', '"12:00:00"', '"12:00:00+24:00"']) expect(accepts(t, bad)).not.toBe('complete');
    expect(accepts({ format: 'date-time' }, '"2024-02-29T12:00:00Z"')).toBe('complete');
    expect(accepts({ format: 'date-time' }, '"2023-02-29T12:00:00Z"')).not.toBe('complete');
    expect(accepts({ format: 'email' }, '"joe.bloggs@example.com"')).toBe('complete');
    expect(accepts({ format: 'email' }, '"joe@"')).not.toBe('complete');
    expect(accepts({ format: 'uuid' }, '"2eb8aa08-aa98-11ea-b4aa-73b441d16380"')).toBe('complete');
    expect(accepts({ format: 'ipv4' }, '"256.1.1.1"')).not.toBe('complete');
  });

  it('arrays: prefixItems, items, min/maxItems; recursion through $defs', () => {
    const a = { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: { type: 'boolean' }, minItems: 2, maxItems: 3 };
    expect(accepts(a, '["a",1]')).toBe('complete');
    expect(accepts(a, '["a",1,true]')).toBe('complete');
    expect(accepts(a, '["a",1,true,false]')).toBe('rejected');
    expect(accepts(a, '["a"]')).not.toBe('complete');
    const tree = {
      $defs: { node: { type: 'object', properties: { v: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['v'] } },
      $ref: '#/$defs/node',
    };
    expect(accepts(tree, '{"v":1,"kids":[{"v":2},{"v":3,"kids":[{"v":4,"kids":[]}]}]}')).toBe('complete');
    expect(accepts(tree, '{"v":1,"kids":[{"w":2}]}')).toBe('rejected');
  });

  it('uniqueItems over a literal set: each literal at most once', () => {
    const s = { type: 'array', items: { enum: ['red', 'reddish', 1, null] }, uniqueItems: true, minItems: 1 };
    expect(accepts(s, '["red","reddish",1,null]')).toBe('complete');
    expect(accepts(s, '["red","red"]')).toBe('rejected');
    expect(accepts(s, '["reddish",1,"reddish"]')).toBe('rejected');
    expect(accepts(s, '["red","reddish",1,null,')).toBe('rejected'); // nothing left to add
    expect(accepts({ type: 'array', items: { type: 'boolean' }, uniqueItems: true }, '[true,false]')).toBe('complete');
    expect(accepts({ type: 'array', items: { type: 'boolean' }, uniqueItems: true }, '[true,true]')).toBe('rejected');
    // Free strings cannot be tracked: refused.
    expect(compileError({ type: 'array', items: { type: 'string' }, uniqueItems: true }).keyword).toBe('uniqueItems');
  });

  it('contains / minContains: enough items also match, within maxItems', () => {
    const s = { type: 'array', items: { type: 'integer' }, contains: { minimum: 10 }, minContains: 2, maxItems: 3 };
    expect(accepts(s, '[10,1,20]')).toBe('complete');
    expect(accepts(s, '[10,20]')).toBe('complete');
    expect(accepts(s, '[10,1]')).not.toBe('complete');
    expect(accepts(s, '[1,2,')).toBe('rejected'); // 2 would have to count, and it is below 10
    expect(compileError({ type: 'array', contains: { type: 'string' }, maxContains: 2 }).keyword).toBe('maxContains');
  });

  it('dependentRequired: a present trigger makes its names required, earlier or later in the order', () => {
    const s = {
      type: 'object',
      properties: { a: { type: 'integer' }, card: { type: 'string' }, b: { type: 'integer' }, billing: { type: 'string' } },
      dependentRequired: { card: ['billing', 'a'] },
    };
    expect(accepts(s, '{"a":1,"card":"x","billing":"y"}')).toBe('complete');
    expect(accepts(s, '{"card":"x"')).toBe('rejected'); // "a" had to come first
    expect(accepts(s, '{"a":1,"card":"x"}')).toBe('rejected'); // billing still owed
    expect(accepts(s, '{"b":1}')).toBe('complete');
    const d7 = { $schema: 'http://json-schema.org/draft-07/schema#', properties: { x: {}, y: {} }, dependencies: { x: ['y'] } };
    expect(accepts(d7, '{"x":1}')).not.toBe('complete');
    expect(compileError({ properties: { x: {} }, dependencies: { x: { required: ['y'] } } }).keyword).toBe('dependencies');
  });

  it('nullable types, allOf merged, anyOf alternatives', () => {
    expect(accepts({ type: ['string', 'null'] }, 'null')).toBe('complete');
    expect(accepts({ type: 'string', nullable: true }, 'null')).toBe('complete');
    const m = { allOf: [{ type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }, { properties: { a: { maximum: 3 }, b: { type: 'string' } } }] };
    expect(accepts(m, '{"a":3,"b":"x"}')).toBe('complete');
    expect(accepts(m, '{"a":4}')).not.toBe('complete');
    const any = { anyOf: [{ type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }, { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }] };
    expect(accepts(any, '{"a":1}')).toBe('complete');
    expect(accepts(any, '{"a":"s"}')).toBe('complete');
    expect(accepts(any, '{"a":true}')).toBe('rejected');
  });

  it('bounded pretty whitespace, compact by default', () => {
    const s = { type: 'object', properties: { a: { type: 'array', items: { type: 'integer' } } } };
    expect(accepts(s, '{ "a": [1] }')).toBe('rejected');
    const pretty = compileGrammar(s, { whitespace: { pretty: 3 } }).grammar;
    expect(grammarAccepts(pretty, '{\n  "a": [ 1, 2 ]\n}')).toBe('complete');
    expect(grammarAccepts(pretty, '{\n    "a": [1]}')).toBe('rejected');
  });
});
