// Schemas that stress the grammar: recursion, nesting, shared prefixes, exact ranges, formats, keys
// chosen by pattern. Shared by the fuzz test and the benchmark list.
export const HARD_SCHEMAS: Record<string, unknown> = {
  recursiveTree: {
    $defs: {
      node: {
        type: 'object',
        properties: { label: { type: 'string', maxLength: 12 }, weight: { type: 'integer', minimum: -3, maximum: 3 }, children: { type: 'array', items: { $ref: '#/$defs/node' }, maxItems: 3 } },
        required: ['label'],
      },
    },
    $ref: '#/$defs/node',
  },
  nestedArraysOfObjects: {
    type: 'object',
    properties: {
      orders: {
        type: 'array', minItems: 1, maxItems: 3,
        items: {
          type: 'object',
          properties: {
            id: { type: 'string', pattern: '^ORD-[0-9]{4}$' },
            lines: { type: 'array', maxItems: 3, items: { type: 'object', properties: { sku: { type: 'string', minLength: 3, maxLength: 8 }, qty: { type: 'integer', minimum: 1, maximum: 99 }, price: { type: 'number', minimum: 0, exclusiveMaximum: 10000 } }, required: ['sku', 'qty'] } },
            matrix: { type: 'array', maxItems: 2, items: { type: 'array', maxItems: 3, items: { type: 'number' } } },
          },
          required: ['id', 'lines'],
        },
      },
    },
    required: ['orders'],
  },
  sharedPrefixEnums: {
    type: 'object',
    properties: {
      status: { enum: ['pending', 'pending_review', 'pend', 'paid', 'paid_partially', 'p'] },
      level: { enum: [1, 10, 100, 1000, 'one', null, true] },
      unit: { type: 'string', enum: ['m', 'mm', 'mi', 'min'] },
    },
    required: ['status', 'level', 'unit'],
  },
  integerRanges: {
    type: 'object',
    properties: {
      a: { type: 'integer', minimum: -128, maximum: 127 },
      b: { type: 'integer', exclusiveMinimum: 999, exclusiveMaximum: 1010 },
      c: { type: 'integer', minimum: 5, maximum: 5 },
      d: { type: 'integer', multipleOf: 15, minimum: -100, maximum: 100 },
      e: { type: 'number', minimum: -1.5, maximum: 2.25 },
      f: { type: 'integer', format: 'int32' },
      price: { type: 'number', multipleOf: 0.01, minimum: 0, exclusiveMaximum: 1000 },
      step: { type: 'number', multipleOf: 0.25 },
    },
    required: ['a', 'b', 'c', 'd', 'e', 'f', 'price', 'step'],
  },
  formats: {
    type: 'object',
    properties: {
      date: { type: 'string', format: 'date' }, time: { type: 'string', format: 'time' }, when: { type: 'string', format: 'date-time' },
      email: { type: 'string', format: 'email' }, id: { type: 'string', format: 'uuid' }, ip: { type: 'string', format: 'ipv4' },
      ip6: { type: 'string', format: 'ipv6' }, site: { type: 'string', format: 'uri' }, host: { type: 'string', format: 'hostname' },
      span: { type: 'string', format: 'duration' },
    },
    required: ['date', 'time', 'when', 'email', 'id', 'ip', 'ip6', 'site', 'host', 'span'],
  },
  keysByPattern: {
    type: 'object',
    properties: { version: { const: 2 } },
    patternProperties: { '^x-[a-z]+$': { type: 'string', maxLength: 5 }, '^n_': { type: 'integer' } },
    additionalProperties: false,
    required: ['version'],
    maxProperties: 4,
  },
  anyOfNullable: {
    type: 'object',
    properties: {
      contact: { anyOf: [{ type: 'string', format: 'email' }, { type: 'object', properties: { phone: { type: 'string', pattern: '^\\+[0-9]{7,12}$' } }, required: ['phone'] }, { type: 'null' }] },
      note: { type: ['string', 'null'], maxLength: 30 },
      shape: {
        oneOf: [
          { type: 'object', properties: { kind: { const: 'circle' }, r: { type: 'number', minimum: 0 } }, required: ['kind', 'r'] },
          { type: 'object', properties: { kind: { const: 'rect' }, w: { type: 'number' }, h: { type: 'number' } }, required: ['kind', 'w', 'h'] },
        ],
      },
    },
    required: ['contact', 'shape'],
  },
  freeFormMap: { type: 'object', additionalProperties: { type: 'array', items: { type: ['integer', 'string'] }, maxItems: 2 }, minProperties: 1, maxProperties: 3 },
  stringLengths: { type: 'array', minItems: 2, maxItems: 4, items: { type: 'string', minLength: 3, maxLength: 6 } },
  uniqueEnumArrays: {
    type: 'object',
    properties: {
      roles: { type: 'array', items: { enum: ['admin', 'admin-ro', 'editor', 'viewer'] }, uniqueItems: true, minItems: 1 },
      flags: { type: 'array', items: { type: 'boolean' }, uniqueItems: true },
      sizes: { type: 'array', items: { enum: [1, 10, 100] }, uniqueItems: true, maxItems: 2 },
    },
    required: ['roles', 'flags', 'sizes'],
  },
  containsMatches: { type: 'array', items: { type: ['integer', 'string'] }, contains: { type: 'string', pattern: '^x' }, minContains: 2, maxItems: 4 },
  dependentFields: {
    type: 'object',
    properties: { name: { type: 'string', maxLength: 8 }, card: { type: 'string', pattern: '^[0-9]{4}$' }, cvc: { type: 'string', pattern: '^[0-9]{3}$' }, billing: { type: 'string', maxLength: 10 }, note: { type: 'string', maxLength: 5 } },
    dependentRequired: { card: ['cvc', 'name'], cvc: ['billing'] },
  },
  anything: {},
};
