// TokenSet against a plain Set<number> on seeded random ids and sizes, including the word edges (31, 32)
// and ids past the set's end.
import { describe, expect, it } from 'vitest';
import { addToken, hasToken, tokenSetWords } from '../../tokenizer/token-set.js';
import { mulberry32 } from '../../random/prng.js';

describe('TokenSet', () => {
  it('tokenSetWords is the number of 32-bit words that hold n ids', () => {
    for (const [n, w] of [[0, 0], [1, 1], [31, 1], [32, 1], [33, 2], [64, 2], [65, 3], [49152, 1536]]) expect(tokenSetWords(n)).toBe(w);
  });

  it('add and has agree with a Set on random ids; ids past the end are absent', () => {
    const rand = mulberry32(17);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rand() / 2 ** 32 * 300);
      const set = new Uint32Array(tokenSetWords(n));
      const ref = new Set<number>();
      for (let k = 0; k < n / 3; k++) {
        const id = Math.floor(rand() / 2 ** 32 * n);
        addToken(set, id);
        ref.add(id);
      }
      for (const edge of [0, 31, 32, n - 1]) if (edge >= 0 && edge < n && rand() % 2) { addToken(set, edge); ref.add(edge); }
      for (let id = 0; id < n; id++) expect(hasToken(set, id)).toBe(ref.has(id));
      expect(hasToken(set, set.length * 32)).toBe(false);
      expect(hasToken(set, set.length * 32 + 5)).toBe(false);
      let bits = 0;
      for (const w of set) bits += popcount(w);
      expect(bits).toBe(ref.size);
    }
  });
});

function popcount(w: number): number {
  let c = 0;
  for (; w !== 0; w &= w - 1) c++;
  return c;
}
