// The extraction metrics, per example and summed over a set:
// - validity: the output parses as JSON;
// - compliance: it parses and ajv accepts it under the example's schema;
// - JSONExact: it parses and equals the gold after canonical key ordering (array order matters);
// - Field F1: over leaf paths (see leaves.ts), micro-averaged: a predicted leaf whose path and value both
//   match a gold leaf is a true positive; every other predicted leaf is a false positive; every gold leaf
//   not matched is a false negative. Unparseable output predicts no leaves.
// - hallucination and null accuracy: see grounding.ts.
import { sharedValidator } from '../../extract/validate.js';
import { canonicalJson } from './canonical.js';
import { groundingCounts, type GroundingCounts } from './grounding.js';
import { flattenLeaves } from './leaves.js';

export interface FieldCounts {
  tp: number;
  fp: number;
  fn: number;
}

export interface ExampleScore extends FieldCounts, GroundingCounts {
  valid: boolean;
  compliant: boolean;
  exact: boolean;
}

/** Parses model output; undefined when it is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function fieldCounts(predicted: unknown, gold: unknown): FieldCounts {
  const p = flattenLeaves(predicted);
  const g = flattenLeaves(gold);
  let tp = 0;
  for (const [path, v] of p) if (g.get(path) === v) tp++;
  return { tp, fp: p.size - tp, fn: g.size - tp };
}

/** Scores one output text against the gold value under the schema; `text` is the input the values should
 * come from (without it, no string leaf is counted for hallucination). */
export function scoreExample(outputText: string, gold: unknown, schema: unknown, text?: string): ExampleScore {
  const parsed = parseJson(outputText);
  const grounding = groundingCounts(parsed, gold, schema, text ?? '');
  if (text === undefined) Object.assign(grounding, { stringLeaves: 0, hallucinated: 0 });
  if (!parsed.ok) {
    return { valid: false, compliant: false, exact: false, tp: 0, fp: 0, fn: flattenLeaves(gold).size, ...grounding };
  }
  return {
    valid: true,
    compliant: sharedValidator().validate(schema, parsed.value).valid,
    exact: canonicalJson(parsed.value) === canonicalJson(gold),
    ...fieldCounts(parsed.value, gold),
    ...grounding,
  };
}

export interface F1 {
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1 from summed counts; with nothing predicted and nothing to find, all are 1. */
export function f1FromCounts({ tp, fp, fn }: FieldCounts): F1 {
  const precision = tp + fp === 0 ? (fn === 0 ? 1 : 0) : tp / (tp + fp);
  const recall = tp + fn === 0 ? (fp === 0 ? 1 : 0) : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

export interface Aggregate extends F1, FieldCounts, GroundingCounts {
  n: number;
  validity: number;
  compliance: number;
  jsonExact: number;
  /** hallucinated / stringLeaves; null when no string leaf was counted. */
  hallucination: number | null;
  /** absentCorrect / absentFields; null when the gold left no field empty. */
  nullAccuracy: number | null;
}

/** Rates over a set of scores (fractions in [0, 1]) and micro-averaged Field F1. */
export function aggregate(scores: readonly ExampleScore[]): Aggregate {
  const n = scores.length;
  const sum = (f: (s: ExampleScore) => number) => scores.reduce((acc, s) => acc + f(s), 0);
  const counts = { tp: sum((s) => s.tp), fp: sum((s) => s.fp), fn: sum((s) => s.fn) };
  const grounding = {
    stringLeaves: sum((s) => s.stringLeaves), hallucinated: sum((s) => s.hallucinated),
    absentFields: sum((s) => s.absentFields), absentCorrect: sum((s) => s.absentCorrect),
  };
  const rate = (f: (s: ExampleScore) => boolean) => (n === 0 ? 0 : sum((s) => (f(s) ? 1 : 0)) / n);
  return {
    n,
    validity: rate((s) => s.valid),
    compliance: rate((s) => s.compliant),
    jsonExact: rate((s) => s.exact),
    ...counts,
    ...f1FromCounts(counts),
    ...grounding,
    hallucination: grounding.stringLeaves ? grounding.hallucinated / grounding.stringLeaves : null,
    nullAccuracy: grounding.absentFields ? grounding.absentCorrect / grounding.absentFields : null,
  };
}
