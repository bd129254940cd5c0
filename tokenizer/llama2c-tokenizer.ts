// llama2.c's tokenizer.bin (Karpathy's format): int32 max_token_length, then per token
// {float32 score, int32 byte length, the bytes}, little-endian. Ids 0/1/2 are <unk>, BOS ("\n<s>\n") and
// EOS ("\n</s>\n"); byte-fallback pieces are spelled "<0xXX>"; spaces are real spaces (SentencePiece's
// '▁' already replaced). Encoding follows run.c's encode(): a dummy-prefix space before non-empty text,
// then the same score-based merges as llama.cpp's SentencePiece tokenizer (spm.ts), and a character
// that is not a token becomes its UTF-8 bytes as the "<0xXX>" tokens.
import { assembleTokenizer } from './assemble.js';
import { PieceTableBuilder } from './piece-table.js';
import { chooseChatRenderer } from './chat-template.js';
import { spmEncode, type SpmVocab } from './spm.js';
import type { Tokenizer } from './tokenizer.js';

const LLAMA2C_BOS = 1;
const LLAMA2C_EOS = 2;
/** <unk>, BOS and EOS: run.c's fixed control ids. */
const CONTROL_IDS = 3;

export interface Llama2cVocab {
  maxTokenLength: number;
  pieces: Uint8Array[];
  scores: Float32Array;
}

/** Reads tokenizer.bin. vocabSize is the model's (run.c reads exactly that many entries); without it,
 * entries are read to the end of the data, which must then end exactly on an entry. */
export function parseLlama2cTokenizer(bytes: Uint8Array, vocabSize?: number): Llama2cVocab {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (problem: string): never => { throw new Error(`llama2.c tokenizer.bin: ${problem}`); };
  if (vocabSize !== undefined && (!Number.isInteger(vocabSize) || vocabSize <= 0)) fail(`vocabSize ${vocabSize} must be a positive integer`);
  if (bytes.length < 4) fail(`truncated: ${bytes.length} bytes is too short for the header`);
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength <= 0 || maxTokenLength > 1 << 16) fail(`max_token_length ${maxTokenLength} is not plausible (is this a tokenizer.bin?)`);
  const pieces: Uint8Array[] = [];
  const scores: number[] = [];
  let at = 4;
  while (vocabSize === undefined ? at < bytes.length : pieces.length < vocabSize) {
    const id = pieces.length;
    if (at + 8 > bytes.length) fail(`truncated in token ${id}: ${bytes.length - at} bytes left, 8 needed for its score and length` + expected(vocabSize));
    scores.push(view.getFloat32(at, true));
    const length = view.getInt32(at + 4, true);
    at += 8;
    if (length < 0 || length > maxTokenLength) fail(`token ${id} has length ${length}, outside 0..max_token_length ${maxTokenLength}`);
    if (at + length > bytes.length) fail(`truncated in token ${id}: its ${length} bytes run past the end of the data` + expected(vocabSize));
    pieces.push(bytes.slice(at, at + length));
    at += length;
  }
  if (pieces.length <= CONTROL_IDS) fail(`only ${pieces.length} tokens; <unk>, BOS and EOS alone take 3`);
  return { maxTokenLength, pieces, scores: Float32Array.from(scores) };
}

function expected(vocabSize: number | undefined): string {
  return vocabSize === undefined ? '' : ` (expected ${vocabSize} tokens)`;
}

export function tokenizerFromLlama2c(bytes: Uint8Array, vocabSize?: number): Tokenizer {
  const { pieces: stored, scores } = parseLlama2cTokenizer(bytes, vocabSize);
  const textDecoder = new TextDecoder('utf-8');
  const idOf = new Map<string, number>();
  const byteIds = new Int32Array(256).fill(-1);
  const pieces = new PieceTableBuilder(stored.length);
  const special: boolean[] = new Array(stored.length).fill(false);
  for (let id = 0; id < stored.length; id++) {
    const text = textDecoder.decode(stored[id]);
    // run.c looks pieces up by binary search in a sorted copy; with no duplicate pieces any lookup
    // gives the same id. The first id wins if a file has duplicates.
    if (!idOf.has(text)) idOf.set(text, id);
    const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
    if (byte && id >= CONTROL_IDS) {
      byteIds[parseInt(byte[1], 16)] = id;
      pieces.set(id, Uint8Array.of(parseInt(byte[1], 16)));
    } else {
      pieces.set(id, stored[id]);
    }
    special[id] = id < CONTROL_IDS;
  }
  const spmVocab: SpmVocab = { idOf, scores, byteIds, unknownId: 0 };
  return assembleTokenizer({
    pieces: pieces.build(),
    special,
    bosId: LLAMA2C_BOS,
    eosIds: [LLAMA2C_EOS],
    addBos: true,
    // run.c does not look for special-token text in the prompt (its BOS/EOS pieces are "\n<s>\n").
    encodeText: (text) => (text === '' ? [] : spmEncode(` ${text}`, spmVocab)),
    stripDummyPrefix: true,
    chat: chooseChatRenderer(undefined, (text) => idOf.has(text), {}),
  });
}
