// Model logits fingerprints: for each model and dtype, the logits after every prompt position (one batched
// prefill, the int8 matmul path) and then after each of several greedy decode steps (the matvec path),
// NaN-checked and hashed as raw f32 bytes. Browser-safe: the model arrives as bytes.
import { loadModel } from '../../engine/load-model.js';
import type { Model } from '../../engine/model.js';
import { extract } from '../../extract/api.js';
import { Kernels } from '../../kernels/kernels.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { modelSourceFromBytes, type ModelSource } from '../../weights/load.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import { logitsTrace } from '../../web/logits-trace.js';
import type { WorkerHost } from '../../kernels/thread-pool.js';
import type { Recorder } from './fingerprint.js';

export interface ModelInputs {
  /** The bytes of ../shared/models/stories260K/stories260K.bin (llama2.c format). */
  stories260K?: Uint8Array;
  /** ../shared/models/stories260K/tok512.bin, for the extraction entry. */
  stories260KTokenizer?: Uint8Array;
  /** How to start worker threads here (Node gives one; without it the thread entries run on one thread). */
  workerHost?: WorkerHost;
}

/** Entries that repeat another entry's computation with other kernels or thread counts: their hashes must
 * equal that entry's (and each environment's, like every entry). */
export const SAME_AS: Record<string, string> = {
  'model/random-q8-plain': 'model/random-q8',
  'model/random-q8-threads2': 'model/random-q8',
  'model/random-q8-threads4': 'model/random-q8',
  // GGUF Q4_0 kept packed (matvec_q4/matmul_q4) gives the int8 expansion's bits, on any kernels and threads.
  'model/random-q4_0-int8': 'model/random-q4_0-gguf',
  'model/random-q4_0-plain': 'model/random-q4_0-gguf',
  'model/random-q4_0-threads2': 'model/random-q4_0-gguf',
  'model/random-q8-kv16-threads2': 'model/random-q8-kv16',
};

/** The seeded random model: weights/random-model.ts's TINY config (2 layers, 4 q / 2 kv heads, vocab 288)
 * with a 1024-token context, its synthetic byte-level BPE tokenizer and ChatML template. Generated in each
 * environment. */
export const RANDOM_SEED = 20261124;

/** The extraction every environment runs (sampled, so the seeded PRNG and the sampler are covered too). */
export const EXTRACT_TEXT = 'Once upon a time, there was a little girl named Lily. She was three years old and she loved her dog Max.';
export const EXTRACT_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 10 }, age: { type: 'integer', minimum: 0, maximum: 99 }, pet: { type: 'string', maxLength: 10 } },
  required: ['name', 'age', 'pet'],
  additionalProperties: false,
};
export const EXTRACT_OPTIONS = { temperature: 0.8, seed: 11, maxTokens: 60 };

/** A fixed prompt of token ids (stories260K's vocabulary is 512; BOS is 1). */
export const PROMPT_IDS = [1, 365, 301, 261, 400, 290, 415, 274];
export const DECODE_STEPS = 6;

async function extractEntry(rec: Recorder, name: string, model: () => Promise<Model>): Promise<void> {
  await rec.entry(name, async () => {
    const r = await extract({ text: EXTRACT_TEXT, schema: EXTRACT_SCHEMA, model: await model(), options: EXTRACT_OPTIONS });
    if (!r.valid) throw new Error(`extraction not valid: ${r.errors?.join('; ')} (${JSON.stringify(r.text)})`);
    rec.report.notes[name] = `${r.tokens} tokens (${r.forcedTokens} forced): ${r.text}`;
    return new TextEncoder().encode(JSON.stringify({ text: r.text, tokens: r.tokens, forced: r.forcedTokens, finish: r.finishReason }));
  });
}

async function modelEntry(rec: Recorder, name: string, source: () => ModelSource, dtype: 'q8' | 'f32',
  options: { threads?: number; workerHost?: WorkerHost; relaxedSimd?: boolean; q4_0?: 'packed' | 'int8'; kvCache?: 'f32' | 'f16' } = {}): Promise<void> {
  await rec.entry(name, async () => {
    const model = await loadModel(source(), { dtype, contextLength: 64, ...options });
    const k = model.kernels;
    // Split every int8 product across the threads, however small (by default small ones stay on one thread).
    if (k.pool) k.pool.minParallelMacs = 0;
    try {
      const { logits, ids } = logitsTrace(model, PROMPT_IDS.filter((id) => id < model.config.vocabSize), DECODE_STEPS);
      rec.report.notes[name] = `greedy ${ids.join(',')}; ${logits.length} logits; ${k.relaxedSimd ? 'relaxed-SIMD' : 'plain SIMD'} ` +
        `kernels, ${k.threads} thread${k.threads > 1 ? 's' : ''}${k.threadsNote ? ` (${k.threadsNote})` : ''}`;
      return logits;
    } finally {
      k.close();
    }
  });
}

export async function modelFingerprints(rec: Recorder, inputs: ModelInputs): Promise<void> {
  const stories = inputs.stories260K;
  if (stories) {
    const source = () => modelSourceFromBytes(stories, 'stories260K.bin');
    await modelEntry(rec, 'model/stories260K-f32', source, 'f32');
    await modelEntry(rec, 'model/stories260K-q8', source, 'q8');
    await modelEntry(rec, 'model/stories260K-f32-kv16', source, 'f32', { kvCache: 'f16' });
    const tok = inputs.stories260KTokenizer;
    if (tok) {
      await extractEntry(rec, 'extract/stories260K-q8', () =>
        loadModel(modelSourceFromBytes(stories, 'stories260K.bin', tok), { dtype: 'q8' }));
    }
  }

  // The random model, generated here, written as GGUF F32 and as GGUF Q8_0 (quantized by the kernels).
  let f32Gguf: Uint8Array | undefined, q80Gguf: Uint8Array | undefined;
  await rec.entry('weights/random-gguf', async () => {
    const model = randomModel({ config: { ...TINY, contextLength: 1024 }, seed: RANDOM_SEED });
    const a = new MemorySink(), b = new MemorySink();
    writeModelGguf(model, a, 'f32');
    writeModelGguf(model, b, 'q8_0', await Kernels.create());
    f32Gguf = a.bytes();
    q80Gguf = b.bytes();
    rec.report.notes['weights/random-gguf'] = `f32 ${f32Gguf.length} bytes, q8_0 ${q80Gguf.length} bytes`;
    const both = new Uint8Array(f32Gguf.length + q80Gguf.length);
    both.set(f32Gguf);
    both.set(q80Gguf, f32Gguf.length);
    return both;
  });
  if (f32Gguf && q80Gguf) {
    const f32 = f32Gguf, q80 = q80Gguf;
    await modelEntry(rec, 'model/random-f32', () => modelSourceFromBytes(f32, 'random-f32.gguf'), 'f32');
    await modelEntry(rec, 'model/random-q8', () => modelSourceFromBytes(f32, 'random-f32.gguf'), 'q8');
    await modelEntry(rec, 'model/random-q8_0-gguf', () => modelSourceFromBytes(q80, 'random-q8_0.gguf'), 'q8');
    // The same logits with the plain kernels where the default is relaxed-SIMD, and on 2 and 4 threads.
    await modelEntry(rec, 'model/random-q8-plain', () => modelSourceFromBytes(f32, 'random-f32.gguf'), 'q8', { relaxedSimd: false });
    for (const threads of [2, 4]) {
      await modelEntry(rec, `model/random-q8-threads${threads}`, () => modelSourceFromBytes(f32, 'random-f32.gguf'), 'q8',
        { threads, workerHost: inputs.workerHost });
    }
    // The f16 KV cache (keys and values rounded to binary16 in the module), on one and two threads.
    await modelEntry(rec, 'model/random-q8-kv16', () => modelSourceFromBytes(f32, 'random-f32.gguf'), 'q8', { kvCache: 'f16' });
    await modelEntry(rec, 'model/random-q8-kv16-threads2', () => modelSourceFromBytes(f32, 'random-f32.gguf'), 'q8',
      { kvCache: 'f16', threads: 2, workerHost: inputs.workerHost });
    await extractEntry(rec, 'extract/random-q8', () => loadModel(modelSourceFromBytes(f32, 'random-f32.gguf'), { dtype: 'q8' }));
  }

  // The same random model as GGUF Q4_0 (every matrix, as llama-quantize --pure writes it).
  let q40Gguf: Uint8Array | undefined;
  await rec.entry('weights/random-q4_0-gguf', async () => {
    const sink = new MemorySink();
    writeModelGguf(randomModel({ config: { ...TINY, contextLength: 1024 }, seed: RANDOM_SEED }), sink, 'q4_0');
    return (q40Gguf = sink.bytes());
  });
  if (q40Gguf) {
    const q40 = q40Gguf, source = () => modelSourceFromBytes(q40, 'random-q4_0.gguf');
    await modelEntry(rec, 'model/random-q4_0-gguf', source, 'q8');
    await modelEntry(rec, 'model/random-q4_0-int8', source, 'q8', { q4_0: 'int8' });
    await modelEntry(rec, 'model/random-q4_0-plain', source, 'q8', { relaxedSimd: false });
    await modelEntry(rec, 'model/random-q4_0-threads2', source, 'q8', { threads: 2, workerHost: inputs.workerHost });
  }
}
