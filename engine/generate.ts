// The generation loop for free text: prefill the prompt, then sample -> feed back one token at a time,
// stop on EOS ids or stop strings, a token limit, and the text streamed as it grows. A logits processor
// hook lets a caller edit each row before sampling (the tests mask with it); grammar-constrained
// extraction has its own loop in extract/extractor.ts, which asks the engine for the allowed rows only.
import type { Kernels, Ptr } from '../kernels/kernels.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { Sampler, type SamplingOptions } from './sampler.js';
import type { Session } from './session.js';

/** What a logits processor sees: the logits row in kernel memory (mask it with the apply_mask kernel, or
 * edit it through kernels.f32(logits, vocabSize)), and the ids so far. */
export interface LogitsProcessorContext {
  kernels: Kernels;
  logits: Ptr;
  vocabSize: number;
  /** Prompt and generated ids (the sequence the logits follow). */
  ids: readonly number[];
  /** Only the generated ids. */
  generated: readonly number[];
}

/** Called before every sampling step. */
export type LogitsProcessor = (ctx: LogitsProcessorContext) => void;

export interface GenerateOptions extends SamplingOptions {
  /** Most tokens to generate (default 256). */
  maxTokens?: number;
  /** Generation ends before any of these strings; the text returned stops just before it. */
  stop?: readonly string[];
  /** Ids that end generation (default: the tokenizer's eosIds); pass [] to never stop on EOS. */
  eosIds?: readonly number[];
  /** Add BOS etc. when encoding a string prompt (default true). */
  addSpecialTokens?: boolean;
  logitsProcessor?: LogitsProcessor;
  /** The tokens that may follow `ids` (prompt + generated so far), as a u32 bitset in kernel memory
   * (apply_mask's layout), or undefined for all. Only their logits are computed (the LM head skips the
   * rest, which come out MASKED_LOGIT): the same samples as masking afterwards, for less work. */
  allowedTokens?: (ids: readonly number[]) => Ptr | undefined;
  /** Called with every token as it is produced. */
  onToken?: (token: GeneratedToken) => void;
  signal?: AbortSignal;
}

export interface GeneratedToken {
  /** The token produced; -1 for the one last piece of held-back text flushed when generation ends. */
  id: number;
  /** Text that became final with this token (may be '' while a UTF-8 character or a possible stop
   * string is incomplete; the pieces concatenate to the result's text). */
  text: string;
}

export type FinishReason = 'eos' | 'stop' | 'length' | 'context' | 'abort';

export interface GenerateResult {
  /** Generated ids (without the EOS that ended generation). */
  ids: number[];
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  /** Prompt tokens actually computed (the rest came from the KV cache). */
  prefillTokens: number;
  prefillMs: number;
  decodeMs: number;
}

export interface GenerateParts {
  session: Session;
  kernels: Kernels;
  vocabSize: number;
  tokenizer?: Tokenizer;
  samplerScratch: Ptr;
}

export class GenerateOptionsError extends Error {}

function promptIds(parts: GenerateParts, prompt: string | readonly number[], options: GenerateOptions): number[] {
  if (typeof prompt !== 'string') return [...prompt];
  if (!parts.tokenizer) throw new GenerateOptionsError('a text prompt needs a tokenizer; pass token ids instead');
  const ids = parts.tokenizer.encode(prompt, { addSpecialTokens: options.addSpecialTokens ?? true });
  if (ids.length === 0 && parts.tokenizer.bosId !== undefined) ids.push(parts.tokenizer.bosId);
  return ids;
}

/** Longest suffix of `text` that is a proper prefix of some stop string (held back while streaming). */
function pendingStopPrefix(text: string, stops: readonly string[]): number {
  let hold = 0;
  for (const s of stops) {
    for (let n = Math.min(s.length - 1, text.length); n > hold; n--) {
      if (text.endsWith(s.slice(0, n))) { hold = n; break; }
    }
  }
  return hold;
}

/** The loop, as a generator of tokens; its return value is the result. */
export function* generateSteps(parts: GenerateParts, prompt: string | readonly number[], options: GenerateOptions = {}):
  Generator<GeneratedToken, GenerateResult, void> {
  const maxTokens = options.maxTokens ?? 256;
  if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new GenerateOptionsError(`maxTokens must be an integer >= 0, got ${maxTokens}`);
  const stops = (options.stop ?? []).filter((s) => s.length > 0);
  const eos = new Set(options.eosIds ?? parts.tokenizer?.eosIds ?? []);
  const sampler = new Sampler(parts.kernels, parts.samplerScratch, parts.vocabSize, options);
  const { session } = parts;
  const ids = promptIds(parts, prompt, options);
  // The prompt is passed as context so a dummy-prefix (SentencePiece) tokenizer keeps the space that
  // starts a continuation ("Once upon a time" + " there"), and drops it when generation opens the text.
  const decodeText = (g: number[]) => (parts.tokenizer ? parts.tokenizer.decode(g, { skipSpecialTokens: true, precedingIds: ids }) : '');

  let t0 = performance.now();
  const before = session.evaluated;
  let logits = session.prefill(ids, { allowed: options.allowedTokens?.(ids) });
  const prefillTokens = session.evaluated - before;
  const prefillMs = performance.now() - t0;
  t0 = performance.now();

  const generated: number[] = [];
  const history = ids.slice();
  let emitted = 0; // characters of text already handed out
  let text = '';
  let finishReason: FinishReason = 'length';
  const finish = (reason: FinishReason): GenerateResult => ({
    ids: generated, text, finishReason: reason, promptTokens: ids.length, prefillTokens, prefillMs,
    decodeMs: performance.now() - t0,
  });

  while (generated.length < maxTokens) {
    if (options.signal?.aborted) { finishReason = 'abort'; break; }
    options.logitsProcessor?.({ kernels: parts.kernels, logits, vocabSize: parts.vocabSize, ids: history, generated });
    const id = sampler.sample(logits, history);
    if (eos.has(id)) { finishReason = 'eos'; break; }
    generated.push(id);
    history.push(id);

    // Text: decode everything so far (exact for multi-byte characters and leading-space rules), hand out
    // what is final: no trailing partial character, nothing that may still become a stop string.
    const full = decodeText(generated);
    let cut = stops.length ? full.length : -1;
    let stopped = false;
    for (const s of stops) {
      const at = full.indexOf(s, Math.max(0, emitted - s.length));
      if (at >= 0 && at < cut) { cut = at; stopped = true; }
    }
    if (stopped) {
      text = full.slice(0, cut);
      const token = { id, text: text.slice(emitted) };
      options.onToken?.(token);
      yield token;
      return finish('stop');
    }
    let safe = full.length - pendingStopPrefix(full, stops);
    while (safe > emitted && full.charCodeAt(safe - 1) === 0xfffd) safe--; // maybe an incomplete character
    const token = { id, text: full.slice(emitted, Math.max(emitted, safe)) };
    emitted = Math.max(emitted, safe);
    text = full;
    options.onToken?.(token);
    yield token;

    if (generated.length >= maxTokens) break;
    if (session.tokens.length >= session.contextLength) { finishReason = 'context'; break; }
    logits = session.decode(id, { allowed: options.allowedTokens?.(history) });
  }
  // Whatever was held back is final now.
  if (text.length > emitted) {
    const rest = { id: -1, text: text.slice(emitted) };
    options.onToken?.(rest);
    yield rest;
  }
  return finish(finishReason);
}

export function generate(parts: GenerateParts, prompt: string | readonly number[], options: GenerateOptions = {}): GenerateResult {
  const it = generateSteps(parts, prompt, options);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}
