// Value choice: when the model starts a value that begins with a digit (a number; a string such as a date,
// a time, a postal code, a phone number, a street address), the value is chosen whole among the text's
// own, by the model's probability of writing each one and then closing it.
//
// Why: nearly every such value of an extraction answer is in the text, as written or in a form the copy
// source normalizes ("seven" -> 7, "the 3rd of June 2026" -> 2026-06-03). Written digit by digit, a small
// model commits to the first digit before it has "seen" the value it means, and digits carry no meaning to
// guess the rest from: the copy bias then continues whichever text span starts with that digit ("26" from
// "267" for an 8-month warranty), or the model invents the rest ("19728" for postal code 97609). Scoring
// whole candidates is a beam search over the only values that are plausible: one batched pass per
// candidate start, a few tokens each. Values that begin with a letter are left to the model and the copy
// bias: their first token is a word piece that already picks the span.
//
// The score is the mean log-probability per token of the value's tokens and its closing token (a quote, or
// what follows a number): the plain sum would favour short candidates ("1" over "16"). The grammar has the
// last word: a candidate it does not accept (an integer field, a minimum, a date format) is never taken.
// The most probable candidate is taken at any temperature.
//
// Grounded strings (grounded.ts) extend the choice to every free string value: at its opening quote the
// value is chosen whole among the text's spans (starting where a word or a symbol starts, ending where a
// word ends, at most GROUNDED_SPAN_WORDS words): among the spans whose first token the model finds most
// probable, the one with the best mean score (see chooseValue for why the first token ranks first). Null is not a candidate there: whether
// the value is null or a string was already the model's own choice of first token (`null` or the quote),
// one decision at one position, where a mean over a span's tokens and one over `null`'s would not be
// comparable (a copied span's later tokens are nearly certain, which would favour any span over null).
import type { Kernels, Ptr } from '../kernels/kernels.js';
import type { Session } from '../engine/session.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { TokenConstraint } from './constraint.js';
import { isWordByte, type CopySource, type ValueClosers } from './copy-bias.js';
import type { ForcedTokenizer } from './forced-tokens.js';
import { endsSpan } from './grounded.js';

/** Longest string candidate, in tokens and in words from its start in the text. */
export const MAX_SPAN_TOKENS = 12;
export const MAX_SPAN_WORDS = 4;
/** Longest grounded candidate in words, and the most candidate starts scored with a model pass. */
export const GROUNDED_SPAN_WORDS = 6;
export const GROUNDED_SPAN_PASSES = 8;

/** Log-probabilities of tokens under a logits row, with softmax and log inside the kernels (WebAssembly),
 * so that the same logits give the same choice on every platform. */
export class TokenScorer {
  constructor(private readonly kernels: Kernels, private readonly scratch: Ptr, private readonly vocabSize: number) {}

  /** log of the total probability of `ids` under `row` (-Infinity when they have none). */
  logProb(row: Float32Array, ids: readonly number[]): number {
    const probs = this.softmax(row);
    let sum = 0;
    for (const id of ids) sum += probs[id];
    return sum > 0 ? this.kernels.exports.logf(sum) : -Infinity;
  }

  /** Each id's log-probability under `row` (one softmax). */
  logProbs(row: Float32Array, ids: readonly number[]): number[] {
    const probs = this.softmax(row);
    return ids.map((id) => (probs[id] > 0 ? this.kernels.exports.logf(probs[id]) : -Infinity));
  }

  /** The log-probability of tokens[i] under rows[i] (rows[i]: the row before tokens[i]). */
  tokenLogProbs(rows: readonly Float32Array[], tokens: readonly number[]): number[] {
    return tokens.map((id, i) => this.logProbs(rows[i], [id])[0]);
  }

  private softmax(row: Float32Array): Float32Array {
    this.kernels.f32(this.scratch, this.vocabSize).set(row.subarray(0, this.vocabSize));
    this.kernels.exports.softmax(this.scratch, this.vocabSize);
    return this.kernels.f32(this.scratch, this.vocabSize);
  }
}

/** The score of a value made of the first `n` tokens, then closed: mean log-probability per token. */
export function valueScore(tokenLogProbs: readonly number[], n: number, closeLogProb: number): number {
  let total = closeLogProb;
  for (let i = 0; i < n; i++) total += tokenLogProbs[i];
  return total / (n + 1);
}

export function isDigitByte(b: number): boolean { return b >= 0x30 && b <= 0x39; }

/** The first byte of a token that continues a number being written (digits, '.', exponent, signs). */
export function continuesNumber(firstByte: number): boolean {
  return isDigitByte(firstByte) || firstByte === 0x2e || firstByte === 0x65 || firstByte === 0x45
    || firstByte === 0x2b || firstByte === 0x2d;
}

/** What a choice needs of the extraction under way. */
export interface ChoiceContext {
  session: Session;
  tokenizer: Tokenizer;
  forced: ForcedTokenizer;
  scorer: TokenScorer;
  closers: ValueClosers;
}

/** number: a number value, chosen at its start; string: a digit-led string, chosen after its quote;
 * span: a grounded string, chosen after its quote. */
export type ChoiceKind = 'number' | 'string' | 'span';

/** The value of the text (copy source) that the model finds most probable to write here and then close,
 * among those the grammar accepts and the budget allows: a number, a string from one of the text's
 * digit-led spans (ending where a word ends, at most MAX_SPAN_TOKENS), or (span) a string from any span.
 * Its token ids, or undefined when none qualifies. `first` is the logits row before the value. Each number,
 * and each span start, is one batched pass after `seq` (a span's shorter candidates are its pass's
 * prefixes); the cache is rewound to `seq` afterwards. */
export function chooseValue(ctx: ChoiceContext, kind: ChoiceKind, source: CopySource, constraint: TokenConstraint | undefined,
  seq: readonly number[], first: Float32Array, budget: number): number[] | undefined {
  const { session, tokenizer, forced, scorer } = ctx;
  const closers = ctx.closers[kind === 'number' ? 'number' : 'string'];
  const accepts = (content: Uint8Array, closing: number) => {
    if (!constraint?.accepts) return true;
    const bytes = new Uint8Array(content.length + 1);
    bytes.set(content);
    bytes[content.length] = closing;
    return constraint.accepts(bytes);
  };
  const room = Math.min(budget - 1, session.contextLength - seq.length - 1);
  // The candidates first (no model work): token ids, and the token counts where the value may end.
  const candidates: Array<{ ids: number[]; ends: number[] }> = [];
  const seen = new Set<string>();
  const text = source.stringBytes;
  const starts = kind === 'number' ? [] : kind === 'string' ? source.digitStarts : source.spanStarts;
  const spans = kind === 'number'
    ? source.numbers.map((n) => UTF8.encode(n))
    : starts.map((i) => text.subarray(i, i + 8 * MAX_SPAN_TOKENS));
  for (let c = 0; c < spans.length; c++) {
    const span = spans[c];
    const bytes = kind === 'number' ? span : span.subarray(0, kind === 'span' ? stringSpanEnd(span, GROUNDED_SPAN_WORDS, false) : stringSpanEnd(span));
    const key = String.fromCharCode(...bytes);
    if (seen.has(key)) continue;
    seen.add(key);
    if (kind === 'number' && !CLOSING_BYTES.some((b) => accepts(bytes, b))) continue;
    let ids = forced.encode(bytes).slice(0, Math.min(room, kind === 'number' ? Infinity : MAX_SPAN_TOKENS));
    // Ends: after each token whose bytes end a word of the text (numbers: the whole number only).
    const ends: number[] = [];
    let spelled = 0;
    for (let k = 0; k < ids.length; k++) {
      const t = tokenizer.tokenBytes(ids[k]);
      if (t.length === 0 || t.some((b, j) => bytes[spelled + j] !== b)) { ids = ids.slice(0, k); break; }
      spelled += t.length;
      let ok: boolean;
      if (kind === 'number') ok = spelled === bytes.length;
      else if (kind === 'span') {
        const at = starts[c] + spelled;
        ok = endsSpan(bytes[spelled - 1], at < text.length ? text[at] : undefined) && accepts(bytes.subarray(0, spelled), QUOTE);
      } else {
        const endsWord = spelled === bytes.length ? span.length === bytes.length || !isWordByte(span[spelled]) || span[spelled] === 0
          : !isWordByte(bytes[spelled]);
        ok = endsWord && isWordByte(bytes[spelled - 1]) && accepts(bytes.subarray(0, spelled), QUOTE);
      }
      if (ok) ends.push(k + 1);
    }
    if (ends.length > 0) candidates.push({ ids: ids.slice(0, ends[ends.length - 1]), ends });
  }
  if (candidates.length === 0) return undefined;
  // Most promising first token first; a candidate whose first token alone caps its mean below the best
  // score so far is skipped without a pass (every other term is <= 0, so the skip never changes the
  // choice). Ties go to the candidate found first in the text. Spans are ranked by their first token's
  // log-probability first, and by the mean only among those that share the best one (at most
  // GROUNDED_SPAN_PASSES passes): on real text the bundled model's first token names the right span far
  // more often than the mean does, which favours spans of near-certain digits ("2015" for a name).
  const maxPasses = kind === 'span' ? GROUNDED_SPAN_PASSES : Infinity;
  const firstLp = scorer.logProbs(first, candidates.map((c) => c.ids[0]));
  const order = candidates.map((_, i) => i).sort((a, b) => firstLp[b] - firstLp[a] || a - b);
  let best: number[] | undefined, bestScore = -Infinity, bestIndex = Infinity, passes = 0;
  for (const i of order) {
    const { ids, ends } = candidates[i];
    if (kind === 'span' && firstLp[i] < firstLp[order[0]]) break;
    const cap = firstLp[i] / (ends[ends.length - 1] + 1);
    if (cap < bestScore || (cap === bestScore && i > bestIndex)) continue;
    if (passes >= maxPasses) break;
    passes++;
    // A drafted pass (extract/draft.ts) may have left the cache holding `seq` and more: keep `seq`'s part.
    if (session.tokens.length > seq.length && seq.every((id, i) => session.tokens[i] === id)) session.rewind(seq.length);
    if (session.tokens.length !== seq.length) session.prefill(seq);
    const rows = session.extend(ids);
    session.rewind(seq.length);
    const lp = [firstLp[i], ...scorer.tokenLogProbs(rows, ids.slice(1))];
    for (const n of ends) {
      const score = valueScore(lp, n, scorer.logProb(rows[n - 1], closers));
      if (score > bestScore || (score === bestScore && i < bestIndex)) { bestScore = score; bestIndex = i; best = ids.slice(0, n); }
    }
  }
  return best;
}

const UTF8 = new TextEncoder();
const QUOTE = 0x22;
/** Bytes that may end a number value: a candidate is kept when the grammar accepts it followed by one. */
const CLOSING_BYTES = [0x2c, 0x7d, 0x5d];

/** Where a string candidate must stop: at a separator between the text and its normalized forms (a NUL),
 * an escape (a newline, a quote), the end of a clause (',', '.', ';', '!', '?' before a space; with
 * `periods` false, not '.': grounded names such as "Dr. Grace Tanaka" hold one), or after `maxWords`
 * words. Values such as dates, codes, phone numbers and street addresses fit. */
export function stringSpanEnd(span: Uint8Array, maxWords = MAX_SPAN_WORDS, periods = true): number {
  let words = 1;
  for (let j = 0; j < span.length; j++) {
    const b = span[j];
    if (b === 0 || b === 0x5c) return j;
    if ((b === 0x2c || (b === 0x2e && periods) || b === 0x3b || b === 0x21 || b === 0x3f) && span[j + 1] === 0x20) return j;
    if (b === 0x20 && ++words > maxWords) return j;
  }
  return span.length;
}
