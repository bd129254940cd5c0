// Code-point sets against a plain membership array on fresh random ranges: normalization, union and
// complement must describe exactly the same code points, in the canonical (sorted, disjoint,
// non-adjacent) form the regex lowering relies on.
import { describe, expect, it } from 'vitest';
import {
  ANY, DIGITS, MAX_CODEPOINT, WORD, complement, normalizeSet, union, withAsciiCaseVariants, type CodepointSet,
} from '../../grammar/codepoint-set.js';
import { mulberry32 } from '../../random/prng.js';

const DOMAIN = 400; // small enough to enumerate; MAX_CODEPOINT is checked separately

function members(set: CodepointSet): boolean[] {
  const out = new Array<boolean>(DOMAIN).fill(false);
  for (const [lo, hi] of set) for (let c = lo; c <= Math.min(hi, DOMAIN - 1); c++) out[c] = true;
  return out;
}

function randomRanges(next: () => number): Array<readonly [number, number]> {
  const n = next() % 6;
  return Array.from({ length: n }, () => {
    const a = next() % DOMAIN, b = next() % DOMAIN;
    return [Math.min(a, b), Math.max(a, b)] as const; // sometimes empty-width, overlapping or adjacent
  });
}

function isCanonical(set: CodepointSet): boolean {
  for (let i = 0; i < set.length; i++) {
    if (set[i][0] > set[i][1]) return false;
    if (i > 0 && set[i][0] <= set[i - 1][1] + 1) return false; // overlapping or adjacent
  }
  return true;
}

describe('codepoint sets', () => {
  it('normalize, union and complement match a membership array (300 random cases)', () => {
    const next = mulberry32(20261204);
    for (let trial = 0; trial < 300; trial++) {
      const a = randomRanges(next), b = randomRanges(next);
      const expectA = new Array<boolean>(DOMAIN).fill(false);
      for (const [lo, hi] of a) for (let c = lo; c <= hi; c++) expectA[c] = true;
      const na = normalizeSet([...a]);
      expect(isCanonical(na)).toBe(true);
      expect(members(na)).toEqual(expectA);
      const nb = normalizeSet([...b]);
      const u = union(na, nb);
      expect(isCanonical(u)).toBe(true);
      expect(members(u)).toEqual(members(na).map((x, i) => x || members(nb)[i]));
      const c = complement(na);
      expect(isCanonical(c)).toBe(true);
      expect(members(c)).toEqual(expectA.map((x) => !x));
      if (na.length) expect(c[c.length - 1][1]).toBe(na[na.length - 1][1] === MAX_CODEPOINT ? c[c.length - 1][1] : MAX_CODEPOINT);
      expect(complement(c)).toEqual(na);
    }
  });

  it('complement of everything is empty and of nothing is everything', () => {
    expect(complement(ANY)).toEqual([]);
    expect(complement([])).toEqual([[0, MAX_CODEPOINT]]);
  });

  it('ASCII case variants add exactly the other case of ASCII letters', () => {
    const set = withAsciiCaseVariants(normalizeSet([[0x61, 0x63], [0x30, 0x31], [0xe9, 0xe9]])); // a-c, 0-1, é
    const m = members(set);
    for (let c = 0; c < DOMAIN; c++) {
      const expected = (c >= 0x61 && c <= 0x63) || (c >= 0x41 && c <= 0x43) || c === 0x30 || c === 0x31 || c === 0xe9;
      expect([c, m[c]]).toEqual([c, expected]);
    }
  });

  it('the \\d and \\w classes are the ASCII ones ECMAScript uses without the u+i flags', () => {
    const word = members(WORD), digit = members(DIGITS);
    for (let c = 0; c < 128; c++) {
      expect(word[c]).toBe(/\w/.test(String.fromCharCode(c)));
      expect(digit[c]).toBe(/\d/.test(String.fromCharCode(c)));
    }
  });
});
