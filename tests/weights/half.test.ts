// fp16/bf16 <-> f32 bit conversions: exhaustive for f16 -> f32 against the IEEE definition, and
// f32 -> f16 / bf16 on fresh seeded random bit patterns plus edge cases against independent references
// (the kernels' integer conversion, and double arithmetic).
import { describe, expect, it } from 'vitest';
import { Kernels } from '../../kernels/kernels.js';
import { bf16ToF32Bits, f16BitsToF32Bits, f16ToF32Bits, f32BitsToBf16Bits, f32BitsToF16Bits, fromF32Bits } from '../../weights/half.js';

function f16Value(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function* seededBits(seed: number, n: number) {
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; yield x >>> 0; }
}

describe('half-precision conversions', () => {
  it('f16 -> f32 is exact for all 65536 patterns (signed zeros and NaN payload kept)', () => {
    const src = new Uint16Array(65536).map((_, i) => i), out = new Uint32Array(65536);
    f16ToF32Bits(src, out);
    for (let h = 0; h < 65536; h++) {
      const v = fromF32Bits(out[h]), want = f16Value(h);
      if (Number.isNaN(want)) { expect(Number.isNaN(v)).toBe(true); expect(out[h] & 0x7fffff).toBe((h & 0x3ff) << 13); continue; }
      if (v !== want || (v === 0 && Object.is(v, -0) !== Object.is(want, -0))) throw new Error(`h=${h}: ${v} != ${want}`);
      expect(out[h]).toBe(f16BitsToF32Bits(h));
    }
  });

  it('f32 -> f16 matches the kernels\' conversion on 200k random patterns and edge cases', async () => {
    const k = await Kernels.create();
    const kernel = k.exports.f32_to_f16_bits as (x: number) => number;
    const edges = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x477fe000, 0x477ff000, 0x477fefff, 0x38800000, 0x387fffff,
      0x33000000, 0x33000001, 0x32ffffff, 0x33800000, 0x3f800fff, 0x3f801000, 0x3f803000, 0x00000001, 0x3effffff];
    for (const b of [...edges, ...seededBits(20251124, 200_000)]) {
      const x = fromF32Bits(b);
      if (Number.isNaN(x)) { expect(f32BitsToF16Bits(b) & 0x7c00).toBe(0x7c00); continue; }
      const got = f32BitsToF16Bits(b), want = kernel(x);
      if (got !== want) throw new Error(`bits 0x${b.toString(16)} (${x}): ${got.toString(16)} != kernel ${want.toString(16)}`);
      // And it is the nearest half: no representable half is closer.
      if (Number.isFinite(f16Value(got)) && Math.abs(x) <= 65504) {
        const err = Math.abs(f16Value(got) - x);
        expect(err <= Math.abs(f16Value((got + 1) & 0xffff) - x) || ((got + 1) & 0x7c00) === 0x7c00).toBe(true);
        if ((got & 0x7fff) > 0) expect(err <= Math.abs(f16Value(got - 1) - x)).toBe(true);
      }
    }
  });

  it('f32 -> bf16 rounds to nearest even (double reference) and bf16 -> f32 is exact', () => {
    const out = new Uint32Array(1);
    for (const b of seededBits(7, 100_000)) {
      const x = fromF32Bits(b);
      const h = f32BitsToBf16Bits(b);
      bf16ToF32Bits(Uint16Array.of(h), out);
      if (Number.isNaN(x)) { expect(Number.isNaN(fromF32Bits(out[0]))).toBe(true); continue; }
      const lo = fromF32Bits((b & 0xffff0000) >>> 0), hi = fromF32Bits(((b & 0xffff0000) + 0x10000) >>> 0);
      // Past the largest bf16 the next step up is 2^128 (unbounded exponent), which rounds to infinity.
      const hiDist = Number.isFinite(hi) ? hi : Math.sign(hi) * 2 ** 128;
      const dLo = Math.abs(x - lo), dHi = Math.abs(hiDist - x);
      const want = dLo < dHi ? lo : dHi < dLo ? hi : ((b >>> 16) & 1 ? hi : lo);
      expect(fromF32Bits(out[0])).toBe(want);
    }
  });
});
