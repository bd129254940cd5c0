// Copy bias: the source forms, the JSON tracker, the trie walk against a brute-force reference on random
// vocabularies and texts, and the bias inside the real extraction loop.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { applyCopyBias, CopySource, CopyTracker, valueClosers } from '../../extract/copy-bias.js';
import { buildTrie } from '../../grammar/token-trie.js';
import { extract } from '../../extract/api.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { mulberry32Unit } from '../../random/prng.js';

const UTF8 = new TextEncoder();
const ascii = (b: Uint8Array) => new TextDecoder().decode(b);

/** The source positions where the value written so far continues, found by scanning every start. */
function tracked(text: string, written: string) {
  const t = new CopyTracker(new CopySource(text));
  t.push(UTF8.encode(written));
  return t;
}

describe('CopySource', () => {
  it('matches strings in their JSON-escaped form and numbers without thousands separators', () => {
    const s = new CopySource('Say "hi" to Ana\\Bo. Total: $1,995.50, then 7.');
    expect(ascii(s.stringBytes)).toBe('Say \\"hi\\" to Ana\\\\Bo. Total: $1,995.50, then 7.');
    // Digits and decimal points before a digit kept, the comma between digits dropped, all else a space.
    expect(ascii(s.numberBytes)).toBe(`${' '.repeat(28)}1995.50${' '.repeat(7)}7 `);
    expect(s.numberStarts.map((p) => ascii(s.numberBytes.subarray(p, p + 3)))).toEqual(['199', '7 ']);
  });

  it('drops a comma between digits only before a group of exactly three digits', () => {
    // "17,85" is a decimal comma (offered as 17.85 by the normalized forms), never the number 1785.
    const s = new CopySource('EUR 17,85 or 1,203 or 2,3');
    expect(s.numbers).toEqual(['17', '85', '1203', '2', '3', '17.85', '2.3']);
  });
});

describe('CopyTracker', () => {
  const text = 'Order number: ORD-257691. A previous order ORD-1 was 1,200 USD.';

  it('follows string values (not keys) through the text', () => {
    expect(tracked(text, '{"order_id').continuations()).toBeUndefined(); // a key
    const t = tracked(text, '{"order_id":"ORD-');
    const c = t.continuations()!;
    expect(c.positions.map((p) => ascii(c.bytes.subarray(p, p + 3))).sort()).toEqual(['1 w', '257']);
    expect(tracked(text, '{"order_id":"ORD-2576').continuations()!.positions).toHaveLength(1);
    expect(tracked(text, '{"order_id":"ORD-9').continuations()).toBeUndefined(); // left the text
    expect(tracked(text, '{"order_id":"ORD-257691"').continuations()).toBeUndefined(); // closed
  });

  it('follows numbers from the first digit, and offers digit-run starts where a value begins', () => {
    const start = tracked(text, '{"a":"x","total":').continuations()!;
    expect(start.positions.length).toBeGreaterThan(0);
    const t = tracked(text, '{"a":"x","total":12');
    expect(t.continuations()!.positions).toHaveLength(1);
    expect(tracked(text, '{"a":"x","total":1200').atSpanEnd()).toBe(true);
    expect(tracked(text, '{"a":"x","total":120').atSpanEnd()).toBe(false);
    expect(tracked(text, '{"a":1,').continuations()).toBeUndefined(); // a key comes next, not a value
    expect(tracked(text, '{"list":["ORD').continuations()!.positions).toHaveLength(2); // array items are values
  });

  it('knows where a copied string may end', () => {
    expect(tracked(text, '{"id":"ORD-257691').atSpanEnd()).toBe(true);
    expect(tracked(text, '{"id":"ORD-2576').atSpanEnd()).toBe(false);
  });
});

describe('applyCopyBias', () => {
  it('marks exactly the allowed tokens that continue the value at some matched position (random vocabularies)', () => {
    const rnd = mulberry32Unit(11);
    const alphabet = 'ab1 2-"';
    for (let round = 0; round < 40; round++) {
      const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const vocab = [...new Set(Array.from({ length: 60 }, () => word(1 + Math.floor(rnd() * 4))))].map((w) => UTF8.encode(w));
      const ids = vocab.map((_, i) => i);
      const trie = buildTrie(vocab, ids);
      const closers = valueClosers((id) => vocab[id], ids);
      const text = word(30).replaceAll('"', 'b');
      const written = '{"k":"' + text.slice(Math.floor(rnd() * 10), Math.floor(rnd() * 10) + 10).slice(0, Math.floor(rnd() * 4));
      const tracker = tracked(text, written);
      const allowed = new Uint32Array(Math.ceil(vocab.length / 32));
      for (const id of ids) if (rnd() < 0.8) allowed[id >>> 5] |= 1 << (id & 31);
      const logits = new Float32Array(vocab.length);
      applyCopyBias(logits, trie, closers, tracker, 2.5, allowed);

      // Reference: token t continues the value if some match position p has src[p .. p + |t|) == t.
      const cont = tracker.continuations();
      for (const id of ids) {
        const isAllowed = (allowed[id >>> 5] & (1 << (id & 31))) !== 0;
        const t = vocab[id];
        const continues = cont !== undefined && cont.positions.some((p) => p + t.length <= cont.bytes.length && t.every((b, i) => cont.bytes[p + i] === b));
        const closes = tracker.atSpanEnd() && t[0] === 0x22;
        expect(logits[id], `round ${round} token ${JSON.stringify(ascii(t))} after ${JSON.stringify(written)} in ${JSON.stringify(text)}`)
          .toBe(isAllowed && (continues || closes) ? 2.5 : 0);
      }
    }
  });
});

describe('copy bias in extraction', () => {
  let model: Model;
  beforeAll(async () => {
    model = await loadModelFromPath(join(MODELS, 'stories260K/stories260K.bin'), { tokenizerPath: join(MODELS, 'stories260K/tok512.bin') });
  });
  const schema = { type: 'object', properties: { name: { type: 'string', maxLength: 20 }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false };
  const text = 'The girl in the park was called Lily Brown and she was 7 years old.';

  it('with a large bonus, a story model that knows no JSON copies its values from the text', async () => {
    const r = await extract({ text, schema, model, options: { copyBias: 1000 } });
    expect(r.valid).toBe(true);
    const value = r.value as { name: string; age: number };
    expect(value.name.length).toBeGreaterThan(0);
    expect(text).toContain(value.name);
    expect(text).toContain(String(value.age));
  });

  it('defaults to the model file\'s recommendation, which an explicit option overrides', async () => {
    const hinted = await loadModelFromPath(join(MODELS, 'stories260K/stories260K.bin'),
      { tokenizerPath: join(MODELS, 'stories260K/tok512.bin'), extractionHints: { copyBias: 1000 } });
    const byHint = await extract({ text, schema, model: hinted });
    const explicit = await extract({ text, schema, model, options: { copyBias: 1000 } });
    expect(byHint.text).toBe(explicit.text);
    const off = await extract({ text, schema, model: hinted, options: { copyBias: 0 } });
    expect(off.text).toBe((await extract({ text, schema, model })).text);
    expect(off.text).not.toBe(byHint.text);
  });

  it('is off by default and refuses a negative bonus', async () => {
    const plain = await extract({ text, schema, model });
    const zero = await extract({ text, schema, model, options: { copyBias: 0 } });
    expect(zero.text).toBe(plain.text);
    await expect(extract({ text, schema, model, options: { copyBias: -1 } })).rejects.toThrow(/copyBias/);
  });
});
