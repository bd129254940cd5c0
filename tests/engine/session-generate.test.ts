// KV-cache sessions (prefix reuse, chunked prefill, errors) and the generate loop (stops, streaming,
// logits processor) on stories260K.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { ContextOverflowError } from '../../engine/kv-cache.js';
import { TokenIdError } from '../../engine/session.js';
import { MASKED_LOGIT } from '../../engine/masked-logit.js';
import { tokenizerFromSource } from '../../engine/load-model.js';

const BIN = join(MODELS, 'stories260K/stories260K.bin');
const TOK = join(MODELS, 'stories260K/tok512.bin');
const ref = JSON.parse(readFileSync(join(MODELS, 'stories260K/greedy_reference.json'), 'utf8'));
const seq: number[] = [1, ...ref.greedy_ids.slice(0, 99)]; // 100 real tokens

let model: Model, small: Model, q8: Model;
beforeAll(async () => {
  model = await loadModelFromPath(BIN, { dtype: 'f32', tokenizerPath: TOK });
  small = await loadModelFromPath(BIN, { dtype: 'f32', tokenizerPath: TOK, maxChunk: 7 });
  q8 = await loadModelFromPath(BIN, { dtype: 'q8', tokenizerPath: TOK, maxChunk: 5 });
});

describe('Session', () => {
  it('batched prefill, chunked prefill and one-token decode give bit-identical logits', () => {
    for (const m of [model, q8]) {
      const b = m.createSession();
      b.prefill(seq);
      const batched = b.logitsView().slice();
      const s = m.createSession();
      s.prefill(seq.slice(0, 1));
      for (const t of seq.slice(1)) s.decode(t);
      expect(s.logitsView()).toEqual(batched);
    }
    const chunked = small.createSession();
    chunked.prefill(seq);
    const whole = model.createSession();
    whole.prefill(seq);
    expect(chunked.logitsView()).toEqual(whole.logitsView());
    // logitsAll's rows are the same numbers as prefilling each prefix.
    const rows = small.logitsAll(seq.slice(0, 20));
    const s = small.createSession();
    s.prefill(seq.slice(0, 13));
    expect(s.logitsView()).toEqual(rows[12]);
  });

  it('reuses the longest cached prefix and computes only the rest', () => {
    const s = model.createSession();
    s.prefill(seq.slice(0, 60));
    expect(s.evaluated).toBe(60);
    const other = [...seq.slice(0, 50), 300, 301, 302];
    s.prefill(other);
    expect(s.evaluated).toBe(63); // 3 new tokens after the 50 shared
    expect(s.tokens).toEqual(other);
    const fresh = model.createSession();
    fresh.prefill(other);
    expect(s.logitsView()).toEqual(fresh.logitsView());
    s.prefill(other); // the same prompt again: only its last token, for the logits
    expect(s.evaluated).toBe(64);
    expect(s.logitsView()).toEqual(fresh.logitsView());
    s.reset();
    s.prefill(other);
    expect(s.evaluated).toBe(64 + other.length);
  });

  it('generate() reuses the default session across calls sharing a prompt prefix', () => {
    const m = model;
    const prompt = seq.slice(0, 40);
    const first = m.generate(prompt, { maxTokens: 4, temperature: 0 });
    expect(first.prefillTokens).toBeGreaterThan(0);
    const second = m.generate([...prompt.slice(0, 35), 290, 291], { maxTokens: 4, temperature: 0 });
    expect(second.prefillTokens).toBe(2);
  });

  it('append() feeds known tokens in one pass; a hand-driven loop with createSampler() equals generate()', () => {
    const s = model.createSession();
    s.prefill(seq.slice(0, 10));
    s.append(seq.slice(10, 30));
    expect(s.tokens).toEqual(seq.slice(0, 30));
    const fresh = model.createSession();
    fresh.prefill(seq.slice(0, 30));
    expect(s.logitsView()).toEqual(fresh.logitsView());
    expect(() => s.append([])).toThrow(/at least one token/);

    const h = model.createSession();
    const sampler = model.createSampler({ temperature: 0.9, topK: 40, seed: 21 });
    const ids = [1];
    let logits = h.prefill(ids);
    for (let i = 0; i < 20; i++) {
      const id = sampler.sample(logits, ids);
      ids.push(id);
      logits = h.decode(id);
    }
    const g = model.generate([1], { maxTokens: 20, temperature: 0.9, topK: 40, seed: 21, eosIds: [] }, model.createSession());
    expect(ids.slice(1)).toEqual(g.ids);
  });

  it('extend() returns the row after each new token (as prefilling each prefix gives); rewind() keeps a prefix', () => {
    for (const m of [model, q8]) {
      const s = m.createSession();
      s.prefill(seq.slice(0, 30));
      const rows = s.extend(seq.slice(30, 37));
      expect(rows).toHaveLength(7);
      expect(s.tokens).toEqual(seq.slice(0, 37));
      for (const k of [0, 3, 6]) {
        const fresh = m.createSession();
        fresh.prefill(seq.slice(0, 31 + k));
        expect(rows[k]).toEqual(fresh.logitsView());
      }
      s.rewind(30);
      expect(s.tokens).toEqual(seq.slice(0, 30));
      // The rewound cache is reused: another continuation computes only its own tokens, exactly.
      const before = s.evaluated;
      const other = s.extend([300, 301]);
      expect(s.evaluated - before).toBe(2);
      const fresh = m.createSession();
      fresh.prefill([...seq.slice(0, 30), 300, 301]);
      expect(other[1]).toEqual(fresh.logitsView());
      s.rewind(1000); // longer than the cache: nothing changes
      expect(s.tokens).toHaveLength(32);
      expect(() => s.rewind(-1)).toThrow(/rewind length/);
      expect(() => s.extend([])).toThrow(/at least one token/);
      expect(() => s.extend([512])).toThrow(TokenIdError);
    }
  });

  it('fails clearly on empty, too long and out-of-range input', () => {
    const s = model.createSession({ contextLength: 16 });
    expect(() => s.prefill([])).toThrow(/the prompt is empty/);
    expect(() => s.prefill(seq.slice(0, 17))).toThrow(ContextOverflowError);
    expect(() => s.prefill(seq.slice(0, 17))).toThrow('the prompt needs 17 positions but the context holds 16 tokens');
    expect(() => s.prefill([1, 512])).toThrow(TokenIdError);
    expect(() => s.prefill([1, -1])).toThrow('token id -1 at index 1 is out of range: the vocabulary has ids 0..511');
    expect(() => s.prefill([1, 2.5])).toThrow(/token id 2.5/);
    s.prefill(seq.slice(0, 16));
    expect(() => s.decode(5)).toThrow('the sequence needs 17 positions but the context holds 16 tokens');
    expect(() => model.createSession({ contextLength: 513 })).toThrow(/larger than the model's 512/);
  });
});

describe('generate', () => {
  it('stops at the context end with finishReason "context"', () => {
    const s = model.createSession({ contextLength: 10 });
    const r = model.generate([1], { maxTokens: 50, eosIds: [] }, s);
    expect(r.ids).toEqual(ref.greedy_ids.slice(0, 10));
    expect(r.finishReason).toBe('context');
  });

  it('stops on an EOS id (not included) and at maxTokens', () => {
    const r = model.generate([1], { maxTokens: 50, eosIds: [ref.greedy_ids[5]] });
    expect(r.ids).toEqual(ref.greedy_ids.slice(0, 5));
    expect(r.finishReason).toBe('eos');
    const l = model.generate([1], { maxTokens: 7 });
    expect(l.ids).toEqual(ref.greedy_ids.slice(0, 7));
    expect(l.finishReason).toBe('length');
  });

  it('stops before a stop string, and the streamed pieces add up to the text', () => {
    const pieces: string[] = [];
    const r = model.generate('', { maxTokens: 200, stop: ['Lily.'], onToken: (t) => pieces.push(t.text) });
    expect(r.finishReason).toBe('stop');
    expect(r.text).toBe('Once upon a time, there was a little girl named ');
    expect(pieces.join('')).toBe(r.text);
    const all: string[] = [];
    const full = model.generate('', { maxTokens: 256, onToken: (t) => all.push(t.text) });
    expect(full.text).toBe(ref.text);
    expect(all.join('')).toBe(ref.text);
  });

  it('a continuation keeps its leading space: prompt + text reads as one text', () => {
    const tok = model.tokenizer!;
    for (const prompt of ['Once upon a time there was', 'Lily and Tom went to the']) {
      const r = model.generate(prompt, { maxTokens: 12 });
      expect(r.text.startsWith(' ')).toBe(true);
      expect(prompt + r.text).toBe(tok.decode([...tok.encode(prompt), ...r.ids], { skipSpecialTokens: true }));
    }
  });

  it('stream() yields the same tokens as generate()', async () => {
    const ids: number[] = [];
    let text = '';
    const it = model.stream('', { maxTokens: 30, temperature: 0.8, seed: 3 });
    let r = await it.next();
    while (!r.done) { if (r.value.id >= 0) ids.push(r.value.id); text += r.value.text; r = await it.next(); }
    const g = model.generate('', { maxTokens: 30, temperature: 0.8, seed: 3 });
    expect(ids).toEqual(g.ids);
    expect(text).toBe(g.text);
    expect(r.value.ids).toEqual(g.ids);
  });

  it('applies the logits processor before sampling (a mask through apply_mask)', () => {
    const allowed = [259, 300, 301, 302, 403];
    const bits = model.kernels.alloc(512 / 8);
    const words = model.kernels.u32(bits, 512 / 32);
    for (const id of allowed) words[id >>> 5] |= 1 << (id & 31);
    let calls = 0;
    const r = model.generate([1], {
      maxTokens: 12, temperature: 1, seed: 11,
      logitsProcessor: ({ kernels, logits, vocabSize, generated }) => {
        expect(generated.length).toBe(calls++);
        kernels.exports.apply_mask(logits, bits, vocabSize, MASKED_LOGIT);
      },
    });
    expect(calls).toBe(12);
    for (const id of r.ids) expect(allowed).toContain(id);
  });

  it('allowedTokens restricts the LM head and samples exactly as masking the full logits would', () => {
    const bits = model.kernels.alloc(512 / 8);
    // A different allowed set at each step (depends on the sequence), as a grammar's would be. (Views are
    // made per call: allocating a session may grow the memory and detach older views.)
    const setFor = (ids: readonly number[]) => {
      const words = model.kernels.u32(bits, 512 / 32);
      words.fill(0);
      for (let id = 259 + (ids.length % 7); id < 512; id += 3) words[id >>> 5] |= 1 << (id & 31);
      return bits;
    };
    const options = { maxTokens: 15, temperature: 0.7, topK: 20, seed: 4, eosIds: [] as number[] };
    const viaHead = model.generate([1], { ...options, allowedTokens: setFor }, model.createSession());
    const viaMask = model.generate([1], {
      ...options,
      logitsProcessor: ({ kernels, logits, vocabSize, ids }) => kernels.exports.apply_mask(logits, setFor(ids), vocabSize, -Infinity),
    }, model.createSession());
    expect(viaHead.ids).toEqual(viaMask.ids);
    const seq = [1];
    for (const id of viaHead.ids) {
      expect((id - 259 - (seq.length % 7)) % 3).toBe(0);
      seq.push(id);
    }
  });

  it('stops when the abort signal fires', () => {
    const ac = new AbortController();
    let seen = 0;
    const r = model.generate([1], { maxTokens: 100, onToken: () => { if (++seen === 3) ac.abort(); }, signal: ac.signal });
    expect(r.ids.length).toBe(3);
    expect(r.finishReason).toBe('abort');
  });

  it('a model without tokenizer still gives logits and generates ids; a text prompt then fails clearly', async () => {
    expect(tokenizerFromSource(undefined)).toBeUndefined();
    expect(tokenizerFromSource({ kind: 'gguf', metadata: new Map() })).toBeUndefined();
    const bare = await loadModelFromPath(BIN, { dtype: 'f32' });
    expect(bare.tokenizer).toBeUndefined();
    expect(bare.generate([1], { maxTokens: 5 }).ids).toEqual(ref.greedy_ids.slice(0, 5));
    expect(() => bare.generate('Once', { maxTokens: 5 })).toThrow(/a text prompt needs a tokenizer/);
  });

  it('rejects invalid generate options', () => {
    expect(() => model.generate([1], { maxTokens: -1 })).toThrow(/maxTokens/);
    expect(() => model.generate([1], { topP: 2 })).toThrow(/topP/);
  });
});
