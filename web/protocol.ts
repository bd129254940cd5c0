// Messages between the page (web/app.ts) and the inference worker (web/worker.ts). Everything heavy (model
// load, prefill, decode, grammar) runs in the worker, so the page keeps painting while JSON streams in.

export type Dtype = 'q8' | 'f32';

/** One file the user picked or dropped; `path` is the folder-relative path for a picked HF folder. */
export interface PickedFile { name: string; path: string; file: Blob }

export interface ModelInfo {
  name: string;
  format: string;
  dtype: Dtype;
  params: number;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  context: number;
  hiddenDim: number;
  loadMs: number;
  memoryBytes: number;
  hasChatTemplate?: boolean;
}

export interface ExtractOptions { maxTokens: number; seed: number; temperature: number }

export interface ExtractStats {
  promptTokens: number;
  /** Prompt tokens reused from the previous request's KV cache (the shared instruction + schema prefix). */
  cachedPromptTokens: number;
  generatedTokens: number;
  prefillMs: number;
  decodeMs: number;
  /** Decode tokens per second (generated tokens / decode time). */
  tokensPerSecond: number;
  /** Prompt tokens per second during prefill. */
  prefillTokensPerSecond: number;
  /** Milliseconds from the request to the first generated token. */
  firstTokenMs: number;
}

export type ToWorker =
  | { type: 'load'; id: number; files: PickedFile[]; dtype: Dtype }
  | { type: 'extract'; id: number; text: string; schema: unknown; options: ExtractOptions; cancel?: SharedArrayBuffer }
  | { type: 'logits-hash'; id: number; prompt: string; steps: number };

export type FromWorker =
  | { type: 'ready'; crossOriginIsolated: boolean }
  | { type: 'progress'; id: number; stage: string; fraction?: number }
  | { type: 'loaded'; id: number; info: ModelInfo }
  | { type: 'partial'; id: number; text: string; stats: ExtractStats }
  | { type: 'done'; id: number; value: unknown; text: string; valid: boolean; errors: string[]; stats: ExtractStats; cancelled: boolean }
  | { type: 'logits-hash'; id: number; sha256: string; tokens: number[]; steps: number; logitsCount: number; ms: number }
  | { type: 'error'; id?: number; message: string };
