// A session is one sequence in one KV cache. Feeding it a prompt runs the model only over the tokens
// after the longest prefix the cache already holds, so repeated prompts that share an instruction +
// schema prefix skip that prefix. Logits come back as a pointer into kernel memory, valid until the
// next call that runs the model (copy them out with logitsView().slice() to keep them).
import type { Ptr } from '../kernels/kernels.js';
import { forward, type ForwardContext } from './forward.js';
import { ContextOverflowError, commonPrefix, type KvCache } from './kv-cache.js';
import { requireFiniteLogits } from './sampler.js';

export class TokenIdError extends Error {}

export interface StepOptions {
  /** A u32 bitset in kernel memory over the vocabulary (bit id = word id >> 5, bit id & 31, as the
   * apply_mask kernel reads it): only these tokens' logits are computed, the rest are MASKED_LOGIT. The
   * computed logits are bit-identical to a full pass; the LM head's cost shrinks with the set. */
  allowed?: Ptr;
}

export class Session {
  /** Positions run through the model since creation (a measure of work saved by prefix reuse). */
  evaluated = 0;

  constructor(private readonly ctx: ForwardContext, readonly cache: KvCache) {}

  get contextLength(): number { return this.cache.contextLength; }
  /** The ids whose keys and values are in the cache, in order. */
  get tokens(): readonly number[] { return this.cache.tokens; }

  /** Forgets the cached sequence (the memory stays allocated). */
  reset(): void { this.cache.tokens = []; }

  /** Keeps only the first `length` cached tokens (e.g. after scoring a candidate continuation). */
  rewind(length: number): void {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`rewind length must be an integer >= 0, got ${length}`);
    if (length < this.cache.tokens.length) this.cache.tokens.length = length;
  }

  /** Makes the cache hold exactly `ids` and returns the logits after the last of them. Only the ids past
   * the longest common prefix with the cached sequence are computed (at least the last one, for its
   * logits). */
  prefill(ids: readonly number[], options: StepOptions = {}): Ptr {
    this.check(ids, 'the prompt');
    const reuse = Math.min(commonPrefix(this.cache, ids), ids.length - 1);
    this.run(ids, reuse, 'last', undefined, options.allowed);
    // Every generation starts here: broken weights show up now as a named error, not later as "every
    // token is masked" or silently as NaN logits (one pass over vocabSize floats).
    requireFiniteLogits(this.logitsView());
    return this.ctx.state.logits;
  }

  /** Appends one token to the sequence and returns the logits that follow it. */
  decode(id: number, options: StepOptions = {}): Ptr {
    // The cached ids were checked when they went in: only the new one needs it (no O(n) copy per token).
    const n = this.cache.tokens.length + 1;
    if (n > this.cache.contextLength) throw new ContextOverflowError(n, this.cache.contextLength, 'the sequence');
    this.checkId(id, n - 1);
    forward(this.ctx, this.cache, [id], n - 1, 'last', undefined, options.allowed);
    this.cache.tokens.push(id);
    this.evaluated++;
    return this.ctx.state.logits;
  }

  /** Appends several known tokens in one batched pass (e.g. tokens a grammar forces) and returns the
   * logits after the last. */
  append(ids: readonly number[], options: StepOptions = {}): Ptr {
    if (ids.length === 0) throw new TokenIdError('append needs at least one token');
    const all = [...this.cache.tokens, ...ids];
    this.check(all, 'the sequence');
    this.run(all, this.cache.tokens.length, 'last', undefined, options.allowed);
    return this.ctx.state.logits;
  }

  /** Appends known tokens in one batched pass and returns the logits row after each of them (copies),
   * e.g. to score a candidate continuation; prefill() with the sequence before them rewinds the cache. */
  extend(ids: readonly number[]): Float32Array[] {
    if (ids.length === 0) throw new TokenIdError('extend needs at least one token');
    const all = [...this.cache.tokens, ...ids];
    this.check(all, 'the sequence');
    const from = this.cache.tokens.length;
    const vocab = this.ctx.config.vocabSize;
    const rows: Float32Array[] = [];
    this.run(all, from, 'all', (p, logits) => { rows[p - from] = this.ctx.kernels.f32(logits, vocab).slice(); });
    return rows;
  }

  /** Logits after every position of `ids` (for parity checks), computed from position 0; each row is
   * a copy. Leaves the cache holding `ids`. */
  logitsAll(ids: readonly number[]): Float32Array[] {
    this.check(ids, 'the sequence');
    const rows: Float32Array[] = [];
    const vocab = this.ctx.config.vocabSize;
    this.run(ids, 0, 'all', (p, logits) => { rows[p] = this.ctx.kernels.f32(logits, vocab).slice(); });
    return rows;
  }

  /** A view of the latest logits row (re-made after any allocation; copy to keep). */
  logitsView(): Float32Array { return this.ctx.kernels.f32(this.ctx.state.logits, this.ctx.config.vocabSize); }

  private check(ids: readonly number[], what: string): void {
    if (ids.length === 0) throw new TokenIdError(`${what} is empty: give at least one token`);
    if (ids.length > this.cache.contextLength) throw new ContextOverflowError(ids.length, this.cache.contextLength, what);
    for (let i = 0; i < ids.length; i++) this.checkId(ids[i], i);
  }

  private checkId(id: number, index: number): void {
    const vocab = this.ctx.config.vocabSize;
    if (!Number.isInteger(id) || id < 0 || id >= vocab) {
      throw new TokenIdError(`token id ${id} at index ${index} is out of range: the vocabulary has ids 0..${vocab - 1}`);
    }
  }

  /** Runs ids[from..] through the model in chunks, positions from..; `rows` says which logits to produce. */
  private run(ids: readonly number[], from: number, rows: 'last' | 'all', onRow?: (p: number, logits: Ptr) => void,
    allowed?: Ptr): void {
    const chunk = this.ctx.state.maxChunk;
    this.cache.tokens.length = from; // positions past `from` are overwritten below
    for (let start = from; start < ids.length; start += chunk) {
      const end = Math.min(ids.length, start + chunk);
      const isLast = end === ids.length;
      forward(this.ctx, this.cache, ids.slice(start, end), start, rows === 'all' ? 'all' : isLast ? 'last' : 'none',
        onRow && ((t, logits) => onRow(start + t, logits)), allowed);
      for (let p = start; p < end; p++) this.cache.tokens.push(ids[p]);
      this.evaluated += end - start;
    }
  }
}
