import { softmax } from './activation';

/** Causal grouped-query attention over an f32 KV cache.
 * q [ntok, nHeads*headDim]; kCache/vCache [positions, kvRowStride floats], positions 0..pos0+ntok-1;
 * query t (position pos0+t) attends keys 0..pos0+t; head h reads kv head h / (nHeads/nKvHeads).
 * score = (q . k) * (1/sqrt(headDim)); softmax; out [ntok, nHeads*headDim] = sum_p score_p v_p (p ascending).
 * scratch: f32 space for pos0+ntok scores. The q.k dot keeps 4 lane sums folded as (l0+l2)+(l1+l3), tail last. */
export function attention(out: usize, q: usize, kCache: usize, vCache: usize, ntok: i32, pos0: i32,
  nHeads: i32, nKvHeads: i32, headDim: i32, kvRowStride: i32, scratch: usize): void {
  const group = nHeads / nKvHeads;
  const qRow = <usize>(nHeads * headDim) << 2;
  const kvRow = <usize>kvRowStride << 2;
  const headBytes = <usize>headDim << 2;
  const head4 = <usize>(headDim & ~3) << 2;
  const invSqrt: f32 = <f32>1.0 / sqrt<f32>(<f32>headDim);
  for (let t = 0; t < ntok; t++) {
    const nKeys = pos0 + t + 1;
    for (let h = 0; h < nHeads; h++) {
      const qh = q + <usize>t * qRow + <usize>h * headBytes;
      const kvOff = <usize>(h / group) * headBytes;
      for (let p = 0; p < nKeys; p++) {
        const k = kCache + <usize>p * kvRow + kvOff;
        let a = f32x4.splat(0);
        let o: usize = 0;
        for (; o < head4; o += 16) a = f32x4.add(a, f32x4.mul(v128.load(qh + o), v128.load(k + o)));
        let s: f32 = (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 2)) + (f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 3));
        for (; o < headBytes; o += 4) s = s + load<f32>(qh + o) * load<f32>(k + o);
        store<f32>(scratch + (<usize>p << 2), s * invSqrt);
      }
      softmax(scratch, nKeys);
      const oh = out + <usize>t * qRow + <usize>h * headBytes;
      let o: usize = 0;
      for (; o < head4; o += 16) v128.store(oh + o, f32x4.splat(0));
      for (; o < headBytes; o += 4) store<f32>(oh + o, 0);
      for (let p = 0; p < nKeys; p++) {
        const v = vCache + <usize>p * kvRow + kvOff;
        const wgt = load<f32>(scratch + (<usize>p << 2));
        const wv = f32x4.splat(wgt);
        o = 0;
        for (; o < head4; o += 16) v128.store(oh + o, f32x4.add(v128.load(oh + o), f32x4.mul(wv, v128.load(v + o))));
        for (; o < headBytes; o += 4) store<f32>(oh + o, load<f32>(oh + o) + wgt * load<f32>(v + o));
      }
    }
  }
}
