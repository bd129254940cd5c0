// Q/K row order for the two RoPE conventions. convert_hf_to_gguf.py permutes HF's rotate-half rows so
// adjacent-pair RoPE computes the same thing: within each head (a kv head for K), interleaved row 2j + s
// holds half-style row s*headDim/2 + j.

/** The half-style row that lands at interleaved row `r`. */
export function halfRowForInterleavedRow(r: number, headDim: number): number {
  const h = Math.floor(r / headDim), i = r % headDim;
  return h * headDim + (i & 1) * (headDim / 2) + (i >> 1);
}

/** The interleaved row that lands at half-style row `r` (the inverse permutation). */
export function interleavedRowForHalfRow(r: number, headDim: number): number {
  const h = Math.floor(r / headDim), i = r % headDim, half = headDim / 2;
  return h * headDim + (i % half) * 2 + (i >= half ? 1 : 0);
}

/** Row i of the result is row map(i) of `rows` x `cols` matrix `m`. */
export function permuteRows(m: Float32Array, rows: number, cols: number, map: (r: number) => number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) out.set(m.subarray(map(r) * cols, map(r) * cols + cols), r * cols);
  return out;
}
