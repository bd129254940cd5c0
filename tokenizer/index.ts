// The tokenizer room's public surface.
export type { ChatMessage, DecodeOptions, EncodeOptions, Tokenizer } from './tokenizer.js';
export { tokenizerFromJson } from './hf-tokenizer.js';
export { vocabularyBytes, type VocabularyBytes } from './vocabulary-bytes.js';
