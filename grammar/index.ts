// The grammar room's public surface: schema -> grammar, vocabulary -> token trie, and the matcher.
export { compileGrammar, type CompileOptions, type CompileResult } from './compile.js';
export { GrammarError } from './errors.js';
export { Grammar } from './grammar.js';
export { TokenVocabulary } from './token-trie.js';
export { createMatcher, type Matcher } from './matcher.js';
export { sampleDocument, type SampleOptions, type SampledDocument } from './fuzzer.js';
export { grammarAccepts } from './accepts.js';
export { createValidator, type SchemaValidator } from './validate.js';
