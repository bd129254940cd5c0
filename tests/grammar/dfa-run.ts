// Runs a string automaton over a string's content as the grammar spells it (JSON.stringify's bytes
// between the quotes): the tests' plain reading of what a StringDfa accepts.
import type { StringDfa } from '../../grammar/string-dfa.js';

const encoder = new TextEncoder();

export function dfaAccepts(dfa: StringDfa, s: string): boolean {
  let state = 0;
  for (const b of encoder.encode(JSON.stringify(s).slice(1, -1))) {
    state = dfa.trans[state * 256 + b];
    if (state < 0) return false;
  }
  return dfa.accept[state] === 1;
}
