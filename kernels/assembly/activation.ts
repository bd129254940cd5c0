import { expf } from './math';

/** In-place softmax: e^(x - max) / sum, the sum taken in f64 in index order. */
export function softmax(x: usize, n: i32): void {
  if (n <= 0) return;
  const end = <usize>n << 2;
  let m = load<f32>(x);
  for (let o: usize = 4; o < end; o += 4) m = max<f32>(m, load<f32>(x + o));
  let sum: f64 = 0;
  for (let o: usize = 0; o < end; o += 4) {
    const e = expf(load<f32>(x + o) - m);
    store<f32>(x + o, e);
    sum += <f64>e;
  }
  const inv = <f32>(1.0 / sum);
  for (let o: usize = 0; o < end; o += 4) store<f32>(x + o, load<f32>(x + o) * inv);
}

/** out = (gate * (1 / (1 + e^-gate))) * up, llama2.c's order; out may alias gate or up. */
export function swiglu(out: usize, gate: usize, up: usize, n: i32): void {
  const end = <usize>n << 2;
  for (let o: usize = 0; o < end; o += 4) {
    const g = load<f32>(gate + o);
    store<f32>(out + o, (g * (<f32>1.0 / (<f32>1.0 + expf(-g)))) * load<f32>(up + o));
  }
}
