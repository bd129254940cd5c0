// `jsonlm bench kernels [--json FILE] [--quick] [--clock wall|cpu]`: tinybench timings of the WebAssembly
// kernels at SmolLM-135M and SmolLM-360M shapes, with speed-ups over the scalar TS reference
// (kernels/reference.ts) and, for the int8 matvec, over a plain-JS Int8Array loop. Prints a table and writes
// JSON, so two boards compare with one command. Single thread. Times are medians; on a shared machine
// `--clock cpu` times with this process's CPU time, which leaves out the time other processes hold the core
// (but not their cache and memory-bandwidth pressure).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
// tinybench is a dev dependency: imported when the suite runs, so the CLI bundle works without it.
type Bench = import('tinybench').Bench;
let BenchClass: typeof import('tinybench').Bench | undefined;
import { UsageError, parseFlags } from '../cmdline/flags.js';
import { Kernels, type Ptr } from '../kernels/kernels.js';
import {
  attentionF64, matvecF64, matvecQ8F32, q8Shape, rmsnormF64, ropeF64, softmaxF64,
} from '../kernels/reference.js';
import { mulberry32Unit } from '../random/prng.js';
import { benchWholeModelQ4 } from './kernels-q4.js';
import { upperMedian as median } from './median.js';


interface Row {
  kernel: string;
  shape: string;
  /** Mean time per call, microseconds. */
  us: number;
  /** Work rate in `unit` (GMAC/s for products, GB/s or Melem/s elsewhere). */
  rate: number;
  unit: string;
  /** How many times faster than the scalar TS reference / a plain-JS Int8Array loop (undefined: not measured). */
  vsScalar?: number;
  vsPlainJs?: number;
  note?: string;
}

interface Timing { budgetMs: number; minIterations: number }

let clock: (() => number) | undefined; // undefined: tinybench's wall clock

/** This process's CPU time in ms (user + system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median milliseconds per call of fn, by tinybench. Fast kernels run in batches of at least ~0.2 ms per
 * sample, so the clock's resolution (1 us for CPU time) stays small next to what it measures. */
function measure(name: string, fn: () => void, t: Timing): number {
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= 0.2 || batch >= 1 << 20) break;
    batch *= dt > 0.02 ? Math.ceil(0.25 / dt) : 16;
  }
  if (!BenchClass) throw new Error('bench kernels: tinybench is not loaded');
  const bench: Bench = new BenchClass({
    time: t.budgetMs, iterations: t.minIterations, warmupTime: Math.min(50, t.budgetMs / 4), warmupIterations: 1, throws: true,
    ...(clock ? { now: clock } : {}),
  });
  bench.add(name, batch === 1 ? fn : () => { for (let i = 0; i < batch; i++) fn(); });
  const [task] = bench.runSync();
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`bench ${name}: ${result.state}`);
  return result.latency.p50 / batch;
}

/** Fills a byte range of wasm memory with seeded noise (int8 weights) without a JS-side copy. */
function fillBytes(k: Kernels, ptr: Ptr, bytes: number, seed: number): void {
  const words = k.u32(ptr, bytes >>> 2);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    // Keep every byte in [-127, 127]: quantized values never hold -128.
    words[i] = s & 0x7f7f7f7f ^ (s & 0x80808080);
  }
  if (bytes & 3) k.u8(ptr + (bytes & ~3), bytes & 3).fill(1);
}

function fillF32(k: Kernels, ptr: Ptr, n: number, seed: number, scale = 1): void {
  const r = mulberry32Unit(seed);
  const v = k.f32(ptr, n);
  for (let i = 0; i < n; i++) v[i] = (r() * 2 - 1) * scale;
}

interface Q8Operand { q: Ptr; scales: Ptr; rows: number; cols: number; groups: number; rowStride: number }

function q8Operand(k: Kernels, rows: number, cols: number, group: number, seed: number): Q8Operand {
  const { groups, rowStride } = q8Shape(cols, group);
  const q = k.alloc(rows * rowStride, 64);
  const scales = k.alloc(rows * groups * 4, 64);
  fillBytes(k, q, rows * rowStride, seed);
  for (let r = 0; r < rows; r++) k.u8(q + r * rowStride + cols, rowStride - cols).fill(0);
  fillF32(k, scales, rows * groups, seed + 1, 0.01);
  return { q, scales, rows, cols, groups, rowStride };
}

/** The baseline a JS programmer would write: Int8Array views, integer dot per group, f32-ish accumulate. */
function plainJsMatvecQ8(out: Float32Array, wq: Int8Array, ws: Float32Array, xq: Int8Array, xs: Float32Array,
  rows: number, groups: number, group: number): void {
  const rowStride = groups * group;
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    const base = r * rowStride;
    for (let g = 0; g < groups; g++) {
      let dot = 0;
      const o = base + g * group, xo = g * group;
      for (let j = 0; j < group; j++) dot += wq[o + j] * xq[xo + j];
      acc += ws[r * groups + g] * xs[g] * dot;
    }
    out[r] = acc;
  }
}

const GROUP = 32;
const SHAPES_Q8: [rows: number, cols: number, what: string][] = [
  [576, 1536, '135M down'], [1536, 576, '135M gate/up'], [49152, 576, '135M LM head'],
  [960, 2560, '360M down'], [2560, 960, '360M gate/up'],
];

function benchMatvecQ8(k: Kernels, t: Timing, slow: Timing, rows: Row[]): void {
  for (const [r, c, what] of SHAPES_Q8) {
    const m = k.mark();
    const w = q8Operand(k, r, c, GROUP, r * 7 + c);
    const x = q8Operand(k, 1, c, GROUP, c + 3);
    const out = k.alloc(r * 4);
    const wasm = measure('matvec_q8', () => k.exports.matvec_q8(out, w.q, w.scales, x.q, x.scales, r, c, GROUP), t);
    // JS baselines on copies (their own heap arrays, as a JS implementation would hold them).
    const wq = k.i8(w.q, r * w.rowStride).slice(), ws = k.f32(w.scales, r * w.groups).slice();
    const xq = k.i8(x.q, x.rowStride).slice(), xs = k.f32(x.scales, x.groups).slice();
    const jsOut = new Float32Array(r);
    const plain = measure('plain JS', () => plainJsMatvecQ8(jsOut, wq, ws, xq, xs, r, w.groups, GROUP), slow);
    const scalar = measure('scalar ref', () => matvecQ8F32(wq, ws, xq, xs, r, c, GROUP), slow);
    const macs = r * c;
    rows.push({ kernel: 'matvec_q8', shape: `${r}x${c} (${what})`, us: wasm * 1e3, rate: macs / wasm / 1e6, unit: 'GMAC/s', vsScalar: scalar / wasm, vsPlainJs: plain / wasm });
    k.release(m);
  }
}

/** matmul_q8 over ntok tokens vs ntok matvec_q8 calls: the prefill speed-up per token. */
function benchMatmulQ8(k: Kernels, t: Timing, ntok: number, rows: Row[]): void {
  for (const [r, c, what] of SHAPES_Q8) {
    if (r * c * ntok > 2e9) continue; // the LM head is applied to one position per prompt anyway
    const m = k.mark();
    const w = q8Operand(k, r, c, GROUP, r + c);
    const x = q8Operand(k, ntok, c, GROUP, c);
    const out = k.alloc(r * ntok * 4);
    const mm = measure('matmul_q8', () => k.exports.matmul_q8(out, w.q, w.scales, x.q, x.scales, r, c, GROUP, ntok), t);
    const mv = measure('matvec_q8 x ntok', () => {
      for (let i = 0; i < ntok; i++) k.exports.matvec_q8(out + i * r * 4, w.q, w.scales, x.q + i * x.rowStride, x.scales + i * x.groups * 4, r, c, GROUP);
    }, t);
    const bytes = k.exports.matmul_q8_scratch_bytes(c, GROUP, ntok);
    const scratch = k.alloc(bytes);
    const tl = measure('matmul_q8_tiled', () => k.exports.matmul_q8_tiled(out, w.q, w.scales, x.q, x.scales, r, c, GROUP, ntok, scratch, bytes), t);
    rows.push({ kernel: 'matmul_q8', shape: `${r}x${c} x ${ntok} tok (${what})`, us: mm * 1e3, rate: (r * c * ntok) / mm / 1e6, unit: 'GMAC/s',
      note: `${(mv / mm).toFixed(2)}x per token vs matvec_q8` });
    rows.push({ kernel: 'matmul_q8_tiled', shape: `${r}x${c} x ${ntok} tok (${what})`, us: tl * 1e3, rate: (r * c * ntok) / tl / 1e6, unit: 'GMAC/s',
      note: `${(mv / tl).toFixed(2)}x per token vs matvec_q8` });
    k.release(m);
  }
}

function benchMatvecF32(k: Kernels, t: Timing, slow: Timing, rows: Row[]): void {
  for (const [r, c, what] of [[576, 1536, '135M down'], [1536, 576, '135M gate/up']] as const) {
    const m = k.mark();
    const w = k.alloc(r * c * 4), x = k.alloc(c * 4), out = k.alloc(r * 4);
    fillF32(k, w, r * c, 1); fillF32(k, x, c, 2);
    const wasm = measure('matvec_f32', () => k.exports.matvec_f32(out, w, x, r, c), t);
    const wj = k.f32(w, r * c).slice(), xj = k.f32(x, c).slice();
    const scalar = measure('scalar ref', () => matvecF64(wj, xj, r, c), slow);
    rows.push({ kernel: 'matvec_f32', shape: `${r}x${c} (${what})`, us: wasm * 1e3, rate: r * c / wasm / 1e6, unit: 'GMAC/s', vsScalar: scalar / wasm });
    k.release(m);
  }
}

function benchSmallOps(k: Kernels, t: Timing, slow: Timing, rows: Row[]): void {
  const m = k.mark();
  for (const n of [576, 960]) {
    const x = k.alloc(n * 4), w = k.alloc(n * 4), out = k.alloc(n * 4);
    fillF32(k, x, n, 3); fillF32(k, w, n, 4);
    const wasm = measure('rmsnorm', () => k.exports.rmsnorm(out, x, w, n, 1e-5, 1), t);
    const xj = k.f32(x, n).slice(), wj = k.f32(w, n).slice();
    const scalar = measure('scalar', () => rmsnormF64(xj, wj, n, 1e-5, 1), slow);
    rows.push({ kernel: 'rmsnorm', shape: `${n}`, us: wasm * 1e3, rate: n * 12 / wasm / 1e6, unit: 'GB/s', vsScalar: scalar / wasm });
  }
  for (const [nHeads, headDim] of [[9, 64], [15, 64]]) {
    const maxPos = 2048, half = headDim / 2;
    const cos = k.alloc(maxPos * half * 4), sin = k.alloc(maxPos * half * 4), x = k.alloc(nHeads * headDim * 4);
    k.exports.rope_table(cos, sin, maxPos, headDim, 1e4);
    fillF32(k, x, nHeads * headDim, 5);
    const wasm = measure('rope', () => k.exports.rope(x, 1, nHeads, headDim, nHeads * headDim, 1000, cos, sin, 1), t);
    const xj = k.f32(x, nHeads * headDim).slice(), cj = k.f32(cos, maxPos * half).slice(), sj = k.f32(sin, maxPos * half).slice();
    const scalar = measure('scalar', () => ropeF64(xj, 1, nHeads, headDim, nHeads * headDim, 1000, cj, sj, 1), slow);
    const elems = nHeads * headDim;
    rows.push({ kernel: 'rope', shape: `${nHeads}x${headDim}`, us: wasm * 1e3, rate: elems / wasm / 1e3, unit: 'Melem/s', vsScalar: scalar / wasm });
  }
  {
    const n = 49152;
    const x = k.alloc(n * 4);
    fillF32(k, x, n, 6, 10);
    const src = k.f32(x, n).slice();
    // softmax is in place: refill from a saved copy each call (the copy is timed too, and is small next to exp).
    const wasm = measure('softmax', () => { k.f32(x, n).set(src); k.exports.softmax(x, n); }, t);
    const scalar = measure('scalar', () => softmaxF64(src), slow);
    rows.push({ kernel: 'softmax', shape: `${n} (vocab)`, us: wasm * 1e3, rate: n / wasm / 1e3, unit: 'Melem/s', vsScalar: scalar / wasm });
  }
  k.release(m);
}

function benchAttention(k: Kernels, t: Timing, slow: Timing, contexts: number[], rows: Row[]): void {
  for (const [nHeads, nKv, label] of [[9, 3, '135M'], [15, 5, '360M']] as const) {
    for (const ctx of contexts) {
      const m = k.mark();
      const headDim = 64, kvRow = nKv * headDim;
      const q = k.alloc(nHeads * headDim * 4), kc = k.alloc(ctx * kvRow * 4), vc = k.alloc(ctx * kvRow * 4);
      const out = k.alloc(nHeads * headDim * 4), scratch = k.alloc(ctx * 4);
      fillF32(k, q, nHeads * headDim, 7); fillF32(k, kc, ctx * kvRow, 8); fillF32(k, vc, ctx * kvRow, 9);
      const wasm = measure('attention', () => k.exports.attention(out, q, kc, vc, 1, ctx - 1, nHeads, nKv, headDim, kvRow, scratch), t);
      const qj = k.f32(q, nHeads * headDim).slice(), kj = k.f32(kc, ctx * kvRow).slice(), vj = k.f32(vc, ctx * kvRow).slice();
      const scalar = measure('scalar', () => attentionF64(qj, kj, vj, 1, ctx - 1, nHeads, nKv, headDim, kvRow), slow);
      const macs = 2 * nHeads * headDim * ctx;
      rows.push({ kernel: 'attention', shape: `${label} ${nHeads}/${nKv}x64, ctx ${ctx}`, us: wasm * 1e3, rate: macs / wasm / 1e6, unit: 'GMAC/s', vsScalar: scalar / wasm });
      k.release(m);
    }
  }
}

/** SmolLM-135M's int8 matrices in decode order: 30 layers of q,k,v,o,gate,up,down, then the 49152x576 head. */
function model135M(k: Kernels): Q8Operand[] {
  const dim = 576, kv = 192, ffn = 1536;
  const mats: Q8Operand[] = [];
  for (let l = 0; l < 30; l++) {
    for (const [r, c] of [[dim, dim], [kv, dim], [kv, dim], [dim, dim], [ffn, dim], [ffn, dim], [dim, ffn]]) mats.push(q8Operand(k, r, c, GROUP, l * 10 + mats.length));
  }
  mats.push(q8Operand(k, 49152, dim, GROUP, 99));
  return mats;
}

interface WholeModel { weightBytes: number; decodePassesPerS: number; prefillTokens: number; prefillTokensPerS: number }

function benchWholeModel(k: Kernels, t: Timing, prefillTokens: number): WholeModel {
  const m = k.mark();
  const mats = model135M(k);
  const x576 = q8Operand(k, prefillTokens, 576, GROUP, 1), x1536 = q8Operand(k, prefillTokens, 1536, GROUP, 2);
  const out = k.alloc(49152 * 4 * prefillTokens);
  const decode = measure('whole-model decode', () => {
    for (const w of mats) {
      const x = w.cols === 576 ? x576 : x1536;
      k.exports.matvec_q8(out, w.q, w.scales, x.q, x.scales, w.rows, w.cols, GROUP);
    }
  }, t);
  // Prefill skips the head for all but the last position, as the engine does.
  const bytes = k.exports.matmul_q8_scratch_bytes(1536, GROUP, prefillTokens);
  const scratch = k.alloc(bytes);
  const prefill = measure('whole-model prefill', () => {
    for (const w of mats.slice(0, -1)) {
      const x = w.cols === 576 ? x576 : x1536;
      k.exports.matmul_q8_tiled(out, w.q, w.scales, x.q, x.scales, w.rows, w.cols, GROUP, prefillTokens, scratch, bytes);
    }
  }, t);
  const weightBytes = mats.reduce((s, w) => s + w.rows * w.rowStride + w.rows * w.groups * 4, 0);
  k.release(m);
  return { weightBytes, decodePassesPerS: 1000 / decode, prefillTokens, prefillTokensPerS: prefillTokens * 1000 / prefill };
}

/** Median of each rate over runs. */
function medianWhole(runs: WholeModel[]): WholeModel {
  const mid = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  return { ...runs[0], decodePassesPerS: mid(runs.map((r) => r.decodePassesPerS)), prefillTokensPerS: mid(runs.map((r) => r.prefillTokensPerS)) };
}

function fmt(n: number | undefined, digits = 2): string {
  if (n === undefined) return '-';
  return n >= 100 ? n.toFixed(0) : n.toFixed(digits);
}

function printTable(rows: Row[]): void {
  const head = ['kernel', 'shape', 'us/call', 'rate', 'unit', 'x scalar ref', 'x plain JS', 'note'];
  const body = rows.map((r) => [r.kernel, r.shape, fmt(r.us, 1), fmt(r.rate), r.unit, fmt(r.vsScalar, 1), fmt(r.vsPlainJs, 1), r.note ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

/** `args` without `--node PATH` / `--node=PATH`. */
function withoutNodeFlag(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--node') i++;
    else if (!args[i].startsWith('--node=')) out.push(args[i]);
  }
  return out;
}

/** The whole suite again, in a child under another Node binary (`--node PATH`). */
async function runUnder(node: string, args: string[]): Promise<number> {
  const { checkNodeBinary } = await import('./node-binary.js');
  const { path } = checkNodeBinary(node);
  const { spawnSync } = await import('node:child_process');
  const cli = process.argv[1];
  if (!cli || !/jsonlm(\.mjs)?$|cli\.mjs$/.test(cli)) throw new UsageError('--node works from the jsonlm command line (bin/jsonlm.mjs)');
  const out = spawnSync(path, [cli, 'bench', 'kernels', ...withoutNodeFlag(args)], { stdio: 'inherit' });
  if (out.error) throw out.error;
  return out.status ?? 1;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    json: { type: 'string' },
    quick: { type: 'boolean', default: false },
    clock: { type: 'string', default: 'wall' },
    node: { type: 'string' },
  });
  if (values.clock !== 'wall' && values.clock !== 'cpu') throw new UsageError(`--clock must be 'wall' or 'cpu', got '${values.clock}'`);
  if (values.node !== undefined) return runUnder(values.node, args);
  const quick = values.quick === true;
  try {
    BenchClass = (await import('tinybench')).Bench;
  } catch {
    throw new Error("the kernel benchmark needs the dev dependency 'tinybench' (run it from a clone of the repository after `npm install`)");
  }
  clock = values.clock === 'cpu' ? cpuMs : undefined;
  const t: Timing = { budgetMs: quick ? 150 : 500, minIterations: 5 };
  const slow: Timing = { budgetMs: quick ? 50 : 200, minIterations: 1 };
  const k = await Kernels.create();
  const rows: Row[] = [];
  const load = loadavg()[0];
  console.log(`jsonlm bench kernels${quick ? ' --quick' : ''}: Node ${process.versions.node}, ${process.arch}, ` +
    `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load ${load.toFixed(1)}), one thread, ${values.clock} clock, medians\n`);
  benchMatvecQ8(k, t, slow, rows);
  benchMatmulQ8(k, t, quick ? 32 : 128, rows);
  benchMatvecF32(k, t, slow, rows);
  benchSmallOps(k, t, slow, rows);
  benchAttention(k, t, slow, quick ? [256] : [128, 512, 2048], rows);
  printTable(rows);
  const wholeTiming: Timing = { budgetMs: quick ? 300 : 1500, minIterations: 3 };
  const prefillTokens = quick ? 8 : 32;
  // Where the relaxed build runs, the plain build is measured too, in four rounds, each on a fresh instance
  // of both builds created in alternating order: of two instances of the same build, the one created later
  // measured up to ~7% faster here (where its memory lands), which a fixed order would credit to one build.
  // Each figure is the median of its rounds.
  const compare = k.relaxedSimd;
  const runs: WholeModel[][] = [[], []];
  if (!compare) runs[0].push(benchWholeModel(k, wholeTiming, prefillTokens));
  for (let i = 0; compare && i < 4; i++) {
    const order = i % 2 ? [false, true] : [true, false];
    const made: Kernels[] = [];
    for (const relaxedSimd of order) made.push(await Kernels.create({ relaxedSimd }));
    const [relaxedK, plainK] = i % 2 ? [made[1], made[0]] : made;
    runs[0].push(benchWholeModel(relaxedK, wholeTiming, prefillTokens));
    runs[1].push(benchWholeModel(plainK, wholeTiming, prefillTokens));
  }
  const whole = medianWhole(runs[0]), wholePlain = compare ? medianWhole(runs[1]) : undefined;
  console.log(`\nwhole-model pass (SmolLM-135M int8, ${(whole.weightBytes / 2 ** 20).toFixed(0)} MiB of weights+scales, ` +
    `every matrix once): decode ${whole.decodePassesPerS.toFixed(1)} passes/s; ` +
    `prefill of ${whole.prefillTokens} tokens (matmul_q8_tiled, no LM head) ${whole.prefillTokensPerS.toFixed(0)} tokens/s ` +
    `(${(whole.prefillTokensPerS / whole.decodePassesPerS).toFixed(1)}x decode per token)`);
  const q4 = benchWholeModelQ4(k, (name, fn) => measure(name, fn, { budgetMs: quick ? 300 : 1500, minIterations: 3 }), quick ? 8 : 32);
  console.log(`whole-model pass, 4-bit (the same shapes as Q4Matrix, ${q4.q4WeightMiB.toFixed(0)} MiB against ${q4.q8WeightMiB.toFixed(0)} MiB, ` +
    `${q4.rounds} alternating rounds): decode ${fmt(median(q4.q4DecodePassesPerS), 1)} vs ${fmt(median(q4.q8DecodePassesPerS), 1)} passes/s ` +
    `(q4/q8 ${q4.decodeRatio.toFixed(2)}x), prefill of ${q4.prefillTokens} tokens (matmul_q4) ${fmt(median(q4.q4PrefillTokensPerS), 0)} vs ` +
    `${fmt(median(q4.q8PrefillTokensPerS), 0)} tokens/s (${q4.prefillRatio.toFixed(2)}x)`);
  console.log(`kernels: ${k.relaxedSimd ? 'relaxed-SIMD build (int8 dots: i32x4.relaxed_dot_i8x16_i7x16_add_s)' : 'plain SIMD build'}; one thread`);
  if (wholePlain) {
    console.log(`relaxed / plain build, whole-model pass, 4 rounds of fresh instances: decode ${whole.decodePassesPerS.toFixed(1)} / ` +
      `${wholePlain.decodePassesPerS.toFixed(1)} passes/s (${(whole.decodePassesPerS / wholePlain.decodePassesPerS).toFixed(2)}x), ` +
      `prefill ${whole.prefillTokensPerS.toFixed(0)} / ${wholePlain.prefillTokensPerS.toFixed(0)} tokens/s ` +
      `(${(whole.prefillTokensPerS / wholePlain.prefillTokensPerS).toFixed(2)}x)`);
  }
  const file = values.json ?? 'bench/results/kernels.json';
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({
    suite: 'kernels', date: new Date().toISOString(), quick, clock: values.clock, node: process.versions.node, arch: process.arch,
    cpu: cpus()[0]?.model, cores: cpus().length, loadAverage: load, relaxedSimd: k.relaxedSimd, rows, wholeModel135M: whole, wholeModel135MQ4: q4,
    ...(wholePlain ? { wholeModel135MPlainBuild: wholePlain } : {}),
  }, null, 2) + '\n');
  console.log(`\nwrote ${file}`);
  return 0;
}
