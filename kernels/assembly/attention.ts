import { softmax } from './activation';
import { check } from './checks';
import { halfToFloat } from './f16-rows';

/** Causal grouped-query attention over an f32 KV cache.
 * q [ntok, nHeads*headDim]; kCache/vCache [positions, kvRowStride floats], positions 0..pos0+ntok-1;
 * query t (position pos0+t) attends keys 0..pos0+t; head h reads kv head h / (nHeads/nKvHeads).
 * score = (q . k) * (1/sqrt(headDim)); softmax; out [ntok, nHeads*headDim] = sum_p score_p v_p (p ascending).
 * scratch: f32 space for pos0+ntok scores. Each q.k dot keeps 4 lane sums over dims d ≡ lane (mod 4),
 * folded as (l0+l2)+(l1+l3), then adds the tail dims in order; every query is computed alone, so running
 * many queries at once (prefill) gives the same bits as one at a time (decode). */
export function attention(out: usize, q: usize, kCache: usize, vCache: usize, ntok: i32, pos0: i32,
  nHeads: i32, nKvHeads: i32, headDim: i32, kvRowStride: i32, scratch: usize): void {
  check(nKvHeads > 0 && nHeads >= nKvHeads && nHeads % nKvHeads == 0, 'attention: nHeads must be a positive multiple of nKvHeads');
  check(headDim > 0 && pos0 >= 0, 'attention: headDim must be positive and pos0 >= 0');
  const group = nHeads / nKvHeads;
  const qRow = <usize>(nHeads * headDim) << 2;
  const kvRow = <usize>kvRowStride << 2;
  const headBytes = <usize>headDim << 2;
  const invSqrt: f32 = <f32>1.0 / sqrt<f32>(<f32>headDim);
  touchRows(kCache, vCache, pos0 + ntok, kvRow);
  for (let t = 0; t < ntok; t++) {
    const nKeys = pos0 + t + 1;
    for (let h = 0; h < nHeads; h++) {
      const qh = q + <usize>t * qRow + <usize>h * headBytes;
      const kvOff = <usize>(h / group) * headBytes;
      scores(scratch, qh, kCache + kvOff, kvRow, nKeys, headDim, invSqrt);
      softmax(scratch, nKeys);
      weightedSum(out + <usize>t * qRow + <usize>h * headBytes, scratch, vCache + kvOff, kvRow, nKeys, headDim);
    }
  }
}

/** Bytes of scratch attention_f16 needs for `positions` cached positions (pos0 + ntok); in f64, so that an
 * absurd context length asks the allocator for too much instead of wrapping around. */
export function attention_f16_scratch_bytes(positions: i32, headDim: i32): f64 {
  return Math.ceil(<f64>positions * 4 / 16) * 16 + 2 * <f64>positions * <f64>headDim * 4;
}

// @ts-ignore: decorator
@inline function f16ScratchOffset(positions: i32): i32 { return (positions * 4 + 15) & ~15; }

/** attention() over an f16 KV cache (binary16 bits, kvRowStride halves per position). Per KV head, its
 * keys and values at positions 0..pos0+ntok-1 are converted exactly to f32 into scratch (rows of headDim),
 * once for all the query heads that share it; then every (query, head) runs the same scores, softmax and
 * weightedSum as attention(), in the same order. So the result is bit-identical to attention() over an f32
 * cache holding the f16-rounded values. scratch: attention_f16_scratch_bytes(pos0 + ntok, headDim). */
export function attention_f16(out: usize, q: usize, kCache: usize, vCache: usize, ntok: i32, pos0: i32,
  nHeads: i32, nKvHeads: i32, headDim: i32, kvRowStride: i32, scratch: usize): void {
  check(nKvHeads > 0 && nHeads >= nKvHeads && nHeads % nKvHeads == 0, 'attention: nHeads must be a positive multiple of nKvHeads');
  check(headDim > 0 && pos0 >= 0, 'attention: headDim must be positive and pos0 >= 0');
  const group = nHeads / nKvHeads;
  const positions = pos0 + ntok;
  const qRow = <usize>(nHeads * headDim) << 2;
  const headBytes = <usize>headDim << 2;
  const halfRow = <usize>kvRowStride << 1;
  const kf = scratch + <usize>f16ScratchOffset(positions);
  const vf = kf + <usize>positions * headBytes;
  const invSqrt: f32 = <f32>1.0 / sqrt<f32>(<f32>headDim);
  touchRows(kCache, vCache, positions, halfRow);
  for (let kh = 0; kh < nKvHeads; kh++) {
    const off = <usize>(kh * headDim) << 1;
    for (let p = 0; p < positions; p++) {
      halfToFloat(kCache + <usize>p * halfRow + off, kf + <usize>p * headBytes, headDim);
      halfToFloat(vCache + <usize>p * halfRow + off, vf + <usize>p * headBytes, headDim);
    }
    for (let t = 0; t < ntok; t++) {
      const nKeys = pos0 + t + 1;
      for (let h = kh * group; h < (kh + 1) * group; h++) {
        scores(scratch, q + <usize>t * qRow + <usize>h * headBytes, kf, headBytes, nKeys, headDim, invSqrt);
        softmax(scratch, nKeys);
        weightedSum(out + <usize>t * qRow + <usize>h * headBytes, scratch, vf, headBytes, nKeys, headDim);
      }
    }
  }
}

/** Never read: keeps the touch loads below from being optimised away. */
let touchSink: u32 = 0;

/** Loads one byte of every 64-byte line of the first n K and V rows. The loads are independent, so the core
 * keeps many cache misses in flight at once; the head-by-head passes that follow then find the rows in L1/L2
 * instead of stalling on each miss in turn (their strided 256-byte reads give the prefetchers little to go
 * on). Decode reads a KV cache that the weight stream has pushed out of cache since the last layer. */
function touchRows(k: usize, v: usize, n: i32, rowBytes: usize): void {
  const end = <usize>n * rowBytes;
  let acc: u32 = 0;
  for (let o: usize = 0; o < end; o += 64) acc += <u32>load<u8>(k + o) + <u32>load<u8>(v + o);
  touchSink += acc;
}

// @ts-ignore: decorator
@inline function hsum4f(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const u0 = f32x4.add(f32x4.shuffle(a0, a1, 0, 1, 4, 5), f32x4.shuffle(a0, a1, 2, 3, 6, 7));
  const u1 = f32x4.add(f32x4.shuffle(a2, a3, 0, 1, 4, 5), f32x4.shuffle(a2, a3, 2, 3, 6, 7));
  return f32x4.add(f32x4.shuffle(u0, u1, 0, 2, 4, 6), f32x4.shuffle(u0, u1, 1, 3, 5, 7));
}

/** s[p] = (q . k_p) * scale for p < n, four keys per pass. */
// @ts-ignore: decorator
@inline function scores(s: usize, q: usize, k: usize, kvRow: usize, n: i32, headDim: i32, scale: f32): void {
  const head4 = <usize>(headDim & ~3) << 2;
  const headBytes = <usize>headDim << 2;
  const sv = f32x4.splat(scale);
  let p = 0;
  for (; p + 4 <= n; p += 4) {
    const k0 = k + <usize>p * kvRow, k1 = k0 + kvRow, k2 = k1 + kvRow, k3 = k2 + kvRow;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let o: usize = 0;
    for (; o < head4; o += 16) {
      const qv = v128.load(q + o);
      a0 = f32x4.add(a0, f32x4.mul(qv, v128.load(k0 + o)));
      a1 = f32x4.add(a1, f32x4.mul(qv, v128.load(k1 + o)));
      a2 = f32x4.add(a2, f32x4.mul(qv, v128.load(k2 + o)));
      a3 = f32x4.add(a3, f32x4.mul(qv, v128.load(k3 + o)));
    }
    let d = hsum4f(a0, a1, a2, a3);
    for (; o < headBytes; o += 4) {
      let kv = v128.load32_zero(k0 + o);
      kv = v128.load32_lane(k1 + o, kv, 1);
      kv = v128.load32_lane(k2 + o, kv, 2);
      kv = v128.load32_lane(k3 + o, kv, 3);
      d = f32x4.add(d, f32x4.mul(v128.load32_splat(q + o), kv));
    }
    v128.store(s + (<usize>p << 2), f32x4.mul(d, sv));
  }
  for (; p < n; p++) {
    const kp = k + <usize>p * kvRow;
    let a = f32x4.splat(0);
    let o: usize = 0;
    for (; o < head4; o += 16) a = f32x4.add(a, f32x4.mul(v128.load(q + o), v128.load(kp + o)));
    let d: f32 = (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 2)) + (f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 3));
    for (; o < headBytes; o += 4) d = d + load<f32>(q + o) * load<f32>(kp + o);
    store<f32>(s + (<usize>p << 2), d * scale);
  }
}

/** out[d] = sum over p ascending of w[p] * v_p[d]. Dims go in register blocks of 32, then 4, then singly;
 * every element sees the same sequence of f32 operations whichever block holds it. */
// @ts-ignore: decorator
@inline function weightedSum(out: usize, w: usize, v: usize, kvRow: usize, n: i32, headDim: i32): void {
  const headBytes = <usize>headDim << 2;
  let o: usize = 0;
  for (; o + 128 <= headBytes; o += 128) {
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
    let vp = v + o;
    for (let p = 0; p < n; p++) {
      const wv = v128.load32_splat(w + (<usize>p << 2));
      c0 = f32x4.add(c0, f32x4.mul(wv, v128.load(vp)));
      c1 = f32x4.add(c1, f32x4.mul(wv, v128.load(vp, 16)));
      c2 = f32x4.add(c2, f32x4.mul(wv, v128.load(vp, 32)));
      c3 = f32x4.add(c3, f32x4.mul(wv, v128.load(vp, 48)));
      c4 = f32x4.add(c4, f32x4.mul(wv, v128.load(vp, 64)));
      c5 = f32x4.add(c5, f32x4.mul(wv, v128.load(vp, 80)));
      c6 = f32x4.add(c6, f32x4.mul(wv, v128.load(vp, 96)));
      c7 = f32x4.add(c7, f32x4.mul(wv, v128.load(vp, 112)));
      vp += kvRow;
    }
    const op = out + o;
    v128.store(op, c0); v128.store(op, c1, 16); v128.store(op, c2, 32); v128.store(op, c3, 48);
    v128.store(op, c4, 64); v128.store(op, c5, 80); v128.store(op, c6, 96); v128.store(op, c7, 112);
  }
  for (; o + 16 <= headBytes; o += 16) {
    let c = f32x4.splat(0);
    let vp = v + o;
    for (let p = 0; p < n; p++) {
      c = f32x4.add(c, f32x4.mul(v128.load32_splat(w + (<usize>p << 2)), v128.load(vp)));
      vp += kvRow;
    }
    v128.store(out + o, c);
  }
  for (; o < headBytes; o += 4) {
    let c: f32 = 0;
    let vp = v + o;
    for (let p = 0; p < n; p++) {
      c = c + load<f32>(w + (<usize>p << 2)) * load<f32>(vp);
      vp += kvRow;
    }
    store<f32>(out + o, c);
  }
}
