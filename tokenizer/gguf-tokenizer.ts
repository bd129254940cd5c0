// The tokenizer embedded in a GGUF file's metadata (`tokenizer.ggml.*`), for the two families llama.cpp
// calls 'gpt2' (byte-level BPE with merges, e.g. GPT-2, SmolLM, Llama 3) and 'llama' (SentencePiece BPE
// by scores with byte fallback, e.g. Llama 2, TinyLlama). The metadata map is weights/gguf.ts's
// `GgufFile.metadata`; this file reads it and never touches the file itself.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { assembleTokenizer } from './assemble.js';
import { PieceTableBuilder } from './piece-table.js';
import { byteLevelToBytes } from './byte-level.js';
import { bpePreTokenizer } from './bpe-pre-tokenizers.js';
import { chooseChatRenderer } from './chat-template.js';
import { splitOnSpecialTokens } from './special-splitter.js';
import { defaultBosId, endOfGenerationIds } from './special-tokens.js';
import { spmEncode, type SpmVocab } from './spm.js';
import type { Tokenizer } from './tokenizer.js';

/** llama.cpp's llama_token_type, stored in tokenizer.ggml.token_type. */
const enum TokenType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

const UTF8 = new TextEncoder();
const METASPACE = '\u2581';

/** What both families read from the metadata. */
interface GgufVocab {
  tokens: string[];
  types: number[];
  bosId: number | undefined;
  eosIds: number[];
  unknownId: number | undefined;
  addBos: boolean | undefined;
  chatTemplate: string | undefined;
}

export function tokenizerFromGguf(metadata: ReadonlyMap<string, unknown>): Tokenizer {
  const model = metadata.get('tokenizer.ggml.model');
  if (model === undefined) throw new Error('GGUF has no tokenizer.ggml.model: the file carries no tokenizer');
  if (model !== 'gpt2' && model !== 'llama') {
    throw new Error(`GGUF tokenizer.ggml.model ${JSON.stringify(model)} is not supported (only "gpt2" byte-level BPE and "llama" SentencePiece)`);
  }
  const vocab = readVocab(metadata);
  return model === 'gpt2' ? byteLevelBpe(metadata, vocab) : sentencePiece(metadata, vocab);
}

function readVocab(metadata: ReadonlyMap<string, unknown>): GgufVocab {
  const tokens = stringArray(metadata, 'tokenizer.ggml.tokens');
  if (tokens.length === 0) throw new Error('GGUF tokenizer.ggml.tokens is empty');
  const types = metadata.has('tokenizer.ggml.token_type')
    ? numberArray(metadata, 'tokenizer.ggml.token_type', tokens.length)
    : new Array<number>(tokens.length).fill(TokenType.Normal);
  const id = (key: string) => optionalId(metadata, key, tokens.length);
  const idOfText = firstIdByText(tokens);
  const declaredBos = id('tokenizer.ggml.bos_token_id');
  const eosIds = endOfGenerationIds(
    [id('tokenizer.ggml.eos_token_id'), id('tokenizer.ggml.eot_token_id'), id('tokenizer.ggml.eom_token_id')],
    (text) => idOfText.get(text),
  );
  return {
    tokens,
    types,
    bosId: declaredBos ?? defaultBosId((text) => idOfText.get(text)),
    eosIds,
    unknownId: id('tokenizer.ggml.unknown_token_id'),
    addBos: optionalBool(metadata, 'tokenizer.ggml.add_bos_token'),
    chatTemplate: optionalString(metadata, 'tokenizer.chat_template'),
  };
}

/** 'gpt2': an in-memory tokenizer.json for tokenizers.js, with llama.cpp's pre-tokenizer regexes. */
function byteLevelBpe(metadata: ReadonlyMap<string, unknown>, vocab: GgufVocab): Tokenizer {
  const preName = metadata.get('tokenizer.ggml.pre');
  if (typeof preName !== 'string') throw new Error('GGUF tokenizer.ggml.pre is missing: cannot tell which byte-level BPE pre-tokenizer this vocabulary needs');
  const pre = bpePreTokenizer(preName);
  const merges = stringArray(metadata, 'tokenizer.ggml.merges');
  const { tokens, types } = vocab;

  const vocabObject: Record<string, number> = {};
  const added: { id: number; content: string; special: boolean; normalized: boolean }[] = [];
  const pieces = new PieceTableBuilder(tokens.length);
  const special: boolean[] = new Array(tokens.length).fill(false);
  for (let id = 0; id < tokens.length; id++) {
    const text = tokens[id];
    if (!Object.hasOwn(vocabObject, text)) vocabObject[text] = id;
    const type = types[id];
    // llama.cpp cuts control, user-defined and unknown tokens out of the text before BPE (parse_special)
    // and spells them as plain text; every other token is in byte-level spelling.
    if (type === TokenType.Control || type === TokenType.UserDefined || type === TokenType.Unknown) {
      added.push({ id, content: text, special: type !== TokenType.UserDefined, normalized: false });
      pieces.set(id, UTF8.encode(text));
      special[id] = type !== TokenType.UserDefined;
    } else {
      pieces.set(id, byteLevelToBytes(text) ?? UTF8.encode(text));
    }
  }
  const tokenizerJson = {
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        ...pre.regexes.map((regex) => ({ type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false })),
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel' },
    model: { type: 'BPE', vocab: vocabObject, merges, ignore_merges: pre.ignoreMerges, byte_fallback: false, unk_token: null },
  };
  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer(tokenizerJson, {});
  } catch (err) {
    throw new Error(`GGUF byte-level BPE vocabulary could not be loaded: ${(err as Error).message}`);
  }
  const textToId = new Map<string, number>(added.map((t) => [t.content, t.id]));
  return assembleTokenizer({
    pieces: pieces.build(),
    special,
    bosId: vocab.bosId,
    eosIds: vocab.eosIds,
    addBos: vocab.addBos ?? pre.addBos,
    encodeText: (text) => {
      const ids = hf.encode(text, { add_special_tokens: false }).ids;
      for (const id of ids) {
        if (id === undefined || id === null) throw new Error(`GGUF byte-level BPE vocabulary cannot encode ${JSON.stringify(text)}: a byte has no token`);
      }
      return ids;
    },
    stripDummyPrefix: false,
    chat: chooseChatRenderer(vocab.chatTemplate, (text) => textToId.has(text), templateSpecials(vocab)),
  });
}

/** 'llama': SentencePiece BPE by scores, as llama.cpp's llm_tokenizer_spm. */
function sentencePiece(metadata: ReadonlyMap<string, unknown>, vocab: GgufVocab): Tokenizer {
  const { tokens, types } = vocab;
  const scores = numberArray(metadata, 'tokenizer.ggml.scores', tokens.length);
  const addSpacePrefix = optionalBool(metadata, 'tokenizer.ggml.add_space_prefix') ?? true;

  const idOf = new Map<string, number>();
  const byteIds = new Int32Array(256).fill(-1);
  const pieces = new PieceTableBuilder(tokens.length);
  const special: boolean[] = new Array(tokens.length).fill(false);
  const specials: { text: string; id: number }[] = [];
  for (let id = 0; id < tokens.length; id++) {
    const text = tokens[id];
    // llama.cpp's token_to_id map: a later duplicate replaces an earlier one.
    idOf.set(text, id);
    const type = types[id];
    const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
    if (byte) byteIds[parseInt(byte[1], 16)] = id;
    if (type === TokenType.Byte && byte) {
      pieces.set(id, Uint8Array.of(parseInt(byte[1], 16)));
    } else if (type === TokenType.Normal || type === TokenType.Unused || type === TokenType.Byte) {
      pieces.set(id, UTF8.encode(text.replaceAll(METASPACE, ' ')));
    } else {
      pieces.set(id, UTF8.encode(text));
    }
    if (type === TokenType.Control || type === TokenType.Unknown) special[id] = true;
    if (type === TokenType.Control || type === TokenType.UserDefined || type === TokenType.Unknown) specials.push({ text, id });
  }
  const spmVocab: SpmVocab = { idOf, scores, byteIds, unknownId: vocab.unknownId };

  return assembleTokenizer({
    pieces: pieces.build(),
    special,
    bosId: vocab.bosId,
    eosIds: vocab.eosIds,
    addBos: vocab.addBos ?? true,
    encodeText: (text) => {
      const ids: number[] = [];
      // The dummy-prefix space goes in front of the text and of every text piece after a special token.
      let afterSpecial = true;
      for (const fragment of splitOnSpecialTokens(text, specials)) {
        if (typeof fragment !== 'string') {
          ids.push(fragment.id);
          afterSpecial = true;
          continue;
        }
        const prefixed = addSpacePrefix && afterSpecial ? ` ${fragment}` : fragment;
        ids.push(...spmEncode(prefixed.replaceAll(' ', METASPACE), spmVocab));
        afterSpecial = false;
      }
      return ids;
    },
    stripDummyPrefix: addSpacePrefix,
    chat: chooseChatRenderer(vocab.chatTemplate, (text) => idOf.has(text), templateSpecials(vocab)),
  });
}

function templateSpecials(vocab: GgufVocab) {
  return {
    bosToken: vocab.bosId !== undefined ? vocab.tokens[vocab.bosId] : undefined,
    eosToken: vocab.eosIds.length > 0 ? vocab.tokens[vocab.eosIds[0]] : undefined,
  };
}

function firstIdByText(tokens: string[]): Map<string, number> {
  const map = new Map<string, number>();
  tokens.forEach((text, id) => { if (!map.has(text)) map.set(text, id); });
  return map;
}

// Metadata readers: each names the key and what was wrong with it.

function stringArray(metadata: ReadonlyMap<string, unknown>, key: string): string[] {
  const value = metadata.get(key);
  if (value === undefined) throw new Error(`GGUF ${key} is missing`);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`GGUF ${key} must be an array of strings`);
  return value as string[];
}

function numberArray(metadata: ReadonlyMap<string, unknown>, key: string, length: number): number[] {
  const value = metadata.get(key);
  if (value === undefined) throw new Error(`GGUF ${key} is missing`);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) throw new Error(`GGUF ${key} must be an array of numbers`);
  if (value.length !== length) throw new Error(`GGUF ${key} has ${value.length} entries but tokenizer.ggml.tokens has ${length}`);
  return value as number[];
}

function optionalId(metadata: ReadonlyMap<string, unknown>, key: string, vocabSize: number): number | undefined {
  const value = metadata.get(key);
  if (value === undefined) return undefined;
  const id = typeof value === 'bigint' ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new Error(`GGUF ${key} must be an integer`);
  // llama.cpp writes -1 (or 0xFFFFFFFF as uint32) for "none".
  if (id < 0 || id === 0xffffffff) return undefined;
  if (id >= vocabSize) throw new Error(`GGUF ${key} is ${id}, outside the vocabulary of ${vocabSize} tokens`);
  return id;
}

function optionalBool(metadata: ReadonlyMap<string, unknown>, key: string): boolean | undefined {
  const value = metadata.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new Error(`GGUF ${key} must be a boolean`);
  return value;
}

function optionalString(metadata: ReadonlyMap<string, unknown>, key: string): string | undefined {
  const value = metadata.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`GGUF ${key} must be a string`);
  return value;
}
