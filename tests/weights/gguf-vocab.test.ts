// The GGUF reader against real llama.cpp files (vocab-only GGUF v3) and the reference Q8_0 model.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGguf, GgufValueType } from '../../weights/gguf.js';
import { FileSource } from '../../weights/node-files.js';
import { MODELS, REFERENCE } from '../paths.js';

const spmPath = join(MODELS, 'gguf-vocab-llama-spm/ggml-vocab-llama-spm.gguf');
const gpt2Path = join(MODELS, 'gguf-vocab-gpt2/ggml-vocab-gpt-2.gguf');

/** llama2.c tokenizer.bin, read independently: max_len, then {f32 score, i32 len, bytes}. */
function readTokenizerBin(path: string) {
  const b = readFileSync(path);
  const pieces: string[] = [], scores: number[] = [];
  let p = 4;
  while (p < b.length) {
    scores.push(b.readFloatLE(p));
    const n = b.readInt32LE(p + 4);
    pieces.push(b.subarray(p + 8, p + 8 + n).toString('utf8'));
    p += 8 + n;
  }
  return { pieces, scores };
}

describe('GGUF reader on llama.cpp vocab files', () => {
  it('parses ggml-vocab-llama-spm.gguf: metadata, tokens, scores, types', () => {
    const g = parseGguf(new Uint8Array(readFileSync(spmPath)), 'ggml-vocab-llama-spm.gguf');
    expect(g.version).toBe(3);
    expect(g.tensors).toEqual([]);
    expect(g.metadata.size).toBe(22);
    const m = g.metadata;
    expect(m.get('general.architecture')).toBe('llama');
    expect(m.get('llama.embedding_length')).toBe(4096);
    expect(m.get('llama.attention.layer_norm_rms_epsilon')).toBe(Math.fround(1e-5));
    expect(m.get('tokenizer.ggml.model')).toBe('llama');
    expect(m.get('tokenizer.ggml.pre')).toBe('default');
    expect(m.get('tokenizer.ggml.bos_token_id')).toBe(1);
    expect(m.get('tokenizer.ggml.add_bos_token')).toBe(true);
    expect(m.get('tokenizer.ggml.add_eos_token')).toBe(false);
    const tokens = m.get('tokenizer.ggml.tokens') as string[];
    const scores = m.get('tokenizer.ggml.scores') as number[];
    const types = m.get('tokenizer.ggml.token_type') as number[];
    expect(tokens.length).toBe(32000);
    expect(tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(types.slice(0, 4)).toEqual([2, 3, 3, 6]);
    expect(g.metadataTypes.get('tokenizer.ggml.scores')).toEqual({ type: GgufValueType.ARRAY, item: { type: GgufValueType.FLOAT32 } });
    // Cross-check with llama2.c's tokenizer.bin of the same vocabulary (see PROVENANCE.md).
    const bin = readTokenizerBin(join(MODELS, 'llama2-tokenizer/tokenizer.bin'));
    expect(scores).toEqual(bin.scores);
    for (let i = 3; i < 32000; i++) expect(tokens[i].replaceAll('\u2581', ' ')).toBe(bin.pieces[i]);
  });

  it('parses ggml-vocab-gpt-2.gguf including merges, through a file-descriptor source', () => {
    const src = new FileSource(gpt2Path);
    const g = parseGguf(src, 'ggml-vocab-gpt-2.gguf');
    src.close();
    const m = g.metadata;
    expect(m.size).toBe(16);
    expect(m.get('general.architecture')).toBe('gpt2');
    expect(m.get('tokenizer.ggml.model')).toBe('gpt2');
    expect(m.get('tokenizer.ggml.pre')).toBe('gpt-2');
    expect((m.get('tokenizer.ggml.tokens') as string[]).length).toBe(50257);
    expect((m.get('tokenizer.ggml.tokens') as string[])[50256]).toBe('<|endoftext|>');
    const merges = m.get('tokenizer.ggml.merges') as string[];
    expect(merges.length).toBe(50000);
    expect(merges[0]).toBe('\u0120 t');
    expect(m.get('tokenizer.ggml.bos_token_id')).toBe(50256);
    expect(m.get('gpt2.attention.layer_norm_epsilon')).toBe(Math.fround(1e-5));
  });

  it('parses the reference Q8_0 model directory', () => {
    const g = parseGguf(new FileSource(join(REFERENCE, 'ref-bpe/ref-bpe-q8_0.gguf')), 'ref-bpe-q8_0.gguf');
    expect(g.tensors.length).toBe(2 + 4 * 9);
    const emb = g.tensors.find((t) => t.name === 'token_embd.weight')!;
    expect(emb.dims).toEqual([128, 49152]);
    expect(emb.shape).toEqual([49152, 128]);
    expect(emb.typeName).toBe('Q8_0');
    expect(emb.byteLength).toBe(49152 * 4 * 34);
    expect(g.tensors.find((t) => t.name === 'output_norm.weight')!.typeName).toBe('F32');
    expect(g.dataOffset % g.alignment).toBe(0);
  });
});
