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

/** A [rows, cols] matrix of 4-bit weights (GGUF Q4_0's values), kept packed for the kernels (matvec_q4):
 * group 32, weight = nibble - 8.
 *  - q: u8[rows * groupsPerRow * 16]: per row and group, 16 bytes whose low nibbles are columns 0..15 of
 *    the group and high nibbles columns 16..31 (Q4_0's block without its scale); padding nibbles are 8
 *  - scales: f32[rows * groupsPerRow], groupsPerRow = ceil(cols / 32), as in Q8Matrix */
export interface Q4Matrix {
  kind: 'q4';
  rows: number;
  cols: number;
  q: Ptr;
  scales: Ptr;
}

/** The group of a Q4Matrix (Q4_0's block). */
export const Q4_GROUP = 32;

export type Matrix = Q8Matrix | Q4Matrix | F32Matrix;

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
