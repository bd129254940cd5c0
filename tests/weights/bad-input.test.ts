// Every kind of bad model input gives an error that names the file and the problem (no deep crash, no
// hang, no silently wrong weights).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySource, type ByteSource } from '../../weights/byte-source.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { kv, MemorySink, writeGguf } from '../../weights/gguf-writer.js';
import { parseGguf } from '../../weights/gguf.js';
import { hfFolderFiles } from '../../weights/hf-writer.js';
import { modelSourceFromBytes, readModelLayout, type ModelSource } from '../../weights/load.js';
import { readModelSource } from '../../weights/node-files.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import type { ExportModel } from '../../weights/model-export.js';
import { MODELS } from '../paths.js';

const model = randomModel({ config: TINY, seed: 5 });

function gguf(m: ExportModel = model): Uint8Array {
  const sink = new MemorySink();
  writeModelGguf(m, sink, 'f32');
  return sink.bytes();
}
const layoutOf = (bytes: Uint8Array, name = 'm.gguf') => readModelLayout(modelSourceFromBytes(bytes, name));

/** Byte offset of the tensor-info entry for `name` (its u64 length prefix) in a GGUF header. */
function tensorInfoOffset(bytes: Uint8Array, name: string): number {
  const needle = new TextEncoder().encode(name);
  for (let i = 8; i < bytes.length; i++) {
    if (bytes[i] !== needle[0]) continue;
    let ok = bytes[i - 8] === needle.length;
    for (let j = 0; ok && j < needle.length; j++) ok = bytes[i + j] === needle[j];
    // Tensor names also appear nowhere in metadata here, so the first hit is the directory entry.
    if (ok) return i - 8;
  }
  throw new Error(`${name} not found`);
}

function hf(m: ExportModel = model, edit?: (files: Map<string, Uint8Array>) => void): ModelSource {
  const bytes = new Map<string, Uint8Array>();
  for (const f of hfFolderFiles(m, 'F32')) { const s = new MemorySink(); f.write(s); bytes.set(f.name, s.bytes()); }
  edit?.(bytes);
  const files = new Map<string, ByteSource>();
  for (const [n, b] of bytes) files.set(n, new MemorySource(b, `tiny-hf/${n}`));
  return { kind: 'hf', name: 'tiny-hf', files };
}
const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));
const text = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

describe('bad GGUF input', () => {
  const good = gguf();

  it('a good file loads (control)', () => {
    expect(layoutOf(good).config.nLayers).toBe(2);
  });
  it('wrong magic', () => {
    const b = good.slice(); b[0] = 0x47; b[1] = 0x47; b[2] = 0x4d; b[3] = 0x4c; // "GGML"
    expect(() => parseGguf(b, 'old.bin')).toThrow(/^old\.bin: not a GGUF file: wrong magic 0x4c4d4747 \('GGML'\)/);
  });
  it('unsupported versions', () => {
    const v1 = good.slice(); new DataView(v1.buffer).setUint32(4, 1, true);
    expect(() => parseGguf(v1, 'v1.gguf')).toThrow(/v1\.gguf: GGUF version 1 is not supported/);
    const be = good.slice(); new DataView(be.buffer).setUint32(4, 3 << 24, true);
    expect(() => parseGguf(be, 'be.gguf')).toThrow(/be\.gguf: unsupported GGUF version .*big-endian/);
  });
  it('truncated inside the metadata, inside the directory, and inside the tensor data', () => {
    expect(() => parseGguf(good.subarray(0, 3), 'a.gguf')).toThrow(/a\.gguf: truncated file/);
    expect(() => parseGguf(good.subarray(0, 200), 'b.gguf')).toThrow(/b\.gguf: (truncated file|corrupt header)/);
    const dir = parseGguf(good, 'x');
    expect(() => parseGguf(good.subarray(0, dir.dataOffset - 10), 'c.gguf')).toThrow(/c\.gguf: (truncated file|corrupt header)/);
    expect(() => parseGguf(good.subarray(0, good.length - 100), 'd.gguf'))
      .toThrow(/d\.gguf: header claims more bytes than the file holds: tensor '.*' .* but the file has \d+ bytes/);
  });
  it('a header count or string length larger than the file', () => {
    const b = good.slice(); new DataView(b.buffer).setBigUint64(8, 1n << 40n, true);
    expect(() => parseGguf(b, 'n.gguf')).toThrow(/n\.gguf: corrupt header: tensor count is 1099511627776/);
    const c = good.slice(); new DataView(c.buffer).setBigUint64(24, 1n << 33n, true); // first key's length
    expect(() => parseGguf(c, 's.gguf')).toThrow(/s\.gguf: corrupt header: length of metadata key #0 is 8589934592/);
  });
  it('unknown tensor type, and a known type jsonlm cannot load', () => {
    const at = tensorInfoOffset(good, 'blk.0.attn_q.weight');
    const typeAt = at + 8 + 'blk.0.attn_q.weight'.length + 4 + 2 * 8;
    const unknown = good.slice(); new DataView(unknown.buffer).setUint32(typeAt, 99, true);
    expect(() => parseGguf(unknown, 'u.gguf')).toThrow(/u\.gguf: tensor 'blk\.0\.attn_q\.weight' has unknown tensor type 99/);
    // Q8_1 (id 9, ggml's activation type) is smaller than F32, so the file still holds it; the loader
    // refuses it by name.
    const q81 = good.slice(); new DataView(q81.buffer).setUint32(typeAt, 9, true);
    expect(() => layoutOf(q81, 'q81.gguf')).toThrow(/q81\.gguf: tensor blk\.0\.attn_q\.weight has type Q8_1, which jsonlm cannot load/);
  });
  it('a missing tensor', () => {
    const m: ExportModel = { ...model, tensors: model.tensors.filter((t) => t.name !== 'blk.1.ffn_up.weight') };
    expect(() => layoutOf(gguf(m), 'missing.gguf')).toThrow(/missing\.gguf: missing tensor blk\.1\.ffn_up\.weight/);
  });
  it('shapes that disagree with the config', () => {
    const m: ExportModel = { ...model, config: { ...model.config, hiddenDim: 128 } };
    expect(() => layoutOf(gguf(m), 'shape.gguf')).toThrow(/shape\.gguf: tensor blk\.0\.ffn_gate\.weight has shape \[160, 64\] but the config implies \[128, 64\]/);
  });
  it('an unsupported architecture, named', () => {
    const bytes = readFileSync(join(MODELS, 'gguf-vocab-gpt2/ggml-vocab-gpt-2.gguf'));
    expect(() => layoutOf(bytes, 'ggml-vocab-gpt-2.gguf')).toThrow(/ggml-vocab-gpt-2\.gguf: unsupported architecture 'gpt2'/);
    const sink = new MemorySink();
    writeGguf(sink, [kv.string('general.architecture', 'mamba')], []);
    expect(() => layoutOf(sink.bytes(), 'mamba.gguf')).toThrow(/mamba\.gguf: unsupported architecture 'mamba'/);
  });
  it('missing hyper-parameters', () => {
    const sink = new MemorySink();
    writeGguf(sink, [kv.string('general.architecture', 'llama'), kv.u32('llama.embedding_length', 64)], []);
    expect(() => layoutOf(sink.bytes(), 'nohp.gguf')).toThrow(/nohp\.gguf: missing metadata llama\.attention\.head_count/);
  });
});

describe('bad HF folder input', () => {
  it('a good folder loads (control)', () => {
    expect(readModelLayout(hf()).config.ropeStyle).toBe('half');
  });
  it('no config.json / no safetensors', () => {
    expect(() => readModelLayout(hf(model, (f) => f.delete('config.json')))).toThrow(/tiny-hf: not a Hugging Face model folder: no config\.json/);
    expect(() => readModelLayout(hf(model, (f) => f.delete('model.safetensors')))).toThrow(/tiny-hf: no model\.safetensors/);
  });
  it('unsupported architecture, named', () => {
    expect(() => readModelLayout(hf(model, (f) => f.set('config.json', text({ ...json(f.get('config.json')!), architectures: ['MistralForCausalLM'], model_type: 'mistral' })))))
      .toThrow(/tiny-hf\/config\.json: unsupported architecture 'MistralForCausalLM'/);
  });
  it('config.json that is not JSON', () => {
    expect(() => readModelLayout(hf(model, (f) => f.set('config.json', new TextEncoder().encode('{oops'))))).toThrow(/tiny-hf\/config\.json: not valid JSON/);
  });
  it('safetensors truncated, with a header larger than the file, with an unknown or unloadable dtype', () => {
    expect(() => readModelLayout(hf(model, (f) => f.set('model.safetensors', f.get('model.safetensors')!.subarray(0, 5000)))))
      .toThrow(/tiny-hf\/model\.safetensors: header claims more bytes than the file holds: tensor .* ends at byte \d+ but the file has 5000/);
    expect(() => readModelLayout(hf(model, (f) => { const b = f.get('model.safetensors')!.slice(); new DataView(b.buffer).setBigUint64(0, 1n << 50n, true); f.set('model.safetensors', b); })))
      .toThrow(/tiny-hf\/model\.safetensors: header claims more bytes than the file holds: header length/);
    const retype = (from: string, to: string) => (f: Map<string, Uint8Array>) => {
      const b = f.get('model.safetensors')!;
      const s = new TextDecoder('latin1').decode(b).replace(from, to);
      f.set('model.safetensors', Uint8Array.from(s, (c) => c.charCodeAt(0)));
    };
    expect(() => readModelLayout(hf(model, retype('"dtype":"F32"', '"dtype":"F99"')))).toThrow(/model\.safetensors: tensor .* has unknown dtype "F99"/);
    expect(() => readModelLayout(hf(model, retype('"dtype":"F32","shape":[288,64]', '"dtype":"I32","shape":[288,64]'))))
      .toThrow(/model\.safetensors: tensor model\.embed_tokens\.weight has dtype I32, which jsonlm cannot load/);
  });
  it('a shard listed in the index but absent; a missing tensor; a wrong shape', () => {
    expect(() => readModelLayout(hf(model, (f) => f.set('model.safetensors.index.json', text({ weight_map: { 'model.norm.weight': 'model-00002-of-00002.safetensors' } })))))
      .toThrow(/tiny-hf: missing shard model-00002-of-00002\.safetensors/);
    const noUp: ExportModel = { ...model, tensors: model.tensors.filter((t) => t.name !== 'blk.0.ffn_up.weight') };
    expect(() => readModelLayout(hf(noUp))).toThrow(/tiny-hf: missing tensor model\.layers\.0\.mlp\.up_proj\.weight/);
    expect(() => readModelLayout(hf(model, (f) => f.set('config.json', text({ ...json(f.get('config.json')!), intermediate_size: 100 })))))
      .toThrow(/tiny-hf: tensor model\.layers\.0\.mlp\.gate_proj\.weight has shape \[160, 64\] but the config implies \[100, 64\]/);
  });
});

describe('bad paths', () => {
  it('a path that does not exist, an empty file, a file too short to be anything', () => {
    expect(() => readModelSource('/nonexistent/model.gguf')).toThrow(/\/nonexistent\/model\.gguf: cannot open: ENOENT/);
    const dir = mkdtempSync(join(tmpdir(), 'jsonlm-bad-'));
    try {
      writeFileSync(join(dir, 'empty.gguf'), new Uint8Array(0));
      expect(() => readModelSource(join(dir, 'empty.gguf'))).toThrow(/empty\.gguf: not a model file: 0 bytes/);
      writeFileSync(join(dir, 'folder-file'), new Uint8Array(10));
      expect(() => readModelSource(join(dir, 'folder-file'))).toThrow(/folder-file: not a model file/);
      expect(() => readModelSource(dir)).toThrow(/not a Hugging Face model folder: no config\.json/);
    } finally { rmSync(dir, { recursive: true }); }
  });
});
