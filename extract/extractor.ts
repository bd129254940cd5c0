// The extraction loop for one model: render the prompt (instruction + schema, then the text), prefill it
// in a session that keeps the previous prompt's KV cache (so the shared instruction + schema prefix is
// not recomputed), then per step: feed the bytes the grammar forces without sampling (jump-forward, in
// one batched pass), compute logits for the grammar's allowed tokens only (the rest are MASKED_LOGIT),
// sample, advance. Stops when the JSON is complete and EOS is sampled (or nothing but EOS is allowed), at
// the token limit, or when the context is full. Then JSON.parse + ajv.
import type { Kernels, Ptr } from '../kernels/kernels.js';
import type { Model } from '../engine/model.js';
import { MASKED_LOGIT } from '../engine/masked-logit.js';
import { Sampler, type SamplingOptions } from '../engine/sampler.js';
import type { Session } from '../engine/session.js';
import { createTextStream } from '../tokenizer/text-stream.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { CompiledConstraint, ConstraintCompiler, TokenConstraint } from './constraint.js';
import { ExtractSetupError, TextTooLongError } from './errors.js';
import { ForcedTokenizer } from './forced-tokens.js';
import { applyCopyBias, CopySource, CopyTracker, valueClosers, type ValueClosers } from './copy-bias.js';
import { chooseValue, continuesNumber, isDigitByte, TokenScorer, type ChoiceContext, type ChoiceKind } from './value-choice.js';
import { Grounding } from './grounded.js';
import { BudgetCloser } from './budget-close.js';
import { Drafter, proposeDraft, type DraftStats } from './draft.js';
import type { TrieLayout } from '../grammar/token-trie.js';
import { addToken, hasToken, tokenSetWords } from '../tokenizer/token-set.js';
import { vocabularyOf } from './grammar-constraint.js';
import { extractionPromptIds } from './prompt.js';
import { sharedValidator } from './validate.js';
import type { ExtractionHints } from '../weights/extraction-hints.js';

/** Positions that must stay free after the prompt, or the text is "too long for the context". */
export const MIN_OUTPUT_TOKENS = 16;
export { CLOSE_SLACK } from './budget-close.js';

export interface ExtractOptions extends SamplingOptions {
  /** Constrain every step with the schema's grammar (default true). Off: the model writes freely and the
   * result is only checked afterwards (for comparing, as `--no-grammar` does). */
  grammar?: boolean;
  /** Most tokens to generate, forced ones included (default: whatever the context has left). */
  maxTokens?: number;
  /** Jump-forward (default false): append the bytes the grammar forces (keys, `":`, const tails) as tokens
   * without running the model for each. Off by default because those bytes are tokenized on their own,
   * not as the model saw the same text in training, and that costs a small model accuracy: the bundled
   * model's field F1 on the medium tier is 79.0% without it, 52.3% with it, at the same latency (the LM head
   * is already limited to the allowed tokens). Worth turning on for large models, where a step is dear. */
  jumpForward?: boolean;
  /** Copy bias (default: what the model file recommends, else 0, off): a logit bonus for the tokens that
   * continue the value being written as a span of the input text (extract/copy-bias.ts). For small models
   * that know what kind of value goes where but do not copy it exactly; the model still picks the span and
   * where it ends. */
  copyBias?: number;
  /** Value choice (default: what the model file recommends, else off): when the model starts a value with
   * a digit (a number, or a string such as a date, a postal code, a phone number), write instead the value
   * of the text (as written, or normalized: number words, dates) that the model itself finds most probable,
   * whole, then close it (extract/value-choice.ts). For small models that know which field wants which
   * kind of value but lose it digit by digit. The most probable candidate is taken at any temperature. */
  valueChoice?: boolean;
  /** Grounded strings (default: what the model file recommends, else off): a string value the schema
   * leaves free (no enum, const, format or pattern) can only be a span of the text or one of its normalized
   * forms, chosen whole at its opening quote by the model's score (extract/grounded.ts). For small models
   * that invent plausible values instead of copying. Null stays the model's choice where the schema allows
   * it. */
  grounded?: boolean;
  /** Prompt-lookup drafting (default false): guess the next tokens from the text being copied (or the
   * bytes the grammar forces), run the model once over the guess, and use its rows while the output follows
   * it (extract/draft.ts). The output is byte-identical with and without; only the speed differs. */
  draft?: boolean;
  signal?: AbortSignal;
}

export type ExtractFinishReason = 'complete' | 'eos' | 'length' | 'context' | 'abort';

export interface ExtractTimings {
  /** Tokens in the rendered prompt. */
  promptTokens: number;
  /** Prompt tokens taken from the KV cache of the previous call (the shared instruction + schema prefix). */
  cachedPromptTokens: number;
  prefillMs: number;
  /** Everything after the prompt: model steps, masking, sampling, forced-token batches. */
  decodeMs: number;
  /** Generated tokens (sampled and forced) per second of decodeMs. */
  tokensPerSecond: number;
}

export interface ExtractResult {
  /** The parsed JSON value; undefined when the output is not JSON. */
  value: unknown;
  /** The generated text. */
  text: string;
  /** The output parses and ajv accepts it under the schema. */
  valid: boolean;
  /** Why it is not valid (parse error or ajv messages). */
  errors?: string[];
  /** Generated tokens, sampled and forced. */
  tokens: number;
  /** Of those, tokens appended without running the sampler (jump-forward). */
  forcedTokens: number;
  /** The token budget (max tokens or the context) ran low, so the document was finished along the
   * grammar's shortest completion: valid, but later values may be cut short or left minimal. */
  closedEarly: boolean;
  finishReason: ExtractFinishReason;
  timings: ExtractTimings;
  /** Grammar compiler warnings (keywords relaxed or not enforced). */
  warnings: readonly string[];
}

export interface ExtractRequest {
  text: string;
  schema: unknown;
  options?: ExtractOptions;
}

/** Per-model state that outlives one call: the session (its KV cache is the prefix cache), kernel
 * scratch for the mask and the sampler, the forced-bytes tokenizer, compiled grammars by schema. */
export class Extractor {
  readonly tokenizer: Tokenizer;
  private readonly kernels: Kernels;
  private readonly vocabSize: number;
  private readonly maskWords: number;
  private readonly maskPtr: Ptr;
  private readonly samplerScratch: Ptr;
  private readonly session: Session;
  private forced: ForcedTokenizer | undefined;
  private copyTables: { trie: TrieLayout; closers: ValueClosers } | undefined;
  private scorer: TokenScorer | undefined;
  private compiler: ConstraintCompiler | undefined;
  private readonly compiled = new Map<string, CompiledConstraint>();
  private drafter: Drafter | undefined;
  /** Drafting counts of the latest call (zeros when drafting was off). */
  lastDraftStats: DraftStats = { passes: 0, drafted: 0, accepted: 0 };

  constructor(readonly model: Model, private readonly makeCompiler: (tokenizer: Tokenizer) => ConstraintCompiler) {
    if (!model.tokenizer) throw new ExtractSetupError('the model has no tokenizer: extraction needs one to write the prompt');
    this.tokenizer = model.tokenizer;
    this.kernels = model.kernels;
    this.vocabSize = model.config.vocabSize;
    this.maskWords = tokenSetWords(this.vocabSize);
    this.maskPtr = this.kernels.alloc(this.maskWords * 4);
    this.samplerScratch = this.kernels.alloc(this.vocabSize * 4);
    this.session = model.createSession();
  }

  /** Compiles (once per schema) the grammar constraint; throws the grammar's error for an unsupported
   * keyword. */
  constraintFor(schema: unknown): CompiledConstraint {
    const key = JSON.stringify(schema);
    let c = this.compiled.get(key);
    if (!c) {
      this.compiler ??= this.makeCompiler(this.tokenizer);
      c = this.compiler.compile(schema);
      this.compiled.set(key, c);
    }
    return c;
  }

  /** The prompt's token ids, checked against the context. */
  promptIds(schema: unknown, text: string): number[] {
    const ids = extractionPromptIds(this.tokenizer, schema, text);
    if (ids.length + MIN_OUTPUT_TOKENS > this.session.contextLength) {
      throw new TextTooLongError(ids.length, this.session.contextLength, MIN_OUTPUT_TOKENS);
    }
    return ids;
  }

  /** The loop as a generator of text pieces (partial JSON as it grows); returns the result. */
  *steps({ text, schema, options = {} }: ExtractRequest): Generator<string, ExtractResult, void> {
    const useGrammar = options.grammar ?? true;
    sharedValidator().compile(schema); // an invalid schema fails here, before any model work
    const compiled = useGrammar ? this.constraintFor(schema) : undefined;
    const constraint = compiled?.create();
    const prompt = this.promptIds(schema, text);
    const room = this.session.contextLength - prompt.length;
    const maxTokens = Math.min(options.maxTokens ?? room, room);
    if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new RangeError(`maxTokens must be an integer >= 0, got ${options.maxTokens}`);
    const { copyBias, valueChoice, grounded } = decodingAids(options, this.model.extractionHints);
    const drafting = options.draft ?? false;
    if (typeof drafting !== 'boolean') throw new TypeError(`draft must be a boolean, got ${JSON.stringify(drafting)}`);
    const drafter = drafting ? (this.drafter ??= new Drafter(this.session, this.kernels, this.vocabSize)) : undefined;
    if (drafter) this.lastDraftStats = drafter.stats; else this.lastDraftStats = { passes: 0, drafted: 0, accepted: 0 };
    drafter?.reset();
    const copy = copyBias > 0 || valueChoice || grounded || drafting ? new CopyTracker(new CopySource(text), grounded) : undefined;
    const grounding = grounded && constraint ? new Grounding(this.copyTablesOf().trie, copy!, this.maskWords) : undefined;
    const sampler = new Sampler(this.kernels, this.samplerScratch, this.vocabSize, options);
    const eos = new Set(this.tokenizer.eosIds);
    const stream = createTextStream(this.tokenizer, { precedingIds: prompt });

    let t0 = performance.now();
    const before = this.session.evaluated;
    // With a grammar, the model computes only the allowed tokens' logits (the engine's allowed-token LM
    // head); the rest come back MASKED_LOGIT, exactly what masking would leave.
    // While closing, only tokens that spell the start of the shortest completion are allowed.
    let closeBytes: Uint8Array | undefined;
    let closer: BudgetCloser | undefined;
    const step = () => (constraint ? { allowed: this.writeMask(constraint, eos, closeBytes, closer?.closing ? undefined : grounding) } : {});
    let logits = this.session.prefill(prompt, step());
    // With drafting the cache may run ahead of the document, so whether `logits` follow `seq` is tracked.
    let logitsLength = prompt.length;
    const computed = this.session.evaluated - before;
    const prefillMs = performance.now() - t0;
    t0 = performance.now();

    const seq = prompt.slice();
    const logitsCurrent = () => (drafter ? logitsLength === seq.length : this.session.tokens.length === seq.length);
    let generated = 0, forcedTokens = 0, out = '';
    closer = new BudgetCloser(constraint, (bytes) => this.forcedTokenizer().count(bytes));
    let finishReason: ExtractFinishReason = 'length';
    // After a chosen value, the next token must close it (the candidate was scored as a whole value).
    let mustClose: 'number' | 'string' | undefined;
    /** Appends tokens to the document (fed to the grammar first unless it has them already); the text
     * they add. */
    const emit = (ids: readonly number[], advance: boolean) => {
      let piece = '';
      for (const id of ids) {
        if (advance) constraint?.advance(id);
        seq.push(id); generated++;
        copy?.push(this.tokenizer.tokenBytes(id));
        const p = stream.push(id); out += p; piece += p;
      }
      return piece;
    };

    for (;;) {
      if (options.signal?.aborted) { finishReason = 'abort'; break; }
      if (constraint) {
        // Jump-forward: append what the grammar forces, without sampling.
        const forcedIds = options.jumpForward ? this.acceptForced(constraint, maxTokens - generated) : [];
        if (forcedIds.length > 0) {
          forcedTokens += forcedIds.length;
          const piece = emit(forcedIds, false);
          if (piece) yield piece;
          continue; // the grammar may force more, or now allow a choice
        }
        const allowed = constraint.allowed();
        if (constraint.isComplete() && (closer.closing || !this.allowsMoreThanEos(allowed, eos))) { finishReason = 'complete'; break; }
        const budget = maxTokens - generated;
        if (closer.check(budget)) {
          const completion = closer.completion();
          const ids = this.acceptBytes(constraint, completion, budget);
          if (ids.length > 0) {
            forcedTokens += ids.length;
            const piece = emit(ids, false);
            if (piece) yield piece;
            continue;
          }
          // The completion's bytes do not tokenize into accepted tokens: sample among the allowed tokens
          // that spell its beginning.
          closeBytes = completion;
          if (logitsCurrent()) this.kernels.exports.apply_mask(logits, step().allowed!, this.vocabSize, MASKED_LOGIT);
        }
        if (!constraint.isComplete() && !allowed.some((w) => w !== 0)) {
          throw new Error(`the grammar allows no token after ${JSON.stringify(out)} (a dead end in the grammar; please report it)`);
        }
      }
      if (generated >= maxTokens) { finishReason = 'length'; break; }
      if (seq.length >= this.session.contextLength) { finishReason = 'context'; break; }
      // One batched pass over whatever was appended since the last model run (forced tokens included).
      if (!logitsCurrent()) {
        logits = drafter
          ? drafter.logitsAfter(seq, step().allowed, () => (closer!.closing ? [] : proposeDraft(constraint, copy, this.forcedTokenizer(), (id) => this.tokenizer.tokenBytes(id))),
            Math.min(maxTokens - generated - 1, this.session.contextLength - seq.length))
          : this.session.prefill(seq, step());
        logitsLength = seq.length;
      }
      const choosing = closer.closing ? undefined : this.choiceAt(copy, grounding, constraint, valueChoice);
      const before = choosing ? this.kernels.f32(logits, this.vocabSize).slice() : undefined;
      if (copy && copyBias > 0) {
        const allowed = constraint ? this.kernels.u32(this.maskPtr, this.maskWords) : undefined;
        const { trie, closers } = this.copyTablesOf();
        applyCopyBias(this.kernels.f32(logits, this.vocabSize), trie, closers, copy, copyBias, allowed);
      }
      if (mustClose) this.keepOnlyClosers(this.kernels.f32(logits, this.vocabSize), mustClose);
      mustClose = undefined;
      const id = sampler.sample(logits, seq);
      closeBytes = undefined;
      if (eos.has(id)) { finishReason = constraint?.isComplete() ? 'complete' : 'eos'; break; }
      if (closer.wouldOverrun(this.tokenizer.tokenBytes(id), maxTokens - generated - 1)) { closer.closing = true; continue; }
      const firstByte = this.tokenizer.tokenBytes(id)[0] ?? 0;
      if (choosing && (choosing === 'span' || (choosing === 'number' ? continuesNumber(firstByte) : isDigitByte(firstByte)))) {
        // A grounded value the model starts with a digit is chosen as value choice chooses digit-led strings
        // (when on): among the digit-led spans and normalized forms, by the mean score.
        const kind = choosing === 'span' && valueChoice && isDigitByte(firstByte) ? 'string' : choosing;
        const chosen = chooseValue(this.choiceContext(), kind, copy!.source, constraint, seq, before!, maxTokens - generated);
        if (chosen && closer.wouldOverrun(Uint8Array.from(chosen.flatMap((t) => [...this.tokenizer.tokenBytes(t)])), maxTokens - generated - chosen.length)) {
          closer.closing = true; // the chosen value would leave no room to finish the document: finish it now
          continue;
        }
        if (chosen) {
          const piece = emit(chosen, true);
          mustClose = choosing === 'number' ? 'number' : 'string';
          if (piece) yield piece;
          continue;
        }
        // No span the grammar accepts: the value is written ungrounded.
        if (choosing === 'span') grounding!.release();
      }
      const piece = emit([id], true);
      if (piece) yield piece;
    }
    const tail = stream.end();
    if (tail) { out += tail; yield tail; }
    const decodeMs = performance.now() - t0;

    return checkedResult(schema, {
      value: undefined, text: out, valid: false, tokens: generated, forcedTokens, closedEarly: closer.closing, finishReason,
      timings: {
        promptTokens: prompt.length, cachedPromptTokens: prompt.length - computed, prefillMs, decodeMs,
        tokensPerSecond: decodeMs > 0 ? generated / (decodeMs / 1000) : 0,
      },
      warnings: compiled?.warnings ?? [],
    }, maxTokens);
  }

  /** The vocabulary's trie of text tokens (shared with the grammar) and the tokens that close a value. */
  private copyTablesOf(): { trie: TrieLayout; closers: ValueClosers } {
    if (!this.copyTables) {
      const vocab = vocabularyOf(this.tokenizer);
      this.copyTables = { trie: vocab.trie, closers: valueClosers((id) => vocab.tokens[id], vocab.textIds()) };
    }
    return this.copyTables;
  }

  /** Which value choice applies at this step, if any: a grounded string at its opening quote, else (value
   * choice on) a number where a value may start or a digit-led string at its opening quote. */
  private choiceAt(copy: CopyTracker | undefined, grounding: Grounding | undefined, constraint: TokenConstraint | undefined,
    valueChoice: boolean): ChoiceKind | undefined {
    if (grounding && copy!.atStringStart && grounding.isGrounded(constraint!)) return 'span';
    if (!valueChoice) return undefined;
    return copy!.atValueStart ? 'number' : copy!.atStringStart ? 'string' : undefined;
  }

  private forcedTokenizer(): ForcedTokenizer {
    this.forced ??= new ForcedTokenizer(this.tokenizer);
    return this.forced;
  }

  /** The session, tables and scorer a value choice reads. */
  private choiceContext(): ChoiceContext {
    this.forced ??= new ForcedTokenizer(this.tokenizer);
    this.scorer ??= new TokenScorer(this.kernels, this.kernels.alloc(this.vocabSize * 4), this.vocabSize);
    return { session: this.session, tokenizer: this.tokenizer, forced: this.forced, scorer: this.scorer, closers: this.copyTablesOf().closers };
  }

  /** Keeps only the tokens that close the value just chosen (a string's quote; for a number, anything that
   * does not continue it). */
  private keepOnlyClosers(logits: Float32Array, kind: 'number' | 'string'): void {
    for (let id = 0; id < this.vocabSize; id++) {
      if (logits[id] === MASKED_LOGIT) continue;
      const b = this.tokenizer.tokenBytes(id)[0];
      if (b === undefined || (kind === 'number' ? continuesNumber(b) : b !== QUOTE)) logits[id] = MASKED_LOGIT;
    }
  }

  /** Feeds the grammar the tokens of its forced bytes that it accepts, at most `budget`; returns them. */
  private acceptForced(constraint: TokenConstraint, budget: number): number[] {
    return this.acceptBytes(constraint, constraint.forcedBytes(), budget);
  }

  /** Feeds the grammar the tokens that spell `bytes`, as long as it accepts them, at most `budget`. */
  private acceptBytes(constraint: TokenConstraint, bytes: Uint8Array, budget: number): number[] {
    if (bytes.length === 0 || budget <= 0) return [];
    this.forced ??= new ForcedTokenizer(this.tokenizer);
    const accepted: number[] = [];
    for (const id of this.forced.encode(bytes)) {
      if (accepted.length >= budget || !hasToken(constraint.allowed(), id)) break;
      constraint.advance(id);
      accepted.push(id);
    }
    return accepted;
  }

  private allowsMoreThanEos(allowed: Uint32Array, eos: ReadonlySet<number>): boolean {
    for (let w = 0; w < allowed.length; w++) {
      let word = allowed[w];
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        if (!eos.has(w * 32 + bit)) return true;
        word &= word - 1;
      }
    }
    return false;
  }

  /** Writes the grammar's allowed set into the kernel-memory bitset the LM head reads (a complete
   * document also allows EOS, whatever the grammar's vocabulary says); returns its pointer. */
  private writeMask(constraint: TokenConstraint, eos: ReadonlySet<number>, prefixOf?: Uint8Array, grounding?: Grounding): Ptr {
    const bits = this.kernels.u32(this.maskPtr, this.maskWords);
    bits.fill(0);
    const allowed = constraint.allowed();
    bits.set(allowed.length > this.maskWords ? allowed.subarray(0, this.maskWords) : allowed);
    if (constraint.isComplete()) for (const id of eos) if (id < this.vocabSize) addToken(bits, id);
    if (prefixOf && prefixOf.length > 0) this.keepPrefixTokens(bits, prefixOf);
    else grounding?.restrict(bits, constraint);
    return this.maskPtr;
  }

  /** Clears the allowed tokens whose bytes are not a prefix of `bytes` (unless that would clear all). */
  private keepPrefixTokens(bits: Uint32Array, bytes: Uint8Array): void {
    const keep = new Uint32Array(bits.length);
    let any = false;
    for (let id = 0; id < this.tokenizer.vocabSize; id++) {
      if (!hasToken(bits, id)) continue;
      const t = this.tokenizer.tokenBytes(id);
      if (t.length === 0 || t.length > bytes.length || !t.every((b, i) => bytes[i] === b)) continue;
      addToken(keep, id);
      any = true;
    }
    if (any) bits.set(keep);
  }
}

const UTF8 = new TextEncoder();

const QUOTE = 0x22;

/** The decoding aids asked for, else what the model file recommends, checked. */
function decodingAids(options: ExtractOptions, hints: ExtractionHints): { copyBias: number; valueChoice: boolean; grounded: boolean } {
  const copyBias = options.copyBias ?? hints.copyBias ?? 0;
  if (!Number.isFinite(copyBias) || copyBias < 0) throw new RangeError(`copyBias must be a number >= 0, got ${copyBias}`);
  const valueChoice = options.valueChoice ?? hints.valueChoice ?? false;
  if (typeof valueChoice !== 'boolean') throw new TypeError(`valueChoice must be a boolean, got ${JSON.stringify(valueChoice)}`);
  const grounded = options.grounded ?? hints.grounded ?? false;
  if (typeof grounded !== 'boolean') throw new TypeError(`grounded must be a boolean, got ${JSON.stringify(grounded)}`);
  return { copyBias, valueChoice, grounded };
}

/** The result with its value parsed from the text and checked against the schema. */
function checkedResult(schema: unknown, result: ExtractResult, maxTokens: number): ExtractResult {
  try {
    result.value = JSON.parse(result.text);
  } catch (e) {
    const stopped = result.finishReason === 'length' || result.finishReason === 'context';
    result.errors = [stopped
      ? `generation stopped (${result.finishReason === 'length' ? `token limit of ${maxTokens}` : 'context full'}) before the JSON was complete`
      : `the output is not JSON (${(e as Error).message})`];
    return result;
  }
  const check = sharedValidator().validate(schema, result.value);
  result.valid = check.valid;
  if (!check.valid) result.errors = check.errors;
  return result;
}
