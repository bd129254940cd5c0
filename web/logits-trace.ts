// The logits trace behind the determinism check: logits after every prompt position (one batched prefill)
// and then after each of several greedy decode steps, concatenated as raw f32. The page's "SHA-256 of
// logits" and the platform tests (tests/platforms) hash exactly this, so a hash from a browser tab can be
// compared with one from Node on x86-64 or 64-bit ARM.
import type { Model } from '../index.js';

/** Throws when any value is NaN: NaN payloads differ between x86 and ARM, so NaN must never be hashed. */
export function assertNoNaN(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) throw new Error(`${what}: NaN at index ${i} of ${values.length}`);
  }
}

/** Lowest index of the largest value (NaN-free input). */
export function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

export function logitsTrace(model: Model, prompt: readonly number[], steps: number): { logits: Float32Array; ids: number[] } {
  if (prompt.length === 0) throw new Error('logitsTrace: empty prompt');
  const rows = model.logitsAll(prompt);
  const ids = [...prompt];
  let last = rows[rows.length - 1];
  for (let s = 0; s < steps; s++) {
    assertNoNaN(last, `logits after ${ids.length} tokens`);
    ids.push(argmax(last));
    last = model.logits(ids); // reuses the cached prefix: one decode step
    rows.push(last);
  }
  assertNoNaN(last, `logits after ${ids.length} tokens`);
  const vocab = model.config.vocabSize;
  const out = new Float32Array(rows.length * vocab);
  rows.forEach((r, i) => out.set(r, i * vocab));
  return { logits: out, ids: ids.slice(prompt.length) };
}

export async function sha256Hex(bytes: Uint8Array | Float32Array): Promise<string> {
  const u8 = bytes instanceof Float32Array ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
  const digest = await crypto.subtle.digest('SHA-256', u8.slice() as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
