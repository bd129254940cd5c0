// Who or what an example's text is about, so templates can say "she" or "the order" instead of repeating
// the name: the families build one per example and the field templates read it.
import type { Rng } from './prng.js';
import { personName } from './lexicon.js';

/** Per-example context: who or what the text is about, so templates can say "she" or "the order". */
export interface Ctx {
  /** Ways to refer to the subject: the first is the full name ("Maria Lopez"), later ones are short forms
   * or pronouns ("Maria", "she"). */
  refs: string[];
  /** Possessive form of the subject ("her", "Maria's", "the order's"). */
  poss: string[];
}

/** Context for a text about a person: full name, first name and pronoun. */
export function personCtx(r: Rng): Ctx & { first: string; last: string; age: number } {
  const p = personName(r);
  const age = r.int(18, 75);
  const pronoun = p.female ? 'she' : 'he';
  return {
    first: p.first, last: p.last, age,
    refs: [`${p.first} ${p.last}`, p.first, pronoun],
    poss: [`${p.first}'s`, p.female ? 'her' : 'his'],
  };
}

/** Context for a text about a thing ("the order", "this listing"). */
export function thingCtx(refs: string[]): Ctx {
  return { refs, poss: refs.map((s) => `${s}'s`) };
}
