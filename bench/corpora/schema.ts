// One labelled text -> one (schema, gold) pair, drawn with a seeded PRNG so that every text gets a schema a
// user could have written: a subset of its group's slots (the ones the text fills, mostly, plus some it
// does not), renamed fields, nullable or optional fields for what may be missing, arrays where a type
// repeats (or always, for NER), enums where the data is categorical. Conventions follow the EdgeJSON
// generator (bench/edgejson/README.md): gold key order = schema order; a missing optional field is left
// out, a missing nullable field is null, a missing list is [].
import type { Rng } from '../edgejson/prng.js';
import { fieldName, type NameStyle } from './names.js';
import type { Converted, CorpusExample, Labelled, SlotSpec } from './types.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const roundUp = (n: number, step: number) => Math.ceil(n / step) * step;

function stringSchema(values: readonly string[]): JsonObject {
  const longest = Math.max(0, ...values.map((v) => v.length));
  return { type: 'string', maxLength: longest <= 80 ? 80 : roundUp(longest, 40) };
}

interface Field {
  name: string;
  schema: JsonObject;
  required: boolean;
  /** Gold value; undefined = left out. */
  gold: Json | undefined;
}

function buildField(spec: SlotSpec, values: Array<string | boolean>, name: string, asList: boolean, r: Rng): Field {
  const description = spec.needsDescription || (spec.description && r.chance(1, 3)) ? spec.description : undefined;
  const withDesc = (s: JsonObject): JsonObject => (description ? { ...s, description } : s);
  if (asList) {
    const items: JsonObject = spec.enum ? { type: 'string', enum: spec.enum } : stringSchema(values as string[]);
    const distinct = [...new Set(values as string[])];
    return { name, required: true, gold: distinct, schema: withDesc({ type: 'array', items, maxItems: Math.max(5, roundUp(distinct.length, 5)) }) };
  }
  const present = values.length > 0;
  const base: JsonObject = spec.boolean ? { type: 'boolean' } : spec.enum ? { type: 'string', enum: spec.enum } : stringSchema(values as string[]);
  // A value the text states may be required; one it may lack is nullable (null when missing) or optional
  // (left out when missing), half and half.
  const mode = present && r.chance(1, 3) ? 'required' : r.chance(1, 2) ? 'nullable' : 'optional';
  if (mode === 'nullable') {
    const schema: JsonObject = base.enum
      ? { ...base, type: ['string', 'null'], enum: [...(base.enum as string[]), null] }
      : { ...base, type: [base.type as string, 'null'] };
    return { name, required: true, gold: present ? values[0] : null, schema: withDesc(schema) };
  }
  return { name, required: mode === 'required', gold: present ? values[0] : undefined, schema: withDesc(base) };
}

/** The tier a schema's shape puts it in: simple = flat primitives, at most 5; complex = objects inside
 * objects or arrays of objects; medium = the rest (arrays of strings, enums, 6+ fields, one nested object). */
export function tierOf(schema: JsonObject): CorpusExample['tier'] {
  const props = Object.values((schema.properties ?? {}) as Record<string, JsonObject>);
  let leaves = 0, lists = false, enums = false, nested = 0;
  for (const p of props) {
    if (p.type === 'object') {
      nested++;
      const inner = Object.values((p.properties ?? {}) as Record<string, JsonObject>);
      if (inner.some((q) => q.type === 'object' || (q.type === 'array' && (q.items as JsonObject)?.type === 'object'))) return 'complex';
      leaves += inner.length;
    } else if (p.type === 'array') {
      if ((p.items as JsonObject)?.type === 'object') return 'complex';
      lists = true;
      leaves++;
    } else {
      if (p.enum) enums = true;
      leaves++;
    }
  }
  if (nested > 1) return 'complex';
  return !lists && !enums && nested === 0 && leaves <= 5 ? 'simple' : 'medium';
}

const WRAPPERS = ['details', 'info', 'record', 'result', 'extracted', 'entities', 'data'];

/** The example for one labelled text. Returns undefined when its group has no slots. */
export function buildExample(rec: Labelled, conv: Pick<Converted, 'inventory' | 'lists' | 'maxFields' | 'nestPercent'>, r: Rng,
  id: string, dataset: string): CorpusExample | undefined {
  const inventory = (conv.inventory.get(rec.group) ?? []).filter((s) => !rec.exclude?.includes(s.slot));
  if (inventory.length === 0) return undefined;
  const bySlot = new Map<string, Array<string | boolean>>();
  for (const v of rec.values) bySlot.set(v.slot, [...(bySlot.get(v.slot) ?? []), v.value]);
  const filled = inventory.filter((s) => bySlot.has(s.slot));
  const empty = inventory.filter((s) => !bySlot.has(s.slot));
  const maxFields = conv.maxFields ?? 6;
  // Most filled slots (at least one), then 0-3 slots the text leaves empty: the null/[] answers.
  let keep = filled.filter(() => r.chance(85));
  if (keep.length === 0 && filled.length) keep = [r.pick(filled)];
  keep = r.sample(keep, maxFields);
  const blanks = r.sample(empty, Math.min(maxFields - keep.length, r.int(keep.length ? 0 : 1, 3)));
  const chosen = r.shuffle([...keep, ...blanks]);
  if (chosen.length === 0) return undefined;

  const style: NameStyle = r.chance(2, 3) ? 'snake' : 'camel';
  const used = new Set<string>();
  const fields: Field[] = chosen.map((spec) => {
    const values = bySlot.get(spec.slot) ?? [];
    const asList = !spec.boolean && (conv.lists === true || values.length > 1 || (!spec.needsDescription && r.chance(1, 8)));
    let name = fieldName(spec.slot, r, style, spec.names);
    for (let k = 2; used.has(name); k++) name = `${fieldName(spec.slot, r, style, spec.names)}${style === 'snake' ? '_' : ''}${k}`;
    used.add(name);
    return buildField(spec, values, name, asList, r);
  });

  let schema: JsonObject = {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, f.schema])),
    required: fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
  };
  let gold: JsonObject = Object.fromEntries(fields.filter((f) => f.gold !== undefined).map((f) => [f.name, f.gold as Json]));
  if (conv.nestPercent && r.chance(conv.nestPercent)) {
    const wrapper = r.pick(WRAPPERS);
    schema = { type: 'object', properties: { [wrapper]: schema }, required: [wrapper], additionalProperties: false };
    gold = { [wrapper]: gold };
  }
  return { id, dataset, tier: tierOf(schema), schema, text: rec.text, gold };
}
