// Scalar TypeScript references for the WebAssembly kernels, written for clarity rather than speed. The
// tests compare against them and the kernel benchmark times them. Two kinds:
//  - *F32 functions repeat a kernel's documented f32 operation order with Math.fround after every step,
//    so integer-exact kernels (quantize, matvec_q8) can be checked for bit equality;
//  - *F64 functions compute the mathematical value in float64, for tolerance checks of float kernels.

/** binary16 value nearest to v (ties to even), computed in float64 arithmetic, independently of the kernel's
 * bit manipulation. Returns the value and its bit pattern. */
export function f16Round(v: number): { value: number; bits: number } {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (Number.isNaN(v)) return { value: NaN, bits: 0x7e00 };
  if (a >= 65520) return { value: sign ? -Infinity : Infinity, bits: sign | 0x7c00 };
  let e = Math.max(-14, Math.floor(Math.log2(a || 1)));
  while (e > -14 && 2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (e - 10);
  const m = roundHalfEven(a / ulp); // a / ulp is exact: a power-of-two division
  const value = m * ulp;
  // Encode: m counts ulps of exponent e (1024..2048 for normals; < 1024 means subnormal at e = -14).
  let bits: number;
  if (m < 1024) bits = m; // subnormal (e == -14)
  else if (m === 2048) bits = ((e + 1 + 15) << 10);
  else bits = ((e + 15) << 10) | (m - 1024);
  return { value: sign ? -value : value, bits: sign | bits };
}

export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

export interface Q8Rows { q: Int8Array; scales: Float32Array; rowStride: number; groups: number }

export function q8Shape(cols: number, group: number): { groups: number; rowStride: number } {
  const groups = Math.ceil(cols / group);
  return { groups, rowStride: groups * group };
}

/** quantize_rows_q8, step by step in f32. */
export function quantizeRowsF32(x: Float32Array, rows: number, cols: number, group: number, f16Scale: boolean | 2): Q8Rows {
  // 2: ggml's weight quantizer (C roundf: ties away from zero); otherwise ties to even.
  const round = f16Scale === 2 ? (v: number) => Math.sign(v) * Math.round(Math.abs(v)) : roundHalfEven;
  const { groups, rowStride } = q8Shape(cols, group);
  const q = new Int8Array(rows * rowStride);
  const scales = new Float32Array(rows * groups);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const start = g * group, end = Math.min(cols, start + group);
      let amax = 0;
      for (let j = start; j < end; j++) amax = Math.max(amax, Math.abs(x[r * cols + j]));
      const d = Math.fround(amax / 127);
      const id = d !== 0 ? Math.fround(1 / d) : 0;
      scales[r * groups + g] = f16Scale ? f16Round(d).value : d;
      for (let j = start; j < end; j++) q[r * rowStride + j] = round(Math.fround(x[r * cols + j] * id));
    }
  }
  return { q, scales, rowStride, groups };
}

export function dequantizeRowsF32(q: Int8Array, scales: Float32Array, rows: number, cols: number, group: number): Float32Array {
  const { groups, rowStride } = q8Shape(cols, group);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) out[r * cols + j] = Math.fround(q[r * rowStride + j] * scales[r * groups + Math.floor(j / group)]);
  }
  return out;
}

/** Exact integer dot of one group (JS numbers hold it exactly). */
export function groupDot(wq: Int8Array, wOff: number, xq: Int8Array, xOff: number, len: number): number {
  let dot = 0;
  for (let j = 0; j < len; j++) dot += wq[wOff + j] * xq[xOff + j];
  return dot;
}

/** matvec_q8 in its documented order: acc = acc + (ws * xs) * f32(dot), group by group, each op in f32. */
export function matvecQ8F32(wq: Int8Array, ws: Float32Array, xq: Int8Array, xs: Float32Array, rows: number, cols: number, group: number,
  xqOff = 0, xsOff = 0): Float32Array {
  const { groups, rowStride } = q8Shape(cols, group);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let g = 0; g < groups; g++) {
      const dot = groupDot(wq, r * rowStride + g * group, xq, xqOff + g * group, group);
      acc = Math.fround(acc + Math.fround(Math.fround(ws[r * groups + g] * xs[xsOff + g]) * Math.fround(dot)));
    }
    out[r] = acc;
  }
  return out;
}

/** The same product in float64 (the value matvec_q8 approximates), and the sum of |terms| for its error bound. */
export function matvecQ8F64(wq: Int8Array, ws: Float32Array, xq: Int8Array, xs: Float32Array, rows: number, cols: number, group: number):
  { out: Float64Array; magnitude: Float64Array } {
  const { groups, rowStride } = q8Shape(cols, group);
  const out = new Float64Array(rows), magnitude = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const term = ws[r * groups + g] * xs[g] * groupDot(wq, r * rowStride + g * group, xq, g * group, group);
      out[r] += term;
      magnitude[r] += Math.abs(term);
    }
  }
  return { out, magnitude };
}

export function matvecF64(w: Float32Array, x: Float32Array, rows: number, cols: number, xOff = 0): { out: Float64Array; magnitude: Float64Array } {
  const out = new Float64Array(rows), magnitude = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const p = w[r * cols + j] * x[xOff + j];
      out[r] += p;
      magnitude[r] += Math.abs(p);
    }
  }
  return { out, magnitude };
}

export function rmsnormF64(x: Float32Array, w: Float32Array, n: number, eps: number, ntok: number): Float64Array {
  const out = new Float64Array(n * ntok);
  for (let t = 0; t < ntok; t++) {
    let ss = 0;
    for (let j = 0; j < n; j++) ss += x[t * n + j] ** 2;
    const s = 1 / Math.sqrt(ss / n + eps);
    for (let j = 0; j < n; j++) out[t * n + j] = x[t * n + j] * s * w[j];
  }
  return out;
}

/** The RoPE angle as the kernel defines it: f32 frequency, f32 product. */
export function ropeAngle(pos: number, j: number, headDim: number, theta: number): number {
  const freq = Math.fround(Math.pow(Math.fround(theta), -(2 * j) / headDim));
  return Math.fround(Math.fround(pos) * freq);
}

/** Rotates rows in float64 with the given tables; style 0 interleaved, 1 half-split. */
export function ropeF64(x: Float32Array, ntok: number, nHeads: number, headDim: number, rowStride: number, pos0: number,
  cosT: Float32Array, sinT: Float32Array, style: number): Float64Array {
  const out = Float64Array.from(x);
  const half = headDim / 2;
  for (let t = 0; t < ntok; t++) {
    for (let h = 0; h < nHeads; h++) {
      for (let j = 0; j < half; j++) {
        const base = t * rowStride + h * headDim;
        const i0 = base + (style === 0 ? 2 * j : j), i1 = base + (style === 0 ? 2 * j + 1 : j + half);
        const c = cosT[(pos0 + t) * half + j], s = sinT[(pos0 + t) * half + j];
        const a = x[i0], b = x[i1];
        out[i0] = a * c - b * s;
        out[i1] = a * s + b * c;
      }
    }
  }
  return out;
}

export function softmaxF64(x: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i]);
  const out = new Float64Array(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (out[i] = Math.exp(x[i] - m));
  for (let i = 0; i < x.length; i++) out[i] /= sum;
  return out;
}

export function swigluF64(gate: Float32Array, up: Float32Array): Float64Array {
  return Float64Array.from(gate, (g, i) => (g / (1 + Math.exp(-g))) * up[i]);
}

/** Causal grouped-query attention in float64 (see the kernel's contract). */
export function attentionF64(q: Float32Array, k: Float32Array, v: Float32Array, ntok: number, pos0: number,
  nHeads: number, nKvHeads: number, headDim: number, kvRowStride: number): Float64Array {
  const out = new Float64Array(ntok * nHeads * headDim);
  const group = nHeads / nKvHeads;
  for (let t = 0; t < ntok; t++) {
    for (let h = 0; h < nHeads; h++) {
      const kvOff = Math.floor(h / group) * headDim;
      const qOff = (t * nHeads + h) * headDim;
      const scores: number[] = [];
      for (let p = 0; p <= pos0 + t; p++) {
        let s = 0;
        for (let d = 0; d < headDim; d++) s += q[qOff + d] * k[p * kvRowStride + kvOff + d];
        scores.push(s / Math.sqrt(headDim));
      }
      const w = softmaxF64(scores);
      for (let p = 0; p < w.length; p++) {
        for (let d = 0; d < headDim; d++) out[qOff + d] += w[p] * v[p * kvRowStride + kvOff + d];
      }
    }
  }
  return out;
}

export function argmaxRef(x: ArrayLike<number>): number {
  let best = -1, bestValue = NaN;
  for (let i = 0; i < x.length; i++) {
    if (best < 0 || x[i] > bestValue || (Number.isNaN(bestValue) && !Number.isNaN(x[i]))) { best = i; bestValue = x[i]; }
  }
  return best;
}

