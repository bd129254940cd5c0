// The vocabulary a schema family is written in: leaves (one primitive value and the sentences that say it),
// nested objects, string lists and arrays of objects. A family draws one full record of values; the
// composer then picks which fields go into the schema, which get mentioned in the text, and renders both.
import type { Rng } from './prng.js';
import { fullName } from './lexicon.js';
import type { Ctx } from './subject.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** A drawn record: undefined marks a value the text will not mention. */
export type Drawn = Json | undefined | DrawnObject | Drawn[];
export type DrawnObject = { [key: string]: Drawn };

export interface LeafSpec {
  kind: 'leaf';
  key: string;
  /** A noun phrase for generic sentences ("the phone number"). */
  label: string;
  schema: JsonObject;
  draw(r: Rng, ctx: Ctx): Json;
  /** How the value is written in prose (defaults to String(v)). */
  surface?(v: Json, r: Rng, ctx: Ctx): string;
  /** Sentences that state the value: {v} is the surface form, {s} the subject, {p} its possessive. */
  templates: string[];
  /** Family-specific sentences carrying a competing value of the same kind (the distractors); {v} is a
   * freshly drawn decoy value. When absent, generic decoys built from the label are used. */
  decoys?: string[];
  /** Draws a decoy value when `draw` is tied to the context (and so would repeat the true value). */
  drawDecoy?(r: Rng): Json;
}

export interface ObjectSpec {
  kind: 'object';
  key: string;
  label: string;
  children: FieldSpec[];
  /** Renders the (partially mentioned) object as prose; undefined children must not be said. */
  say(value: DrawnObject, r: Rng, ctx: Ctx): string;
}

export interface ListSpec {
  kind: 'list';
  key: string;
  label: string;
  item: JsonObject;
  maxItems: number;
  draw(r: Rng, ctx: Ctx): string[];
  templates: string[];
}

export interface ArraySpec {
  kind: 'array';
  key: string;
  label: string;
  maxItems: number;
  children: FieldSpec[];
  /** How many items the record holds. */
  count(r: Rng): number;
  /** Renders all items as prose. */
  say(items: DrawnObject[], r: Rng, ctx: Ctx): string;
}

export type FieldSpec = LeafSpec | ObjectSpec | ListSpec | ArraySpec;

export interface Family {
  name: string;
  /** Draws the subject (its refs) and returns the context for templates. */
  context(r: Rng): Ctx;
  /** Top-level primitive fields; at least 6, so a medium schema can take 3-6 of them. */
  leaves: LeafSpec[];
  /** Top-level enum fields (string enums). */
  enums: LeafSpec[];
  lists: ListSpec[];
  /** Nested objects; for the complex tier at least one has a nested object among its children. */
  objects: ObjectSpec[];
  arrays: ArraySpec[];
  /** Opening sentences that set the scene without stating any field ({s} allowed). */
  openers: string[];
  /** Sentences that carry no field value at all (noise). */
  noise: string[];
}

/** Fills {v}, {s}, {p} and {o} (some other person's name, for distractors) in a template and capitalizes the sentence start. */
export function fill(template: string, v: string, r: Rng, ctx: Ctx): string {
  const text = template
    .replaceAll('{v}', v)
    .replaceAll('{s}', () => r.pick(ctx.refs))
    .replaceAll('{p}', () => r.pick(ctx.poss))
    .replaceAll('{o}', () => fullName(r));
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function surfaceOf(spec: LeafSpec, v: Json, r: Rng, ctx: Ctx): string {
  return spec.surface ? spec.surface(v, r, ctx) : String(v);
}

/** A leaf's sentence stating its value. */
export function sayLeaf(spec: LeafSpec, v: Json, r: Rng, ctx: Ctx): string {
  return fill(r.pick(spec.templates), surfaceOf(spec, v, r, ctx), r, ctx);
}

// Builders for the common leaf kinds; they keep family files to data.

export function stringLeaf(key: string, label: string, draw: (r: Rng, ctx: Ctx) => string, templates: string[],
  extra: Partial<LeafSpec> = {}): LeafSpec {
  return { kind: 'leaf', key, label, schema: { type: 'string', maxLength: 80 }, draw, templates, ...extra };
}

export function intLeaf(key: string, label: string, lo: number, hi: number, templates: string[],
  extra: Partial<LeafSpec> = {}): LeafSpec {
  return { kind: 'leaf', key, label, schema: { type: 'integer', minimum: 0 }, draw: (r) => r.int(lo, hi), templates, ...extra };
}

export function numberLeaf(key: string, label: string, draw: (r: Rng, ctx: Ctx) => number, templates: string[],
  extra: Partial<LeafSpec> = {}): LeafSpec {
  return { kind: 'leaf', key, label, schema: { type: 'number', minimum: 0 }, draw, templates, ...extra };
}

export function boolLeaf(key: string, label: string, yes: string[], no: string[]): LeafSpec {
  // A boolean's sentence depends on the value, so the template list is chosen at render time via surface.
  return {
    kind: 'leaf', key, label, schema: { type: 'boolean' },
    draw: (r) => r.chance(50),
    surface: (v, r) => r.pick(v ? yes : no),
    templates: ['{v}'],
  };
}

export function enumLeaf(key: string, label: string, values: string[], templates: string[],
  surface?: (v: string, r: Rng) => string): LeafSpec {
  return {
    kind: 'leaf', key, label, schema: { type: 'string', enum: values },
    draw: (r) => r.pick(values), templates,
    surface: surface ? (v, r) => surface(String(v), r) : (v) => String(v).replaceAll('_', ' '),
  };
}

export function dateLeaf(key: string, label: string, draw: (r: Rng, ctx: Ctx) => string, say: (iso: string, r: Rng) => string,
  templates: string[], extra: Partial<LeafSpec> = {}): LeafSpec {
  return { kind: 'leaf', key, label, schema: { type: 'string', format: 'date' }, draw, surface: (v, r) => say(String(v), r), templates, ...extra };
}
