import { describe, expect, it } from 'vitest';
import { kernels, scoped, space } from './wasm-io.js';

// Arguments that would read the wrong bytes or divide by zero are refused with a message, not garbage.
describe('kernel argument checks', () => {
  it('q8 kernels refuse a group that is not a positive multiple of 16', async () => {
    const k = await kernels();
    scoped(k, () => {
      const p = space(k, 256);
      for (const group of [0, 8, 24, -16]) {
        expect(() => k.exports.matvec_q8(p, p, p, p, p, 2, 32, group)).toThrow(/group must be a positive multiple of 16/);
        expect(() => k.exports.matmul_q8(p, p, p, p, p, 2, 32, group, 2)).toThrow(/group must be a positive multiple of 16/);
        expect(() => k.exports.quantize_rows_q8(p, 1, 32, p, p, group, 0)).toThrow(/group must be a positive multiple of 16/);
        expect(() => k.exports.dequantize_rows_q8(p, p, 1, 32, group, p)).toThrow(/group must be a positive multiple of 16/);
      }
    });
  });

  it('rope and its table refuse odd or zero head sizes, unknown styles and bad theta', async () => {
    const k = await kernels();
    scoped(k, () => {
      const p = space(k, 256);
      expect(() => k.exports.rope_table(p, p, 4, 7, 1e4)).toThrow(/headDim must be positive and even/);
      expect(() => k.exports.rope_table(p, p, 4, 8, 0)).toThrow(/theta must be a positive finite number/);
      expect(() => k.exports.rope_table(p, p, 4, 8, NaN)).toThrow(/theta/);
      expect(() => k.exports.rope(p, 1, 1, 0, 8, 0, p, p, 0)).toThrow(/headDim must be positive and even/);
      expect(() => k.exports.rope(p, 1, 1, 8, 8, 0, p, p, 2)).toThrow(/style must be 0 \(interleaved\) or 1 \(half-split\)/);
      expect(() => k.exports.rope(p, 1, 1, 8, 8, -1, p, p, 0)).toThrow(/pos0/);
    });
  });

  it('attention refuses head counts that do not group', async () => {
    const k = await kernels();
    scoped(k, () => {
      const p = space(k, 256);
      expect(() => k.exports.attention(p, p, p, p, 1, 0, 9, 4, 8, 32, p)).toThrow(/nHeads must be a positive multiple of nKvHeads/);
      expect(() => k.exports.attention(p, p, p, p, 1, 0, 9, 0, 8, 32, p)).toThrow(/nKvHeads/);
      expect(() => k.exports.attention(p, p, p, p, 1, 0, 2, 4, 8, 32, p)).toThrow(/nKvHeads/);
      expect(() => k.exports.attention(p, p, p, p, 1, 0, 2, 1, 0, 32, p)).toThrow(/headDim must be positive/);
    });
  });

  it('zero counts do nothing: no writes, no traps', async () => {
    const k = await kernels();
    scoped(k, () => {
      const p = space(k, 64, 7);
      const e = k.exports;
      e.matvec_q8(p, p, p, p, p, 0, 32, 32);
      e.matmul_q8(p, p, p, p, p, 4, 32, 32, 0);
      e.matvec_f32(p, p, p, 0, 8);
      e.matmul_f32(p, p, p, 4, 8, 0);
      e.quantize_rows_q8(p, 0, 32, p, p, 32, 1);
      e.dequantize_rows_q8(p, p, 0, 32, 32, p);
      e.rmsnorm(p, p, p, 8, 1e-5, 0);
      e.rope(p, 0, 1, 8, 8, 0, p, p, 0);
      e.attention(p, p, p, p, 0, 0, 1, 1, 8, 8, p);
      e.softmax(p, 0);
      e.swiglu(p, p, p, 0);
      e.add(p, p, 0);
      e.scale(p, 0, 3);
      e.apply_mask(p, p, 0, -1);
      expect(e.argmax(p, 0)).toBe(-1);
      expect(Array.from(k.f32(p, 64))).toEqual(new Array(64).fill(7));
    });
  });

  it('allocations start above the static data that holds these messages', async () => {
    const k = await kernels();
    expect(k.mark()).toBeGreaterThanOrEqual(k.exports.heap_base());
    expect(() => k.exports.matvec_q8(0, 0, 0, 0, 0, 1, 16, 8)).toThrow(/group must be/); // message still intact
  });
});
