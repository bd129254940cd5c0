// The platform fingerprint: one environment-neutral module, bundled once (tests/platforms/bundle.ts) and run
// unchanged in Node x86-64, in headless Chromium and in arm64 Node under qemu. Every entry is the SHA-256 of
// the raw bytes some computation produced (kernel outputs on seeded inputs, then model logits over several
// decode steps); the platform test compares the entries of the three environments with each other. No
// expected hash is written anywhere: equality across engines and CPUs is the claim.
//
// Browser-safe: no Node built-ins; inputs arrive as bytes from the caller (fs in Node, fetch in the page).
import { Kernels } from '../../kernels/kernels.js';
import { assertNoNaN, sha256Hex } from '../../web/logits-trace.js';
import { modelFingerprints, type ModelInputs } from './model-fingerprint.js';

export { assertNoNaN, sha256Hex };

export interface FingerprintReport {
  /** Where it ran, as the environment describes itself (user agent or process.arch + version). */
  env: string;
  /** name -> SHA-256 hex of the bytes produced. */
  hashes: Record<string, string>;
  /** name -> why that entry could not be computed (missing export, NaN in the output, a thrown error). */
  errors: Record<string, string>;
  /** name -> milliseconds spent. */
  ms: Record<string, number>;
  /** Free-form facts worth printing (argmax tokens, logits counts). */
  notes: Record<string, string>;
}

/** xorshift32 with integer-only arithmetic: the same sequence in every JS engine. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed >>> 0) || 0x9e3779b9; }
  u32(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  /** Exactly representable f32 in [-scale, scale): a 20-bit integer times a power of two. */
  f32(scale = 1): number { return ((this.u32() >>> 12) - (1 << 19)) / (1 << 19) * scale; }
  fill(out: Float32Array, scale = 1): Float32Array { for (let i = 0; i < out.length; i++) out[i] = this.f32(scale); return out; }
}

export class Recorder {
  readonly report: FingerprintReport;
  constructor(env: string) { this.report = { env, hashes: {}, errors: {}, ms: {}, notes: {} }; }

  /** Runs `fn`, which returns the bytes to hash (f32 outputs are NaN-checked first). */
  async entry(name: string, fn: () => Promise<Uint8Array | Float32Array> | Uint8Array | Float32Array): Promise<void> {
    const t0 = now();
    try {
      const out = await fn();
      if (out instanceof Float32Array) assertNoNaN(out, name);
      const bytes = out instanceof Float32Array ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : out;
      this.report.hashes[name] = await sha256Hex(bytes);
    } catch (e) {
      this.report.errors[name] = (e as Error)?.message ?? String(e);
    }
    this.report.ms[name] = Math.round((now() - t0) * 10) / 10;
  }
}

function now(): number { return typeof performance !== 'undefined' ? performance.now() : Date.now(); }

function need(k: Kernels, name: string): (...args: number[]) => number {
  const f = (k.exports as unknown as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new Error(`kernels export '${name}' is missing`);
  return f as (...args: number[]) => number;
}

/** Copies `values` into fresh kernel memory. */
function put(k: Kernels, values: Float32Array): number {
  const p = k.alloc(values.length * 4);
  k.f32(p, values.length).set(values);
  return p;
}

/** Fixed kernel computations on seeded inputs, at odd sizes (tails, group padding, GQA). */
export async function kernelFingerprints(rec: Recorder): Promise<void> {
  const k = await Kernels.create();
  const rng = new Rng(20261124);
  const rows = 37, cols = 100, group = 32, ntok = 3;
  const groups = Math.ceil(cols / group), stride = groups * group;
  const W = rng.fill(new Float32Array(rows * cols));
  const X = rng.fill(new Float32Array(ntok * cols), 2);

  // Quantization of weights and activations (int8 + f32 scales, also the f16-rounded-scale variant).
  const wq = k.alloc(rows * stride), ws = k.alloc(rows * groups * 4);
  const xq = k.alloc(ntok * stride), xs = k.alloc(ntok * groups * 4);
  await rec.entry('kernels/quantize_rows_q8', () => {
    const wp = put(k, W), xp = put(k, X);
    k.u8(wq, rows * stride).fill(0);
    k.u8(xq, ntok * stride).fill(0);
    need(k, 'quantize_rows_q8')(wp, rows, cols, wq, ws, group, 0);
    need(k, 'quantize_rows_q8')(xp, ntok, cols, xq, xs, group, 0);
    const f16q = k.alloc(rows * stride), f16s = k.alloc(rows * groups * 4);
    need(k, 'quantize_rows_q8')(wp, rows, cols, f16q, f16s, group, 1);
    return concat(k.u8(wq, rows * stride), k.u8(ws, rows * groups * 4), k.u8(xq, ntok * stride),
      k.u8(xs, ntok * groups * 4), k.u8(f16q, rows * stride), k.u8(f16s, rows * groups * 4));
  });
  await rec.entry('kernels/dequantize_rows_q8', () => {
    const out = k.alloc(rows * cols * 4);
    need(k, 'dequantize_rows_q8')(wq, ws, rows, cols, group, out);
    return k.f32(out, rows * cols).slice();
  });
  await rec.entry('kernels/matvec_q8', () => {
    const out = k.alloc(rows * 4);
    need(k, 'matvec_q8')(out, wq, ws, xq, xs, rows, cols, group);
    return k.f32(out, rows).slice();
  });
  await rec.entry('kernels/matmul_q8', () => {
    const out = k.alloc(rows * ntok * 4);
    need(k, 'matmul_q8')(out, wq, ws, xq, xs, rows, cols, group, ntok);
    return k.f32(out, rows * ntok).slice();
  });
  await rec.entry('kernels/matmul_q8_tiled', () => {
    // The register-tiled prefill GEMM: 8-row panels + 5 leftover rows, 4-token tiles + a remainder of 2 tokens.
    const n = 10;
    const xp = put(k, rng.fill(new Float32Array(n * cols), 3));
    const q = k.alloc(n * stride), s = k.alloc(n * groups * 4);
    k.u8(q, n * stride).fill(0);
    need(k, 'quantize_rows_q8')(xp, n, cols, q, s, group, 0);
    const bytes = need(k, 'matmul_q8_scratch_bytes')(cols, group, n);
    const scratch = k.alloc(bytes, 16), out = k.alloc(rows * n * 4);
    need(k, 'matmul_q8_tiled')(out, wq, ws, q, s, rows, cols, group, n, scratch, bytes);
    return k.f32(out, rows * n).slice();
  });
  await rec.entry('kernels/matvec_f32', () => {
    const w = put(k, W), x = put(k, X), out = k.alloc(rows * 4);
    need(k, 'matvec_f32')(out, w, x, rows, cols);
    return k.f32(out, rows).slice();
  });
  await rec.entry('kernels/matmul_f32', () => {
    const w = put(k, W), x = put(k, X), out = k.alloc(rows * ntok * 4);
    need(k, 'matmul_f32')(out, w, x, rows, cols, ntok);
    return k.f32(out, rows * ntok).slice();
  });
  // Subnormal f32 in SIMD code: products near 1e-40 and a sum of them. 64-bit ARM (NEON in AArch64 mode)
  // keeps subnormals as x86 does; 32-bit ARM NEON flushes them to zero, which this entry would show.
  await rec.entry('kernels/subnormals', () => {
    const w = put(k, rng.fill(new Float32Array(rows * cols), 1e-20)), x = put(k, rng.fill(new Float32Array(cols), 1e-20));
    const out = k.alloc(rows * 4);
    need(k, 'matvec_f32')(out, w, x, rows, cols);
    const v = k.f32(out, rows).slice();
    if (!v.some((y) => y !== 0 && Math.abs(y) < 1.1754943508222875e-38)) throw new Error('no subnormal result: the entry tests nothing');
    return v;
  });
  await rec.entry('kernels/rmsnorm', () => {
    const x = put(k, X), w = put(k, rng.fill(new Float32Array(cols))), out = k.alloc(ntok * cols * 4);
    need(k, 'rmsnorm')(out, x, w, cols, 1e-5, ntok);
    return k.f32(out, ntok * cols).slice();
  });
  await rec.entry('kernels/softmax+swiglu', () => {
    const n = 515;
    const a = put(k, rng.fill(new Float32Array(n), 12)), g = put(k, rng.fill(new Float32Array(n), 8));
    const u = put(k, rng.fill(new Float32Array(n), 3)), o = k.alloc(n * 4);
    need(k, 'softmax')(a, n);
    need(k, 'swiglu')(o, g, u, n);
    return concat(k.u8(a, n * 4), k.u8(o, n * 4));
  });
  // RoPE tables and both rotation styles; then GQA attention (6 query heads over 2 KV heads, head 12 wide,
  // so the 4-lane dot has a tail) of 3 new positions over 5 cached ones.
  const headDim = 12, nHeads = 6, nKv = 2, maxPos = 64;
  const cosT = k.alloc(maxPos * headDim / 2 * 4), sinT = k.alloc(maxPos * headDim / 2 * 4);
  await rec.entry('kernels/rope_table', () => {
    need(k, 'rope_table')(cosT, sinT, maxPos, headDim, 10000);
    return concat(k.u8(cosT, maxPos * headDim * 2), k.u8(sinT, maxPos * headDim * 2));
  });
  await rec.entry('kernels/rope', () => {
    const q = rng.fill(new Float32Array(ntok * nHeads * headDim));
    const a = put(k, q), b = put(k, q);
    need(k, 'rope')(a, ntok, nHeads, headDim, nHeads * headDim, 40, cosT, sinT, 0);
    need(k, 'rope')(b, ntok, nHeads, headDim, nHeads * headDim, 40, cosT, sinT, 1);
    return concat(k.u8(a, q.length * 4), k.u8(b, q.length * 4));
  });
  await rec.entry('kernels/attention', () => {
    const pos0 = 5, positions = pos0 + ntok, kvRow = nKv * headDim;
    const q = put(k, rng.fill(new Float32Array(ntok * nHeads * headDim), 2));
    const kc = put(k, rng.fill(new Float32Array(positions * kvRow), 2));
    const vc = put(k, rng.fill(new Float32Array(positions * kvRow)));
    const out = k.alloc(ntok * nHeads * headDim * 4), scratch = k.alloc(positions * 4);
    need(k, 'attention')(out, q, kc, vc, ntok, pos0, nHeads, nKv, headDim, kvRow, scratch);
    return k.f32(out, ntok * nHeads * headDim).slice();
  });
  // The f16 KV cache's conversions both ways (normal, subnormal, overflowing and zero values, so both the
  // vector and the scalar paths run) and attention over the halves.
  await rec.entry('kernels/f16_rows+attention_f16', () => {
    const pos0 = 5, positions = pos0 + ntok, kvRow = nKv * headDim, n = positions * kvRow;
    const x = rng.fill(new Float32Array(n), 4);
    for (let i = 0; i < n; i += 17) x[i] = [0, 3e-6, -7e-8, 70000, -1e-30][(i / 17) % 5] as number;
    const src = put(k, x), kh = k.alloc(n * 2), vh = k.alloc(n * 2), wide = k.alloc(n * 4);
    need(k, 'f32_to_f16_rows')(src, kh, n);
    need(k, 'f16_to_f32_rows')(kh, wide, n);
    const widened = k.f32(wide, n).slice();
    for (let i = 0; i < n; i++) if (!Number.isFinite(widened[i])) widened[i] = 0; // 70000 is inf as a half
    need(k, 'f32_to_f16_rows')(put(k, widened), kh, n);
    need(k, 'f32_to_f16_rows')(put(k, rng.fill(new Float32Array(n))), vh, n);
    const q = put(k, rng.fill(new Float32Array(ntok * nHeads * headDim), 2));
    const out = k.alloc(ntok * nHeads * headDim * 4), scratch = k.alloc(need(k, 'attention_f16_scratch_bytes')(positions, headDim));
    need(k, 'attention_f16')(out, q, kh, vh, ntok, pos0, nHeads, nKv, headDim, kvRow, scratch);
    return concat(k.u8(kh, n * 2), k.u8(vh, n * 2), k.u8(wide, n * 4), k.u8(out, ntok * nHeads * headDim * 4));
  });
  await rec.entry('kernels/elementwise', () => {
    const n = 77;
    const a = put(k, rng.fill(new Float32Array(n))), b = put(k, rng.fill(new Float32Array(n)));
    need(k, 'add')(a, b, n);
    need(k, 'scale')(a, n, 0.7071);
    const bits = k.alloc(Math.ceil(n / 32) * 4);
    const words = k.u32(bits, Math.ceil(n / 32));
    for (let i = 0; i < words.length; i++) words[i] = rng.u32();
    need(k, 'apply_mask')(a, bits, n, -1e30);
    const best = need(k, 'argmax')(a, n);
    return concat(k.u8(a, n * 4), new Uint8Array(new Int32Array([best]).buffer));
  });
  await rec.entry('kernels/math', () => {
    // exp/log/sin/cos inside the module over a sweep that includes RoPE-sized angles.
    const n = 400, out = new Float32Array(n * 4);
    const expf = need(k, 'expf'), logf = need(k, 'logf'), sinf = need(k, 'sinf'), cosf = need(k, 'cosf');
    for (let i = 0; i < n; i++) {
      const x = Math.fround(rng.f32(90));
      out[4 * i] = expf(x);
      out[4 * i + 1] = logf(Math.fround(Math.abs(x) + 1e-3));
      out[4 * i + 2] = sinf(Math.fround(x * 300));
      out[4 * i + 3] = cosf(Math.fround(x * 300));
    }
    return out;
  });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Everything: the kernels, then (when the inputs are given) the models. */
export async function runFingerprints(env: string, inputs: ModelInputs = {}): Promise<FingerprintReport> {
  const rec = new Recorder(env);
  const t0 = now();
  await kernelFingerprints(rec);
  await modelFingerprints(rec, inputs);
  rec.report.ms.total = Math.round(now() - t0);
  return rec.report;
}

export type { ModelInputs };
