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
import type { Kernels, Ptr } from '../kernels/kernels.js';

/** Longest string candidate, in tokens and in words from its start in the text. */
export const MAX_SPAN_TOKENS = 12;
export const MAX_SPAN_WORDS = 4;

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
