// Decoding a tensor's rows to f32 (or to int8 blocks + scales) from its file bytes, a chunk at a time.
// Every conversion here is exact or fully specified, so JS gives the same bits everywhere:
//  - F16/BF16 -> f32 are bit manipulations (weights/half.ts);
//  - Q8_0 dequantization q*d: an 8-bit integer times an fp16 value (11 significant bits) has at most
//    19 significant bits, so the product is exact in f32 (no rounding at all);
//  - llama2.c Q8 groups q*s (s a full f32): the double product is exact, and storing it into a
//    Float32Array rounds once to nearest even, which is exactly IEEE f32 multiplication (what wasm f32.mul
//    computes);
//  - the other ggml block types: ggml's own dequantization arithmetic, exact as argued in ggml-quants.ts.
import { WeightsFormatError } from './byte-source.js';
import { bf16ToF32Bits, f16BitsToF32Bits, f16Table, f16ToF32Bits } from './half.js';
import { GGML_TYPE_BY_NAME, Q8_0_BLOCK, Q8_0_BYTES } from './ggml-types.js';
import { dequantizeBlocks, int8Blocks, type GgmlBlockType } from './ggml-quants.js';
import type { TensorRef } from './model-layout.js';

export function tensorCols(ref: TensorRef): number { return ref.shape[ref.shape.length - 1]; }
export function tensorRows(ref: TensorRef): number { return ref.shape.length === 1 ? 1 : ref.shape.slice(0, -1).reduce((a, b) => a * b, 1); }
export function tensorNumel(ref: TensorRef): number { return ref.shape.reduce((a, b) => a * b, 1); }

/** Bytes of the tensor's data region (int8 + scales for Q8_GROUPS, counted separately). */
export function tensorByteLength(ref: TensorRef): number {
  const n = tensorNumel(ref);
  switch (ref.encoding.kind) {
    case 'F32': return n * 4;
    case 'F16': case 'BF16': return n * 2;
    case 'Q8_0': return (n / Q8_0_BLOCK) * Q8_0_BYTES;
    case 'Q8_GROUPS': return n;
    case 'GGML_BLOCKS': { const t = GGML_TYPE_BY_NAME.get(ref.encoding.type)!; return (n / t.blockSize) * t.typeSize; }
  }
}

/** Block size and bytes per block of a GGML_BLOCKS type. */
function blockShape(type: GgmlBlockType): { blockSize: number; typeSize: number } { return GGML_TYPE_BY_NAME.get(type)!; }

/** Reads rows of tensors through one reusable scratch buffer (so memory stays at one chunk). */
export class TensorReader {
  private scratch = new Uint8Array(0);

  /** Scratch bytes, 8-byte aligned at offset 0 so typed views over it are valid. */
  private raw(n: number): Uint8Array {
    if (this.scratch.length < n) this.scratch = new Uint8Array(Math.max(n, this.scratch.length * 2));
    return this.scratch.subarray(0, n);
  }

  private readInto(ref: TensorRef, offset: number, n: number, into?: Uint8Array): Uint8Array {
    if (offset + n > ref.source.size) {
      throw new WeightsFormatError(ref.source.name, `truncated file: tensor ${ref.fileTensorName} needs bytes up to ` +
        `${offset + n} but the file holds ${ref.source.size}`);
    }
    return ref.source.read(offset, n, into ?? this.raw(n));
  }

  /** Decodes rows [row0, row0 + nRows) to f32 into `dst` (length >= nRows * cols). */
  readRowsF32(ref: TensorRef, row0: number, nRows: number, dst: Float32Array): void {
    const cols = tensorCols(ref);
    const n = nRows * cols;
    const enc = ref.encoding;
    switch (enc.kind) {
      case 'F32': {
        this.readInto(ref, ref.offset + row0 * cols * 4, n * 4, new Uint8Array(dst.buffer, dst.byteOffset, n * 4));
        return;
      }
      case 'F16': case 'BF16': {
        const bytes = this.readInto(ref, ref.offset + row0 * cols * 2, n * 2);
        const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
        const out = new Uint32Array(dst.buffer, dst.byteOffset, n);
        if (enc.kind === 'F16') f16ToF32Bits(halves, out); else bf16ToF32Bits(halves, out);
        return;
      }
      case 'Q8_0': {
        const blocks = n / Q8_0_BLOCK;
        const bytes = this.readInto(ref, ref.offset + (row0 * cols / Q8_0_BLOCK) * Q8_0_BYTES, blocks * Q8_0_BYTES);
        const bits = new Uint32Array(1), d = new Float32Array(bits.buffer);
        for (let b = 0; b < blocks; b++) {
          const at = b * Q8_0_BYTES;
          bits[0] = f16BitsToF32Bits(bytes[at] | (bytes[at + 1] << 8));
          const scale = d[0];
          for (let j = 0; j < Q8_0_BLOCK; j++) dst[b * Q8_0_BLOCK + j] = ((bytes[at + 2 + j] << 24) >> 24) * scale;
        }
        return;
      }
      case 'Q8_GROUPS': {
        const g = enc.group;
        const start = row0 * cols, end = start + n;
        const g0 = Math.floor(start / g), g1 = Math.ceil(end / g);
        const q = this.readInto(ref, ref.offset + start, n).slice();
        const sBytes = this.readInto(ref, enc.scalesOffset + g0 * 4, (g1 - g0) * 4);
        const scales = new Float32Array(sBytes.buffer, sBytes.byteOffset, g1 - g0);
        for (let i = 0; i < n; i++) dst[i] = ((q[i] << 24) >> 24) * scales[Math.floor((start + i) / g) - g0];
        return;
      }
      case 'GGML_BLOCKS': {
        const { blockSize, typeSize } = blockShape(enc.type);
        const blocks = n / blockSize;
        const bytes = this.readInto(ref, ref.offset + (row0 * cols / blockSize) * typeSize, blocks * typeSize);
        dequantizeBlocks(enc.type, bytes, blocks, dst);
        return;
      }
    }
  }

  /** Copies rows of a block type that is int8 values times one scale per 32 (hasInt8Blocks: Q4_0, Q5_0,
   * IQ4_NL, IQ4_XS) into `q` (cols per row) and f32 scale bits (cols/32 per row): exact, no requantizing. */
  readRowsInt8Blocks(ref: TensorRef, row0: number, nRows: number, q: Int8Array, scaleBits: Uint32Array): void {
    const enc = ref.encoding;
    if (enc.kind !== 'GGML_BLOCKS') throw new Error(`readRowsInt8Blocks: ${ref.name} is ${enc.kind}`);
    const { blockSize, typeSize } = blockShape(enc.type);
    const blocks = (nRows * tensorCols(ref)) / blockSize;
    const bytes = this.readInto(ref, ref.offset + (row0 * tensorCols(ref) / blockSize) * typeSize, blocks * typeSize);
    int8Blocks(enc.type, bytes, blocks, q, scaleBits);
  }

  /** Copies Q8_0 rows without dequantizing: int8 values into `q` (cols per row) and each block's fp16 d,
   * converted exactly, as f32 bits into `scaleBits` (cols/32 per row). */
  readRowsQ8_0(ref: TensorRef, row0: number, nRows: number, q: Int8Array, scaleBits: Uint32Array): void {
    if (ref.encoding.kind !== 'Q8_0') throw new Error(`readRowsQ8_0: ${ref.name} is ${ref.encoding.kind}`);
    const cols = tensorCols(ref);
    const blocks = (nRows * cols) / Q8_0_BLOCK;
    const bytes = this.readInto(ref, ref.offset + (row0 * cols / Q8_0_BLOCK) * Q8_0_BYTES, blocks * Q8_0_BYTES);
    const f16 = f16Table();
    // A block is 17 u16 words (d, then 32 int8 as 16 words); copying words in a plain loop is about twice
    // as fast as bytes, and a subarray per block would allocate millions of short-lived views.
    // (bytes comes from an even offset; q is 2-aligned because rows hold a multiple of 32 values.)
    if (bytes.byteOffset % 2 !== 0 || q.byteOffset % 2 !== 0) throw new Error('readRowsQ8_0: unaligned buffers');
    const words = new Uint16Array(bytes.buffer, bytes.byteOffset, blocks * 17);
    const qWords = new Uint16Array(q.buffer, q.byteOffset, blocks * 16);
    for (let b = 0, at = 0, o = 0; b < blocks; b++, at += 17, o += 16) {
      scaleBits[b] = f16[words[at]];
      for (let j = 0; j < 16; j++) qWords[o + j] = words[at + 1 + j];
    }
  }

  /** Copies llama2.c Q8 group rows (groups must not cross rows): int8 into `q`, f32 scales into `scales`. */
  readRowsQ8Groups(ref: TensorRef, row0: number, nRows: number, q: Int8Array, scales: Uint8Array): void {
    const enc = ref.encoding;
    if (enc.kind !== 'Q8_GROUPS') throw new Error(`readRowsQ8Groups: ${ref.name} is ${enc.kind}`);
    const cols = tensorCols(ref);
    const start = row0 * cols, n = nRows * cols;
    this.readInto(ref, ref.offset + start, n, new Uint8Array(q.buffer, q.byteOffset, n));
    this.readInto(ref, enc.scalesOffset + (start / enc.group) * 4, (n / enc.group) * 4, scales);
  }

  /** The whole tensor as f32 (JS heap; for conversion and tests, not for loading). */
  readAllF32(ref: TensorRef): Float32Array {
    const out = new Float32Array(tensorNumel(ref));
    const cols = tensorCols(ref), rows = tensorRows(ref);
    const chunk = Math.max(1, Math.floor((4 << 20) / (cols * 4)));
    for (let r = 0; r < rows; r += chunk) {
      const nr = Math.min(chunk, rows - r);
      this.readRowsF32(ref, r, nr, out.subarray(r * cols, (r + nr) * cols));
    }
    return out;
  }
}
