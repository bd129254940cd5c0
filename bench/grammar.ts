// `jsonlm bench grammar --schemas LIST|FOLDER [--docs N] [--seed N] [--json FILE] [--clock wall|cpu]
//   [--timeout S] [--jobs N] [--tokenizer FILE] [--max-tokens N]`:
// per schema, the compile time and, while the fuzzer draws N documents under the mask (random logits
// over SmolLM2's vocabulary), the time of every allowed() call; every finished document is checked by
// an independent ajv for the schema's draft. Each schema runs in a worker thread with a deadline: one
// that runs past it is stopped and counted as a timeout, and the run goes on. Every per-schema failure
// (refusal, invalid schema, crash, timeout) is counted, never fatal. Prints coverage per subset (the
// folder a schema sits in), refusal reasons, compliance, compile and mask time; --json writes it all.
// `--clock cpu` times with the process's CPU time, which leaves out the time other processes hold the
// core on a busy machine.
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { intFlag, numberFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { defaultTokenizerPath, loadVocabulary } from '../cmdline/vocabulary.js';
import { measureSchema, type OneSchemaOptions, type SchemaReport } from './grammar-one-schema.js';

const WORKER_ROLE = 'jsonlm-grammar-bench';

interface Stats { count: number; median: number; mean: number; p99: number; max: number }

function stats(values: number[]): Stats {
  if (values.length === 0) return { count: 0, median: NaN, mean: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: sorted.length, median: at(0.5), mean: sum / sorted.length, p99: at(0.99), max: sorted[sorted.length - 1] };
}

interface SchemaFile { path: string; name: string; subset: string }

/** A list file (one path a line, relative to the list) or a folder searched for *.json; the subset of a
 * schema is the folder it sits in (relative to the given folder). */
export function schemaFiles(listOrFolder: string): SchemaFile[] {
  let st;
  try { st = statSync(listOrFolder); } catch { throw new UsageError(`--schemas: cannot read ${listOrFolder}`); }
  if (st.isDirectory()) {
    const out: SchemaFile[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name.endsWith('.json')) {
          const rel = relative(listOrFolder, dir);
          out.push({ path: p, name: relative(listOrFolder, p), subset: rel === '' ? basename(resolve(listOrFolder)) : rel.split(sep).join('/') });
        }
      }
    };
    walk(listOrFolder);
    return out;
  }
  return readFileSync(listOrFolder, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((p) => resolve(dirname(listOrFolder), p))
    .map((p) => ({ path: p, name: basename(p), subset: basename(dirname(p)) }));
}

interface WorkerSetup { role: string; tokenizer: string; options: Omit<OneSchemaOptions, 'index'> }
interface Job { index: number; name: string; subset: string; text: string }

/** Inside the worker: load the vocabulary once, then measure each schema sent. Never returns. */
function workerLoop(setup: WorkerSetup): Promise<number> {
  const vocab = loadVocabulary(setup.tokenizer);
  parentPort!.on('message', (job: Job) => {
    const report = measureSchema(job.name, job.subset, job.text, vocab, { ...setup.options, index: job.index });
    parentPort!.postMessage({ index: job.index, report });
  });
  parentPort!.postMessage({ ready: true });
  return new Promise(() => {});
}

/** A worker running this same module (the bundled CLI) in the worker role. */
function startWorker(setup: WorkerSetup): Worker {
  const entry = import.meta.url;
  const code = `const { workerData } = require('node:worker_threads');
import(workerData.entry).then((m) => m.main(['bench', 'grammar']));`;
  return new Worker(code, { eval: true, workerData: { ...setup, entry } });
}

/** Runs every schema, `jobs` at a time, each stopped after `timeoutMs` (counted as a timeout). */
async function runAll(files: SchemaFile[], setup: WorkerSetup, jobs: number, timeoutMs: number,
  onReport: (r: SchemaReport, i: number) => void): Promise<SchemaReport[]> {
  const reports: SchemaReport[] = new Array(files.length);
  let next = 0;
  const lane = () => new Promise<void>((finish) => {
    let worker: Worker;
    let timer: NodeJS.Timeout | undefined;
    let current = -1;
    let started = 0;
    const settle = (i: number, r: SchemaReport) => {
      if (timer) clearTimeout(timer);
      reports[i] = r;
      onReport(r, i);
      current = -1;
    };
    const dispatch = () => {
      if (next >= files.length) { void worker.terminate(); finish(); return; }
      const i = next++;
      const f = files[i];
      current = i;
      let text: string;
      try { text = readFileSync(f.path, 'utf8'); } catch (e) {
        settle(i, { schema: f.name, subset: f.subset, outcome: 'invalid', error: `cannot read: ${(e as Error).message}`, reason: 'unreadable', docs: 0, finished: 0, valid: 0, tokens: 0 });
        dispatch();
        return;
      }
      started = performance.now();
      timer = setTimeout(() => {
        const r: SchemaReport = { schema: f.name, subset: f.subset, outcome: 'timeout', error: `stopped after ${timeoutMs / 1000} s`, totalMs: performance.now() - started, docs: setup.options.docs, finished: 0, valid: 0, tokens: 0 };
        settle(i, r);
        worker.removeAllListeners();
        void worker.terminate();
        spawn();
      }, timeoutMs);
      worker.postMessage({ index: i, name: f.name, subset: f.subset, text } satisfies Job);
    };
    const spawn = () => {
      worker = startWorker(setup);
      worker.on('message', (m: { ready?: boolean; index?: number; report?: SchemaReport }) => {
        if (m.ready) { dispatch(); return; }
        if (m.index === current && m.report) { settle(m.index, m.report); dispatch(); }
      });
      worker.on('error', (e) => {
        // A worker that dies (out of memory, a stack overflow outside any try) is that schema's crash.
        if (current >= 0) {
          const f = files[current];
          settle(current, { schema: f.name, subset: f.subset, outcome: 'crash', error: `worker died: ${e.message}`, totalMs: performance.now() - started, docs: setup.options.docs, finished: 0, valid: 0, tokens: 0 });
        }
        worker.removeAllListeners();
        spawn();
      });
    };
    spawn();
  });
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, lane));
  return reports;
}

export async function run(args: string[]): Promise<number> {
  if (!isMainThread && (workerData as WorkerSetup | null)?.role === WORKER_ROLE) return workerLoop(workerData as WorkerSetup);
  const { values } = parseFlags(args, {
    schemas: { type: 'string' }, docs: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' },
    tokenizer: { type: 'string' }, 'max-tokens': { type: 'string' }, clock: { type: 'string', default: 'wall' },
    timeout: { type: 'string' }, jobs: { type: 'string' }, verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log('usage: jsonlm bench grammar --schemas LIST|FOLDER [--docs N] [--seed N] [--json FILE] [--clock wall|cpu] ' +
      '[--timeout SECONDS] [--jobs N] [--verbose] [--tokenizer tokenizer.json] [--max-tokens N]');
    return 0;
  }
  if (values.clock !== 'wall' && values.clock !== 'cpu') throw new UsageError(`--clock must be 'wall' or 'cpu', got '${values.clock}'`);
  if (!values.schemas) throw new UsageError('--schemas LIST (a file of schema paths, one a line) or FOLDER (searched for *.json) is required');
  const docs = intFlag(values.docs, 'docs', 20, 1);
  const seed = intFlag(values.seed, 'seed', 1);
  const maxTokens = intFlag(values['max-tokens'], 'max-tokens', 1000, 8);
  const timeoutS = numberFlag(values.timeout, 'timeout', 10, 0.1);
  const jobs = intFlag(values.jobs, 'jobs', 1, 1);
  const files = schemaFiles(values.schemas);
  if (files.length === 0) throw new UsageError(`--schemas: no schemas in ${values.schemas}`);
  const setup: WorkerSetup = {
    role: WORKER_ROLE, tokenizer: defaultTokenizerPath(values.tokenizer),
    options: { docs, seed, maxTokens, cpuClock: values.clock === 'cpu' },
  };
  const verbose = values.verbose || files.length <= 60;
  const f = (x: number | undefined, d = 1) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
  const width = Math.min(40, Math.max(6, ...files.map((s) => s.name.length)));
  let done = 0;
  const wallStart = performance.now();
  if (verbose) console.log(`${'schema'.padEnd(width)}  compile ms  steps   mask us median / p99   docs ok/finished/drawn`);
  const reports = await runAll(files, setup, jobs, timeoutS * 1000, (r) => {
    done++;
    for (const doc of r.rejected ?? []) console.error(`${r.schema}: document fails ajv: ${doc}`);
    if (r.outcome === 'crash' || r.outcome === 'timeout') console.error(`${r.schema}: ${r.outcome}: ${r.error}`);
    if (verbose) {
      if (r.outcome !== 'compiled') console.log(`${r.schema.padEnd(width)}  ${r.outcome}: ${r.error}`);
      else {
        const m = stats(r.maskUs ?? []);
        console.log(`${r.schema.padEnd(width)}  ${f(r.compileMs, 2).padStart(10)}  ${String(m.count).padStart(5)}   ${f(m.median).padStart(6)} / ${f(m.p99).padStart(7)}   ${r.valid}/${r.finished}/${r.docs}`);
      }
    } else if (done % 250 === 0) {
      console.error(`... ${done}/${files.length} schemas, ${((performance.now() - wallStart) / 1000).toFixed(0)} s`);
    }
  });

  // ---- aggregate
  const allMask: number[] = [];
  for (const r of reports) if (r.maskUs) for (const m of r.maskUs) allMask.push(m);
  const count = (rs: SchemaReport[], o: SchemaReport['outcome']) => rs.filter((r) => r.outcome === o).length;
  const summarize = (rs: SchemaReport[]) => {
    const compiled = count(rs, 'compiled');
    const invalid = count(rs, 'invalid');
    const finished = rs.reduce((a, r) => a + r.finished, 0);
    const valid = rs.reduce((a, r) => a + r.valid, 0);
    return {
      schemas: rs.length, compiled, refused: count(rs, 'refused'), invalid, crash: count(rs, 'crash'), timeout: count(rs, 'timeout'),
      coverage: compiled / rs.length, coverageOfValid: compiled / Math.max(1, rs.length - invalid),
      finished, valid, rejected: finished - valid, over10s: rs.filter((r) => (r.totalMs ?? 0) > 10_000).length,
    };
  };
  const subsets = [...new Set(reports.map((r) => r.subset))].sort();
  const bySubset = Object.fromEntries(subsets.map((s) => [s, summarize(reports.filter((r) => r.subset === s))]));
  const reasons = new Map<string, number>();
  for (const r of reports) if (r.outcome === 'refused' || r.outcome === 'invalid') reasons.set(r.reason ?? '?', (reasons.get(r.reason ?? '?') ?? 0) + 1);
  const topReasons = [...reasons].sort((a, b) => b[1] - a[1]);
  const overall = {
    ...summarize(reports),
    compileMs: stats(reports.filter((r) => r.outcome === 'compiled').map((r) => r.compileMs!)),
    ajvMs: stats(reports.filter((r) => r.ajvMs !== undefined).map((r) => r.ajvMs!)),
    schemaMs: stats(reports.filter((r) => r.totalMs !== undefined).map((r) => r.totalMs!)),
    maskUs: stats(allMask),
    wallS: (performance.now() - wallStart) / 1000,
  };

  const load = loadavg()[0];
  console.log(`\n${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load ${load.toFixed(1)}), Node ${process.version}, ${values.clock} clock, ` +
    `${docs} documents per schema, ${timeoutS} s per schema, ${jobs} worker(s), ${overall.wallS.toFixed(0)} s in all`);
  console.log('| subset | schemas | compiled | refused | invalid | crash | timeout | coverage | docs passing ajv |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [name, s] of [...Object.entries(bySubset), ['all', overall] as const]) {
    console.log(`| ${name} | ${s.schemas} | ${s.compiled} | ${s.refused} | ${s.invalid} | ${s.crash} | ${s.timeout} | ${f(s.coverage * 100)}% | ${s.valid}/${s.finished} |`);
  }
  console.log(`\nrefusal reasons (${overall.refused} refused, ${overall.invalid} invalid), most common first:`);
  for (const [reason, n] of topReasons.slice(0, verbose ? 50 : 25)) console.log(`${String(n).padStart(5)}  ${reason}`);
  const m = overall.maskUs;
  console.log(`\ncompliance: ${overall.valid}/${overall.finished} finished documents pass ajv (${overall.rejected} rejected); ` +
    `${overall.crash} crashes, ${overall.timeout} timeouts, ${overall.over10s} schemas over 10 s`);
  console.log(`mask time over ${m.count} steps: median ${f(m.median, 2)} us, mean ${f(m.mean, 2)} us, p99 ${f(m.p99, 1)} us, max ${f(m.max, 0)} us`);
  console.log(`compile time over ${overall.compileMs.count} schemas: median ${f(overall.compileMs.median, 2)} ms, p99 ${f(overall.compileMs.p99, 1)} ms, max ${f(overall.compileMs.max, 1)} ms`);
  console.log(`ajv (the independent check) compile time: median ${f(overall.ajvMs.median, 1)} ms, p99 ${f(overall.ajvMs.p99, 0)} ms, max ${f(overall.ajvMs.max, 0)} ms`);
  console.log(`time per schema (compile + ${docs} documents + ajv): median ${f(overall.schemaMs.median, 1)} ms, p99 ${f(overall.schemaMs.p99, 0)} ms, max ${f(overall.schemaMs.max, 0)} ms`);
  const slow = reports.filter((r) => r.totalMs !== undefined).sort((a, b) => b.totalMs! - a.totalMs!).slice(0, 5);
  console.log(`slowest: ${slow.map((r) => `${r.subset}/${basename(r.schema)} ${f(r.totalMs! / 1000, 1)} s (${r.outcome})`).join(', ')}`);
  if (values.json) {
    mkdirSync(dirname(resolve(values.json)), { recursive: true });
    const schemas = reports.map(({ maskUs, ...r }) => ({ ...r, maskUs: maskUs ? stats(maskUs) : undefined }));
    writeFileSync(values.json, JSON.stringify({
      bench: 'grammar', date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length,
      loadAverage: load, clock: values.clock, docs, seed, timeoutS, jobs, overall, bySubset, refusalReasons: Object.fromEntries(topReasons), schemas,
    }, null, 2));
    console.log(`report: ${values.json}`);
  }
  return overall.rejected === 0 && overall.crash === 0 && overall.timeout === 0 ? 0 : 1;
}
