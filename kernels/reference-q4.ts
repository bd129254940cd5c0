// Scalar TypeScript references for the Q4 kernels (kernels/assembly/matvec-q4.ts), written for clarity: each
// weight is read out of its nibble and multiplied as it stands (nibble - 8), with no offset trick, and the f32
// steps follow the documented order with Math.fround after each, so the kernels can be checked bit for bit.

/** Q4Matrix nibbles for int8 weights in -8..7 ([rows, cols], dense): per row and group of 32, 16 bytes, low
 * nibble = column j, high nibble = column j + 16 of the group; padding columns get nibble 8 (weight 0). */
export function packQ4(w: Int8Array, rows: number, cols: number): Uint8Array {
  const groups = Math.ceil(cols / 32);
  const out = new Uint8Array(rows * groups * 16);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < groups * 32; c++) {
      const v = c < cols ? w[r * cols + c] : 0;
      if (v < -8 || v > 7 || !Number.isInteger(v)) throw new Error(`packQ4: weight ${v} at (${r}, ${c}) is not in -8..7`);
      const g = c >> 5, i = c & 31, at = (r * groups + g) * 16 + (i & 15);
      out[at] |= (v + 8) << (i < 16 ? 0 : 4);
    }
  }
  return out;
}

/** The weight at (r, c) of a Q4Matrix's nibbles. */
export function q4Weight(nib: Uint8Array, groups: number, r: number, c: number): number {
  const i = c & 31, byte = nib[(r * groups + (c >> 5)) * 16 + (i & 15)];
  return (i < 16 ? byte & 15 : byte >> 4) - 8;
}

/** The int8 expansion (Q8Matrix layout, group 32, rowStride = groups * 32). */
export function unpackQ4(nib: Uint8Array, rows: number, cols: number): Int8Array {
  const groups = Math.ceil(cols / 32), stride = groups * 32;
  const q = new Int8Array(rows * stride);
  for (let r = 0; r < rows; r++) for (let c = 0; c < stride; c++) q[r * stride + c] = q4Weight(nib, groups, r, c);
  return q;
}

/** matvec_q4 in its documented order: acc = acc + (ws * xs) * f32(dot), dot the exact sum of
 * (nibble - 8) * x over the group, groups ascending, each f32 op rounded. */
export function matvecQ4F32(nib: Uint8Array, ws: Float32Array, xq: Int8Array, xs: Float32Array, rows: number, cols: number,
  xqOff = 0, xsOff = 0): Float32Array {
  const groups = Math.ceil(cols / 32);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let g = 0; g < groups; g++) {
      let dot = 0;
      for (let j = 0; j < 32; j++) dot += q4Weight(nib, groups, r, g * 32 + j) * xq[xqOff + g * 32 + j];
      acc = Math.fround(acc + Math.fround(Math.fround(ws[r * groups + g] * xs[xsOff + g]) * Math.fround(dot)));
    }
    out[r] = acc;
  }
  return out;
}
