// One interface over every tokenizer jsonlm reads (tokenizer.json, GGUF-embedded vocab, llama2.c
// tokenizer.bin). The grammar sees only `tokenBytes`; the engine sees ids.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface EncodeOptions {
  /** Prepend BOS when the tokenizer's own config says so (default true). */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Leave out special/control tokens (BOS, EOS, <|im_end|>, ...); default false (they appear as text). */
  skipSpecialTokens?: boolean;
  /** The ids that come before `ids` in the sequence (e.g. the prompt, when decoding a continuation).
   * They are not decoded; they tell a dummy-prefix tokenizer whether `ids` open the text (then the
   * first space is dropped) or continue it (then it is kept). Default [] (ids open the text). */
  precedingIds?: readonly number[];
}

export interface Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  /** Every id that ends generation (EOS, and e.g. <|im_end|> for ChatML models). */
  readonly eosIds: readonly number[];
  /** SentencePiece-style: encode puts a space in front of the text (the "dummy prefix", so every token
   * of a word-initial piece carries its space) and decode drops it again. False/absent for byte-level BPE. */
  readonly dummyPrefix?: boolean;
  /** Text -> ids. The text of a special token written in `text` (e.g. "<|im_start|>" in a rendered chat
   * prompt) becomes that token's id, as Hugging Face tokenizers and llama.cpp's parse_special do; so
   * untrusted user text that spells such a marker would inject it: extraction encodes the user's text as
   * plain text (extract/prompt.ts extractionPromptIds). */
  encode(text: string, options?: EncodeOptions): number[];
  /** Ids -> text, decoding the concatenated bytes of all tokens once (split UTF-8 characters come out
   * whole). SentencePiece-style tokenizers drop their dummy-prefix space from the first text token when
   * it opens the sequence or follows BOS. To stream generated text, use createTextStream
   * (tokenizer/text-stream.ts) rather than decoding ids one at a time. */
  decode(ids: readonly number[], options?: DecodeOptions): string;
  /** The exact bytes a token contributes to the output (may be a partial UTF-8 character). Special and
   * control tokens return their text form; use isSpecial to tell them apart. */
  tokenBytes(id: number): Uint8Array;
  /** Control/special tokens (BOS, EOS, <|im_start|>, ...): never part of generated JSON. */
  isSpecial(id: number): boolean;
  /** Renders a conversation with the model's chat template, ending with the assistant turn opened;
   * undefined when the model has no chat template. */
  applyChatTemplate?(messages: ChatMessage[]): string;
}
