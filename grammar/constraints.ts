// The typed view of a conjunction (the schema objects that all apply at one position): what each keyword
// holds once the compiler has checked its schema, and the folds that combine a keyword over every atom
// (the largest minLength, the smallest maxItems, ...). Lowering to grammar specs reads these, never the
// raw JSON by keyword name.

export type Json = Record<string, unknown>;

/** A conjunction: the schema objects that all apply, plus which anyOf/oneOf keywords were already split. */
export interface Conj { atoms: Json[]; split: Set<string>; never: boolean }

/** Each keyword's value type, as Compiler.checkKeywords guarantees it before lowering reads it. */
export interface KeywordValues {
  type: unknown;
  minLength: number;
  maxLength: number;
  minItems: number;
  maxItems: number;
  minProperties: number;
  maxProperties: number;
  multipleOf: number;
  pattern: string;
  format: string;
  required: string[];
  propertyNames: unknown;
}

/** Every atom that has `keyword`, with its value. */
export function keywordValues<K extends keyof KeywordValues>(conj: Conj, keyword: K): Array<[Json, KeywordValues[K]]> {
  const out: Array<[Json, KeywordValues[K]]> = [];
  for (const a of conj.atoms) if (a[keyword] !== undefined) out.push([a, a[keyword] as KeywordValues[K]]);
  return out;
}

/** A minX / maxX pair folded over a conjunction: every atom's bound holds, so the largest minimum and
 * the smallest maximum (0 and Infinity when no atom says). */
export interface SizeBounds { min: number; max: number }

export function sizeBounds(conj: Conj, what: 'Length' | 'Items' | 'Properties'): SizeBounds {
  let min = 0;
  let max = Infinity;
  for (const [, v] of keywordValues(conj, `min${what}`)) min = Math.max(min, v);
  for (const [, v] of keywordValues(conj, `max${what}`)) max = Math.min(max, v);
  return { min, max };
}
