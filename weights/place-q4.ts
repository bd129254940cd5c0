// Placing a GGUF Q4_0 tensor as a Q4Matrix: each 18-byte block's 16 bytes of nibbles are copied as they are
// and its fp16 d becomes an f32 scale (exactly), so the kernels read 4 bits per weight (matvec_q4) and the
// values are exactly those of the int8 expansion (weights/ggml-quants.ts int8Blocks).
import type { Kernels } from '../kernels/kernels.js';
import type { Q4Matrix } from './model-weights.js';
import { Q4_GROUP } from './model-weights.js';
import type { TensorRef } from './model-layout.js';
import { WeightsFormatError } from './byte-source.js';
import { f16Table } from './half.js';
import { tensorCols, tensorRows } from './tensor-read.js';

/** Bytes of one Q4_0 block: fp16 d + 16 bytes of nibbles. */
const Q4_0_BYTES = 18;

/** Whether `ref` can be placed as a Q4Matrix: a Q4_0 matrix (GGUF rows are whole blocks). */
export function isPlacedAsQ4(ref: TensorRef): boolean {
  return ref.shape.length === 2 && ref.encoding.kind === 'GGML_BLOCKS' && ref.encoding.type === 'Q4_0';
}

/** Bytes a Q4Matrix of `ref` takes in kernel memory (nibbles + f32 scales, with alignment slack). */
export function q4PlacementBytes(ref: TensorRef): number {
  const groups = Math.ceil(tensorCols(ref) / Q4_GROUP);
  return tensorRows(ref) * groups * 20 + 32;
}

/** Blocks per read: ~1 MiB of file bytes at a time, so the JS heap holds one chunk. */
const CHUNK_BLOCKS = 1 << 16;

/** One read buffer for every tensor: a fresh 1 MiB array per matrix left hundreds of them for the
 * garbage collector during a load, which showed in the peak RSS. */
let readBuffer: Uint8Array | undefined;

export function placeQ4Matrix(k: Kernels, ref: TensorRef): Q4Matrix {
  if (!isPlacedAsQ4(ref)) throw new Error(`placeQ4Matrix: ${ref.name} is not a Q4_0 matrix`);
  const rows = tensorRows(ref), cols = tensorCols(ref);
  if (cols % Q4_GROUP !== 0) {
    throw new WeightsFormatError(ref.source.name, `tensor ${ref.fileTensorName} is Q4_0 with rows of ${cols} values, ` +
      `not a whole number of ${Q4_GROUP}-value blocks`);
  }
  const groups = cols / Q4_GROUP, blocks = rows * groups;
  const q = k.alloc(blocks * 16, 16);
  const scales = k.alloc(blocks * 4, 16);
  const f16 = f16Table();
  readBuffer ??= new Uint8Array(CHUNK_BLOCKS * Q4_0_BYTES);
  const buf = readBuffer;
  for (let b0 = 0; b0 < blocks; b0 += CHUNK_BLOCKS) {
    const n = Math.min(CHUNK_BLOCKS, blocks - b0);
    const at = ref.offset + b0 * Q4_0_BYTES;
    if (at + n * Q4_0_BYTES > ref.source.size) {
      throw new WeightsFormatError(ref.source.name, `truncated file: tensor ${ref.fileTensorName} needs bytes up to ` +
        `${at + n * Q4_0_BYTES} but the file holds ${ref.source.size}`);
    }
    const bytes = ref.source.read(at, n * Q4_0_BYTES, buf.subarray(0, n * Q4_0_BYTES));
    // Views after any alloc: made here, used before the next one.
    const nib = k.u8(q + b0 * 16, n * 16), sBits = k.u32(scales + b0 * 4, n);
    for (let i = 0; i < n; i++) {
      const o = i * Q4_0_BYTES;
      const bits = f16[bytes[o] | (bytes[o + 1] << 8)];
      // A NaN or infinite d would make every logit NaN: the file is damaged (see place.ts requireFinite).
      if ((bits & 0x7f800000) === 0x7f800000) {
        const v = new Float32Array(new Uint32Array([bits]).buffer)[0];
        throw new WeightsFormatError(ref.source.name, `tensor ${ref.fileTensorName} holds a non-finite value (${v}) in its ` +
          `scales at index ${b0 + i}: the file is damaged or was exported from a diverged model`);
      }
      sBits[i] = bits;
      for (let j = 0; j < 16; j++) nib[i * 16 + j] = bytes[o + 2 + j]; // (a subarray per block would allocate millions of views)
    }
  }
  return { kind: 'q4', rows, cols, q, scales };
}
