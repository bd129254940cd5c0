// The vocabulary as a byte trie laid out in pre-order (after llguidance's toktrie): node i has a byte,
// a depth and the index just past its subtree, so a mask walk is one loop over an array that skips a
// whole subtree the moment its first byte is refused. Special tokens and empty tokens are left out:
// they can never be part of a JSON document.
import { addToken, hasToken, tokenSetWords } from '../tokenizer/token-set.js';

/** A pre-order trie over a subset of the vocabulary. */
export interface TrieLayout {
  /** Pre-order nodes (index 0 is the root, depth 0). */
  readonly nodeByte: Uint8Array;
  readonly nodeDepth: Uint16Array;
  /** Index just past node i's subtree. */
  readonly nodeEnd: Int32Array;
  /** Tokens ending at node i: tokenIds[tokenStart[i] .. tokenStart[i + 1]). */
  readonly tokenStart: Int32Array;
  readonly tokenIds: Int32Array;
  readonly maxDepth: number;
}

export function buildTrie(tokens: Uint8Array[], ids: number[]): TrieLayout {
  // Pre-order of the trie is lexicographic order of the byte strings.
  ids = [...ids].sort((x, y) => compareBytes(tokens[x], tokens[y]) || x - y);
  const bytes: number[] = [0];
  const depth: number[] = [0];
  const end: number[] = [0];
  const nodeTokens: number[][] = [[]];
  const path: number[] = [0]; // open nodes along the current path
  let prev: Uint8Array = new Uint8Array(0);
  for (const id of ids) {
    const t = tokens[id];
    let common = 0;
    while (common < prev.length && common < t.length && prev[common] === t[common]) common++;
    while (path.length - 1 > common) { const n = path.pop()!; end[n] = bytes.length; }
    for (let k = common; k < t.length; k++) {
      const n = bytes.length;
      bytes.push(t[k]);
      depth.push(k + 1);
      end.push(0);
      nodeTokens.push([]);
      path.push(n);
    }
    nodeTokens[path[path.length - 1]].push(id);
    prev = t;
  }
  while (path.length) { const n = path.pop()!; end[n] = bytes.length; }
  const tokStart: number[] = [];
  const tokIds: number[] = [];
  for (let i = 0; i < bytes.length; i++) { tokStart.push(tokIds.length); for (const id of nodeTokens[i]) tokIds.push(id); }
  tokStart.push(tokIds.length);
  return {
    nodeByte: Uint8Array.from(bytes),
    nodeDepth: Uint16Array.from(depth),
    nodeEnd: Int32Array.from(end),
    tokenStart: Int32Array.from(tokStart),
    tokenIds: Int32Array.from(tokIds),
    maxDepth: Math.max(0, ...depth),
  };
}

/** Precomputed token sets for the inside of a free string (any content, canonical escapes), where most
 * of the vocabulary is allowed: `plain` tokens (no quote, no backslash, well-formed UTF-8 from a
 * character boundary, possibly ending inside a character) are allowed as a block, bucketed by how many
 * characters they start (for maxLength); only the tokens holding a quote or a backslash are walked. */
export interface StringBodySets {
  /** withinChars[k]: plain tokens starting at most k characters (k up to maxChars). */
  readonly withinChars: Uint32Array[];
  readonly maxChars: number;
  /** Trie of the tokens that contain '"' or '\\'. */
  readonly escapesAndQuotes: TrieLayout;
}

/** Characters a token starts if it is plain free-string content from a character boundary (no quote,
 * no backslash, no control character, well-formed UTF-8 so far, possibly ending inside a character),
 * else -1. */
function plainChars(bytes: Uint8Array): number {
  let chars = 0;
  let need = 0; // continuation bytes still expected
  let lo = 0x80, hi = 0xbf; // allowed range of the next continuation byte
  for (const b of bytes) {
    if (need > 0) {
      if (b < lo || b > hi) return -1;
      need--;
      lo = 0x80; hi = 0xbf;
      continue;
    }
    if (b === 0x22 || b === 0x5c || b < 0x20) return -1;
    chars++;
    if (b < 0x80) continue;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; }
    else if (b === 0xe0) { need = 2; lo = 0xa0; }
    else if (b === 0xed) { need = 2; hi = 0x9f; } // no surrogates
    else if (b >= 0xe1 && b <= 0xef) { need = 2; }
    else if (b === 0xf0) { need = 3; lo = 0x90; }
    else if (b >= 0xf1 && b <= 0xf3) { need = 3; }
    else if (b === 0xf4) { need = 3; hi = 0x8f; }
    else return -1;
  }
  return chars;
}

export class TokenVocabulary {
  readonly size: number;
  readonly eosIds: number[];
  readonly special: boolean[];
  readonly tokens: Uint8Array[];
  readonly trie: TrieLayout;
  readonly words: number;
  /** Bitset of EOS ids. */
  readonly eosMask: Uint32Array;
  private readonly bodySets: StringBodySets;

  constructor(tokens: Uint8Array[], special: boolean[], eosIds: number[]) {
    if (special.length !== tokens.length) throw new Error('TokenVocabulary: tokens and special must have the same length');
    this.size = tokens.length;
    this.tokens = tokens;
    this.special = special;
    this.eosIds = [...eosIds];
    this.words = tokenSetWords(this.size);
    this.eosMask = new Uint32Array(this.words);
    for (const id of eosIds) {
      if (id < 0 || id >= this.size) throw new Error(`TokenVocabulary: EOS id ${id} out of range`);
      addToken(this.eosMask, id);
    }
    this.trie = buildTrie(tokens, this.textIds());
    this.bodySets = this.buildStringBodySets();
  }

  /** Ids that can ever be part of a document: not special, not EOS, not empty. */
  textIds(): number[] {
    const ids: number[] = [];
    for (let i = 0; i < this.size; i++) if (!this.special[i] && this.tokens[i].length > 0 && !this.isEos(i)) ids.push(i);
    return ids;
  }

  isEos(id: number): boolean {
    return hasToken(this.eosMask, id);
  }

  stringBodySets(): StringBodySets {
    return this.bodySets;
  }

  private buildStringBodySets(): StringBodySets {
    const chars = new Int32Array(this.size).fill(-1);
    const walkIds: number[] = [];
    let maxChars = 0;
    for (const id of this.textIds()) {
      const t = this.tokens[id];
      if (t.includes(0x22) || t.includes(0x5c)) { walkIds.push(id); continue; }
      const n = plainChars(t);
      if (n < 0) continue;
      chars[id] = n;
      if (n > maxChars) maxChars = n;
    }
    const byChars: number[][] = Array.from({ length: maxChars + 1 }, () => []);
    for (let id = 0; id < this.size; id++) if (chars[id] >= 0) byChars[chars[id]].push(id);
    const withinChars: Uint32Array[] = [];
    for (let k = 0; k <= maxChars; k++) {
      const set = k > 0 ? withinChars[k - 1].slice() : new Uint32Array(this.words);
      for (const id of byChars[k]) addToken(set, id);
      withinChars.push(set);
    }
    return { withinChars, maxChars, escapesAndQuotes: buildTrie(this.tokens, walkIds) };
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
