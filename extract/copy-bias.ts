// Copy bias: a soft prior, at decode time, that a value being written is copied from the input text.
//
// Most extracted values are spans of the text (names, IDs, emails, amounts, cities). A model with a few
// million parameters learns the JSON, the keys and each field's kind of value long before it learns to copy
// exactly (the induction that finds "PO-1" in the text and continues with "7600"): it then writes a
// plausible "PO-72222". The grammar cannot help there, since any string is valid. Copy bias adds a fixed
// bonus to the logits of the tokens that continue the current value as a span of the text, so the model
// still chooses (which span, when to stop, a normalized form the text does not contain), but among
// equally plausible digits the text's own win. It is the decode-time cousin of pointer/copy networks and of
// prompt-lookup decoding, which drafts tokens from the prompt the same way.
//
// What counts as "the current value": the bytes written since a string value's opening quote (keys are
// not biased), or the digits of a number written so far. Matching is against the text as it would be
// written inside a JSON string (quotes and backslashes escaped); numbers are matched against the text's
// digit runs with thousands separators dropped ("$1,995" continues 1995). A value whose bytes stop
// matching the text gets no more bonus until the next value.
import type { TrieLayout } from '../grammar/token-trie.js';
import { hasToken } from '../tokenizer/token-set.js';
import { normalizedValues } from './text-values.js';

const QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a, COMMA = 0x2c, LBRACE = 0x7b, LBRACKET = 0x5b, RBRACE = 0x7d, RBRACKET = 0x5d;
const UTF8 = new TextEncoder();

function isDigit(b: number): boolean { return b >= 0x30 && b <= 0x39; }
export function isWordByte(b: number): boolean {
  return isDigit(b) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b >= 0x80;
}

/** A grounded value starts at a word, or at a symbol that begins values ('$', '#', '+', '@', '('), never
 * at other punctuation (": customer Tom"). */
export function opensSpan(b: number): boolean {
  return isWordByte(b) || b === 0x24 || b === 0x23 || b === 0x2b || b === 0x40 || b === 0x28;
}

/** The text prepared for matching: its JSON-string form and its digit-run form, with the start positions
 * a value may begin at (word starts; digit-run starts). */
export class CopySource {
  readonly stringBytes: Uint8Array;
  readonly stringStarts: number[];
  /** The string starts, plus the positions right after an escape ("\n", "\u00e9"), where the next line or
   * word of the text begins: where a grounded value may start (extract/grounded.ts). */
  readonly spanStarts: number[];
  /** The string starts where a digit begins a word: where a digit-led string value may be copied from. */
  readonly digitStarts: number[];
  readonly numberBytes: Uint8Array;
  readonly numberStarts: number[];
  /** The numbers the text holds, as a JSON number could write them, in order of appearance, once each:
   * digit runs without thousands separators (with and without a leading minus; leading zeros dropped), and
   * the normalized forms of number words and zero-cent amounts. */
  readonly numbers: string[];

  constructor(text: string) {
    // The normalized forms of the text's dates, times and number words follow the text itself, each after
    // a separator that no written value contains (a raw NUL inside a JSON string, a space in the digit
    // form), so a match never runs from one into the next.
    const extra = normalizedValues(text);
    this.stringBytes = UTF8.encode(JSON.stringify(text).slice(1, -1) + extra.strings.map((s) => '\0' + JSON.stringify(s).slice(1, -1)).join(''));
    this.stringStarts = [];
    for (let i = 0; i < this.stringBytes.length; i++) {
      const b = this.stringBytes[i];
      if (b !== 0x20 && (i === 0 || !isWordByte(this.stringBytes[i - 1]) || !isWordByte(b))) this.stringStarts.push(i);
    }
    const afterEscapes: number[] = [];
    for (let i = 0; i < this.stringBytes.length; i++) {
      if (this.stringBytes[i] !== BACKSLASH) continue;
      i += this.stringBytes[i + 1] === 0x75 ? 5 : 1; // \uXXXX, or a two-byte escape
      const next = this.stringBytes[i + 1];
      if (next !== undefined && next !== 0x20 && next !== BACKSLASH && isWordByte(this.stringBytes[i])) afterEscapes.push(i + 1);
    }
    this.spanStarts = [...new Set([...this.stringStarts, ...afterEscapes])].sort((a, b) => a - b)
      .filter((i) => opensSpan(this.stringBytes[i]));
    this.digitStarts = this.stringStarts.filter((i) => isDigit(this.stringBytes[i]));
    // Digits, '.', '-' kept; a ',' that separates thousands dropped; anything else a space. A comma is a
    // thousands separator only before exactly three digits: "17,85" (a decimal comma, read as 17.85 by
    // normalizedValues) must not become 1785, nor "2,3" 23.
    const raw = UTF8.encode([text, ...extra.numbers].join(' '));
    const out: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      const b = raw[i];
      if (b === COMMA && i > 0 && isDigit(raw[i - 1]) && isThousandsGroup(raw, i + 1)) continue;
      const decimalPoint = b === 0x2e && i + 1 < raw.length && isDigit(raw[i + 1]);
      out.push(isDigit(b) || decimalPoint || b === 0x2d ? b : 0x20);
    }
    this.numberBytes = Uint8Array.from(out);
    this.numberStarts = [];
    for (let i = 0; i < out.length; i++) {
      if ((isDigit(out[i]) || out[i] === 0x2d) && (i === 0 || out[i - 1] === 0x20)) this.numberStarts.push(i);
    }
    const numbers = new Set<string>();
    for (const m of new TextDecoder().decode(this.numberBytes).matchAll(/(?<![\d.-])-?\d+(?:\.\d+)?/g)) {
      const unsigned = m[0].replace(/^-/, '');
      for (const n of [m[0], unsigned, String(Number(m[0])), String(Number(unsigned))]) numbers.add(n);
    }
    this.numbers = [...numbers];
  }
}

/** Whether bytes[i..] are exactly three digits, then no further digit. */
function isThousandsGroup(bytes: Uint8Array, i: number): boolean {
  return i + 3 <= bytes.length && isDigit(bytes[i]) && isDigit(bytes[i + 1]) && isDigit(bytes[i + 2]) && !(i + 3 < bytes.length && isDigit(bytes[i + 3]));
}

type Mode = 'none' | 'string' | 'number';

/** Follows the JSON being written byte by byte: which kind of value is open, and where in the text the
 * value written so far occurs. */
export class CopyTracker {
  private readonly containers: number[] = []; // LBRACE / LBRACKET
  /** In an object: the next string is a key (after '{' or ','). */
  private expectKey = false;
  /** The next byte may start a value (after ':', '[', or ',' in an array). */
  private expectValue = false;
  private inString = false;
  private escaped = false;
  private mode: Mode = 'none';
  /** Positions in the source just past each occurrence of the value written so far. */
  private matches: number[] = [];
  /** Bytes of the open value written so far, and the last of them. */
  private valueBytes = 0;
  private lastByte = -1;
  /** String values opened so far (a serial for the open one). */
  private strings = 0;

  /** `grounded`: string values may start at the source's span starts (escapes included), not only at its
   * string starts. */
  constructor(private readonly src: CopySource, private readonly grounded = false) {}

  push(bytes: Uint8Array): void {
    for (const b of bytes) this.pushByte(b);
  }

  /** Whether the value written so far ends where a span of the source ends (for a string: before a byte
   * that is not part of a word; for a number: before anything but a digit), so closing it there is a copy
   * too. */
  atSpanEnd(): boolean {
    if (this.mode === 'none' || this.matches.length === 0) return false;
    const src = this.mode === 'string' ? this.src.stringBytes : this.src.numberBytes;
    return this.matches.some((p) => p >= src.length || (this.mode === 'string' ? !isWordByte(src[p]) : !isDigit(src[p]) && src[p] !== 0x2e));
  }

  get openValue(): Mode { return this.mode; }

  /** A value may start at the next byte (after ':', '[' or an array's ','), outside any string. */
  get atValueStart(): boolean { return this.mode === 'none' && !this.inString && this.expectValue; }

  /** A string value has just been opened: its quote is written, none of its content yet. */
  get atStringStart(): boolean { return this.mode === 'string' && this.valueBytes === 0; }

  /** Which string value is open: 1 for the document's first, and so on (0 before any). */
  get stringSerial(): number { return this.strings; }

  /** The open value's length in bytes and its last byte (-1 when empty). */
  get valueLength(): number { return this.valueBytes; }
  get valueLastByte(): number { return this.lastByte; }

  get source(): CopySource { return this.src; }

  /** Where the value can continue: the source bytes and the positions to read from, or undefined. Where a
   * value may start, a number's first digit is read at the start of the text's digit runs (a string's first
   * byte is its quote, and the value's own bytes follow it). */
  continuations(): { bytes: Uint8Array; positions: readonly number[] } | undefined {
    if (this.mode === 'none') {
      return !this.inString && this.expectValue ? { bytes: this.src.numberBytes, positions: this.src.numberStarts } : undefined;
    }
    if (this.matches.length === 0) return undefined;
    return { bytes: this.mode === 'string' ? this.src.stringBytes : this.src.numberBytes, positions: this.matches };
  }

  private pushByte(b: number): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === BACKSLASH) this.escaped = true;
      else if (b === QUOTE) { this.inString = false; this.mode = 'none'; return; }
      if (this.mode === 'string') this.follow(b, this.src.stringBytes);
      return;
    }
    if (this.mode === 'number') {
      if (isDigit(b) || b === 0x2e || b === 0x2d || b === 0x2b || b === 0x65 || b === 0x45) { this.follow(b, this.src.numberBytes); return; }
      this.mode = 'none';
    }
    const inObject = this.containers[this.containers.length - 1] === LBRACE;
    switch (b) {
      case QUOTE: {
        const isKey = inObject && this.expectKey;
        this.inString = true;
        this.expectKey = false;
        if (!isKey) { this.mode = 'string'; this.matches = (this.grounded ? this.src.spanStarts : this.src.stringStarts).slice(); this.valueBytes = 0; this.lastByte = -1; this.strings++; }
        this.expectValue = false;
        return;
      }
      case LBRACE: this.containers.push(LBRACE); this.expectKey = true; this.expectValue = false; return;
      case LBRACKET: this.containers.push(LBRACKET); this.expectValue = true; return;
      case RBRACE: case RBRACKET: this.containers.pop(); this.expectKey = false; this.expectValue = false; return;
      case COLON: this.expectValue = true; return;
      case COMMA: this.expectKey = inObject; this.expectValue = !inObject; return;
      default:
        if (this.expectValue && (isDigit(b) || b === 0x2d)) {
          this.mode = 'number';
          this.matches = this.src.numberStarts.slice();
          this.valueBytes = 0;
          this.follow(b, this.src.numberBytes);
        }
        if (b !== 0x20 && b !== 0x0a && b !== 0x09 && b !== 0x0d) this.expectValue = false; // true, false, null, a number
    }
  }

  private follow(b: number, src: Uint8Array): void {
    this.valueBytes++;
    this.lastByte = b;
    if (this.matches.length === 0) return;
    const next: number[] = [];
    for (const p of this.matches) if (p < src.length && src[p] === b) next.push(p + 1);
    this.matches = next;
  }
}

/** The tokens that can end an open value: those starting with the closing quote (strings), those starting
 * with a byte that cannot continue a number (numbers). */
export interface ValueClosers { string: readonly number[]; number: readonly number[] }

export function valueClosers(tokenBytes: (id: number) => Uint8Array, ids: readonly number[]): ValueClosers {
  const string: number[] = [], number: number[] = [];
  for (const id of ids) {
    const first = tokenBytes(id)[0];
    if (first === QUOTE) string.push(id);
    if (first === COMMA || first === RBRACE || first === RBRACKET || first === 0x20 || first === 0x0a) number.push(id);
  }
  return { string, number };
}

/** Adds `bonus` to the logits of the allowed tokens whose bytes continue the value as a span of the source
 * (at any of the positions the tracker reports), and, where a source span ends, to the tokens that close
 * the value; returns how many tokens got it. The trie walk reads the source along each position, so a step
 * costs (positions x longest token) byte comparisons. */
export function applyCopyBias(logits: Float32Array, trie: TrieLayout, closers: ValueClosers, tracker: CopyTracker,
  bonus: number, allowed?: Uint32Array): number {
  const cont = tracker.continuations();
  if (!cont) return 0;
  const { bytes, positions } = cont;
  const marked = new Set<number>();
  const mode = tracker.openValue;
  if (mode !== 'none' && tracker.atSpanEnd()) for (const id of closers[mode]) marked.add(id);
  for (const start of positions) walkSpanTokens(trie, 0, bytes, start, (id) => marked.add(id));
  let n = 0;
  for (const id of marked) {
    if (allowed && !hasToken(allowed, id)) continue;
    logits[id] += bonus;
    n++;
  }
  return n;
}

/** The trie child of `node` with byte `b`, or -1. */
export function trieChild(trie: TrieLayout, node: number, b: number): number {
  let child = node + 1;
  while (child < trie.nodeEnd[node] && trie.nodeByte[child] !== b) child = trie.nodeEnd[child];
  return child < trie.nodeEnd[node] ? child : -1;
}

/** Walks the trie from `node` along `bytes` from `start`, calling `mark` for every token that ends on the
 * way (tokens whose remaining bytes are a prefix of bytes[start..]); `atNode(node, d)`, when given, is
 * called at each node reached, d bytes past `start` (the root-side node included, d = 0). The one walker
 * behind the copy bias and grounded decoding: a step costs (positions x longest token) byte comparisons. */
export function walkSpanTokens(trie: TrieLayout, node: number, bytes: Uint8Array, start: number,
  mark: (id: number) => void, atNode?: (node: number, d: number) => void): void {
  atNode?.(node, 0);
  for (let d = 0; start + d < bytes.length; d++) {
    const child = trieChild(trie, node, bytes[start + d]);
    if (child < 0) break;
    node = child;
    for (let k = trie.tokenStart[node]; k < trie.tokenStart[node + 1]; k++) mark(trie.tokenIds[k]);
    atNode?.(node, d + 1);
  }
}
