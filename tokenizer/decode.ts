// Turning ids back into text the same way for every tokenizer: concatenate each token's exact bytes,
// then UTF-8-decode once, so a character split across tokens (byte-level BPE, SentencePiece byte
// fallback) comes out whole. Bytes that never complete a character decode to U+FFFD.
import type { PieceTable } from './piece-table.js';

export interface DecodeRules {
  /** Every id's exact bytes (special tokens: their text form). */
  pieces: PieceTable;
  special: readonly boolean[];
  bosId: number | undefined;
  /** SentencePiece-style tokenizers put a space in front of the text ("dummy prefix"); decoding drops it
   * again from the first text token when that token opens the sequence or follows BOS. llama2.c's run.c
   * (after BOS) and SentencePiece (at the start) both do this. */
  stripDummyPrefix: boolean;
}

const SPACE = 0x20;

/** Whether the token at `position` of a sequence starting with `firstId` opens the text: it is the first
 * token, or the second after BOS. */
export function opensText(position: number, firstId: number | undefined, bosId: number | undefined): boolean {
  return position === 0 || (position === 1 && firstId !== undefined && firstId === bosId);
}

export function decodeIds(ids: readonly number[], rules: DecodeRules, skipSpecialTokens: boolean, precedingIds: readonly number[] = []): string {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const offset = precedingIds.length;
  const firstId = offset > 0 ? precedingIds[0] : ids[0];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!rules.pieces.has(id)) throw new RangeError(`token id ${id} is outside the vocabulary (size ${rules.pieces.size})`);
    const piece = rules.pieces.get(id);
    if (skipSpecialTokens && rules.special[id]) continue;
    let bytes = piece;
    if (rules.stripDummyPrefix && opensText(offset + i, firstId, rules.bosId) && !rules.special[id] && bytes.length > 0 && bytes[0] === SPACE) {
      bytes = bytes.subarray(1);
    }
    chunks.push(bytes);
    total += bytes.length;
  }
  const joined = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) { joined.set(chunk, at); at += chunk.length; }
  return UTF8_DECODER.decode(joined);
}

const UTF8_DECODER = new TextDecoder('utf-8');
