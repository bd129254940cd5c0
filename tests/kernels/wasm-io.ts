// Test plumbing: copy typed arrays into a fresh kernels instance and read results back.
import { Kernels, type Ptr } from '../../kernels/kernels.js';
import { mulberry32Unit } from '../../random/prng.js';

export type Rng = () => number;

export function rng(seed: number): Rng { return mulberry32Unit(seed); }

/** Uniform f32 values in [-scale, scale). */
export function randomF32(r: Rng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** Uniform int8 in [lo, hi]. */
export function randomI8(r: Rng, n: number, lo = -127, hi = 127): Int8Array {
  return Int8Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

let shared: Kernels | undefined;
/** One instance per test file (instantiation is cheap, but memory only grows). */
export async function kernels(): Promise<Kernels> {
  shared ??= await Kernels.create();
  return shared;
}

export function put(k: Kernels, data: Float32Array | Int8Array | Uint32Array): Ptr {
  const ptr = k.alloc(data.byteLength, 16);
  new (data.constructor as Float32ArrayConstructor)(k.memory.buffer, ptr, data.length).set(data as Float32Array);
  return ptr;
}

/** Space for n f32 filled with a sentinel, so unwritten outputs are visible. */
export function space(k: Kernels, n: number, fill = NaN): Ptr {
  const ptr = k.alloc(n * 4, 16);
  k.f32(ptr, n).fill(fill);
  return ptr;
}

export function readF32(k: Kernels, ptr: Ptr, n: number): Float32Array { return k.f32(ptr, n).slice(); }

/** Runs `fn` and frees everything it allocated. */
export function scoped<T>(k: Kernels, fn: () => T): T {
  const m = k.mark();
  try { return fn(); } finally { k.release(m); }
}

/** Distance in units in the last place between two f32 values (0 when both are the same NaN class). */
export function ulpDiff(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  const ord = (v: number) => (v < 0 ? 0x80000000 - v : v) | 0; // monotone order of the bit patterns
  return Math.abs(ord(i[0]) - ord(i[1]));
}
