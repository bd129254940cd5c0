// The f16 KV cache (engine/kv-cache.ts, kvCache: 'f16') on stories260K: the published greedy sample still
// comes out exactly with f32 weights, logits stay within f16 rounding of the f32 cache's, prefill, chunked
// prefill and decode agree bit for bit, prefix reuse works, the cache takes half the bytes, and a bad
// cache type is a named error.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { compareRows } from './reference-forward.js';
import { KvCacheRangeError } from '../../engine/kv-cache.js';

const BIN = join(MODELS, 'stories260K/stories260K.bin');
const ref = JSON.parse(readFileSync(join(MODELS, 'stories260K/greedy_reference.json'), 'utf8'));
const seq: number[] = [1, ...ref.greedy_ids.slice(0, 99)];

function matchLength(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

let f32: Model, f16: Model, q8f16: Model, chunked: Model;
beforeAll(async () => {
  f32 = await loadModelFromPath(BIN, { dtype: 'f32' });
  f16 = await loadModelFromPath(BIN, { dtype: 'f32', kvCache: 'f16' });
  q8f16 = await loadModelFromPath(BIN, { dtype: 'q8', kvCache: 'f16', maxChunk: 5 });
  chunked = await loadModelFromPath(BIN, { dtype: 'f32', kvCache: 'f16', maxChunk: 7 });
});

describe('f16 KV cache', () => {
  it('is off by default and takes half the bytes of the f32 cache', () => {
    expect(f32.kvCache).toBe('f32');
    expect(f16.kvCache).toBe('f16');
    const a = f32.createSession(), b = f16.createSession(), c = f32.createSession({ kvCache: 'f16' });
    const cfg = f32.config;
    expect(a.cache.bytes).toBe(2 * cfg.nLayers * f32.contextLength * cfg.nKvHeads * cfg.headDim * 4);
    expect(b.cache.bytes).toBe(a.cache.bytes / 2);
    expect([a.cache.type, b.cache.type, c.cache.type]).toEqual(['f32', 'f16', 'f16']);
  });

  it('f32 weights: 256 greedy steps from BOS still equal greedy_reference.json', () => {
    const r = f16.generate(ref.prompt_ids, { maxTokens: ref.steps, temperature: 0, eosIds: [] });
    expect(r.ids).toEqual(ref.greedy_ids);
  });

  it('int8 weights: greedy matches the reference for at least its first 64 tokens', () => {
    const r = q8f16.generate([1], { maxTokens: ref.steps, temperature: 0, eosIds: [] });
    const n = matchLength(r.ids, ref.greedy_ids);
    console.log(`stories260K int8 + f16 KV cache: greedy matches the f32 reference for ${n} of 256 tokens`);
    expect(n).toBeGreaterThanOrEqual(64);
  });

  it('logits stay within f16 rounding of the f32 cache\'s (max abs <= 2e-3 of the row\'s largest |logit|), and differ', () => {
    const a = f32.logitsAll(seq), b = f16.logitsAll(seq);
    let worst = 0, worstRel = 0, minCos = 1;
    for (let p = 0; p < seq.length; p++) {
      const c = compareRows(b[p], a[p]);
      const scale = a[p].reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      worst = Math.max(worst, c.maxAbs);
      worstRel = Math.max(worstRel, c.maxAbs / scale);
      minCos = Math.min(minCos, c.cosine);
    }
    console.log(`stories260K f16 vs f32 KV cache over 100 positions: max abs ${worst.toExponential(2)} ` +
      `(${worstRel.toExponential(2)} of the row's largest |logit|), min cosine ${minCos}`);
    // f16 keeps 11 significant bits: each K and V value moves by up to 2^-12 of itself (2.4e-4), and the
    // differences pass through 5 layers; 2e-3 leaves room for that growth, not for a wrong conversion.
    expect(worst).toBeGreaterThan(0);
    expect(worstRel).toBeLessThanOrEqual(2e-3);
    expect(minCos).toBeGreaterThan(0.99999);
  });

  it('batched prefill, chunked prefill and one-token decode give bit-identical logits', () => {
    for (const m of [f16, q8f16]) {
      const all = m.logitsAll(seq, m.createSession());
      const s = m.createSession();
      s.prefill(seq.slice(0, 1));
      expect(s.logitsView()).toEqual(all[0]);
      for (let i = 1; i < seq.length; i++) {
        s.decode(seq[i]);
        expect(s.logitsView(), `position ${i}`).toEqual(all[i]);
      }
    }
    const c = chunked.createSession();
    c.prefill(seq);
    const whole = f16.createSession();
    whole.prefill(seq);
    expect(c.logitsView()).toEqual(whole.logitsView());
  });

  it('reuses a cached prefix: the same logits as computing from scratch', () => {
    const s = f16.createSession();
    s.prefill(seq.slice(0, 60));
    const before = s.evaluated;
    s.prefill([...seq.slice(0, 40), ...seq.slice(70, 90)]);
    expect(s.evaluated - before).toBe(20);
    const fresh = f16.createSession();
    fresh.prefill([...seq.slice(0, 40), ...seq.slice(70, 90)]);
    expect(s.logitsView()).toEqual(fresh.logitsView());
  });

  it('a value beyond the f16 range is a named error, not NaN logits; the f32 cache takes it', async () => {
    const m = await loadModelFromPath(BIN, { dtype: 'f32' });
    const wv = m.weights.layers[1].wv;
    if (wv.kind !== 'f32') throw new Error('expected f32 weights');
    m.kernels.exports.scale(wv.data, wv.rows * wv.cols, 1e6); // layer 1's values reach ~1e5 and beyond
    const s = m.createSession({ kvCache: 'f16' });
    expect(() => s.prefill(seq.slice(0, 8))).toThrow(KvCacheRangeError);
    expect(() => s.prefill(seq.slice(0, 8))).toThrow(/entries of layer 1 exceed the f16 KV cache's range \(\|x\| >= 65520 rounds to infinity\): use the f32 cache/);
    expect(s.tokens).toEqual([]); // nothing half-written is taken as cached
    const f = m.createSession();
    f.prefill(seq.slice(0, 8));
    expect(f.logitsView().every(Number.isFinite)).toBe(true);
  });

  it('rejects a cache type it does not have, naming it', async () => {
    await expect(loadModelFromPath(BIN, { dtype: 'f32', kvCache: 'f8' as 'f16' })).rejects.toThrow(`kvCache must be 'f32' or 'f16', got "f8"`);
    expect(() => f32.createSession({ kvCache: 'bf16' as 'f16' })).toThrow(`kvCache must be 'f32' or 'f16', got "bf16"`);
    expect(() => f32.createSession({ contextLength: f32.contextLength + 1 })).toThrow(/larger than the model's/);
  });
});
