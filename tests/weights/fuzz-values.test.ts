// Seeded fuzzing of model values (the structure stays valid): a non-finite value anywhere in the weights
// data is refused at load naming its tensor; random hyper-parameters in GGUF metadata and in an HF
// folder's config.json either fail with a WeightsFormatError naming the file, or load and give finite
// logits: never NaN logits, a crash from deep inside, or a silent fall back.
import { beforeAll, describe, expect, it } from 'vitest';
import { MemorySource, WeightsFormatError, type ByteSource } from '../../weights/byte-source.js';
import { Kernels } from '../../kernels/kernels.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { hfFolderFiles } from '../../weights/hf-writer.js';
import { loadWeights, modelSourceFromBytes, type ModelSource } from '../../weights/load.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import type { ExportModel, ExportTensor } from '../../weights/model-export.js';
import { loadModel } from '../../engine/load-model.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) % n; };
}

const model = randomModel({ config: TINY, seed: 21 });
let kernels: Kernels;
beforeAll(async () => { kernels = await Kernels.create(); });

function gguf(m: ExportModel, type: 'f32' | 'f16' | 'q8_0'): Uint8Array {
  const sink = new MemorySink();
  writeModelGguf(m, sink, type, type === 'q8_0' ? kernels : undefined);
  return sink.bytes();
}

function poisoned(m: ExportModel, name: string, at: number, v: number): ExportModel {
  return {
    ...m,
    tensors: m.tensors.map((t): ExportTensor => t.name !== name ? t : {
      name: t.name, shape: t.shape,
      readRowsF32: (r0, n, dst) => {
        t.readRowsF32(r0, n, dst);
        const i = at - r0 * t.shape[t.shape.length - 1];
        if (i >= 0 && i < dst.length) dst[i] = v;
      },
    }),
  };
}

/** Loads `source`; returns the error, or checks that the first logits are finite. */
async function loadsCleanly(source: ModelSource, fileName: string, what: string): Promise<'refused' | 'loaded'> {
  let m;
  try {
    m = await loadModel(source);
  } catch (e) {
    // A context too long for the KV cache is the allocator's own named error.
    if (/^kernels: out of WebAssembly memory: need [\d.e+]+ MiB/.test((e as Error).message)) return 'refused';
    if (!(e instanceof WeightsFormatError)) throw new Error(`${what}: ${(e as Error).name}: ${(e as Error).message}`);
    expect(e.message.startsWith(fileName), `${what}: ${e.message}`).toBe(true);
    return 'refused';
  }
  const logits = m.logits([1, 2, 3]);
  expect(logits.every(Number.isFinite), what).toBe(true);
  return 'loaded';
}

describe('weights data: one non-finite value anywhere is refused, naming the tensor', () => {
  it('60 seeded placements of NaN/+Inf/-Inf in F32, F16 and Q8_0 files, loaded as q8 and f32', async () => {
    const r = rng(7);
    const values = [NaN, Infinity, -Infinity];
    for (let trial = 0; trial < 60; trial++) {
      const t = model.tensors[r(model.tensors.length)];
      const numel = t.shape.reduce((a, b) => a * b, 1);
      const type = (['f32', 'f16', 'q8_0'] as const)[r(3)];
      const dtype = r(2) ? 'q8' : 'f32';
      const bytes = gguf(poisoned(model, t.name, r(numel), values[r(3)]), type);
      const what = `trial ${trial}: ${t.name} in ${type} loaded as ${dtype}`;
      // Q8_0 output from a quantizer: a NaN/Inf value makes its block scale non-finite, or (1D norms are
      // stored F32) the value itself.
      await expect(loadWeights(modelSourceFromBytes(bytes, 'fuzz.gguf'), kernels, { dtype }), what)
        .rejects.toThrow(new RegExp(`^fuzz\\.gguf: tensor ${t.name.replace(/\./g, '\\.')} holds a non-finite value`));
    }
  });
});

describe('hyper-parameters: refused with a named error, or finite logits', () => {
  const odd = [0, -1, 1e-30, 0.5, 3, 7, 1e9, 2 ** 31, NaN, Infinity, -Infinity, 1e38, 64, 16, 1e-5];

  it('120 seeded GGUF configs (norm eps, RoPE base, heads, kv heads, head size, context)', async () => {
    const r = rng(11);
    const keys = ['normEps', 'ropeTheta', 'nHeads', 'nKvHeads', 'headDim', 'contextLength'] as const;
    let refused = 0, loaded = 0;
    for (let trial = 0; trial < 120; trial++) {
      const key = keys[r(keys.length)];
      const value = odd[r(odd.length)];
      const m: ExportModel = { ...model, config: { ...model.config, [key]: value } };
      let bytes: Uint8Array;
      try {
        bytes = gguf(m, 'f32');
      } catch {
        continue; // the writer refuses it (e.g. a non-integer count): nothing to load
      }
      const outcome = await loadsCleanly(modelSourceFromBytes(bytes, 'hp.gguf'), 'hp.gguf', `trial ${trial}: ${key} = ${value}`);
      if (outcome === 'refused') refused++; else loaded++;
    }
    expect(refused).toBeGreaterThan(20);
    expect(loaded).toBeGreaterThan(5);
  });

  it('120 seeded HF config.json edits (wrong types, ranges, missing keys)', async () => {
    const r = rng(13);
    const files = new Map<string, Uint8Array>();
    for (const f of hfFolderFiles(model, 'F32')) { const s = new MemorySink(); f.write(s); files.set(f.name, s.bytes()); }
    const config = JSON.parse(new TextDecoder().decode(files.get('config.json')!));
    const keys = ['rms_norm_eps', 'rope_theta', 'num_attention_heads', 'num_key_value_heads', 'hidden_size', 'max_position_embeddings', 'head_dim', 'vocab_size'];
    const replacements: unknown[] = [...odd.filter(Number.isFinite), '1e-5', '10000', null, true, [1], { v: 1 }, undefined];
    let refused = 0, loaded = 0;
    for (let trial = 0; trial < 120; trial++) {
      const key = keys[r(keys.length)];
      const value = replacements[r(replacements.length)];
      const edited = { ...config, [key]: value };
      if (value === undefined) delete edited[key];
      const source: ModelSource = { kind: 'hf', name: 'tiny-hf', files: new Map<string, ByteSource>() };
      for (const [n, b] of files) source.files.set(n, new MemorySource(n === 'config.json' ? new TextEncoder().encode(JSON.stringify(edited)) : b, `tiny-hf/${n}`));
      const outcome = await loadsCleanly(source, 'tiny-hf', `trial ${trial}: ${key} = ${JSON.stringify(value)}`);
      if (outcome === 'refused') refused++; else loaded++;
    }
    expect(refused).toBeGreaterThan(40);
    expect(loaded).toBeGreaterThan(5);
  });
});
