// Picks the next token from a row of logits in the kernels' memory. Greedy is the kernel's argmax (the
// lowest id wins ties, as in llama.cpp). Otherwise, in this order (as llama2.c and Hugging Face do):
// repetition penalty -> temperature -> top-k -> top-p -> one seeded draw.
// Determinism: exp and the softmax run in WebAssembly (scale + softmax kernels); JS only compares, sorts
// and adds float64 numbers (IEEE-exact everywhere) and draws integers from the seeded Prng.
import type { Kernels, Ptr } from '../kernels/kernels.js';
import { Prng } from '../random/prng.js';
import { MASKED_LOGIT } from './masked-logit.js';

export interface SamplingOptions {
  /** 0 (the default) is greedy argmax; above 0 the logits are divided by it before the softmax. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 = off). Ties at the k-th value go to the lowest ids. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probabilities sum to >= topP (1 = off). Tokens tied
   * with the last one kept are kept too. */
  topP?: number;
  /** > 1 discourages tokens seen in the last `repetitionWindow` ids (prompt included): a positive logit
   * is divided by it, a negative one multiplied (the CTRL / llama.cpp rule). 1 = off. */
  repetitionPenalty?: number;
  /** How many recent ids the penalty looks at (default 64). */
  repetitionWindow?: number;
  /** Seed of the integer PRNG (default 0): the same seed, logits and options give the same tokens. */
  seed?: number;
}

export class SamplingOptionsError extends Error {}

function checkOptions(o: SamplingOptions): Required<SamplingOptions> {
  const r = {
    temperature: o.temperature ?? 0, topK: o.topK ?? 0, topP: o.topP ?? 1,
    repetitionPenalty: o.repetitionPenalty ?? 1, repetitionWindow: o.repetitionWindow ?? 64, seed: o.seed ?? 0,
  };
  const bad = (what: string, v: unknown) => { throw new SamplingOptionsError(`${what}, got ${v}`); };
  if (!(r.temperature >= 0) || !Number.isFinite(r.temperature)) bad('temperature must be a finite number >= 0', r.temperature);
  if (!Number.isInteger(r.topK) || r.topK < 0) bad('topK must be an integer >= 0', r.topK);
  if (!(r.topP > 0 && r.topP <= 1)) bad('topP must be in (0, 1]', r.topP);
  if (!(r.repetitionPenalty > 0) || !Number.isFinite(r.repetitionPenalty)) bad('repetitionPenalty must be a finite number > 0', r.repetitionPenalty);
  if (!Number.isInteger(r.repetitionWindow) || r.repetitionWindow < 0) bad('repetitionWindow must be an integer >= 0', r.repetitionWindow);
  if (!Number.isSafeInteger(r.seed) || r.seed < 0) bad('seed must be a non-negative integer', r.seed);
  return r;
}

/** The logit of a masked (disallowed) token: large, negative and finite, so no -inf arithmetic (-inf minus
 * -inf is NaN, and NaN bit patterns differ between x86 and ARM) can reach the logits. Any logit at or below
 * it, -Infinity from a user's processor included, counts as masked. */

/** Thrown when a forward pass gives a NaN or infinite logit: the weights or hyper-parameters are broken
 * (a file that slipped past the load checks), since a sound model's logits are always finite. */
export class NonFiniteLogitsError extends Error {
  constructor(value: number, id: number) {
    super(`the model computed a non-finite logit (${value} for token ${id}): its weights or hyper-parameters are ` +
      'broken (NaN/Inf weights, an extreme RMS norm eps or RoPE base, or a tensor stored with the wrong type); ' +
      'check the file, e.g. re-convert it from its source');
  }
}

/** Throws NonFiniteLogitsError at the first NaN or infinite value of `logits`. */
export function requireFiniteLogits(logits: Float32Array): void {
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (v - v !== 0) throw new NonFiniteLogitsError(v, i);
  }
}

/** Thrown when every token is excluded (e.g. a logits processor masked the whole vocabulary). */
export class NoTokenAllowedError extends Error {
  constructor() { super('no token can be sampled: every token is masked'); }
}

export class Sampler {
  readonly options: Readonly<Required<SamplingOptions>>;
  private readonly prng: Prng;

  /** `scratch` is f32[vocabSize] of kernel memory the sampler may overwrite (one per model). */
  constructor(private readonly kernels: Kernels, private readonly scratch: Ptr, readonly vocabSize: number,
    options: SamplingOptions = {}) {
    this.options = checkOptions(options);
    this.prng = new Prng(this.options.seed);
  }

  get greedy(): boolean { return this.options.temperature === 0; }

  /** Samples from f32 logits[vocabSize] at `logits` (modified in place by the penalty). `history` is every
   * id in the sequence so far, for the repetition penalty. */
  sample(logits: Ptr, history: readonly number[] = []): number {
    const { kernels, vocabSize: n } = this;
    const k = kernels.exports;
    this.applyRepetitionPenalty(logits, history);
    if (this.greedy) {
      const id = k.argmax(logits, n) as number;
      if (!(kernels.f32(logits, n)[id] > MASKED_LOGIT)) throw new NoTokenAllowedError();
      return id;
    }
    const L = kernels.f32(logits, n);
    const ids = this.candidates(L);
    const m = ids.length;
    if (m === 0) throw new NoTokenAllowedError();
    // A temperature so small that logit / temperature overflows f32 (below about 1e-38 for logits near 1)
    // would make the softmax NaN: its limit is the greedy choice, so take that.
    let maxAbs = 0;
    for (let j = 0; j < m; j++) maxAbs = Math.max(maxAbs, Math.abs(L[ids[j]]));
    if (!Number.isFinite(Math.fround(Math.fround(1 / this.options.temperature) * maxAbs))) return k.argmax(logits, n) as number;

    // Probabilities over the candidates, in WebAssembly: softmax(logits / temperature).
    const buf = kernels.f32(this.scratch, m);
    for (let j = 0; j < m; j++) buf[j] = L[ids[j]];
    k.scale(this.scratch, m, 1 / this.options.temperature);
    k.softmax(this.scratch, m);
    const p = kernels.f32(this.scratch, m);

    // Top-p: the probability of the last token in the nucleus (0 keeps everything).
    let threshold = 0;
    if (this.options.topP < 1) {
      const sorted = Float32Array.from(p).sort();
      let cum = 0;
      for (let i = m - 1; i >= 0; i--) {
        cum += sorted[i];
        if (cum >= this.options.topP) { threshold = sorted[i]; break; }
      }
    }
    // One draw: a uniform u32 scaled onto the kept mass, walked in ascending id order.
    let mass = 0;
    for (let j = 0; j < m; j++) if (p[j] >= threshold) mass += p[j];
    const r = (this.prng.nextU32() / 2 ** 32) * mass;
    let acc = 0, last = -1;
    for (let j = 0; j < m; j++) {
      if (p[j] < threshold || p[j] === 0) continue;
      acc += p[j];
      last = j;
      if (r < acc) return ids[j];
    }
    if (last < 0) throw new NoTokenAllowedError();
    return ids[last]; // r rounded up to the full mass
  }

  private applyRepetitionPenalty(logits: Ptr, history: readonly number[]): void {
    const { repetitionPenalty: penalty, repetitionWindow: window } = this.options;
    if (penalty === 1 || window === 0 || history.length === 0) return;
    const seen = new Set<number>();
    for (let i = Math.max(0, history.length - window); i < history.length; i++) seen.add(history[i]);
    const L = this.kernels.f32(logits, this.vocabSize);
    for (const id of seen) {
      if (id < 0 || id >= this.vocabSize || !(L[id] > MASKED_LOGIT)) continue;
      // One-element scale in WebAssembly: multiplying by 1/penalty keeps the float math in the module.
      this.kernels.exports.scale(logits + 4 * id, 1, L[id] > 0 ? 1 / penalty : penalty);
    }
  }

  /** Ids that survive top-k and masking, ascending. */
  private candidates(L: Float32Array): number[] {
    const n = L.length;
    const topK = this.options.topK;
    const ids: number[] = [];
    if (topK > 0 && topK < n) {
      const kth = Float32Array.from(L).sort()[n - topK]; // k-th largest value
      let ties = topK;
      for (let i = 0; i < n; i++) if (L[i] > kth) ties--;
      for (let i = 0; i < n; i++) {
        const v = L[i];
        if (!(v > MASKED_LOGIT)) continue; // masked or NaN
        if (v > kth) ids.push(i);
        else if (v === kth && ties > 0) { ids.push(i); ties--; }
      }
    } else {
      for (let i = 0; i < n; i++) if (L[i] > MASKED_LOGIT) ids.push(i); // skips masked and NaN
    }
    return ids;
  }
}
