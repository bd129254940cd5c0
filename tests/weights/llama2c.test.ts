// llama2.c checkpoints: stories260K (legacy v0) loads to the exact floats of the file; v1/v2 layouts
// (written here from the same weights, following export.py) load to the same weights.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kernels } from '../../kernels/kernels.js';
import { loadWeights, modelSourceFromBytes } from '../../weights/load.js';
import { readModelSource, closeModelSource } from '../../weights/node-files.js';
import { layerTensorNames } from '../../weights/model-layout.js';
import { MODELS } from '../paths.js';
import { placedTensors, referenceQuantize, matrixValues } from './helpers.js';

const storiesPath = join(MODELS, 'stories260K/stories260K.bin');
const tokPath = join(MODELS, 'stories260K/tok512.bin');
const D = 64, H = 172, L = 5, V = 512, KV = 32, SEQ = 512;

/** The tensors of stories260K.bin, read with offsets computed from PROVENANCE.md's layout. */
function storiesByOffsets(): Map<string, Float32Array> {
  const buf = readFileSync(storiesPath);
  const f = new Float32Array(buf.buffer.slice(buf.byteOffset + 28, buf.byteOffset + buf.length));
  let p = 0;
  const take = (n: number) => { const a = f.slice(p, p + n); p += n; return a; };
  const out = new Map<string, Float32Array>();
  out.set('token_embd.weight', take(V * D));
  const per = (key: keyof ReturnType<typeof layerTensorNames>, n: number) => { for (let i = 0; i < L; i++) out.set(layerTensorNames(i)[key], take(n)); };
  per('attnNorm', D); per('wq', D * D); per('wk', KV * D); per('wv', KV * D); per('wo', D * D);
  per('ffnNorm', D); per('wGate', H * D); per('wDown', D * H); per('wUp', H * D);
  out.set('output_norm.weight', take(D));
  p += 2 * SEQ * 4;
  expect(p).toBe(f.length);
  return out;
}

/** export.py version1_export / version2_export, written from the v0 tensors. */
function writeVersioned(t: Map<string, Float32Array>, version: 1 | 2, group = 64): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(256));
  header.setUint32(0, 0x616b3432, true);
  header.setInt32(4, version, true);
  [D, H, L, 8, 4, V, SEQ].forEach((v, i) => header.setInt32(8 + 4 * i, v, true));
  header.setUint8(36, 1);
  if (version === 2) header.setInt32(37, group, true);
  parts.push(new Uint8Array(header.buffer));
  const layers = (key: keyof ReturnType<typeof layerTensorNames>) => [...Array(L).keys()].map((i) => t.get(layerTensorNames(i)[key])!);
  const norms = [...layers('attnNorm'), ...layers('ffnNorm'), t.get('output_norm.weight')!];
  const mats = [t.get('token_embd.weight')!, ...layers('wq'), ...layers('wk'), ...layers('wv'), ...layers('wo'),
    ...layers('wGate'), ...layers('wDown'), ...layers('wUp')];
  const bytes = (a: Float32Array | Int8Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  for (const n of norms) parts.push(bytes(n));
  if (version === 1) for (const m of mats) parts.push(bytes(m));
  else {
    const qs = mats.map((m) => referenceQuantize(m, m.length / group, group, group));
    for (const q of qs) parts.push(bytes(q.q));
    for (const q of qs) parts.push(bytes(q.scales));
  }
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

describe('llama2.c checkpoints', () => {
  it('stories260K (v0) loads as f32 to exactly the floats of the file, with its config', async () => {
    const k = await Kernels.create();
    const src = readModelSource(storiesPath, tokPath);
    const { config, weights, tokenizerSource } = await loadWeights(src, k, { dtype: 'f32' });
    closeModelSource(src);
    expect(config).toEqual({ architecture: 'llama', dim: 64, hiddenDim: 172, nLayers: 5, nHeads: 8, nKvHeads: 4, headDim: 8,
      vocabSize: 512, contextLength: 512, ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: true });
    expect(weights.output).toBe(weights.tokenEmbedding);
    expect(tokenizerSource?.kind).toBe('llama2c');
    expect((tokenizerSource as { bytes: Uint8Array }).bytes).toEqual(new Uint8Array(readFileSync(tokPath)));
    const expected = storiesByOffsets();
    const placed = placedTensors(k, weights);
    for (const [name, v] of expected) expect(placed.get(name), name).toEqual(v);
  });

  it('stories260K loads as q8: every matrix is the kernel quantization of its f32 rows', async () => {
    const k = await Kernels.create();
    const { weights } = await loadWeights(modelSourceFromBytes(readFileSync(storiesPath), 'stories260K.bin'), k, { dtype: 'q8', group: 32 });
    const expected = storiesByOffsets();
    const m = weights.layers[2].wDown; // cols 172: a partial last group
    expect(m.kind).toBe('q8');
    if (m.kind !== 'q8') return;
    expect(m.group).toBe(32);
    const ref = referenceQuantize(expected.get('blk.2.ffn_down.weight')!, 64, 172, 32);
    expect(k.i8(m.q, ref.q.length)).toEqual(ref.q);
    expect(k.f32(m.scales, ref.scales.length)).toEqual(ref.scales);
    const e = weights.tokenEmbedding;
    if (e.kind !== 'q8') throw new Error('expected q8');
    const refE = referenceQuantize(expected.get('token_embd.weight')!, 512, 64, 32);
    expect(k.i8(e.q, refE.q.length)).toEqual(refE.q);
    expect(k.f32(e.scales, refE.scales.length)).toEqual(refE.scales);
  });

  it('v1 (fp32, "ak42" header) loads to the same weights as v0', async () => {
    const v0 = storiesByOffsets();
    const k = await Kernels.create();
    const { config, weights } = await loadWeights(modelSourceFromBytes(writeVersioned(v0, 1), 'v1.bin'), k, { dtype: 'f32' });
    expect(config.tiedEmbeddings).toBe(true);
    const placed = placedTensors(k, weights);
    for (const [name, v] of v0) expect(placed.get(name), name).toEqual(v);
  });

  it('v2 (int8 groups): copied as is when groups fit rows and the kernels (multiple of 16), else requantized; exact for f32', async () => {
    const v0 = storiesByOffsets();
    const g64 = writeVersioned(v0, 2, 64); // 64 divides 64 (copied) but not 172 (w2: groups cross rows)
    const k = await Kernels.create();
    const { weights } = await loadWeights(modelSourceFromBytes(g64, 'v2.bin'), k, { dtype: 'q8' });
    const wq = weights.layers[1].wq;
    if (wq.kind !== 'q8') throw new Error('expected q8');
    expect(wq.group).toBe(64);
    const ref = referenceQuantize(v0.get('blk.1.attn_q.weight')!, 64, 64, 64);
    expect(k.i8(wq.q, 64 * 64)).toEqual(ref.q);
    expect(k.f32(wq.scales, 64)).toEqual(ref.scales);
    // w2 [64, 172]: the file's groups straddle rows, so the exact dequantized rows are requantized (group 32).
    const down = weights.layers[0].wDown;
    if (down.kind !== 'q8') throw new Error('expected q8');
    expect(down.group).toBe(32);
    const flat = referenceQuantize(v0.get('blk.0.ffn_down.weight')!, 64 * 172 / 64, 64, 64);
    const deq = Float32Array.from(flat.q, (q, i) => q * flat.scales[i >> 6]);
    const requant = referenceQuantize(deq, 64, 172, 32);
    expect(k.i8(down.q, requant.q.length)).toEqual(requant.q);
    expect(k.f32(down.scales, requant.scales.length)).toEqual(requant.scales);
    // dtype f32: q * s exactly as IEEE f32 multiplication.
    const k2 = await Kernels.create();
    const f = await loadWeights(modelSourceFromBytes(g64, 'v2.bin'), k2, { dtype: 'f32' });
    expect(matrixValues(k2, f.weights.layers[0].wDown)).toEqual(deq);
    // Group 4 fits rows but not the kernels (multiple of 16): requantized with the asked group.
    const k3 = await Kernels.create();
    const g4 = await loadWeights(modelSourceFromBytes(writeVersioned(v0, 2, 4), 'v2.bin'), k3, { dtype: 'q8', group: 16 });
    expect((g4.weights.layers[0].wq as { group: number }).group).toBe(16);
  });

  it('bad llama2.c input: truncated file, nonsense header, wrong version', () => {
    const bytes = new Uint8Array(readFileSync(storiesPath));
    expect(() => loadWeightsSync(bytes.subarray(0, 100_000), 'cut.bin')).toThrow(/cut\.bin: header claims more bytes than the file holds.*needs 1056540 bytes but the file has 100000/);
    expect(() => loadWeightsSync(bytes.subarray(0, 20), 'tiny.bin')).toThrow(/tiny\.bin: truncated file/);
    const junk = new Uint8Array(4096).fill(0xff);
    expect(() => loadWeightsSync(junk, 'junk.bin')).toThrow(/junk\.bin: not a llama2.c checkpoint.*dim=-1/);
    const v9 = writeVersioned(storiesByOffsets(), 1);
    new DataView(v9.buffer).setInt32(4, 9, true);
    expect(() => loadWeightsSync(v9, 'v9.bin')).toThrow(/v9\.bin: unsupported llama2.c version 9/);
    const grown = new Uint8Array(writeVersioned(storiesByOffsets(), 1).length + 8);
    grown.set(writeVersioned(storiesByOffsets(), 1));
    expect(() => loadWeightsSync(grown, 'long.bin')).toThrow(/long\.bin: file size .* does not match/);
  });
});

import { readModelLayout } from '../../weights/load.js';
function loadWeightsSync(bytes: Uint8Array, name: string) { return readModelLayout(modelSourceFromBytes(bytes, name)); }
