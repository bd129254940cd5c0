import { expf, expf4, expf4x2, expf4x2Result } from './math';

/** In-place softmax: e^(x - max) / sum, the sum taken in f64 in index order. */
export function softmax(x: usize, n: i32): void {
  if (n <= 0) return;
  const end = <usize>n << 2;
  const end4 = <usize>(n & ~3) << 2;
  let m = load<f32>(x);
  for (let o: usize = 4; o < end; o += 4) m = max<f32>(m, load<f32>(x + o));
  const mv = f32x4.splat(m);
  let sum: f64 = 0;
  let o: usize = 0;
  const end8 = <usize>(n & ~7) << 2;
  for (; o < end8; o += 32) { // eight at a time: two interleaved exp chains (see expf4x2); same sum order
    const e0 = expf4x2(f32x4.sub(v128.load(x + o), mv), f32x4.sub(v128.load(x + o, 16), mv));
    const e1 = expf4x2Result();
    v128.store(x + o, e0);
    v128.store(x + o, e1, 16);
    sum += <f64>f32x4.extract_lane(e0, 0);
    sum += <f64>f32x4.extract_lane(e0, 1);
    sum += <f64>f32x4.extract_lane(e0, 2);
    sum += <f64>f32x4.extract_lane(e0, 3);
    sum += <f64>f32x4.extract_lane(e1, 0);
    sum += <f64>f32x4.extract_lane(e1, 1);
    sum += <f64>f32x4.extract_lane(e1, 2);
    sum += <f64>f32x4.extract_lane(e1, 3);
  }
  for (; o < end4; o += 16) {
    const e = expf4(f32x4.sub(v128.load(x + o), mv));
    v128.store(x + o, e);
    sum += <f64>f32x4.extract_lane(e, 0);
    sum += <f64>f32x4.extract_lane(e, 1);
    sum += <f64>f32x4.extract_lane(e, 2);
    sum += <f64>f32x4.extract_lane(e, 3);
  }
  for (; o < end; o += 4) {
    const e = expf(load<f32>(x + o) - m);
    store<f32>(x + o, e);
    sum += <f64>e;
  }
  const inv = <f32>(1.0 / sum);
  const iv = f32x4.splat(inv);
  o = 0;
  for (; o < end4; o += 16) v128.store(x + o, f32x4.mul(v128.load(x + o), iv));
  for (; o < end; o += 4) store<f32>(x + o, load<f32>(x + o) * inv);
}

/** f32x4 1.0 in memory: loaded, not materialized in the loop (see math.ts, EXP_TERMS). */
const ONE_F32X4 = memory.data<f32>([1.0, 1.0, 1.0, 1.0], 16);

/** out = (gate * (1 / (1 + e^-gate))) * up, llama2.c's order; out may alias gate or up. */
export function swiglu(out: usize, gate: usize, up: usize, n: i32): void {
  const end = <usize>n << 2;
  const end4 = <usize>(n & ~3) << 2;
  const one = v128.load(ONE_F32X4);
  const end8 = <usize>(n & ~7) << 2;
  let o: usize = 0;
  for (; o < end8; o += 32) { // eight at a time: two interleaved exp chains (see expf4x2)
    const g0 = v128.load(gate + o), g1 = v128.load(gate + o, 16);
    const u0 = v128.load(up + o), u1 = v128.load(up + o, 16);
    const e0 = expf4x2(f32x4.neg(g0), f32x4.neg(g1));
    const e1 = expf4x2Result();
    v128.store(out + o, f32x4.mul(f32x4.mul(g0, f32x4.div(one, f32x4.add(one, e0))), u0));
    v128.store(out + o, f32x4.mul(f32x4.mul(g1, f32x4.div(one, f32x4.add(one, e1))), u1), 16);
  }
  for (; o < end4; o += 16) {
    const g = v128.load(gate + o);
    const sig = f32x4.div(one, f32x4.add(one, expf4(f32x4.neg(g))));
    v128.store(out + o, f32x4.mul(f32x4.mul(g, sig), v128.load(up + o)));
  }
  for (; o < end; o += 4) {
    const g = load<f32>(gate + o);
    store<f32>(out + o, (g * (<f32>1.0 / (<f32>1.0 + expf(-g)))) * load<f32>(up + o));
  }
}
