// The llama.cpp parity fixtures: ref-*/hf (F32 safetensors, HF row order) and ref-*-q8_0.gguf (written by
// llama-quantize) are the same model. Checked: the loaders agree within Q8_0 error; HF -> GGUF F32
// conversion permutes Q/K rows as convert_hf_to_gguf.py does (bit for bit); HF -> GGUF Q8_0 conversion
// reproduces llama-quantize's blocks.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Kernels } from '../../kernels/kernels.js';
import { loadWeights, readModelLayout, modelSourceFromBytes } from '../../weights/load.js';
import { closeModelSource, FileSource, readModelSource } from '../../weights/node-files.js';
import { exportFromLayout } from '../../weights/model-export.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { parseGguf } from '../../weights/gguf.js';
import { halfRowForInterleavedRow, permuteRows } from '../../weights/rope-permute.js';
import { REFERENCE } from '../paths.js';
import { expectSameArray, expectSameF32, placedTensors } from './helpers.js';

async function loadPath(path: string, dtype: 'q8' | 'f32') {
  const k = await Kernels.create();
  const src = readModelSource(path);
  try {
    const loaded = await loadWeights(src, k, { dtype });
    return { ...loaded, tensors: placedTensors(k, loaded.weights) };
  } finally { closeModelSource(src); }
}

function hfAsInterleaved(t: Map<string, Float32Array>, headDim: number, dim: number): Map<string, Float32Array> {
  const out = new Map(t);
  for (const [name, v] of t) {
    if (/attn_[qk]\.weight$/.test(name)) out.set(name, permuteRows(v, v.length / dim, dim, (r) => halfRowForInterleavedRow(r, headDim)));
  }
  return out;
}

for (const ref of ['ref-bpe', 'ref-spm']) {
  describe(ref, () => {
    it('HF folder (f32) and llama.cpp Q8_0 GGUF load to the same weights within Q8_0 error', async () => {
      const hf = await loadPath(join(REFERENCE, ref, 'hf'), 'f32');
      const q8 = await loadPath(join(REFERENCE, ref, `${ref}-q8_0.gguf`), 'q8');
      expect(hf.config.ropeStyle).toBe('half');
      expect(q8.config.ropeStyle).toBe('interleaved');
      expect({ ...q8.config, ropeStyle: 'half', normEps: hf.config.normEps }).toEqual(hf.config);
      expect(hf.tokenizerSource?.kind).toBe(ref === 'ref-bpe' ? 'hf' : undefined);
      expect(q8.tokenizerSource?.kind).toBe('gguf');
      const want = hfAsInterleaved(hf.tensors, hf.config.headDim, hf.config.dim);
      for (const [name, exact] of want) {
        const got = q8.tensors.get(name)!;
        if (name.endsWith('norm.weight')) { expectSameF32(got, exact, name); continue; }
        // Q8_0: |x - q*d16| <= d/2 + 127*|d - d16| <= (0.5 + 127 * 2^-11) * amax/127 per 32-block.
        const rowLen = name.includes('ffn_down') ? hf.config.hiddenDim : hf.config.dim;
        for (let b = 0; b < exact.length; b += 32) {
          let amax = 0;
          for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(exact[b + j]));
          for (let j = 0; j < 32; j++) {
            const err = Math.abs(got[b + j] - exact[b + j]);
            if (err > (0.5 + 127 / 2048) * amax / 127 + 1e-12) throw new Error(`${name}[${b + j}] (${rowLen} per row): err ${err}, amax ${amax}`);
          }
        }
      }
    });

    it('converting the HF folder to GGUF F32 permutes Q/K exactly like convert_hf_to_gguf.py', async () => {
      const src = readModelSource(join(REFERENCE, ref, 'hf'));
      const sink = new MemorySink();
      writeModelGguf(exportFromLayout(readModelLayout(src), ref), sink, 'f32');
      closeModelSource(src);
      const bytes = sink.bytes();
      const k = await Kernels.create();
      const conv = await loadWeights(modelSourceFromBytes(bytes, `${ref}-f32.gguf`), k, { dtype: 'f32' });
      const hf = await loadPath(join(REFERENCE, ref, 'hf'), 'f32');
      const want = hfAsInterleaved(hf.tensors, hf.config.headDim, hf.config.dim);
      const got = placedTensors(k, conv.weights);
      for (const [name, v] of want) expectSameF32(got.get(name), v, name);
      expect(conv.config).toEqual({ ...hf.config, ropeStyle: 'interleaved', normEps: Math.fround(hf.config.normEps) });
      // The tokenizer metadata matches what llama.cpp's converter wrote into the reference GGUF.
      const ours = parseGguf(bytes, 'ours').metadata;
      const refFile = new FileSource(join(REFERENCE, ref, `${ref}-q8_0.gguf`));
      const theirs = parseGguf(refFile, 'ref').metadata;
      refFile.close();
      if (ref === 'ref-bpe') {
        for (const key of ['tokenizer.ggml.model', 'tokenizer.ggml.pre', 'tokenizer.ggml.tokens', 'tokenizer.ggml.token_type',
          'tokenizer.ggml.merges', 'tokenizer.ggml.bos_token_id', 'tokenizer.ggml.eos_token_id', 'tokenizer.ggml.padding_token_id',
          'tokenizer.ggml.add_bos_token']) {
          const v = theirs.get(key);
          if (Array.isArray(v)) expectSameArray(ours.get(key), v, key); else expect(ours.get(key), key).toEqual(v);
        }
      }
      for (const key of ['llama.context_length', 'llama.embedding_length', 'llama.block_count', 'llama.feed_forward_length',
        'llama.attention.head_count', 'llama.attention.head_count_kv', 'llama.rope.freq_base', 'llama.attention.layer_norm_rms_epsilon',
        'llama.rope.dimension_count', 'llama.vocab_size', 'general.architecture']) expect(ours.get(key), key).toEqual(theirs.get(key));
    });

    // llama-quantize rounds q half away from zero (quantize_row_q8_0_ref's roundf); convert asks the kernel
    // for that rounding (f16Scale = 2), so every byte of every tensor must equal llama.cpp's own file.
    it('converting the HF folder to Q8_0 reproduces llama-quantize\'s file tensor by tensor, byte for byte', async () => {
      const src = readModelSource(join(REFERENCE, ref, 'hf'));
      const sink = new MemorySink();
      const k = await Kernels.create();
      writeModelGguf(exportFromLayout(readModelLayout(src), ref), sink, 'q8_0', k);
      closeModelSource(src);
      const ours = sink.bytes();
      const ourDir = parseGguf(ours, 'ours');
      const refSrc = readModelSource(join(REFERENCE, ref, `${ref}-q8_0.gguf`));
      const refFile = refSrc.kind === 'gguf' ? refSrc.file : undefined!;
      const refDir = parseGguf(refFile, 'ref');
      let total = 0;
      for (const t of refDir.tensors) {
        const o = ourDir.tensors.find((x) => x.name === t.name)!;
        expect(o.typeName, t.name).toBe(t.typeName);
        const a = ours.subarray(o.fileOffset, o.fileOffset + o.byteLength), b = refFile.read(t.fileOffset, t.byteLength);
        let differing = 0;
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
        expect(differing, `${t.name}: bytes differing from llama-quantize`).toBe(0);
        expect(a.length, t.name).toBe(b.length);
        total += a.length;
      }
      closeModelSource(refSrc);
      console.log(`${ref}: Q8_0 conversion equals llama-quantize on all ${total} tensor bytes`);
    });
  });
}
