// Model logits fingerprints: for each model and dtype, the logits after every prompt position (one batched
// prefill, the int8 matmul path) and then after each of several greedy decode steps (the matvec path),
// NaN-checked and hashed as raw f32 bytes. Browser-safe: the model arrives as bytes.
import { loadModel } from '../../engine/load-model.js';
import { modelSourceFromBytes, type ModelSource } from '../../weights/load.js';
import { logitsTrace } from '../../web/logits-trace.js';
import type { Recorder } from './fingerprint.js';

export interface ModelInputs {
  /** The bytes of ../shared/models/stories260K/stories260K.bin (llama2.c format). */
  stories260K?: Uint8Array;
}

/** A fixed prompt of token ids (stories260K's vocabulary is 512; BOS is 1). */
export const PROMPT_IDS = [1, 365, 301, 261, 400, 290, 415, 274];
export const DECODE_STEPS = 6;

async function modelEntry(rec: Recorder, name: string, source: () => ModelSource, dtype: 'q8' | 'f32'): Promise<void> {
  await rec.entry(name, async () => {
    const model = await loadModel(source(), { dtype, contextLength: 64 });
    const { logits, ids } = logitsTrace(model, PROMPT_IDS.filter((id) => id < model.config.vocabSize), DECODE_STEPS);
    rec.report.notes[name] = `greedy ${ids.join(',')}; ${logits.length} logits`;
    return logits;
  });
}

export async function modelFingerprints(rec: Recorder, inputs: ModelInputs): Promise<void> {
  const stories = inputs.stories260K;
  if (stories) {
    const source = () => modelSourceFromBytes(stories, 'stories260K.bin');
    await modelEntry(rec, 'model/stories260K-f32', source, 'f32');
    await modelEntry(rec, 'model/stories260K-q8', source, 'q8');
  }
}
