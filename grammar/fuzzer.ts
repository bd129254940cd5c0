// The grammar fuzzer: draws documents under the mask with random "logits" (uniform over the allowed
// tokens), biased so that documents finish: the further past `softTokens` a document runs, the more
// often the draw is restricted to allowed tokens that close something (a quote, a brace, a bracket) and
// the more often EOS is taken when the document is complete. No model is involved.

import type { Matcher } from './matcher.js';
import { hasToken } from '../tokenizer/token-set.js';
import type { TokenVocabulary } from './token-trie.js';

export interface SampleOptions {
  /** Give up (unfinished) after this many tokens. */
  maxTokens?: number;
  /** Past this many tokens the draw leans towards finishing. */
  softTokens?: number;
  /** Called with each allowed() duration in milliseconds (for the benchmark). */
  onMaskTime?: (ms: number) => void;
  /** The clock for onMaskTime, in milliseconds (default performance.now). */
  clock?: () => number;
}

export interface SampledDocument {
  text: string;
  tokens: number[];
  finished: boolean;
}

const closerLists = new WeakMap<TokenVocabulary, Int32Array>();

/** Tokens containing a byte that ends a string, object or array. */
function closers(vocab: TokenVocabulary): Int32Array {
  let list = closerLists.get(vocab);
  if (!list) {
    const ids: number[] = [];
    for (let id = 0; id < vocab.size; id++) {
      if (vocab.special[id]) continue;
      const t = vocab.tokens[id];
      if (t.length <= 4 && t.some((b) => b === 0x22 || b === 0x7d || b === 0x5d)) ids.push(id);
    }
    list = Int32Array.from(ids);
    closerLists.set(vocab, list);
  }
  return list;
}

function isSet(mask: Uint32Array, id: number): boolean {
  return hasToken(mask, id);
}

/** A uniformly random allowed id from `mask` (restricted to `from` when given), without allocating;
 * -1 when none. EOS ids are skipped. */
function randomAllowed(vocab: TokenVocabulary, mask: Uint32Array, random: () => number, from?: Int32Array): number {
  let count = 0;
  if (from) {
    for (const id of from) if (isSet(mask, id) && !vocab.isEos(id)) count++;
  } else {
    for (let w = 0; w < mask.length; w++) count += popcount(mask[w] & ~vocab.eosMask[w]);
  }
  if (count === 0) return -1;
  let k = Math.floor(random() * count);
  if (from) {
    for (const id of from) if (isSet(mask, id) && !vocab.isEos(id) && k-- === 0) return id;
    return -1;
  }
  for (let w = 0; w < mask.length; w++) {
    let bits = mask[w] & ~vocab.eosMask[w];
    const c = popcount(bits);
    if (k >= c) { k -= c; continue; }
    while (bits) {
      const low = bits & -bits;
      if (k-- === 0) return (w << 5) + (31 - Math.clz32(low));
      bits ^= low;
    }
  }
  return -1;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** The allowed token with the longest byte string that is a prefix of `bytes`, or -1. */
function longestTokenPrefix(vocab: TokenVocabulary, bytes: Uint8Array, mask: Uint32Array): number {
  const trie = vocab.trie;
  let best = -1;
  let node = 0;
  for (let depth = 0; depth < bytes.length; depth++) {
    // Children of `node` start at node + 1; siblings follow each other's subtree end.
    let child = node + 1;
    const end = trie.nodeEnd[node];
    while (child < end && trie.nodeByte[child] !== bytes[depth]) child = trie.nodeEnd[child];
    if (child >= end) break;
    node = child;
    for (let k = trie.tokenStart[node]; k < trie.tokenStart[node + 1]; k++) {
      const id = trie.tokenIds[k];
      if (isSet(mask, id)) best = id;
    }
  }
  return best;
}

export function sampleDocument(matcher: Matcher, vocab: TokenVocabulary, random: () => number, options: SampleOptions = {}): SampledDocument {
  const maxTokens = options.maxTokens ?? 1500;
  const softTokens = options.softTokens ?? 24;
  const tokens: number[] = [];
  const clock = options.clock ?? (() => performance.now());
  // The rest of a completion being followed: after a token that spells its beginning, what is left still
  // completes the document, so it need not be searched again (a search can visit thousands of states).
  let completionLeft: Uint8Array | null = null;
  // After a failed search (the document needs more than the search explores: minItems 600 of objects),
  // searching again at every step would cost a failed search per token; wait a while instead.
  let searchAgainAt = 0;
  matcher.reset();
  for (let step = 0; step < maxTokens; step++) {
    const t0 = options.onMaskTime ? clock() : 0;
    const mask = matcher.allowed();
    if (options.onMaskTime) options.onMaskTime(clock() - t0);
    const lean = Math.min(0.95, Math.max(0, (step - softTokens) / softTokens));
    if (matcher.isComplete() && vocab.eosIds.length && random() < 0.3 + 0.7 * lean) {
      const eos = vocab.eosIds.find((id) => isSet(mask, id));
      if (eos !== undefined) { matcher.advance(eos); tokens.push(eos); return { text: matcher.text(), tokens, finished: true }; }
    }
    let pick = -1;
    let followed: Uint8Array | null = null;
    if (random() < lean) {
      // Follow the shortest completion: the longest allowed token that spells its beginning.
      let completion: Uint8Array | null = completionLeft && completionLeft.length ? completionLeft : null;
      if (!completion && step >= searchAgainAt) {
        completion = matcher.shortestCompletion();
        if (!completion) searchAgainAt = step + 100;
      }
      if (completion && completion.length) {
        pick = longestTokenPrefix(vocab, completion, mask);
        if (pick >= 0) followed = completion.subarray(vocab.tokens[pick].length);
      }
    }
    completionLeft = followed;
    if (pick < 0 && random() < lean) pick = randomAllowed(vocab, mask, random, closers(vocab));
    if (pick < 0) {
      // Rejection sampling is cheap when the mask is dense (inside strings); enumerate otherwise.
      for (let tries = 0; tries < 32 && pick < 0; tries++) {
        const id = Math.floor(random() * vocab.size);
        if (isSet(mask, id) && !vocab.isEos(id)) pick = id;
      }
      if (pick < 0) {
        pick = randomAllowed(vocab, mask, random);
        if (pick < 0) {
          if (matcher.isComplete()) {
            const eos = vocab.eosIds.find((id) => isSet(mask, id));
            if (eos !== undefined) { matcher.advance(eos); tokens.push(eos); }
            return { text: matcher.text(), tokens, finished: true };
          }
          throw new Error(`dead end: no token allowed after ${JSON.stringify(matcher.text())}`);
        }
      }
    }
    matcher.advance(pick);
    tokens.push(pick);
  }
  return { text: matcher.text(), tokens, finished: false };
}
