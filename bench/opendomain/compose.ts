// One open-domain example: a schema drawn from the mined field pool, values from large pools, a text that states
// them in a random register, and the gold. Tiers as in bench/edgejson: simple (flat, all given), medium (nesting
// or a list, nullable and optional fields), complex (an object two levels deep, a list of objects, more absent
// fields and distractors).
import type { Rng } from '../edgejson/prng.js';
import { LOCALES } from './faker.js';
import { ENUMS, FIELDS, keyStyle, label, nameWords, pluralKey, type Kind } from './names.js';
import { REGISTERS, renderText, type Piece, type Register } from './shapes.js';
import { drawValue, enumSurface, type Value } from './values.js';

export type Tier = 'simple' | 'medium' | 'complex';
export const TIERS: readonly Tier[] = ['simple', 'medium', 'complex'];

export interface Example {
  id: string; tier: Tier; dataset: 'opendomain'; register: Register; locale: string;
  schema: Record<string, unknown>; text: string; gold: Record<string, unknown>;
}

type Json = Record<string, unknown>;
interface Ctx { r: Rng; locale: string; distractors: number; absentOk: boolean }

/** Keys and labels already used among siblings: two fields of one object never share either. */
class Siblings {
  private readonly keys = new Set<string>();
  private readonly labels = new Set<string>();
  take(key: string): boolean {
    const l = nameWords(key).join(' ');
    if (this.keys.has(key) || this.labels.has(l) || l.length === 0) return false;
    this.keys.add(key);
    this.labels.add(l);
    return true;
  }
}

function freshKey(r: Rng, sib: Siblings, kinds: readonly Kind[], plural = false): { key: string; kind: Kind; name: string } {
  for (;;) {
    const f = r.pick(FIELDS);
    if (!kinds.includes(f.kind)) continue;
    const key = plural ? pluralKey(keyStyle(r, f.name)) : keyStyle(r, f.name);
    if (sib.take(key)) return { key, kind: f.kind, name: f.name };
  }
}

const PRIMS: readonly Kind[] = ['string', 'string', 'string', 'integer', 'number', 'boolean', 'date'];
const TYPE: Record<Kind, string> = { string: 'string', integer: 'integer', number: 'number', boolean: 'boolean', date: 'string' };

interface Built { schema: Json; gold?: unknown; piece?: Piece }

/** A distractor value: same kind, written differently, neither written form inside the other. */
function otherValue(c: Ctx, words: string, kind: Kind, v: Value): Value | undefined {
  for (let i = 0; i < 5; i++) {
    const d = drawValue(c.r, c.locale, words, kind);
    if (d.gold !== v.gold && !d.surface.includes(v.surface) && !v.surface.includes(d.surface)) return d;
  }
  return undefined;
}

/** A primitive field (maybe an enum). Nullable: typed [T, "null"], null when the text lacks it. Optional: left out. */
function primitive(c: Ctx, sib: Siblings, mode: 'given' | 'nullable' | 'optional'): Built & { key: string } {
  const r = c.r;
  const useEnum = r.chance(15);
  let key: string, kind: Kind, schema: Json, v: Value, words: string;
  if (useEnum) {
    let e = r.pick(ENUMS);
    key = keyStyle(r, e.name);
    while (!sib.take(key)) { e = r.pick(ENUMS); key = keyStyle(r, e.name); }
    kind = 'string';
    const lowerUnique = new Set(e.values.map((x) => x.replace(/[_-]+/g, ' ').toLowerCase())).size === e.values.length;
    const value = r.pick(e.values);
    v = { gold: value, surface: lowerUnique ? enumSurface(r, value) : value };
    schema = mode === 'nullable' ? { type: ['string', 'null'], enum: [...e.values, null] } : { type: 'string', enum: e.values };
    words = nameWords(key).join(' ');
  } else {
    ({ key, kind } = freshKey(r, sib, PRIMS));
    words = nameWords(key).join(' ');
    v = drawValue(r, c.locale, words, kind);
    schema = { type: mode === 'nullable' ? [TYPE[kind], 'null'] : TYPE[kind], ...(kind === 'date' ? { format: 'date' } : {}) };
  }
  const lab = label(r, key);
  const bool = kind === 'boolean' ? (v.gold as boolean) : undefined;
  if (mode !== 'given' && c.absentOk && r.chance(55)) {
    // Absent from the text: null (nullable) or left out (optional); sometimes said so, sometimes with a decoy.
    const decoy = mode === 'nullable' && !useEnum && kind !== 'boolean' && c.distractors > 0 && r.chance(40) ? otherValue(c, words, kind, v) : undefined;
    if (decoy) c.distractors--;
    const said = decoy !== undefined || r.chance(40);
    return { key, schema, gold: mode === 'nullable' ? null : undefined, piece: said ? { t: 'absent', label: lab, key, other: decoy?.surface } : undefined };
  }
  if (c.distractors > 0 && !useEnum && r.chance(50)) {
    const d = kind === 'boolean' ? v : otherValue(c, words, kind, v);
    if (d) {
      c.distractors--;
      return { key, schema, gold: v.gold, piece: { t: 'distractor', label: lab, key, surface: v.surface, other: d.surface, bool } };
    }
  }
  return { key, schema, gold: v.gold, piece: { t: 'field', label: lab, key, surface: v.surface, bool } };
}

/** An array of strings: 1-4 values, or none (gold []), the text then says so or says nothing. */
function stringList(c: Ctx, sib: Siblings): Built & { key: string } {
  const { key } = freshKey(c.r, sib, ['string'], true);
  const words = nameWords(key).join(' ');
  const n = c.absentOk && c.r.chance(15) ? 0 : c.r.int(1, 4);
  const seen = new Set<string>();
  for (let i = 0; i < n * 3 && seen.size < n; i++) seen.add(drawValue(c.r, c.locale, words, 'string').surface);
  const items = [...seen];
  const schema = { type: 'array', items: { type: 'string' } };
  const piece: Piece | undefined = items.length === 0 && c.r.chance(50) ? undefined : { t: 'list', label: label(c.r, key), key, surfaces: items };
  return { key, schema, gold: items, piece };
}

/** An object of `leaves` primitive fields, and, at depth > 1, an object inside it. */
function object(c: Ctx, sib: Siblings, leaves: number, depth: number): Built & { key: string } {
  const { key } = freshKey(c.r, sib, ['string']);
  const inner = new Siblings();
  const props: Json = {}, gold: Json = {}, children: Piece[] = [], required: string[] = [];
  for (let i = 0; i < leaves; i++) {
    const mode = c.absentOk && c.r.chance(15) ? 'nullable' : 'given';
    const f = primitive({ ...c, distractors: 0 }, inner, mode);
    props[f.key] = f.schema; required.push(f.key); gold[f.key] = f.gold;
    if (f.piece) children.push(f.piece);
  }
  if (depth > 1) {
    const o = object(c, inner, c.r.int(2, 3), depth - 1);
    props[o.key] = o.schema; required.push(o.key); gold[o.key] = o.gold;
    children.push(o.piece!);
  }
  const schema = { type: 'object', properties: props, required, additionalProperties: false };
  return { key, schema, gold, piece: { t: 'object', label: label(c.r, key), key, children: c.r.shuffle(children) } };
}

/** An array of objects: 2-3 primitive fields per item, 1-3 items (or none: []). */
function objectList(c: Ctx, sib: Siblings): Built & { key: string } {
  const { key } = freshKey(c.r, sib, ['string'], true);
  const inner = new Siblings();
  const specs = Array.from({ length: c.r.int(2, 3) }, () => freshKey(c.r, inner, PRIMS));
  const labels = specs.map((s) => label(c.r, s.key));
  const n = c.absentOk && c.r.chance(10) ? 0 : c.r.int(1, 3);
  const gold: Json[] = [], items: Piece[][] = [];
  for (let i = 0; i < n; i++) {
    const g: Json = {}, it: Piece[] = [];
    specs.forEach((s, j) => {
      const v = drawValue(c.r, c.locale, nameWords(s.key).join(' '), s.kind);
      g[s.key] = v.gold;
      it.push({ t: 'field', label: labels[j], key: s.key, surface: v.surface, bool: s.kind === 'boolean' ? (v.gold as boolean) : undefined });
    });
    gold.push(g); items.push(it);
  }
  const props: Json = {};
  for (const s of specs) props[s.key] = { type: TYPE[s.kind], ...(s.kind === 'date' ? { format: 'date' } : {}) };
  const schema = { type: 'array', items: { type: 'object', properties: props, required: specs.map((s) => s.key), additionalProperties: false } };
  return { key, schema, gold, piece: { t: 'objects', label: label(c.r, key), key, items } };
}

export function composeExample(tier: Tier, r: Rng, id: string): Example {
  const locale = r.pick(LOCALES);
  const register = r.pick(REGISTERS);
  const c: Ctx = { r, locale, distractors: tier === 'simple' ? (r.chance(40) ? 1 : 0) : tier === 'medium' ? 1 : r.int(1, 2), absentOk: tier !== 'simple' };
  const sib = new Siblings();
  const fields: (Built & { key: string; optional?: boolean })[] = [];
  const modes = (n: number, nullable: number, optional: number) =>
    r.shuffle(Array.from({ length: n }, (_, i) => (i < nullable ? 'nullable' : i < nullable + optional ? 'optional' : 'given') as 'given' | 'nullable' | 'optional'));
  if (tier === 'simple') {
    for (const m of modes(r.int(2, 5), 0, 0)) fields.push(primitive(c, sib, m));
  } else if (tier === 'medium') {
    for (const m of modes(r.int(3, 6), r.int(0, 2), r.int(0, 1))) fields.push({ ...primitive(c, sib, m), optional: m === 'optional' });
    const roll = r.int(0, 2);
    if (roll !== 1) fields.push(stringList(c, sib));
    if (roll !== 0) fields.push(object(c, sib, r.int(2, 3), 1));
  } else {
    for (const m of modes(r.int(3, 6), r.int(1, 2), r.int(1, 2))) fields.push({ ...primitive(c, sib, m), optional: m === 'optional' });
    fields.push(object(c, sib, r.int(2, 3), 2));
    fields.push(objectList(c, sib));
    if (r.chance(60)) fields.push(stringList(c, sib));
  }
  const order = r.shuffle(fields);
  const properties: Json = {}, gold: Json = {};
  const required: string[] = [];
  for (const f of order) {
    properties[f.key] = f.schema;
    if (!f.optional) required.push(f.key);
    if (f.gold !== undefined) gold[f.key] = f.gold;
  }
  const schema = { type: 'object', properties, required, additionalProperties: false };
  const pieces = r.shuffle(fields.flatMap((f) => (f.piece ? [f.piece] : [])));
  const text = renderText(r, register, pieces);
  return { id, tier, dataset: 'opendomain', register, locale, schema, text, gold };
}
