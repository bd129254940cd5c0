// Placing tensors into the kernels' WebAssembly memory, one tensor and one chunk of rows at a time, so
// the JS heap never holds more than a chunk. Matrices become the kernels' int8 layout (Q8Matrix) or f32;
// norm vectors are always f32. Quantization at load runs in the kernel (quantize_rows_q8) so its float
// math is the module's, bit-identical everywhere; Q8_0 and llama2.c Q8 tensors are copied as they are, and
// so are the ggml block types that are int8 times one scale per 32 values (Q4_0, Q5_0, IQ4_NL, IQ4_XS);
// the other block types (Q4_1, Q5_1, K-quants) are dequantized exactly and requantized like F16.
import type { Kernels, Ptr } from '../kernels/kernels.js';
import type { F32Matrix, Matrix, Q8Matrix } from './model-weights.js';
import type { TensorRef } from './model-layout.js';
import { tensorCols, tensorRows, type TensorReader } from './tensor-read.js';
import { Q8_0_BLOCK } from './ggml-types.js';
import { WeightsFormatError } from './byte-source.js';
import { hasInt8Blocks } from './ggml-quants.js';
import { isPlacedAsQ4, placeQ4Matrix, q4PlacementBytes } from './place-q4.js';

export interface PlaceOptions {
  dtype: 'q8' | 'f32';
  /** Group size for matrices quantized at load (default 32). Q8_0 / llama2.c Q8 tensors keep theirs. */
  group: number;
  /** GGUF Q4_0 matrices with dtype 'q8': 'packed' (default) as Q4Matrix, 4 bits per weight; 'int8'
   * expanded to the int8 layout (the same values and logits, twice the bytes). */
  q4_0?: 'packed' | 'int8';
}

function keepsQ4(ref: TensorRef, options: PlaceOptions): boolean {
  return options.dtype === 'q8' && (options.q4_0 ?? 'packed') === 'packed' && isPlacedAsQ4(ref);
}

/** Int8 sources whose groups fit the kernels' layout (whole groups inside each row, a multiple of 16
 * values) are copied as they are; others (llama2.c groups crossing rows or of 4 values) are dequantized
 * exactly and requantized per row. */
function isCopiedAsInt8(ref: TensorRef): boolean {
  const enc = ref.encoding;
  return enc.kind === 'Q8_0' || (enc.kind === 'GGML_BLOCKS' && hasInt8Blocks(enc.type)) || (enc.kind === 'Q8_GROUPS' && tensorCols(ref) % enc.group === 0 && enc.group % 16 === 0);
}

/** Rows per chunk so that a chunk's f32 values stay near 4 MiB. */
function chunkRows(cols: number): number { return Math.max(1, Math.floor((4 << 20) / (cols * 4))); }

export function quantizeKernel(k: Kernels): (x: Ptr, rows: number, cols: number, q: Ptr, scales: Ptr, group: number, f16Scale: number) => void {
  const fn = k.exports.quantize_rows_q8;
  if (typeof fn !== 'function') {
    throw new Error('kernels: this build has no quantize_rows_q8 export (rebuild with npm run build:kernels)');
  }
  return fn as (x: Ptr, rows: number, cols: number, q: Ptr, scales: Ptr, group: number, f16Scale: number) => void;
}

/** A NaN or infinite weight makes every logit NaN (every token then looks masked), so model files, which
 * are untrusted input, are checked as they are placed: whole f32 data and norm vectors, and the scales of
 * int8 matrices (a NaN or infinite value in a group's source data gives that group a NaN or infinite
 * scale, as the quantizer's max propagates NaN; a Q8_0 or llama2.c scale is checked as stored). Costs one
 * linear scan of 1/group of the matrix values. */
function requireFinite(ref: TensorRef, values: Float32Array, what: string, firstIndex: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      throw new WeightsFormatError(ref.source.name, `tensor ${ref.fileTensorName} holds a non-finite value (${v}) in its ${what} ` +
        `at index ${firstIndex + i}: the file is damaged or was exported from a diverged model`);
    }
  }
}

export function placeVector(k: Kernels, reader: TensorReader, ref: TensorRef): Ptr {
  const n = ref.shape.reduce((a, b) => a * b, 1);
  const ptr = k.alloc(n * 4);
  reader.readRowsF32({ ...ref, shape: [n] }, 0, 1, k.f32(ptr, n));
  requireFinite(ref, k.f32(ptr, n), 'values', 0);
  return ptr;
}

export function placeF32Matrix(k: Kernels, reader: TensorReader, ref: TensorRef): F32Matrix {
  const rows = tensorRows(ref), cols = tensorCols(ref);
  const data = k.alloc(rows * cols * 4);
  const step = chunkRows(cols);
  for (let r = 0; r < rows; r += step) {
    const nr = Math.min(step, rows - r);
    reader.readRowsF32(ref, r, nr, k.f32(data + r * cols * 4, nr * cols));
    requireFinite(ref, k.f32(data + r * cols * 4, nr * cols), 'values', r * cols);
  }
  return { kind: 'f32', rows, cols, data };
}

export function placeQ8Matrix(k: Kernels, reader: TensorReader, ref: TensorRef, group: number): Q8Matrix {
  const rows = tensorRows(ref), cols = tensorCols(ref);
  const enc = ref.encoding;
  const step = chunkRows(cols);
  if (isCopiedAsInt8(ref)) {
    // Already int8 in row-aligned groups: copy, no requantization (it would only add error).
    const g = enc.kind === 'Q8_GROUPS' ? enc.group : Q8_0_BLOCK;
    const perRow = cols / g;
    const q = k.alloc(rows * cols, 16);
    const scales = k.alloc(rows * perRow * 4, 16);
    for (let r = 0; r < rows; r += step) {
      const nr = Math.min(step, rows - r);
      const qView = k.i8(q + r * cols, nr * cols);
      if (enc.kind === 'Q8_0') reader.readRowsQ8_0(ref, r, nr, qView, k.u32(scales + r * perRow * 4, nr * perRow));
      else if (enc.kind === 'GGML_BLOCKS') reader.readRowsInt8Blocks(ref, r, nr, qView, k.u32(scales + r * perRow * 4, nr * perRow));
      else reader.readRowsQ8Groups(ref, r, nr, qView, k.u8(scales + r * perRow * 4, nr * perRow * 4));
    }
    requireFinite(ref, k.f32(scales, rows * perRow), 'scales', 0);
    return { kind: 'q8', rows, cols, group: g, q, scales };
  }
  const quantize = quantizeKernel(k);
  const perRow = Math.ceil(cols / group);
  const rowStride = perRow * group;
  const q = k.alloc(rows * rowStride, 16);
  const scales = k.alloc(rows * perRow * 4, 16);
  if (rowStride !== cols) k.u8(q, rows * rowStride).fill(0); // padding bytes must be zero
  const mark = k.mark();
  const nChunk = Math.min(step, rows);
  const x = k.alloc(nChunk * cols * 4, 16);
  for (let r = 0; r < rows; r += step) {
    const nr = Math.min(step, rows - r);
    reader.readRowsF32(ref, r, nr, k.f32(x, nr * cols));
    quantize(x, nr, cols, q + r * rowStride, scales + r * perRow * 4, group, 0);
  }
  k.release(mark);
  requireFinite(ref, k.f32(scales, rows * perRow), 'values (group scales after quantizing)', 0);
  return { kind: 'q8', rows, cols, group, q, scales };
}

/** Bytes placeMatrix / placeVector will allocate for `ref` (with alignment slack and load scratch), so the
 * loader can grow WebAssembly memory once: growing it tensor by tensor makes V8 re-account external
 * memory and garbage-collect on every step (seconds for a 135M model). */
export function placementBytes(ref: TensorRef, options: PlaceOptions): { kept: number; scratch: number } {
  const rows = tensorRows(ref), cols = tensorCols(ref);
  if (ref.shape.length === 1 || options.dtype === 'f32') return { kept: rows * cols * 4 + 64, scratch: 0 };
  if (keepsQ4(ref, options)) return { kept: q4PlacementBytes(ref), scratch: 0 };
  const enc = ref.encoding;
  const copied = isCopiedAsInt8(ref);
  const g = !copied ? options.group : enc.kind === 'Q8_GROUPS' ? enc.group : Q8_0_BLOCK;
  const perRow = Math.ceil(cols / g);
  return { kept: rows * perRow * g + rows * perRow * 4 + 32, scratch: copied ? 0 : Math.min(chunkRows(cols), rows) * cols * 4 + 16 };
}

export function placeMatrix(k: Kernels, reader: TensorReader, ref: TensorRef, options: PlaceOptions): Matrix {
  if (keepsQ4(ref, options)) return placeQ4Matrix(k, ref);
  return options.dtype === 'f32' ? placeF32Matrix(k, reader, ref) : placeQ8Matrix(k, reader, ref, options.group);
}
