// The kernels module: one WebAssembly instance whose linear memory holds a model's weights, KV cache and
// scratch. JS only hands out byte offsets (Ptr) and short-lived typed-array views; all float math runs in
// the module so results are bit-identical on every engine.
import { KERNELS_WASM_BASE64 } from './wasm-bytes.js';

/** A byte offset into the kernels' linear memory. */
export type Ptr = number;

const PAGE = 65536;
/** wasm32 addresses 4 GiB: 65536 pages of 64 KiB. */
export const MAX_PAGES = 65536;

export type KernelExports = Record<string, any> & { memory: WebAssembly.Memory; __heap_base?: WebAssembly.Global };

let compiled: WebAssembly.Module | undefined;

function wasmBytes(): Uint8Array {
  const bin = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Compiles the module once per process (cheap to instantiate many times after that). */
export async function compileKernels(): Promise<WebAssembly.Module> {
  compiled ??= await WebAssembly.compile(wasmBytes() as BufferSource);
  return compiled;
}

export class Kernels {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** Bump pointer: everything below it is allocated. Weights are allocated once and never freed. */
  private top: number;

  private constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as KernelExports;
    this.memory = this.exports.memory;
    const heapBase = this.exports.__heap_base ? Number(this.exports.__heap_base.value) : 1024;
    this.top = align(heapBase, 64);
  }

  /** A fresh instance with its own memory (one per loaded model). */
  static async create(): Promise<Kernels> {
    const instance = await WebAssembly.instantiate(await compileKernels(), {
      env: { abort: (_m: number, _f: number, line: number, col: number) => { throw new Error(`kernels: abort at ${line}:${col}`); } },
    });
    return new Kernels(instance);
  }

  /** Reserves `bytes` (aligned to `alignment`), growing memory as needed; fails clearly past wasm32's 4 GiB. */
  alloc(bytes: number, alignment = 64): Ptr {
    if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`kernels: invalid allocation size ${bytes}`);
    const ptr = align(this.top, alignment);
    const end = ptr + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      const current = have / PAGE;
      if (current + pages > MAX_PAGES) {
        throw new Error(`kernels: out of WebAssembly memory: need ${(end / 2 ** 20).toFixed(1)} MiB, ` +
          `wasm32 allows at most 4096 MiB per model`);
      }
      try { this.memory.grow(pages); } catch (e) {
        throw new Error(`kernels: could not grow WebAssembly memory to ${(end / 2 ** 20).toFixed(1)} MiB (${(e as Error).message})`);
      }
    }
    this.top = end;
    return ptr;
  }

  /** Current high-water mark, for save/restore of scratch regions. */
  mark(): number { return this.top; }
  /** Frees everything allocated after `m` (scratch that is rebuilt per call). */
  release(m: number): void { this.top = m; }
  /** Bytes of linear memory in use and reserved. */
  get usedBytes(): number { return this.top; }
  get reservedBytes(): number { return this.memory.buffer.byteLength; }

  // Views must be re-made after any alloc: growing memory detaches the old ArrayBuffer.
  f32(ptr: Ptr, length: number): Float32Array { return new Float32Array(this.memory.buffer, ptr, length); }
  i8(ptr: Ptr, length: number): Int8Array { return new Int8Array(this.memory.buffer, ptr, length); }
  u8(ptr: Ptr, length: number): Uint8Array { return new Uint8Array(this.memory.buffer, ptr, length); }
  i32(ptr: Ptr, length: number): Int32Array { return new Int32Array(this.memory.buffer, ptr, length); }
  u32(ptr: Ptr, length: number): Uint32Array { return new Uint32Array(this.memory.buffer, ptr, length); }
  u16(ptr: Ptr, length: number): Uint16Array { return new Uint16Array(this.memory.buffer, ptr, length); }
}

export function align(n: number, a: number): number { return Math.ceil(n / a) * a; }
