/** RMSNorm of ntok rows of n: out = (x * (1/sqrt(mean(x^2) + eps))) * w; out may alias x. The squares are
 * f32 and summed in f64 in index order, as ggml does, so long rows lose nothing to the sum. */
export function rmsnorm(out: usize, x: usize, w: usize, n: i32, eps: f32, ntok: i32): void {
  const rowBytes = <usize>n << 2;
  const n4 = <usize>(n & ~3) << 2;
  for (let t = 0; t < ntok; t++) {
    const xr = x + <usize>t * rowBytes;
    const outr = out + <usize>t * rowBytes;
    let ss: f64 = 0;
    for (let o: usize = 0; o < rowBytes; o += 4) {
      const v = load<f32>(xr + o);
      ss += <f64>(v * v);
    }
    const mean = <f32>(ss / <f64>n);
    const s: f32 = <f32>1.0 / sqrt<f32>(mean + eps);
    const sv = f32x4.splat(s);
    let o: usize = 0;
    for (; o < n4; o += 16) v128.store(outr + o, f32x4.mul(f32x4.mul(v128.load(xr + o), sv), v128.load(w + o)));
    for (; o < rowBytes; o += 4) store<f32>(outr + o, (load<f32>(xr + o) * s) * load<f32>(w + o));
  }
}
