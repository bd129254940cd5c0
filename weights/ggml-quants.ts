// Decoding ggml's 32-value block formats (Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL) to f32, value for value as
// ggml's dequantize_row_* computes them, and the dispatch over every block type jsonlm reads (the 256-value
// K-quants live in ggml-kquants.ts).
// Exactness: every product here (a small integer times an fp16 scale, or fp16 scale times a 6-bit scale
// times a small integer) is either exact in f32 or rounded once when stored into the Float32Array, which is
// IEEE f32 multiplication; a single "product - min" is rounded once as well (the product is exact in f32, so
// it makes no difference whether C contracted it into an fma). The results are therefore the same bits as
// ggml's, on every platform.
// Four of the formats hold int8 values under one f32 scale per 32 values (Q4_0, Q5_0, IQ4_NL and each
// 32-value sub-block of IQ4_XS): those are handed to the kernels as int8 blocks as they are, with no
// requantization error (see int8Blocks).
import { f16Table } from './half.js';
import { f16At, IQ4_LEVELS } from './ggml-block-values.js';
import { dequantizeQ2K, dequantizeQ3K, dequantizeQ4K, dequantizeQ5K, dequantizeQ6K, dequantizeIQ4XS, int8IQ4XS } from './ggml-kquants.js';

/** Block types jsonlm decodes (besides F32/F16/BF16/Q8_0, which tensor-read.ts handles directly). */
export const GGML_BLOCK_TYPES = ['Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K', 'IQ4_NL', 'IQ4_XS'] as const;
export type GgmlBlockType = typeof GGML_BLOCK_TYPES[number];

/** Q4_0 (18 bytes): fp16 d, 16 bytes of nibbles; value j is low nibble of byte j, value j+16 its high
 * nibble; x = d * (nibble - 8). */
function dequantizeQ4_0(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 18, o = i * 32, d = f16At(b, at);
    for (let j = 0; j < 16; j++) {
      const byte = b[at + 2 + j];
      dst[o + j] = ((byte & 15) - 8) * d;
      dst[o + j + 16] = ((byte >> 4) - 8) * d;
    }
  }
}

/** Q4_1 (20 bytes): fp16 d, fp16 m, 16 bytes of nibbles; x = d * nibble + m. */
function dequantizeQ4_1(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 20, o = i * 32, d = f16At(b, at), m = f16At(b, at + 2);
    for (let j = 0; j < 16; j++) {
      const byte = b[at + 4 + j];
      dst[o + j] = (byte & 15) * d + m;
      dst[o + j + 16] = (byte >> 4) * d + m;
    }
  }
}

/** The 32 fifth bits of a Q5 block: a little-endian u32 whose bit j belongs to value j. */
function u32At(b: Uint8Array, at: number): number { return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0; }

/** Q5_0 (22 bytes): fp16 d, u32 of high bits, 16 bytes of nibbles; x = d * (5-bit value - 16). */
function dequantizeQ5_0(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 22, o = i * 32, d = f16At(b, at), high = u32At(b, at + 2);
    for (let j = 0; j < 16; j++) {
      const byte = b[at + 6 + j];
      dst[o + j] = (((byte & 15) | (((high >>> j) & 1) << 4)) - 16) * d;
      dst[o + j + 16] = (((byte >> 4) | (((high >>> (j + 16)) & 1) << 4)) - 16) * d;
    }
  }
}

/** Q5_1 (24 bytes): fp16 d, fp16 m, u32 of high bits, 16 bytes of nibbles; x = d * 5-bit value + m. */
function dequantizeQ5_1(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 24, o = i * 32, d = f16At(b, at), m = f16At(b, at + 2), high = u32At(b, at + 4);
    for (let j = 0; j < 16; j++) {
      const byte = b[at + 8 + j];
      dst[o + j] = ((byte & 15) | (((high >>> j) & 1) << 4)) * d + m;
      dst[o + j + 16] = ((byte >> 4) | (((high >>> (j + 16)) & 1) << 4)) * d + m;
    }
  }
}

/** IQ4_NL (18 bytes): fp16 d, 16 bytes of nibbles indexing IQ4_LEVELS; x = d * level. */
function dequantizeIQ4NL(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 18, o = i * 32, d = f16At(b, at);
    for (let j = 0; j < 16; j++) {
      const byte = b[at + 2 + j];
      dst[o + j] = IQ4_LEVELS[byte & 15] * d;
      dst[o + j + 16] = IQ4_LEVELS[byte >> 4] * d;
    }
  }
}

type Dequantize = (bytes: Uint8Array, nBlocks: number, dst: Float32Array) => void;
const DEQUANTIZE: Record<GgmlBlockType, Dequantize> = {
  Q4_0: dequantizeQ4_0, Q4_1: dequantizeQ4_1, Q5_0: dequantizeQ5_0, Q5_1: dequantizeQ5_1, IQ4_NL: dequantizeIQ4NL,
  Q2_K: dequantizeQ2K, Q3_K: dequantizeQ3K, Q4_K: dequantizeQ4K, Q5_K: dequantizeQ5K, Q6_K: dequantizeQ6K, IQ4_XS: dequantizeIQ4XS,
};

/** Decodes `nBlocks` consecutive blocks of `type` from `bytes` into dst (nBlocks * block size values). */
export function dequantizeBlocks(type: GgmlBlockType, bytes: Uint8Array, nBlocks: number, dst: Float32Array): void {
  DEQUANTIZE[type](bytes, nBlocks, dst);
}

/** Q4_0, Q5_0 and IQ4_NL blocks as int8 values (32 per block) and the block's d as f32 bits. */
function int8Legacy(type: 'Q4_0' | 'Q5_0' | 'IQ4_NL', b: Uint8Array, nBlocks: number, q: Int8Array, scaleBits: Uint32Array): void {
  const f16 = f16Table();
  const size = type === 'Q5_0' ? 22 : 18, first = type === 'Q5_0' ? 6 : 2;
  for (let i = 0; i < nBlocks; i++) {
    const at = i * size, o = i * 32;
    scaleBits[i] = f16[b[at] | (b[at + 1] << 8)];
    const high = type === 'Q5_0' ? u32At(b, at + 2) : 0;
    for (let j = 0; j < 16; j++) {
      const byte = b[at + first + j];
      if (type === 'IQ4_NL') {
        q[o + j] = IQ4_LEVELS[byte & 15];
        q[o + j + 16] = IQ4_LEVELS[byte >> 4];
      } else if (type === 'Q4_0') {
        q[o + j] = (byte & 15) - 8;
        q[o + j + 16] = (byte >> 4) - 8;
      } else {
        q[o + j] = ((byte & 15) | (((high >>> j) & 1) << 4)) - 16;
        q[o + j + 16] = ((byte >> 4) | (((high >>> (j + 16)) & 1) << 4)) - 16;
      }
    }
  }
}

/** Whether `type` is int8 values times one scale per 32 values, so the kernels can take it exactly. */
export function hasInt8Blocks(type: GgmlBlockType): boolean {
  return type === 'Q4_0' || type === 'Q5_0' || type === 'IQ4_NL' || type === 'IQ4_XS';
}

/** For hasInt8Blocks types: nBlocks blocks as int8 values into q and one f32 scale (as bits) per 32 values
 * into scaleBits, such that value = q * scale exactly as dequantizeBlocks gives it. */
export function int8Blocks(type: GgmlBlockType, bytes: Uint8Array, nBlocks: number, q: Int8Array, scaleBits: Uint32Array): void {
  if (type === 'IQ4_XS') int8IQ4XS(bytes, nBlocks, q, scaleBits);
  else if (type === 'Q4_0' || type === 'Q5_0' || type === 'IQ4_NL') int8Legacy(type, bytes, nBlocks, q, scaleBits);
  else throw new Error(`int8Blocks: ${type} has no exact int8 form`);
}
