// `jsonlm extract`: schema-valid JSON from text. One document (--text, --input FILE, or stdin) prints the
// JSON value alone on stdout, timings and the validation result on stderr; --input docs.jsonl --output
// out.jsonl runs a batch with a progress bar, appending one finished line at a time (written through
// to the file), so an interrupted run loses nothing finished and a rerun skips the ids already there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../engine/default-model-node.js';
import { loadModelFromPath } from '../engine/load-model-node.js';
import type { Model } from '../engine/model.js';
import { TextTooLongError } from '../extract/errors.js';
import { extractorFor } from '../extract/api.js';
import type { ExtractOptions, ExtractResult } from '../extract/extractor.js';
import { InvalidSchemaError, sharedValidator } from '../extract/validate.js';
import { GrammarError } from '../grammar/index.js';
import { tokenizerFromJson } from '../tokenizer/index.js';
import { intFlag, numberFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { BatchFileError, BatchOutput, parseInputDocs, stripBom, type InputDoc } from './batch-files.js';
import { THREADS_HELP, threadsFlag } from './threads.js';
import { KV_HELP, kvCacheFlag } from './kv-cache-flag.js';

/** Exit codes of extract and eval (0 success, 1 unexpected failure, 2 bad flags, as every command). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** A file named on the command line (schema, model, input, data) does not exist, or no default model. */
  missingFile: 3,
  /** The schema is not JSON or not a JSON Schema ajv can compile. */
  invalidSchema: 4,
  /** The schema uses a keyword the grammar cannot enforce (e.g. `not`, `uniqueItems`). */
  unsupportedKeyword: 5,
  /** Instruction + schema + text do not fit the model's context. */
  textTooLong: 6,
  /** The output is not schema-valid JSON (only with --no-grammar or a --max-tokens too small). In batch
   * mode: at least one document failed. */
  invalidOutput: 7,
  /** A line of an input JSONL file is not a JSON object with a "text" string. */
  badInput: 8,
  /** Batch --output cannot be used: it is the input, holds lines that are not results (it is left
   * untouched), or another run is writing it. */
  badOutput: 9,
} as const;

export class MissingFileError extends Error {}
export class BadInputError extends Error {}

/** Maps an error to its exit code and prints it as `jsonlm <command>: message`. */
export function reportError(command: string, e: unknown): number {
  const message = (e as Error)?.message ?? String(e);
  console.error(`jsonlm ${command}: ${message}`);
  if (e instanceof UsageError) return EXIT.usage;
  if (e instanceof MissingFileError) return EXIT.missingFile;
  if (e instanceof InvalidSchemaError) return EXIT.invalidSchema;
  if (e instanceof GrammarError) return EXIT.unsupportedKeyword;
  if (e instanceof TextTooLongError) return EXIT.textTooLong;
  if (e instanceof BadInputError) return EXIT.badInput;
  if (e instanceof BatchFileError) return EXIT.badOutput;
  if (process.env.JSONLM_DEBUG) console.error((e as Error)?.stack);
  return EXIT.failure;
}

/** The bundled default model: models/default/ as a GGUF file in it, or as a Hugging Face folder. */
export function defaultModelPath(): string {
  const dir = defaultModelDir();
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    const gguf = ['model.gguf', ...readdirSafe(dir).filter((f) => f.endsWith('.gguf')).sort()].find((f) => existsSync(join(dir, f)));
    if (gguf) return join(dir, gguf);
    if (existsSync(join(dir, 'config.json'))) return dir;
  }
  throw new MissingFileError(`no default model in ${dir} (it ships with the package once trained); pass --model FILE`);
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function requireFile(path: string, what: string, folderAllowed = false): string {
  if (!existsSync(path)) throw new MissingFileError(`${what} not found: ${path}`);
  if (!folderAllowed && statSync(path).isDirectory()) throw new MissingFileError(`${what} ${path} is a folder, not a file`);
  return path;
}

/** Loads --model (or the default model) with an optional --tokenizer (llama2.c .bin or tokenizer.json). */
export async function loadCliModel(modelFlag: string | undefined, tokenizerFlag: string | undefined, contextLength?: number,
  threads?: { threads: number; threadsUpTo: boolean }, kv: ReturnType<typeof kvCacheFlag> = {}): Promise<Model> {
  const path = modelFlag === undefined ? defaultModelPath() : requireFile(modelFlag, 'model', true);
  if (tokenizerFlag !== undefined) requireFile(tokenizerFlag, 'tokenizer');
  const jsonTokenizer = tokenizerFlag?.endsWith('.json');
  const model = await loadModelFromPath(path, {
    contextLength, ...threads, ...kv,
    tokenizerPath: jsonTokenizer ? undefined : tokenizerFlag,
    tokenizer: jsonTokenizer ? tokenizerFromJson(readFileSync(tokenizerFlag!, 'utf8')) : undefined,
  }).catch(explainContextError(contextLength));
  if (!model.tokenizer) throw new UsageError('this model carries no tokenizer: pass --tokenizer FILE');
  return model;
}

/** For a model load's catch: a --ctx beyond the model's context becomes a usage error naming both. */
export function explainContextError(contextLength: number | undefined): (e: unknown) => never {
  return (e) => {
    const max = e instanceof RangeError ? /^contextLength must be an integer in 1\.\.(\d+)/.exec(e.message)?.[1] : undefined;
    throw max === undefined ? e : new UsageError(`--ctx ${contextLength} is more than this model's context of ${max} tokens`);
  };
}

/** Reads and checks a schema file: exists (exit 3), is JSON and compiles under ajv (exit 4). */
export function readSchemaFile(path: string): unknown {
  requireFile(path, 'schema file');
  let schema: unknown;
  try {
    schema = JSON.parse(stripBom(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new InvalidSchemaError(`schema file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (schema === null || (typeof schema !== 'object' && typeof schema !== 'boolean')) {
    throw new InvalidSchemaError(`schema file ${path} must hold a JSON object (a JSON Schema)`);
  }
  sharedValidator().compile(schema);
  return schema;
}

/** Sampling flags shared by extract and eval. */
export const SAMPLING_FLAGS = {
  seed: { type: 'string' }, temperature: { type: 'string' }, 'max-tokens': { type: 'string' }, 'no-grammar': { type: 'boolean' },
  'jump-forward': { type: 'boolean' }, 'copy-bias': { type: 'string' },
  'value-choice': { type: 'boolean' }, 'no-value-choice': { type: 'boolean' },
  grounded: { type: 'boolean' }, 'no-grounded': { type: 'boolean' },
  draft: { type: 'boolean' }, 'no-draft': { type: 'boolean' },
  model: { type: 'string' }, tokenizer: { type: 'string' }, ctx: { type: 'string' }, threads: { type: 'string' },
  kv: { type: 'string' },
} as const;

export function extractOptionsFrom(v: Record<string, string | boolean | undefined>): ExtractOptions {
  const seed = intFlag(v.seed as string | undefined, 'seed', 0, 0);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be below 2^53, got ${v.seed}`);
  const options: ExtractOptions = {
    grammar: !v['no-grammar'],
    jumpForward: v['jump-forward'] === true,
    seed,
    temperature: numberFlag(v.temperature as string | undefined, 'temperature', 0, 0),
  };
  if (v['copy-bias'] !== undefined) options.copyBias = numberFlag(v['copy-bias'] as string, 'copy-bias', 0, 0);
  if (v['value-choice'] && v['no-value-choice']) throw new UsageError('--value-choice and --no-value-choice contradict each other: give one');
  if (v['value-choice']) options.valueChoice = true;
  if (v['no-value-choice']) options.valueChoice = false;
  if (v.grounded && v['no-grounded']) throw new UsageError('--grounded and --no-grounded contradict each other: give one');
  if (v.grounded) options.grounded = true;
  if (v['no-grounded']) options.grounded = false;
  if (v.draft && v['no-draft']) throw new UsageError('--draft and --no-draft contradict each other: give one');
  if (v.draft) options.draft = true;
  if (v['no-draft']) options.draft = false;
  if (v['max-tokens'] !== undefined) options.maxTokens = intFlag(v['max-tokens'] as string, 'max-tokens', 0, 1);
  return options;
}

const HELP = `usage: jsonlm extract --schema FILE [--text STR | --input FILE] [options]
       jsonlm extract --schema FILE --input docs.jsonl --output out.jsonl [options]

  --schema FILE       JSON Schema the output must match
  --text STR          the text to extract from (else --input FILE, else stdin)
  --input FILE        a text file; with --output, a JSONL batch: one {"id": ..., "text": ...} per line
  --output FILE       batch results, one {"id", "value", "valid", ...} per line; a rerun skips ids already there
  --model PATH        GGUF file, Hugging Face folder or llama2.c .bin (default: the bundled models/default)
  --tokenizer FILE    llama2.c tokenizer.bin or tokenizer.json, for a model that carries none
  --seed N            sampling seed (default 0)
  --temperature T     0 = greedy (default 0)
  --max-tokens N      most tokens to generate (default: what the context leaves)
  --ctx N             context length to allocate (default: the model's)
${THREADS_HELP}
${KV_HELP}
  --no-grammar        let the model write freely (the output is still checked), to compare
  --jump-forward      append the bytes the grammar forces without running the model (faster on large
                      models; off because it tokenizes them unlike training, which hurts small models)
  --copy-bias B       logit bonus for tokens that continue a value as a span of the text (default:
                      what the model file recommends, else 0 = off)
  --value-choice, --no-value-choice
                      write each number value whole, as the text's number the model finds most
                      probable (default: what the model file recommends, else off)
  --grounded, --no-grounded
                      a string value with no enum, const, format or pattern can only be a span of the
                      text (or a normalized date, time, phone number), chosen whole by the model's score
                      (default: what the model file recommends, else off)
  --draft, --no-draft prompt-lookup drafting: guess the next tokens from the text being copied, check them
                      in one batched pass; the output is identical either way (default: off)

Prints the JSON value alone on stdout; timings and validation on stderr.
Exit codes: 0 ok, 1 failure, 2 bad flags, 3 file not found (or no default model), 4 invalid schema,
5 unsupported schema keyword, 6 text too long for the context, 7 output not schema-valid
(batch: some document failed), 8 malformed input line, 9 --output refused (it is the input, holds
lines that are not results, or another run is writing it).
Batch lines without an "id" get one from a hash of their text ("text-" + 16 hex digits of its SHA-256), so
a rerun matches documents by content. Only a torn last output line (a kill mid-write) is ever repaired.`;

export async function run(args: string[]): Promise<number> {
  try {
    return await runExtract(args);
  } catch (e) {
    return reportError('extract', e);
  }
}

async function runExtract(args: string[]): Promise<number> {
  const { values: v } = parseFlags(args, {
    schema: { type: 'string' }, text: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' },
    ...SAMPLING_FLAGS, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) { console.log(HELP); return 0; }
  if (!v.schema) throw new UsageError(`--schema is required\n\n${HELP}`);
  if (v.text !== undefined && v.input !== undefined) throw new UsageError('give either --text or --input, not both');
  if (v.output !== undefined && v.input === undefined) throw new UsageError('--output needs --input docs.jsonl');
  const options = extractOptionsFrom(v);
  const contextLength = v.ctx === undefined ? undefined : intFlag(v.ctx, 'ctx', 0, 1);
  const kv = kvCacheFlag(v.kv);
  const schema = readSchemaFile(v.schema);
  if (v.input !== undefined) requireFile(v.input, 'input file');

  let text: string | undefined;
  if (v.output === undefined) {
    if (v.text !== undefined) text = v.text;
    else if (v.input !== undefined) text = stripBom(readFileSync(v.input, 'utf8'));
    else if (process.stdin.isTTY) throw new UsageError(`give the text with --text, --input FILE or on stdin\n\n${HELP}`);
    else text = readFileSync(0, 'utf8');
  }

  const model = await loadCliModel(v.model, v.tokenizer, contextLength, threadsFlag(v.threads), kv);
  const extractor = extractorFor(model);
  if (options.grammar) {
    const { warnings } = extractor.constraintFor(schema); // an unsupported keyword fails here, before any document
    for (const w of warnings) console.error(`warning: ${w}`);
  }
  if (text !== undefined) return single(extractor, schema, text, options);
  return batch(extractor, schema, v.input!, v.output!, options);
}

function runSteps(extractor: ReturnType<typeof extractorFor>, schema: unknown, text: string, options: ExtractOptions): ExtractResult {
  const it = extractor.steps({ text, schema, options });
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

function describeTimings(r: ExtractResult): string {
  const t = r.timings;
  return `prompt ${t.promptTokens} tokens (${t.cachedPromptTokens} cached), prefill ${t.prefillMs.toFixed(0)} ms, ` +
    `${r.tokens} tokens (${r.forcedTokens} forced) in ${t.decodeMs.toFixed(0)} ms, ${t.tokensPerSecond.toFixed(1)} tok/s`;
}

function single(extractor: ReturnType<typeof extractorFor>, schema: unknown, text: string, options: ExtractOptions): number {
  const r = runSteps(extractor, schema, text, options);
  if (r.value !== undefined) process.stdout.write(JSON.stringify(r.value) + '\n');
  else process.stdout.write(r.text + '\n');
  console.error(describeTimings(r));
  if (r.closedEarly) console.error('note: the token budget ran low, so the JSON was closed along the shortest valid completion (later values may be cut short)');
  if (r.valid) {
    console.error('valid: yes (matches the schema)');
    return EXIT.ok;
  }
  console.error(`valid: no: ${(r.errors ?? []).join('; ')}`);
  return EXIT.invalidOutput;
}

function readInputDocs(path: string): InputDoc[] {
  return parseInputDocs(readFileSync(path, 'utf8'), path, (message) => new BadInputError(message));
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** One progress line: a bar, count, rate and ETA. */
export function progressLine(done: number, total: number, elapsedS: number): string {
  const width = 24;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${rate.toFixed(2)} doc/s ETA ${formatDuration(eta)}`;
}

function batch(extractor: ReturnType<typeof extractorFor>, schema: unknown, input: string, output: string, options: ExtractOptions): number {
  const docs = readInputDocs(input);
  const out = new BatchOutput(output, input);
  const done = out.ids;
  const todo = docs.filter((d) => !done.has(d.id));
  if (done.size > 0) console.error(`resuming: ${docs.length - todo.length} of ${docs.length} documents already in ${output}`);
  const tty = process.stderr.isTTY;
  const t0 = performance.now();
  let failed = 0;
  try {
    todo.forEach((doc, i) => {
      let line: Record<string, unknown>;
      try {
        const r = runSteps(extractor, schema, doc.text, options);
        line = { id: doc.id, value: r.value ?? null, valid: r.valid, ...(r.errors ? { errors: r.errors } : {}),
          tokens: r.tokens, ...(r.closedEarly ? { closedEarly: true } : {}), promptTokens: r.timings.promptTokens, ms: Math.round(r.timings.prefillMs + r.timings.decodeMs) };
        if (!r.valid) failed++;
      } catch (e) {
        if (!(e instanceof TextTooLongError)) throw e;
        line = { id: doc.id, value: null, valid: false, errors: [e.message] };
        failed++;
      }
      // One write call per finished line, straight to the file descriptor (no buffering in this process).
      out.append(JSON.stringify(line));
      const progress = progressLine(i + 1, todo.length, (performance.now() - t0) / 1000);
      if (tty) process.stderr.write(`\r${progress}`);
      else console.error(progress);
    });
  } finally {
    out.close();
  }
  if (tty) process.stderr.write('\n');
  console.error(`done: ${todo.length} extracted, ${failed} not valid, ${done.size} skipped (already in ${output})`);
  return failed > 0 ? EXIT.invalidOutput : EXIT.ok;
}
