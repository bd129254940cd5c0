// The kernels module: one WebAssembly instance whose linear memory holds a model's weights, KV cache and
// scratch. JS only hands out byte offsets (Ptr) and short-lived typed-array views; all float math runs in
// the module so results are bit-identical on every engine.
import type { Ptr } from './ptr.js';
import { ThreadPool, type WorkerHost } from './thread-pool.js';
import {
  KERNELS_RELAXED_PROBE_BASE64, KERNELS_RELAXED_WASM_BASE64, KERNELS_SHARED_RELAXED_WASM_BASE64, KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64,
} from './wasm-bytes.js';

export type { Ptr } from './ptr.js';

const PAGE = 65536;
/** wasm32 addresses 4 GiB: 65536 pages of 64 KiB. */
export const MAX_PAGES = 65536;

/** What users of a Kernels instance touch of its WebAssembly.Memory. Declared here so the published type
 * declarations need no DOM lib (a Node project's @types/node has no WebAssembly namespace). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Every export of the kernels module. Pointers (Ptr) are byte offsets into `memory`; counts are i32.
 * Quantized operands follow weights/model-weights.ts Q8Matrix: int8 q[rows * rowStride] with
 * rowStride = ceil(cols/group)*group (zero padding) and f32 scales[rows * ceil(cols/group)]; group % 16 == 0. */
export interface KernelExports {
  memory: WasmMemory;
  /** First byte past the module's static data; allocations start above it. */
  heap_base(): Ptr;
  // Bad arguments that would otherwise give silently wrong results (a q8 group that is not a positive multiple
  // of 16, an odd RoPE head size, nHeads not a multiple of nKvHeads, ...) throw Error('kernels: <message>').
  /** Per group d = max|x|/127, q = round-half-even(x * (1/d)); f16Scale != 0 stores d rounded to binary16 (ggml Q8_0). */
  quantize_rows_q8(x: Ptr, rows: number, cols: number, q: Ptr, scales: Ptr, group: number, f16Scale: number): void;
  /** f32 out[rows * cols] = q * scale. */
  dequantize_rows_q8(q: Ptr, scales: Ptr, rows: number, cols: number, group: number, out: Ptr): void;
  /** f32 -> binary16 bits, round to nearest even (integer ops in wasm). */
  f32_to_f16_bits(x: number): number;
  /** binary16 bits -> f32, exact. */
  f16_bits_to_f32(h: number): number;
  /** out[r] = sum_g (ws[r,g] * xs[g]) * f32(i32 dot of group g), groups in order, f32 ops, no FMA. */
  matvec_q8(out: Ptr, wq: Ptr, ws: Ptr, xq: Ptr, xs: Ptr, rows: number, cols: number, group: number): void;
  /** out[t*rows + r] for ntok quantized tokens; bit-identical to matvec_q8 per token. */
  matmul_q8(out: Ptr, wq: Ptr, ws: Ptr, xq: Ptr, xs: Ptr, rows: number, cols: number, group: number, ntok: number): void;
  /** matmul_q8 as a register-tiled GEMM over weights repacked (8 rows at a time) into `scratch`, the
   * prefill path; bit-identical to matmul_q8. With fewer than 4 tokens, fewer than 8 rows, or scratch for
   * fewer than 4 tokens it runs matmul_q8. */
  matmul_q8_tiled(out: Ptr, wq: Ptr, ws: Ptr, xq: Ptr, xs: Ptr, rows: number, cols: number, group: number, ntok: number,
    scratch: Ptr, scratchBytes: number): void;
  /** Scratch bytes for matmul_q8_tiled to take `ntok` tokens in one pass. */
  matmul_q8_scratch_bytes(cols: number, group: number, ntok: number): number;
  /** matvec_q8 over a Q4Matrix (packed nibbles, group 32; weights/model-weights.ts): bit-identical to
   * matvec_q8 over its int8 expansion (unpack_q4_rows) with the same scales. */
  matvec_q4(out: Ptr, w: Ptr, ws: Ptr, xq: Ptr, xs: Ptr, rows: number, cols: number): void;
  /** out[t*rows + r] for ntok tokens; bit-identical to matvec_q4 per token. Uses `scratch` (see
   * matmul_q4_scratch_bytes) to expand the matrix for the tiled GEMM; with less, or < 4 tokens, token by token. */
  matmul_q4(out: Ptr, w: Ptr, ws: Ptr, xq: Ptr, xs: Ptr, rows: number, cols: number, ntok: number, scratch: Ptr, scratchBytes: number): void;
  /** Scratch bytes for matmul_q4 to take `ntok` tokens through the GEMM. */
  matmul_q4_scratch_bytes(rows: number, cols: number, ntok: number): number;
  /** Q4 nibbles -> int8 q [rows * ceil(cols/32)*32] (weight = nibble - 8), the Q8Matrix layout, group 32. */
  unpack_q4_rows(w: Ptr, rows: number, cols: number, q: Ptr): void;
  /** f32 out[rows * cols] = (nibble - 8) * scale (the bits dequantize_rows_q8 gives for the expansion). */
  dequantize_rows_q4(w: Ptr, ws: Ptr, rows: number, cols: number, out: Ptr): void;
  /** out[r] = W[r,:] . x, W f32 [rows, cols]. */
  matvec_f32(out: Ptr, w: Ptr, x: Ptr, rows: number, cols: number): void;
  /** out[t*rows + r] = W[r,:] . x_t; bit-identical to matvec_f32 per token. */
  matmul_f32(out: Ptr, w: Ptr, x: Ptr, rows: number, cols: number, ntok: number): void;
  /** Per row of n: out = (x * (1/sqrt(mean(x^2) + eps))) * w; out may equal x. */
  rmsnorm(out: Ptr, x: Ptr, w: Ptr, n: number, eps: number, ntok: number): void;
  /** f32 cos/sin tables [maxPos, headDim/2] for freq_j = theta^(-2j/headDim). */
  rope_table(cosOut: Ptr, sinOut: Ptr, maxPos: number, headDim: number, theta: number): void;
  /** Rotates ntok rows in place (row t at position pos0+t); style 0 interleaved pairs, 1 half-split. */
  rope(x: Ptr, ntok: number, nHeads: number, headDim: number, rowStride: number, pos0: number, cosT: Ptr, sinT: Ptr, style: number): void;
  /** In-place max-subtracted softmax. */
  softmax(x: Ptr, n: number): void;
  /** out = gate * sigmoid(gate) * up. */
  swiglu(out: Ptr, gate: Ptr, up: Ptr, n: number): void;
  /** Causal GQA attention over an f32 KV cache; scratch holds pos0+ntok f32 scores. */
  attention(out: Ptr, q: Ptr, kCache: Ptr, vCache: Ptr, ntok: number, pos0: number, nHeads: number, nKvHeads: number,
    headDim: number, kvRowStride: number, scratch: Ptr): void;
  /** attention over an f16 KV cache (binary16 bits, kvRowStride halves a row); bit-identical to attention over
   * the same values widened to f32. scratch: attention_f16_scratch_bytes(pos0 + ntok, headDim). */
  attention_f16(out: Ptr, q: Ptr, kCache: Ptr, vCache: Ptr, ntok: number, pos0: number, nHeads: number, nKvHeads: number,
    headDim: number, kvRowStride: number, scratch: Ptr): void;
  attention_f16_scratch_bytes(positions: number, headDim: number): number;
  /** dst[i] = binary16 bits of f32 src[i], round to nearest even, integer ops (the f16 KV cache's writes);
   * returns how many finite values overflowed to infinity (|x| >= 65520). */
  f32_to_f16_rows(src: Ptr, dst: Ptr, n: number): number;
  /** f32 dst[i] = binary16 src[i], exact, integer ops (what attention_f16 reads with). */
  f16_to_f32_rows(src: Ptr, dst: Ptr, n: number): void;
  /** out += x. */
  add(out: Ptr, x: Ptr, n: number): void;
  /** x *= s. */
  scale(x: Ptr, n: number, s: number): void;
  /** logits[i] = value where bit i (word i>>5, bit i&31) of the u32 bitset is 0. */
  apply_mask(logits: Ptr, bits: Ptr, n: number, value: number): void;
  /** Index of the maximum, lowest on ties; -1 when n <= 0. */
  argmax(x: Ptr, n: number): number;
  expf(x: number): number;
  logf(x: number): number;
  sinf(x: number): number;
  cosf(x: number): number;
}

/** Compiled builds by name (base64 constant), once per process. */
const compiledBuilds = new Map<string, WebAssembly.Module>();
let relaxedSupported: boolean | undefined;

function wasmBytes(base64: string): Uint8Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

async function compileBuild(base64: string): Promise<WebAssembly.Module> {
  let m = compiledBuilds.get(base64);
  if (!m) compiledBuilds.set(base64, m = await WebAssembly.compile(wasmBytes(base64) as BufferSource));
  return m;
}

/** Compiles the plain build (own memory, standard SIMD) once per process.
 * @internal */
export async function compileKernels(): Promise<WebAssembly.Module> {
  return compileBuild(KERNELS_WASM_BASE64);
}

/** Whether this engine runs relaxed-SIMD as specified (Node >= 22, Chrome >= 114): the relaxed build
 * validates and a known-answer check of its one relaxed instruction passes (Node 20's V8 behind
 * --experimental-wasm-relaxed-simd fails it: it predates the final definition). */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupported === undefined) {
    relaxedSupported = false;
    try {
      if (WebAssembly.validate(wasmBytes(KERNELS_RELAXED_WASM_BASE64) as BufferSource)) {
        const probe = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(KERNELS_RELAXED_PROBE_BASE64) as BufferSource), {
          env: { abort: () => { throw new Error('probe'); } },
        });
        relaxedSupported = (probe.exports.probe as () => number)() === 1;
      }
    } catch { /* not supported */ }
  }
  return relaxedSupported;
}

export interface KernelsOptions {
  /** Threads for the int8 products (default 1). More than one needs `host` and shared memory
   * (SharedArrayBuffer: in browsers, a cross-origin-isolated page); without them the kernels run on one
   * thread and `threadsNote` says why. Results are bit-identical for any thread count. */
  threads?: number;
  /** How to start worker threads on this platform. */
  host?: WorkerHost;
  /** The decode matvec's int8 dot as relaxed-SIMD (bit-identical results, fewer instructions): undefined
   * (default) where the engine supports it, false never, true or fail. */
  relaxedSimd?: boolean;
  /** @internal Tests only: another build of kernels/assembly with its own memory (e.g. kernels/build/kernels-relaxed-emulated.wasm). */
  module?: WebAssembly.Module;
}

/** Why threads were asked for but not used, or undefined. */
function threadsUnavailable(threads: number, host: WorkerHost | undefined): string | undefined {
  if (threads <= 1) return undefined;
  if (!host) return 'no way to start worker threads was given on this platform';
  if (typeof SharedArrayBuffer === 'undefined') {
    return 'SharedArrayBuffer is unavailable (in a browser the page must be cross-origin isolated: COOP/COEP headers)';
  }
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (COOP/COEP headers), so memory cannot be shared';
  return undefined;
}

export class Kernels {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  /** Bump pointer: everything below it is allocated. Weights are allocated once and never freed. */
  private top: number;

  /** Worker threads sharing this memory, when more than one thread runs the int8 products. */
  pool: ThreadPool | undefined;
  /** Set when threads were asked for but the kernels run on one thread: why. */
  threadsNote: string | undefined;
  /** Whether this instance is the relaxed-SIMD build. */
  relaxedSimd = false;

  private constructor(instance: WebAssembly.Instance, memory: WebAssembly.Memory) {
    this.exports = { ...(instance.exports as unknown as KernelExports), memory };
    this.memory = memory;
    this.top = align(this.exports.heap_base(), 64);
  }

  /** Threads that run the int8 products (1 without a pool). */
  get threads(): number { return this.pool?.threads ?? 1; }

  /** A fresh instance with its own memory (one per loaded model); with options.threads > 1, a shared memory
   * and a pool of worker threads (see KernelsOptions). */
  static async create(options: KernelsOptions = {}): Promise<Kernels> {
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`kernels: threads must be a positive integer, got ${threads}`);
    const note = threadsUnavailable(threads, options.host);
    const shared = threads > 1 && !note;
    let memory: WebAssembly.Memory | undefined = shared
      ? new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true } as WebAssembly.MemoryDescriptor)
      : undefined;
    const relaxed = !options.module && (options.relaxedSimd ?? relaxedSimdSupported());
    if (options.relaxedSimd && !relaxedSimdSupported()) {
      throw new Error('kernels: relaxed-SIMD was asked for but this engine does not support it (Node >= 22, Chrome >= 114, ' +
        'or Node 20 with --experimental-wasm-relaxed-simd)');
    }
    if (options.module && shared) throw new Error('kernels: a custom module runs on one thread');
    const module = options.module ?? await compileBuild(shared
      ? (relaxed ? KERNELS_SHARED_RELAXED_WASM_BASE64 : KERNELS_SHARED_WASM_BASE64)
      : (relaxed ? KERNELS_RELAXED_WASM_BASE64 : KERNELS_WASM_BASE64));
    const instance = await WebAssembly.instantiate(module, {
      env: {
        ...(memory ? { memory } : {}),
        // The module's argument checks call abort(message, file, line, column); messages are AssemblyScript
        // strings (UTF-16, byte length in the 4 bytes before the pointer).
        abort: (message: number, _file: number, line: number, col: number) => {
          const text = memory && message ? readString(memory, message) : `abort at ${line}:${col}`;
          throw new Error(`kernels: ${text}`);
        },
      },
    });
    memory ??= instance.exports.memory as WebAssembly.Memory;
    const kernels = new Kernels(instance, memory);
    kernels.relaxedSimd = relaxed;
    kernels.threadsNote = note && `running on one thread instead of ${threads}: ${note}`;
    if (shared) kernels.pool = await ThreadPool.start(options.host!, module, memory, kernels.exports, threads);
    return kernels;
  }

  /** Stops the worker threads, if any (the kernels then run on one thread). */
  close(): void {
    this.pool?.close();
    this.pool = undefined;
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

function readString(memory: WebAssembly.Memory, ptr: number): string {
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
}
