// Test helpers: plain references for reading placed weights back and for group quantization.
import { expect } from 'vitest';
import type { Kernels } from '../../kernels/kernels.js';
import type { Matrix, ModelWeights } from '../../weights/model-weights.js';
import { expectedTensors, layerTensorNames } from '../../weights/model-layout.js';

/** The f32 values a placed matrix stands for (q8: q * scale per group, q4: (nibble - 8) * scale; computed in f64 then rounded). */
export function matrixValues(k: Kernels, m: Matrix): Float32Array {
  if (m.kind === 'f32') return k.f32(m.data, m.rows * m.cols).slice();
  if (m.kind === 'q4') { // packed nibbles, group 32: (nibble - 8) * scale
    const perRow = Math.ceil(m.cols / 32);
    const q = k.u8(m.q, m.rows * perRow * 16), s = k.f32(m.scales, m.rows * perRow);
    const out = new Float32Array(m.rows * m.cols);
    for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) {
      const g = Math.floor(c / 32), i = c % 32, byte = q[(r * perRow + g) * 16 + (i % 16)];
      out[r * m.cols + c] = ((i < 16 ? byte & 15 : byte >> 4) - 8) * s[r * perRow + g];
    }
    return out;
  }
  const perRow = Math.ceil(m.cols / m.group), stride = perRow * m.group;
  const q = k.i8(m.q, m.rows * stride), s = k.f32(m.scales, m.rows * perRow);
  const out = new Float32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) {
    out[r * m.cols + c] = q[r * stride + c] * s[r * perRow + Math.floor(c / m.group)];
  }
  return out;
}

/** Every tensor of placed weights by GGUF name (norms as vectors). */
export function placedTensors(k: Kernels, w: ModelWeights): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const c = w.config;
  out.set('token_embd.weight', matrixValues(k, w.tokenEmbedding));
  w.layers.forEach((l, i) => {
    const n = layerTensorNames(i);
    out.set(n.attnNorm, k.f32(l.attnNorm, c.dim).slice());
    out.set(n.ffnNorm, k.f32(l.ffnNorm, c.dim).slice());
    for (const key of ['wq', 'wk', 'wv', 'wo', 'wGate', 'wUp', 'wDown'] as const) out.set(n[key], matrixValues(k, l[key]));
  });
  out.set('output_norm.weight', k.f32(w.finalNorm, c.dim).slice());
  if (!c.tiedEmbeddings) out.set('output.weight', matrixValues(k, w.output));
  expect(new Set(out.keys())).toEqual(new Set(expectedTensors(c).map((t) => t.name)));
  return out;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Plain reference of symmetric group quantization: d = f32(amax/127), q = round-half-even(f32(x * f32(1/d))). */
export function referenceQuantize(x: Float32Array, rows: number, cols: number, group: number) {
  const perRow = Math.ceil(cols / group);
  const q = new Int8Array(rows * perRow * group), scales = new Float32Array(rows * perRow);
  for (let r = 0; r < rows; r++) for (let g = 0; g < perRow; g++) {
    let amax = 0;
    const end = Math.min(cols, (g + 1) * group);
    for (let c = g * group; c < end; c++) amax = Math.max(amax, Math.abs(x[r * cols + c]));
    const d = Math.fround(amax / 127), id = d ? Math.fround(1 / d) : 0;
    scales[r * perRow + g] = d;
    for (let c = g * group; c < end; c++) q[r * perRow * group + c] = roundHalfEven(Math.fround(x[r * cols + c] * id));
  }
  return { q, scales };
}

/** |actual - exact| <= half a quantization step (amax/127/2) per group of each row; with fp16Scale, plus
 * what rounding d to binary16 can add: 127 * |d - d16| <= 127 * d * 2^-11. */
export function expectWithinQ8Error(actual: Float32Array, exact: Float32Array, cols: number, group: number, fp16Scale = false): void {
  expect(actual.length).toBe(exact.length);
  for (let i = 0; i < exact.length; i += cols) {
    for (let g = 0; g < cols; g += group) {
      let amax = 0;
      for (let c = g; c < Math.min(cols, g + group); c++) amax = Math.max(amax, Math.abs(exact[i + c]));
      const bound = (amax / 127) * (0.5 + (fp16Scale ? 127 / 2048 : 0)) * (1 + 1e-5) + 1e-12;
      for (let c = g; c < Math.min(cols, g + group); c++) {
        const err = Math.abs(actual[i + c] - exact[i + c]);
        if (!(err <= bound)) throw new Error(`value ${i + c}: |${actual[i + c]} - ${exact[i + c]}| = ${err} > ${bound}`);
      }
    }
  }
}

/** Bitwise equality of two f32 arrays, fast on millions of values; names the first difference. */
export function expectSameF32(actual: Float32Array | undefined, expected: Float32Array, label: string): void {
  if (!actual) throw new Error(`${label}: missing`);
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length} != ${expected.length}`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new Error(`${label}: value ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Equality of string/number arrays without vitest's slow deep diff on 50k-element arrays. */
export function expectSameArray(actual: unknown, expected: unknown[], label: string): void {
  if (!Array.isArray(actual)) throw new Error(`${label}: not an array`);
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) throw new Error(`${label}[${i}]: ${String(actual[i])} != ${String(expected[i])}`);
}
