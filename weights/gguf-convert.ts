// Writing a model as a GGUF file llama.cpp can load: general.* / llama.* hyper-parameters, the tokenizer,
// tensors named the llama.cpp way with Q/K rows in interleaved order, in F32, F16, BF16, Q8_0, Q4_0 or Q4_K.
// Q8_0 quantization runs in the kernels (quantize_rows_q8 with the fp16-scale mode: d = amax/127 stored as
// fp16, q = round(x / d)), so a file written on any machine has the same bytes. Norm vectors stay F32,
// as llama.cpp's converter keeps them; a matrix whose rows are not a multiple of 32 falls back to F16.
// Q4_0 and Q4_K (every matrix, like llama-quantize --pure Q4_0 / Q4_K_S; a Q4_K matrix whose rows are not a
// multiple of 256 becomes Q5_0, as llama-quantize does) are quantized by weights/ggml-quantize.ts.
import { GGUF_COPY_BIAS_KEY, GGUF_VALUE_CHOICE_KEY, GGUF_GROUNDED_KEY } from './extraction-hints.js';
import type { Kernels } from '../kernels/kernels.js';
import { f32BitsToBf16Bits, f32BitsToF16Bits } from './half.js';
import { GGML_TYPE_ID, Q8_0_BLOCK, Q8_0_BYTES } from './ggml-types.js';
import { kv, writeGguf, type ByteSink, type GgufKv, type GgufTensorToWrite } from './gguf-writer.js';
import { exportChunkRows, withRopeStyle, type ExportModel, type ExportTensor } from './model-export.js';
import { quantizeKernel } from './place.js';
import { Q4_0_BYTES, Q4_K_BYTES, Q5_0_BYTES, quantizeQ4_0, quantizeQ4_K, quantizeQ5_0 } from './ggml-quantize.js';
import { tokenizerGgufMetadata } from './tokenizer-gguf.js';

/** quantize_rows_q8's f16Scale argument for writing Q8_0 weights: 2 asks for ggml's weight quantizer
 * (quantize_row_q8_0_ref: fp16 d, q = roundf(x * (1/d)), ties away from zero), which llama-quantize uses.
 * A kernel that only knows 0/1 treats it as 1 (fp16 d, ties to even): identical except on exact ties. */
export const GGML_WEIGHT_ROUNDING = 2;

export type GgufOutputType = 'f32' | 'f16' | 'bf16' | 'q8_0' | 'q4_0' | 'q4_k';

/** llama_ftype values for general.file_type. */
const FILE_TYPE: Record<GgufOutputType, number> = { f32: 0, f16: 1, q4_0: 2, q8_0: 7, q4_k: 14, bf16: 32 };

export function ggufModelMetadata(model: ExportModel, type: GgufOutputType): GgufKv[] {
  const c = model.config;
  const out: GgufKv[] = [
    kv.string('general.architecture', 'llama'),
    kv.string('general.name', model.name),
    kv.u32('general.file_type', FILE_TYPE[type]),
    kv.u32('llama.context_length', c.contextLength),
    kv.u32('llama.embedding_length', c.dim),
    kv.u32('llama.block_count', c.nLayers),
    kv.u32('llama.feed_forward_length', c.hiddenDim),
    kv.u32('llama.attention.head_count', c.nHeads),
    kv.u32('llama.attention.head_count_kv', c.nKvHeads),
    kv.f32('llama.rope.freq_base', c.ropeTheta),
    kv.f32('llama.attention.layer_norm_rms_epsilon', c.normEps),
    kv.u32('llama.rope.dimension_count', c.headDim),
    kv.u32('llama.vocab_size', c.vocabSize),
  ];
  if (c.headDim * c.nHeads !== c.dim) {
    out.push(kv.u32('llama.attention.key_length', c.headDim), kv.u32('llama.attention.value_length', c.headDim));
  }
  if (type !== 'f32' && type !== 'f16' && type !== 'bf16') out.push(kv.u32('general.quantization_version', 2));
  if (model.hints?.copyBias !== undefined) out.push(kv.f32(GGUF_COPY_BIAS_KEY, model.hints.copyBias));
  if (model.hints?.valueChoice !== undefined) out.push(kv.bool(GGUF_VALUE_CHOICE_KEY, model.hints.valueChoice));
  if (model.hints?.grounded !== undefined) out.push(kv.bool(GGUF_GROUNDED_KEY, model.hints.grounded));
  return [...out, ...tokenizerGgufMetadata(model.tokenizerSource, c.vocabSize)];
}

function f32Tensor(t: ExportTensor, convert?: (bits: number) => number): GgufTensorToWrite {
  const cols = t.shape[t.shape.length - 1], rows = t.shape.length === 1 ? 1 : t.shape[0];
  const shape = t.shape;
  return {
    name: t.name, shape, type: convert === undefined ? GGML_TYPE_ID.F32 : convert === f32BitsToF16Bits ? GGML_TYPE_ID.F16 : GGML_TYPE_ID.BF16,
    write(emit) {
      const step = exportChunkRows(cols);
      const buf = new Float32Array(Math.min(step, rows) * cols);
      const bits = new Uint32Array(buf.buffer);
      const halves = new Uint16Array(buf.length);
      for (let r = 0; r < rows; r += step) {
        const n = Math.min(step, rows - r);
        t.readRowsF32(r, n, buf.subarray(0, n * cols));
        if (!convert) { emit(new Uint8Array(buf.buffer, 0, n * cols * 4)); continue; }
        for (let i = 0; i < n * cols; i++) halves[i] = convert(bits[i]);
        emit(new Uint8Array(halves.buffer, 0, n * cols * 2));
      }
    },
  };
}

function q8_0Tensor(t: ExportTensor, kernels: Kernels): GgufTensorToWrite {
  const [rows, cols] = t.shape;
  const blocksPerRow = cols / Q8_0_BLOCK;
  return {
    name: t.name, shape: t.shape, type: GGML_TYPE_ID.Q8_0,
    write(emit) {
      const step = exportChunkRows(cols);
      if (t.readRowsQ8_0) {
        for (let r = 0; r < rows; r += step) emit(t.readRowsQ8_0(r, Math.min(step, rows - r)));
        return;
      }
      const quantize = quantizeKernel(kernels);
      const mark = kernels.mark();
      const nMax = Math.min(step, rows);
      const x = kernels.alloc(nMax * cols * 4, 16), q = kernels.alloc(nMax * cols, 16), s = kernels.alloc(nMax * blocksPerRow * 4, 16);
      const out = new Uint8Array(nMax * blocksPerRow * Q8_0_BYTES);
      try {
        for (let r = 0; r < rows; r += step) {
          const n = Math.min(step, rows - r);
          t.readRowsF32(r, n, kernels.f32(x, n * cols));
          quantize(x, n, cols, q, s, Q8_0_BLOCK, GGML_WEIGHT_ROUNDING);
          const qv = kernels.u8(q, n * cols), sv = kernels.u32(s, n * blocksPerRow);
          for (let b = 0; b < n * blocksPerRow; b++) {
            // The kernel stored d already rounded to binary16, so this conversion is exact.
            const h = f32BitsToF16Bits(sv[b]);
            const o = b * Q8_0_BYTES;
            out[o] = h & 0xff; out[o + 1] = h >>> 8;
            out.set(qv.subarray(b * Q8_0_BLOCK, (b + 1) * Q8_0_BLOCK), o + 2);
          }
          emit(out.subarray(0, n * blocksPerRow * Q8_0_BYTES));
        }
      } finally {
        kernels.release(mark);
      }
    },
  };
}

/** ggml block types written in JS by ggml-quantize.ts: type id, block size, bytes per block, quantizer. */
const JS_QUANTIZED = {
  Q4_0: { id: GGML_TYPE_ID.Q4_0, block: 32, bytes: Q4_0_BYTES, quantize: quantizeQ4_0 },
  Q5_0: { id: GGML_TYPE_ID.Q5_0, block: 32, bytes: Q5_0_BYTES, quantize: quantizeQ5_0 },
  Q4_K: { id: GGML_TYPE_ID.Q4_K, block: 256, bytes: Q4_K_BYTES, quantize: quantizeQ4_K },
};

function blockTensor(t: ExportTensor, kind: keyof typeof JS_QUANTIZED): GgufTensorToWrite {
  const [rows, cols] = t.shape;
  const q = JS_QUANTIZED[kind];
  return {
    name: t.name, shape: t.shape, type: q.id,
    write(emit) {
      const step = exportChunkRows(cols);
      const x = new Float32Array(Math.min(step, rows) * cols);
      const out = new Uint8Array((x.length / q.block) * q.bytes);
      for (let r = 0; r < rows; r += step) {
        const n = Math.min(step, rows - r);
        t.readRowsF32(r, n, x.subarray(0, n * cols));
        q.quantize(x.subarray(0, n * cols), out);
        emit(out.subarray(0, ((n * cols) / q.block) * q.bytes));
      }
    },
  };
}

/** The GGUF tensors of a model (Q/K rows permuted to interleaved order if the source is half-style). */
export function ggufTensors(model: ExportModel, type: GgufOutputType, kernels?: Kernels): GgufTensorToWrite[] {
  const m = withRopeStyle(model, 'interleaved');
  return m.tensors.map((t) => {
    if (t.shape.length === 1 || type === 'f32') return f32Tensor(t);
    if (type === 'f16') return f32Tensor(t, f32BitsToF16Bits);
    if (type === 'bf16') return f32Tensor(t, f32BitsToBf16Bits);
    if (t.shape[1] % Q8_0_BLOCK !== 0) return f32Tensor(t, f32BitsToF16Bits);
    if (type === 'q4_0') return blockTensor(t, 'Q4_0');
    // llama-quantize's fallback for rows that are not a multiple of 256: Q4_K -> Q5_0.
    if (type === 'q4_k') return blockTensor(t, t.shape[1] % 256 === 0 ? 'Q4_K' : 'Q5_0');
    if (!kernels && !t.readRowsQ8_0) throw new Error('writing Q8_0 needs the kernels (quantize_rows_q8)');
    return q8_0Tensor(t, kernels!);
  });
}

/** Writes `model` as a GGUF file of `type`; returns the byte count. */
export function writeModelGguf(model: ExportModel, sink: ByteSink, type: GgufOutputType, kernels?: Kernels): number {
  return writeGguf(sink, ggufModelMetadata(model, type), ggufTensors(model, type, kernels));
}
