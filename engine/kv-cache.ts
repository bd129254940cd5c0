// The KV cache: per layer, keys and values [contextLength, nKvHeads * headDim], row = position, as f32 or
// as IEEE binary16 (half the memory; llama.cpp's default). f32: the K/V projections write straight into it.
// f16: they write an f32 chunk that is rounded (to nearest even) into the cache, and attention reads the
// halves widened exactly to f32, then runs the same f32 operations as over an f32 cache
// (kernels/assembly/attention.ts). It also remembers which token ids it holds, so a new
// prompt that shares a prefix with the previous one (the instruction + schema of every extraction)
// only runs the model over what differs.
// Memory: allocated once, never cleared. Fresh WebAssembly pages are zero and not resident until
// touched, so a 2048-position cache costs RSS only for the positions actually used.
import type { Kernels, Ptr } from '../kernels/kernels.js';
import type { LlamaConfig } from '../weights/config.js';

/** How the cache stores keys and values. */
export type KvCacheType = 'f32' | 'f16';
export const KV_CACHE_TYPES: readonly KvCacheType[] = ['f32', 'f16'];

export interface KvCache {
  readonly contextLength: number;
  readonly type: KvCacheType;
  /** Values per cached row: nKvHeads * headDim. */
  readonly rowFloats: number;
  /** Bytes of keys and values together, all layers, all positions (resident only as positions fill). */
  readonly bytes: number;
  readonly keys: readonly Ptr[]; // per layer, f32 or f16 [contextLength * rowFloats]
  readonly values: readonly Ptr[];
  /** tokens[p] is the id whose K/V sit at position p; length = positions filled. */
  tokens: number[];
}

/** Checks a cache type given by a caller (an option, a flag). */
export function kvCacheType(type: unknown): KvCacheType {
  if (!KV_CACHE_TYPES.includes(type as KvCacheType)) {
    throw new Error(`kvCache must be ${KV_CACHE_TYPES.map((t) => `'${t}'`).join(' or ')}, got ${JSON.stringify(type)}`);
  }
  return type as KvCacheType;
}

export function createKvCache(kernels: Kernels, config: LlamaConfig, contextLength = config.contextLength,
  type: KvCacheType = 'f32'): KvCache {
  kvCacheType(type);
  if (!Number.isInteger(contextLength) || contextLength < 1) {
    throw new Error(`context length must be a positive integer, got ${contextLength}`);
  }
  if (contextLength > config.contextLength) {
    throw new Error(`context length ${contextLength} is larger than the model's ${config.contextLength}`);
  }
  const rowFloats = config.nKvHeads * config.headDim;
  const bytes = contextLength * rowFloats * (type === 'f16' ? 2 : 4);
  const keys: Ptr[] = [], values: Ptr[] = [];
  for (let l = 0; l < config.nLayers; l++) {
    keys.push(kernels.alloc(bytes));
    values.push(kernels.alloc(bytes));
  }
  return { contextLength, type, rowFloats, bytes: 2 * config.nLayers * bytes, keys, values, tokens: [] };
}

/** Length of the longest common prefix of the cached ids and `ids`. */
export function commonPrefix(cache: KvCache, ids: readonly number[]): number {
  const n = Math.min(cache.tokens.length, ids.length);
  let i = 0;
  while (i < n && cache.tokens[i] === ids[i]) i++;
  return i;
}

/** Thrown when a key or value is too large for an f16 cache (|x| >= 65520 would be stored as infinity and
 * turn the attention into NaN). */
export class KvCacheRangeError extends Error {
  constructor(readonly layer: number, readonly count: number) {
    super(`${count} key/value entr${count === 1 ? 'y' : 'ies'} of layer ${layer} exceed the f16 KV cache's range ` +
      `(|x| >= 65520 rounds to infinity): use the f32 cache (kvCache: 'f32', --kv f32) for this model`);
    this.name = 'KvCacheRangeError';
  }
}

/** Thrown when a sequence does not fit the cache. */
export class ContextOverflowError extends Error {
  constructor(readonly needed: number, readonly contextLength: number, what = 'the sequence') {
    super(`${what} needs ${needed} positions but the context holds ${contextLength} tokens`);
    this.name = 'ContextOverflowError';
  }
}
