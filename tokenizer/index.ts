// The tokenizer room's public surface.
export type { ChatMessage, DecodeOptions, EncodeOptions, Tokenizer } from './tokenizer.js';
export { tokenizerFromJson } from './hf-tokenizer.js';
export { tokenizerFromGguf } from './gguf-tokenizer.js';
export { tokenizerFromLlama2c, parseLlama2cTokenizer } from './llama2c-tokenizer.js';
export { SUPPORTED_BPE_PRE_NAMES } from './bpe-pre-tokenizers.js';
export { vocabularyBytes, type VocabularyBytes } from './vocabulary-bytes.js';
export { createTextStream, type TextStream, type TextStreamOptions } from './text-stream.js';
