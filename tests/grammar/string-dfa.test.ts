// String automata against the JavaScript RegExp engine (the one ajv uses, with the u flag), by brute
// force: random patterns over a small alphabet that includes a character JSON must escape and a
// multi-byte one, every string up to four characters, run through the DFA as the bytes JSON.stringify
// writes between the quotes. Plus the trimming promise: from every state an accepting state is reachable.
import { describe, expect, it } from 'vitest';
import { parsePattern } from '../../grammar/regex.js';
import { freeStringDfa, intersectStringDfas, patternsDfa, type StringDfa } from '../../grammar/string-dfa.js';
import { mulberry32 } from '../../random/prng.js';
import { dfaAccepts } from './dfa-run.js';

const ALPHABET = ['a', 'b', 'é', '"', '\n', '7'];
const ATOMS = ['a', 'b', 'é', '"', '\\n', '.', '[ab]', '[^a]', '\\d', '\\w', '[é-ê]', '\\s'];

function randomPattern(next: () => number, depth = 0): string {
  const pick = <T>(xs: readonly T[]) => xs[next() % xs.length];
  const atom = (): string => (depth < 2 && next() % 4 === 0 ? `(?:${randomPattern(next, depth + 1)})` : pick(ATOMS));
  const piece = (): string => atom() + pick(['', '', '*', '+', '?', '{2}', '{0,2}', '{1,}']);
  const branch = (): string => Array.from({ length: 1 + (next() % 3) }, piece).join('');
  const branches = Array.from({ length: 1 + (next() % 2) }, () => {
    let b = branch();
    if (depth === 0 && next() % 2 === 0) b = '^' + b;
    if (depth === 0 && next() % 2 === 0) b = b + '$';
    return b;
  });
  return branches.join('|');
}

function allStrings(maxLen: number): string[] {
  const out = [''];
  let layer = [''];
  for (let n = 1; n <= maxLen; n++) {
    layer = layer.flatMap((s) => ALPHABET.map((c) => s + c));
    out.push(...layer);
  }
  return out;
}


function everyStateLive(dfa: StringDfa): boolean {
  const live = new Uint8Array(dfa.size);
  let changed = true;
  for (let s = 0; s < dfa.size; s++) if (dfa.accept[s]) live[s] = 1;
  while (changed) {
    changed = false;
    for (let s = 0; s < dfa.size; s++) {
      if (live[s]) continue;
      for (let b = 0; b < 256; b++) {
        const t = dfa.trans[s * 256 + b];
        if (t >= 0 && live[t]) { live[s] = 1; changed = true; break; }
      }
    }
  }
  return live.every((x) => x === 1);
}

const STRINGS = allStrings(4);

describe('string DFAs', () => {
  it('accept exactly what RegExp(pattern, "u") finds in the string, 40 random patterns x 1,555 strings', () => {
    const next = mulberry32(1204);
    for (let trial = 0; trial < 40; trial++) {
      const source = randomPattern(next);
      const dfa = patternsDfa([parsePattern(source)]);
      const re = new RegExp(source, 'u');
      for (const s of STRINGS) {
        if (dfaAccepts(dfa, s) !== re.test(s)) expect({ source, s, dfa: dfaAccepts(dfa, s) }).toEqual({ source, s, dfa: re.test(s) });
      }
      expect(everyStateLive(dfa)).toBe(true);
    }
  });

  it('two patterns give their intersection', () => {
    const next = mulberry32(77);
    for (let trial = 0; trial < 6; trial++) {
      const p1 = randomPattern(next), p2 = randomPattern(next);
      const both = patternsDfa([parsePattern(p1), parsePattern(p2)]);
      const viaIntersect = intersectStringDfas([patternsDfa([parsePattern(p1)]), patternsDfa([parsePattern(p2)])]);
      const r1 = new RegExp(p1, 'u'), r2 = new RegExp(p2, 'u');
      for (const s of STRINGS) {
        const expected = r1.test(s) && r2.test(s);
        if (dfaAccepts(both, s) !== expected || dfaAccepts(viaIntersect, s) !== expected) {
          expect({ p1, p2, s, both: dfaAccepts(both, s), viaIntersect: dfaAccepts(viaIntersect, s) }).toEqual({ p1, p2, s, both: expected, viaIntersect: expected });
        }
      }
    }
  });

  it('the free string accepts every string, in its canonical JSON spelling only', () => {
    const free = freeStringDfa();
    expect(free.isFree).toBe(true);
    for (const s of STRINGS) expect(dfaAccepts(free, s)).toBe(true);
    // \u0061 is a legal JSON spelling of "a" but not the canonical one: the grammar never emits it.
    let state = 0;
    for (const b of new TextEncoder().encode('\\u0061')) { state = state < 0 ? -1 : free.trans[state * 256 + b]; }
    expect(state < 0 || free.accept[state] === 0).toBe(true);
  });

  it('counts characters, not bytes: minChars at the start is the shortest match in code points', () => {
    expect(patternsDfa([parsePattern('^é{3}$')]).minChars[0]).toBe(3);
    expect(patternsDfa([parsePattern('^(?:\\n|ab)$')]).minChars[0]).toBe(1);
    expect(patternsDfa([parsePattern('^a{2,4}$')]).maxChars[0]).toBe(4);
    expect(patternsDfa([parsePattern('^a+$')]).maxChars[0]).toBe(Infinity);
  });
});
