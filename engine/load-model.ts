// loadModel: one WebAssembly instance per model, the weights streamed into it, the tokenizer built from
// what the model file carries (or given). Browser-safe: sources are byte sources, not paths
// (engine/load-model-node.ts opens paths).
import { Kernels } from '../kernels/kernels.js';
import type { WorkerHost } from '../kernels/thread-pool.js';
import { defaultWorkerHost } from '../kernels/worker-host-web.js';
import { tokenizerFromGguf, tokenizerFromJson, tokenizerFromLlama2c } from '../tokenizer/index.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { loadWeights, type ModelSource, type TokenizerSource } from '../weights/load.js';
import { Model, type ModelOptions } from './model.js';

export interface LoadModelOptions extends ModelOptions {
  /** 'q8' (default): int8 matrices (Q8_0 GGUF tensors as they are, others quantized at load in groups of
   * 32); 'f32': float32 matrices (Q8_0 tensors dequantized). */
  dtype?: 'q8' | 'f32';
  /** Use this tokenizer instead of the one the model file carries. */
  tokenizer?: Tokenizer;
  /** Threads for the int8 products (default 1); logits are bit-identical for any count. Needs a `workerHost`
   * (Node: loadModelFromPath gives worker_threads; browsers: Web Workers) and shared memory; otherwise one thread, and model.kernels.threadsNote
   * says why. */
  threads?: number;
  /** How worker threads start on this platform (default: Web Workers where the engine has them). */
  workerHost?: WorkerHost;
  /** Relaxed-SIMD decode kernel (same logits): default where supported; false never; true or fail. */
  relaxedSimd?: boolean;
}

/** The tokenizer a model file carries; undefined when it has none (a llama2.c .bin without tokenizer). */
export function tokenizerFromSource(source: TokenizerSource): Tokenizer | undefined {
  if (!source) return undefined;
  switch (source.kind) {
    // A GGUF written without vocabulary (weights only) has no tokenizer.ggml.* keys.
    case 'gguf': return source.metadata.has('tokenizer.ggml.model') ? tokenizerFromGguf(source.metadata) : undefined;
    // config.json's bos/eos ids matter when tokenizer_config.json is absent (SmolLM2's shared folder).
    case 'hf': return tokenizerFromJson(source.tokenizerJson, source.tokenizerConfigJson, {
      bos_token_id: source.specialTokenIds?.bos, eos_token_id: source.specialTokenIds?.eos,
    });
    case 'llama2c': return tokenizerFromLlama2c(source.bytes);
  }
}

export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<Model> {
  const kernels = await Kernels.create({
    threads: options.threads, host: options.workerHost ?? defaultWorkerHost(), relaxedSimd: options.relaxedSimd,
  });
  const { weights, tokenizerSource, hints } = await loadWeights(source, kernels, { dtype: options.dtype ?? 'q8' });
  const tokenizer = options.tokenizer ?? tokenizerFromSource(tokenizerSource);
  return new Model(kernels, weights, tokenizer, { ...options, extractionHints: options.extractionHints ?? hints });
}
