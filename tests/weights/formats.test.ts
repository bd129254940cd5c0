// Format variants: sharded HF folders, GGUF v2 and a non-default alignment, untied llama2.c v0, HF
// tie_word_embeddings rules, in-memory (browser-style) sources, and GGUF metadata value types.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kernels } from '../../kernels/kernels.js';
import { writeModelGguf, ggufModelMetadata, ggufTensors } from '../../weights/gguf-convert.js';
import { kv, MemorySink, writeGguf, type GgufKv } from '../../weights/gguf-writer.js';
import { GgufValueType, parseGguf } from '../../weights/gguf.js';
import { hfFolderFiles } from '../../weights/hf-writer.js';
import { hfSourceFromFiles, loadWeights, modelSourceFromBytes, readModelLayout } from '../../weights/load.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import { MODELS } from '../paths.js';
import { expectSameF32, placedTensors } from './helpers.js';

const model = randomModel({ config: TINY, seed: 77 });

function files(m = model, maxShard = Infinity, dtype: 'F32' | 'BF16' = 'F32'): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const f of hfFolderFiles(m, dtype, maxShard)) { const s = new MemorySink(); f.write(s); out[f.name] = s.bytes(); }
  return out;
}

async function tensorsOf(source: Parameters<typeof loadWeights>[0]) {
  const k = await Kernels.create();
  const { weights } = await loadWeights(source, k, { dtype: 'f32' });
  return placedTensors(k, weights);
}

describe('format variants', () => {
  it('a sharded HF folder (index + 3 shards) loads to the same weights as one model.safetensors', async () => {
    const sharded = files(model, 60_000);
    const shardNames = Object.keys(sharded).filter((n) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(n));
    expect(shardNames.length).toBeGreaterThanOrEqual(3);
    expect(sharded['model.safetensors']).toBeUndefined();
    const index = JSON.parse(new TextDecoder().decode(sharded['model.safetensors.index.json']));
    expect(new Set(Object.values(index.weight_map))).toEqual(new Set(shardNames));
    const a = await tensorsOf(hfSourceFromFiles('sharded', sharded));
    const b = await tensorsOf(hfSourceFromFiles('single', files()));
    for (const [n, v] of b) expectSameF32(a.get(n), v, n);
  });

  it('GGUF version 2 and a 64-byte alignment read the same tensors', async () => {
    const sink = new MemorySink();
    writeModelGguf(model, sink, 'f32');
    const v3 = sink.bytes();
    const v2 = v3.slice();
    new DataView(v2.buffer).setUint32(4, 2, true);
    expect(parseGguf(v2, 'v2.gguf').version).toBe(2);
    const aligned = new MemorySink();
    writeGguf(aligned, ggufModelMetadata(model, 'f32'), ggufTensors(model, 'f32'), 64);
    const g64 = parseGguf(aligned.bytes(), 'a64.gguf');
    expect(g64.alignment).toBe(64);
    expect(g64.dataOffset % 64).toBe(0);
    for (const t of g64.tensors) expect(t.offset % 64).toBe(0);
    const ref = await tensorsOf(modelSourceFromBytes(v3, 'v3.gguf'));
    for (const bytes of [v2, aligned.bytes()]) {
      const got = await tensorsOf(modelSourceFromBytes(bytes, 'x.gguf'));
      for (const [n, v] of ref) expectSameF32(got.get(n), v, n);
    }
  });

  it('llama2.c v0 with a negative vocab_size has an untied classifier after freq_cis', async () => {
    const orig = new Uint8Array(readFileSync(join(MODELS, 'stories260K/stories260K.bin')));
    const cls = new Float32Array(512 * 64).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const bytes = new Uint8Array(orig.length + cls.byteLength);
    bytes.set(orig);
    bytes.set(new Uint8Array(cls.buffer), orig.length);
    new DataView(bytes.buffer).setInt32(20, -512, true);
    const k = await Kernels.create();
    const { config, weights } = await loadWeights(modelSourceFromBytes(bytes, 'untied.bin'), k, { dtype: 'f32' });
    expect(config.tiedEmbeddings).toBe(false);
    expect(config.vocabSize).toBe(512);
    expect(weights.output).not.toBe(weights.tokenEmbedding);
    expectSameF32(placedTensors(k, weights).get('output.weight'), cls, 'output.weight');
  });

  it('HF tie_word_embeddings: absent + no lm_head means tied; false + no lm_head is a missing tensor', () => {
    const tied = randomModel({ config: { ...TINY, tiedEmbeddings: true }, seed: 1 });
    const f = files(tied);
    const cfg = JSON.parse(new TextDecoder().decode(f['config.json']));
    delete cfg.tie_word_embeddings;
    f['config.json'] = new TextEncoder().encode(JSON.stringify(cfg));
    expect(readModelLayout(hfSourceFromFiles('t', f)).config.tiedEmbeddings).toBe(true);
    cfg.tie_word_embeddings = false;
    f['config.json'] = new TextEncoder().encode(JSON.stringify(cfg));
    expect(() => readModelLayout(hfSourceFromFiles('t', f))).toThrow(/t: missing tensor lm_head\.weight/);
  });

  it('GGUF metadata of every value type round-trips with its type; an unknown value type is named', () => {
    const sink = new MemorySink();
    const kvs: GgufKv[] = [
      { key: 'a.u8', tag: { type: GgufValueType.UINT8 }, value: 200 },
      { key: 'a.i8', tag: { type: GgufValueType.INT8 }, value: -100 },
      { key: 'a.u16', tag: { type: GgufValueType.UINT16 }, value: 60000 },
      { key: 'a.i16', tag: { type: GgufValueType.INT16 }, value: -30000 },
      { key: 'a.u64', tag: { type: GgufValueType.UINT64 }, value: 2n ** 60n },
      { key: 'a.i64', tag: { type: GgufValueType.INT64 }, value: -5 },
      { key: 'a.f64', tag: { type: GgufValueType.FLOAT64 }, value: Math.PI },
      { key: 'a.nested', tag: { type: GgufValueType.ARRAY, item: { type: GgufValueType.ARRAY, item: { type: GgufValueType.INT32 } } }, value: [[1, 2], [3]] },
      kv.f32('a.f32', 0.1), kv.bool('a.bool', true), kv.string('a.s', 'naïve 東京 🚀'),
    ];
    writeGguf(sink, kvs, []);
    const g = parseGguf(sink.bytes(), 'types.gguf');
    for (const k of kvs) {
      expect(g.metadataTypes.get(k.key)).toEqual(k.tag);
      expect(g.metadata.get(k.key)).toEqual(k.key === 'a.f32' ? Math.fround(0.1) : k.value);
    }
    const bad = sink.bytes().slice();
    // The first key is 'a.u8': its value type u32 follows the 8-byte length and 4 name bytes.
    new DataView(bad.buffer).setUint32(24 + 8 + 4, 77, true);
    expect(() => parseGguf(bad, 'badtype.gguf')).toThrow(/badtype\.gguf: metadata 'a\.u8': unknown value type 77/);
  });
});
