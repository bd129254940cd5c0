// An independent, deliberately plain reimplementation of ggml's reference dequantize_row_* for each block
// type, written from the published block layouts one value at a time (value index -> bytes it comes from),
// with Math.fround after every C float operation, so the decoder in weights/ can be checked bit for bit.
// It shares no code with weights/ggml-quants.ts or ggml-kquants.ts (not even the fp16 conversion).

/** fp16 bits -> number, by the IEEE formula (not half.ts's bit shuffling). */
function half(lo: number, hi: number): number {
  const h = lo | (hi << 8);
  const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}
const f = Math.fround;
const KVALUES = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];
const bit = (byte: number, k: number) => (byte >> k) & 1;
const bitsOf = (byte: number, from: number, n: number) => (byte >> from) & ((1 << n) - 1);
const s8 = (x: number) => (x >= 128 ? x - 256 : x);

/** 6-bit scale j and min j of a Q4_K/Q5_K 12-byte scales field (ggml's get_scale_min_k4). */
function scaleMinK4(s: Uint8Array, j: number): [number, number] {
  if (j < 4) return [bitsOf(s[j], 0, 6), bitsOf(s[j + 4], 0, 6)];
  return [bitsOf(s[j + 4], 0, 4) + 16 * bitsOf(s[j - 4], 6, 2), bitsOf(s[j + 4], 4, 4) + 16 * bitsOf(s[j], 6, 2)];
}

/** Value `i` (0-based within the block) of one block `b` of `type`. */
export function referenceValue(type: string, b: Uint8Array, i: number): number {
  switch (type) {
    case 'Q4_0': {
      const nib = i < 16 ? bitsOf(b[2 + i], 0, 4) : bitsOf(b[2 + i - 16], 4, 4);
      return f((nib - 8) * half(b[0], b[1]));
    }
    case 'Q4_1': {
      const nib = i < 16 ? bitsOf(b[4 + i], 0, 4) : bitsOf(b[4 + i - 16], 4, 4);
      return f(f(nib * half(b[0], b[1])) + half(b[2], b[3]));
    }
    case 'Q5_0': case 'Q5_1': {
      const base = type === 'Q5_0' ? 2 : 4;
      const nib = i < 16 ? bitsOf(b[base + 4 + i], 0, 4) : bitsOf(b[base + 4 + i - 16], 4, 4);
      const q = nib + 16 * bit(b[base + (i >> 3)], i & 7);
      return type === 'Q5_0' ? f((q - 16) * half(b[0], b[1])) : f(f(q * half(b[0], b[1])) + half(b[2], b[3]));
    }
    case 'IQ4_NL': {
      const nib = i < 16 ? bitsOf(b[2 + i], 0, 4) : bitsOf(b[2 + i - 16], 4, 4);
      return f(half(b[0], b[1]) * KVALUES[nib]);
    }
    case 'Q2_K': {
      // 128-value halves; in a half, 4 runs of 32 (2-bit field r of bytes 0..31), each run two sub-blocks.
      const h = i >> 7, r = (i >> 5) & 3, l = i & 31, sub = i >> 4;
      const q = bitsOf(b[16 + 32 * h + l], 2 * r, 2);
      const sc = b[sub];
      const dl = f(half(b[80], b[81]) * bitsOf(sc, 0, 4)), ml = f(half(b[82], b[83]) * bitsOf(sc, 4, 4));
      return f(f(dl * q) - ml);
    }
    case 'Q3_K': {
      const h = i >> 7, r = (i >> 5) & 3, l = i & 31, sub = i >> 4;
      const low2 = bitsOf(b[32 + 32 * h + l], 2 * r, 2);
      const q = low2 - (bit(b[l], 4 * h + r) ? 0 : 4);
      // 16 scales of 6 bits: low 4 bits are nibbles of bytes 96..103 (sub 0-7 low nibbles, 8-15 high
      // nibbles), the top 2 bits are 2-bit fields of bytes 104..107 (byte 104 + sub%4, field sub/4).
      const lowNib = sub < 8 ? bitsOf(b[96 + sub], 0, 4) : bitsOf(b[96 + sub - 8], 4, 4);
      const top = bitsOf(b[104 + (sub % 4)], 2 * Math.floor(sub / 4), 2);
      const scale = lowNib + 16 * top - 32;
      return f(f(half(b[108], b[109]) * scale) * q);
    }
    case 'Q4_K': case 'Q5_K': {
      const sub = i >> 5, l = i & 31;
      const [sc, m] = scaleMinK4(b.subarray(4, 16), sub);
      const qsBase = type === 'Q4_K' ? 16 : 48;
      let q = bitsOf(b[qsBase + 32 * (sub >> 1) + l], 4 * (sub & 1), 4);
      if (type === 'Q5_K') q += 16 * bit(b[16 + l], sub);
      const dl = f(half(b[0], b[1]) * sc), ml = f(half(b[2], b[3]) * m);
      return f(f(dl * q) - ml);
    }
    case 'Q6_K': {
      // 128-value halves; in a half, value 32r + l: nibble of ql[64h + l + 32(r%2)] (low for r<2),
      // 2 high bits from qh[128 + 32h + l] field r, scale int8 at 192 + 8h + 2r + l/16.
      const h = i >> 7, r = (i >> 5) & 3, l = i & 31;
      const nib = bitsOf(b[64 * h + l + 32 * (r % 2)], r < 2 ? 0 : 4, 4);
      const q = nib + 16 * bitsOf(b[128 + 32 * h + l], 2 * r, 2) - 32;
      const sc = s8(b[192 + 8 * h + 2 * r + (l >> 4)]);
      return f(f(half(b[208], b[209]) * sc) * q);
    }
    case 'IQ4_XS': {
      const sub = i >> 5, j = i & 31;
      const scalesH = b[2] + 256 * b[3];
      const ls = bitsOf(b[4 + (sub >> 1)], 4 * (sub % 2), 4) + 16 * ((scalesH >> (2 * sub)) & 3);
      const nib = j < 16 ? bitsOf(b[8 + 16 * sub + j], 0, 4) : bitsOf(b[8 + 16 * sub + j - 16], 4, 4);
      return f(f(half(b[0], b[1]) * (ls - 32)) * KVALUES[nib]);
    }
    default: throw new Error(`no reference for ${type}`);
  }
}

/** Offsets of the fp16 fields (d, and m/dmin where present) in each type's block. */
export const HALF_FIELDS: Record<string, number[]> = {
  Q4_0: [0], Q4_1: [0, 2], Q5_0: [0], Q5_1: [0, 2], IQ4_NL: [0], IQ4_XS: [0],
  Q2_K: [80, 82], Q3_K: [108], Q4_K: [0, 2], Q5_K: [0, 2], Q6_K: [208],
};
