// `jsonlm generate`: text from a prompt, streamed to stdout as it is produced; speed on stderr.
import { readFileSync } from 'node:fs';
import { loadModelFromPath } from '../engine/load-model-node.js';
import { tokenizerFromJson } from '../tokenizer/index.js';
import { intFlag, numberFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { explainContextError } from './extract.js';
import { THREADS_HELP, threadsFlag } from './threads.js';
import { KV_HELP, kvCacheFlag } from './kv-cache-flag.js';

const HELP = `usage: jsonlm generate --model PATH [options]

  --model PATH          GGUF file, Hugging Face folder, or llama2.c .bin
  --tokenizer FILE      llama2.c tokenizer.bin (for a .bin model) or a tokenizer.json (overrides the model's)
  --prompt STR          text to continue (default: empty, i.e. start from BOS)
  --steps N             most tokens to generate (default 256)
  --temperature T       0 = greedy argmax (default 0)
  --top-k K             keep the K most likely tokens (default 0 = off)
  --top-p P             nucleus sampling threshold in (0, 1] (default 1 = off)
  --repetition-penalty R  > 1 penalizes the last 64 ids (default 1 = off)
  --seed N              PRNG seed (default 0)
  --stop STR            stop before this string (repeatable)
  --ignore-eos          keep generating past EOS
  --ctx N               context length to allocate (default: the model's)
  --f32                 keep f32 weights (default: int8)
${THREADS_HELP}
${KV_HELP}`;

export async function run(args: string[]): Promise<number> {
  const { values: v } = parseFlags(args, {
    model: { type: 'string' }, tokenizer: { type: 'string' }, prompt: { type: 'string' },
    steps: { type: 'string' }, temperature: { type: 'string' }, 'top-k': { type: 'string' }, 'top-p': { type: 'string' },
    'repetition-penalty': { type: 'string' }, seed: { type: 'string' }, stop: { type: 'string', multiple: true },
    'ignore-eos': { type: 'boolean' }, ctx: { type: 'string' }, f32: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    threads: { type: 'string' }, kv: { type: 'string' },
  });
  if (v.help) { console.log(HELP); return 0; }
  if (!v.model) throw new UsageError(`--model is required\n\n${HELP}`);
  const steps = intFlag(v.steps, 'steps', 256, 0);
  const temperature = numberFlag(v.temperature, 'temperature', 0, 0);
  const topK = intFlag(v['top-k'], 'top-k', 0, 0);
  const topP = numberFlag(v['top-p'], 'top-p', 1, 0);
  if (topP === 0 || topP > 1) throw new UsageError(`--top-p must be in (0, 1], got ${topP}`);
  const repetitionPenalty = numberFlag(v['repetition-penalty'], 'repetition-penalty', 1, 0);
  if (repetitionPenalty === 0) throw new UsageError('--repetition-penalty must be > 0');
  const seed = intFlag(v.seed, 'seed', 0, 0);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be below 2^53, got ${v.seed}`);
  const contextLength = v.ctx === undefined ? undefined : intFlag(v.ctx, 'ctx', 0, 1);

  const jsonTokenizer = v.tokenizer?.endsWith('.json');
  const model = await loadModelFromPath(v.model, {
    dtype: v.f32 ? 'f32' : 'q8', contextLength, ...threadsFlag(v.threads), ...kvCacheFlag(v.kv),
    tokenizerPath: jsonTokenizer ? undefined : v.tokenizer,
    tokenizer: jsonTokenizer ? tokenizerFromJson(readFileSync(v.tokenizer!, 'utf8')) : undefined,
  }).catch(explainContextError(contextLength));
  if (!model.tokenizer) throw new UsageError('this model carries no tokenizer: pass --tokenizer FILE');

  // As llama2.c does: the prompt, then its continuation as it is generated.
  if (v.prompt) process.stdout.write(v.prompt);
  const result = model.generate(v.prompt ?? '', {
    maxTokens: steps, temperature, topK, topP, repetitionPenalty, seed, stop: v.stop,
    eosIds: v['ignore-eos'] ? [] : undefined,
    onToken: (t) => { if (t.text) process.stdout.write(t.text); },
  });
  await new Promise<void>((done) => process.stdout.write('\n', () => done()));
  const decodeTokens = Math.max(0, result.ids.length - 1);
  console.error(`prompt ${result.promptTokens} tokens (${(result.prefillTokens / (result.prefillMs / 1000)).toFixed(1)} tok/s), ` +
    `generated ${result.ids.length} tokens (${decodeTokens ? (decodeTokens / (result.decodeMs / 1000)).toFixed(1) : '-'} tok/s), ` +
    `stop: ${result.finishReason}`);
  return 0;
}
