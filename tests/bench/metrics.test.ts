import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../bench/eval/canonical.js';
import { flattenLeaves } from '../../bench/eval/leaves.js';
import { hallucinationCounts, inTextTester, nullCounts } from '../../bench/eval/grounding.js';
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
    // Without a text no string leaf is counted for hallucination; the one gold-empty field (note) is null.
    expect(scoreExample(JSON.stringify(reordered), gold, schema)).toEqual({ valid: true, compliant: true, exact: true, tp: 7, fp: 0, fn: 0,
      stringLeaves: 0, hallucinated: 0, absentFields: 1, absentCorrect: 1 });
  });

  it('partial match: one wrong value is one false positive and one false negative', () => {
    const pred = { ...gold, address: { city: 'Bergen', zip: '0150' } };
    expect(scoreExample(JSON.stringify(pred), gold, schema)).toMatchObject({ valid: true, compliant: true, exact: false, tp: 6, fp: 1, fn: 1 });
  });

  it('missing fields are false negatives only', () => {
    const { tags: _t, note: _n, ...pred } = gold;
    expect(fieldCounts(pred, gold)).toEqual({ tp: 4, fp: 0, fn: 3 });
  });

  it('extra fields are false positives and break compliance under additionalProperties: false', () => {
    const pred = { ...gold, email: 'ann@x.org' };
    expect(scoreExample(JSON.stringify(pred), gold, schema)).toMatchObject({ valid: true, compliant: false, exact: false, tp: 7, fp: 1, fn: 0 });
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
    expect(scoreExample(JSON.stringify(pred), gold, schema)).toMatchObject({ valid: true, compliant: false, exact: false, tp: 6, fp: 1, fn: 1 });
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
    expect(scoreExample('{"name": "Ann", "age": 3', gold, schema)).toMatchObject({ valid: false, compliant: false, exact: false, tp: 0, fp: 0, fn: 7 });
    expect(scoreExample('', gold, schema).valid).toBe(false);
  });

  it('valid JSON that breaks the schema is valid but not compliant', () => {
    expect(scoreExample('{"name": "Ann"}', gold, schema)).toMatchObject({ valid: true, compliant: false, exact: false, tp: 1, fp: 0, fn: 6 });
  });
});

describe('aggregate', () => {
  it('micro-averages Field F1 over summed counts and rates the booleans', () => {
    const g = { stringLeaves: 0, hallucinated: 0, absentFields: 0, absentCorrect: 0 };
    const a = { valid: true, compliant: true, exact: true, tp: 4, fp: 0, fn: 0, ...g };
    const b = { valid: true, compliant: false, exact: false, tp: 1, fp: 3, fn: 1, ...g };
    const c = { valid: false, compliant: false, exact: false, tp: 0, fp: 0, fn: 5, ...g };
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
    expect(aggregate([])).toMatchObject({ n: 0, validity: 0, hallucination: null, nullAccuracy: null });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson([{ b: 1, a: 2 }])).toBe('[{"a":2,"b":1}]');
  });
});

describe('grounding: hallucination and null accuracy', () => {
  const text = 'Ann Lee lives in Oslo. She was born on the 3rd of June 1990; her number is (555) 123-4567.';
  const gSchema = {
    type: 'object',
    properties: {
      name: { type: 'string' }, city: { type: 'string' }, born: { type: 'string', format: 'date' }, phone: { type: 'string' },
      country: { type: ['string', 'null'] }, tags: { type: 'array', items: { type: 'string' } },
      level: { type: 'string', enum: ['junior', 'senior'] },
      address: { type: 'object', properties: { street: { type: 'string' }, zip: { type: ['string', 'null'] } } },
    },
    required: ['name', 'city', 'born', 'phone', 'country', 'tags', 'level'],
  };
  // level's gold is not in the text (an enum label), so that path is not extractive; address is omitted.
  const gGold = { name: 'Ann Lee', city: 'Oslo', born: '1990-06-03', phone: '555-123-4567', country: null, tags: [], level: 'senior' };

  it('"in the text": case and white space ignored, normalized dates/times/phones accepted, nothing else', () => {
    const inText = inTextTester(text);
    expect(['ann  LEE', 'Oslo', '1990-06-03', '555-123-4567', '(555) 123-4567', ' oslo '].map(inText)).toEqual([true, true, true, true, true, true]);
    expect(['Bergen', '1990-03-06', 'Ann Leee', '', '  '].map(inText)).toEqual([false, false, false, false, false]);
  });

  it('counts predicted string leaves at extractive paths; the ones not in the text are hallucinated', () => {
    const pred = { name: 'ann  lee', city: 'Bergen', born: '1990-06-03', phone: '555-123-4567', country: 'Norway',
      tags: ['Oslo', 'skiing'], level: 'junior', address: { street: '', zip: null } };
    // Counted: name, city, born, phone, country (gold null), tags[0], tags[1] (gold []) = 7; level skipped
    // (gold not a span), street skipped (empty). Not in the text: Bergen, Norway, skiing = 3.
    expect(hallucinationCounts(pred, gGold, text)).toEqual({ stringLeaves: 7, hallucinated: 3 });
    // Array elements share one path: a gold list of spans makes every predicted item count.
    expect(hallucinationCounts({ xs: ['Oslo', 'Rome', 'Ann'] }, { xs: ['Ann'] }, text)).toEqual({ stringLeaves: 3, hallucinated: 1 });
    // A gold list holding one non-span makes the whole path non-extractive.
    expect(hallucinationCounts({ xs: ['Rome'] }, { xs: ['Ann', 'Paris'] }, text)).toEqual({ stringLeaves: 0, hallucinated: 0 });
    // Numbers and booleans are not string leaves.
    expect(hallucinationCounts({ n: 7, b: true }, {}, text)).toEqual({ stringLeaves: 0, hallucinated: 0 });
  });

  it('null accuracy: gold-empty fields (null, [], omitted) answered empty too; an object of empties is empty', () => {
    // Gold-empty: country (null), tags ([]), address (omitted) = 3.
    const invented = { ...gGold, country: 'Norway', tags: ['skiing'], address: { street: '', zip: null } };
    expect(nullCounts(gSchema, gGold, invented, true)).toEqual({ absentFields: 3, absentCorrect: 1 });
    expect(nullCounts(gSchema, gGold, { ...gGold }, true)).toEqual({ absentFields: 3, absentCorrect: 3 });
    expect(nullCounts(gSchema, gGold, { ...gGold, tags: [''], country: '' }, true)).toEqual({ absentFields: 3, absentCorrect: 2 });
    // A filled gold object is entered: its empty fields count (zip), and so does the whole object's absence.
    const withAddress = { ...gGold, address: { street: 'Main St', zip: null } };
    expect(nullCounts(gSchema, withAddress, { ...withAddress, address: { street: 'Main St', zip: '0150' } }, true)).toEqual({ absentFields: 3, absentCorrect: 2 });
    // No answer at all: every gold-empty field counts, none is right.
    expect(nullCounts(gSchema, gGold, undefined, false)).toEqual({ absentFields: 3, absentCorrect: 0 });
  });

  it('scoreExample and aggregate carry both; rates are null with no denominator', () => {
    const pred = { ...gGold, city: 'Bergen', country: 'Norway' };
    const s1 = scoreExample(JSON.stringify(pred), gGold, gSchema, text);
    // Counted strings: name, city, born, phone, country = 5, of which Bergen and Norway are not in the text.
    expect(s1).toMatchObject({ valid: true, stringLeaves: 5, hallucinated: 2, absentFields: 3, absentCorrect: 2 });
    const s2 = scoreExample('{"name": ', gGold, gSchema, text);
    expect(s2).toMatchObject({ valid: false, stringLeaves: 0, hallucinated: 0, absentFields: 3, absentCorrect: 0 });
    const agg = aggregate([s1, s2]);
    expect(agg.hallucination).toBeCloseTo(2 / 5);
    expect(agg.nullAccuracy).toBeCloseTo(2 / 6);
    const none = scoreExample('{}', {}, { type: 'object', properties: {} }, text);
    expect(aggregate([none])).toMatchObject({ hallucination: null, nullAccuracy: null });
  });
});
