// A loaded model: config, tokenizer and placed weights, with the few things users do with it: logits for
// a token sequence, generation, and sessions (KV caches) that reuse a shared prompt prefix.
import type { Kernels, Ptr } from '../kernels/kernels.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { ModelWeights } from '../weights/model-weights.js';
import type { ExtractionHints } from '../weights/extraction-hints.js';
import type { LlamaConfig } from '../weights/config.js';
import type { ForwardContext } from './forward.js';
import { generate, generateSteps, type GenerateOptions, type GenerateResult, type GeneratedToken } from './generate.js';
import { createKvCache, kvCacheType, type KvCacheType } from './kv-cache.js';
import { createRunState, DEFAULT_MAX_CHUNK } from './run-state.js';
import { Sampler, type SamplingOptions } from './sampler.js';
import { Session } from './session.js';

export interface ModelOptions {
  /** Positions the model's caches hold at most (default: the model's context length). Smaller saves
   * memory; a prompt plus generation must fit. */
  contextLength?: number;
  /** Prompt tokens per batched prefill pass (default 64). */
  maxChunk?: number;
  /** Extraction settings recommended for this model (loadModel takes them from the model file). */
  extractionHints?: ExtractionHints;
  /** How sessions' KV caches store keys and values (default 'f32'): 'f16' halves the cache's memory; the
   * logits then differ from f32's by the rounding of K and V to 11 significant bits. */
  kvCache?: KvCacheType;
}

export class Model {
  readonly config: LlamaConfig;
  /** Positions each session can hold. */
  readonly contextLength: number;
  readonly extractionHints: ExtractionHints;
  /** The KV cache type of sessions created without one. */
  readonly kvCache: KvCacheType;
  private readonly ctx: ForwardContext;
  private readonly samplerScratch: Ptr;
  private defaultSession: Session | undefined;

  constructor(readonly kernels: Kernels, readonly weights: ModelWeights, readonly tokenizer: Tokenizer | undefined,
    options: ModelOptions = {}) {
    this.config = weights.config;
    const ctxLen = options.contextLength ?? this.config.contextLength;
    if (!Number.isInteger(ctxLen) || ctxLen < 1 || ctxLen > this.config.contextLength) {
      throw new RangeError(`contextLength must be an integer in 1..${this.config.contextLength} (the model's), got ${ctxLen}`);
    }
    const maxChunk = options.maxChunk ?? DEFAULT_MAX_CHUNK;
    if (!Number.isInteger(maxChunk) || maxChunk < 1) throw new Error(`maxChunk must be a positive integer, got ${maxChunk}`);
    if (tokenizer && tokenizer.vocabSize > this.config.vocabSize) {
      throw new Error(`the tokenizer has ${tokenizer.vocabSize} tokens but the model only ${this.config.vocabSize}`);
    }
    this.contextLength = ctxLen;
    this.kvCache = kvCacheType(options.kvCache ?? 'f32');
    this.extractionHints = options.extractionHints ?? {};
    this.ctx = { kernels, config: this.config, weights, state: createRunState(kernels, this.config, weights, ctxLen, maxChunk) };
    this.samplerScratch = kernels.alloc(this.config.vocabSize * 4);
  }

  /** A new sequence with its own KV cache (allocated now, resident only as it fills). */
  createSession(options: { contextLength?: number; kvCache?: KvCacheType } = {}): Session {
    const contextLength = options.contextLength ?? this.contextLength;
    // The run state's attention scratch is sized for the model's context length.
    if (contextLength > this.contextLength) {
      throw new RangeError(`context length ${contextLength} is larger than the model's ${this.contextLength}`);
    }
    return new Session(this.ctx, createKvCache(this.kernels, this.config, contextLength, options.kvCache ?? this.kvCache));
  }

  /** A sampler over this model's vocabulary, for loops driven by hand (session.prefill / decode /
   * append, then sampler.sample(logits, ids)). Samplers share one scratch row: use one at a time. */
  createSampler(options: SamplingOptions = {}): Sampler {
    return new Sampler(this.kernels, this.samplerScratch, this.config.vocabSize, options);
  }

  /** The session generate() and logits() use when none is given; it keeps the last sequence cached. */
  get session(): Session {
    this.defaultSession ??= this.createSession();
    return this.defaultSession;
  }

  /** Logits (a copy) after the last of `ids`, reusing the cached prefix of the default session. */
  logits(ids: readonly number[], session = this.session): Float32Array {
    session.prefill(ids);
    return session.logitsView().slice();
  }

  /** Logits after every position of `ids` (copies), computed from scratch. */
  logitsAll(ids: readonly number[], session = this.session): Float32Array[] {
    return session.logitsAll(ids);
  }

  /** Generates from a text prompt (encoded with the tokenizer) or from token ids. */
  generate(prompt: string | readonly number[], options: GenerateOptions = {}, session = this.session): GenerateResult {
    return generate(this.parts(session), prompt, options);
  }

  /** The same as generate(), as an async iterator of tokens as they are produced; its return value is the
   * GenerateResult. */
  async *stream(prompt: string | readonly number[], options: GenerateOptions = {}, session = this.session):
    AsyncGenerator<GeneratedToken, GenerateResult, void> {
    const it = generateSteps(this.parts(session), prompt, options);
    for (;;) {
      const r = it.next();
      if (r.done) return r.value;
      yield r.value;
    }
  }

  private parts(session: Session) {
    return { session, kernels: this.kernels, vocabSize: this.config.vocabSize, tokenizer: this.tokenizer, samplerScratch: this.samplerScratch };
  }
}
