// A set of token ids over a vocabulary, kept as a bitset: id is bit (id & 31) of word (id >>> 5). The
// grammar's masks, the allowed-token mask the LM head reads in kernel memory and every restriction of them
// (grounding, copy bias, prefixes) share this layout, so they combine word by word. Plain functions over a
// Uint32Array rather than a class: the hot loops keep one array type and V8 inlines these.

/** A bitset over token ids (see the layout above); its length is tokenSetWords(vocabulary size). */
export type TokenSet = Uint32Array;

/** Words a set over ids 0..n-1 needs. */
export function tokenSetWords(n: number): number {
  return (n + 31) >>> 5;
}

export function addToken(set: TokenSet, id: number): void {
  set[id >>> 5] |= 1 << (id & 31);
}

/** Whether `id` is in the set; false for an id past the set's last word. */
export function hasToken(set: TokenSet, id: number): boolean {
  const w = id >>> 5;
  return w < set.length && (set[w] & (1 << (id & 31))) !== 0;
}
