// Shared test data for the tokenizer tests: fixture paths and the Unicode texts every tokenizer must
// round-trip.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MODELS, REFERENCE } from '../paths.js';
import type { Tokenizer } from '../../tokenizer/tokenizer.js';

export const SMOLLM2_TOKENIZER_JSON = resolve(MODELS, 'smollm2-135m-instruct-tokenizer/tokenizer.json');
export const GGUF_GPT2 = resolve(MODELS, 'gguf-vocab-gpt2/ggml-vocab-gpt-2.gguf');
export const GGUF_LLAMA_SPM = resolve(MODELS, 'gguf-vocab-llama-spm/ggml-vocab-llama-spm.gguf');
export const REF_BPE_GGUF = resolve(REFERENCE, 'ref-bpe/ref-bpe-q8_0.gguf');
export const REF_SPM_GGUF = resolve(REFERENCE, 'ref-spm/ref-spm-q8_0.gguf');
export const TOK512 = resolve(MODELS, 'stories260K/tok512.bin');
export const LLAMA2_TOKENIZER_BIN = resolve(MODELS, 'llama2-tokenizer/tokenizer.bin');
export const GREEDY_REFERENCE = resolve(MODELS, 'stories260K/greedy_reference.json');

export interface RefCase { id: string; text: string; tokens: number[]; bos_added: boolean }

/** The distinct prompts of a reference folder's cases.json (F32 and Q8_0 share their tokens). */
export function referenceCases(folder: 'ref-bpe' | 'ref-spm'): RefCase[] {
  const cases = JSON.parse(readFileSync(resolve(REFERENCE, folder, 'cases.json'), 'utf8')).cases as RefCase[];
  return cases.filter((c) => c.id.endsWith('.F32'));
}

/** llama.cpp's tokenizer vectors: `.inp` holds strings separated by "\n__ggml_vocab_test__\n" (the file
 * ends with one), `.out` one line of space-separated ids per string. */
export function llamaCppVectors(ggufPath: string): { text: string; ids: number[] }[] {
  const inputs = readFileSync(`${ggufPath}.inp`, 'utf8').split('\n__ggml_vocab_test__\n');
  if (inputs.at(-1) !== '') throw new Error('.inp does not end with a separator');
  inputs.pop();
  const outputs = readFileSync(`${ggufPath}.out`, 'utf8').split('\n');
  if (outputs.at(-1) === '') outputs.pop();
  if (inputs.length !== outputs.length) throw new Error(`${inputs.length} inputs but ${outputs.length} outputs`);
  return inputs.map((text, i) => ({ text, ids: outputs[i].trim() === '' ? [] : outputs[i].trim().split(/\s+/).map(Number) }));
}

export const ROUND_TRIP_TEXTS = [
  'Hello, world!',
  'naïve café — crème brûlée, Ångström, Øresund',
  'e\u0301 a\u0308 n\u0303 (combining marks), Z\u0335\u0321a\u0337lgo',
  '東京都は日本の首都です。中文测试，한국어 텍스트',
  'emoji 🚀🎉 family 👩‍👩‍👧‍👦 flag 🇫🇷 skin 👍🏽 keycap 1️⃣',
  'tabs\tand\nnew\r\nlines\n\n\n  spaces   ',
  'digits 0123456789 3.14159 -42 1e10 ½ ² ٣',
  '{"name": "Ada", "born": 1815, "tags": ["x", "y"]}',
  ' leading space',
  'Ελληνικά, русский, עברית, العربية, हिन्दी, ไทย',
  '',
];

const UTF8 = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return UTF8.encode(text);
}

/** The concatenated tokenBytes of ids. */
export function joinedTokenBytes(tokenizer: Tokenizer, ids: readonly number[]): Uint8Array {
  const parts = ids.map((id) => tokenizer.tokenBytes(id));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
