// The tokenizer.ggml.* metadata llama.cpp needs, from each tokenizer source:
//  - an HF byte-level BPE tokenizer.json -> model 'gpt2' (tokens in id order, token types, merges), the
//    way convert_hf_to_gguf.py writes it; pre-tokenizer 'smollm' when digits are split one by one
//    (SmolLM/SmolLM2), else 'gpt-2';
//  - a llama2.c tokenizer.bin -> model 'llama' (SentencePiece pieces with U+2581 for spaces, scores,
//    types: unknown / control / byte / normal);
//  - a GGUF's own tokenizer.* keys, copied with their stored types.
import { GgufValueType } from './gguf.js';
import { kv, type GgufKv } from './gguf-writer.js';
import type { TokenizerSource } from './model-layout.js';

/** llama.cpp token types. */
export const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export interface SpecialIds { bos?: number; eos?: number; pad?: number; unk?: number }

function isDigitsThenByteLevel(pre: any): boolean {
  const list: any[] = pre?.type === 'Sequence' ? pre.pretokenizers ?? [] : [pre];
  return list.some((p) => p?.type === 'Digits' && p.individual_digits) && list.some((p) => p?.type === 'ByteLevel');
}

export function hfTokenizerToGguf(tokenizerJson: string, vocabSize: number, specials: SpecialIds = {}, tokenizerConfigJson?: string): GgufKv[] {
  const tj = JSON.parse(tokenizerJson);
  const model = tj.model ?? {};
  const byteLevel = JSON.stringify(tj.pre_tokenizer ?? null).includes('"ByteLevel"') || tj.decoder?.type === 'ByteLevel';
  if (model.type !== 'BPE' || !byteLevel) {
    throw new Error(`tokenizer.json: only byte-level BPE tokenizers can be written to GGUF (this one is ${model.type ?? 'unknown'}${byteLevel ? '' : ', not byte-level'})`);
  }
  const n = Math.max(vocabSize, 0);
  const tokens: (string | undefined)[] = new Array(n).fill(undefined);
  const types: number[] = new Array(n).fill(TOKEN_TYPE.NORMAL);
  for (const [tok, id] of Object.entries(model.vocab as Record<string, number>)) if (id < n) tokens[id] = tok;
  for (const a of tj.added_tokens ?? []) {
    if (a.id >= n) continue;
    tokens[a.id] = a.content;
    types[a.id] = a.special ? TOKEN_TYPE.CONTROL : TOKEN_TYPE.USER_DEFINED;
  }
  for (let i = 0; i < n; i++) if (tokens[i] === undefined) { tokens[i] = `[PAD${i}]`; types[i] = TOKEN_TYPE.UNUSED; }
  const merges: string[] = (model.merges ?? []).map((m: string | string[]) => Array.isArray(m) ? m.join(' ') : m);
  const cfg = tokenizerConfigJson ? JSON.parse(tokenizerConfigJson) : {};
  const out: GgufKv[] = [
    kv.string('tokenizer.ggml.model', 'gpt2'),
    kv.string('tokenizer.ggml.pre', isDigitsThenByteLevel(tj.pre_tokenizer) ? 'smollm' : 'gpt-2'),
    kv.strings('tokenizer.ggml.tokens', tokens as string[]),
    kv.i32s('tokenizer.ggml.token_type', types),
    kv.strings('tokenizer.ggml.merges', merges),
  ];
  const idOf = (v: unknown): number | undefined => {
    const s = typeof v === 'string' ? v : typeof v === 'object' && v ? (v as { content?: string }).content : undefined;
    const i = s === undefined ? -1 : tokens.indexOf(s);
    return i >= 0 ? i : undefined;
  };
  const ids: SpecialIds = {
    bos: specials.bos ?? idOf(cfg.bos_token), eos: specials.eos ?? idOf(cfg.eos_token),
    pad: specials.pad ?? idOf(cfg.pad_token), unk: specials.unk ?? idOf(cfg.unk_token),
  };
  if (ids.bos !== undefined) out.push(kv.u32('tokenizer.ggml.bos_token_id', ids.bos));
  if (ids.eos !== undefined) out.push(kv.u32('tokenizer.ggml.eos_token_id', ids.eos));
  if (ids.unk !== undefined) out.push(kv.u32('tokenizer.ggml.unknown_token_id', ids.unk));
  if (ids.pad !== undefined) out.push(kv.u32('tokenizer.ggml.padding_token_id', ids.pad));
  out.push(kv.bool('tokenizer.ggml.add_bos_token', cfg.add_bos_token === true));
  if (typeof cfg.add_eos_token === 'boolean') out.push(kv.bool('tokenizer.ggml.add_eos_token', cfg.add_eos_token));
  if (typeof cfg.chat_template === 'string') out.push(kv.string('tokenizer.chat_template', cfg.chat_template));
  return out;
}

/** llama2.c tokenizer.bin: i32 max_token_length, then per token {f32 score, i32 len, len bytes}. */
export function llama2cTokenizerToGguf(bytes: Uint8Array, vocabSize: number, fileName = 'tokenizer.bin'): GgufKv[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  const tokens: string[] = [], scores: number[] = [], types: number[] = [];
  let p = 4;
  for (let i = 0; i < vocabSize; i++) {
    if (p + 8 > bytes.length) throw new Error(`${fileName}: truncated file: token ${i} of ${vocabSize} starts past the end`);
    const score = view.getFloat32(p, true), len = view.getInt32(p + 4, true);
    if (len < 0 || p + 8 + len > bytes.length) throw new Error(`${fileName}: truncated file: token ${i} claims ${len} bytes`);
    let piece = utf8.decode(bytes.subarray(p + 8, p + 8 + len));
    p += 8 + len;
    let type: number = TOKEN_TYPE.NORMAL;
    if (i === 0) { piece = '<unk>'; type = TOKEN_TYPE.UNKNOWN; }
    else if (i === 1 || i === 2) { piece = piece.trim(); type = TOKEN_TYPE.CONTROL; }
    else if (/^<0x[0-9A-F]{2}>$/.test(piece)) type = TOKEN_TYPE.BYTE;
    else piece = piece.replaceAll(' ', '\u2581');
    tokens.push(piece); scores.push(score); types.push(type);
  }
  return [
    kv.string('tokenizer.ggml.model', 'llama'),
    kv.string('tokenizer.ggml.pre', 'default'),
    kv.strings('tokenizer.ggml.tokens', tokens),
    kv.f32s('tokenizer.ggml.scores', scores),
    kv.i32s('tokenizer.ggml.token_type', types),
    kv.u32('tokenizer.ggml.bos_token_id', 1),
    kv.u32('tokenizer.ggml.eos_token_id', 2),
    kv.u32('tokenizer.ggml.unknown_token_id', 0),
    kv.bool('tokenizer.ggml.add_bos_token', true),
    kv.bool('tokenizer.ggml.add_eos_token', false),
  ];
}

/** tokenizer.* metadata for a GGUF, from whatever tokenizer the source model had (none: []). */
export function tokenizerGgufMetadata(source: TokenizerSource, vocabSize: number): GgufKv[] {
  // llama.cpp refuses a GGUF without tokenizer.ggml.model; 'no_vocab' loads it for token-id use.
  if (!source) return [kv.string('tokenizer.ggml.model', 'no_vocab')];
  switch (source.kind) {
    case 'hf': return hfTokenizerToGguf(source.tokenizerJson, vocabSize, source.specialTokenIds ?? {}, source.tokenizerConfigJson);
    case 'llama2c': return llama2cTokenizerToGguf(source.bytes, vocabSize);
    case 'gguf': {
      const out: GgufKv[] = [];
      for (const [key, value] of source.metadata) {
        if (!key.startsWith('tokenizer.')) continue;
        const tag = source.metadataTypes?.get(key) ?? guessTag(value);
        out.push({ key, tag, value });
      }
      return out;
    }
  }
}

function guessTag(v: unknown): GgufKv['tag'] {
  if (typeof v === 'string') return { type: GgufValueType.STRING };
  if (typeof v === 'boolean') return { type: GgufValueType.BOOL };
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? { type: GgufValueType.UINT32 } : { type: GgufValueType.FLOAT32 };
  if (Array.isArray(v)) return { type: GgufValueType.ARRAY, item: v.length ? guessTag(v[0]) as any : { type: GgufValueType.STRING } };
  return { type: GgufValueType.STRING };
}
