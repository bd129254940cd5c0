// `bench kernels`' 4-bit rows: a whole SmolLM-135M pass (every matrix once, the LM head in decode) with the
// weights as Q4Matrix (matvec_q4 / matmul_q4) against the same shapes as Q8Matrix (matvec_q8 /
// matmul_q8_tiled), measured in alternating rounds so that load from other processes hits both alike, and
// reported as per-round ratios. The values are random (speed does not depend on them).
import type { Kernels, Ptr } from '../kernels/kernels.js';
import { upperMedian as median } from './median.js';

interface Operand { q: Ptr; scales: Ptr; rows: number; cols: number }

export interface WholeModelQ4 {
  q8WeightMiB: number;
  q4WeightMiB: number;
  rounds: number;
  prefillTokens: number;
  /** Per round, passes (or prefill tokens) per second of the clock `measure` uses. */
  q8DecodePassesPerS: number[];
  q4DecodePassesPerS: number[];
  q8PrefillTokensPerS: number[];
  q4PrefillTokensPerS: number[];
  /** Median over rounds of q4 / q8 in the same round. */
  decodeRatio: number;
  prefillRatio: number;
}

/** Seeded noise bytes (any value: nibbles 0..15 both halves; int8 weights). */
function noise(k: Kernels, ptr: Ptr, bytes: number, seed: number): void {
  const words = k.u32(ptr, bytes >>> 2);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; words[i] = s & 0x7f7f7f7f; }
}

function operand(k: Kernels, rows: number, cols: number, bytesPerWeight: 0.5 | 1, seed: number): Operand {
  const q = k.alloc(rows * cols * bytesPerWeight, 64), scales = k.alloc(rows * (cols / 32) * 4, 64);
  noise(k, q, rows * cols * bytesPerWeight, seed);
  k.f32(scales, rows * (cols / 32)).fill(0.001);
  return { q, scales, rows, cols };
}


/** `measure(name, fn)` returns milliseconds per call (bench/kernels.ts's tinybench median). */
export function benchWholeModelQ4(k: Kernels, measure: (name: string, fn: () => void) => number, prefillTokens: number, rounds = 3): WholeModelQ4 {
  const m = k.mark();
  const shapes: [number, number][] = [];
  for (let l = 0; l < 30; l++) shapes.push([576, 576], [192, 576], [192, 576], [576, 576], [1536, 576], [1536, 576], [576, 1536]);
  shapes.push([49152, 576]);
  const q8 = shapes.map(([r, c], i) => operand(k, r, c, 1, 1000 + i));
  const q4 = shapes.map(([r, c], i) => operand(k, r, c, 0.5, 2000 + i));
  const x: Record<number, { q: Ptr; s: Ptr }> = {};
  for (const c of [576, 1536]) {
    x[c] = { q: k.alloc(prefillTokens * c, 64), s: k.alloc(prefillTokens * (c / 32) * 4, 64) };
    noise(k, x[c].q, prefillTokens * c, c);
    k.f32(x[c].s, prefillTokens * (c / 32)).fill(0.01);
  }
  const out = k.alloc(49152 * 4 * prefillTokens, 64);
  const bytes = Math.max(k.exports.matmul_q8_scratch_bytes(1536, 32, prefillTokens), k.exports.matmul_q4_scratch_bytes(1536, 576, prefillTokens),
    k.exports.matmul_q4_scratch_bytes(576, 1536, prefillTokens));
  const scratch = k.alloc(bytes, 64);
  const e = k.exports;
  const r: WholeModelQ4 = {
    q8WeightMiB: shapes.reduce((s, [a, b]) => s + a * b * (1 + 1 / 8), 0) / 2 ** 20,
    q4WeightMiB: shapes.reduce((s, [a, b]) => s + a * b * (0.5 + 1 / 8), 0) / 2 ** 20,
    rounds, prefillTokens, q8DecodePassesPerS: [], q4DecodePassesPerS: [], q8PrefillTokensPerS: [], q4PrefillTokensPerS: [], decodeRatio: 0, prefillRatio: 0,
  };
  for (let i = 0; i < rounds; i++) {
    r.q8DecodePassesPerS.push(1000 / measure('q8 decode', () => { for (const w of q8) e.matvec_q8(out, w.q, w.scales, x[w.cols].q, x[w.cols].s, w.rows, w.cols, 32); }));
    r.q4DecodePassesPerS.push(1000 / measure('q4 decode', () => { for (const w of q4) e.matvec_q4(out, w.q, w.scales, x[w.cols].q, x[w.cols].s, w.rows, w.cols); }));
    // Prefill skips the head, as the engine does.
    r.q8PrefillTokensPerS.push(prefillTokens * 1000 / measure('q8 prefill', () => {
      for (const w of q8.slice(0, -1)) e.matmul_q8_tiled(out, w.q, w.scales, x[w.cols].q, x[w.cols].s, w.rows, w.cols, 32, prefillTokens, scratch, bytes);
    }));
    r.q4PrefillTokensPerS.push(prefillTokens * 1000 / measure('q4 prefill', () => {
      for (const w of q4.slice(0, -1)) e.matmul_q4(out, w.q, w.scales, x[w.cols].q, x[w.cols].s, w.rows, w.cols, prefillTokens, scratch, bytes);
    }));
  }
  r.decodeRatio = median(r.q4DecodePassesPerS.map((v, i) => v / r.q8DecodePassesPerS[i]));
  r.prefillRatio = median(r.q4PrefillTokensPerS.map((v, i) => v / r.q8PrefillTokensPerS[i]));
  k.release(m);
  return r;
}
