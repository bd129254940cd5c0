// Decoding ggml's 256-value "K" block formats (Q2_K, Q3_K, Q4_K, Q5_K, Q6_K) and IQ4_XS to f32, value for
// value as ggml's dequantize_row_* computes them (see ggml-quants.ts for why the f32 results are exact).
// A K block is a super-block of 16 or 8 sub-blocks; each sub-block has a small integer scale (and for
// Q2_K/Q4_K/Q5_K a min) that multiplies the super-block's fp16 d (and dmin).
import { f16At, f16ValueTable, IQ4_LEVELS } from './ggml-block-values.js';

/** Q2_K (84 bytes): 16 scale bytes (low nibble scale, high nibble min, per 16 values), 64 bytes of 2-bit
 * values, fp16 d, fp16 dmin. Values are laid out in two halves of 128; within a half, the 2-bit field at
 * shift s of byte l (l < 32) is value 32 * (s/2) + l. x = d * scale * q - dmin * min. */
export function dequantizeQ2K(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 84, d = f16At(b, at + 80), dmin = f16At(b, at + 82);
    for (let half = 0; half < 2; half++) {
      const qs = at + 16 + half * 32;
      for (let s = 0; s < 4; s++) {
        for (let part = 0; part < 2; part++) {
          const sub = half * 8 + s * 2 + part;
          const sc = b[at + sub];
          const dl = d * (sc & 15), ml = dmin * (sc >> 4);
          const o = i * 256 + sub * 16;
          for (let l = 0; l < 16; l++) dst[o + l] = dl * ((b[qs + part * 16 + l] >> (2 * s)) & 3) - ml;
        }
      }
    }
  }
}

/** Q3_K sub-block scales: 16 six-bit values packed in 12 bytes (low nibbles in bytes 0-7, the 2-bit high
 * parts in bytes 8-11), stored with an offset of 32. */
function q3kScale(b: Uint8Array, at: number, j: number): number {
  const low = j < 8 ? b[at + j] & 15 : b[at + j - 8] >> 4;
  const high = (b[at + 8 + (j & 3)] >> (2 * (j >> 2))) & 3;
  return (low | (high << 4)) - 32;
}

/** Q3_K (110 bytes): 32 bytes hmask (the third bit, set meaning +0 and clear meaning -4), 64 bytes of
 * 2-bit values (laid out as Q2_K's), 12 bytes of packed 6-bit scales, fp16 d. x = d * scale * q. */
export function dequantizeQ3K(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 110, d = f16At(b, at + 108);
    for (let half = 0; half < 2; half++) {
      const qs = at + 32 + half * 32;
      for (let s = 0; s < 4; s++) {
        const bit = half * 4 + s; // which hmask bit belongs to this 32-value run
        for (let part = 0; part < 2; part++) {
          const sub = half * 8 + s * 2 + part;
          const dl = d * q3kScale(b, at + 96, sub);
          const o = i * 256 + sub * 16;
          for (let l = 0; l < 16; l++) {
            const k = part * 16 + l;
            const q = ((b[qs + k] >> (2 * s)) & 3) - ((b[at + k] >> bit) & 1 ? 0 : 4);
            dst[o + l] = dl * q;
          }
        }
      }
    }
  }
}

/** Q4_K/Q5_K sub-block scale and min (6 bits each, 8 of each packed in 12 bytes): sub-blocks 0-3 in the low
 * 6 bits of bytes 0-3 (scale) and 4-7 (min); 4-7 in the nibbles of bytes 8-11 with their top 2 bits in the
 * top bits of bytes 0-7. */
function kScaleMin(b: Uint8Array, at: number, j: number): [number, number] {
  if (j < 4) return [b[at + j] & 63, b[at + j + 4] & 63];
  return [(b[at + j + 4] & 15) | ((b[at + j - 4] >> 6) << 4), (b[at + j + 4] >> 4) | ((b[at + j] >> 6) << 4)];
}

/** Q4_K (144 bytes): fp16 d, fp16 dmin, 12 bytes of scales/mins, 128 bytes of nibbles. Each 64 values
 * share 32 bytes: low nibbles are the first 32 (sub-block 2k), high nibbles the next 32 (sub-block 2k+1).
 * x = d * scale * q - dmin * min. */
export function dequantizeQ4K(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 144, d = f16At(b, at), dmin = f16At(b, at + 2);
    for (let sub = 0; sub < 8; sub++) {
      const [sc, m] = kScaleMin(b, at + 4, sub);
      const dl = d * sc, ml = dmin * m;
      const qs = at + 16 + (sub >> 1) * 32, shift = (sub & 1) * 4, o = i * 256 + sub * 32;
      for (let l = 0; l < 32; l++) dst[o + l] = dl * ((b[qs + l] >> shift) & 15) - ml;
    }
  }
}

/** Q5_K (176 bytes): as Q4_K plus 32 bytes qh after the scales, bit `sub` of qh[l] being the fifth bit of
 * value l of sub-block `sub`. */
export function dequantizeQ5K(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 176, d = f16At(b, at), dmin = f16At(b, at + 2);
    for (let sub = 0; sub < 8; sub++) {
      const [sc, m] = kScaleMin(b, at + 4, sub);
      const dl = d * sc, ml = dmin * m;
      const qs = at + 48 + (sub >> 1) * 32, shift = (sub & 1) * 4, o = i * 256 + sub * 32;
      for (let l = 0; l < 32; l++) {
        const q = ((b[qs + l] >> shift) & 15) | (((b[at + 16 + l] >> sub) & 1) << 4);
        dst[o + l] = dl * q - ml;
      }
    }
  }
}

/** Q6_K (210 bytes): 128 bytes of low nibbles, 64 bytes of 2-bit high parts, 16 int8 scales (per 16
 * values), fp16 d. Per half of 128 values: value 32*k + l takes nibble (k&1 ? high : low) of ql[l + 32*(k>>1)]
 * and bits 2k..2k+1 of qh[l]. x = d * scale * (q - 32), the product taken left to right. */
export function dequantizeQ6K(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  const f32 = new Float32Array(1);
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 210, d = f16At(b, at + 208);
    for (let half = 0; half < 2; half++) {
      const ql = at + half * 64, qh = at + 128 + half * 32;
      for (let k = 0; k < 4; k++) {
        for (let l = 0; l < 32; l++) {
          const low = (b[ql + l + 32 * (k & 1)] >> (4 * (k >> 1))) & 15;
          const q = (low | (((b[qh + l] >> (2 * k)) & 3) << 4)) - 32;
          const sc = (b[at + 192 + half * 8 + k * 2 + (l >> 4)] << 24) >> 24;
          f32[0] = d * sc; // exact (11-bit by 8-bit), kept as ggml's f32 intermediate
          dst[i * 256 + half * 128 + k * 32 + l] = f32[0] * q;
        }
      }
    }
  }
}

/** IQ4_XS sub-block scale (6 bits, offset 32): low nibble from scales_l, top 2 bits from scales_h. */
function iq4xsScale(b: Uint8Array, at: number, sub: number): number {
  const scalesH = b[at + 2] | (b[at + 3] << 8);
  return (((b[at + 4 + (sub >> 1)] >> (4 * (sub & 1))) & 15) | (((scalesH >> (2 * sub)) & 3) << 4)) - 32;
}

/** IQ4_XS (136 bytes): fp16 d, u16 scales_h, 4 bytes scales_l, 128 bytes of nibbles (16 per 32 values,
 * low nibbles first) indexing IQ4_LEVELS; x = d * scale * level. */
export function dequantizeIQ4XS(b: Uint8Array, nBlocks: number, dst: Float32Array): void {
  const f32 = new Float32Array(1);
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 136, d = f16At(b, at);
    for (let sub = 0; sub < 8; sub++) {
      f32[0] = d * iq4xsScale(b, at, sub);
      const dl = f32[0], qs = at + 8 + sub * 16, o = i * 256 + sub * 32;
      for (let j = 0; j < 16; j++) {
        dst[o + j] = dl * IQ4_LEVELS[b[qs + j] & 15];
        dst[o + j + 16] = dl * IQ4_LEVELS[b[qs + j] >> 4];
      }
    }
  }
}

/** IQ4_XS as int8 levels with one f32 scale (d * sub-block scale, exact) per 32 values. */
export function int8IQ4XS(b: Uint8Array, nBlocks: number, q: Int8Array, scaleBits: Uint32Array): void {
  const f32 = new Float32Array(1), bits = new Uint32Array(f32.buffer);
  const f16 = f16ValueTable();
  for (let i = 0; i < nBlocks; i++) {
    const at = i * 136, d = f16[b[at] | (b[at + 1] << 8)];
    for (let sub = 0; sub < 8; sub++) {
      f32[0] = d * iq4xsScale(b, at, sub);
      scaleBits[i * 8 + sub] = bits[0];
      const qs = at + 8 + sub * 16, o = i * 256 + sub * 32;
      for (let j = 0; j < 16; j++) {
        q[o + j] = IQ4_LEVELS[b[qs + j] & 15];
        q[o + j + 16] = IQ4_LEVELS[b[qs + j] >> 4];
      }
    }
  }
}
