// fp16 / bf16 <-> f32 as pure bit manipulation. These conversions are exact (f16 -> f32, bf16 -> f32) or
// fully specified integer rounding (f32 -> f16/bf16, round to nearest even), so doing them in JS with
// integer ops gives the same bits on every platform; no float arithmetic is involved.

let f16TableCache: Uint32Array | undefined;

/** f32 bit pattern of an fp16 value (exact). */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0) {
    if (mant === 0) return sign >>> 0;
    // Subnormal fp16: normalize into an f32 normal.
    let e = 113; // 127 - 15 + 1
    while ((mant & 0x400) === 0) { mant <<= 1; e--; }
    return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
  }
  if (exp === 31) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
}

/** f32 bits of every fp16 pattern (256 KiB, built once). */
export function f16Table(): Uint32Array {
  if (!f16TableCache) {
    f16TableCache = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) f16TableCache[h] = f16BitsToF32Bits(h);
  }
  return f16TableCache;
}

/** Converts n fp16 values (little-endian u16 bit patterns) to f32 bit patterns. */
export function f16ToF32Bits(src: Uint16Array, dst: Uint32Array): void {
  const t = f16Table();
  for (let i = 0; i < src.length; i++) dst[i] = t[src[i]];
}

/** Converts n bf16 values to f32 bit patterns (bf16 is the top half of an f32). */
export function bf16ToF32Bits(src: Uint16Array, dst: Uint32Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = (src[i] << 16) >>> 0;
}

/** fp16 bits nearest to the f32 with bits `b` (round to nearest even; overflow to inf; NaN kept quiet). */
export function f32BitsToF16Bits(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 255) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // fp16 subnormal (or zero): shift the full 24-bit significand right, rounding to nearest even.
    const shift = 14 - e;
    if (shift > 24) return sign;
    mant |= 0x800000;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1))) half++;
    return sign | half;
  }
  let out = sign | (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (out & 1))) out++; // a carry into the exponent is correct rounding
  return out;
}

/** bf16 bits nearest to the f32 with bits `b` (round to nearest even; NaN kept quiet). */
export function f32BitsToBf16Bits(b: number): number {
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);
/** f32 bit pattern of a number already representable as f32 (used for scalars only). */
export function f32Bits(x: number): number { f32Scratch[0] = x; return u32Scratch[0]; }
export function fromF32Bits(b: number): number { u32Scratch[0] = b; return f32Scratch[0]; }
export function f16ToNumber(h: number): number { return fromF32Bits(f16BitsToF32Bits(h)); }
