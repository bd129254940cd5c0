// The engine room's public surface: what index.ts (browser-safe) re-exports. Node path loading lives in
// engine/load-model-node.ts (loadModelFromPath), for node.ts.
export type { LlamaConfig, RopeStyle } from '../weights/config.js';
export { loadModel, tokenizerFromSource, type LoadModelOptions } from './load-model.js';
export { Model, type ModelOptions } from './model.js';
export { Session, TokenIdError, type StepOptions } from './session.js';
export { ContextOverflowError, KvCacheRangeError, type KvCacheType } from './kv-cache.js';
export { Sampler, NoTokenAllowedError, NonFiniteLogitsError, SamplingOptionsError, type SamplingOptions } from './sampler.js';
export { MASKED_LOGIT } from './masked-logit.js';
export { Prng } from '../random/prng.js';
export {
  GenerateOptionsError, type FinishReason, type GenerateOptions, type GenerateResult, type GeneratedToken,
  type LogitsProcessor, type LogitsProcessorContext,
} from './generate.js';
