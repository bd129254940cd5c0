// f32 matrix-vector products for models kept in float. Order per output: four lane sums over columns
// j ≡ lane (mod 4) up to the last multiple of 4, folded as (l0 + l2) + (l1 + l3), then the tail columns added
// in order. matvec and matmul share it, so prefill and decode agree bit for bit.

// @ts-ignore: decorator
@inline function hsum4f(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const u0 = f32x4.add(f32x4.shuffle(a0, a1, 0, 1, 4, 5), f32x4.shuffle(a0, a1, 2, 3, 6, 7));
  const u1 = f32x4.add(f32x4.shuffle(a2, a3, 0, 1, 4, 5), f32x4.shuffle(a2, a3, 2, 3, 6, 7));
  return f32x4.add(f32x4.shuffle(u0, u1, 0, 2, 4, 6), f32x4.shuffle(u0, u1, 1, 3, 5, 7));
}

// @ts-ignore: decorator
@inline function rows4f(out: usize, w: usize, x: usize, cols: i32): void {
  const stride = <usize>cols << 2;
  const cols4 = <usize>(cols & ~3) << 2;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let o: usize = 0;
  for (; o < cols4; o += 16) {
    const xv = v128.load(x + o);
    const p = w + o;
    a0 = f32x4.add(a0, f32x4.mul(v128.load(p), xv));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(p + stride), xv));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(p + 2 * stride), xv));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(p + 3 * stride), xv));
  }
  let s = hsum4f(a0, a1, a2, a3);
  const end = <usize>cols << 2;
  for (; o < end; o += 4) {
    const xv = v128.load32_splat(x + o);
    let wv = v128.load32_zero(w + o);
    wv = v128.load32_lane(w + o + stride, wv, 1);
    wv = v128.load32_lane(w + o + 2 * stride, wv, 2);
    wv = v128.load32_lane(w + o + 3 * stride, wv, 3);
    s = f32x4.add(s, f32x4.mul(wv, xv));
  }
  v128.store(out, s);
}

// @ts-ignore: decorator
@inline function row1f(w: usize, x: usize, cols: i32): f32 {
  const cols4 = <usize>(cols & ~3) << 2;
  let a = f32x4.splat(0);
  let o: usize = 0;
  for (; o < cols4; o += 16) a = f32x4.add(a, f32x4.mul(v128.load(w + o), v128.load(x + o)));
  let s: f32 = (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 2)) + (f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 3));
  const end = <usize>cols << 2;
  for (; o < end; o += 4) s = s + load<f32>(w + o) * load<f32>(x + o);
  return s;
}

/** out[r] = W[r,:] . x, W row-major [rows, cols]. */
export function matvec_f32(out: usize, w: usize, x: usize, rows: i32, cols: i32): void {
  const stride = <usize>cols << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) rows4f(out + (<usize>r << 2), w + <usize>r * stride, x, cols);
  for (; r < rows; r++) store<f32>(out + (<usize>r << 2), row1f(w + <usize>r * stride, x, cols));
}

/** out[t*rows + r] = W[r,:] . x_t; each block of 4 rows serves every token while it is in cache. */
export function matmul_f32(out: usize, w: usize, x: usize, rows: i32, cols: i32, ntok: i32): void {
  const stride = <usize>cols << 2;
  const outStride = <usize>rows << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    for (let t = 0; t < ntok; t++) rows4f(out + <usize>t * outStride + (<usize>r << 2), w + <usize>r * stride, x + <usize>t * stride, cols);
  }
  for (; r < rows; r++) {
    for (let t = 0; t < ntok; t++) store<f32>(out + <usize>t * outStride + (<usize>r << 2), row1f(w + <usize>r * stride, x + <usize>t * stride, cols));
  }
}
