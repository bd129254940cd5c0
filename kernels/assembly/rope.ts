import { exp64, log64, sin64, cos64 } from './math';
import { check } from './checks';

/** cos/sin tables [maxPos, headDim/2]. As llama2.c and Hugging Face do, the frequency theta^(-2j/headDim)
 * is an f32 and the angle pos * freq is rounded to f32; cos/sin of that angle are then computed in f64
 * and rounded once, so the table is the correctly rounded value of the f32 angle. */
export function rope_table(cosOut: usize, sinOut: usize, maxPos: i32, headDim: i32, theta: f32): void {
  check(headDim > 0 && (headDim & 1) == 0, 'rope_table: headDim must be positive and even');
  check(theta > 0 && theta < Infinity, 'rope_table: theta must be a positive finite number');
  const half = headDim >> 1;
  const logTheta = log64(<f64>theta);
  for (let j = 0; j < half; j++) {
    const freq = <f32>exp64(-(<f64>(2 * j) / <f64>headDim) * logTheta);
    for (let p = 0; p < maxPos; p++) {
      const angle: f32 = <f32>p * freq;
      const at = (<usize>p * <usize>half + <usize>j) << 2;
      store<f32>(cosOut + at, <f32>cos64(<f64>angle));
      store<f32>(sinOut + at, <f32>sin64(<f64>angle));
    }
  }
}

/** Rotates in place ntok rows (row t at position pos0 + t, rowStride floats apart) of nHeads heads.
 * style 0 pairs (2j, 2j+1) as llama2.c/GGUF; style 1 pairs (j, j + headDim/2) as HF rotate_half.
 * (a, b) -> (a cos - b sin, a sin + b cos). */
export function rope(x: usize, ntok: i32, nHeads: i32, headDim: i32, rowStride: i32, pos0: i32, cosT: usize, sinT: usize, style: i32): void {
  check(headDim > 0 && (headDim & 1) == 0, 'rope: headDim must be positive and even');
  check(style == 0 || style == 1, 'rope: style must be 0 (interleaved) or 1 (half-split)');
  check(pos0 >= 0, 'rope: pos0 must be >= 0');
  const half = headDim >> 1;
  const second: usize = style == 0 ? 4 : <usize>half << 2; // byte distance from a pair's first to its second
  const step: usize = style == 0 ? 8 : 4; // byte distance between consecutive pairs
  for (let t = 0; t < ntok; t++) {
    const tab = <usize>(pos0 + t) * <usize>half << 2;
    const c = cosT + tab, s = sinT + tab;
    const row = x + (<usize>t * <usize>rowStride << 2);
    for (let h = 0; h < nHeads; h++) {
      let p = row + (<usize>(h * headDim) << 2);
      for (let j = 0; j < half; j++) {
        const cj = load<f32>(c + (<usize>j << 2)), sj = load<f32>(s + (<usize>j << 2));
        const a = load<f32>(p), b = load<f32>(p + second);
        store<f32>(p, a * cj - b * sj);
        store<f32>(p + second, a * sj + b * cj);
        p += step;
      }
    }
  }
}
