// The KV cache: per layer, keys and values as f32 [contextLength, nKvHeads * headDim], row = position.
// The K/V projections write straight into it. It also remembers which token ids it holds, so a new
// prompt that shares a prefix with the previous one (the instruction + schema of every extraction)
// only runs the model over what differs.
// Memory: allocated once, never cleared. Fresh WebAssembly pages are zero and not resident until
// touched, so a 2048-position cache costs RSS only for the positions actually used.
import type { Kernels, Ptr } from '../kernels/kernels.js';
import type { LlamaConfig } from '../weights/config.js';

export interface KvCache {
  readonly contextLength: number;
  /** Floats per cached row: nKvHeads * headDim. */
  readonly rowFloats: number;
  readonly keys: readonly Ptr[]; // per layer, f32[contextLength * rowFloats]
  readonly values: readonly Ptr[];
  /** tokens[p] is the id whose K/V sit at position p; length = positions filled. */
  tokens: number[];
}

export function createKvCache(kernels: Kernels, config: LlamaConfig, contextLength = config.contextLength): KvCache {
  if (!Number.isInteger(contextLength) || contextLength < 1) {
    throw new Error(`context length must be a positive integer, got ${contextLength}`);
  }
  if (contextLength > config.contextLength) {
    throw new Error(`context length ${contextLength} is larger than the model's ${config.contextLength}`);
  }
  const rowFloats = config.nKvHeads * config.headDim;
  const bytes = contextLength * rowFloats * 4;
  const keys: Ptr[] = [], values: Ptr[] = [];
  for (let l = 0; l < config.nLayers; l++) {
    keys.push(kernels.alloc(bytes));
    values.push(kernels.alloc(bytes));
  }
  return { contextLength, rowFloats, keys, values, tokens: [] };
}

/** Length of the longest common prefix of the cached ids and `ids`. */
export function commonPrefix(cache: KvCache, ids: readonly number[]): number {
  const n = Math.min(cache.tokens.length, ids.length);
  let i = 0;
  while (i < n && cache.tokens[i] === ids[i]) i++;
  return i;
}

/** Thrown when a sequence does not fit the cache. */
export class ContextOverflowError extends Error {
  constructor(readonly needed: number, readonly contextLength: number, what = 'the sequence') {
    super(`${what} needs ${needed} positions but the context holds ${contextLength} tokens`);
    this.name = 'ContextOverflowError';
  }
}
