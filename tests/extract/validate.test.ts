import { describe, expect, it } from 'vitest';
import { InvalidSchemaError, ValidatorCache } from '../../extract/validate.js';

describe('extract ValidatorCache', () => {
  it('validates with the Ajv class of the schema\'s draft (2020-12 prefixItems is enforced)', () => {
    const v = new ValidatorCache();
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'integer' }], items: false };
    expect(v.validate(schema, [1]).valid).toBe(true);
    const bad = v.validate(schema, ['a']);
    expect(bad.valid).toBe(false);
    expect(bad.errors.join(' ')).toMatch(/integer/);
    expect(v.validate(schema, [1, 2]).valid).toBe(false); // items: false closes the tuple
  });

  it('defaults to 2020-12, reads draft-07 and draft-04 schemas, and reports every error', () => {
    const v = new ValidatorCache();
    expect(v.validate({ type: 'array', prefixItems: [{ type: 'string' }] }, [3]).valid).toBe(false);
    const d7 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: [{ type: 'string' }], additionalItems: false };
    expect(v.validate(d7, ['x']).valid).toBe(true);
    expect(v.validate(d7, ['x', 'y']).valid).toBe(false);
    const d4 = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', minimum: 5, exclusiveMinimum: true };
    expect(v.validate(d4, 5).valid).toBe(false);
    expect(v.validate(d4, 5.5).valid).toBe(true);
    const two = v.validate({ type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' } } }, { a: 'x', b: 1 });
    expect(two.errors).toHaveLength(2);
  });

  it('names an invalid schema', () => {
    expect(() => new ValidatorCache().compile({ type: 'no-such-type' })).toThrow(InvalidSchemaError);
  });
});
