// Every jsonlm tokenizer is the same object around a different text encoder: a table of each id's exact
// bytes and special flag, the BOS/EOS ids, and (maybe) a chat template. This file builds that object once.
import { decodeIds } from './decode.js';
import type { PieceTable } from './piece-table.js';
import type { ChatRenderer } from './chat-template.js';
import type { ChatMessage, DecodeOptions, EncodeOptions, Tokenizer } from './tokenizer.js';

export interface TokenizerParts {
  /** Every id's exact bytes. */
  pieces: PieceTable;
  /** Control/special ids, index = id. */
  special: boolean[];
  bosId: number | undefined;
  eosIds: number[];
  /** Whether encode prepends BOS by default (the tokenizer's own config). */
  addBos: boolean;
  /** Text -> ids; special-token text is parsed into special ids by the encoder. addSpecialTokens is
   * passed on for encoders with their own post-processing (tokenizer.json); BOS is added here. */
  encodeText: (text: string, addSpecialTokens: boolean) => number[];
  stripDummyPrefix: boolean;
  chat: ChatRenderer | undefined;
}

export function assembleTokenizer(parts: TokenizerParts): Tokenizer {
  const { pieces, special, bosId, eosIds, addBos, encodeText, chat } = parts;
  const decodeRules = { pieces, special, bosId, stripDummyPrefix: parts.stripDummyPrefix };
  const checkId = (id: number): void => {
    if (!pieces.has(id)) {
      throw new RangeError(`token id ${id} is outside the vocabulary (size ${pieces.size})`);
    }
  };
  const tokenizer: Tokenizer = {
    vocabSize: pieces.size,
    bosId,
    eosIds,
    dummyPrefix: parts.stripDummyPrefix,
    encode(text: string, options?: EncodeOptions): number[] {
      const addSpecialTokens = options?.addSpecialTokens ?? true;
      const ids = encodeText(text, addSpecialTokens);
      const withBos = addSpecialTokens && addBos && bosId !== undefined;
      return withBos && ids[0] !== bosId ? [bosId, ...ids] : ids;
    },
    decode(ids: readonly number[], options?: DecodeOptions): string {
      return decodeIds(ids, decodeRules, options?.skipSpecialTokens ?? false, options?.precedingIds);
    },
    /** A view of the table's own bytes: callers must not modify it. */
    tokenBytes(id: number): Uint8Array {
      checkId(id);
      return pieces.get(id);
    },
    isSpecial(id: number): boolean {
      checkId(id);
      return special[id];
    },
  };
  if (chat) tokenizer.applyChatTemplate = (messages: ChatMessage[]) => chat(messages);
  return tokenizer;
}
