// Turns one family + tier into one example: picks the schema's fields, decides which values the text
// mentions, renders schema, gold and text. Conventions (also in README.md):
// - gold keys follow schema property order;
// - an optional field (not in `required`) that the text does not mention is left out of gold;
// - a nullable field (type [T, "null"]) is always required and is null when the text does not give it;
// - every string that is not an enum or a date has maxLength 80, every array has maxItems, so a
//   grammar-constrained decoder always terminates.
import type { Rng } from './prng.js';
import { fill, sayLeaf, surfaceOf, type ArraySpec, type Drawn, type DrawnObject, type Family, type FieldSpec, type Json, type JsonObject, type LeafSpec, type ListSpec, type ObjectSpec,  } from './field.js';
import type { Ctx } from './subject.js';

export type Tier = 'simple' | 'medium' | 'complex';
export const TIERS: readonly Tier[] = ['simple', 'medium', 'complex'];

export interface Example {
  id: string;
  tier: Tier;
  family: string;
  schema: JsonObject;
  text: string;
  gold: JsonObject;
}

/** What the schema asks for, one node per property, with its requiredness/nullability. */
interface Chosen {
  spec: FieldSpec;
  optional: boolean;
  nullable: boolean;
  /** For objects and arrays of objects: the chosen children. */
  children?: Chosen[];
}

const GENERIC_DECOYS = [
  'An older record lists the {label} as {v}, but that is out of date.',
  'Note that {v} was the {label} in a different case, not this one.',
  'Do not confuse this with {v}, which was the {label} last time.',
  'Someone first wrote down {v} as the {label}; that was a mistake.',
];
const ABSENT = [
  'The {label} is not known yet.',
  'No {label} was given.',
  'The {label} has not been provided.',
];

const leafChoice = (spec: FieldSpec): Chosen => ({ spec, optional: false, nullable: false });

function chooseObject(spec: ObjectSpec, r: Rng, leafCount: [number, number], allowNested: boolean): Chosen {
  const leaves = spec.children.filter((c) => c.kind === 'leaf');
  const nested = spec.children.filter((c): c is ObjectSpec => c.kind === 'object');
  const children = r.sample(leaves, r.int(leafCount[0], Math.min(leafCount[1], leaves.length))).map(leafChoice);
  if (allowNested && nested.length > 0) children.push(chooseObject(r.pick(nested), r, [2, 3], false));
  // Keep the family's declared order most of the time (addresses read street-city-zip), shuffle sometimes.
  const order = r.chance(70) ? spec.children : r.shuffle(spec.children);
  children.sort((a, b) => order.indexOf(a.spec) - order.indexOf(b.spec));
  return { spec, optional: false, nullable: false, children };
}

function chooseArray(spec: ArraySpec, r: Rng): Chosen {
  const leaves = spec.children.filter((c) => c.kind === 'leaf');
  const children = r.sample(leaves, r.int(2, Math.min(4, leaves.length)));
  children.sort((a, b) => spec.children.indexOf(a) - spec.children.indexOf(b));
  return { spec, optional: false, nullable: false, children: children.map(leafChoice) };
}

function countLeaves(chosen: Chosen[]): number {
  return chosen.reduce((n, c) => n + (c.children ? countLeaves(c.children) : 1), 0);
}

/** Picks the top-level fields of a schema for the tier. */
function chooseFields(family: Family, tier: Tier, r: Rng): Chosen[] {
  const primitives = [...family.leaves, ...family.enums];
  if (tier === 'simple') {
    const pool = r.chance(25) ? primitives : family.leaves;
    return r.sample(pool, r.int(2, 5)).map(leafChoice);
  }
  if (tier === 'medium') {
    for (;;) {
      const chosen: Chosen[] = r.sample(family.leaves, r.int(2, 5)).map(leafChoice);
      chosen.push(leafChoice(r.pick(family.enums)));
      chosen.push(leafChoice(r.pick(family.lists)));
      chosen.push(chooseObject(r.pick(family.objects), r, [2, 4], false));
      const n = countLeaves(chosen);
      if (n >= 6 && n <= 12) return r.shuffle(chosen);
    }
  }
  for (;;) {
    const chosen: Chosen[] = r.sample(family.leaves, r.int(3, 6)).map(leafChoice);
    chosen.push(leafChoice(r.pick(family.enums)));
    chosen.push(leafChoice(r.pick(family.lists)));
    const deep = family.objects.filter((o) => o.children.some((c) => c.kind === 'object'));
    chosen.push(chooseObject(r.pick(deep), r, [1, 3], true));
    chosen.push(chooseArray(r.pick(family.arrays), r));
    if (countLeaves(chosen) < 12) continue;
    // Optional fields: 1-2 top-level primitives; nullable: 1-2 primitives at the top or one level down.
    const topLeaves = r.shuffle(chosen.filter((c) => c.spec.kind === 'leaf'));
    const nOptional = r.int(1, 2);
    topLeaves.slice(0, nOptional).forEach((c) => { c.optional = true; });
    const nestedLeaves = chosen.flatMap((c) => (c.spec.kind === 'object' ? c.children!.filter((k) => k.spec.kind === 'leaf') : []));
    const nullablePool = r.shuffle([...topLeaves.slice(nOptional), ...nestedLeaves]);
    nullablePool.slice(0, r.int(1, 2)).forEach((c) => { c.nullable = true; });
    return r.shuffle(chosen);
  }
}

// ---- drawing values ------------------------------------------------------------------------------

function drawField(spec: FieldSpec, r: Rng, ctx: Ctx): Drawn {
  switch (spec.kind) {
    case 'leaf': return spec.draw(r, ctx);
    case 'list': return spec.draw(r, ctx);
    case 'object': return Object.fromEntries(spec.children.map((c) => [c.key, drawField(c, r, ctx)]));
    case 'array': {
      const n = spec.count(r);
      return Array.from({ length: n }, () => Object.fromEntries(spec.children.map((c) => [c.key, drawField(c, r, ctx)])));
    }
  }
}

/** Marks optional/nullable chosen values as unmentioned (undefined) about half of the time. */
function hideSome(chosen: Chosen[], record: DrawnObject, r: Rng, hidden: LeafSpec[]): void {
  for (const c of chosen) {
    if ((c.optional || c.nullable) && c.spec.kind === 'leaf' && r.chance(50)) {
      record[c.spec.key] = undefined;
      hidden.push(c.spec);
    }
    if (c.children && c.spec.kind === 'object') hideSome(c.children, record[c.spec.key] as DrawnObject, r, hidden);
  }
}

// ---- schema and gold -----------------------------------------------------------------------------

function leafSchema(c: Chosen): JsonObject {
  const spec = c.spec as LeafSpec;
  if (!c.nullable) return { ...spec.schema };
  const schema: JsonObject = { ...spec.schema, type: [spec.schema.type as string, 'null'] };
  if (Array.isArray(spec.schema.enum)) schema.enum = [...spec.schema.enum, null];
  return schema;
}

function objectSchema(chosen: Chosen[]): JsonObject {
  const properties: JsonObject = {};
  for (const c of chosen) properties[c.spec.key] = fieldSchema(c);
  return {
    type: 'object',
    properties,
    required: chosen.filter((c) => !c.optional).map((c) => c.spec.key),
    additionalProperties: false,
  };
}

function fieldSchema(c: Chosen): JsonObject {
  const spec = c.spec;
  switch (spec.kind) {
    case 'leaf': return leafSchema(c);
    case 'list': return { type: 'array', items: spec.item, maxItems: spec.maxItems };
    case 'object': return objectSchema(c.children!);
    case 'array': return { type: 'array', items: objectSchema(c.children!), maxItems: spec.maxItems };
  }
}

function goldObject(chosen: Chosen[], record: DrawnObject): JsonObject {
  const out: JsonObject = {};
  for (const c of chosen) {
    const v = record[c.spec.key];
    if (v === undefined) {
      if (c.nullable) out[c.spec.key] = null;
      else if (!c.optional) throw new Error(`compose: required field ${c.spec.key} has no value`);
      continue;
    }
    if (c.spec.kind === 'object') out[c.spec.key] = goldObject(c.children!, v as DrawnObject);
    else if (c.spec.kind === 'array') out[c.spec.key] = (v as DrawnObject[]).map((item) => goldObject(c.children!, item));
    else out[c.spec.key] = v as Json;
  }
  return out;
}

// ---- text ----------------------------------------------------------------------------------------

function sayField(spec: FieldSpec, v: Drawn, r: Rng, ctx: Ctx): string {
  switch (spec.kind) {
    case 'leaf': return sayLeaf(spec, v as Json, r, ctx);
    case 'list': return fill(r.pick(spec.templates), listPhrase(v as string[], r), r, ctx);
    case 'object': return spec.say(v as DrawnObject, r, ctx);
    case 'array': return spec.say(v as DrawnObject[], r, ctx);
  }
}

function listPhrase(items: string[], r: Rng): string {
  if (items.length <= 1) return items.join('');
  const conj = r.pick([' and ', ', and ', ' & ']);
  return `${items.slice(0, -1).join(', ')}${conj === ', and ' && items.length === 2 ? ' and ' : conj}${items[items.length - 1]}`;
}

function decoySentence(spec: LeafSpec, actual: Json, r: Rng, ctx: Ctx): string | undefined {
  const draw = () => (spec.drawDecoy ? spec.drawDecoy(r) : spec.draw(r, ctx));
  let v = draw();
  for (let i = 0; i < 5 && v === actual; i++) v = draw();
  if (v === actual || typeof v === 'boolean') return undefined;
  const templates = spec.decoys ?? GENERIC_DECOYS.map((t) => t.replaceAll('{label}', spec.label));
  return fill(r.pick(templates), surfaceOf(spec, v, r, ctx), r, ctx);
}

function renderText(family: Family, chosen: Chosen[], record: DrawnObject, hidden: LeafSpec[], tier: Tier,
  r: Rng, ctx: Ctx): string {
  const sentences: string[] = [];
  const chosenSpecs = new Set(chosen.map((c) => c.spec));
  for (const c of chosen) {
    const v = record[c.spec.key];
    if (v !== undefined) sentences.push(sayField(c.spec, v, r, ctx));
  }
  // Noise: fields the schema does not ask for, stated like the others.
  const unasked = family.leaves.filter((l) => !chosenSpecs.has(l));
  for (const l of r.sample(unasked, r.int(0, tier === 'simple' ? 1 : 2))) sentences.push(sayLeaf(l, record[l.key] as Json, r, ctx));
  // Distractors: competing values for fields the schema asks for.
  const decoyable = chosen.filter((c) => c.spec.kind === 'leaf' && record[c.spec.key] !== undefined);
  for (const c of r.sample(decoyable, r.int(1, tier === 'simple' ? 1 : 2))) {
    const s = decoySentence(c.spec as LeafSpec, record[c.spec.key] as Json, r, ctx);
    if (s) sentences.push(s);
  }
  for (const h of hidden) if (r.chance(40)) sentences.push(fill(r.pick(ABSENT).replaceAll('{label}', h.label), '', r, ctx));
  if (r.chance(50)) sentences.push(fill(r.pick(family.noise), '', r, ctx));
  const body = r.shuffle(sentences);
  // Openers name the subject in full ("Here is the sign-up form for Maria Lopez"), never by pronoun.
  if (r.chance(70)) body.unshift(fill(r.pick(family.openers), '', r, { refs: [ctx.refs[0]], poss: [ctx.poss[0]] }));
  return body.join(r.chance(85) ? ' ' : '\n');
}

/** One example of the given family and tier. */
export function composeExample(family: Family, tier: Tier, r: Rng, id: string): Example {
  const ctx = family.context(r);
  const chosen = chooseFields(family, tier, r);
  const record: DrawnObject = {};
  for (const spec of [...family.leaves, ...family.enums, ...family.lists, ...family.objects, ...family.arrays]) {
    if (spec.kind === 'leaf' || chosen.some((c) => c.spec === spec)) record[spec.key] = drawField(spec, r, ctx);
  }
  const hidden: LeafSpec[] = [];
  hideSome(chosen, record, r, hidden);
  const schema = objectSchema(chosen);
  const gold = goldObject(chosen, record);
  const text = renderText(family, chosen, record, hidden, tier, r, ctx);
  return { id, tier, family: family.name, schema, text, gold };
}
