// The open-domain generator (bench/opendomain/): every gold validates under its schema, every free-string
// value is a span of its text, absent fields follow the conventions (null / left out / []), tiers have their
// shapes, the same seed writes the same bytes, and no text comes near the hand-written real-text set.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { generateOpenDomain, toJsonl } from '../../bench/opendomain/dataset.js';
import { nameWords, keyStyle, pluralKey } from '../../bench/opendomain/names.js';
import { renderPiece } from '../../bench/opendomain/shapes.js';
import { Rng } from '../../bench/edgejson/prng.js';
import { REPO } from '../paths.js';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const data: any[] = generateOpenDomain(1, 900);

const types = (s: any): string[] => (Array.isArray(s.type) ? s.type : [s.type]);
const isFreeString = (s: any) => types(s).includes('string') && s.enum === undefined && s.format === undefined;

/** Calls visit(schema, value) for every value in the gold, at every depth. */
function walk(schema: any, value: any, visit: (s: any, v: any) => void): void {
  visit(schema, value);
  if (Array.isArray(value)) for (const v of value) walk(schema.items, v, visit);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(schema.properties[k], v, visit);
}

function depth(s: any): number {
  if (types(s).includes('object')) return 1 + Math.max(0, ...Object.values(s.properties).map(depth));
  if (types(s).includes('array')) return depth(s.items);
  return 0;
}

describe('bench/opendomain', () => {
  it('every gold validates under its schema (ajv + formats)', () => {
    for (const e of data) expect(ajv.validate(e.schema, e.gold), `${e.id}: ${ajv.errorsText()}`).toBe(true);
  });

  it('every free-string gold value is a span of the text, and gold keys follow the schema order', () => {
    let spans = 0;
    for (const e of data) {
      walk(e.schema, e.gold, (s, v) => {
        if (typeof v === 'string' && isFreeString(s)) {
          expect(e.text.includes(v), `${e.id}: '${v}' not in text`).toBe(true);
          spans++;
        }
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
          const order = Object.keys(s.properties).filter((k) => k in v);
          expect(Object.keys(v), e.id).toEqual(order);
        }
      });
    }
    expect(spans).toBeGreaterThan(data.length);
  });

  it('absent fields: nullable -> null, optional -> left out, arrays -> []; simple has none', () => {
    let nulls = 0, omitted = 0, empty = 0;
    for (const e of data) {
      walk(e.schema, e.gold, (s, v) => {
        if (v === null) { expect(types(s)).toContain('null'); nulls++; }
        if (Array.isArray(v) && v.length === 0) empty++;
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
          for (const k of Object.keys(s.properties)) {
            if (k in v) continue;
            expect(s.required, `${e.id}: required ${k} missing`).not.toContain(k);
            omitted++;
          }
          for (const k of s.required) if (types(s.properties[k]).includes('null')) expect(k in v).toBe(true);
        }
      });
      if (e.tier === 'simple') {
        expect(Object.values(e.gold).includes(null), e.id).toBe(false);
        expect(Object.keys(e.gold)).toEqual(Object.keys(e.schema.properties));
      }
    }
    // 600 non-simple examples carry some of each.
    expect(nulls).toBeGreaterThan(100);
    expect(omitted).toBeGreaterThan(50);
    expect(empty).toBeGreaterThan(10);
  });

  it('tiers have their shapes: simple flat, medium nested or listed, complex 3 levels and a list of objects', () => {
    const byTier = new Map<string, number>();
    for (const e of data) {
      byTier.set(e.tier, (byTier.get(e.tier) ?? 0) + 1);
      const props = Object.values(e.schema.properties) as any[];
      if (e.tier === 'simple') {
        expect(depth(e.schema), e.id).toBe(1);
        expect(props.length).toBeGreaterThanOrEqual(2);
        expect(props.length).toBeLessThanOrEqual(5);
      } else if (e.tier === 'medium') {
        expect(props.some((p) => types(p).includes('array') || types(p).includes('object')), e.id).toBe(true);
      } else {
        expect(depth(e.schema), e.id).toBe(3);
        expect(props.some((p) => types(p).includes('array') && p.items.type === 'object'), e.id).toBe(true);
      }
    }
    expect(Object.fromEntries(byTier)).toEqual({ simple: 300, medium: 300, complex: 300 });
  });

  it('draws from many locales and every register, and texts are distinct', () => {
    expect(new Set(data.map((e) => e.locale)).size).toBeGreaterThan(50);
    expect(new Set(data.map((e) => e.register))).toEqual(new Set(['email', 'report', 'chat', 'listing', 'note', 'form']));
    expect(new Set(data.map((e) => e.text)).size).toBe(data.length);
  });

  it('distractors: some texts name a second value of a requested field, marked as not the answer', () => {
    const marked = data.filter((e) => /\b(not|NOT|was|previously|old|Old|used to be|by mistake|outdated|wrong|corrected|different record)\b/.test(e.text));
    expect(marked.length).toBeGreaterThan(data.length / 3);
    // Every shape of a distractor writes both values and a marker saying which one is not the answer; every
    // shape of an absent value with a decoy says the value is unknown.
    const r = new Rng(5);
    const marker = /\b(not|Not|NOT|was|previously|old|Old|used to be|by mistake|outdated|wrong|corrected|different record|Ignore)\b/;
    for (let i = 0; i < 300; i++) {
      const lines = i % 2 === 0, chat = i % 3 === 0;
      const d = renderPiece(r, { t: 'distractor', label: 'room', key: 'room', surface: 'R-4B', other: 'R-2A' }, lines, chat);
      expect(d).toContain('R-4B');
      expect(d).toContain('R-2A');
      expect(d, d).toMatch(marker);
      const b = renderPiece(r, { t: 'distractor', label: 'paid', key: 'paid', surface: 'true', other: 'true', bool: true }, lines, chat);
      expect(b, b).toMatch(marker);
      const a = renderPiece(r, { t: 'absent', label: 'room', key: 'room', other: 'R-2A' }, lines, chat);
      expect(a).toContain('R-2A');
      expect(a, a).toMatch(/unknown|not set/);
    }
  });

  it('same seed, same bytes (pinned); another seed, other data', () => {
    const a = toJsonl(generateOpenDomain(7, 60));
    expect(toJsonl(generateOpenDomain(7, 60))).toBe(a);
    expect(toJsonl(generateOpenDomain(8, 60))).not.toBe(a);
    // Pinned so that a change of the generator, of faker's version or of a platform shows up here.
    expect(createHash('sha256').update(a).digest('hex').slice(0, 16)).toBe('13c260742fd699da');
  });

  it('no text overlaps bench/realtext (whole texts, or any of its lines of 25+ characters)', () => {
    const real = ['dev.jsonl', 'test.jsonl'].flatMap((f) => readFileSync(resolve(REPO, 'bench/realtext', f), 'utf8')
      .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text as string));
    expect(real.length).toBe(150);
    const lines = real.flatMap((t) => t.split('\n')).map((l) => l.trim()).filter((l) => l.length >= 25);
    const texts = new Set(data.map((e) => e.text));
    for (const t of real) expect(texts.has(t)).toBe(false);
    const all = data.map((e) => e.text).join('\n');
    for (const l of lines) expect(all.includes(l), l).toBe(false);
  });

  it('the field pool: mined names with provenance and licence, at most 300 KB', () => {
    const path = resolve(REPO, 'bench/opendomain/pool.json');
    expect(statSync(path).size).toBeLessThanOrEqual(300 * 1024);
    const pool = JSON.parse(readFileSync(path, 'utf8'));
    expect(pool.provenance).toMatch(/JSONSchemaBench/);
    expect(pool.licence).toMatch(/MIT/);
    expect(pool.fields.length).toBeGreaterThan(1000);
    expect(new Set(pool.fields.map((f: [string, string]) => f[1]))).toEqual(new Set(['string', 'integer', 'number', 'boolean', 'date']));
  });

  it('key styles and labels: one name, several spellings, the same words', () => {
    expect(nameWords('resourceVersion')).toEqual(['resource', 'version']);
    expect(nameWords('postal_code')).toEqual(['postal', 'code']);
    expect(nameWords('HTTPServer-name')).toEqual(['http', 'server', 'name']);
    expect(nameWords('imageIDs')).toEqual(['image', 'ids']);
    expect(nameWords('hostPID')).toEqual(['host', 'pid']);
    const r = new Rng(3);
    const styles = new Set(Array.from({ length: 40 }, () => keyStyle(r, 'resourceVersion')));
    expect(styles).toEqual(new Set(['resourceVersion', 'resource_version']));
    const s2 = new Set(Array.from({ length: 40 }, () => keyStyle(r, 'postal_code')));
    expect(s2).toEqual(new Set(['postal_code', 'postalCode']));
    expect(pluralKey('category')).toBe('categories');
    expect(pluralKey('tag')).toBe('tags');
  });

  it('bad arguments get a clear error', () => {
    expect(() => generateOpenDomain(-1, 3)).toThrow(/seed must be a non-negative integer/);
    expect(() => generateOpenDomain(1, 1.5)).toThrow(/count must be a non-negative integer/);
    expect(generateOpenDomain(1, 0)).toEqual([]);
  });
});
