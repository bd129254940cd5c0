// Byte-level acceptance without a vocabulary: does the grammar emit exactly this text? For tests, and
// for callers that want to check a document (or a prefix) against the compiled grammar.

import type { Grammar } from './grammar.js';
import { Pda } from './pda.js';

const pdas = new WeakMap<Grammar, Pda>();

function pdaOf(grammar: Grammar): Pda {
  let pda = pdas.get(grammar);
  if (!pda || pda.oversized) { pda = new Pda(grammar); pdas.set(grammar, pda); }
  return pda;
}

/** 'complete': the text is a whole document of the grammar; 'prefix': it can still be completed;
 * 'rejected': some byte was refused. */
export function grammarAccepts(grammar: Grammar, text: string | Uint8Array): 'complete' | 'prefix' | 'rejected' {
  const pda = pdaOf(grammar);
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const set = pda.run(pda.initial, bytes);
  if (set === pda.empty) return 'rejected';
  return set.complete ? 'complete' : 'prefix';
}
