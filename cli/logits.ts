// `jsonlm logits`: the logits after the last of the given token ids, as one JSON array on stdout
// (for parity checks against other engines).
import { loadModelFromPath } from '../engine/load-model-node.js';
import { parseFlags, UsageError } from '../cmdline/flags.js';
import { THREADS_HELP, threadsFlag } from './threads.js';
import { KV_HELP, kvCacheFlag } from './kv-cache-flag.js';

const HELP = `usage: jsonlm logits --model PATH --tokens 1,2,3 [--f32] [--tokenizer FILE]

  --model PATH     GGUF file, Hugging Face folder, or llama2.c .bin
  --tokens IDS     comma-separated token ids
  --f32            keep f32 weights (default: int8)
${THREADS_HELP}
${KV_HELP}`;

export function parseTokenList(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new UsageError(`--tokens must be comma-separated non-negative integers, got '${text}'`);
  }
  return parts.map(Number);
}

export async function run(args: string[]): Promise<number> {
  const { values: v } = parseFlags(args, {
    model: { type: 'string' }, tokens: { type: 'string' }, tokenizer: { type: 'string' }, f32: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' }, threads: { type: 'string' }, kv: { type: 'string' },
  });
  if (v.help) { console.log(HELP); return 0; }
  if (!v.model) throw new UsageError(`--model is required\n\n${HELP}`);
  if (v.tokens === undefined) throw new UsageError(`--tokens is required\n\n${HELP}`);
  const ids = parseTokenList(v.tokens);
  const model = await loadModelFromPath(v.model, { dtype: v.f32 ? 'f32' : 'q8', tokenizerPath: v.tokenizer, ...threadsFlag(v.threads), ...kvCacheFlag(v.kv) });
  const logits = model.logits(ids);
  // Shortest round-trip decimal of each f32 (JSON.stringify of the float64 it widens to is exact).
  process.stdout.write(JSON.stringify(Array.from(logits)) + '\n');
  return 0;
}
