// The inference worker: owns the model (its WebAssembly memory) and runs load, extraction and the logits
// fingerprint off the page's main thread. Messages: web/protocol.ts.
import { loadModel, type Model } from '../index.js';
import { logitsTrace, sha256Hex } from './logits-trace.js';
import { sourceFromPicked } from './model-files.js';
import type { FromWorker, ModelInfo, ToWorker } from './protocol.js';
import { runExtraction } from './run-extract.js';

declare const self: DedicatedWorkerGlobalScope;

let model: Model | undefined;
let busy: Promise<void> = Promise.resolve();

function send(msg: FromWorker): void { self.postMessage(msg); }

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  // One request at a time, in arrival order (a load waits for a running extraction to finish).
  busy = busy.then(() => handle(msg)).catch((err) => {
    send({ type: 'error', id: 'id' in msg ? msg.id : undefined, message: (err as Error)?.message ?? String(err) });
  });
};

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'load': return load(msg);
    case 'extract': return extract(msg);
    case 'logits-hash': return logitsHash(msg);
  }
}

async function load(msg: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  const t0 = performance.now();
  model = undefined; // drop the previous model's memory before reading the next
  send({ type: 'progress', id: msg.id, stage: 'Reading files…', fraction: 0.1 });
  const picked = await sourceFromPicked(msg.files);
  send({ type: 'progress', id: msg.id, stage: `Placing ${picked.name} in WebAssembly memory (${msg.dtype === 'q8' ? 'int8' : 'f32'})…`, fraction: 0.5 });
  const m = await loadModel(picked.source, { dtype: msg.dtype, contextLength: undefined });
  if (!m.tokenizer) throw new Error(`${picked.name} carries no tokenizer: pick its tokenizer.bin too`);
  model = m;
  const c = m.config;
  const kv = c.nKvHeads * c.headDim;
  const perLayer = c.dim * c.nHeads * c.headDim * 2 + c.dim * kv * 2 + c.dim * c.hiddenDim * 3 + c.dim * 2;
  const params = c.nLayers * perLayer + c.vocabSize * c.dim * (c.tiedEmbeddings ? 1 : 2) + c.dim;
  const info: ModelInfo = {
    name: picked.name, format: picked.format, dtype: msg.dtype, params,
    dim: c.dim, layers: c.nLayers, heads: c.nHeads, kvHeads: c.nKvHeads, vocab: c.vocabSize, context: m.contextLength,
    hiddenDim: c.hiddenDim, loadMs: performance.now() - t0, memoryBytes: m.kernels.reservedBytes,
  };
  send({ type: 'progress', id: msg.id, stage: 'Ready.', fraction: 1 });
  send({ type: 'loaded', id: msg.id, info });
}

function needModel(): Model {
  if (!model) throw new Error('no model loaded');
  return model;
}

async function extract(msg: Extract<ToWorker, { type: 'extract' }>): Promise<void> {
  const m = needModel();
  const flag = msg.cancel ? new Int32Array(msg.cancel) : undefined;
  const controller = new AbortController();
  const result = await runExtraction(m, {
    text: msg.text, schema: msg.schema, options: msg.options, signal: controller.signal,
    onPartial: (text, stats) => {
      if (flag && Atomics.load(flag, 0) !== 0) controller.abort();
      send({ type: 'partial', id: msg.id, text, stats });
    },
  });
  send({ type: 'done', id: msg.id, ...result, cancelled: controller.signal.aborted });
}

async function logitsHash(msg: Extract<ToWorker, { type: 'logits-hash' }>): Promise<void> {
  const m = needModel();
  const t0 = performance.now();
  const tok = m.tokenizer!;
  const prompt = tok.encode(msg.prompt);
  const steps = Math.max(1, Math.min(64, msg.steps | 0));
  const { logits, ids } = logitsTrace(m, prompt, steps);
  const sha256 = await sha256Hex(logits);
  send({ type: 'logits-hash', id: msg.id, sha256, tokens: [...prompt, ...ids], steps: prompt.length + steps, logitsCount: logits.length, ms: performance.now() - t0 });
}

send({ type: 'ready', crossOriginIsolated: self.crossOriginIsolated === true });
