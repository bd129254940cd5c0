// loadModel: one WebAssembly instance per model, the weights streamed into it, the tokenizer built from
// what the model file carries (or given). Browser-safe: sources are byte sources, not paths
// (engine/load-model-node.ts opens paths).
import { Kernels } from '../kernels/kernels.js';
import { MIN_PARALLEL_MACS, type WorkerHost } from '../kernels/thread-pool.js';
import { defaultWorkerHost } from '../kernels/worker-host-web.js';
import { tokenizerFromGguf, tokenizerFromJson, tokenizerFromLlama2c } from '../tokenizer/index.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { LlamaConfig } from '../weights/config.js';
import { placeLayout, readModelLayout, type ModelSource, type TokenizerSource } from '../weights/load.js';
import { Model, type ModelOptions } from './model.js';

export interface LoadModelOptions extends ModelOptions {
  /** 'q8' (default): int8 matrices (Q8_0 GGUF tensors as they are, others quantized at load in groups of
   * 32); 'f32': float32 matrices (Q8_0 tensors dequantized). */
  dtype?: 'q8' | 'f32';
  /** GGUF Q4_0 matrices with dtype 'q8': 'packed' (default) 4 bits per weight, 'int8' expanded (same logits). */
  q4_0?: 'packed' | 'int8';
  /** Use this tokenizer instead of the one the model file carries. */
  tokenizer?: Tokenizer;
  /** Threads for the int8 products (default 1); logits are bit-identical for any count. Needs a `workerHost`
   * (Node: loadModelFromPath gives worker_threads; browsers: Web Workers) and shared memory; otherwise one thread, and model.kernels.threadsNote
   * says why. */
  threads?: number;
  /** Take `threads` as the most to use: a model whose layer products are all too small to split runs on one
   * thread (see threadsWorthUsing). The CLI's default, where `threads` is the cores available. */
  threadsUpTo?: boolean;
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

/** Threads worth starting for a model: when even its largest layer product (dim x hiddenDim) falls below the
 * pool's MIN_PARALLEL_MACS, only the LM head would ever split, and waking the workers every step costs more
 * than that saves (the bundled 3M model ran 1.8x slower on 2 threads than on 1). */
export function threadsWorthUsing(config: LlamaConfig, threads: number): number {
  return config.dim * config.hiddenDim < MIN_PARALLEL_MACS ? 1 : threads;
}

export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<Model> {
  // The layout (config and tensor table) is read first, so the thread count can depend on the model's size.
  const layout = readModelLayout(source);
  const threads = options.threadsUpTo && options.threads !== undefined ? threadsWorthUsing(layout.config, options.threads) : options.threads;
  const kernels = await Kernels.create({
    threads, host: options.workerHost ?? defaultWorkerHost(), relaxedSimd: options.relaxedSimd,
  });
  const weights = placeLayout(layout, kernels, { dtype: options.dtype ?? 'q8', q4_0: options.q4_0 });
  const tokenizer = options.tokenizer ?? tokenizerFromSource(layout.tokenizerSource);
  return new Model(kernels, weights, tokenizer, { ...options, extractionHints: options.extractionHints ?? layout.hints });
}
