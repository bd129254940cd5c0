import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { TIERS, type Example } from '../../bench/edgejson/compose.js';
import { dedupeKeys, generateDataset, generateExtraTrain } from '../../bench/edgejson/dataset.js';
import { Rng } from '../../bench/edgejson/prng.js';
import { REPO } from '../paths.js';

const readJsonl = (name: string): Example[] =>
  readFileSync(resolve(REPO, 'bench/edgejson/data', name), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

const committed = { train: readJsonl('train.jsonl'), test: readJsonl('test.jsonl') };
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

/** Depth of nested objects under the root (root alone = 1). */
function objectDepth(schema: any): number {
  if (schema.type === 'array') return objectDepth(schema.items);
  if (schema.type !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(schema.properties).map(objectDepth));
}
function leafCount(schema: any): number {
  if (schema.type === 'array') return schema.items.type === 'object' ? leafCount(schema.items) : 1;
  if (schema.type === 'object') return Object.values(schema.properties).reduce((n: number, s) => n + leafCount(s), 0);
  return 1;
}
/** Gold keys appear in schema property order at every level. */
function keysInSchemaOrder(schema: any, value: any): boolean {
  if (schema.type === 'array' && Array.isArray(value)) return value.every((v) => keysInSchemaOrder(schema.items, v));
  if (schema.type !== 'object' || value === null) return true;
  const order = Object.keys(schema.properties);
  const keys = Object.keys(value);
  const positions = keys.map((k) => order.indexOf(k));
  return positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1])) &&
    keys.every((k) => keysInSchemaOrder(schema.properties[k], value[k]));
}

describe('EdgeJSON-style dataset', () => {
  it('has 629 train / 158 test examples split 80/20 in every tier', () => {
    expect(committed.train).toHaveLength(629);
    expect(committed.test).toHaveLength(158);
    for (const tier of TIERS) {
      const train = committed.train.filter((e) => e.tier === tier).length;
      const test = committed.test.filter((e) => e.tier === tier).length;
      expect(test / (train + test)).toBeGreaterThan(0.19);
      expect(test / (train + test)).toBeLessThan(0.21);
    }
  });

  it('regenerates byte-identically from seed 1 (the committed files are the generator output)', () => {
    const fresh = generateDataset(1);
    const line = (e: Example) => JSON.stringify({ id: e.id, tier: e.tier, family: e.family, schema: e.schema, text: e.text, gold: e.gold });
    expect(fresh.train.map(line)).toEqual(committed.train.map((e) => JSON.stringify(e)));
    expect(fresh.test.map(line)).toEqual(committed.test.map((e) => JSON.stringify(e)));
  });

  it('every gold validates against its schema, in schema key order', () => {
    for (const e of [...committed.train, ...committed.test]) {
      const ok = ajv.validate(e.schema, e.gold);
      expect(ok, `${e.id}: ${ajv.errorsText()}`).toBe(true);
      expect(keysInSchemaOrder(e.schema, e.gold), e.id).toBe(true);
    }
  });

  it('tiers have the promised shape', () => {
    for (const e of [...committed.train, ...committed.test]) {
      const s = e.schema as any;
      const leaves = leafCount(s);
      if (e.tier === 'simple') {
        expect(objectDepth(s)).toBe(1);
        expect(leaves).toBeGreaterThanOrEqual(2);
        expect(leaves).toBeLessThanOrEqual(5);
      } else if (e.tier === 'medium') {
        expect(objectDepth(s)).toBe(2);
        expect(leaves).toBeGreaterThanOrEqual(6);
        expect(leaves).toBeLessThanOrEqual(12);
        expect(Object.values(s.properties).some((p: any) => Array.isArray(p.enum))).toBe(true);
      } else {
        expect(objectDepth(s)).toBeGreaterThanOrEqual(3);
        expect(leaves).toBeGreaterThanOrEqual(12);
        expect(Object.values(s.properties).some((p: any) => p.type === 'array' && p.items.type === 'object')).toBe(true);
        expect(s.required.length).toBeLessThan(Object.keys(s.properties).length); // some optional field
        expect(JSON.stringify(s)).toContain('"null"'); // some nullable field
      }
    }
  });

  it('covers many families per tier and has no duplicate ids, texts or (schema, gold) pairs', () => {
    const all = [...committed.train, ...committed.test];
    for (const tier of TIERS) expect(new Set(all.filter((e) => e.tier === tier).map((e) => e.family)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const keys = all.flatMap(dedupeKeys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('writes dates in the text in other forms than the ISO gold', () => {
    const withDate = committed.test.filter((e) => /"\d{4}-\d\d-\d\d"/.test(JSON.stringify(e.gold)));
    const isoOnlyInGold = withDate.filter((e) => {
      const isos = JSON.stringify(e.gold).match(/\d{4}-\d\d-\d\d/g)!;
      return isos.some((d) => !e.text.includes(d));
    });
    expect(isoOnlyInGold.length).toBeGreaterThan(withDate.length / 2);
  });

  it('extra training data is disjoint from the base dataset and deterministic', () => {
    const base = generateDataset(1);
    const extra = generateExtraTrain(2, 400, base);
    expect(extra).toHaveLength(400);
    const baseKeys = new Set([...base.train, ...base.test].flatMap(dedupeKeys));
    for (const e of extra) for (const k of dedupeKeys(e)) expect(baseKeys.has(k)).toBe(false);
    expect(generateExtraTrain(2, 50, base).map((e) => e.text)).toEqual(extra.slice(0, 50).map((e) => e.text));
    for (const e of extra.slice(0, 100)) expect(ajv.validate(e.schema, e.gold), e.id).toBe(true);
  });
});

describe('Rng', () => {
  it('is deterministic per seed and stays in range', () => {
    const a = new Rng(7), b = new Rng(7), c = new Rng(8);
    const seqA = Array.from({ length: 20 }, () => a.u32());
    expect(Array.from({ length: 20 }, () => b.u32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.u32())).not.toEqual(seqA);
    const r = new Rng(1);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(3, 9);
      expect(v >= 3 && v <= 9 && Number.isInteger(v)).toBe(true);
    }
    expect(() => r.int(5, 4)).toThrow(/empty range/);
  });
});
