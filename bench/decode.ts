// `jsonlm bench decode`: end-to-end speed of the engine, one thread. For each model: prefill tokens/s of a
// P-token prompt (one batched pass, int8 matmul), time to first token (that prefill plus the first
// sample), decode tokens/s over G one-token steps (int8 matvec, KV cache), and the process's peak RSS.
// Each model runs in its own child process so peak RSS is that model's alone.
//   --preset smollm-135m|smollm-360m (default: both): seeded random int8 weights at the real SmolLM shapes,
//     placed straight into WebAssembly memory (speed does not depend on the values);
//   --model PATH: any model file jsonlm reads (GGUF, HF folder, llama2.c .bin), loaded as int8.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { intFlag, parseFlags, UsageError } from '../cli/args.js';
import type { LlamaConfig } from '../engine/config.js';
import { loadModelFromPath } from '../engine/load-model-node.js';
import { Model } from '../engine/model.js';
import { Prng } from '../engine/prng.js';
import { Kernels } from '../kernels/kernels.js';
import type { LayerWeights, ModelWeights, Q8Matrix } from '../weights/model-weights.js';

const PRESETS: Record<string, LlamaConfig> = {
  'smollm-135m': {
    architecture: 'llama', dim: 576, hiddenDim: 1536, nLayers: 30, nHeads: 9, nKvHeads: 3, headDim: 64, vocabSize: 49152,
    contextLength: 2048, ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: true,
  },
  'smollm-360m': {
    architecture: 'llama', dim: 960, hiddenDim: 2560, nLayers: 32, nHeads: 15, nKvHeads: 5, headDim: 64, vocabSize: 49152,
    contextLength: 2048, ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: true,
  },
};

export interface DecodeBenchResult {
  model: string;
  params: number;
  weightsMiB: number;
  contextLength: number;
  promptTokens: number;
  genTokens: number;
  loadMs: number;
  prefillTokPerS: number;
  ttftMs: number;
  decodeTokPerS: number;
  peakRssMiB: number;
  wasmMemoryMiB: number;
}

const HELP = `usage: jsonlm bench decode [--preset smollm-135m|smollm-360m | --model PATH] [options]

  --preset NAME        random int8 weights at SmolLM shapes (repeatable; default: both)
  --model PATH         a model file instead (GGUF, HF folder, llama2.c .bin), loaded as int8
  --prompt-tokens N    prompt length (default 128)
  --gen-tokens N       tokens decoded (default 128)
  --ctx N              context length allocated (default: the model's, 2048 for the presets)
  --json FILE          also write the results as JSON (e.g. bench/results/decode.json)`;

/** Seeded random int8 weights (group 32) placed directly in kernel memory. */
export function randomWeights(kernels: Kernels, config: LlamaConfig, seed: number): ModelWeights {
  const prng = new Prng(seed);
  const group = 32;
  const fillBytes = (ptr: number, n: number) => {
    const words = kernels.u32(ptr, n >>> 2);
    for (let i = 0; i < words.length; i++) words[i] = prng.nextU32();
  };
  const matrix = (rows: number, cols: number): Q8Matrix => {
    const groups = Math.ceil(cols / group);
    const q = kernels.alloc(rows * groups * group);
    const scales = kernels.alloc(rows * groups * 4);
    fillBytes(q, rows * groups * group);
    // Scales so that a row's dot product with a unit-RMS input stays O(1): values ~ U(-1,1) / sqrt(cols).
    kernels.f32(scales, rows * groups).fill(1 / (127 * Math.sqrt(cols)));
    return { kind: 'q8', rows, cols, group, q, scales };
  };
  const ones = (n: number) => { const p = kernels.alloc(n * 4); kernels.f32(p, n).fill(1); return p; };
  const { dim, hiddenDim, nHeads, nKvHeads, headDim } = config;
  const tokenEmbedding = matrix(config.vocabSize, dim);
  const layers: LayerWeights[] = [];
  for (let l = 0; l < config.nLayers; l++) {
    layers.push({
      attnNorm: ones(dim), wq: matrix(nHeads * headDim, dim), wk: matrix(nKvHeads * headDim, dim),
      wv: matrix(nKvHeads * headDim, dim), wo: matrix(dim, nHeads * headDim), ffnNorm: ones(dim),
      wGate: matrix(hiddenDim, dim), wUp: matrix(hiddenDim, dim), wDown: matrix(dim, hiddenDim),
    });
  }
  return { config, tokenEmbedding, layers, finalNorm: ones(dim), output: tokenEmbedding };
}

function paramCount(c: LlamaConfig): number {
  const kv = c.nKvHeads * c.headDim, q = c.nHeads * c.headDim;
  const layer = 2 * c.dim + c.dim * q * 2 + c.dim * kv * 2 + 3 * c.dim * c.hiddenDim;
  return c.vocabSize * c.dim * (c.tiedEmbeddings ? 1 : 2) + c.nLayers * layer + c.dim;
}

/** One model, in this process. */
async function measure(name: string, opts: { model?: string; promptTokens: number; genTokens: number; ctx?: number }):
  Promise<DecodeBenchResult> {
  const t0 = performance.now();
  let model: Model;
  if (opts.model) {
    model = await loadModelFromPath(opts.model, { dtype: 'q8', contextLength: opts.ctx });
  } else {
    const config = PRESETS[name];
    const kernels = await Kernels.create();
    model = new Model(kernels, randomWeights(kernels, config, 1234), undefined, { contextLength: opts.ctx });
  }
  const loadMs = performance.now() - t0;
  const c = model.config;
  const needed = opts.promptTokens + opts.genTokens;
  if (needed > model.contextLength) {
    throw new UsageError(`--prompt-tokens + --gen-tokens = ${needed} does not fit the context of ${model.contextLength}`);
  }
  const prng = new Prng(99);
  const prompt = Array.from({ length: opts.promptTokens }, () => prng.nextU32() % c.vocabSize);
  const k = model.kernels.exports;

  // Warm-up in a throwaway session: lets the engine tier the WebAssembly code up before timing.
  const warm = model.createSession({ contextLength: Math.min(model.contextLength, 64) });
  warm.prefill(prompt.slice(0, Math.min(16, prompt.length)));
  for (let i = 0; i < 4; i++) warm.decode(1);

  const session = model.session;
  let t = performance.now();
  let logits = session.prefill(prompt);
  let next = k.argmax(logits, c.vocabSize);
  const ttftMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < opts.genTokens; i++) {
    logits = session.decode(next);
    next = k.argmax(logits, c.vocabSize);
  }
  const decodeMs = performance.now() - t;
  const weightsBytes = model.kernels.usedBytes;
  return {
    model: name, params: paramCount(c), weightsMiB: weightsBytes / 2 ** 20, contextLength: model.contextLength,
    promptTokens: opts.promptTokens, genTokens: opts.genTokens, loadMs,
    prefillTokPerS: opts.promptTokens / (ttftMs / 1000), ttftMs, decodeTokPerS: opts.genTokens / (decodeMs / 1000),
    peakRssMiB: process.resourceUsage().maxRSS / 1024, wasmMemoryMiB: model.kernels.reservedBytes / 2 ** 20,
  };
}

function table(rows: DecodeBenchResult[]): string {
  const head = ['model', 'params', 'ctx', 'prompt', 'gen', 'load ms', 'prefill tok/s', 'TTFT ms', 'decode tok/s', 'peak RSS MiB'];
  const body = rows.map((r) => [r.model, `${(r.params / 1e6).toFixed(1)}M`, String(r.contextLength), String(r.promptTokens),
    String(r.genTokens), r.loadMs.toFixed(0), r.prefillTokPerS.toFixed(1), r.ttftMs.toFixed(1), r.decodeTokPerS.toFixed(1),
    r.peakRssMiB.toFixed(1)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
  return [line(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...body.map(line)].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const { values: v } = parseFlags(args, {
    preset: { type: 'string', multiple: true }, model: { type: 'string' }, 'prompt-tokens': { type: 'string' },
    'gen-tokens': { type: 'string' }, ctx: { type: 'string' }, json: { type: 'string' }, child: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) { console.log(HELP); return 0; }
  const promptTokens = intFlag(v['prompt-tokens'], 'prompt-tokens', 128, 1);
  const genTokens = intFlag(v['gen-tokens'], 'gen-tokens', 128, 1);
  const ctx = v.ctx === undefined ? undefined : intFlag(v.ctx, 'ctx', 0, 1);
  if (v.model && v.preset) throw new UsageError('give either --model or --preset, not both');
  for (const p of v.preset ?? []) {
    if (!PRESETS[p]) throw new UsageError(`unknown --preset '${p}' (choose ${Object.keys(PRESETS).join(', ')})`);
  }
  const names = v.model ? [v.model] : v.preset ?? Object.keys(PRESETS);

  if (v.child) { // one model, result as JSON on stdout
    const r = await measure(names[0], { model: v.model, promptTokens, genTokens, ctx });
    process.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  }
  const results: DecodeBenchResult[] = [];
  for (const name of names) {
    const childArgs = [process.argv[1], 'bench', 'decode', '--child', v.model ? '--model' : '--preset', name,
      '--prompt-tokens', String(promptTokens), '--gen-tokens', String(genTokens), ...(ctx ? ['--ctx', String(ctx)] : [])];
    const out = spawnSync(process.execPath, childArgs, { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (out.status !== 0) throw new Error(`bench child for ${name} failed (exit ${out.status}): ${out.stderr.trim()}`);
    results.push(JSON.parse(out.stdout.trim().split('\n').pop()!));
    console.error(`${name}: done`);
  }
  console.log(table(results));
  if (v.json) {
    mkdirSync(dirname(v.json), { recursive: true });
    writeFileSync(v.json, JSON.stringify({
      suite: 'decode', date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, threads: 1,
      weights: v.model ? 'file, int8 (q8, group 32 / Q8_0)' : 'seeded random int8 (group 32) at SmolLM shapes', results,
    }, null, 2) + '\n');
    console.log(`wrote ${v.json}`);
  }
  return 0;
}
