// Hugging Face tokenizer.json (+ optional tokenizer_config.json), encoded by @huggingface/tokenizers
// (tokenizers.js, the pure-JS implementation transformers.js uses). This file adds what that library
// does not give: every id's exact bytes, BOS/EOS policy, and the chat template.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { assembleTokenizer } from './assemble.js';
import { PieceTableBuilder } from './piece-table.js';
import { byteLevelToBytes } from './byte-level.js';
import { chooseChatRenderer } from './chat-template.js';
import { defaultBosId, endOfGenerationIds } from './special-tokens.js';
import { nestedRepetition, regexPatterns } from './regex-safety.js';
import type { Tokenizer } from './tokenizer.js';

type Json = Record<string, unknown>;

interface AddedTokenJson { id: number; content: string; special?: boolean }

/** How a vocabulary's token strings spell bytes. */
type Spelling = 'byte-level' | 'metaspace';

const METASPACE = '\u2581';
const UTF8 = new TextEncoder();

/**
 * @param tokenizerJson tokenizer.json, as text or parsed
 * @param tokenizerConfig tokenizer_config.json (bos_token, eos_token, add_bos_token, chat_template)
 * @param modelConfig config.json (or generation_config.json): its bos_token_id / eos_token_id are used
 *   when tokenizer_config.json does not name the tokens, as transformers' generate() does.
 */
export function tokenizerFromJson(tokenizerJson: string | object, tokenizerConfig?: string | object, modelConfig?: string | object): Tokenizer {
  const json = parseJsonObject(tokenizerJson, 'tokenizer.json');
  const config = tokenizerConfig === undefined ? {} : parseJsonObject(tokenizerConfig, 'tokenizer_config.json');
  const modelIds = modelConfig === undefined ? {} : parseJsonObject(modelConfig, 'config.json');
  const model = json.model as Json | undefined;
  if (!model || typeof model !== 'object') throw new Error('tokenizer.json has no "model" object');
  const modelType = model.type ?? (model.merges ? 'BPE' : undefined);
  if (modelType !== 'BPE' && modelType !== 'Unigram') {
    throw new Error(`tokenizer.json model type ${JSON.stringify(modelType)} is not supported (only BPE and Unigram)`);
  }
  const added = readAddedTokens(json);
  const baseVocab = readBaseVocab(model, modelType);
  for (const key of ['normalizer', 'pre_tokenizer', 'decoder']) {
    for (const { path, pattern } of regexPatterns(json[key], key)) {
      const problem = nestedRepetition(pattern);
      if (problem) throw new Error(`tokenizer.json ${path} ${JSON.stringify(pattern)} is refused: ${problem}, which can take exponential time`);
    }
  }

  let hf: HfTokenizer;
  try {
    // tokenizers.js requires every top-level component key to exist, even when null.
    const complete = {
      normalizer: null, post_processor: null, decoder: null, ...json,
      pre_tokenizer: portablePreTokenizer(json.pre_tokenizer ?? null), added_tokens: added,
    };
    hf = new HfTokenizer(complete, config);
  } catch (err) {
    throw new Error(`tokenizer.json could not be loaded: ${(err as Error).message}`);
  }

  // A loop, not Math.max(...spread): a file may list hundreds of thousands of added tokens.
  let vocabSize = baseVocab.length;
  for (const t of added) vocabSize = Math.max(vocabSize, t.id + 1);
  const spelling = spellingOf(json);
  const pieces = new PieceTableBuilder(vocabSize);
  const special: boolean[] = new Array(vocabSize).fill(false);
  const textToId = new Map<string, number>();
  for (let id = 0; id < baseVocab.length; id++) {
    const text = baseVocab[id];
    if (text === undefined) continue;
    pieces.set(id, pieceBytes(text, spelling));
    textToId.set(text, id);
  }
  // Added tokens are matched in raw text before pre-tokenization, so their content is plain text,
  // not byte-level spelling.
  for (const token of added) {
    pieces.set(token.id, UTF8.encode(token.content));
    special[token.id] = token.special === true;
    textToId.set(token.content, token.id);
  }
  for (let id = 0; id < vocabSize; id++) {
    if (!pieces.has(id)) throw new Error(`tokenizer.json has no token for id ${id} (ids must be contiguous)`);
  }
  const idOf = (text: string) => textToId.get(text);

  const bosText = specialTokenText(config.bos_token);
  const eosText = specialTokenText(config.eos_token);
  const configBos = configIds(modelIds.bos_token_id, 'bos_token_id', vocabSize)[0];
  const configEos = configIds(modelIds.eos_token_id, 'eos_token_id', vocabSize);
  const bosId = bosText !== undefined ? requireToken(idOf, bosText, 'bos_token') : configBos ?? defaultBosId(idOf);
  const eosId = eosText !== undefined ? requireToken(idOf, eosText, 'eos_token') : undefined;

  return assembleTokenizer({
    pieces: pieces.build(),
    special,
    bosId,
    eosIds: endOfGenerationIds([eosId, ...configEos], idOf),
    // tokenizer.json's post_processor adds BOS where the model wants it (tokenizers.js applies it).
    // tokenizer_config's add_bos_token overrides it either way, as transformers does by rebuilding the
    // post-processor: true asks for BOS, false turns the post-processor's special tokens off.
    addBos: config.add_bos_token === true,
    encodeText: (text, addSpecialTokens) => {
      const postProcess = addSpecialTokens && config.add_bos_token !== false;
      const ids = hf.encode(text, { add_special_tokens: postProcess }).ids;
      for (const id of ids) {
        if (id === undefined || id === null) throw new Error(`tokenizer.json cannot encode ${JSON.stringify(text)}: a piece is not in the vocabulary and there is no unk_token`);
      }
      return ids;
    },
    stripDummyPrefix: addsDummyPrefix(json),
    chat: chooseChatRenderer(chatTemplateOf(config), (text) => textToId.has(text), { bosToken: bosText, eosToken: eosText }),
  });
}

function parseJsonObject(input: string | object, name: string): Json {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new Error(`${name} is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${name} must be a JSON object`);
  return value as Json;
}

function readAddedTokens(json: Json): AddedTokenJson[] {
  const list = json.added_tokens ?? [];
  if (!Array.isArray(list)) throw new Error('tokenizer.json "added_tokens" must be an array');
  return list.map((t, i) => {
    if (!t || typeof t.content !== 'string' || !Number.isInteger(t.id) || t.id < 0) {
      throw new Error(`tokenizer.json added_tokens[${i}] needs an integer "id" and a string "content"`);
    }
    return t as AddedTokenJson;
  });
}

/** id -> token string of the model's own vocabulary. */
function readBaseVocab(model: Json, modelType: 'BPE' | 'Unigram'): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  if (modelType === 'Unigram') {
    if (!Array.isArray(model.vocab)) throw new Error('tokenizer.json Unigram model needs a "vocab" array of [piece, score]');
    model.vocab.forEach((entry: unknown, id: number) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new Error(`tokenizer.json Unigram vocab[${id}] is not [piece, score]`);
      out[id] = entry[0];
    });
    return out;
  }
  const vocab = model.vocab;
  if (!vocab || typeof vocab !== 'object' || Array.isArray(vocab)) throw new Error('tokenizer.json BPE model needs a "vocab" object');
  if (!Array.isArray(model.merges)) throw new Error('tokenizer.json BPE model needs a "merges" array');
  for (const [text, id] of Object.entries(vocab as Record<string, unknown>)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw new Error(`tokenizer.json vocab entry ${JSON.stringify(text)} has a bad id ${String(id)}`);
    out[id as number] = text;
  }
  return out;
}

/** Rewrites the pre-tokenizer steps that tokenizers.js runs differently from the Rust `tokenizers` crate
 * (what the model was trained with) into equivalent steps it runs right:
 *  - Digits: tokenizers.js splits on ASCII \\d only; Rust (char::is_numeric) and llama.cpp (\\p{N}) split
 *    on every Unicode number ("½", "²", "٣"). Becomes a Split on \\p{N}.
 *  - Metaspace with split=true: tokenizers.js ignores `split`; Rust cuts the text before each '▁'
 *    (MergedWithNext), so merges never cross a word start. Becomes Metaspace + a Split keeping
 *    "▁word" pieces. */
function portablePreTokenizer(node: unknown): unknown {
  if (!node || typeof node !== 'object') return node;
  const n = node as Json;
  if (n.type === 'Digits') {
    const pattern = n.individual_digits ? '\\p{N}' : '\\p{N}+';
    return { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false };
  }
  if (n.type === 'Metaspace' && n.split === true) {
    const replacement = typeof n.replacement === 'string' ? n.replacement : METASPACE;
    if ([...replacement].length !== 1) throw new Error(`tokenizer.json Metaspace replacement ${JSON.stringify(replacement)} must be one character`);
    const r = replacement.replace(/[\\\]\[^-]/g, '\\$&');
    // Matches only (invert): each "▁" with the text up to the next one, and text before the first.
    return {
      type: 'Sequence',
      pretokenizers: [{ ...n, split: false }, { type: 'Split', pattern: { Regex: `[${r}][^${r}]*|[^${r}]+` }, behavior: 'Isolated', invert: true }],
    };
  }
  if (Array.isArray(n.pretokenizers)) return { ...n, pretokenizers: n.pretokenizers.map(portablePreTokenizer) };
  return n;
}

/** Byte-level when a ByteLevel pre-tokenizer or decoder is anywhere in the pipeline; otherwise the
 * SentencePiece spelling ('▁' for space, <0xXX> byte-fallback tokens). */
function spellingOf(json: Json): Spelling {
  return hasComponent(json.pre_tokenizer, 'ByteLevel') || hasComponent(json.decoder, 'ByteLevel') ? 'byte-level' : 'metaspace';
}

function hasComponent(node: unknown, type: string): boolean {
  if (!node || typeof node !== 'object') return false;
  const n = node as Json;
  if (n.type === type) return true;
  for (const key of ['pretokenizers', 'decoders', 'normalizers', 'processors']) {
    const list = n[key];
    if (Array.isArray(list) && list.some((child) => hasComponent(child, type))) return true;
  }
  return false;
}

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

function pieceBytes(text: string, spelling: Spelling): Uint8Array {
  if (spelling === 'byte-level') return byteLevelToBytes(text) ?? UTF8.encode(text);
  const byte = BYTE_TOKEN.exec(text);
  if (byte) return Uint8Array.of(parseInt(byte[1], 16));
  return UTF8.encode(text.replaceAll(METASPACE, ' '));
}

/** SentencePiece-style pipelines put '▁' in front of the text: a Metaspace pre-tokenizer that prepends
 * (prepend_scheme always/first, or the older add_prefix_space), or a Prepend('▁') normalizer. */
function addsDummyPrefix(json: Json): boolean {
  const find = (node: unknown, pred: (n: Json) => boolean): boolean => {
    if (!node || typeof node !== 'object') return false;
    const n = node as Json;
    if (pred(n)) return true;
    for (const key of ['pretokenizers', 'normalizers']) {
      const list = n[key];
      if (Array.isArray(list) && list.some((child) => find(child, pred))) return true;
    }
    return false;
  };
  const metaspacePrepends = (n: Json) => n.type === 'Metaspace' &&
    (n.prepend_scheme !== undefined ? n.prepend_scheme !== 'never' : n.add_prefix_space !== false);
  const prependNormalizer = (n: Json) => n.type === 'Prepend' && n.prepend === METASPACE;
  return find(json.pre_tokenizer, metaspacePrepends) || find(json.normalizer, prependNormalizer);
}

/** tokenizer_config.json writes special tokens as a string or as {content: string, ...}. */
function specialTokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).content === 'string') return (value as Json).content as string;
  return undefined;
}

/** config.json writes a token id as a number, a list of numbers, or null. */
function configIds(value: unknown, field: string, vocabSize: number): number[] {
  if (value === undefined || value === null) return [];
  const ids = Array.isArray(value) ? value : [value];
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new Error(`config.json ${field} ${JSON.stringify(value)} is not a token id of this vocabulary (size ${vocabSize})`);
  }
  return ids as number[];
}

function requireToken(idOf: (text: string) => number | undefined, text: string, field: string): number {
  const id = idOf(text);
  if (id === undefined) throw new Error(`tokenizer_config.json ${field} ${JSON.stringify(text)} is not in the vocabulary`);
  return id;
}

/** chat_template is a string, or a list of named templates of which "default" is the chat one. */
function chatTemplateOf(config: Json): string | undefined {
  const t = config.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t.find((x) => x && x.name === 'default') ?? t[0];
    if (named && typeof named.template === 'string') return named.template;
  }
  return undefined;
}
