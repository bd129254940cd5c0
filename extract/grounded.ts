// Grounded decoding: a string value that the schema leaves free (no enum, const, format or pattern) may
// only be a span of the input text, or one of the text's normalized forms (text-values.ts). A model of a
// few million parameters knows that a name goes under "name" long before it copies names reliably: left
// free it writes a plausible name from its training data. Restricted to the text, the worst it can do is
// pick the wrong span.
//
// The restriction is one more automaton intersected with the grammar's mask, so the grammar stays
// model-free: the tokens allowed inside a grounded value are those the grammar allows AND whose bytes
// continue the value as a substring of the text's JSON-escaped bytes (CopySource.stringBytes, which also
// holds the normalized forms, each after a NUL no value can contain). The closing quote is allowed where
// the value so far is a whole span: non-empty, starting where the copy source lets a value start (a word
// or a symbol, never a space), ending on a word byte or ')' or '%', and followed in the text by something
// that is not a word byte (so "Lis" never closes inside "Lisbon", and "Lisbon," never closes at all).
//
// Which values are free is asked of the grammar itself, not of the schema: where a string may open, the
// value is grounded when the grammar accepts each of a few probe beginnings (a lower-case, an upper-case
// letter, a digit, a space, a minus sign). Enums, consts, formats and almost every pattern refuse one of
// them; length limits do not (they are intersected like the rest). A pattern that accepts all five
// beginnings counts as free: its own automaton still has the last word on every byte.
//
// Never a dead end: when the intersection leaves no token inside a value, the value is closed where it
// stands if the grammar allows ("Lisbon." at the text's end, where no span ends), else (a minLength beyond
// every span) written ungrounded from there on; the whole-span choice (value-choice.ts) releases a value
// the same way when no span qualifies.
import type { TrieLayout } from '../grammar/token-trie.js';
import { addToken } from '../tokenizer/token-set.js';
import type { TokenConstraint } from './constraint.js';
import { isWordByte, trieChild, walkSpanTokens, type CopyTracker } from './copy-bias.js';

const QUOTE = 0x22;
const UTF8 = new TextEncoder();
/** Beginnings a free string accepts and an enum, const, format or pattern (almost) never all do. */
const PROBES = ['q', 'Q', '7', ' ', '-'].map((s) => UTF8.encode(s));
const QUOTED_PROBES = PROBES.map((p) => Uint8Array.of(QUOTE, ...p));

/** Whether a span of the copy source may end with `last` (the value's last byte) before source byte `next`
 * (undefined past the end). */
export function endsSpan(last: number, next: number | undefined): boolean {
  if (!(isWordByte(last) || last === 0x29 || last === 0x25)) return false;
  return next === undefined || !isWordByte(next);
}

/** Whether the grammar leaves the string here free: `open` = a value may open (the quote not yet
 * written), else inside a string value. */
export function isFreeString(constraint: TokenConstraint, open: boolean): boolean {
  if (!constraint.accepts) return false;
  return (open ? QUOTED_PROBES : PROBES).every((p) => constraint.accepts!(p));
}

/** Sets in `keep` the tokens that continue a grounded value from the tracker's state: inside a string
 * value, the tokens that continue it along the source (and those that close it where it is a whole span,
 * whatever follows the quote: the grammar judges that part); where a value may open, every token that
 * does not start with a quote, plus the quote followed by the beginning of a span. */
export function groundedTokens(trie: TrieLayout, tracker: CopyTracker, keep: Uint32Array): void {
  const set = (id: number) => addToken(keep, id);
  const src = tracker.source.stringBytes;
  if (tracker.atValueStart) {
    const quote = trieChild(trie, 0, QUOTE);
    // Tokens that open something else (a number, null, an object): not this module's business.
    for (let child = 1; child < trie.nodeByte.length; child = trie.nodeEnd[child]) {
      if (child === quote) continue;
      for (let k = trie.tokenStart[child]; k < trie.tokenStart[trie.nodeEnd[child]]; k++) set(trie.tokenIds[k]);
    }
    if (quote < 0) return;
    for (let k = trie.tokenStart[quote]; k < trie.tokenStart[quote + 1]; k++) set(trie.tokenIds[k]);
    for (const start of tracker.source.spanStarts) {
      walkSpanTokens(trie, quote, src, start, set, (node, d) => {
        if (d > 0 && endsSpan(src[start + d - 1], src[start + d])) markQuoteSubtree(trie, node, set);
      });
    }
    return;
  }
  const cont = tracker.continuations();
  if (!cont || tracker.openValue !== 'string') return;
  const length = tracker.valueLength, last = tracker.valueLastByte;
  for (const start of cont.positions) {
    walkSpanTokens(trie, 0, src, start, set, (node, d) => {
      const lastByte = d > 0 ? src[start + d - 1] : last;
      if (length + d > 0 && endsSpan(lastByte, src[start + d])) markQuoteSubtree(trie, node, set);
    });
  }
}

/** Marks every token below `node` that continues with the closing quote. */
function markQuoteSubtree(trie: TrieLayout, node: number, set: (id: number) => void): void {
  const q = trieChild(trie, node, QUOTE);
  if (q < 0) return;
  for (let k = trie.tokenStart[q]; k < trie.tokenStart[trie.nodeEnd[q]]; k++) set(trie.tokenIds[k]);
}

/** Per extraction: which string value is grounded, and the mask restriction. */
export class Grounding {
  /** The string value (tracker serial) the decision below is for, and the decision. */
  private decidedFor = -1;
  private grounded = false;
  private readonly keep: Uint32Array;
  /** The grounded tokens where a value opens, and right after a string value's quote: the same for the
   * whole document (they depend on the text alone), so computed once. */
  private readonly fixed = new Map<'open' | 'empty', Uint32Array>();

  constructor(private readonly trie: TrieLayout, private readonly tracker: CopyTracker, private readonly words: number) {
    this.keep = new Uint32Array(words);
  }

  /** The grounded tokens from the tracker's state, in a bitset (valid until the next call). */
  private groundedNow(): Uint32Array {
    const t = this.tracker;
    const key = t.atValueStart ? 'open' : t.openValue === 'string' && t.valueLength === 0 ? 'empty' : undefined;
    let bits = key && this.fixed.get(key);
    if (bits) return bits;
    bits = key ? new Uint32Array(this.words) : this.keep;
    bits.fill(0);
    groundedTokens(this.trie, t, bits);
    if (key) this.fixed.set(key, bits);
    return bits;
  }

  /** Whether the open string value is grounded (decided once per value, when first asked). */
  isGrounded(constraint: TokenConstraint): boolean {
    const t = this.tracker;
    if (t.openValue !== 'string') return false;
    if (this.decidedFor !== t.stringSerial) {
      this.decidedFor = t.stringSerial;
      this.grounded = isFreeString(constraint, false);
    }
    return this.grounded;
  }

  /** The rest of the open value is written ungrounded. */
  release(): void {
    if (this.tracker.openValue === 'string') { this.decidedFor = this.tracker.stringSerial; this.grounded = false; }
  }

  /** Narrows `bits` (the grammar's allowed tokens) to the grounded ones, where a grounded value is open or
   * may open. Where that leaves no token inside a value, the value is closed if the grammar lets it, else
   * released (written ungrounded from here); where a value opens, `bits` is left as it is. */
  restrict(bits: Uint32Array, constraint: TokenConstraint): void {
    const t = this.tracker;
    const opening = t.atValueStart;
    if (opening ? !isFreeString(constraint, true) : !this.isGrounded(constraint)) return;
    let keep = this.groundedNow();
    if (!intersects(bits, keep)) {
      if (opening) return;
      keep = this.keep;
      const set = (id: number) => addToken(keep, id);
      keep.fill(0);
      markQuoteSubtree(this.trie, 0, set);
      if (!intersects(bits, keep)) { this.release(); return; }
    }
    for (let w = 0; w < bits.length; w++) bits[w] &= keep[w];
  }
}

function intersects(a: Uint32Array, b: Uint32Array): boolean {
  for (let w = 0; w < a.length; w++) if ((a[w] & b[w]) !== 0) return true;
  return false;
}
