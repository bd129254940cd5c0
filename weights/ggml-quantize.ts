// Writing ggml Q4_0 blocks the way llama-quantize does (ggml's quantize_row_q4_0_ref, no importance matrix):
// per 32 values, the value of largest magnitude `max` gives d = max / -8 (so it maps to nibble 0) stored as
// fp16; each value becomes min(15, trunc(x * (1/d) + 8.5)) with 1/d taken from the unrounded d. Every step
// is an f32 operation done with Math.fround, so the bytes are the same on every machine (and, checked by
// tests/weights/llama-cpp-quant-check.mjs, the same as llama-quantize's).
import { f32Bits, f32BitsToF16Bits } from './half.js';

export const Q4_0_BYTES = 18;

/** Quantizes `x` (a multiple of 32 values) to Q4_0 blocks in `out` (x.length / 32 * 18 bytes). */
export function quantizeQ4_0(x: Float32Array, out: Uint8Array): void {
  const f = Math.fround;
  for (let b = 0; b < x.length / 32; b++) {
    const o = b * 32;
    let amax = 0, max = 0;
    for (let j = 0; j < 32; j++) {
      const v = x[o + j];
      if (amax < Math.abs(v)) { amax = Math.abs(v); max = v; }
    }
    const d = f(max / -8);
    const id = d ? f(1 / d) : 0;
    const h = f32BitsToF16Bits(f32Bits(d));
    const at = b * Q4_0_BYTES;
    out[at] = h & 255; out[at + 1] = h >> 8;
    for (let j = 0; j < 16; j++) {
      const lo = Math.min(15, Math.trunc(f(f(x[o + j] * id) + 8.5)));
      const hi = Math.min(15, Math.trunc(f(f(x[o + 16 + j] * id) + 8.5)));
      out[at + 2 + j] = lo | (hi << 4);
    }
  }
}
