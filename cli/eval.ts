// `jsonlm eval`: scores a model on an extraction dataset (JSONL of {"id","tier","schema","text","gold"}),
// with or without the grammar: per tier (and per data set when lines name one) and overall, JSON validity,
// schema compliance, JSONExact, Field F1, hallucination, null accuracy, mean latency and tokens/s. The table goes to stdout, progress to stderr, the full report to --json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { extractorFor } from '../extract/api.js';
import { buildReport, formatTable } from '../bench/eval/report.js';
import { evaluate, type EvalExample } from '../bench/eval/runner.js';
import { intFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { THREADS_HELP, threadsFlag } from './threads.js';
import { KV_HELP, kvCacheFlag } from './kv-cache-flag.js';
import { BadInputError, EXIT, extractOptionsFrom, loadCliModel, progressLine, reportError, requireFile, SAMPLING_FLAGS } from './extract.js';

const HELP = `usage: jsonlm eval --data FILE.jsonl [options]

  --data FILE         dataset JSONL, e.g. bench/edgejson/data/test.jsonl (lines may add "dataset": NAME)
  --model PATH        GGUF file, Hugging Face folder or llama2.c .bin (default: the bundled models/default)
  --tokenizer FILE    llama2.c tokenizer.bin or tokenizer.json, for a model that carries none
  --no-grammar        let the model write freely (to compare with the grammar on)
  --jump-forward      append the bytes the grammar forces without running the model
  --copy-bias B       logit bonus for tokens that continue a value as a span of the text (default:
                      what the model file recommends, else 0 = off)
  --value-choice, --no-value-choice
                      write each number value whole, as the text's number the model finds most
                      probable (default: what the model file recommends, else off)
  --draft, --no-draft prompt-lookup drafting (same outputs, different speed; default: off)
  --limit N           only the first N examples (after --tier)
  --tier NAME         only examples of this tier (simple | medium | complex)
  --json FILE         write the full report (settings, per-tier and overall scores, every example)
  --seed N            sampling seed (default 0)
  --temperature T     0 = greedy (default 0)
  --max-tokens N      most tokens per example (default: what the context leaves)
  --ctx N             context length to allocate (default: the model's)
${THREADS_HELP}
${KV_HELP}

Prints a table (rows: tiers, then overall) on stdout, and a second one per data set when the lines
name one. Exit codes as jsonlm extract (3 missing file,
8 malformed dataset line).`;

export async function run(args: string[]): Promise<number> {
  try {
    return await runEval(args);
  } catch (e) {
    return reportError('eval', e);
  }
}

export function readDataset(path: string): EvalExample[] {
  requireFile(path, 'dataset');
  const out: EvalExample[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line);
    } catch {
      throw new BadInputError(`${path}:${i + 1}: not a JSON line`);
    }
    if (typeof e.text !== 'string' || e.schema === undefined || !('gold' in e)) {
      throw new BadInputError(`${path}:${i + 1}: expected {"id", "tier", "schema", "text", "gold"}`);
    }
    if (e.dataset !== undefined && typeof e.dataset !== 'string') throw new BadInputError(`${path}:${i + 1}: "dataset" must be a string`);
    out.push({ id: String(e.id ?? `line-${i + 1}`), tier: String(e.tier ?? 'all') as EvalExample['tier'], schema: e.schema as EvalExample['schema'], text: e.text, gold: e.gold as EvalExample['gold'],
      ...(e.dataset !== undefined ? { dataset: e.dataset } : {}) });
  });
  return out;
}

async function runEval(args: string[]): Promise<number> {
  const { values: v } = parseFlags(args, {
    data: { type: 'string' }, limit: { type: 'string' }, json: { type: 'string' }, tier: { type: 'string' },
    ...SAMPLING_FLAGS, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) { console.log(HELP); return 0; }
  if (!v.data) throw new UsageError(`--data is required\n\n${HELP}`);
  const options = extractOptionsFrom(v);
  const limit = v.limit === undefined ? undefined : intFlag(v.limit, 'limit', 0, 1);
  const contextLength = v.ctx === undefined ? undefined : intFlag(v.ctx, 'ctx', 0, 1);
  const kv = kvCacheFlag(v.kv);
  let examples = readDataset(v.data);
  if (v.tier !== undefined) examples = examples.filter((e) => e.tier === v.tier);
  if (limit !== undefined) examples = examples.slice(0, limit);
  if (examples.length === 0) throw new UsageError('no examples to evaluate (check --data, --tier and --limit)');

  const model = await loadCliModel(v.model, v.tokenizer, contextLength, threadsFlag(v.threads), kv);
  const extractor = extractorFor(model);
  const tty = process.stderr.isTTY;
  const t0 = performance.now();
  const records = await evaluate(examples, (e) => {
    const it = extractor.steps({ text: e.text, schema: e.schema, options });
    for (;;) {
      const r = it.next();
      if (r.done) {
        const res = r.value;
        return { text: res.text, tokens: res.tokens, forcedTokens: res.forcedTokens, closedEarly: res.closedEarly, promptTokens: res.timings.promptTokens, prefillMs: res.timings.prefillMs, decodeMs: res.timings.decodeMs };
      }
    }
  }, (_record, done) => {
    const line = progressLine(done, examples.length, (performance.now() - t0) / 1000);
    if (tty) process.stderr.write(`\r${line}`);
    else if (done === examples.length || done % 10 === 0) console.error(line);
  });
  if (tty) process.stderr.write('\n');

  const report = buildReport(records, {
    data: v.data, model: v.model ?? 'models/default', grammar: options.grammar, jumpForward: options.jumpForward, copyBias: options.copyBias ?? model.extractionHints.copyBias ?? 0,
    valueChoice: options.valueChoice ?? model.extractionHints.valueChoice ?? false,
    grounded: options.grounded ?? model.extractionHints.grounded ?? false, draft: options.draft ?? false, limit: limit ?? null, tier: v.tier ?? null,
    seed: options.seed, temperature: options.temperature, maxTokens: options.maxTokens ?? null,
    contextLength: model.contextLength, date: new Date().toISOString(), node: process.version,
  });
  console.log(`model ${report.settings.model}, ${v.data}, grammar ${options.grammar ? 'on' : 'off'}${report.settings.copyBias ? `, copy bias ${report.settings.copyBias}` : ''}${report.settings.valueChoice ? ', value choice' : ''}${report.settings.grounded ? ', grounded' : ''}${options.jumpForward ? ', jump-forward' : ''}${options.draft ? ', draft' : ''}, ${examples.length} examples`);
  console.log(formatTable(report));
  if (v.json) {
    mkdirSync(dirname(v.json), { recursive: true });
    writeFileSync(v.json, JSON.stringify(report, null, 2) + '\n');
    console.error(`report written to ${v.json}`);
  }
  return EXIT.ok;
}
