// `--kv f32|f16` of every command that runs a model: how the KV cache stores keys and values
// (engine/kv-cache.ts). f16 halves the cache's memory; the logits then move by the rounding of K and V.
import { KV_CACHE_TYPES, type KvCacheType } from '../engine/kv-cache.js';
import { UsageError } from '../cmdline/flags.js';

export const KV_HELP = '  --kv f32|f16        KV cache type (default f32): f16 halves its memory, logits move by K/V rounding';

/** The loader option for --kv; none without the flag (the engine's default). */
export function kvCacheFlag(value: string | undefined): { kvCache?: KvCacheType } {
  if (value === undefined) return {};
  if (!KV_CACHE_TYPES.includes(value as KvCacheType)) {
    throw new UsageError(`--kv must be ${KV_CACHE_TYPES.join(' or ')}, got '${value}'`);
  }
  return { kvCache: value as KvCacheType };
}
