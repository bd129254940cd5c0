// The vocabulary as a byte trie laid out in pre-order (after llguidance's toktrie): node i has a byte,
// a depth and the index just past its subtree, so a mask walk is one loop over an array that skips a
// whole subtree the moment its first byte is refused. Special tokens and empty tokens are left out:
// they can never be part of a JSON document.

export class TokenVocabulary {
  readonly size: number;
  readonly eosIds: number[];
  readonly special: boolean[];
  readonly tokens: Uint8Array[];
  /** Pre-order trie nodes (index 0 is the root, depth 0). */
  readonly nodeByte: Uint8Array;
  readonly nodeDepth: Uint16Array;
  readonly nodeEnd: Int32Array;
  /** Tokens ending at node i: tokenIds[tokenStart[i] .. tokenStart[i + 1]). */
  readonly tokenStart: Int32Array;
  readonly tokenIds: Int32Array;
  readonly maxDepth: number;
  readonly words: number;
  /** Bitset of EOS ids. */
  readonly eosMask: Uint32Array;

  constructor(tokens: Uint8Array[], special: boolean[], eosIds: number[]) {
    if (special.length !== tokens.length) throw new Error('TokenVocabulary: tokens and special must have the same length');
    this.size = tokens.length;
    this.tokens = tokens;
    this.special = special;
    this.eosIds = [...eosIds];
    this.words = (this.size + 31) >>> 5;
    this.eosMask = new Uint32Array(this.words);
    for (const id of eosIds) {
      if (id < 0 || id >= this.size) throw new Error(`TokenVocabulary: EOS id ${id} out of range`);
      this.eosMask[id >>> 5] |= 1 << (id & 31);
    }
    // Sort token ids by bytes; pre-order of the trie is lexicographic order.
    const ids: number[] = [];
    for (let i = 0; i < tokens.length; i++) if (!special[i] && tokens[i].length > 0 && !eosIds.includes(i)) ids.push(i);
    ids.sort((x, y) => compareBytes(tokens[x], tokens[y]) || x - y);
    const bytes: number[] = [0];
    const depth: number[] = [0];
    const end: number[] = [0];
    const tokStart: number[] = [];
    const tokIds: number[] = [];
    const nodeTokens: number[][] = [[]];
    // Stack of open nodes along the current path.
    const path: number[] = [0];
    let prev: Uint8Array = new Uint8Array(0);
    for (const id of ids) {
      const t = tokens[id];
      let common = 0;
      while (common < prev.length && common < t.length && prev[common] === t[common]) common++;
      // Close nodes deeper than the common prefix.
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
    for (let i = 0; i < bytes.length; i++) { tokStart.push(tokIds.length); tokIds.push(...nodeTokens[i]); }
    tokStart.push(tokIds.length);
    this.nodeByte = Uint8Array.from(bytes);
    this.nodeDepth = Uint16Array.from(depth);
    this.nodeEnd = Int32Array.from(end);
    this.tokenStart = Int32Array.from(tokStart);
    this.tokenIds = Int32Array.from(tokIds);
    this.maxDepth = Math.max(0, ...depth);
  }

  isEos(id: number): boolean {
    return (this.eosMask[id >>> 5] & (1 << (id & 31))) !== 0;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
