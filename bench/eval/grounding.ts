// Two figures about whether an answer is grounded in its text (definitions in README.md, "Grounding"):
// - hallucination: of the predicted string leaves at extractive paths, the share whose value the text does
//   not contain. A path is extractive when every gold string at it is itself in the text (or the gold has
//   none there); paths whose gold is a canonical form the text never writes (an enum label, a normalised
//   name) are left out, since there "not in the text" is the expected answer, not an invention.
// - null accuracy: of the schema's fields the gold leaves empty (omitted, null, [] or ""), the share the
//   prediction leaves empty too (an object of empty values counts as empty). This is the invented-value failure seen from the other side.
import { normalizedValues } from '../../extract/text-values.js';

export interface GroundingCounts {
  /** Predicted non-empty string leaves at extractive paths. */
  stringLeaves: number;
  /** Of those, the ones whose value is not in the text. */
  hallucinated: number;
  /** Schema fields the gold leaves empty. */
  absentFields: number;
  /** Of those, the ones the prediction leaves empty too. */
  absentCorrect: number;
}

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** A test "is this string in the text": case-insensitive, runs of white space as one space, or equal to one
 * of the normalized forms (ISO dates, 24-hour times, hyphenated phones) extract/text-values.ts finds. */
export function inTextTester(text: string): (value: string) => boolean {
  const flat = squash(text);
  const forms = new Set(normalizedValues(text).strings);
  return (value) => {
    const v = squash(value);
    return v !== '' && (flat.includes(v) || forms.has(value.trim()));
  };
}

/** String leaves of a JSON value, keyed by path with array indices dropped (`items[].name`), so all the
 * elements of an array share their path. */
function stringsByPath(value: unknown, path = '', out = new Map<string, string[]>()): Map<string, string[]> {
  if (Array.isArray(value)) {
    for (const v of value) stringsByPath(v, `${path}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) stringsByPath(v, `${path}.${JSON.stringify(k)}`, out);
  } else if (typeof value === 'string') {
    const list = out.get(path) ?? [];
    list.push(value);
    out.set(path, list);
  }
  return out;
}

export function hallucinationCounts(predicted: unknown, gold: unknown, text: string): Pick<GroundingCounts, 'stringLeaves' | 'hallucinated'> {
  const inText = inTextTester(text);
  const goldStrings = stringsByPath(gold);
  let stringLeaves = 0, hallucinated = 0;
  for (const [path, values] of stringsByPath(predicted)) {
    const golds = goldStrings.get(path) ?? [];
    if (!golds.every(inText)) continue; // not an extractive path
    for (const v of values) {
      if (v.trim() === '') continue;
      stringLeaves++;
      if (!inText(v)) hallucinated++;
    }
  }
  return { stringLeaves, hallucinated };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Omitted, null, "", [], or an object holding only such values (`{"street": "", "zip": null}` states
 * nothing either). */
const isEmpty = (v: unknown): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) ||
  (isObject(v) && Object.values(v).every(isEmpty));

/** The `properties` of an object schema, those of its anyOf/oneOf/allOf branches merged in. */
function propertiesOf(schema: unknown): Record<string, unknown> {
  if (!isObject(schema)) return {};
  const own = isObject(schema.properties) ? schema.properties : {};
  const branches = ['anyOf', 'oneOf', 'allOf'].flatMap((k) => (Array.isArray(schema[k]) ? schema[k] as unknown[] : []));
  return Object.assign({}, ...branches.map(propertiesOf), own);
}

/** Gold-empty fields of the schema's objects (recursing into objects the gold fills; array items are not
 * entered), and how many of them the prediction leaves empty. `predicted` undefined = no answer at all. */
export function nullCounts(schema: unknown, gold: unknown, predicted: unknown, answered: boolean): Pick<GroundingCounts, 'absentFields' | 'absentCorrect'> {
  let absentFields = 0, absentCorrect = 0;
  const walk = (s: unknown, g: unknown, p: unknown) => {
    const gObj = isObject(g) ? g : {}, pObj = isObject(p) ? p : {};
    for (const [key, sub] of Object.entries(propertiesOf(s))) {
      const gv = gObj[key], pv = pObj[key];
      if (isEmpty(gv)) {
        absentFields++;
        if (answered && isEmpty(pv)) absentCorrect++;
      } else if (isObject(gv)) {
        walk(sub, gv, pv);
      }
    }
  };
  walk(schema, gold, predicted);
  return { absentFields, absentCorrect };
}

/** Both figures for one example; an unparseable output predicts no strings and leaves no field correctly
 * empty (it gave no answer). */
export function groundingCounts(parsed: { ok: true; value: unknown } | { ok: false }, gold: unknown, schema: unknown, text: string): GroundingCounts {
  const predicted = parsed.ok ? parsed.value : undefined;
  return {
    ...(parsed.ok ? hallucinationCounts(predicted, gold, text) : { stringLeaves: 0, hallucinated: 0 }),
    ...nullCounts(schema, gold, predicted, parsed.ok),
  };
}
