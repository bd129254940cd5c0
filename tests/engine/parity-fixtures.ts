// Reads the llama.cpp parity fixtures of ../shared/reference (see its README): cases and logits rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE } from '../paths.js';

export interface ParityCase {
  id: string; prompt_id: string; weights_type: 'F32' | 'Q8_0'; tokens: number[];
  logits_file: string; logits_shape: [number, number]; logits_first_position: number;
  greedy_ids: number[]; greedy_top8_ids: number[][]; greedy_top8_logits: number[][];
}

export const PARITY_MODELS = ['ref-bpe', 'ref-spm'] as const;

export function modelDir(model: string): string { return join(REFERENCE, model); }

export function parityCases(model: string): ParityCase[] {
  return JSON.parse(readFileSync(join(REFERENCE, model, 'cases.json'), 'utf8')).cases;
}

/** Rows of llama.cpp's logits: rows[r] predicts the token after tokens[first + r]. */
export function caseLogits(model: string, c: ParityCase): Float32Array[] {
  const buf = readFileSync(join(REFERENCE, model, c.logits_file));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const [n, vocab] = c.logits_shape;
  return Array.from({ length: n }, (_, r) => all.subarray(r * vocab, (r + 1) * vocab));
}
