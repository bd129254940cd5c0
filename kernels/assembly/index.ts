// Placeholder so the build pipeline runs; the kernels issue replaces this with the real kernels.
export function add_f32(out: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f32>(out + (<usize>i << 2), load<f32>(out + (<usize>i << 2)) + load<f32>(x + (<usize>i << 2)));
  }
}
