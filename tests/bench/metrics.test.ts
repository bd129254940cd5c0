import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../bench/eval/canonical.js';
import { flattenLeaves } from '../../bench/eval/leaves.js';
import { aggregate, f1FromCounts, fieldCounts, scoreExample } from '../../bench/eval/metrics.js';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
    address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] },
    note: { type: ['string', 'null'] },
  },
  required: ['name', 'age'],
  additionalProperties: false,
};
const gold = { name: 'Ann', age: 30, tags: ['a', 'b'], address: { city: 'Oslo', zip: '0150' }, note: null };
// gold leaves: name, age, tags[0], tags[1], address.city, address.zip, note  -> 7

describe('flattenLeaves', () => {
  it('addresses nested objects, arrays by index, null and empty containers', () => {
    expect([...flattenLeaves(gold)]).toEqual([
      ['name', '"Ann"'], ['age', '30'], ['tags[0]', '"a"'], ['tags[1]', '"b"'], ['address.city', '"Oslo"'],
      ['address.zip', '"0150"'], ['note', 'null'],
    ]);
    expect([...flattenLeaves({ a: [], b: {}, c: [{ d: 1 }] })]).toEqual([['a', '[]'], ['b', '{}'], ['c[0].d', '1']]);
    expect([...flattenLeaves(5)]).toEqual([['$', '5']]);
    // A key with a dot does not collide with a nested path.
    expect(flattenLeaves({ 'a.b': 1, a: { b: 2 } }).size).toBe(2);
  });
});

describe('fieldCounts and scoreExample', () => {
  it('exact match: every leaf a true positive, JSONExact despite a different key order', () => {
    const reordered = { note: null, address: { zip: '0150', city: 'Oslo' }, tags: ['a', 'b'], age: 30, name: 'Ann' };
    expect(scoreExample(JSON.stringify(reordered), gold, schema)).toEqual({ valid: true, compliant: true, exact: true, tp: 7, fp: 0, fn: 0 });
  });

  it('partial match: one wrong value is one false positive and one false negative', () => {
    const pred = { ...gold, address: { city: 'Bergen', zip: '0150' } };
    expect(scoreExample(JSON.stringify(pred), gold, schema)).toEqual({ valid: true, compliant: true, exact: false, tp: 6, fp: 1, fn: 1 });
  });

  it('missing fields are false negatives only', () => {
    const { tags: _t, note: _n, ...pred } = gold;
    expect(fieldCounts(pred, gold)).toEqual({ tp: 4, fp: 0, fn: 3 });
  });

  it('extra fields are false positives and break compliance under additionalProperties: false', () => {
    const pred = { ...gold, email: 'ann@x.org' };
    expect(scoreExample(JSON.stringify(pred), gold, schema)).toEqual({ valid: true, compliant: false, exact: false, tp: 7, fp: 1, fn: 0 });
  });

  it('arrays of different lengths are matched in order by index', () => {
    expect(fieldCounts({ tags: ['a', 'b', 'c'] }, { tags: ['a', 'b'] })).toEqual({ tp: 2, fp: 1, fn: 0 });
    expect(fieldCounts({ tags: ['b'] }, { tags: ['a', 'b'] })).toEqual({ tp: 0, fp: 1, fn: 2 });
    expect(fieldCounts({ items: [{ q: 1, p: 2 }] }, { items: [{ q: 1, p: 2 }, { q: 3, p: 4 }] })).toEqual({ tp: 2, fp: 0, fn: 2 });
    expect(fieldCounts({ tags: [] }, { tags: ['a'] })).toEqual({ tp: 0, fp: 1, fn: 1 });
    expect(fieldCounts({ tags: [] }, { tags: [] })).toEqual({ tp: 1, fp: 0, fn: 0 });
  });

  it('number vs string is a mismatch, and also a schema violation', () => {
    const pred = { ...gold, age: '30' };
    expect(scoreExample(JSON.stringify(pred), gold, schema)).toEqual({ valid: true, compliant: false, exact: false, tp: 6, fp: 1, fn: 1 });
    // 30 and 30.0 are the same JSON number.
    expect(scoreExample(JSON.stringify(gold).replace('30', '30.0'), gold, schema).exact).toBe(true);
  });

  it('null is a value: null matches null, but an omitted nullable field is a miss', () => {
    const { note: _n, ...omitted } = gold;
    expect(fieldCounts(omitted, gold)).toEqual({ tp: 6, fp: 0, fn: 1 });
    expect(fieldCounts({ ...gold, note: 'x' }, gold)).toEqual({ tp: 6, fp: 1, fn: 1 });
  });

  it('nested objects: a wrong subtree costs only its own leaves', () => {
    expect(fieldCounts({ a: { b: { c: 1, d: 2 } }, e: 3 }, { a: { b: { c: 1, d: 5 } }, e: 3 })).toEqual({ tp: 2, fp: 1, fn: 1 });
    expect(fieldCounts({ a: 'flat' }, { a: { b: 1, c: 2 } })).toEqual({ tp: 0, fp: 1, fn: 2 });
  });

  it('invalid JSON: not valid, not compliant, no predicted leaves, every gold leaf missed', () => {
    expect(scoreExample('{"name": "Ann", "age": 3', gold, schema)).toEqual({ valid: false, compliant: false, exact: false, tp: 0, fp: 0, fn: 7 });
    expect(scoreExample('', gold, schema).valid).toBe(false);
  });

  it('valid JSON that breaks the schema is valid but not compliant', () => {
    expect(scoreExample('{"name": "Ann"}', gold, schema)).toMatchObject({ valid: true, compliant: false, exact: false, tp: 1, fp: 0, fn: 6 });
  });
});

describe('aggregate', () => {
  it('micro-averages Field F1 over summed counts and rates the booleans', () => {
    const a = { valid: true, compliant: true, exact: true, tp: 4, fp: 0, fn: 0 };
    const b = { valid: true, compliant: false, exact: false, tp: 1, fp: 3, fn: 1 };
    const c = { valid: false, compliant: false, exact: false, tp: 0, fp: 0, fn: 5 };
    const agg = aggregate([a, b, c]);
    expect(agg).toMatchObject({ n: 3, tp: 5, fp: 3, fn: 6 });
    expect(agg.validity).toBeCloseTo(2 / 3);
    expect(agg.compliance).toBeCloseTo(1 / 3);
    expect(agg.jsonExact).toBeCloseTo(1 / 3);
    expect(agg.precision).toBeCloseTo(5 / 8);
    expect(agg.recall).toBeCloseTo(5 / 11);
    expect(agg.f1).toBeCloseTo((2 * (5 / 8) * (5 / 11)) / (5 / 8 + 5 / 11));
  });

  it('edge cases: nothing to find and nothing found is perfect; nothing found is zero', () => {
    expect(f1FromCounts({ tp: 0, fp: 0, fn: 0 }).f1).toBe(1);
    expect(f1FromCounts({ tp: 0, fp: 0, fn: 3 })).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(aggregate([])).toMatchObject({ n: 0, validity: 0 });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson([{ b: 1, a: 2 }])).toBe('[{"a":2,"b":1}]');
  });
});
