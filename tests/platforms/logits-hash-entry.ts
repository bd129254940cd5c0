// The page's "Determinism check" for Node (any CPU): prints the SHA-256 of the same logits trace, so a hash
// from a browser tab can be compared with one from a Raspberry Pi or an x86 server.
// Bundled and run by scripts/platforms/logits-hash.mjs; Node-only (reads files).
import { loadModelFromPath } from '../../engine/load-model-node.js';
import { logitsTrace, sha256Hex } from '../../web/logits-trace.js';

export async function logitsHash(opts: { model: string; tokenizer?: string; prompt: string; steps: number; dtype: 'q8' | 'f32' }) {
  const model = await loadModelFromPath(opts.model, { dtype: opts.dtype, tokenizerPath: opts.tokenizer });
  if (!model.tokenizer) throw new Error(`${opts.model} carries no tokenizer: pass --tokenizer`);
  const prompt = model.tokenizer.encode(opts.prompt);
  const t0 = performance.now();
  const { logits, ids } = logitsTrace(model, prompt, opts.steps);
  return { sha256: await sha256Hex(logits), tokens: [...prompt, ...ids], positions: prompt.length + opts.steps, vocab: model.config.vocabSize, ms: performance.now() - t0 };
}
