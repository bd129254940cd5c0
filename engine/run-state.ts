// Everything a forward pass needs besides the weights and the KV cache, allocated once per model in the
// kernels' memory: activation scratch sized for one prefill chunk, the quantized-activation buffers, the
// RoPE tables and one row of logits. Plain offsets, like llama2.c's RunState.
import type { Kernels, Ptr } from '../kernels/kernels.js';
import { Q4_GROUP, type Matrix, type ModelWeights, type Q4Matrix } from '../weights/model-weights.js';
import type { LlamaConfig } from '../weights/config.js';

/** Prompt tokens per batched pass; longer prompts run in chunks of this size. */
export const DEFAULT_MAX_CHUNK = 64;

export interface RunState {
  maxChunk: number;
  x: Ptr; // f32[chunk, dim] residual stream
  xb: Ptr; // f32[chunk, dim] normed input of a block
  xb2: Ptr; // f32[chunk, dim] output of a projection back to dim
  q: Ptr; // f32[chunk, nHeads*headDim]
  att: Ptr; // f32[chunk, nHeads*headDim] attention output
  hb: Ptr; // f32[chunk, hiddenDim] gate, then silu(gate)*up
  hb2: Ptr; // f32[chunk, hiddenDim] up
  /** int8 activations quantized for q8 matrices: [chunk, rowStride] + f32 scales [chunk, groups]. */
  xq: Ptr;
  xs: Ptr;
  /** The group size shared by every q8 matrix (0 when the model has none). */
  q8Group: number;
  /** Scratch of matmul_q8_tiled (widened activations + one repacked weight panel) for a whole chunk. */
  mmScratch: Ptr;
  mmScratchBytes: number;
  attScratch: Ptr;
  /** f16 caches only: this chunk's keys and values as f32 [chunk, nKvHeads*headDim] before they are rounded
   * into the cache, and attention_f16's scratch (its scores and one KV head widened to f32). Untouched, and
   * so not resident, while every session uses an f32 cache. */
  kChunk: Ptr;
  vChunk: Ptr;
  attF16Scratch: Ptr;
  ropeCos: Ptr; // f32[contextLength, headDim/2]
  ropeSin: Ptr;
  logits: Ptr; // f32[vocab], one row
}

function q8Group(weights: ModelWeights): number {
  const all: Matrix[] = [weights.tokenEmbedding, weights.output];
  for (const l of weights.layers) all.push(l.wq, l.wk, l.wv, l.wo, l.wGate, l.wUp, l.wDown);
  // The embedding is only dequantized row by row, never multiplied with activations.
  const groups = new Set(all.slice(1).filter((m) => m.kind !== 'f32').map((m) => (m.kind === 'q4' ? Q4_GROUP : (m as { group: number }).group)));
  if (groups.size > 1) throw new Error(`int8 matrices with different group sizes (${[...groups].join(', ')}) are not supported`);
  return groups.size ? [...groups][0] : 0;
}

/** The layer matrices kept as Q4 (the LM head runs token by token, never through the prefill GEMM). */
function layerQ4(weights: ModelWeights): Q4Matrix[] {
  return weights.layers.flatMap((l) => [l.wq, l.wk, l.wv, l.wo, l.wGate, l.wUp, l.wDown]).filter((m): m is Q4Matrix => m.kind === 'q4');
}

export function createRunState(kernels: Kernels, config: LlamaConfig, weights: ModelWeights,
  contextLength: number, maxChunk = DEFAULT_MAX_CHUNK): RunState {
  const { dim, hiddenDim, nHeads, headDim, vocabSize } = config;
  const qDim = nHeads * headDim;
  const f32 = (n: number) => kernels.alloc(n * 4);
  const group = q8Group(weights);
  const maxCols = Math.max(dim, qDim, hiddenDim);
  const groupsPerRow = group ? Math.ceil(maxCols / group) : 0;
  const s: RunState = {
    maxChunk,
    x: f32(maxChunk * dim), xb: f32(maxChunk * dim), xb2: f32(maxChunk * dim),
    q: f32(maxChunk * qDim), att: f32(maxChunk * qDim),
    hb: f32(maxChunk * hiddenDim), hb2: f32(maxChunk * hiddenDim),
    xq: kernels.alloc(maxChunk * groupsPerRow * group), xs: f32(maxChunk * groupsPerRow), q8Group: group,
    mmScratch: 0, mmScratchBytes: 0,
    // Attention scores of one (token, head) over every position it sees.
    attScratch: f32(contextLength),
    kChunk: f32(maxChunk * config.nKvHeads * headDim), vChunk: f32(maxChunk * config.nKvHeads * headDim),
    attF16Scratch: kernels.alloc(kernels.exports.attention_f16_scratch_bytes(contextLength, headDim)),
    ropeCos: f32(contextLength * (headDim / 2)), ropeSin: f32(contextLength * (headDim / 2)),
    logits: f32(vocabSize),
  };
  if (group && maxChunk > 1) {
    // Q4 matrices are expanded to int8 for prefill, in the same scratch: room for the largest one too.
    const q4Bytes = (ntok: number) => Math.max(0, ...layerQ4(weights).map((m) => kernels.exports.matmul_q4_scratch_bytes(m.rows, m.cols, ntok)));
    s.mmScratchBytes = Math.max(kernels.exports.matmul_q8_scratch_bytes(maxCols, group, maxChunk), q4Bytes(maxChunk));
    s.mmScratch = kernels.alloc(s.mmScratchBytes);
    // With worker threads each thread takes a share of a chunk's tokens, in its own scratch (thread 0, the
    // caller, reuses mmScratch).
    const pool = kernels.pool;
    if (pool) {
      const share = Math.ceil(maxChunk / pool.threads);
      const bytes = Math.max(kernels.exports.matmul_q8_scratch_bytes(maxCols, group, share), q4Bytes(share));
      pool.setScratch(0, s.mmScratch, s.mmScratchBytes);
      for (let i = 1; i < pool.threads; i++) pool.setScratch(i, kernels.alloc(bytes), bytes);
    }
  }
  // RoPE angles depend only on position and dimension: computed once, in WebAssembly.
  kernels.exports.rope_table(s.ropeCos, s.ropeSin, contextLength, headDim, config.ropeTheta);
  return s;
}
