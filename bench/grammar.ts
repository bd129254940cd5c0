// `jsonlm bench grammar --schemas LIST [--docs N] [--seed N] [--json FILE] [--clock wall|cpu] [--tokenizer FILE]`:
// per schema, the compile time and, while the fuzzer draws N documents under the mask (random logits
// over SmolLM2's vocabulary), the time of every allowed() call. Prints median / mean / p99 per schema
// and overall, coverage (schemas compiled, strict mode) and compliance (finished documents that pass
// ajv), as a table and, with --json, a report. `--clock cpu` times with this process's CPU time
// (process.cpuUsage), which leaves out the time other processes hold the core on a busy machine.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve, basename } from 'node:path';
import { intFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { readSchema } from '../cmdline/schema-file.js';
import { defaultTokenizerPath, loadVocabulary } from '../cmdline/vocabulary.js';
import { compileGrammar, createMatcher, createValidator, sampleDocument } from '../grammar/index.js';
import { mulberry32Unit } from '../random/prng.js';

/** Milliseconds of this process's CPU time (user + system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function now(cpu: boolean): number {
  return cpu ? cpuMs() : performance.now();
}

interface Stats { count: number; median: number; mean: number; p99: number; max: number }

function stats(values: number[]): Stats {
  if (values.length === 0) return { count: 0, median: NaN, mean: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { count: sorted.length, median: at(0.5), mean: values.reduce((a, b) => a + b, 0) / values.length, p99: at(0.99), max: sorted[sorted.length - 1] };
}

interface SchemaReport {
  schema: string;
  compiled: boolean;
  error?: string;
  compileMs?: number;
  docs: number;
  finished: number;
  valid: number;
  tokens: number;
  maskUs?: Stats;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    schemas: { type: 'string' }, docs: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' },
    tokenizer: { type: 'string' }, 'max-tokens': { type: 'string' }, clock: { type: 'string', default: 'wall' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.clock !== 'wall' && values.clock !== 'cpu') throw new UsageError(`--clock must be 'wall' or 'cpu', got '${values.clock}'`);
  const cpuClock = values.clock === 'cpu';
  if (values.help) {
    console.log('usage: jsonlm bench grammar --schemas LIST [--docs N] [--seed N] [--json FILE] [--tokenizer tokenizer.json] [--max-tokens N]');
    return 0;
  }
  if (!values.schemas) throw new UsageError('--schemas LIST (a file of schema paths, one a line) is required');
  const docs = intFlag(values.docs, 'docs', 20, 1);
  const seed = intFlag(values.seed, 'seed', 1);
  const maxTokens = intFlag(values['max-tokens'], 'max-tokens', 1000, 8);
  const listPath = values.schemas;
  const paths = readFileSync(listPath, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((p) => resolve(dirname(listPath), p));
  const vocab = loadVocabulary(defaultTokenizerPath(values.tokenizer));

  const reports: SchemaReport[] = [];
  const allMask: number[] = [];
  const compileTimes: number[] = [];
  for (const [i, path] of paths.entries()) {
    const schema = readSchema(path);
    const report: SchemaReport = { schema: basename(path), compiled: false, docs, finished: 0, valid: 0, tokens: 0 };
    reports.push(report);
    let grammar;
    const t0 = now(cpuClock);
    try {
      grammar = compileGrammar(schema).grammar;
    } catch (e) {
      report.error = (e as Error).message;
      continue;
    }
    report.compileMs = now(cpuClock) - t0;
    report.compiled = true;
    compileTimes.push(report.compileMs);
    const validate = createValidator(schema);
    const matcher = createMatcher(grammar, vocab);
    const random = mulberry32Unit(seed * 1000003 + i);
    const mask: number[] = [];
    for (let d = 0; d < docs; d++) {
      const doc = sampleDocument(matcher, vocab, random, { maxTokens, onMaskTime: (ms) => mask.push(ms * 1000), clock: cpuClock ? cpuMs : undefined });
      report.tokens += doc.tokens.length;
      if (!doc.finished) continue;
      report.finished++;
      let ok = false;
      try { ok = validate(JSON.parse(doc.text)); } catch { ok = false; }
      if (ok) report.valid++;
      else console.error(`${report.schema}: document fails ajv: ${doc.text.slice(0, 300)}`);
    }
    report.maskUs = stats(mask);
    allMask.push(...mask);
  }

  const compiled = reports.filter((r) => r.compiled);
  const finished = compiled.reduce((a, r) => a + r.finished, 0);
  const valid = compiled.reduce((a, r) => a + r.valid, 0);
  const overall = {
    schemas: reports.length,
    compiled: compiled.length,
    coverage: compiled.length / reports.length,
    documents: compiled.length * docs,
    finished,
    valid,
    compliance: finished ? valid / finished : NaN,
    compileMs: stats(compileTimes),
    maskUs: stats(allMask),
  };

  const load = loadavg()[0];
  console.log(`${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load ${load.toFixed(1)}), Node ${process.version}, ${values.clock} clock, ${docs} documents per schema`);
  const f = (x: number | undefined, d = 1) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
  const width = Math.max(6, ...reports.map((r) => r.schema.length));
  console.log(`${'schema'.padEnd(width)}  compile ms  steps   mask us median / mean / p99   docs ok/finished/drawn`);
  for (const r of reports) {
    if (!r.compiled) { console.log(`${r.schema.padEnd(width)}  refused: ${r.error}`); continue; }
    const m = r.maskUs!;
    console.log(`${r.schema.padEnd(width)}  ${f(r.compileMs, 2).padStart(10)}  ${String(m.count).padStart(5)}   ${f(m.median).padStart(6)} / ${f(m.mean).padStart(7)} / ${f(m.p99).padStart(7)}   ${r.valid}/${r.finished}/${r.docs}`);
  }
  const m = overall.maskUs;
  console.log(`\noverall: coverage ${overall.compiled}/${overall.schemas} (${(overall.coverage * 100).toFixed(1)}%), ` +
    `compliance ${valid}/${finished} (${(overall.compliance * 100).toFixed(1)}%) of finished documents pass ajv`);
  console.log(`mask time over ${m.count} steps: median ${f(m.median, 2)} us, mean ${f(m.mean, 2)} us, p99 ${f(m.p99, 1)} us, max ${f(m.max, 0)} us`);
  console.log(`compile time over ${overall.compileMs.count} schemas: median ${f(overall.compileMs.median, 2)} ms, p99 ${f(overall.compileMs.p99, 1)} ms, max ${f(overall.compileMs.max, 1)} ms`);
  if (values.json) {
    mkdirSync(dirname(resolve(values.json)), { recursive: true });
    writeFileSync(values.json, JSON.stringify({ bench: 'grammar', date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadAverage: load, clock: values.clock, docs, seed, overall, schemas: reports }, null, 2));
    console.log(`report: ${values.json}`);
  }
  return valid === finished ? 0 : 1;
}
