import { describe, expect, it } from 'vitest';
import { Kernels } from '../../kernels/kernels.js';

describe('kernels loader', () => {
  it('allocates aligned, grows memory, and views see writes', async () => {
    const k = await Kernels.create();
    const a = k.alloc(100);
    const b = k.alloc(3 << 20, 64);
    expect(a % 64).toBe(0);
    expect(b % 64).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 100);
    expect(k.reservedBytes).toBeGreaterThanOrEqual(b + (3 << 20));
    k.f32(b, 4).set([1, 2, 3, 4]);
    expect(Array.from(k.f32(b, 4))).toEqual([1, 2, 3, 4]);
  });
  it('refuses allocations past the wasm32 limit with a clear error', async () => {
    const k = await Kernels.create();
    expect(() => k.alloc(5 * 2 ** 30)).toThrow(/4096 MiB/);
    expect(() => k.alloc(-1)).toThrow(/invalid allocation/);
  });
});
