// The grammar room's matcher as extraction's TokenConstraint: the tokenizer's vocabulary becomes a
// TokenVocabulary once per tokenizer, each schema compiles once (compact JSON, no whitespace: the form
// the bundled model is trained to write), each extraction gets a fresh Matcher.
import { compileGrammar, createMatcher, TokenVocabulary } from '../grammar/index.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { CompiledConstraint, ConstraintCompiler } from './constraint.js';

const vocabularies = new WeakMap<Tokenizer, TokenVocabulary>();

/** The tokenizer's vocabulary as the grammar sees it, built once per tokenizer (the grammar compiler and the
 * copy bias share it). */
export function vocabularyOf(tokenizer: Tokenizer): TokenVocabulary {
  let vocab = vocabularies.get(tokenizer);
  if (!vocab) {
    const tokens: Uint8Array[] = [];
    const special: boolean[] = [];
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      tokens.push(tokenizer.tokenBytes(id));
      special.push(tokenizer.isSpecial(id));
    }
    vocab = new TokenVocabulary(tokens, special, tokenizer.eosIds.filter((id) => id < tokenizer.vocabSize));
    vocabularies.set(tokenizer, vocab);
  }
  return vocab;
}

export function grammarCompiler(tokenizer: Tokenizer, options: { lenient?: boolean } = {}): ConstraintCompiler {
  const vocab = vocabularyOf(tokenizer);
  return {
    compile(schema: unknown): CompiledConstraint {
      // Throws GrammarError (naming the keyword and its JSON pointer) for what the grammar cannot enforce.
      const { grammar, warnings } = compileGrammar(schema, { lenient: options.lenient ?? false });
      return { warnings, create: () => createMatcher(grammar, vocab) };
    },
  };
}
