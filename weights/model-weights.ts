// Weights once placed in the kernels' WebAssembly memory: JS holds only offsets and shapes.
import type { Ptr } from '../kernels/kernels.js';
import type { LlamaConfig } from './config.js';

/** A [rows, cols] matrix in the kernels' int8 layout: symmetric quantization in groups of `group` values
 * along each row (the input dimension), one f32 scale per group.
 *  - q: int8[rows * rowStride], rowStride = ceil(cols / group) * group, padding bytes are zero
 *  - scales: f32[rows * groupsPerRow], groupsPerRow = ceil(cols / group) */
export interface Q8Matrix {
  kind: 'q8';
  rows: number;
  cols: number;
  group: number;
  q: Ptr;
  scales: Ptr;
}

/** A [rows, cols] row-major f32 matrix. */
export interface F32Matrix {
  kind: 'f32';
  rows: number;
  cols: number;
  data: Ptr;
}

export type Matrix = Q8Matrix | F32Matrix;

export interface LayerWeights {
  attnNorm: Ptr; // f32[dim]
  wq: Matrix; // [nHeads*headDim, dim]
  wk: Matrix; // [nKvHeads*headDim, dim]
  wv: Matrix; // [nKvHeads*headDim, dim]
  wo: Matrix; // [dim, nHeads*headDim]
  ffnNorm: Ptr; // f32[dim]
  wGate: Matrix; // [hiddenDim, dim]  (w1)
  wUp: Matrix; // [hiddenDim, dim]    (w3)
  wDown: Matrix; // [dim, hiddenDim]  (w2)
}

export interface ModelWeights {
  config: LlamaConfig;
  tokenEmbedding: Matrix; // [vocab, dim]
  layers: LayerWeights[];
  finalNorm: Ptr; // f32[dim]
  /** The LM head; the same object as tokenEmbedding when embeddings are tied. */
  output: Matrix; // [vocab, dim]
}
