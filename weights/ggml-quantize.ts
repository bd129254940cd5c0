// Writing ggml Q4_0, Q5_0 and Q4_K blocks the way llama-quantize does without an importance matrix (ggml's
// quantize_row_q4_0_ref / q5_0_ref / q4_K_ref). Every step is an f32 operation done with Math.fround (a
// product, sum, quotient or square root of f32 values computed in f64 and rounded once to f32 is the
// correctly rounded f32 result), so the bytes are the same on every machine and, as
// tests/weights/llama-cpp-quant-check.mjs checks, the same as llama-quantize's.
// Q4_0: per 32 values, the value of largest magnitude `max` gives d = max / -8 (so it maps to nibble 0),
// stored as fp16; each value becomes min(15, trunc(x * (1/d) + 8.5)) with 1/d taken from the unrounded d.
// Q5_0 likewise with d = max / -16, 5-bit values min(31, trunc(x / d + 16.5)). Q4_K: see quantizeQ4_K.
import { f16ToNumber, f32Bits, f32BitsToF16Bits } from './half.js';

export const Q4_0_BYTES = 18;
export const Q5_0_BYTES = 22;
export const Q4_K_BYTES = 144;

const f = Math.fround;

/** ggml's nearest_int: round half to even through the f32 sum with 1.5 * 2^23. */
function nearestInt(v: number): number { return f(v + 12582912) - 12582912; }

function toF16(x: number): number { return f32BitsToF16Bits(f32Bits(x)); }

/** The value of largest magnitude among x[o..o+32) (the first such, with its sign). */
function signedMax(x: Float32Array, o: number): number {
  let amax = 0, max = 0;
  for (let j = 0; j < 32; j++) {
    const v = x[o + j];
    if (amax < Math.abs(v)) { amax = Math.abs(v); max = v; }
  }
  return max;
}

/** Quantizes `x` (a multiple of 32 values) to Q4_0 blocks in `out` (x.length / 32 * 18 bytes). */
export function quantizeQ4_0(x: Float32Array, out: Uint8Array): void {
  for (let b = 0; b < x.length / 32; b++) {
    const o = b * 32, at = b * Q4_0_BYTES;
    const d = f(signedMax(x, o) / -8);
    const id = d ? f(1 / d) : 0;
    const h = toF16(d);
    out[at] = h & 255; out[at + 1] = h >> 8;
    for (let j = 0; j < 16; j++) {
      const lo = Math.min(15, Math.trunc(f(f(x[o + j] * id) + 8.5)));
      const hi = Math.min(15, Math.trunc(f(f(x[o + 16 + j] * id) + 8.5)));
      out[at + 2 + j] = lo | (hi << 4);
    }
  }
}

/** Quantizes `x` (a multiple of 32 values) to Q5_0 blocks in `out` (x.length / 32 * 22 bytes). */
export function quantizeQ5_0(x: Float32Array, out: Uint8Array): void {
  for (let b = 0; b < x.length / 32; b++) {
    const o = b * 32, at = b * Q5_0_BYTES;
    const d = f(signedMax(x, o) / -16);
    const id = d ? f(1 / d) : 0;
    const h = toF16(d);
    out[at] = h & 255; out[at + 1] = h >> 8;
    let high = 0;
    for (let j = 0; j < 16; j++) {
      const lo = Math.min(31, Math.trunc(f(f(x[o + j] * id) + 16.5)));
      const hi = Math.min(31, Math.trunc(f(f(x[o + 16 + j] * id) + 16.5)));
      out[at + 6 + j] = (lo & 15) | ((hi & 15) << 4);
      high |= ((lo >> 4) << j) | ((hi >> 4) << (j + 16));
    }
    out[at + 2] = high & 255; out[at + 3] = (high >>> 8) & 255; out[at + 4] = (high >>> 16) & 255; out[at + 5] = high >>> 24;
  }
}

const auxLevels = new Uint8Array(32);
function fitSubBlock(x: Float32Array, o: number, w: Float32Array, L: Uint8Array, lo: number): [number, number] {
  const n = 32, nmax = 15;
  let min = x[o], max = x[o], sumW = w[0], sumX = f(w[0] * x[o]);
  for (let i = 1; i < n; i++) {
    const v = x[o + i];
    if (v < min) min = v;
    if (v > max) max = v;
    sumW = f(sumW + w[i]);
    sumX = f(sumX + f(w[i] * v));
  }
  if (min > 0) min = 0;
  if (max === min) { L.fill(0, lo, lo + n); return [0, -min]; }
  // ggml updates `min` to the best fit's offset as it goes, and later grids are laid from it.
  let iscale = f(nmax / f(max - min)), scale = f(1 / iscale), bestError = 0;
  for (let i = 0; i < n; i++) {
    const l = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(x[o + i] - min)))));
    L[lo + i] = l;
    const diff = f(f(f(scale * l) + min) - x[o + i]);
    bestError = f(bestError + f(w[i] * f(diff * diff)));
  }
  const aux = auxLevels;
  for (let step = 0; step <= 20; step++) {
    iscale = f(f(f(-1 + f(f(0.1) * step)) + nmax) / f(max - min));
    let sumL = 0, sumL2 = 0, sumXL = 0;
    for (let i = 0; i < n; i++) {
      const l = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(x[o + i] - min)))));
      aux[i] = l;
      const wl = f(w[i] * l);
      sumL = f(sumL + wl);
      sumL2 = f(sumL2 + f(wl * l));
      sumXL = f(sumXL + f(wl * x[o + i]));
    }
    const D = f(f(sumW * sumL2) - f(sumL * sumL));
    if (!(D > 0)) continue;
    let thisScale = f(f(f(sumW * sumXL) - f(sumX * sumL)) / D);
    let thisMin = f(f(f(sumL2 * sumX) - f(sumL * sumXL)) / D);
    if (thisMin > 0) { thisMin = 0; thisScale = f(sumXL / sumL2); }
    let err = 0;
    for (let i = 0; i < n; i++) {
      const diff = f(f(f(thisScale * aux[i]) + thisMin) - x[o + i]);
      err = f(err + f(w[i] * f(diff * diff)));
    }
    if (err < bestError) { L.set(aux, lo); bestError = err; scale = thisScale; min = thisMin; }
  }
  return [scale, -min];
}

/** Quantizes `x` (a multiple of 256 values) to Q4_K blocks in `out` (x.length / 256 * 144 bytes): each 32
 * values get a weighted affine fit (weights: the sub-block's RMS plus |x|), the 8 scales and mins are
 * quantized to 6 bits against the block's largest (d and dmin, fp16), and the values are then re-rounded
 * against the 6-bit scales actually stored. */
export function quantizeQ4_K(x: Float32Array, out: Uint8Array): void {
  const L = new Uint8Array(256), w = new Float32Array(32);
  const scales = new Float32Array(8), mins = new Float32Array(8);
  for (let b = 0; b < x.length / 256; b++) {
    const o = b * 256, at = b * Q4_K_BYTES;
    let maxScale = 0, maxMin = 0;
    for (let j = 0; j < 8; j++) {
      let sumX2 = 0;
      for (let l = 0; l < 32; l++) sumX2 = f(sumX2 + f(x[o + 32 * j + l] * x[o + 32 * j + l]));
      const av = f(Math.sqrt(f(sumX2 / 32)));
      for (let l = 0; l < 32; l++) w[l] = f(av + Math.abs(x[o + 32 * j + l]));
      [scales[j], mins[j]] = fitSubBlock(x, o + 32 * j, w, L, 32 * j);
      if (scales[j] > maxScale) maxScale = scales[j];
      if (mins[j] > maxMin) maxMin = mins[j];
    }
    const invScale = maxScale > 0 ? f(63 / maxScale) : 0, invMin = maxMin > 0 ? f(63 / maxMin) : 0;
    out.fill(0, at, at + Q4_K_BYTES);
    const sc = at + 4; // the 12 packed scale/min bytes
    for (let j = 0; j < 8; j++) {
      // C stores nearest_int into a uint8_t before MIN(63, .): keep its low 8 bits.
      const ls = Math.min(63, nearestInt(f(invScale * scales[j])) & 255), lm = Math.min(63, nearestInt(f(invMin * mins[j])) & 255);
      if (j < 4) { out[sc + j] = ls; out[sc + j + 4] = lm; }
      else {
        out[sc + j + 4] = (ls & 15) | ((lm & 15) << 4);
        out[sc + j - 4] |= (ls >> 4) << 6;
        out[sc + j] |= (lm >> 4) << 6;
      }
    }
    const dBits = toF16(f(maxScale / 63)), dminBits = toF16(f(maxMin / 63));
    out[at] = dBits & 255; out[at + 1] = dBits >> 8; out[at + 2] = dminBits & 255; out[at + 3] = dminBits >> 8;
    const d16 = f16ToNumber(dBits), dmin16 = f16ToNumber(dminBits);
    for (let j = 0; j < 8; j++) {
      const s = j < 4 ? out[sc + j] & 63 : (out[sc + j + 4] & 15) | ((out[sc + j - 4] >> 6) << 4);
      const m = j < 4 ? out[sc + j + 4] & 63 : (out[sc + j + 4] >> 4) | ((out[sc + j] >> 6) << 4);
      const d = f(d16 * s);
      if (!d) continue;
      const dm = f(dmin16 * m);
      for (let i = 0; i < 32; i++) L[32 * j + i] = Math.max(0, Math.min(15, nearestInt(f(f(x[o + 32 * j + i] + dm) / d))));
    }
    for (let k = 0; k < 4; k++) {
      for (let l = 0; l < 32; l++) out[at + 16 + 32 * k + l] = L[64 * k + l] | (L[64 * k + 32 + l] << 4);
    }
  }
}
