import { describe, expect, it } from 'vitest';
import { compileKernels } from '../../kernels/kernels.js';
import { kernels, rng, ulpDiff } from './wasm-io.js';

// expf/logf/sinf/cosf are the module's own f64 polynomials rounded to f32. Stated accuracy: at most 1 ulp
// from the float64 Math value rounded to f32 (in practice correctly rounded but for rare near-ties);
// sin/cos over |x| < 1.6e6, the domain of the two-part pi/2 reduction.
function maxUlp(f: (x: number) => number, ref: (x: number) => number, xs: number[]): number {
  let worst = 0;
  for (const x of xs) worst = Math.max(worst, ulpDiff(f(x), Math.fround(ref(x))));
  return worst;
}

function samples(seed: number, n: number, lo: number, hi: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * r()));
}

describe('scalar math in wasm', () => {
  it('the module imports nothing but env.abort: no host Math can leak into the numerics', async () => {
    expect(WebAssembly.Module.imports(await compileKernels())).toEqual([{ module: 'env', name: 'abort', kind: 'function' }]);
  });

  it('expf is within 1 ulp of Math.exp over the f32 range', async () => {
    const k = (await kernels()).exports;
    expect(maxUlp(k.expf, Math.exp, samples(1, 20000, -103, 88.7))).toBeLessThanOrEqual(1);
    expect(maxUlp(k.expf, Math.exp, samples(2, 5000, -1, 1))).toBeLessThanOrEqual(1);
    expect(k.expf(0)).toBe(1);
    expect(k.expf(-Infinity)).toBe(0);
    expect(k.expf(-200)).toBe(0);
    expect(k.expf(Infinity)).toBe(Infinity);
    expect(k.expf(100)).toBe(Infinity);
    expect(k.expf(NaN)).toBeNaN();
  });

  it('logf is within 1 ulp of Math.log, including subnormal inputs', async () => {
    const k = (await kernels()).exports;
    const r = rng(3);
    const xs = Array.from({ length: 20000 }, () => Math.fround(2 ** (r() * 250 - 140) * (1 + r())));
    expect(maxUlp(k.logf, Math.log, xs)).toBeLessThanOrEqual(1);
    expect(maxUlp(k.logf, Math.log, samples(4, 5000, 0.5, 2))).toBeLessThanOrEqual(1);
    expect(k.logf(1)).toBe(0);
    expect(k.logf(0)).toBe(-Infinity);
    expect(k.logf(-1)).toBeNaN();
    expect(k.logf(Infinity)).toBe(Infinity);
  });

  it('sinf and cosf are within 1 ulp of Math.sin/cos up to |x| = 1.6e6', async () => {
    const k = (await kernels()).exports;
    for (const [seed, lim] of [[5, 4], [6, 100], [7, 1e4], [8, 1.6e6]] as const) {
      const xs = samples(seed, 10000, -lim, lim);
      expect(maxUlp(k.sinf, Math.sin, xs)).toBeLessThanOrEqual(1);
      expect(maxUlp(k.cosf, Math.cos, xs)).toBeLessThanOrEqual(1);
    }
    expect(k.sinf(0)).toBe(0);
    expect(k.cosf(0)).toBe(1);
    expect(k.sinf(Infinity)).toBeNaN();
    // Past the accurate domain the result is still a number in [-1, 1].
    for (const x of [1e7, 3e20, -3.4e38]) {
      expect(Math.abs(k.sinf(x))).toBeLessThanOrEqual(1);
      expect(Math.abs(k.cosf(x))).toBeLessThanOrEqual(1);
    }
  });
});
