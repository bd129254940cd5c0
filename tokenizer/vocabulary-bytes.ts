// The whole vocabulary as bytes, for the grammar's token trie: built once per model.
import type { Tokenizer } from './tokenizer.js';

export interface VocabularyBytes {
  /** bytes[id]: the exact bytes token `id` adds to the output (shared with the tokenizer: do not modify). */
  bytes: Uint8Array[];
  /** special[id]: control/special token, never part of generated text. */
  special: boolean[];
}

export function vocabularyBytes(tokenizer: Pick<Tokenizer, 'vocabSize' | 'tokenBytes' | 'isSpecial'>): VocabularyBytes {
  const bytes: Uint8Array[] = new Array(tokenizer.vocabSize);
  const special: boolean[] = new Array(tokenizer.vocabSize);
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    bytes[id] = tokenizer.tokenBytes(id);
    special[id] = tokenizer.isSpecial(id);
  }
  return { bytes, special };
}
