// Model files whose structure is fine but whose values are not: NaN/Inf weights (a Q8_0 scale, a norm,
// F16 data, a llama2.c float), out-of-range or wrongly typed hyper-parameters, a tensor relabelled with
// the wrong type, inconsistent head counts. Each is a named error at load, never NaN or garbage logits
// later; and a forward pass that still gives a non-finite logit is a named error at the first step.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kernels } from '../../kernels/kernels.js';
import { MemorySource, type ByteSource } from '../../weights/byte-source.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { kv, MemorySink, writeGguf } from '../../weights/gguf-writer.js';
import { parseGguf } from '../../weights/gguf.js';
import { hfFolderFiles } from '../../weights/hf-writer.js';
import { loadWeights, modelSourceFromBytes, readModelLayout, type ModelSource } from '../../weights/load.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import type { ExportModel, ExportTensor } from '../../weights/model-export.js';
import { loadModel } from '../../engine/load-model.js';
import { NonFiniteLogitsError } from '../../engine/sampler.js';
import { MODELS } from '../paths.js';

const model = randomModel({ config: TINY, seed: 7 });
let kernels: Kernels;
beforeAll(async () => { kernels = await Kernels.create(); });

function gguf(m: ExportModel, type: 'f32' | 'f16' | 'q8_0' = 'f32'): Uint8Array {
  const sink = new MemorySink();
  writeModelGguf(m, sink, type, type === 'q8_0' ? kernels : undefined);
  return sink.bytes();
}

/** `m` with value `v` written at flat index `at` of tensor `name`. */
function poisoned(m: ExportModel, name: string, at: number, v: number): ExportModel {
  const tensors = m.tensors.map((t): ExportTensor => {
    if (t.name !== name) return t;
    const cols = t.shape[t.shape.length - 1];
    return {
      name: t.name, shape: t.shape,
      readRowsF32: (r0, n, dst) => {
        t.readRowsF32(r0, n, dst);
        const i = at - r0 * cols;
        if (i >= 0 && i < n * cols) dst[i] = v;
      },
    };
  });
  return { ...m, tensors };
}

const load = (bytes: Uint8Array, name: string, dtype: 'q8' | 'f32' = 'q8') => loadWeights(modelSourceFromBytes(bytes, name), kernels, { dtype });

function hf(m: ExportModel, edit: (files: Map<string, Uint8Array>) => void): ModelSource {
  const bytes = new Map<string, Uint8Array>();
  for (const f of hfFolderFiles(m, 'F32')) { const s = new MemorySink(); f.write(s); bytes.set(f.name, s.bytes()); }
  edit(bytes);
  const files = new Map<string, ByteSource>();
  for (const [n, b] of bytes) files.set(n, new MemorySource(b, `tiny-hf/${n}`));
  return { kind: 'hf', name: 'tiny-hf', files };
}
const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));
const text = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

describe('NaN/Inf weights are refused at load, naming the tensor', () => {
  it('a clean model loads (control), as q8 and f32', async () => {
    await expect(load(gguf(model), 'ok.gguf')).resolves.toBeDefined();
    await expect(load(gguf(model, 'f16'), 'ok16.gguf', 'f32')).resolves.toBeDefined();
  });

  it('a NaN or Inf in a norm vector', async () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      await expect(load(gguf(poisoned(model, 'blk.1.ffn_norm.weight', 5, v)), 'norm.gguf'))
        .rejects.toThrow(new RegExp(`^norm\\.gguf: tensor blk\\.1\\.ffn_norm\\.weight holds a non-finite value \\(${v}\\) in its values at index 5`));
    }
  });

  it('NaN in F16 data and in F32 data, quantized at load (q8) or kept (f32)', async () => {
    const bytes = gguf(poisoned(model, 'blk.0.ffn_down.weight', 1000, NaN), 'f16');
    await expect(load(bytes, 'f16.gguf')).rejects.toThrow(/^f16\.gguf: tensor blk\.0\.ffn_down\.weight holds a non-finite value \(NaN\)/);
    await expect(load(bytes, 'f16.gguf', 'f32')).rejects.toThrow(/tensor blk\.0\.ffn_down\.weight holds a non-finite value \(NaN\) in its values at index 1000/);
    await expect(load(gguf(poisoned(model, 'token_embd.weight', 77, Infinity)), 'inf.gguf')).rejects.toThrow(/tensor token_embd\.weight holds a non-finite value \(Infinity\)/);
  });

  it('a Q8_0 block scale of Inf or NaN (f16 0x7c00, 0x7e00)', async () => {
    const good = gguf(model, 'q8_0');
    const t = parseGguf(good, 'q').tensors.find((x) => x.name === 'blk.1.attn_k.weight')!;
    expect(t.typeName).toBe('Q8_0');
    await expect(load(good, 'q8.gguf')).resolves.toBeDefined();
    for (const bits of [0x7c00, 0x7e00]) {
      const bad = good.slice();
      new DataView(bad.buffer).setUint16(t.fileOffset + 34 * 3, bits, true); // the 4th block's scale
      await expect(load(bad, 'q8.gguf')).rejects.toThrow(/^q8\.gguf: tensor blk\.1\.attn_k\.weight holds a non-finite value \((Infinity|NaN)\) in its scales at index 3/);
    }
  });

  it('a NaN float in a llama2.c checkpoint', async () => {
    const bin = readFileSync(join(MODELS, 'stories260K/stories260K.bin'));
    const bad = new Uint8Array(bin);
    new DataView(bad.buffer, bad.byteOffset).setFloat32(28 + 4 * 10, NaN, true); // token embedding, value 10
    await expect(load(bad, 'stories.bin')).rejects.toThrow(/^stories\.bin: tensor .* holds a non-finite value \(NaN\)/);
  });
});

describe('hyper-parameters are checked for type and range', () => {
  it('GGUF: RMS norm eps +Inf or 0, RoPE base NaN', () => {
    for (const [config, message] of [[{ normEps: Infinity }, /RMS norm eps is Infinity/], [{ normEps: 0 }, /rope theta|RMS norm eps/],
      [{ ropeTheta: NaN }, /RoPE base \(theta\) is NaN|rope theta NaN/], [{ normEps: 5 }, /RMS norm eps is 5/]] as const) {
      const bytes = gguf({ ...model, config: { ...model.config, ...config } });
      expect(() => readModelLayout(modelSourceFromBytes(bytes, 'hp.gguf')), JSON.stringify(config)).toThrow(message);
    }
  });

  it('HF: rms_norm_eps or rope_theta given as a string (not silently replaced by the default)', () => {
    for (const key of ['rms_norm_eps', 'rope_theta']) {
      const src = hf(model, (f) => f.set('config.json', text({ ...json(f.get('config.json')!), [key]: '1e-5' })));
      expect(() => readModelLayout(src)).toThrow(new RegExp(`tiny-hf/config\\.json: ${key} is "1e-5", expected a finite positive number`));
    }
  });

  it('GGUF: head_count that does not divide embedding_length, and a wrong embedding_length, are named (not "partial RoPE")', () => {
    const meta = (dim: number, heads: number) => [kv.string('general.architecture', 'llama'), kv.u32('llama.embedding_length', dim),
      kv.u32('llama.attention.head_count', heads), kv.u32('llama.rope.dimension_count', 16), kv.u32('llama.feed_forward_length', 160),
      kv.u32('llama.block_count', 2), kv.u32('llama.context_length', 64)];
    const sink = new MemorySink();
    writeGguf(sink, meta(64, 7), []);
    expect(() => readModelLayout(modelSourceFromBytes(sink.bytes(), 'h7.gguf'))).toThrow(/h7\.gguf: metadata llama\.embedding_length 64 is not a multiple of llama\.attention\.head_count 7/);
    // The real model has dim 64 (token_embd rows of 64), the metadata says 128.
    const bytes = gguf(model);
    const g = parseGguf(bytes, 'x');
    const lengthKey = new TextEncoder().encode('llama.embedding_length');
    let at = -1;
    for (let i = 0; i < g.dataOffset && at < 0; i++) if (lengthKey.every((b, j) => bytes[i + j] === b)) at = i + lengthKey.length;
    const bad = bytes.slice();
    const view = new DataView(bad.buffer);
    expect(view.getUint32(at, true)).toBe(4); // value type u32
    expect(view.getUint32(at + 4, true)).toBe(64);
    view.setUint32(at + 4, 128, true);
    expect(() => readModelLayout(modelSourceFromBytes(bad, 'dim.gguf'))).toThrow(/dim\.gguf: metadata llama\.embedding_length is 128 but token_embd\.weight has rows of 64 values/);
  });
});

describe('a tensor directory that lies', () => {
  it('a Q8_0 tensor relabelled F32 overlaps its neighbour: named', () => {
    const bytes = gguf(model, 'q8_0');
    const g = parseGguf(bytes, 'x');
    const name = 'blk.0.attn_q.weight';
    const nameBytes = new TextEncoder().encode(name);
    let at = -1;
    for (let i = 8; i < g.dataOffset && at < 0; i++) if (bytes[i - 8] === nameBytes.length && nameBytes.every((b, j) => bytes[i + j] === b)) at = i;
    const typeAt = at + nameBytes.length + 4 + 2 * 8;
    const bad = bytes.slice();
    expect(new DataView(bad.buffer).getUint32(typeAt, true)).toBe(8); // Q8_0
    new DataView(bad.buffer).setUint32(typeAt, 0, true); // F32
    expect(() => parseGguf(bad, 'flip.gguf')).toThrow(/flip\.gguf: tensor 'blk\.0\.attn_q\.weight' \(F32 .* overlaps tensor 'blk\.0\.attn_k\.weight' at offset \d+: a wrong type or offset in the tensor directory/);
  });

  it('a tensor count of -1 (all bits set) is a corrupt header', () => {
    const bad = gguf(model).slice();
    new DataView(bad.buffer).setBigInt64(8, -1n, true);
    expect(() => parseGguf(bad, 'neg.gguf')).toThrow(/neg\.gguf: corrupt header: tensor count is 18446744073709551615/);
  });

  it('safetensors data_offsets below zero', () => {
    const src = hf(model, (f) => {
      const st = f.get('model.safetensors')!;
      const n = Number(new DataView(st.buffer, st.byteOffset).getBigUint64(0, true));
      const header = json(st.subarray(8, 8 + n));
      const [a, b] = header['model.norm.weight'].data_offsets;
      header['model.norm.weight'].data_offsets = [a - 1_000_000, b - 1_000_000];
      const h = new TextEncoder().encode(JSON.stringify(header).padEnd(n, ' '));
      const out = st.slice();
      out.set(h.subarray(0, n), 8);
      expect(h.length).toBe(n);
      f.set('model.safetensors', out);
    });
    expect(() => readModelLayout(src)).toThrow(/tiny-hf\/model\.safetensors: tensor model\.norm\.weight has invalid data_offsets \[-/);
  });
});

describe('non-finite logits at the first step are a named error', () => {
  it('a forward pass giving NaN throws NonFiniteLogitsError, not "every token is masked" or NaN logits', async () => {
    const m = await loadModel(modelSourceFromBytes(gguf(model), 'ok.gguf'));
    expect(m.logits([1, 2, 3]).every(Number.isFinite)).toBe(true); // control
    // Damage the placed weights after the load checks (as a wrong-typed tensor or a huge value could).
    m.kernels.f32(m.weights.finalNorm, m.config.dim)[3] = NaN;
    expect(() => m.logits([1, 2, 4])).toThrow(NonFiniteLogitsError);
    expect(() => m.logits([1, 2, 5])).toThrow(/non-finite logit \(NaN for token \d+\): its weights or hyper-parameters are broken/);
  });
});

describe('through the CLI', () => {
  it('jsonlm logits on a GGUF with a NaN norm: exit 1 naming the tensor, no nulls printed', async () => {
    const { main } = await import('../../cli/main.js');
    const { vi } = await import('vitest');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = join(mkdtempSync(join(tmpdir(), 'jsonlm-nan-')), 'nan.gguf');
    writeFileSync(path, gguf(poisoned(model, 'output_norm.weight', 0, NaN)));
    let out = '', err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(((s: string) => { out += s; return true; }) as typeof process.stdout.write);
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err += a.join(' ') + '\n'; });
    try {
      expect(await main(['logits', '--model', path, '--tokens', '1,2,3'])).toBe(1);
    } finally {
      vi.restoreAllMocks();
    }
    expect(out).toBe('');
    expect(err).toMatch(/nan\.gguf: tensor output_norm\.weight holds a non-finite value \(NaN\)/);
  });
});
