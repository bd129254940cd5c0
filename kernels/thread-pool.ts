// Worker threads for the int8 products: N-1 workers, each with its own instance of the kernels module on
// the SAME shared WebAssembly.Memory (weights, activations and outputs are shared, never copied), woken
// through a small shared control block. A call is split into whole outputs: decode (matvec) by rows, in
// blocks of 32, prefill (matmul) by tokens; every output row is computed by one thread with the same
// kernel and the same arithmetic order as on one thread, so results are bit-identical for any thread count.
// The calling thread takes share 0 and then waits for the others (Atomics.wait where the platform allows
// it, a spin otherwise, e.g. a browser's main thread). Platform-neutral: how a worker is started (Node
// worker_threads, Web Workers) is a WorkerHost, given by the platform's loader.
import type { Ptr } from './ptr.js';

/** Starts one worker that runs `source` (a script defining kernelsWorkerMain) with `data`; resolves once the
 * worker has instantiated the kernels and called its `ready`. */
export interface WorkerHost {
  /** What the platform calls it, for messages ('node worker_threads', 'Web Workers'). */
  readonly name: string;
  start(source: string, data: WorkerData): Promise<{ terminate(): void }>;
}

export interface WorkerData {
  // WebAssembly types stay out of the published declarations: a Node project without the DOM lib has none.
  /** @internal */ module: WebAssembly.Module;
  /** @internal */ memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
}

/** One int8 product: out = W . x (rows of W, each `cols` wide in groups of `group`). With `packed4`, W is a
 * Q4Matrix (nibbles at wq, group 32) and runs matvec_q4 / matmul_q4. */
export interface Q8Job { out: Ptr; wq: Ptr; ws: Ptr; rows: number; cols: number; group: number; packed4?: boolean }

// Control block layout (i32 slots). The worker functions below are stringified into the worker's script,
// so they use these offsets as literals; keep both in step.
const GEN = 0, DONE = 1, OP = 2, NJOBS = 3, ERR = 4, XQ = 6, XS = 7, NTOK = 8, NTHREADS = 9, JOBS = 16, JOB_SLOTS = 7;
const SCRATCH = 48, MAX_JOBS = 4;
/** Most threads a pool takes (the control block's scratch table). */
export const MAX_THREADS = 64;
const OP_MATVEC = 1, OP_MATMUL = 2, OP_EXIT = 3;
const CONTROL_INTS = SCRATCH + 2 * MAX_THREADS;
/** Multiply-adds below which a call runs on the calling thread alone: waking the workers and waiting for
 * them costs a few microseconds, more than small products take (a 3M-parameter model's mostly are). */
export const MIN_PARALLEL_MACS = 1 << 18;

/** Thread `i`'s share of the call described in the control block (also run by the calling thread, i = 0).
 * Self-contained (stringified into workers): literals are the offsets above. */
function kernelsShare(k: any, c: Int32Array, i: number, n: number): void {
  const op = c[2], jobs = c[3], xq = c[6], xs = c[7];
  for (let j = 0; j < jobs; j++) {
    const b = 16 + j * 7;
    const out = c[b], wq = c[b + 1], ws = c[b + 2], rows = c[b + 3], cols = c[b + 4], group = c[b + 5], packed4 = c[b + 6];
    const groups = ((cols + group - 1) / group) | 0, rowStride = groups * group;
    if (op === 1) {
      // Rows in blocks of 32 (the kernel's widest step), as even as that allows.
      const chunk = Math.ceil(rows / n / 32) * 32;
      const r0 = Math.min(rows, i * chunk), r1 = Math.min(rows, r0 + chunk);
      if (r1 > r0 && packed4) k.matvec_q4(out + r0 * 4, wq + r0 * groups * 16, ws + r0 * groups * 4, xq, xs, r1 - r0, cols);
      else if (r1 > r0) k.matvec_q8(out + r0 * 4, wq + r0 * rowStride, ws + r0 * groups * 4, xq, xs, r1 - r0, cols, group);
    } else {
      const ntok = c[8];
      const chunk = Math.ceil(ntok / n);
      const t0 = Math.min(ntok, i * chunk), t1 = Math.min(ntok, t0 + chunk);
      if (t1 > t0 && packed4) {
        k.matmul_q4(out + t0 * rows * 4, wq, ws, xq + t0 * rowStride, xs + t0 * groups * 4, rows, cols, t1 - t0,
          c[48 + 2 * i], c[48 + 2 * i + 1]);
      } else if (t1 > t0) {
        k.matmul_q8_tiled(out + t0 * rows * 4, wq, ws, xq + t0 * rowStride, xs + t0 * groups * 4, rows, cols, group, t1 - t0,
          c[48 + 2 * i], c[48 + 2 * i + 1]);
      }
    }
  }
}

/** A worker's life: instantiate the kernels on the shared memory, say ready, then run shares until told to
 * exit. Waits spin briefly first (a decode step issues a few hundred calls, each a few tens of us). */
function kernelsWorkerMain(data: WorkerData, ready: () => void): void {
  const c = new Int32Array(data.control);
  const i = data.index;
  const instance = new WebAssembly.Instance(data.module, {
    env: { memory: data.memory, abort: () => { throw new Error('kernels: bad arguments'); } },
  });
  const k = instance.exports;
  let gen = Atomics.load(c, 0);
  ready();
  for (;;) {
    for (let spin = 0; Atomics.load(c, 0) === gen; spin++) if (spin > 20000) Atomics.wait(c, 0, gen);
    gen = Atomics.load(c, 0);
    if (c[2] === 3) return;
    try { kernelsShare(k, c, i, c[9]); } catch { Atomics.store(c, 4, 1); }
    if (Atomics.add(c, 1, 1) + 1 === c[9] - 1) Atomics.notify(c, 1);
  }
}

/** The worker script: both functions above, as source. */
export function workerSource(): string {
  return `${kernelsShare.toString()}\n${kernelsWorkerMain.toString()}\n`;
}

export class ThreadPool {
  private readonly c: Int32Array;
  private canWait = true;
  /** Calls with fewer multiply-adds run on the calling thread alone (tests set 0 to split everything). */
  minParallelMacs = MIN_PARALLEL_MACS;

  private constructor(private readonly exports: object, readonly control: SharedArrayBuffer, readonly threads: number,
    private readonly workers: { terminate(): void }[]) {
    this.c = new Int32Array(control);
  }

  /** @internal Starts threads-1 workers on `memory` (shared) running `module`; `exports` is the calling thread's instance. */
  static async start(host: WorkerHost, module: WebAssembly.Module, memory: WebAssembly.Memory, exports: object,
    threads: number): Promise<ThreadPool> {
    if (!Number.isInteger(threads) || threads < 2 || threads > MAX_THREADS) {
      throw new Error(`kernels: a thread pool takes 2..${MAX_THREADS} threads, got ${threads}`);
    }
    const control = new SharedArrayBuffer(CONTROL_INTS * 4);
    new Int32Array(control)[NTHREADS] = threads;
    const source = workerSource();
    const workers: { terminate(): void }[] = [];
    try {
      for (let i = 1; i < threads; i++) workers.push(await host.start(source, { module, memory, control, index: i }));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw new Error(`kernels: could not start ${host.name} (${(e as Error).message})`);
    }
    return new ThreadPool(exports, control, threads, workers);
  }

  /** Gives thread i (0 = the caller) `bytes` of matmul scratch at ptr. */
  setScratch(i: number, ptr: Ptr, bytes: number): void {
    this.c[SCRATCH + 2 * i] = ptr;
    this.c[SCRATCH + 2 * i + 1] = bytes;
  }

  /** Decode: every job's rows against one quantized token (xq, xs), split by rows. */
  matvecQ8(jobs: Q8Job[], xq: Ptr, xs: Ptr): void { this.call(OP_MATVEC, jobs, xq, xs, 1); }

  /** Prefill: every job against ntok quantized tokens, split by tokens. */
  matmulQ8(jobs: Q8Job[], xq: Ptr, xs: Ptr, ntok: number): void { this.call(OP_MATMUL, jobs, xq, xs, ntok); }

  private call(op: number, jobs: Q8Job[], xq: Ptr, xs: Ptr, ntok: number): void {
    const c = this.c;
    for (let j0 = 0; j0 < jobs.length; j0 += MAX_JOBS) {
      const batch = jobs.slice(j0, j0 + MAX_JOBS);
      c[OP] = op; c[NJOBS] = batch.length; c[XQ] = xq; c[XS] = xs; c[NTOK] = ntok; c[ERR] = 0;
      batch.forEach((b, j) => c.set([b.out, b.wq, b.ws, b.rows, b.cols, b.group, b.packed4 ? 1 : 0], JOBS + j * JOB_SLOTS));
      const macs = batch.reduce((sum, b) => sum + b.rows * b.cols, 0) * ntok;
      if (macs < this.minParallelMacs) { kernelsShare(this.exports, c, 0, 1); continue; }
      Atomics.store(c, DONE, 0);
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
      let failure: unknown;
      try { kernelsShare(this.exports, c, 0, this.threads); } catch (e) { failure = e; }
      this.join();
      if (failure) throw failure;
      if (c[ERR]) throw new Error('kernels: a worker thread failed (bad arguments to an int8 product)');
    }
  }

  /** Waits until every worker has finished the current call. */
  private join(): void {
    const c = this.c, others = this.threads - 1;
    for (let spin = 0; ; spin++) {
      const done = Atomics.load(c, DONE);
      if (done === others) return;
      if (spin > 20000 && this.canWait) {
        try { Atomics.wait(c, DONE, done, 50); } catch { this.canWait = false; } // a browser's main thread may not wait
      }
    }
  }

  /** Stops the workers (the pool is unusable afterwards). */
  close(): void {
    this.c[OP] = OP_EXIT;
    Atomics.add(this.c, GEN, 1);
    Atomics.notify(this.c, GEN);
    for (const w of this.workers) w.terminate();
  }
}
