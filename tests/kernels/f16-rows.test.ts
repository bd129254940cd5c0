// The f16 KV cache's conversions (kernels/assembly/f16-rows.ts) against plain references written here from
// the IEEE 754 definition in float64 arithmetic (not bit tricks): f16 -> f32 for all 65,536 patterns, and
// f32 -> f16 on fresh random f32 bit patterns plus the edge cases (ties, overflow, subnormals, -0, NaN).
import { describe, expect, it } from 'vitest';
import { kernels, scoped } from './wasm-io.js';
import type { Kernels } from '../../kernels/kernels.js';

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number) => { f32[0] = x; return u32[0]; };
const fromBits = (b: number) => { u32[0] = b >>> 0; return f32[0]; };

/** The value a binary16 pattern denotes (NaN for every NaN pattern). */
function halfValue(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Expected f32 bits of a half: its exact value; NaN keeps sign and payload (mantissa << 13). */
function refHalfToF32Bits(h: number): number {
  const v = halfValue(h);
  if (Number.isNaN(v)) return ((h & 0x8000) << 16 | 0x7f800000 | (h & 0x3ff) << 13) >>> 0;
  if (v === 0) return h & 0x8000 ? 0x80000000 : 0;
  return bitsOf(v); // every half is exactly an f32
}

/** Rounds a non-negative double to an integer, ties to even. */
function roundHalfEven(q: number): number {
  const f = Math.floor(q), d = q - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/** Expected binary16 bits of an f32 pattern: the half nearest the value (ties to even), counted in steps of
 * its ulp in float64 (exact: an f32 scaled by a power of two); 65520 and up round to infinity. */
function refF32ToHalf(bits: number): number {
  const sign = bits >>> 31 ? 0x8000 : 0;
  const x = Math.abs(fromBits(bits));
  if (Number.isNaN(x)) return sign | 0x7e00;
  if (x >= 65520) return sign | 0x7c00;
  if (x < 2 ** -14) return sign | roundHalfEven(x * 2 ** 24); // subnormal steps of 2^-24 (1024 = the smallest normal)
  let e = Math.floor(Math.log2(x));
  while (2 ** e > x) e--;
  while (2 ** (e + 1) <= x) e++;
  let m = roundHalfEven(x / 2 ** (e - 10)); // in [1024, 2048]
  if (m === 2048) { m = 1024; e++; }
  return sign | (e + 15) << 10 | (m - 1024);
}

function toHalves(k: Kernels, bits: Uint32Array): Uint16Array {
  return scoped(k, () => {
    const src = k.alloc(bits.length * 4), dst = k.alloc(bits.length * 2 + 2);
    k.u32(src, bits.length).set(bits);
    k.u16(dst, bits.length + 1).fill(0xabcd);
    k.exports.f32_to_f16_rows(src, dst, bits.length);
    const out = k.u16(dst, bits.length + 1).slice();
    expect(out[bits.length], 'wrote past the end').toBe(0xabcd);
    return out.subarray(0, bits.length);
  });
}

function toF32Bits(k: Kernels, halves: Uint16Array, offset = 0): Uint32Array {
  return scoped(k, () => {
    const src = k.alloc(halves.length * 2 + offset * 2) + offset * 2, dst = k.alloc(halves.length * 4 + 4);
    k.u16(src, halves.length).set(halves);
    k.u32(dst, halves.length + 1).fill(0xdeadbeef);
    k.exports.f16_to_f32_rows(src, dst, halves.length);
    const out = k.u32(dst, halves.length + 1).slice();
    expect(out[halves.length], 'wrote past the end').toBe(0xdeadbeef);
    return out.subarray(0, halves.length);
  });
}

function* xorshift(seed: number, n: number) {
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; yield x >>> 0; }
}

describe('f16 rows (the f16 KV cache)', () => {
  it('f16 -> f32 is exact for all 65,536 patterns, in order and shuffled, at odd lengths and offsets', async () => {
    const k = await kernels();
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    // Shuffled: specials (zero, subnormal, inf, NaN) land in blocks of otherwise normal halves.
    const shuffled = all.slice();
    const r = xorshift(Date.now(), 65536);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = r.next().value! % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    for (const [halves, offset] of [[all, 0], [shuffled, 0], [shuffled.subarray(3, 65530), 1], [all.subarray(0x3c00, 0x3c07), 3]] as const) {
      const got = toF32Bits(k, halves, offset);
      for (let i = 0; i < halves.length; i++) {
        const want = refHalfToF32Bits(halves[i]);
        if (got[i] !== want) throw new Error(`half 0x${halves[i].toString(16)}: 0x${got[i].toString(16)} != 0x${want.toString(16)}`);
      }
    }
  });

  it('f32 -> f16 rounds to the nearest half (ties to even) on 300k fresh random patterns and the edge cases', async () => {
    const k = await kernels();
    const seed = (Date.now() ^ 0x5bd1e995) >>> 0;
    const edges = [
      0, 0x80000000, // +-0
      0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xff812345, 0x7fffffff, // inf, quiet/signaling NaN
      bitsOf(65504), bitsOf(65519.99), bitsOf(65520), bitsOf(-65520), 0x7f7fffff, // largest half, overflow to inf
      bitsOf(1 + 2 ** -11), bitsOf(1 + 3 * 2 ** -11), bitsOf(1 + 2 ** -11 + 2 ** -23), bitsOf(-(1 + 2 ** -11)), // normal ties
      bitsOf(2 ** -24), bitsOf(2 ** -25), bitsOf(2 ** -25 + 2 ** -40), bitsOf(1.5 * 2 ** -24), bitsOf(2.5 * 2 ** -24), // smallest subnormals, ties
      bitsOf(-(2 ** -24)), bitsOf(2 ** -14), bitsOf(2 ** -14 - 2 ** -25), bitsOf(2 ** -14 - 2 ** -26), bitsOf(1023.5 * 2 ** -24),
      1, 0x807fffff, 0x00800000, // f32 subnormals and the smallest normal: to (signed) zero
      bitsOf(2047 * 2 ** -11), bitsOf(4095 * 2 ** -12), // mantissa carry into the exponent
    ];
    const bits = Uint32Array.from([...edges, ...xorshift(seed, 300_000),
      // Random values in the normal and subnormal half ranges, where random bit patterns rarely land.
      ...[...xorshift(seed + 1, 50_000)].map((b) => (b & 0x807fffff) | ((103 + (b >>> 23) % 40) << 23))]);
    const got = toHalves(k, bits);
    for (let i = 0; i < bits.length; i++) {
      const want = refF32ToHalf(bits[i]);
      if (got[i] !== want) {
        throw new Error(`f32 0x${bits[i].toString(16)} (${fromBits(bits[i])}, seed ${seed}): 0x${got[i].toString(16)} != 0x${want.toString(16)}`);
      }
    }
    expect(edges.map((b) => toHalves(k, Uint32Array.of(b))[0])).toEqual(edges.map(refF32ToHalf));
    // A few by hand, so the reference itself is pinned.
    expect([...toHalves(k, Uint32Array.from([0x80000000, bitsOf(65520), bitsOf(2 ** -25), bitsOf(1.5 * 2 ** -24), 0xff812345, bitsOf(1 + 3 * 2 ** -11)]))])
      .toEqual([0x8000, 0x7c00, 0x0000, 0x0002, 0xfe00, 0x3c02]);
  });

  it('f16 -> f32 -> f16 gives back every half but NaN payloads', async () => {
    const k = await kernels();
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const back = toHalves(k, toF32Bits(k, all));
    for (let h = 0; h < 65536; h++) {
      const nan = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      expect(back[h]).toBe(nan ? (h & 0x8000) | 0x7e00 : h);
    }
  });
});

describe('f32_to_f16_rows overflow count', () => {
  it('counts the finite values that became infinite, not infinities or NaN given', async () => {
    const k = await kernels();
    scoped(k, () => {
      const x = Float32Array.from([1, 65504, 65519.99, 65520, -70000, 3e38, Infinity, -Infinity, NaN, -1e-9]);
      const src = k.alloc(x.length * 4), dst = k.alloc(x.length * 2);
      k.f32(src, x.length).set(x);
      expect(k.exports.f32_to_f16_rows(src, dst, x.length)).toBe(3);
      expect(k.exports.f32_to_f16_rows(src, dst, 3)).toBe(0);
    });
  });
});
