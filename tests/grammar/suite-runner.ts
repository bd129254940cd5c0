// Runs the JSON Schema Test Suite against the grammar: each test schema is compiled (strict mode); for
// every valid instance some serialization the grammar emits (compact JSON, keys in any order we try)
// must be accepted byte by byte, and for every invalid instance no serialization may be accepted.
// Valid instances outside the documented emitted language are counted by reason, never silently.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft7 from 'ajv';
import addFormats from 'ajv-formats';
import { join } from 'node:path';
import { compileGrammar, grammarAccepts, GrammarError } from '../../grammar/index.js';
import type { Draft } from '../../grammar/schema-resources.js';
import { INT_DIGITS, FRAC_DIGITS } from '../../grammar/number-range.js';

export interface SuiteCounts {
  cases: number;
  compiled: number;
  refused: Record<string, number>;
  validAccepted: number;
  validOutsideLanguage: Record<string, number>;
  invalidRejected: number;
  /** Invalid instances accepted where the only failing keyword is one the compiler warned it does not
   * enforce (unknown formats are annotations, for ajv too). */
  invalidNotEnforced: number;
  failures: string[];
}

interface TestCase { description: string; schema: unknown; tests: Array<{ description: string; data: unknown; valid: boolean }> }

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** Compact serializations of `value` with object keys in different orders (capped). */
export function serializations(value: unknown, cap = 64): string[] {
  if (Array.isArray(value)) {
    let acc: string[][] = [[]];
    for (const item of value) {
      const options = serializations(item, cap);
      const next: string[][] = [];
      for (const prefix of acc) for (const o of options) { if (next.length < cap) next.push([...prefix, o]); }
      acc = next;
    }
    return acc.map((parts) => '[' + parts.join(',') + ']');
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const orders = permutations(keys, cap);
    const out: string[] = [];
    for (const order of orders) {
      let acc: string[][] = [[]];
      for (const k of order) {
        const options = serializations((value as Record<string, unknown>)[k], cap).map((v) => JSON.stringify(k) + ':' + v);
        const next: string[][] = [];
        for (const prefix of acc) for (const o of options) { if (next.length < cap) next.push([...prefix, o]); }
        acc = next;
      }
      for (const parts of acc) if (out.length < cap) out.push('{' + parts.join(',') + '}');
    }
    return out;
  }
  return [JSON.stringify(value)];
}

function permutations<T>(items: T[], cap: number): T[][] {
  if (items.length <= 1) return [items];
  const out: T[][] = [];
  const rec = (prefix: T[], rest: T[]) => {
    if (out.length >= cap) return;
    if (rest.length === 0) { out.push(prefix); return; }
    rest.forEach((x, i) => rec([...prefix, x], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  rec([], items);
  return out;
}

/** Why a valid instance cannot be in the emitted language regardless of the schema, or undefined. */
function outsideLanguage(value: unknown): string | undefined {
  if (typeof value === 'number') {
    const s = JSON.stringify(value);
    if (/e/i.test(s)) return 'number written with an exponent beyond the emitted precision';
    const [i, f = ''] = s.replace('-', '').split('.');
    if (i.length > INT_DIGITS || f.length > FRAC_DIGITS) return 'number longer than the emitted digit caps';
  }
  if (typeof value === 'string' && /[\ud800-\udfff]/.test(value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return 'lone surrogate';
  if (Array.isArray(value)) for (const v of value) { const r = outsideLanguage(v); if (r) return r; }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return 'key __proto__ is not emitted (JavaScript objects take it as their prototype)';
    for (const v of Object.values(value)) { const r = outsideLanguage(v); if (r) return r; }
  }
  return undefined;
}

/** The suite's remote documents, under the URIs its tests use (http://localhost:1234/...). */
export function loadRemotes(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of listJson(dir)) out['http://localhost:1234/' + file.slice(dir.length + 1)] = JSON.parse(readFileSync(file, 'utf8'));
  return out;
}

export function runSuite(dir: string, draft: Draft, remotes: Record<string, unknown> = {}): SuiteCounts {
  const counts: SuiteCounts = { cases: 0, compiled: 0, refused: {}, validAccepted: 0, validOutsideLanguage: {}, invalidRejected: 0, invalidNotEnforced: 0, failures: [] };
  for (const file of listJson(dir)) {
    const rel = file.slice(dir.length + 1);
    const cases = JSON.parse(readFileSync(file, 'utf8')) as TestCase[];
    for (const tc of cases) {
      counts.cases++;
      let grammar;
      let warnings: string[] = [];
      try {
        ({ grammar, warnings } = compileGrammar(tc.schema, { defaultDraft: draft, schemas: remotes }));
      } catch (e) {
        if (e instanceof GrammarError) {
          const key = e.keyword;
          counts.refused[key] = (counts.refused[key] ?? 0) + 1;
          continue;
        }
        counts.failures.push(`${rel} / ${tc.description}: compile crashed: ${(e as Error).stack}`);
        continue;
      }
      counts.compiled++;
      // The permissive variant tells "extra property the default policy does not emit" apart from a bug.
      let permissive: ReturnType<typeof compileGrammar>['grammar'] | undefined;
      let ajvCheck: ((v: unknown) => boolean) | undefined;
      for (const t of tc.tests) {
        const forms = serializations(t.data);
        const accepted = forms.find((f) => grammarAccepts(grammar, f) === 'complete');
        if (t.valid) {
          if (accepted !== undefined) { counts.validAccepted++; continue; }
          let reason = outsideLanguage(t.data);
          if (!reason) {
            permissive ??= compileGrammar(tc.schema, { defaultDraft: draft, silentAdditionalProperties: 'allow', schemas: remotes }).grammar;
            if (forms.some((f) => grammarAccepts(permissive!, f) === 'complete')) reason = 'undeclared property where additionalProperties is silent (policy: not emitted)';
          }
          if (!reason && rel === 'vocabulary.json') reason = 'custom meta-schema vocabularies are not read (all keywords apply)';
          if (!reason && rel === 'format.json') reason = 'format is asserted by design (annotation-only by default in 2020-12)';
          if (!reason) {
            ajvCheck ??= ajvValidator(tc.schema, draft, remotes);
            if (!ajvCheck(t.data)) reason = 'ajv-formats rejects it (the final ajv check would fail)';
          }
          if (!reason && typeof t.data === 'string' && /(^|\.)xn--/i.test(t.data)) reason = 'hostname A-label (xn--) is not emitted';
          if (!reason && typeof t.data === 'string' && /:60(\.\d+)?([+-]|$)/i.test(t.data) && !/[zZ]$|[+-]00:?00$/.test(t.data)) reason = 'leap second at a non-UTC offset';
          if (reason) counts.validOutsideLanguage[reason] = (counts.validOutsideLanguage[reason] ?? 0) + 1;
          else counts.failures.push(`${rel} / ${tc.description} / ${t.description}: valid instance rejected: ${forms[0]}`);
        } else {
          if (accepted === undefined) counts.invalidRejected++;
          else if (warnings.some((w) => (w.startsWith('format ') && w.includes('unknown format')) || w.startsWith('content'))) counts.invalidNotEnforced++;
          else counts.failures.push(`${rel} / ${tc.description} / ${t.description}: invalid instance accepted: ${accepted}`);
        }
      }
    }
  }
  return counts;
}

function ajvValidator(schema: unknown, draft: Draft, remotes: Record<string, unknown>): (v: unknown) => boolean {
  const ajv = draft === '2020-12' ? new Ajv2020({ strict: false, allErrors: false }) : new AjvDraft7({ strict: false });
  addFormats(ajv);
  for (const [uri, doc] of Object.entries(remotes)) { try { ajv.addSchema(doc as object, uri); } catch { /* other drafts' meta-schemas */ } }
  try {
    const validate = ajv.compile(schema as object);
    return (v) => validate(v) as boolean;
  } catch {
    return () => true;
  }
}
