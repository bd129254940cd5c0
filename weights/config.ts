// The hyper-parameters of a Llama-family model, whatever file it came from.

/** How RoPE pairs dimensions inside a head: llama2.c/GGUF rotate adjacent pairs (2j, 2j+1); Hugging Face
 * checkpoints rotate halves (j, j + headDim/2). The loader records which one the Q/K rows were stored for. */
export type RopeStyle = 'interleaved' | 'half';

export interface LlamaConfig {
  /** Architecture name as the file states it (only 'llama' is supported). */
  architecture: string;
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  vocabSize: number;
  contextLength: number;
  ropeTheta: number;
  ropeStyle: RopeStyle;
  normEps: number;
  /** The LM head shares the token embedding matrix. */
  tiedEmbeddings: boolean;
}
