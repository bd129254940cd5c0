import { describe, expect, it } from 'vitest';
import { argmaxRef } from '../../kernels/reference.js';
import { kernels, put, randomF32, readF32, rng, scoped } from './wasm-io.js';

describe('add and scale', () => {
  it('are single exactly rounded f32 operations per element', async () => {
    const k = await kernels();
    for (const n of [1, 3, 4, 17, 576]) scoped(k, () => {
      const r = rng(n * 3);
      const a = randomF32(r, n, 10), b = randomF32(r, n, 10);
      const ap = put(k, a);
      k.exports.add(ap, put(k, b), n);
      expect(readF32(k, ap, n)).toEqual(a.map((v, i) => Math.fround(v + b[i])));
      const s = Math.fround(0.37);
      const sum = readF32(k, ap, n);
      k.exports.scale(ap, n, s);
      expect(readF32(k, ap, n)).toEqual(sum.map((v) => Math.fround(v * s)));
    });
  });

  it('stop at n', async () => {
    const k = await kernels();
    scoped(k, () => {
      const a = put(k, Float32Array.from([1, 2, 3, 4, 5, 6])), b = put(k, Float32Array.from([1, 1, 1, 1, 1, 1]));
      k.exports.add(a, b, 5);
      k.exports.scale(a, 3, 2);
      expect(Array.from(readF32(k, a, 6))).toEqual([4, 6, 8, 5, 6, 6]);
    });
  });
});

describe('apply_mask', () => {
  it('keeps exactly the logits whose bit is set (bit i of word i >> 5, LSB first)', async () => {
    const k = await kernels();
    for (const n of [1, 5, 31, 32, 33, 64, 100, 49152]) scoped(k, () => {
      const r = rng(n);
      const words = new Uint32Array(Math.ceil(n / 32) + 1).map(() => (r() * 2 ** 32) >>> 0);
      words[words.length - 1] = 0; // a word past n: must not be read as a reason to write past n
      const logits = randomF32(r, n + 8);
      const lp = put(k, logits);
      k.exports.apply_mask(lp, put(k, words), n, -1e30);
      const got = readF32(k, lp, n + 8);
      for (let i = 0; i < n + 8; i++) {
        const allowed = i >= n || ((words[i >>> 5] >>> (i & 31)) & 1) === 1;
        expect(got[i]).toBe(allowed ? logits[i] : Math.fround(-1e30));
      }
    });
  });

  it('bit order: word 0 = 0b101 allows tokens 0 and 2 only', async () => {
    const k = await kernels();
    scoped(k, () => {
      const lp = put(k, Float32Array.from([1, 2, 3, 4, 5]));
      k.exports.apply_mask(lp, put(k, Uint32Array.from([0b101])), 5, -9);
      expect(Array.from(readF32(k, lp, 5))).toEqual([1, -9, 3, -9, -9]);
    });
  });
});

describe('argmax', () => {
  it('returns the lowest index among ties and matches a scalar scan', async () => {
    const k = await kernels();
    scoped(k, () => {
      const cases: number[][] = [[5], [1, 3, 3, 2], [-1, -1, -1], [0, 7, 1, 7, 7], [-Infinity, -1e30, -1e30], [NaN, 1, 2, 2], [1, NaN, 0]];
      for (const c of cases) expect(k.exports.argmax(put(k, Float32Array.from(c)), c.length), JSON.stringify(c)).toBe(argmaxRef(c));
      expect(argmaxRef([1, 3, 3, 2])).toBe(1);
      expect(argmaxRef([NaN, 1, 2, 2])).toBe(2);
      expect(k.exports.argmax(put(k, new Float32Array(1)), 0)).toBe(-1);
      for (const n of [2, 17, 49152]) {
        const x = randomF32(rng(n), n).map((v) => Math.round(v * 8)); // many ties
        expect(k.exports.argmax(put(k, x), n)).toBe(argmaxRef(x));
      }
    });
  });
});
