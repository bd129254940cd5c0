// The model loader the engine calls: read a described source (GGUF file, HF folder as a map of file names
// to bytes, or llama2.c checkpoint; a lone file's format is told by its GGUF magic in
// modelSourceFromBytes), validate it against its config, and stream every
// tensor into the kernels' memory. No Node built-ins here: weights/node-files.ts builds sources from paths,
// browsers from ArrayBuffers (fetch / File).
import type { LlamaConfig } from './config.js';
import type { Kernels } from '../kernels/kernels.js';
import { asByteSource, WeightsFormatError, type ByteSource } from './byte-source.js';
import { readGgufLayout } from './gguf-model.js';
import { readHfLayout } from './hf-folder.js';
import { readLlama2cLayout } from './llama2c.js';
import { expectedTensors, layerTensorNames, validateLayout, type ModelLayout, type TokenizerSource } from './model-layout.js';
import type { LayerWeights, ModelWeights } from './model-weights.js';
import { placementBytes, placeMatrix, placeVector, type PlaceOptions } from './place.js';
import { TensorReader } from './tensor-read.js';

import type { ExtractionHints } from './extraction-hints.js';
export type { TokenizerSource } from './model-layout.js';

export type ModelSource =
  | { kind: 'gguf'; file: ByteSource }
  /** A Hugging Face checkpoint folder: file name (e.g. 'config.json', 'model.safetensors') -> bytes. */
  | { kind: 'hf'; name: string; files: Map<string, ByteSource> }
  | { kind: 'llama2c'; file: ByteSource; tokenizer?: ByteSource };

export interface LoadOptions {
  /** 'q8': matrices in the kernels' int8 layout (default); 'f32': plain f32. */
  dtype?: 'q8' | 'f32';
  /** Quantization group for matrices quantized at load (default 32). */
  group?: number;
  /** GGUF Q4_0 matrices: 'packed' (default) kept at 4 bits per weight (matvec_q4), 'int8' expanded to the
   * int8 layout; both give the same logits, bit for bit. */
  q4_0?: 'packed' | 'int8';
}

export interface LoadedWeights { config: LlamaConfig; weights: ModelWeights; tokenizerSource: TokenizerSource; hints: ExtractionHints }

/** Reads headers only: the config, where each tensor lies, and the tokenizer data. Validates shapes. */
export function readModelLayout(source: ModelSource): ModelLayout {
  let layout: ModelLayout;
  switch (source.kind) {
    case 'gguf': layout = readGgufLayout(source.file); break;
    case 'hf': layout = readHfLayout(source.name, source.files); break;
    case 'llama2c': layout = readLlama2cLayout(source.file, source.tokenizer); break;
    default: throw new Error(`unknown model source kind '${(source as { kind: string }).kind}'`);
  }
  validateLayout(layout);
  validateConfigRanges(layout);
  return layout;
}

/** Ranges of the float hyper-parameters: an infinite or absurd eps or RoPE base loads without complaint
 * and then gives NaN or meaningless logits. Real models use eps 1e-6..1e-5 and a base of 1e4..1e6. */
function validateConfigRanges(layout: ModelLayout): void {
  const c = layout.config;
  const fail = (p: string): never => { throw new WeightsFormatError(layout.fileName, p); };
  if (!Number.isFinite(c.normEps) || !(c.normEps > 0 && c.normEps < 1)) fail(`invalid config: RMS norm eps is ${c.normEps}, expected a finite number in (0, 1)`);
  if (!Number.isFinite(c.ropeTheta) || !(c.ropeTheta > 1)) fail(`invalid config: RoPE base (theta) is ${c.ropeTheta}, expected a finite number above 1`);
}

/** Sniffs the format of a single in-memory model file (GGUF magic, else llama2.c). */
export function modelSourceFromBytes(bytes: ArrayBuffer | Uint8Array, name: string, tokenizer?: ArrayBuffer | Uint8Array): ModelSource {
  const file = asByteSource(bytes, name);
  const head = file.read(0, Math.min(4, file.size));
  if (head.length === 4 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46) return { kind: 'gguf', file };
  if (head.length < 4) throw new WeightsFormatError(name, `truncated file: ${head.length} bytes`);
  return { kind: 'llama2c', file, tokenizer: tokenizer ? asByteSource(tokenizer, 'tokenizer.bin') : undefined };
}

/** An HF folder from in-memory files (browsers: e.g. File objects' ArrayBuffers), keyed by file name. */
export function hfSourceFromFiles(name: string, files: Record<string, ArrayBuffer | Uint8Array>): ModelSource {
  const map = new Map<string, ByteSource>();
  for (const [file, bytes] of Object.entries(files)) map.set(file, asByteSource(bytes, `${name}/${file}`));
  return { kind: 'hf', name, files: map };
}

/** Places a layout's tensors into kernel memory. */
export function placeLayout(layout: ModelLayout, kernels: Kernels, options: LoadOptions = {}): ModelWeights {
  const place: PlaceOptions = { dtype: options.dtype ?? 'q8', group: options.group ?? 32, q4_0: options.q4_0 ?? 'packed' };
  if (place.q4_0 !== 'packed' && place.q4_0 !== 'int8') throw new Error(`loadWeights: q4_0 must be 'packed' or 'int8', got '${String(place.q4_0)}'`);
  if (!Number.isInteger(place.group) || place.group <= 0 || place.group % 16 !== 0) {
    throw new Error(`loadWeights: group must be a positive multiple of 16, got ${place.group}`);
  }
  const reader = new TensorReader();
  const t = (name: string) => layout.tensors.get(name)!;
  const config = layout.config;
  // Grow memory once for everything (see placementBytes), then place into it.
  let total = 0, scratch = 0;
  for (const { name } of expectedTensors(config)) {
    const b = placementBytes(t(name), place);
    total += b.kept;
    scratch = Math.max(scratch, b.scratch); // scratch is released after each tensor and reused
  }
  total += scratch;
  const start = kernels.mark();
  kernels.alloc(total);
  kernels.release(start);
  const tokenEmbedding = placeMatrix(kernels, reader, t('token_embd.weight'), place);
  const layers: LayerWeights[] = [];
  for (let i = 0; i < config.nLayers; i++) {
    const n = layerTensorNames(i);
    layers.push({
      attnNorm: placeVector(kernels, reader, t(n.attnNorm)),
      wq: placeMatrix(kernels, reader, t(n.wq), place),
      wk: placeMatrix(kernels, reader, t(n.wk), place),
      wv: placeMatrix(kernels, reader, t(n.wv), place),
      wo: placeMatrix(kernels, reader, t(n.wo), place),
      ffnNorm: placeVector(kernels, reader, t(n.ffnNorm)),
      wGate: placeMatrix(kernels, reader, t(n.wGate), place),
      wUp: placeMatrix(kernels, reader, t(n.wUp), place),
      wDown: placeMatrix(kernels, reader, t(n.wDown), place),
    });
  }
  const finalNorm = placeVector(kernels, reader, t('output_norm.weight'));
  const output = config.tiedEmbeddings ? tokenEmbedding : placeMatrix(kernels, reader, t('output.weight'), place);
  return { config, tokenEmbedding, layers, finalNorm, output };
}

/** Reads a model in any supported format and places its weights in the kernels' memory. */
export async function loadWeights(source: ModelSource, kernels: Kernels, options: LoadOptions = {}): Promise<LoadedWeights> {
  const layout = readModelLayout(source);
  const weights = placeLayout(layout, kernels, options);
  return { config: layout.config, weights, tokenizerSource: layout.tokenizerSource, hints: layout.hints };
}
