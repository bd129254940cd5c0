// The Llama forward pass, top to bottom, for `ntok` consecutive tokens starting at position `pos0`:
// prefill runs a whole chunk of the prompt as batched matrix-matrix products, decode is the same code
// with ntok = 1 (matrix-vector kernels). All float math runs in the kernels; this file only says which
// kernel reads and writes which buffer.
import type { Kernels, Ptr } from '../kernels/kernels.js';
import { tokenSetWords } from '../tokenizer/token-set.js';
import { Q4_GROUP, type Matrix, type ModelWeights } from '../weights/model-weights.js';
import type { LlamaConfig } from '../weights/config.js';
import { KvCacheRangeError, type KvCache } from './kv-cache.js';
import type { RunState } from './run-state.js';
import { MASKED_LOGIT } from './masked-logit.js';

/** What forward needs: the model's parts, as plain structures. */
export interface ForwardContext {
  kernels: Kernels;
  config: LlamaConfig;
  weights: ModelWeights;
  state: RunState;
}

/** Which positions of the chunk get logits: none (a prefix being cached), the last one, or all of them. */
export type LogitsRows = 'none' | 'last' | 'all';

/** ggml quantizes activations for Q8_0 products with an fp16 scale per block of 32; doing the same keeps
 * Q8_0 GGUF logits within float rounding of llama.cpp. For jsonlm's own int8 weights either choice works
 * (the rounding of the scale is far below the int8 rounding of the values); one rule keeps it simple. */
const F16_ACTIVATION_SCALES = 1;

/** An activation as the next products will read it: f32 rows, plus their int8 form when q8 matrices
 * consume it (quantized once, shared by e.g. Q, K and V). The int8 form lives in state.xq/xs until the
 * next input() call, so an Input is used right after it is made, before the next one. */
interface Input { x: Ptr; cols: number; ntok: number }

function input(ctx: ForwardContext, x: Ptr, cols: number, ntok: number): Input {
  const s = ctx.state;
  if (s.q8Group) ctx.kernels.exports.quantize_rows_q8(x, ntok, cols, s.xq, s.xs, s.q8Group, F16_ACTIVATION_SCALES);
  return { x, cols, ntok };
}

/** out[t, :] = W · in[t, :] for every token t of the input, for each [out, W] pair (the products that read
 * the same input go to the worker threads as one call). */
function matmul(ctx: ForwardContext, products: [Ptr, Matrix][], inp: Input): void {
  const k = ctx.kernels.exports;
  const s = ctx.state;
  for (const [, w] of products) {
    if (w.cols !== inp.cols) throw new Error(`internal: matrix expects ${w.cols} inputs, activation has ${inp.cols}`);
  }
  const pool = ctx.kernels.pool;
  if (pool && products.every(([, w]) => w.kind !== 'f32')) {
    const jobs = products.map(([out, w]) => {
      const m = w as Exclude<Matrix, { kind: 'f32' }>;
      return m.kind === 'q4' ? { out, wq: m.q, ws: m.scales, rows: m.rows, cols: m.cols, group: Q4_GROUP, packed4: true }
        : { out, wq: m.q, ws: m.scales, rows: m.rows, cols: m.cols, group: m.group };
    });
    if (inp.ntok === 1) pool.matvecQ8(jobs, s.xq, s.xs);
    else pool.matmulQ8(jobs, s.xq, s.xs, inp.ntok);
    return;
  }
  for (const [out, w] of products) {
    if (w.kind === 'f32') {
      if (inp.ntok === 1) k.matvec_f32(out, w.data, inp.x, w.rows, w.cols);
      else k.matmul_f32(out, w.data, inp.x, w.rows, w.cols, inp.ntok);
    } else if (w.kind === 'q4') {
      if (inp.ntok === 1) k.matvec_q4(out, w.q, w.scales, s.xq, s.xs, w.rows, w.cols);
      else k.matmul_q4(out, w.q, w.scales, s.xq, s.xs, w.rows, w.cols, inp.ntok, s.mmScratch, s.mmScratchBytes);
    } else {
      if (inp.ntok === 1) k.matvec_q8(out, w.q, w.scales, s.xq, s.xs, w.rows, w.cols, w.group);
      else k.matmul_q8_tiled(out, w.q, w.scales, s.xq, s.xs, w.rows, w.cols, w.group, inp.ntok, s.mmScratch, s.mmScratchBytes);
    }
  }
}

/** Copies (f32) or dequantizes (q8, q4) one row of the token embedding into `out`. */
function embed(ctx: ForwardContext, out: Ptr, token: number): void {
  const e = ctx.weights.tokenEmbedding;
  if (e.kind === 'f32') {
    const mem = ctx.kernels.u8(0, ctx.kernels.memory.buffer.byteLength);
    mem.copyWithin(out, e.data + token * e.cols * 4, e.data + (token + 1) * e.cols * 4);
  } else if (e.kind === 'q4') {
    const groups = Math.ceil(e.cols / Q4_GROUP);
    ctx.kernels.exports.dequantize_rows_q4(e.q + token * groups * 16, e.scales + token * groups * 4, 1, e.cols, out);
  } else {
    const groups = Math.ceil(e.cols / e.group);
    ctx.kernels.exports.dequantize_rows_q8(e.q + token * groups * e.group, e.scales + token * groups * 4, 1, e.cols, e.group, out);
  }
}

/**
 * Runs tokens[0..ntok) at positions pos0.. through the model, writing their keys and values into the
 * cache rows pos0..pos0+ntok. ntok must not exceed state.maxChunk and the rows must fit the cache
 * (the session checks both). For `logits = 'last'` the result is in state.logits; for 'all',
 * onRow(t, state.logits) is called for every t. `allowed` (a u32 bitset over the vocabulary) limits the
 * LM head to those tokens; the others get MASKED_LOGIT.
 */
export function forward(ctx: ForwardContext, cache: KvCache, tokens: ArrayLike<number>, pos0: number,
  logits: LogitsRows, onRow?: (t: number, logits: Ptr) => void, allowed?: Ptr): void {
  const { kernels, config: c, weights: w, state: s } = ctx;
  const k = kernels.exports;
  const ntok = tokens.length;
  const qDim = c.nHeads * c.headDim;
  const kvDim = c.nKvHeads * c.headDim;
  const ropeStyle = c.ropeStyle === 'interleaved' ? 0 : 1;

  // Token embeddings -> residual stream x[t].
  for (let t = 0; t < ntok; t++) embed(ctx, s.x + t * c.dim * 4, tokens[t]);

  for (let l = 0; l < c.nLayers; l++) {
    const L = w.layers[l];
    // K and V rows of this chunk go straight to their cache rows (f16 cache: to f32 rows, rounded in below).
    const f16 = cache.type === 'f16';
    const kRows = f16 ? s.kChunk : cache.keys[l] + pos0 * kvDim * 4;
    const vRows = f16 ? s.vChunk : cache.values[l] + pos0 * kvDim * 4;

    // Attention block: xb = rmsnorm(x); q, k, v = projections; RoPE on q and k.
    k.rmsnorm(s.xb, s.x, L.attnNorm, c.dim, c.normEps, ntok);
    const xb = input(ctx, s.xb, c.dim, ntok);
    matmul(ctx, [[s.q, L.wq], [kRows, L.wk], [vRows, L.wv]], xb);
    k.rope(s.q, ntok, c.nHeads, c.headDim, qDim, pos0, s.ropeCos, s.ropeSin, ropeStyle);
    k.rope(kRows, ntok, c.nKvHeads, c.headDim, kvDim, pos0, s.ropeCos, s.ropeSin, ropeStyle);

    // Causal grouped-query attention of each new token over cache rows 0..its own position.
    if (f16) {
      const overflowed = k.f32_to_f16_rows(kRows, cache.keys[l] + pos0 * kvDim * 2, ntok * kvDim) +
        k.f32_to_f16_rows(vRows, cache.values[l] + pos0 * kvDim * 2, ntok * kvDim);
      if (overflowed) throw new KvCacheRangeError(l, overflowed);
      k.attention_f16(s.att, s.q, cache.keys[l], cache.values[l], ntok, pos0, c.nHeads, c.nKvHeads, c.headDim, kvDim, s.attF16Scratch);
    } else {
      k.attention(s.att, s.q, cache.keys[l], cache.values[l], ntok, pos0, c.nHeads, c.nKvHeads, c.headDim, kvDim, s.attScratch);
    }

    // Output projection, residual.
    matmul(ctx, [[s.xb2, L.wo]], input(ctx, s.att, qDim, ntok));
    k.add(s.x, s.xb2, ntok * c.dim);

    // Feed-forward block: x += W2 · (silu(W1 · rmsnorm(x)) * W3 · rmsnorm(x)).
    k.rmsnorm(s.xb, s.x, L.ffnNorm, c.dim, c.normEps, ntok);
    const xf = input(ctx, s.xb, c.dim, ntok);
    matmul(ctx, [[s.hb, L.wGate], [s.hb2, L.wUp]], xf);
    k.swiglu(s.hb, s.hb, s.hb2, ntok * c.hiddenDim);
    matmul(ctx, [[s.xb2, L.wDown]], input(ctx, s.hb, c.hiddenDim, ntok));
    k.add(s.x, s.xb2, ntok * c.dim);
  }

  if (logits === 'none') return;
  // Final norm and LM head, only for the rows asked for.
  const first = logits === 'last' ? ntok - 1 : 0;
  const rows = ntok - first;
  k.rmsnorm(s.xb, s.x + first * c.dim * 4, w.finalNorm, c.dim, c.normEps, rows);
  input(ctx, s.xb, c.dim, rows);
  const head = w.output;
  const headGroup = head.kind === 'q8' ? head.group : Q4_GROUP;
  const groups = head.kind === 'f32' ? 0 : Math.ceil(head.cols / headGroup);
  // The LM head row by row of vocabulary, over [start, end) only: with an allowed-token set the rows of
  // excluded tokens are skipped (their logits are MASKED_LOGIT, exactly what a mask would leave).
  const headRange = (out: Ptr, t: number, start: number, end: number) => {
    if (head.kind === 'f32') {
      k.matvec_f32(out + start * 4, head.data + start * head.cols * 4, s.xb + t * c.dim * 4, end - start, head.cols);
    } else {
      const packed4 = head.kind === 'q4';
      const job = { out: out + start * 4, wq: head.q + start * groups * (packed4 ? 16 : headGroup), ws: head.scales + start * groups * 4,
        rows: end - start, cols: head.cols, group: headGroup, packed4 };
      const xq = s.xq + t * groups * headGroup, xs = s.xs + t * groups * 4;
      // A short run of allowed rows is not worth waking the workers for.
      if (kernels.pool && job.rows >= 256) kernels.pool.matvecQ8([job], xq, xs);
      else if (packed4) k.matvec_q4(job.out, job.wq, job.ws, xq, xs, job.rows, job.cols);
      else k.matvec_q8(job.out, job.wq, job.ws, xq, xs, job.rows, job.cols, job.group);
    }
  };
  const runs = allowed ? allowedRuns(kernels, allowed, head.rows) : [[0, head.rows]];
  for (let t = 0; t < rows; t++) {
    if (allowed) kernels.f32(s.logits, head.rows).fill(MASKED_LOGIT);
    for (const [start, end] of runs) headRange(s.logits, t, start, end);
    onRow?.(first + t, s.logits);
  }
}

/** Runs [start, end) of set bits in a TokenSet (grammar/token-set.ts) over n ids. Whole empty
 * and whole full words are stepped over 32 ids at a time (a grammar's mask is mostly one or the other), so
 * the per-token cost is ~n/32 word reads plus the bits of mixed words. */
export function allowedRuns(kernels: Kernels, bits: Ptr, n: number): [number, number][] {
  const words = kernels.u32(bits, tokenSetWords(n));
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i < n;) {
    const w = words[i >>> 5];
    if ((i & 31) === 0 && i + 32 <= n && (w === 0 || w === -1 >>> 0)) {
      if (w === 0 && start >= 0) { runs.push([start, i]); start = -1; }
      else if (w !== 0 && start < 0) start = i;
      i += 32;
      continue;
    }
    const on = (w >>> (i & 31)) & 1;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) { runs.push([start, i]); start = -1; }
    i++;
  }
  if (start >= 0) runs.push([start, n]);
  return runs;
}
