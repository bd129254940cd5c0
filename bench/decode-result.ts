// What `jsonlm bench decode` measures for one model, and how (shared by decode.ts, the child process
// runner decode-child.ts and the llama.cpp comparison vs-llama-cpp.ts).
export interface DecodeBenchResult {
  model: string;
  params: number;
  /** Bytes allocated in the kernels' memory: weights, the KV cache for the whole context (untouched
   * pages are not resident), scratch. */
  wasmAllocatedMiB: number;
  contextLength: number;
  promptTokens: number;
  genTokens: number;
  loadMs: number;
  prefillTokPerS: number;
  ttftMs: number;
  decodeTokPerS: number;
  /** Node: the process's maxRSS. Chromium: the peak of the PSS summed over the browser's processes. */
  peakRssMiB: number | null;
  /** Node only: tokens per second of this process's CPU time (user + system, all its threads) in each
   * phase. On a shared, loaded machine wall-clock rates drop with the load; these stay close to what an
   * idle core would give (slightly pessimistic: V8's background threads count too). */
  prefillTokPerCpuS: number | null;
  decodeTokPerCpuS: number | null;
  wasmMemoryMiB: number;
  /** Threads that ran the int8 products. */
  threads: number;
  /** Whether the relaxed-SIMD kernels ran (same logits as the plain ones). */
  relaxedSimd: boolean;
  environment: string;
  /** Node: which process measured it: 'lean' (engine only) or 'cli' (the whole CLI loaded). */
  child?: 'lean' | 'cli';
}

export interface MeasureOptions {
  promptTokens: number; genTokens: number; ctx?: number;
  /** Worker threads for the forward pass (default 1). */
  threads?: number;
}
