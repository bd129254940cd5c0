// The Matcher the decoder drives: which tokens may come next (a bitset), advance by the chosen one, and
// the bytes that are forced. The masks come from mask.ts's engine, shared by every matcher over the same
// grammar and vocabulary.

import type { Grammar } from './grammar.js';
import type { Pda, StackSet } from './pda.js';
import type { TokenVocabulary } from './token-trie.js';
import { MaskRuntime } from './mask.js';

export interface Matcher {
  /** Bitset over the vocabulary (bit i of word i >> 5). EOS bits only when the document is complete;
   * special tokens never. Read it, do not modify it; it is valid until the next allowed() call. */
  allowed(): Uint32Array;
  /** Consumes one token; throws if it is not allowed. */
  advance(tokenId: number): void;
  /** Bytes that are the only possible continuation now (possibly empty). */
  forcedBytes(): Uint8Array;
  /** The bytes so far form a complete document. */
  isComplete(): boolean;
  /** The document so far (a trailing partial UTF-8 character is shown as U+FFFD). */
  text(): string;
  /** Back to the empty document. */
  reset(): void;
  /** Consumes raw bytes (e.g. the forced bytes, for jump-forward decoding); throws if not allowed. */
  advanceBytes(bytes: Uint8Array): void;
  /** Whether `bytes` may follow the document so far; nothing is consumed. */
  accepts(bytes: Uint8Array): boolean;
  /** Bytes that complete the document from here (to close it when the token budget runs out): a
   * short completion found depth-first with closing bytes tried first (not always the shortest), or
   * null if none was found quickly. */
  shortestCompletion(): Uint8Array | null;
  /** What shortestCompletion would give after `bytes` (nothing is consumed); undefined when the bytes
   * cannot follow. Lets a decoder refuse a token whose completion would not fit its budget. */
  completionAfter(bytes: Uint8Array): Uint8Array | null | undefined;
}

/** One PDA + mask cache per (grammar, vocabulary), shared by every matcher over them. */
const runtimes = new WeakMap<Grammar, WeakMap<TokenVocabulary, MaskRuntime>>();

export function createMatcher(grammar: Grammar, vocab: TokenVocabulary): Matcher {
  let perGrammar = runtimes.get(grammar);
  if (!perGrammar) { perGrammar = new WeakMap(); runtimes.set(grammar, perGrammar); }
  let rt = perGrammar.get(vocab);
  if (!rt) { rt = new MaskRuntime(grammar, vocab); perGrammar.set(vocab, rt); }
  return new TokenMatcher(rt);
}

class TokenMatcher implements Matcher {
  private pda: Pda;
  private state: StackSet;
  private bytes: number[] = [];
  private finished = false;
  /** Where composite masks are spelled out: allowed()'s result is valid until its next call. */
  private readonly scratch: Uint32Array;

  constructor(private readonly rt: MaskRuntime) {
    this.scratch = new Uint32Array(rt.vocab.words);
    rt.maybeRenew();
    // A matcher keeps the PDA it started with: a renewal between documents must not pull states from
    // under it.
    this.pda = rt.pda;
    this.state = this.pda.initial;
  }

  allowed(): Uint32Array {
    if (this.finished) return this.rt.noTokens;
    return this.rt.materialize(this.rt.mask(this.pda, this.state), this.scratch);
  }

  advance(tokenId: number): void {
    const v = this.rt.vocab;
    if (this.finished) throw new Error(`token ${tokenId} after the end of the document`);
    if (tokenId < 0 || tokenId >= v.size) throw new Error(`token ${tokenId} is outside the vocabulary`);
    if (v.isEos(tokenId)) {
      if (!this.state.complete) throw new Error(`end-of-sequence token ${tokenId} before the document is complete`);
      this.finished = true;
      return;
    }
    if (v.special[tokenId]) throw new Error(`special token ${tokenId} is never allowed inside JSON`);
    const t = v.tokens[tokenId];
    if (t.length === 0) throw new Error(`empty token ${tokenId} is not allowed`);
    const pda = this.pda;
    let s = this.state;
    for (let i = 0; i < t.length; i++) {
      s = pda.step(s, t[i]);
      if (s === pda.empty) throw new Error(`token ${tokenId} (${JSON.stringify(new TextDecoder().decode(t))}) is not allowed after ${JSON.stringify(this.text())}`);
    }
    this.state = s;
    for (let i = 0; i < t.length; i++) this.bytes.push(t[i]);
  }

  forcedBytes(): Uint8Array {
    if (this.finished) return new Uint8Array(0);
    const pda = this.pda;
    const out: number[] = [];
    let s = this.state;
    while (out.length < 1024) {
      const b = pda.forcedByte(s);
      if (b < 0) break;
      out.push(b);
      s = pda.step(s, b);
    }
    return Uint8Array.from(out);
  }

  advanceBytes(bytes: Uint8Array): void {
    const pda = this.pda;
    const s = pda.run(this.state, bytes);
    if (s === pda.empty) throw new Error('bytes not allowed here');
    this.state = s;
    for (const b of bytes) this.bytes.push(b);
  }

  isComplete(): boolean {
    return this.state.complete;
  }

  accepts(bytes: Uint8Array): boolean {
    return !this.finished && this.pda.run(this.state, bytes) !== this.pda.empty;
  }

  shortestCompletion(): Uint8Array | null {
    return this.pda.shortestCompletion(this.state);
  }

  completionAfter(bytes: Uint8Array): Uint8Array | null | undefined {
    if (this.finished) return undefined;
    const next = this.pda.run(this.state, bytes);
    return next === this.pda.empty ? undefined : this.pda.shortestCompletion(next);
  }

  text(): string {
    return new TextDecoder().decode(Uint8Array.from(this.bytes));
  }

  reset(): void {
    this.rt.maybeRenew();
    this.pda = this.rt.pda;
    this.state = this.pda.initial;
    this.bytes = [];
    this.finished = false;
  }
}
