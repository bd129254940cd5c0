// The format-neutral description of a model file: its LlamaConfig and, for every tensor the forward pass
// needs, where its bytes lie and how they are encoded. Each reader (GGUF, HF folder, llama2.c) produces
// one; placement into kernel memory, conversion and validation work from it alone.
import type { LlamaConfig } from './config.js';
import { WeightsFormatError, type ByteSource } from './byte-source.js';
import type { GgufValue, GgufTypeTag } from './gguf.js';
import type { GgmlBlockType } from './ggml-quants.js';

/** How a tensor's values are stored.
 *  - F32/F16/BF16: little-endian values, row-major.
 *  - Q8_0: ggml blocks of 32 values along each row, each block an fp16 scale d then 32 int8 (x = d*q).
 *  - Q8_GROUPS: llama2.c v2: all int8 values of the tensor at `offset`, then f32 scales (one per `group`
 *    consecutive values of the flattened tensor) at `scalesOffset`.
 *  - GGML_BLOCKS: another ggml block type (Q4_0 ... Q6_K, IQ4_NL, IQ4_XS; weights/ggml-quants.ts), blocks
 *    along each row. */
export type TensorEncoding =
  | { kind: 'F32' } | { kind: 'F16' } | { kind: 'BF16' } | { kind: 'Q8_0' }
  | { kind: 'Q8_GROUPS'; group: number; scalesOffset: number }
  | { kind: 'GGML_BLOCKS'; type: GgmlBlockType };

export interface TensorRef {
  /** GGUF-style name: token_embd.weight, blk.N.attn_q.weight, output_norm.weight, ... */
  name: string;
  /** The name inside the file (differs for HF folders), for messages. */
  fileTensorName: string;
  /** Row-major: [rows, cols] or [n]. */
  shape: number[];
  encoding: TensorEncoding;
  source: ByteSource;
  /** Absolute byte offset of the tensor's data in `source`. */
  offset: number;
}

/** What the tokenizer needs, by format. */
export type TokenizerSource =
  | { kind: 'gguf'; metadata: Map<string, GgufValue>; metadataTypes?: Map<string, GgufTypeTag> }
  | { kind: 'hf'; tokenizerJson: string; tokenizerConfigJson?: string;
      /** bos/eos/pad ids from config.json, where it names them. */
      specialTokenIds?: { bos?: number; eos?: number; pad?: number } }
  | { kind: 'llama2c'; bytes: Uint8Array }
  | undefined;

import type { ExtractionHints } from './extraction-hints.js';

export interface ModelLayout {
  format: 'gguf' | 'hf' | 'llama2c';
  /** The file (or folder) name, for messages. */
  fileName: string;
  config: LlamaConfig;
  tensors: Map<string, TensorRef>;
  tokenizerSource: TokenizerSource;
  /** Extraction settings the file recommends. */
  hints: ExtractionHints;
  /** The file's own name for a GGUF-style tensor name (HF folders), for messages about missing tensors. */
  fileTensorName?: (name: string) => string;
}

export function layerTensorNames(i: number) {
  const p = `blk.${i}.`;
  return {
    attnNorm: `${p}attn_norm.weight`, wq: `${p}attn_q.weight`, wk: `${p}attn_k.weight`, wv: `${p}attn_v.weight`,
    wo: `${p}attn_output.weight`, ffnNorm: `${p}ffn_norm.weight`, wGate: `${p}ffn_gate.weight`,
    wUp: `${p}ffn_up.weight`, wDown: `${p}ffn_down.weight`,
  };
}

/** Every tensor the config implies, with its row-major shape, in GGUF's conventional order. */
export function expectedTensors(config: LlamaConfig): { name: string; shape: number[] }[] {
  const { dim, hiddenDim, nHeads, nKvHeads, headDim, vocabSize } = config;
  const out: { name: string; shape: number[] }[] = [{ name: 'token_embd.weight', shape: [vocabSize, dim] }];
  for (let i = 0; i < config.nLayers; i++) {
    const n = layerTensorNames(i);
    out.push(
      { name: n.attnNorm, shape: [dim] },
      { name: n.wq, shape: [nHeads * headDim, dim] },
      { name: n.wk, shape: [nKvHeads * headDim, dim] },
      { name: n.wv, shape: [nKvHeads * headDim, dim] },
      { name: n.wo, shape: [dim, nHeads * headDim] },
      { name: n.ffnNorm, shape: [dim] },
      { name: n.wGate, shape: [hiddenDim, dim] },
      { name: n.wUp, shape: [hiddenDim, dim] },
      { name: n.wDown, shape: [dim, hiddenDim] },
    );
  }
  out.push({ name: 'output_norm.weight', shape: [dim] });
  if (!config.tiedEmbeddings) out.push({ name: 'output.weight', shape: [vocabSize, dim] });
  return out;
}

/** Checks the config's numbers and that every tensor it implies is present with the implied shape. */
export function validateLayout(layout: ModelLayout): void {
  const c = layout.config;
  const fail = (p: string): never => { throw new WeightsFormatError(layout.fileName, p); };
  if (c.architecture !== 'llama') fail(`unsupported architecture '${c.architecture}' (jsonlm runs 'llama' models only)`);
  for (const k of ['dim', 'hiddenDim', 'nLayers', 'nHeads', 'nKvHeads', 'headDim', 'vocabSize', 'contextLength'] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) fail(`invalid config: ${k} is ${c[k]}`);
  }
  if (c.nHeads % c.nKvHeads !== 0) fail(`invalid config: ${c.nHeads} heads is not a multiple of ${c.nKvHeads} kv heads`);
  if (c.headDim % 2 !== 0) fail(`invalid config: head dimension ${c.headDim} is odd (RoPE needs pairs)`);
  if (!(c.ropeTheta > 0) || !(c.normEps > 0)) fail(`invalid config: rope theta ${c.ropeTheta}, norm eps ${c.normEps}`);
  // Checked before listing the expected tensors, so a corrupt layer count cannot make a huge list.
  const required = 2 + 9 * c.nLayers + (c.tiedEmbeddings ? 0 : 1);
  if (required > layout.tensors.size) {
    const firstMissing = c.nLayers > layout.tensors.size ? layerTensorNames(Math.floor(layout.tensors.size / 9)).attnNorm : undefined;
    if (firstMissing) {
      fail(`missing tensor ${layout.fileTensorName ? layout.fileTensorName(firstMissing) : firstMissing} ` +
        `(the config has ${c.nLayers} layers, needing ${required} tensors; the file has ${layout.tensors.size})`);
    }
  }
  for (const { name, shape } of expectedTensors(c)) {
    const t = layout.tensors.get(name);
    if (!t) fail(`missing tensor ${layout.fileTensorName ? layout.fileTensorName(name) : name}`);
    if (t!.shape.length !== shape.length || t!.shape.some((d, i) => d !== shape[i])) {
      fail(`tensor ${t!.fileTensorName} has shape [${t!.shape.join(', ')}] but the config implies [${shape.join(', ')}]`);
    }
  }
}
