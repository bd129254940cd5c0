// Round trips between the three formats with a seeded random model and with stories260K:
// HF folder -> GGUF F32 / Q8_0 -> load gives the same f32 weights (exact / within Q8_0 error), and a
// llama2.c checkpoint -> GGUF and -> HF folder loads to identical weights.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Kernels } from '../../kernels/kernels.js';
import { MemorySource, type ByteSource } from '../../weights/byte-source.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { parseGguf } from '../../weights/gguf.js';
import { hfFolderFiles, type SafetensorsDtype } from '../../weights/hf-writer.js';
import { loadWeights, modelSourceFromBytes, readModelLayout, type ModelSource } from '../../weights/load.js';
import { exportFromLayout, type ExportModel } from '../../weights/model-export.js';
import { closeModelSource, readModelSource } from '../../weights/node-files.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import { halfRowForInterleavedRow, permuteRows } from '../../weights/rope-permute.js';
import { MODELS } from '../paths.js';
import { expectSameF32, expectWithinQ8Error, placedTensors } from './helpers.js';

function hfSource(model: ExportModel, dtype: SafetensorsDtype, name = 'hf'): ModelSource {
  const files = new Map<string, ByteSource>();
  for (const f of hfFolderFiles(model, dtype)) {
    const sink = new MemorySink();
    f.write(sink);
    files.set(f.name, new MemorySource(sink.bytes(), `${name}/${f.name}`));
  }
  return { kind: 'hf', name, files };
}

function ggufBytes(model: ExportModel, type: 'f32' | 'f16' | 'bf16' | 'q8_0', kernels?: Kernels): Uint8Array {
  const sink = new MemorySink();
  writeModelGguf(model, sink, type, kernels);
  return sink.bytes();
}

async function load(source: ModelSource, dtype: 'f32' | 'q8' = 'f32') {
  const k = await Kernels.create();
  const loaded = await loadWeights(source, k, { dtype });
  return { ...loaded, tensors: placedTensors(k, loaded.weights) };
}

/** A loaded HF model's tensors with Q/K rows in interleaved (GGUF) order. */
function interleaved(t: Map<string, Float32Array>, headDim: number, cols: number): Map<string, Float32Array> {
  const out = new Map(t);
  for (const [n, v] of t) if (/attn_[qk]\.weight$/.test(n)) out.set(n, permuteRows(v, v.length / cols, cols, (r) => halfRowForInterleavedRow(r, headDim)));
  return out;
}

/** The generator's own values, tensor by tensor. */
function generated(model: ExportModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const t of model.tensors) {
    const v = new Float32Array(t.shape.reduce((a, b) => a * b, 1));
    t.readRowsF32(0, t.shape.length === 1 ? 1 : t.shape[0], v);
    out.set(t.name, v);
  }
  return out;
}

/** Nearest binary16 / bfloat16 value, computed with doubles (independent of weights/half.ts). */
function roundToHalf(x: number, mantBits: number, minExp: number): number {
  if (x === 0) return 0;
  const e = Math.max(Math.floor(Math.log2(Math.abs(x))), minExp);
  const ulp = 2 ** (e - mantBits);
  const q = x / ulp, f = Math.floor(q), rem = q - f;
  const r = rem > 0.5 || (rem === 0.5 && f % 2 !== 0) ? f + 1 : f;
  return r * ulp;
}

describe('round trips with a random model', () => {
  const model = randomModel({ config: { ...TINY, ropeStyle: 'interleaved' }, seed: 1234 });
  const truth = generated(model);

  it('HF folder F32 -> load equals the generator (Q/K re-ordered to rotate-half); -> GGUF F32 -> load is exact', async () => {
    const hf = await load(hfSource(model, 'F32'));
    expect(hf.config).toEqual({ ...TINY, ropeStyle: 'half' });
    expect(hf.tokenizerSource?.kind).toBe('hf');
    const asGguf = interleaved(hf.tensors, TINY.headDim, TINY.dim);
    for (const [n, v] of truth) expectSameF32(asGguf.get(n), v, `hf ${n}`);
    // HF folder -> GGUF F32 (through the layout reader, as `jsonlm convert` does)
    const layout = readModelLayout(hfSource(model, 'F32'));
    const f32 = ggufBytes(exportFromLayout(layout, 'tiny'), 'f32');
    const g = await load(modelSourceFromBytes(f32, 'tiny-f32.gguf'));
    expect(g.config).toEqual({ ...TINY, normEps: Math.fround(TINY.normEps) });
    expect(g.tokenizerSource?.kind).toBe('gguf');
    for (const [n, v] of truth) expectSameF32(g.tensors.get(n), v, `gguf f32 ${n}`);
    // ... and back to an HF folder: the original HF tensors, bit for bit.
    const back = await load(hfSource(exportFromLayout(readModelLayout(modelSourceFromBytes(f32, 'x.gguf'))), 'F32'));
    for (const [n, v] of hf.tensors) expectSameF32(back.tensors.get(n), v, `hf again ${n}`);
  });

  it('HF folder -> GGUF Q8_0 loads within Q8_0 error, both as Q8_0 blocks (q8) and dequantized (f32)', async () => {
    const k = await Kernels.create();
    const q8 = ggufBytes(exportFromLayout(readModelLayout(hfSource(model, 'F32'))), 'q8_0', k);
    const asQ8 = await load(modelSourceFromBytes(q8, 'tiny-q8_0.gguf'), 'q8');
    const asF32 = await load(modelSourceFromBytes(q8, 'tiny-q8_0.gguf'), 'f32');
    for (const [n, v] of truth) {
      expectSameF32(asF32.tensors.get(n), asQ8.tensors.get(n)!, `q8 vs f32 ${n}`); // dequantization is exact
      if (n.endsWith('norm.weight')) { expectSameF32(asQ8.tensors.get(n), v, n); continue; }
      const shape = model.tensors.find((t) => t.name === n)!.shape;
      expectWithinQ8Error(asQ8.tensors.get(n)!, v, shape[1], 32, true);
    }
  });

  it('HF folders in F16 and BF16 load to the values rounded to nearest-even halves', async () => {
    for (const [dtype, mant, minExp] of [['F16', 10, -14], ['BF16', 7, -126]] as const) {
      const loaded = await load(hfSource(model, dtype));
      const asGguf = interleaved(loaded.tensors, TINY.headDim, TINY.dim);
      for (const [n, v] of truth) {
        const want = Float32Array.from(v, (x) => roundToHalf(x, mant, minExp));
        expectSameF32(asGguf.get(n), want, `${dtype} ${n}`);
      }
      // The same through GGUF F16 / BF16.
      const g = await load(modelSourceFromBytes(ggufBytes(model, dtype.toLowerCase() as 'f16' | 'bf16'), 'x.gguf'));
      for (const [n, v] of truth) {
        const want = n.endsWith('norm.weight') ? v : Float32Array.from(v, (x) => roundToHalf(x, mant, minExp));
        expectSameF32(g.tensors.get(n), want, `gguf ${dtype} ${n}`);
      }
    }
  });

  it('the same seed gives the same bytes; another seed gives other weights; values look like N(0, 0.036)', () => {
    const a = ggufBytes(randomModel({ config: TINY, seed: 99 }), 'f32');
    const b = ggufBytes(randomModel({ config: TINY, seed: 99 }), 'f32');
    const c = ggufBytes(randomModel({ config: TINY, seed: 100 }), 'f32');
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    expect(a.length).toBe(c.length);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(c))).not.toBe(0);
    const w = truth.get('blk.0.ffn_gate.weight')!;
    const mean = w.reduce((s, x) => s + x, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.003);
    expect(std).toBeGreaterThan(0.03);
    expect(std).toBeLessThan(0.042);
    for (const x of w) expect(Number.isInteger(x * 2 ** 20)).toBe(true);
    const norm = truth.get('blk.1.attn_norm.weight')!;
    expect(Math.min(...norm)).toBeGreaterThan(0.7);
    expect(Math.max(...norm)).toBeLessThan(1.3);
    expect(new Set(norm).size).toBeGreaterThan(50);
  });
});

describe('stories260K across formats', () => {
  it('llama2.c -> GGUF F32 and -> HF folder load to identical weights', async () => {
    const src = readModelSource(join(MODELS, 'stories260K/stories260K.bin'), join(MODELS, 'stories260K/tok512.bin'));
    const original = await load(src);
    const model = exportFromLayout(readModelLayout(src), 'stories260K');
    const gguf = ggufBytes(model, 'f32');
    const hfFiles = hfSource(model, 'F32');
    closeModelSource(src);
    const g = await load(modelSourceFromBytes(gguf, 'stories260K.gguf'));
    // Without a tokenizer the GGUF says tokenizer.ggml.model = no_vocab (llama.cpp needs the key) and
    // loads with no tokenizer source.
    const fromGguf = exportFromLayout(readModelLayout(modelSourceFromBytes(gguf, 's.gguf')));
    expect(fromGguf.tokenizerSource?.kind).toBe('gguf');
    const noTok = ggufBytes({ ...fromGguf, tokenizerSource: undefined }, 'f32');
    expect(parseGguf(noTok, 'n').metadata.get('tokenizer.ggml.model')).toBe('no_vocab');
    expect(readModelLayout(modelSourceFromBytes(noTok, 'n.gguf')).tokenizerSource).toBeUndefined();
    expect(g.config).toEqual({ ...original.config, normEps: Math.fround(1e-5) });
    for (const [n, v] of original.tensors) expectSameF32(g.tensors.get(n), v, `gguf ${n}`);
    const meta = g.tokenizerSource?.kind === 'gguf' ? g.tokenizerSource.metadata : undefined;
    expect(meta?.get('tokenizer.ggml.model')).toBe('llama');
    expect((meta?.get('tokenizer.ggml.tokens') as string[]).slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect((meta?.get('tokenizer.ggml.tokens') as string[])[260]).toMatch(/^\u2581?\S+$/);
    const h = await load(hfFiles);
    expect(h.config).toEqual({ ...original.config, ropeStyle: 'half' });
    const hi = interleaved(h.tensors, 8, 64);
    for (const [n, v] of original.tensors) expectSameF32(hi.get(n), v, `hf ${n}`);
  });

  it('llama2.c -> GGUF Q8_0: rows of 172 (ffn_down) fall back to F16, the rest is Q8_0 within its error', async () => {
    const src = readModelSource(join(MODELS, 'stories260K/stories260K.bin'));
    const original = await load(src);
    const k = await Kernels.create();
    const bytes = ggufBytes(exportFromLayout(readModelLayout(src)), 'q8_0', k);
    closeModelSource(src);
    const layout = readModelLayout(modelSourceFromBytes(bytes, 's.gguf'));
    expect(layout.tensors.get('blk.0.ffn_down.weight')!.encoding.kind).toBe('F16');
    expect(layout.tensors.get('blk.0.ffn_up.weight')!.encoding.kind).toBe('Q8_0');
    const q = await load(modelSourceFromBytes(bytes, 's.gguf'));
    for (const [n, v] of original.tensors) {
      const got = q.tensors.get(n)!;
      if (n.includes('ffn_down')) expectSameF32(got, Float32Array.from(v, (x) => roundToHalf(x, 10, -14)), n);
      else if (n.endsWith('norm.weight')) expectSameF32(got, v, n);
      else expectWithinQ8Error(got, v, 64, 32, true);
    }
  });
});
