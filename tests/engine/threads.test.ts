// Worker threads (kernels/thread-pool.ts) split the int8 products into whole output rows (decode) and whole
// tokens (prefill), so logits must be bit-identical for any thread count: checked here for 1, 2 and 4
// threads on a seeded random model whose shapes exercise uneven splits (rows not a multiple of 32, a
// vocabulary of 700, prefill chunks that leave some threads one or zero tokens).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import { threadsWorthUsing } from '../../engine/load-model.js';
import type { Model } from '../../engine/model.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { randomModel } from '../../weights/random-model.js';
import { Kernels } from '../../kernels/kernels.js';
import { MIN_PARALLEL_MACS } from '../../kernels/thread-pool.js';
import type { LlamaConfig } from '../../weights/config.js';

const CONFIG: LlamaConfig = {
  architecture: 'llama', dim: 96, hiddenDim: 256, nLayers: 2, nHeads: 6, nKvHeads: 2, headDim: 16, vocabSize: 700,
  contextLength: 128, ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: false,
};

let dir: string, file: string;
const models: Model[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jsonlm-threads-'));
  file = join(dir, 'random.gguf');
  const sink = new MemorySink();
  writeModelGguf(randomModel({ config: CONFIG, seed: 7 }), sink, 'f32');
  writeFileSync(file, sink.bytes());
  for (const threads of [1, 2, 4]) models.push(await loadModelFromPath(file, { dtype: 'q8', threads, maxChunk: 16 }));
  // Split every product, however small (by default small ones stay on the calling thread).
  for (const m of models) if (m.kernels.pool) m.kernels.pool.minParallelMacs = 0;
});
afterAll(() => {
  for (const m of models) m.kernels.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Logits after every prompt position (prefill in chunks of 16: 16, 16, 8 tokens), then 12 decode steps. */
function run(model: Model): Float32Array[] {
  const prompt = Array.from({ length: 40 }, (_, i) => (i * 37 + 11) % CONFIG.vocabSize);
  const out = model.logitsAll(prompt);
  const s = model.createSession();
  s.prefill(prompt);
  for (let i = 0; i < 12; i++) { s.decode((i * 53 + 5) % CONFIG.vocabSize); out.push(s.logitsView().slice()); }
  return out;
}

describe('worker threads', () => {
  it('as an upper bound (the CLI default), start none for a model whose layer products are too small to split', async () => {
    // CONFIG's largest layer product is dim x hiddenDim, far below MIN_PARALLEL_MACS: only the LM head could split.
    expect(CONFIG.dim * CONFIG.hiddenDim).toBeLessThan(MIN_PARALLEL_MACS);
    const small = await loadModelFromPath(file, { dtype: 'q8', threads: 4, threadsUpTo: true });
    expect(small.kernels.threads).toBe(1);
    small.kernels.close();
    expect(threadsWorthUsing({ ...CONFIG, dim: 576, hiddenDim: 1536 }, 4)).toBe(4); // SmolLM-135M's shape splits
    expect(models[2].kernels.threads).toBe(4); // a count given as such is taken as given
  });

  it('run the int8 products on 1, 2 and 4 threads', () => {
    expect(models.map((m) => m.kernels.threads)).toEqual([1, 2, 4]);
    expect(models.map((m) => m.kernels.threadsNote)).toEqual([undefined, undefined, undefined]);
  });

  it('give bit-identical logits for 1, 2 and 4 threads (prefill and decode)', () => {
    const [one, two, four] = models.map(run);
    expect(one.length).toBe(52);
    expect(one.every((row) => row.every(Number.isFinite))).toBe(true);
    for (const other of [two, four]) {
      for (let i = 0; i < one.length; i++) expect(Buffer.from(other[i].buffer).equals(Buffer.from(one[i].buffer)), `row ${i}`).toBe(true);
    }
  });

  it('give bit-identical logits for 1, 2 and 4 threads with an f16 KV cache', () => {
    const runF16 = (m: Model) => {
      const prompt = Array.from({ length: 40 }, (_, i) => (i * 41 + 3) % CONFIG.vocabSize);
      const out = m.logitsAll(prompt, m.createSession({ kvCache: 'f16' }));
      const s = m.createSession({ kvCache: 'f16' });
      s.prefill(prompt);
      for (let i = 0; i < 12; i++) { s.decode((i * 29 + 7) % CONFIG.vocabSize); out.push(s.logitsView().slice()); }
      return out;
    };
    const [one, two, four] = models.map(runF16);
    expect(one.every((row) => row.every(Number.isFinite))).toBe(true);
    // Not the f32 cache's logits (the rounding shows), yet the same on every thread count.
    expect(Buffer.from(one[39].buffer).equals(Buffer.from(run(models[0])[39].buffer))).toBe(false);
    for (const other of [two, four]) {
      for (let i = 0; i < one.length; i++) expect(Buffer.from(other[i].buffer).equals(Buffer.from(one[i].buffer)), `row ${i}`).toBe(true);
    }
  });

  it('give the same logits when small products stay on the calling thread (the default threshold)', () => {
    const split = run(models[2]);
    models[2].kernels.pool!.minParallelMacs = MIN_PARALLEL_MACS;
    const mixed = run(models[2]);
    models[2].kernels.pool!.minParallelMacs = 0;
    for (let i = 0; i < split.length; i++) expect(Buffer.from(mixed[i].buffer).equals(Buffer.from(split[i].buffer))).toBe(true);
  });

  it('fall back to one thread, saying why, without a way to start workers', async () => {
    const k = await Kernels.create({ threads: 4 });
    expect(k.threads).toBe(1);
    expect(k.threadsNote).toMatch(/one thread instead of 4: no way to start worker threads/);
  });

  it('reject a thread count that is not a positive integer', async () => {
    await expect(Kernels.create({ threads: 0 })).rejects.toThrow(/threads must be a positive integer, got 0/);
    await expect(Kernels.create({ threads: 1.5 })).rejects.toThrow(/threads must be a positive integer/);
  });
});
