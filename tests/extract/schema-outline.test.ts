import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaOutline } from '../../extract/schema-outline.js';
import { extractionMessages } from '../../extract/prompt.js';
import { REPO } from '../paths.js';

/** Every property name at every depth (through properties, items, prefixItems, anyOf/oneOf/allOf, $defs). */
function propertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) { for (const s of schema) propertyNames(s, out); return out; }
  if (schema === null || typeof schema !== 'object') return out;
  const s = schema as Record<string, unknown>;
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties') for (const [name, sub] of Object.entries(v as Record<string, unknown>)) { out.add(name); propertyNames(sub, out); }
    else if (['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'additionalProperties'].includes(k)) propertyNames(v, out);
  }
  return out;
}

function enumValues(schema: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(schema)) { for (const s of schema) enumValues(s, out); return out; }
  if (schema === null || typeof schema !== 'object') return out;
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === 'enum' && Array.isArray(v)) out.push(...v);
    else if (k !== 'const' && k !== 'default' && k !== 'examples') enumValues(v, out);
  }
  return out;
}

const edgejson = readFileSync(join(REPO, 'bench/edgejson/data/test.jsonl'), 'utf8').trim().split('\n')
  .map((l) => JSON.parse(l) as { tier: string; schema: unknown });
const benchSchemas = readdirSync(join(REPO, 'bench/schemas')).filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, schema: JSON.parse(readFileSync(join(REPO, 'bench/schemas', f), 'utf8')) as unknown }));

describe('schemaOutline', () => {
  it('writes objects, optional keys, enums, formats, nullable types and arrays the TypeScript way', () => {
    expect(schemaOutline({
      type: 'object',
      properties: {
        id: { type: 'string', maxLength: 80 },
        date: { type: ['string', 'null'], format: 'date' },
        status: { type: ['string', 'null'], enum: ['paid', 'draft', null] },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 4 },
        lines: { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer' } }, required: ['qty'] } },
        'unit price': { type: 'number' },
      },
      required: ['id', 'date', 'status', 'lines'],
      additionalProperties: false,
    })).toBe('{id: string, date: string(date)|null, status: "paid"|"draft"|null, tags?: string[], lines: {qty: integer}[], "unit price"?: number}');
  });

  it('writes unions, intersections, tuples, maps, const and the empty schema', () => {
    expect(schemaOutline({ anyOf: [{ type: 'integer' }, { type: 'string' }] })).toBe('integer|string');
    expect(schemaOutline({ type: 'array', items: { anyOf: [{ type: 'integer' }, { type: 'null' }] } })).toBe('(integer|null)[]');
    expect(schemaOutline({ allOf: [{ type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }, { properties: { b: { type: 'string' } } }] }))
      .toBe('{a: integer} & {b?: string}');
    expect(schemaOutline({ type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], items: false })).toBe('[number, number]');
    expect(schemaOutline({ type: 'object', additionalProperties: { type: 'integer' } })).toBe('{[key: string]: integer}');
    expect(schemaOutline({ const: 'v1' })).toBe('"v1"');
    expect(schemaOutline({})).toBe('any');
    expect(schemaOutline(true)).toBe('any');
  });

  it('inlines local $refs and names a recursive one instead of looping', () => {
    const tree = {
      $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['name'] } },
      $ref: '#/$defs/node',
    };
    expect(schemaOutline(tree)).toBe('{name: string, children?: node[]}');
    expect(schemaOutline({ type: 'object', properties: { next: { $ref: '#' } } })).toBe('{next?: root}');
    expect(schemaOutline({ $ref: 'https://example.com/other.json' })).toBe('other.json');
  });

  it('names every key and every enum value of the bench schemas and EdgeJSON test schemas, in fewer characters than their JSON', () => {
    let outlineChars = 0; let jsonChars = 0;
    for (const { schema } of [...benchSchemas, ...edgejson]) {
      const outline = schemaOutline(schema);
      for (const name of propertyNames(schema)) expect(outline).toContain(/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));
      for (const v of enumValues(schema)) expect(outline).toContain(JSON.stringify(v));
      outlineChars += outline.length; jsonChars += JSON.stringify(schema).length;
    }
    // The point of the outline: the EdgeJSON-style schemas come out at about 28% of their JSON.
    expect(outlineChars / jsonChars).toBeLessThan(0.5);
  });

  it('is what the extraction prompt shows, after the instruction', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };
    const [system, user] = extractionMessages(schema, 'a is 3');
    expect(system.content.split('\n')[1]).toBe('{a: integer}');
    expect(user).toEqual({ role: 'user', content: 'a is 3' });
  });
});
