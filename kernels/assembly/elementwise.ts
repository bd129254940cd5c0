// Small vector ops of the residual stream and the sampler.

/** out += x (the residual add). */
export function add(out: usize, x: usize, n: i32): void {
  const end = <usize>n << 2;
  const end4 = <usize>(n & ~3) << 2;
  let o: usize = 0;
  for (; o < end4; o += 16) v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(x + o)));
  for (; o < end; o += 4) store<f32>(out + o, load<f32>(out + o) + load<f32>(x + o));
}

/** x *= s. */
export function scale(x: usize, n: i32, s: f32): void {
  const end = <usize>n << 2;
  const end4 = <usize>(n & ~3) << 2;
  const sv = f32x4.splat(s);
  let o: usize = 0;
  for (; o < end4; o += 16) v128.store(x + o, f32x4.mul(v128.load(x + o), sv));
  for (; o < end; o += 4) store<f32>(x + o, load<f32>(x + o) * s);
}

/** logits[i] = value wherever bit i (bit i & 31 of u32 word i >> 5) of `bits` is 0. */
export function apply_mask(logits: usize, bits: usize, n: i32, value: f32): void {
  const words = (n + 31) >> 5;
  for (let w = 0; w < words; w++) {
    let word = load<u32>(bits + (<usize>w << 2));
    const base = w << 5;
    const count = min<i32>(32, n - base);
    if (count < 32) word |= 0xffffffff << count; // bits past n are not ours to act on
    let off = ~word; // set bits = positions to mask
    while (off) {
      const i = ctz<u32>(off);
      store<f32>(logits + (<usize>(base + i) << 2), value);
      off &= off - 1;
    }
  }
}

/** Index of the largest value, the lowest index on ties; NaN loses to any number; -1 when n <= 0. */
export function argmax(x: usize, n: i32): i32 {
  if (n <= 0) return -1;
  let best = 0;
  let bestValue = load<f32>(x);
  for (let i = 1; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v > bestValue || (bestValue != bestValue && v == v)) { best = i; bestValue = v; }
  }
  return best;
}
