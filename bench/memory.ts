// `jsonlm bench memory --model PATH [--ctx N] [--prompt-tokens P] [--gen-tokens G]`: where a model's peak
// RSS goes. Loads the model in this process one stage at a time (the steps loadModel takes) and, after each
// stage, reads the process's memory from /proc/self: resident anonymous and file-backed pages, the peak
// (VmHWM), the WebAssembly memory's own mapping (committed = its size, touched = its resident pages), and
// V8's heap and the bytes of ArrayBuffers outside WebAssembly. Linux only (it reads /proc). The stage rows
// are cumulative, so each row's growth over the previous one is that stage's cost; the peak column shows
// transient memory a stage released again.
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { intFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { Kernels } from '../kernels/kernels.js';
import { placeLayout, readModelLayout } from '../weights/load.js';
import { closeModelSource, readModelSource } from '../weights/node-files.js';
import { tokenizerFromSource } from '../engine/load-model.js';
import { Model } from '../engine/model.js';
import { Prng } from '../random/prng.js';
import type { Matrix, ModelWeights } from '../weights/model-weights.js';
import { markdownTable } from './markdown-table.js';

const KiB = 1024, MiB = 2 ** 20;

interface Snapshot {
  stage: string;
  rssMiB: number;
  anonMiB: number;
  fileMiB: number;
  peakMiB: number;
  wasmCommittedMiB: number;
  wasmTouchedMiB: number | null;
  heapUsedMiB: number;
  /** V8's heap pages in memory (live objects, garbage not yet collected, the young generation's spaces). */
  heapResidentMiB: number;
  arrayBuffersMiB: number;
}

/** kB fields of /proc/self/status. */
function status(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of readFileSync('/proc/self/status', 'utf8').matchAll(/^(\w+):\s+(\d+) kB$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/** Resident bytes of the WebAssembly memory's mapping. V8 reserves the whole wasm32 address space (plus
 * guard pages) and makes the committed prefix read-write, so that prefix is the one read-write anonymous
 * mapping whose size is exactly the memory's byte length. null when it cannot be told apart. */
function wasmResidentBytes(committed: number): number | null {
  const smaps = readFileSync('/proc/self/smaps', 'utf8').split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/);
  const hits = smaps.filter((entry) => {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+) *(.*)$/m.exec(entry);
    if (!head || head[3] !== 'rw-p' || head[4] !== '0' || head[5] !== '') return false;
    return parseInt(head[2], 16) - parseInt(head[1], 16) === committed;
  });
  if (hits.length !== 1) return null;
  const rss = /^Rss:\s+(\d+) kB$/m.exec(hits[0]);
  return rss ? Number(rss[1]) * KiB : null;
}

function snapshot(stage: string, kernels: Kernels | undefined): Snapshot {
  const s = status();
  const mu = process.memoryUsage();
  const committed = kernels ? kernels.reservedBytes : 0;
  const touched = kernels ? wasmResidentBytes(committed) : 0;
  return {
    stage, rssMiB: s.VmRSS * KiB / MiB, anonMiB: s.RssAnon * KiB / MiB, fileMiB: (s.RssFile + (s.RssShmem ?? 0)) * KiB / MiB,
    peakMiB: s.VmHWM * KiB / MiB, wasmCommittedMiB: committed / MiB, wasmTouchedMiB: touched === null ? null : touched / MiB,
    heapUsedMiB: mu.heapUsed / MiB, heapResidentMiB: getHeapStatistics().total_physical_size / MiB,
    // process.memoryUsage().arrayBuffers counts the WebAssembly memory too; leave it out.
    arrayBuffersMiB: Math.max(0, mu.arrayBuffers - committed) / MiB,
  };
}

/** Bytes of the int8 matrices' values and f32 group scales (a tied LM head counted once), and of those a
 * decode step reads: every matrix but an untied embedding table, of which it reads one row. */
export function int8Bytes(weights: ModelWeights): { values: number; scales: number; groups: number; readPerToken: number } {
  const all = new Set<Matrix>([weights.tokenEmbedding, weights.output]);
  for (const l of weights.layers) for (const m of [l.wq, l.wk, l.wv, l.wo, l.wGate, l.wUp, l.wDown]) all.add(m);
  let values = 0, groups = 0, readPerToken = 0;
  for (const m of all) {
    if (m.kind !== 'q8') continue;
    const perRow = Math.ceil(m.cols / m.group);
    values += m.rows * perRow * m.group;
    groups += m.rows * perRow;
    if (m !== weights.tokenEmbedding || m === weights.output) readPerToken += m.rows * perRow * (m.group + 4);
  }
  return { values, scales: groups * 4, groups, readPerToken };
}

const HELP = `usage: jsonlm bench memory --model PATH [--ctx N] [--prompt-tokens P] [--gen-tokens G] [--threads N] [--json FILE]

Loads PATH (GGUF, HF folder, llama2.c .bin) as int8 one stage at a time and prints, after each stage, the
process's resident memory (anonymous, file-backed, peak), the WebAssembly memory committed and touched,
V8's heap and other ArrayBuffers. Linux only. Defaults: --ctx 208, --prompt-tokens 128, --gen-tokens 64
(the context bench decode --vs-llama-cpp gives a 128 + 64 run: prompt + decode + 16).`;

export async function run(args: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags(args, {
    model: { type: 'string' }, ctx: { type: 'string' }, 'prompt-tokens': { type: 'string' }, 'gen-tokens': { type: 'string' },
    threads: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  }, true);
  if (v.help) { console.log(HELP); return 0; }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!v.model) throw new UsageError('bench memory needs --model PATH');
  if (process.platform !== 'linux') throw new UsageError('bench memory reads /proc/self: Linux only');
  const promptTokens = intFlag(v['prompt-tokens'], 'prompt-tokens', 128, 1);
  const genTokens = intFlag(v['gen-tokens'], 'gen-tokens', 64, 1);
  const ctx = intFlag(v.ctx, 'ctx', 208, 1);
  const threads = intFlag(v.threads, 'threads', 1, 1);
  if (promptTokens + genTokens > ctx) throw new UsageError(`--prompt-tokens + --gen-tokens = ${promptTokens + genTokens} does not fit --ctx ${ctx}`);

  const rows: Snapshot[] = [snapshot('Node + CLI modules', undefined)];
  const host = threads > 1 ? (await import('../engine/worker-host-node.js')).nodeWorkerHost : undefined;
  const kernels = await Kernels.create({ threads, host });
  rows.push(snapshot('kernels instantiated', kernels));
  const source = readModelSource(v.model);
  let model: Model;
  let weights: ModelWeights;
  try {
    const layout = readModelLayout(source);
    rows.push(snapshot('file header + metadata parsed', kernels));
    weights = placeLayout(layout, kernels, { dtype: 'q8' });
    rows.push(snapshot('weights placed', kernels));
    const tokenizer = tokenizerFromSource(layout.tokenizerSource);
    rows.push(snapshot('tokenizer built', kernels));
    model = new Model(kernels, weights, tokenizer, { contextLength: ctx, extractionHints: layout.hints });
  } finally {
    closeModelSource(source);
  }
  rows.push(snapshot('run state allocated', kernels));
  const session = model.session;
  rows.push(snapshot(`KV cache allocated (${ctx} positions)`, kernels));
  const prng = new Prng(99);
  const vocab = model.config.vocabSize;
  let logits = session.prefill(Array.from({ length: promptTokens }, () => prng.nextU32() % vocab));
  rows.push(snapshot(`prefill ${promptTokens}`, kernels));
  for (let i = 0; i < genTokens; i++) logits = session.decode(kernels.exports.argmax(logits, vocab));
  rows.push(snapshot(`decode ${genTokens}`, kernels));
  kernels.close();

  const head = ['stage', 'RSS', 'anon', 'file', 'peak (VmHWM)', 'wasm committed', 'wasm touched', 'V8 heap used', 'V8 heap resident',
    'other ArrayBuffers'];
  const f = (x: number | null) => (x === null ? '?' : x.toFixed(1));
  const body = rows.map((r) => [r.stage, f(r.rssMiB), f(r.anonMiB), f(r.fileMiB), f(r.peakMiB), f(r.wasmCommittedMiB), f(r.wasmTouchedMiB),
    f(r.heapUsedMiB), f(r.heapResidentMiB), f(r.arrayBuffersMiB)]);
  console.log(`${v.model}: ${model.config.nLayers} layers, dim ${model.config.dim}, vocab ${vocab}, ctx ${ctx}, Node ${process.version}; MiB`);
  console.log(markdownTable(head, body));
  // f16 scales (what a GGUF Q8_0 block stores) would halve the scales' bytes, in memory and in what each
  // decoded token streams from DRAM.
  const int8 = int8Bytes(weights);
  const readScales = int8.readPerToken / (int8.values + int8.scales) * int8.scales; // scales are the same share of every matrix
  console.log(`int8 matrices: ${f(int8.values / MiB)} MiB of values + ${f(int8.scales / MiB)} MiB of f32 group scales ` +
    `(${int8.groups} groups of ${int8.groups ? Math.round(int8.values / int8.groups) : 0}); f16 scales would save ` +
    `${f(int8.scales / 2 / MiB)} MiB, and ${f(readScales / 2 / MiB)} of the ${f(int8.readPerToken / MiB)} MiB each decoded token reads`);
  if (v.json) {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    mkdirSync(dirname(v.json), { recursive: true });
    writeFileSync(v.json, JSON.stringify({ suite: 'memory', date: new Date().toISOString(), node: process.version, model: v.model, ctx,
      promptTokens, genTokens, threads, stages: rows, int8Bytes: int8 }, null, 2) + '\n');
    console.log(`wrote ${v.json}`);
  }
  return 0;
}
