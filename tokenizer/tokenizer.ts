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

export interface Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  /** Every id that ends generation (EOS, and e.g. <|im_end|> for ChatML models). */
  readonly eosIds: readonly number[];
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: readonly number[]): string;
  /** The exact bytes a token contributes to the output (may be a partial UTF-8 character). Special and
   * control tokens return their text form; use isSpecial to tell them apart. */
  tokenBytes(id: number): Uint8Array;
  /** Control/special tokens (BOS, EOS, <|im_start|>, ...): never part of generated JSON. */
  isSpecial(id: number): boolean;
  /** Renders a conversation with the model's chat template, ending with the assistant turn opened;
   * undefined when the model has no chat template. */
  applyChatTemplate?(messages: ChatMessage[]): string;
}
