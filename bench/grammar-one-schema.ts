// One schema's measurement for `jsonlm bench grammar`: compile, draw documents under the mask, check
// each with an independent ajv. Runs inside a worker thread so the driver can stop a schema that runs
// away (bench/grammar.ts); everything that can go wrong is caught here and reported as an outcome.
import { compileGrammar, createMatcher, createValidator, GrammarError, sampleDocument, type TokenVocabulary } from '../grammar/index.js';
import { mulberry32Unit } from '../random/prng.js';

export type Outcome =
  | 'compiled'     // compiled; documents drawn and checked
  | 'refused'      // the compiler refused it with a GrammarError (unsupported or contradictory)
  | 'invalid'      // not JSON, or compiled by the grammar but not a schema ajv accepts: nothing to check against
  | 'crash'        // any other exception (a bug)
  | 'timeout';     // stopped at the deadline (set by the driver)

export interface SchemaReport {
  schema: string;
  subset: string;
  outcome: Outcome;
  error?: string;
  /** A short form of the refusal for counting ('keyword: reason' without pointers or quoted values). */
  reason?: string;
  compileMs?: number;
  /** Wall time ajv took to compile its validator (not part of the grammar's cost). */
  ajvMs?: number;
  /** Whole time for this schema (compile, sampling, checking), wall clock. */
  totalMs?: number;
  docs: number;
  finished: number;
  valid: number;
  tokens: number;
  /** Up to 3 documents ajv rejected, for the report. */
  rejected?: string[];
  maskUs?: number[];
}

export interface OneSchemaOptions { docs: number; seed: number; index: number; maxTokens: number; cpuClock: boolean }

/** Milliseconds of this process's CPU time (user + system). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** `keyword at #/pointer: reason with "quoted" values` -> `keyword: reason with "…" values`. */
export function refusalReason(message: string): string {
  return message
    .replace(/^(\S+) at #\S*: /, '$1: ')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\b\d+(\.\d+)?\b/g, 'N')
    .slice(0, 120);
}

export function measureSchema(name: string, subset: string, schemaText: string, vocab: TokenVocabulary, o: OneSchemaOptions): SchemaReport {
  const start = performance.now();
  const now = () => (o.cpuClock ? cpuMs() : performance.now());
  const report: SchemaReport = { schema: name, subset, outcome: 'crash', docs: o.docs, finished: 0, valid: 0, tokens: 0 };
  const done = (r: SchemaReport) => { r.totalMs = performance.now() - start; return r; };
  let schema: unknown;
  try {
    schema = JSON.parse(schemaText);
  } catch (e) {
    return done({ ...report, outcome: 'invalid', error: `not JSON: ${(e as Error).message}`, reason: 'not JSON' });
  }
  // The grammar first: a schema it refuses needs no validator (ajv alone takes seconds on some large
  // real-world schemas). A compiled one is then checked by ajv, which must accept the schema itself.
  let grammar;
  const t0 = now();
  try {
    grammar = compileGrammar(schema).grammar;
  } catch (e) {
    const msg = (e as Error).message;
    if (e instanceof GrammarError) return done({ ...report, outcome: 'refused', error: msg, reason: refusalReason(msg) });
    return done({ ...report, outcome: 'crash', error: `compile: ${(e as Error).name}: ${msg}` });
  }
  report.compileMs = now() - t0;
  let validate;
  const t1 = performance.now();
  try {
    validate = createValidator(schema);
  } catch (e) {
    const msg = (e as Error).message;
    return done({ ...report, outcome: 'invalid', error: `ajv: ${msg}`, reason: 'ajv: ' + refusalReason(msg) });
  }
  report.ajvMs = performance.now() - t1;
  report.outcome = 'compiled';
  const mask: number[] = [];
  try {
    const matcher = createMatcher(grammar, vocab);
    const random = mulberry32Unit(o.seed * 1000003 + o.index);
    for (let d = 0; d < o.docs; d++) {
      const doc = sampleDocument(matcher, vocab, random, { maxTokens: o.maxTokens, onMaskTime: (ms) => mask.push(ms * 1000), clock: o.cpuClock ? cpuMs : undefined });
      report.tokens += doc.tokens.length;
      if (!doc.finished) continue;
      report.finished++;
      let ok = false;
      try { ok = validate(JSON.parse(doc.text)); } catch { ok = false; }
      if (ok) report.valid++;
      else (report.rejected ??= []).length < 3 && report.rejected!.push(`${doc.text.slice(0, 300)}  <- ${validate.errors().join('; ').slice(0, 200)}`);
    }
  } catch (e) {
    report.outcome = 'crash';
    report.error = `sampling: ${(e as Error).name}: ${(e as Error).message.slice(0, 300)}`;
  }
  report.maskUs = mask;
  return done(report);
}
