// `jsonlm bench decode`: end-to-end speed of the engine, one thread. For each model: prefill tokens/s of a
// P-token prompt (one batched pass, int8 matmul), time to first token (that prefill plus the first
// sample), decode tokens/s over G one-token steps (int8 matvec, KV cache), and the process's peak RSS.
// Each model runs in its own child process so peak RSS is that model's alone.
//   --preset smollm-135m|smollm-360m (default: both): seeded random int8 weights at the real SmolLM shapes,
//     placed straight into WebAssembly memory (speed does not depend on the values);
//   --model PATH: any model file jsonlm reads (GGUF, HF folder, llama2.c .bin), loaded as int8;
//   --browser: the presets in headless Chromium (one page per model; memory is the peak of the PSS summed
//     over all of the browser's processes, sampled every 50 ms).
// The module is browser-safe at the top level (Node modules are imported inside run()), so the same
// measurement runs in headless Chromium with --browser.
import type { LlamaConfig } from '../weights/config.js';
import { Model } from '../engine/model.js';
import { Prng } from '../random/prng.js';
import { Kernels } from '../kernels/kernels.js';
import type { LayerWeights, ModelWeights, Q8Matrix } from '../weights/model-weights.js';
import { leanChild, measureInChild } from './decode-child.js';
import type { DecodeBenchResult, MeasureOptions } from './decode-result.js';
import { markdownTable } from './markdown-table.js';

export const PRESETS: Record<string, LlamaConfig> = {
  'smollm-135m': {
    architecture: 'llama', dim: 576, hiddenDim: 1536, nLayers: 30, nHeads: 9, nKvHeads: 3, headDim: 64, vocabSize: 49152,
    contextLength: 2048, ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: true,
  },
  'smollm-360m': {
    architecture: 'llama', dim: 960, hiddenDim: 2560, nLayers: 32, nHeads: 15, nKvHeads: 5, headDim: 64, vocabSize: 49152,
    contextLength: 2048, ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: true,
  },
};

const HELP = `usage: jsonlm bench decode [--preset smollm-135m|smollm-360m | --model PATH] [options]

  --preset NAME        random int8 weights at SmolLM shapes (repeatable; default: both)
  --model PATH         a model file instead (GGUF, HF folder, llama2.c .bin), loaded as int8
  --prompt-tokens N    prompt length (default 128)
  --gen-tokens N       tokens decoded (default 128)
  --ctx N              context length allocated (default: the model's, 2048 for the presets)
  --json FILE          also write the results as JSON (e.g. bench/results/decode.json)
  --threads N[,M..]    worker threads for the int8 products, each count measured in turn (default: the
                       cores available; logits are identical for any count)
  --node PATH          run the measured child processes under this Node binary (default: this one), e.g.
                       a newer Node whose V8 runs the relaxed-SIMD kernels; the output says which ran

  --vs-llama-cpp       compare with llama.cpp on the same random GGUF files (135M and 360M shapes,
                       1 and 2 threads, interleaved rounds; ratios with medians and spread). Builds llama.cpp
                       once from the source bundled in the npm package node-llama-cpp (not a dependency):
  --node-llama-cpp DIR   where node-llama-cpp is installed (or $NODE_LLAMA_CPP)
  --cache DIR            cache for the llama.cpp build and the GGUF files (default $JSONLM_CACHE,
                         $XDG_CACHE_HOME/jsonlm or ~/.cache/jsonlm)
  --llama-cpp-dir DIR    an existing llama.cpp checkout with build/bin/llama-bench (default: CACHE/llama.cpp)
  --rounds N             interleaved rounds (default 5)
  --types LIST           weight types, each its own GGUF file (default q8_0; q8_0,q4_0 adds Q4_0, which
                         jsonlm keeps packed at 4 bits per weight)
  --threads LIST         thread counts to compare, for both engines (default 1,2)`;

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

/** Builds a preset's random model in this environment (Node or a browser page) and measures it. */
export async function measurePreset(name: string, opts: MeasureOptions): Promise<DecodeBenchResult> {
  const config = PRESETS[name];
  if (!config) throw new Error(`unknown preset '${name}'`);
  const t0 = performance.now();
  const threads = opts.threads ?? 1;
  // Worker threads exist only in Node here (the browser bench runs one thread).
  const host = threads > 1 ? (await import('../engine/worker-host-node.js')).nodeWorkerHost : undefined;
  const kernels = await Kernels.create({ threads, host });
  const model = new Model(kernels, randomWeights(kernels, config, 1234), undefined, { contextLength: opts.ctx });
  return measureModel(name, model, performance.now() - t0, opts);
}

/** Prefill of a random prompt, then greedy decode, timed after a short warm-up. */
export function measureModel(name: string, model: Model, loadMs: number, opts: MeasureOptions): DecodeBenchResult {
  const c = model.config;
  const needed = opts.promptTokens + opts.genTokens;
  if (needed > model.contextLength) {
    throw new Error(`--prompt-tokens + --gen-tokens = ${needed} does not fit the context of ${model.contextLength}`);
  }
  const prng = new Prng(99);
  const prompt = Array.from({ length: opts.promptTokens }, () => prng.nextU32() % c.vocabSize);
  const k = model.kernels.exports;

  // Warm-up (lets the engine tier the WebAssembly code up before timing) in the session the run uses, so
  // it touches no extra KV memory; reset() makes the timed prefill start from nothing.
  const session = model.session;
  session.prefill(prompt.slice(0, Math.min(16, prompt.length)));
  for (let i = 0; i < 4; i++) session.decode(1);
  session.reset();

  const g = globalThis as {
    process?: { resourceUsage?: () => { maxRSS: number }; cpuUsage?: () => { user: number; system: number }; version?: string };
    navigator?: { userAgent: string };
  };
  const cpuMs = () => { const u = g.process?.cpuUsage?.(); return u ? (u.user + u.system) / 1000 : NaN; };
  let cpu = cpuMs();
  let t = performance.now();
  let logits = session.prefill(prompt);
  let next = k.argmax(logits, c.vocabSize);
  const ttftMs = performance.now() - t;
  const prefillCpuMs = cpuMs() - cpu;
  cpu = cpuMs();
  t = performance.now();
  for (let i = 0; i < opts.genTokens; i++) {
    logits = session.decode(next);
    next = k.argmax(logits, c.vocabSize);
  }
  const decodeMs = performance.now() - t;
  const decodeCpuMs = cpuMs() - cpu;
  const perCpuS = (n: number, ms: number) => (Number.isFinite(ms) && ms > 0 ? n / (ms / 1000) : null);
  const rss = g.process?.resourceUsage ? g.process.resourceUsage().maxRSS / 1024 : null;
  return {
    model: name, params: paramCount(c), wasmAllocatedMiB: model.kernels.usedBytes / 2 ** 20, contextLength: model.contextLength,
    promptTokens: opts.promptTokens, genTokens: opts.genTokens, loadMs,
    prefillTokPerS: opts.promptTokens / (ttftMs / 1000), ttftMs, decodeTokPerS: opts.genTokens / (decodeMs / 1000),
    peakRssMiB: rss, prefillTokPerCpuS: perCpuS(opts.promptTokens, prefillCpuMs),
    decodeTokPerCpuS: perCpuS(opts.genTokens, decodeCpuMs), wasmMemoryMiB: model.kernels.reservedBytes / 2 ** 20,
    threads: model.kernels.threads, relaxedSimd: model.kernels.relaxedSimd,
    environment: g.process?.version ? `node ${g.process.version}` : g.navigator?.userAgent ?? 'unknown',
  };
}

function table(rows: DecodeBenchResult[]): string {
  const head = ['model', 'threads', 'params', 'ctx', 'prompt', 'gen', 'load ms', 'prefill tok/s', 'TTFT ms', 'decode tok/s',
    'prefill tok/cpu-s', 'decode tok/cpu-s', 'peak RSS MiB'];
  const opt = (x: number | null) => (x === null ? '-' : x.toFixed(1));
  const body = rows.map((r) => [r.model, String(r.threads ?? 1), `${(r.params / 1e6).toFixed(1)}M`, String(r.contextLength), String(r.promptTokens),
    String(r.genTokens), r.loadMs.toFixed(0), r.prefillTokPerS.toFixed(1), r.ttftMs.toFixed(1), r.decodeTokPerS.toFixed(1),
    opt(r.prefillTokPerCpuS), opt(r.decodeTokPerCpuS),
    r.peakRssMiB === null ? '-' : r.peakRssMiB.toFixed(1)]);
  return markdownTable(head, body);
}

/** Runs presets in headless Chromium: the measurement bundled for the browser, one fresh page each. */
async function runInChromium(names: string[], opts: MeasureOptions): Promise<DecodeBenchResult[]> {
  const { build } = await import('esbuild');
  const { readFileSync, readdirSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const { chromium } = await import('playwright-core');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const bundle = await build({
    stdin: { contents: "import { measurePreset } from './bench/decode.ts'; globalThis.jsonlmBench = measurePreset;", resolveDir: root, loader: 'ts' },
    bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent', external: ['node:*', 'esbuild', 'playwright-core'],
  });
  const script = bundle.outputFiles[0].text;
  const executablePath = process.env.JSONLM_CHROMIUM ?? '/usr/bin/chromium';
  // RSS of every process of this browser (all descendants of this Node process), summed, sampled every 50 ms.
  const descendants = (): string[] => {
    const parent = new Map<string, string>();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try { parent.set(d, readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]); } catch { /* gone */ }
    }
    const mine = new Set([String(process.pid)]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, ppid] of parent) if (!mine.has(pid) && mine.has(ppid)) { mine.add(pid); grew = true; }
    }
    mine.delete(String(process.pid));
    return [...mine];
  };
  const browser = await chromium.launch({ executablePath, timeout: 60_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  // PSS (proportional set size) rather than RSS: pages shared between the browser's processes count once.
  const rssMiB = () => descendants().reduce((sum, pid) => {
    try { return sum + Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024; } catch { return sum; }
  }, 0);
  const results: DecodeBenchResult[] = [];
  try {
    for (const name of names) {
      const page = await browser.newPage();
      let peak = rssMiB();
      const timer = setInterval(() => { peak = Math.max(peak, rssMiB()); }, 50);
      try {
        await page.addScriptTag({ content: script });
        const r = await page.evaluate(`globalThis.jsonlmBench(${JSON.stringify(name)}, ${JSON.stringify(opts)})`) as DecodeBenchResult;
        peak = Math.max(peak, rssMiB());
        results.push({ ...r, peakRssMiB: peak, environment: `chromium ${browser.version()}` });
      } finally {
        clearInterval(timer);
        await page.close();
      }
      console.error(`${name} (chromium): done`);
    }
  } finally {
    await browser.close();
  }
  return results;
}

export async function run(args: string[]): Promise<number> {
  const { intFlag, parseFlags, UsageError } = await import('../cmdline/flags.js');
  const { values: v } = parseFlags(args, {
    preset: { type: 'string', multiple: true }, model: { type: 'string' }, 'prompt-tokens': { type: 'string' },
    'gen-tokens': { type: 'string' }, ctx: { type: 'string' }, json: { type: 'string' }, child: { type: 'boolean' },
    browser: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    'vs-llama-cpp': { type: 'boolean' }, 'node-llama-cpp': { type: 'string' }, cache: { type: 'string' },
    'llama-cpp-dir': { type: 'string' }, rounds: { type: 'string' }, threads: { type: 'string' }, types: { type: 'string' }, node: { type: 'string' },
  });
  if (v.help) { console.log(HELP); return 0; }
  const vsOnly = ['node-llama-cpp', 'cache', 'llama-cpp-dir', 'rounds', 'types'] as const;
  for (const f of vsOnly) if (v[f] !== undefined && !v['vs-llama-cpp']) throw new UsageError(`--${f} goes with --vs-llama-cpp`);
  const promptTokens = intFlag(v['prompt-tokens'], 'prompt-tokens', 128, 1);
  const genTokens = intFlag(v['gen-tokens'], 'gen-tokens', 128, 1);
  const ctx = v.ctx === undefined ? undefined : intFlag(v.ctx, 'ctx', 0, 1);
  if (v.model && v.preset) throw new UsageError('give either --model or --preset, not both');
  if (v.model && v.browser) throw new UsageError('--browser runs the presets only, not --model');
  for (const p of v.preset ?? []) {
    if (!PRESETS[p]) throw new UsageError(`unknown --preset '${p}' (choose ${Object.keys(PRESETS).join(', ')})`);
  }
  if (v.node !== undefined && (v.browser || v.child)) throw new UsageError('--node picks the Node that runs the measurement: not with --browser or --child');
  const node = v.node === undefined ? undefined : (await import('./node-binary.js')).checkNodeBinary(v.node).path;
  if (v['vs-llama-cpp']) {
    if (v.model || v.browser || v.child) throw new UsageError('--vs-llama-cpp runs its own GGUF files in Node: drop --model/--browser');
    const { compareWithLlamaCpp, parseThreadList, parseTypeList } = await import('./vs-llama-cpp.js');
    return compareWithLlamaCpp({
      presets: v.preset ?? Object.keys(PRESETS), promptTokens, genTokens, rounds: intFlag(v.rounds, 'rounds', 5, 1),
      threads: parseThreadList(v.threads ?? '1,2'), types: parseTypeList(v.types ?? 'q8_0'), cache: v.cache, llamaCppDir: v['llama-cpp-dir'], nodeLlamaCpp: v['node-llama-cpp'],
      json: v.json, node,
    });
  }
  const names = v.model ? [v.model] : v.preset ?? Object.keys(PRESETS);
  const { parseThreadList } = await import('./vs-llama-cpp.js');
  const { defaultThreads } = await import('../engine/worker-host-node.js');
  const threadList = parseThreadList(v.threads ?? String(v.browser ? 1 : defaultThreads()));
  if (v.browser && threadList.some((t) => t > 1)) throw new UsageError('--browser runs one thread');
  if (v.child && threadList.length > 1) throw new UsageError('--child runs one thread count');
  const opts: MeasureOptions = { promptTokens, genTokens, ctx, threads: threadList[0] };
  if (ctx !== undefined && promptTokens + genTokens > ctx) {
    throw new UsageError(`--prompt-tokens + --gen-tokens = ${promptTokens + genTokens} does not fit --ctx ${ctx}`);
  }

  if (v.child) { // one model in this process, the result as JSON on stdout
    let r: DecodeBenchResult;
    if (v.model) {
      const { loadModelFromPath } = await import('../engine/load-model-node.js');
      const t0 = performance.now();
      const model = await loadModelFromPath(v.model, { dtype: 'q8', contextLength: ctx, threads: opts.threads });
      r = measureModel(v.model, model, performance.now() - t0, opts);
    } else {
      r = await measurePreset(names[0], opts);
    }
    process.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  }
  let results: DecodeBenchResult[] = [];
  if (v.browser) {
    results = await runInChromium(names, opts);
  } else {
    // Each model runs in a lean child (just the engine, its file loader and this file, bundled on the fly)
    // when esbuild and the sources are at hand, so peak RSS is the engine's and not the CLI's other
    // modules' (ajv and the CLI's code: ~15 MiB, see bench memory); otherwise the child is the CLI itself.
    const lean = await leanChild();
    for (const name of names) {
      for (const threads of threadList) {
        results.push(await measureInChild(name, !!v.model, { ...opts, threads }, lean, node));
        console.error(`${name} ${threads}T: done`);
      }
    }
    if (lean) (await import('node:fs')).rmSync(lean, { force: true });
  }
  console.log(table(results));
  if (!v.browser) {
    const { ranOn } = await import('./vs-llama-cpp.js');
    console.log(`ran on ${ranOn(results)}`);
    console.log(results.every((r) => r.child === 'lean')
      ? 'peak RSS: Node + the engine (lean child: the CLI\'s other modules are not loaded)'
      : 'peak RSS: Node + the whole CLI');
  }
  if (v.json) {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    const { cpus, loadavg } = await import('node:os');
    mkdirSync(dirname(v.json), { recursive: true });
    writeFileSync(v.json, JSON.stringify({
      suite: 'decode', date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, threads: threadList,
      loadAverage1m: loadavg()[0], environment: v.browser ? 'chromium' : 'node',
      weights: v.model ? 'file, int8 (q8, group 32 / Q8_0)' : 'seeded random int8 (group 32) at SmolLM shapes', results,
    }, null, 2) + '\n');
    console.log(`wrote ${v.json}`);
  }
  return 0;
}
