// A GGUF Q4_0 model on the native 4-bit path (weights kept as packed nibbles, kernels matvec_q4/matmul_q4)
// must give the logits of the int8-expanded path bit for bit (the values are the same and so is the
// arithmetic), through prefill in chunks, decode, the LM head over allowed-token runs, and worker threads.
// The shapes give uneven row splits (a vocabulary of 700, 7-group rows) and untied embeddings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { parseGguf } from '../../weights/gguf.js';
import { MemorySource } from '../../weights/byte-source.js';
import { randomModel } from '../../weights/random-model.js';
import type { LlamaConfig } from '../../weights/config.js';

const CONFIG: LlamaConfig = {
  architecture: 'llama', dim: 96, hiddenDim: 224, nLayers: 2, nHeads: 6, nKvHeads: 2, headDim: 16, vocabSize: 700,
  contextLength: 128, ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: false,
};

let dir: string, file: string, tiedFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jsonlm-q4-'));
  file = join(dir, 'random-q4_0.gguf');
  tiedFile = join(dir, 'random-tied-q4_0.gguf');
  for (const [path, config] of [[file, CONFIG], [tiedFile, { ...CONFIG, tiedEmbeddings: true, vocabSize: 333 }]] as const) {
    const sink = new MemorySink();
    writeModelGguf(randomModel({ config, seed: 11 }), sink, 'q4_0');
    writeFileSync(path, sink.bytes());
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Logits after every prompt position (prefill in chunks of 16: 16, 16, 8 tokens), then 12 decode steps,
 * then a decode step whose LM head runs over allowed-token runs only. */
function run(model: Model): Float32Array[] {
  const vocab = model.config.vocabSize;
  const prompt = Array.from({ length: 40 }, (_, i) => (i * 37 + 11) % vocab);
  const out = model.logitsAll(prompt);
  const s = model.createSession();
  s.prefill(prompt);
  for (let i = 0; i < 12; i++) { s.decode((i * 53 + 5) % vocab); out.push(s.logitsView().slice()); }
  // Allowed runs of every length the row blocks take (1, 3, 40, 300 rows) at odd starts.
  const words = Math.ceil(vocab / 32), bitsPtr = model.kernels.alloc(words * 4);
  const set = model.kernels.u32(bitsPtr, words);
  for (const [a, b] of [[1, 2], [5, 8], [37, 77], [350, 650]]) for (let i = a; i < b && i < vocab; i++) set[i >> 5] |= 1 << (i & 31);
  out.push(model.kernels.f32(s.decode(9, { allowed: bitsPtr }), vocab).slice());
  return out;
}

const bits = (rows: Float32Array[]) => rows.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString('base64'));

describe('GGUF Q4_0 on the native 4-bit path', () => {
  it('keeps every Q4_0 matrix packed (half the bytes of int8) and gives the int8 expansion\'s logits bit for bit', async () => {
    expect(parseGguf(new MemorySource(readFileSync(file), 'f'), 'f').tensors.find((t) => t.name === 'blk.0.ffn_down.weight')?.typeName).toBe('Q4_0');
    for (const path of [file, tiedFile]) {
      const packed = await loadModelFromPath(path, { maxChunk: 16 });
      const expanded = await loadModelFromPath(path, { maxChunk: 16, q4_0: 'int8' });
      const w = packed.weights, e = expanded.weights;
      for (const m of [w.tokenEmbedding, w.output, ...w.layers.flatMap((l) => [l.wq, l.wk, l.wv, l.wo, l.wGate, l.wUp, l.wDown])]) expect(m.kind).toBe('q4');
      expect(e.layers[0].wDown.kind).toBe('q8');
      // Nibbles against int8 (the f32 scales the same): half a byte saved per weight, less the int8 scratch
      // matmul_q4 expands one matrix into for prefill (the largest), whatever else the memory holds.
      const matrices = [...new Set([w.tokenEmbedding, w.output, ...w.layers.flatMap((l) => [l.wq, l.wk, l.wv, l.wo, l.wGate, l.wUp, l.wDown])])];
      const weightCount = matrices.reduce((n, m) => n + m.rows * m.cols, 0);
      const largest = Math.max(...matrices.map((m) => m.rows * m.cols));
      expect(expanded.kernels.usedBytes - packed.kernels.usedBytes).toBeGreaterThanOrEqual(0.5 * weightCount - largest - 4096);
      const a = run(packed), b = run(expanded);
      expect(a.length).toBe(53);
      expect(a.slice(0, 52).every((r) => r.every(Number.isFinite))).toBe(true);
      expect(bits(a), path).toEqual(bits(b));
    }
  });

  it('gives the same bits on 1, 2 and 4 worker threads (rows split for decode, tokens for prefill)', async () => {
    const results: string[][] = [];
    for (const threads of [1, 2, 4]) {
      const m = await loadModelFromPath(file, { threads, maxChunk: 16 });
      if (m.kernels.pool) m.kernels.pool.minParallelMacs = 0; // split every product, however small
      expect(m.kernels.threads).toBe(threads);
      results.push(bits(run(m)));
      m.kernels.close();
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('refuses an unknown q4_0 option by name', async () => {
    await expect(loadModelFromPath(file, { q4_0: 'nibbles' as 'packed' })).rejects.toThrow(/q4_0 must be 'packed' or 'int8', got 'nibbles'/);
  });

  it('a Q4_0 block with a non-finite scale is refused with the tensor and block named', async () => {
    const bytes = readFileSync(file);
    const g = parseGguf(new MemorySource(bytes, 'f'), 'f');
    const t = g.tensors.find((x) => x.name === 'blk.1.attn_v.weight')!;
    const bad = Uint8Array.from(bytes);
    bad[t.fileOffset + 18 * 3] = 0x00; bad[t.fileOffset + 18 * 3 + 1] = 0x7c; // block 3's d = +inf (fp16 0x7c00)
    const path = join(dir, 'inf-scale.gguf');
    writeFileSync(path, bad);
    await expect(loadModelFromPath(path)).rejects.toThrow(/blk\.1\.attn_v\.weight holds a non-finite value \(Infinity\) in its scales at index 3/);
  });

  it('a truncated Q4_0 file is refused as truncated, not read past its end', async () => {
    const bytes = readFileSync(file);
    const path = join(dir, 'truncated.gguf');
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    await expect(loadModelFromPath(path)).rejects.toThrow(/truncated/);
  });
});
