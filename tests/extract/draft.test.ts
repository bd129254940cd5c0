// Prompt-lookup drafting: the Drafter's logits equal Session.prefill's bit for bit whether the sequence
// follows the draft or leaves it; drafts copy the text and stop where the grammar refuses; and whole
// extractions are byte-identical with and without drafting (stories260K and the bundled model, greedy and
// seeded sampling, copy bias, value choice and grounded strings on and off), with drafting actually used.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, REPO } from '../paths.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { CopySource, CopyTracker } from '../../extract/copy-bias.js';
import { Drafter, proposeDraft } from '../../extract/draft.js';
import { extractorFor } from '../../extract/api.js';
import type { Extractor, ExtractOptions } from '../../extract/extractor.js';
import { ForcedTokenizer } from '../../extract/forced-tokens.js';
import { grammarCompiler } from '../../extract/grammar-constraint.js';
import { extractOptionsFrom } from '../../cli/extract.js';
import { mulberry32Unit } from '../../random/prng.js';

const UTF8 = new TextEncoder();

let tiny: Model;
let bundled: Model;
beforeAll(async () => {
  tiny = await loadModelFromPath(join(MODELS, 'stories260K/stories260K.bin'), { tokenizerPath: join(MODELS, 'stories260K/tok512.bin') });
  bundled = await loadModelFromPath(join(REPO, 'models/default'));
});

function run(ex: Extractor, text: string, schema: unknown, options: ExtractOptions) {
  const it = ex.steps({ text, schema, options });
  const pieces: string[] = [];
  for (;;) {
    const r = it.next();
    if (r.done) return { result: r.value, pieces, stats: { ...ex.lastDraftStats } };
    pieces.push(r.value);
  }
}

/** Extracts each example with and without drafting; expects the same text, tokens, finish and pieces;
 * returns the summed drafting counts. */
function expectIdentical(model: Model, examples: Array<{ text: string; schema: unknown }>, options: ExtractOptions) {
  const ex = extractorFor(model);
  const total = { passes: 0, drafted: 0, accepted: 0 };
  for (const e of examples) {
    const plain = run(ex, e.text, e.schema, { ...options, draft: false });
    const drafted = run(ex, e.text, e.schema, { ...options, draft: true });
    expect(drafted.result.text).toBe(plain.result.text);
    expect(drafted.pieces).toEqual(plain.pieces);
    expect(drafted.result.tokens).toBe(plain.result.tokens);
    expect(drafted.result.finishReason).toBe(plain.result.finishReason);
    expect(plain.stats.passes).toBe(0);
    total.passes += drafted.stats.passes; total.drafted += drafted.stats.drafted; total.accepted += drafted.stats.accepted;
  }
  return total;
}

describe('Drafter', () => {
  it('hands out logits bit-identical to Session.prefill, masked or not, on and off the draft', () => {
    const rand = mulberry32Unit(7);
    const vocab = tiny.config.vocabSize;
    const draftSession = tiny.createSession();
    const drafter = new Drafter(draftSession, tiny.kernels, vocab);
    const words = (vocab + 31) >>> 5;
    const mask = tiny.kernels.alloc(words * 4);
    for (let trial = 0; trial < 6; trial++) {
      const seq = Array.from({ length: 20 + trial }, () => 1 + Math.floor(rand() * (vocab - 1)));
      const draft = Array.from({ length: 5 }, () => 1 + Math.floor(rand() * (vocab - 1)));
      // Follow the draft for `follow` tokens, then leave it.
      const follow = trial % 4;
      const path = [...seq, ...draft.slice(0, follow), (draft[follow] + 1) % vocab, 3, 4];
      for (let n = seq.length; n <= path.length; n++) {
        const masked = n % 2 === 0;
        const bits = tiny.kernels.u32(mask, words);
        for (let w = 0; w < words; w++) bits[w] = Math.floor(rand() * 2 ** 32) >>> 0;
        const expected = tiny.createSession();
        expected.prefill(path.slice(0, n), masked ? { allowed: mask } : {});
        const want = expected.logitsView().slice();
        const got = drafter.logitsAfter(path.slice(0, n), masked ? mask : undefined, () => (n === seq.length ? draft : []), 64);
        expect(Array.from(tiny.kernels.f32(got, vocab))).toEqual(Array.from(want));
      }
    }
    expect(drafter.stats.passes).toBe(6);
    expect(drafter.stats.accepted).toBe(0 + 1 + 2 + 3 + 0 + 1);
  });

  it('drops its rows when another model run used the cache since (a value choice)', () => {
    const s = tiny.createSession();
    const drafter = new Drafter(s, tiny.kernels, tiny.config.vocabSize);
    const seq = [1, 50, 60, 70, 80];
    drafter.logitsAfter(seq, undefined, () => [90, 91, 92], 8);
    s.rewind(seq.length);
    s.extend([200, 201]); // someone else scores a candidate here
    s.rewind(seq.length);
    const got = Array.from(tiny.kernels.f32(drafter.logitsAfter([...seq, 90], undefined, () => [], 8), tiny.config.vocabSize));
    const fresh = tiny.createSession();
    fresh.prefill([...seq, 90]);
    expect(got).toEqual(Array.from(fresh.logitsView()));
    expect(drafter.stats.accepted).toBe(0);
  });
});

describe('proposeDraft', () => {
  const schema = { type: 'object', properties: { code: { type: 'string' } }, required: ['code'], additionalProperties: false };
  it('copies the text after the value written so far, as the tokenizer spells it; keys from the grammar', () => {
    const tok = bundled.tokenizer!;
    const forced = new ForcedTokenizer(tok);
    const constraint = grammarCompiler(tok).compile(schema).create();
    const bytes = (ids: readonly number[]) => new TextDecoder().decode(Uint8Array.from(ids.flatMap((id) => [...tok.tokenBytes(id)])));
    const copy = new CopyTracker(new CopySource('order code PX-4471 shipped'));
    const feed = (s: string) => { for (const id of forced.encode(UTF8.encode(s))) { constraint.advance(id); copy.push(tok.tokenBytes(id)); } };
    feed('{');
    // At a key the grammar forces its bytes: the draft spells them.
    expect(bytes(proposeDraft(constraint, copy, forced, (id) => tok.tokenBytes(id)))).toBe('"code":"');
    feed('"code":"PX');
    const d = proposeDraft(constraint, copy, forced, (id) => tok.tokenBytes(id));
    expect(d.length).toBeGreaterThan(0);
    expect('-4471 shipped'.startsWith(bytes(d))).toBe(true);
    // A value that matches nowhere in the text gives no draft.
    feed('Q');
    expect(proposeDraft(constraint, copy, forced, (id) => tok.tokenBytes(id))).toEqual([]);
  });

  it('stops where the grammar would refuse the drafted bytes', () => {
    const tok = bundled.tokenizer!;
    const forced = new ForcedTokenizer(tok);
    const digits = { type: 'object', properties: { n: { type: 'string', pattern: '^[0-9]+$' } }, required: ['n'], additionalProperties: false };
    const constraint = grammarCompiler(tok).compile(digits).create();
    const copy = new CopyTracker(new CopySource('call 12345 x'));
    for (const id of forced.encode(UTF8.encode('{"n":"1'))) { constraint.advance(id); copy.push(tok.tokenBytes(id)); }
    const d = proposeDraft(constraint, copy, forced, (id) => tok.tokenBytes(id));
    const spelled = new TextDecoder().decode(Uint8Array.from(d.flatMap((id) => [...tok.tokenBytes(id)])));
    expect('2345'.startsWith(spelled) && spelled.length > 0).toBe(true); // never the space after the digits
    expect(proposeDraft(undefined, copy, forced, (id) => tok.tokenBytes(id)).length).toBeGreaterThanOrEqual(d.length);
  });
});

describe('extraction with drafting', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' }, city: { type: 'string' } }, required: ['name', 'age', 'city'], additionalProperties: false };
  const texts = ['Lily is three years old and lives in Paris.', 'Tom Brown, 42, moved to Oslo in 2019.', 'The cat named Mittens is 7; home: Rome.'];

  it('is byte-identical to plain decoding on stories260K: greedy and seeded sampling, each decoding aid', () => {
    const examples = texts.map((text) => ({ text, schema }));
    let drafted = 0;
    for (const options of [{}, { copyBias: 4 }, { copyBias: 4, valueChoice: true }, { grounded: true }, { copyBias: 4, valueChoice: true, grounded: true },
      { temperature: 1, seed: 11, copyBias: 2 }, { temperature: 0.7, seed: 3, topK: 20 }, { maxTokens: 30, copyBias: 4 }, { grammar: false, maxTokens: 40 }] as ExtractOptions[]) {
      drafted += expectIdentical(tiny, examples, options).drafted;
    }
    expect(drafted).toBeGreaterThan(0);
  });

  it('is byte-identical on the bundled model: bench/realtext dev and bench/edgejson test, grounded on and off, and drafting is used', () => {
    const read = (path: string, n: number) => readFileSync(join(REPO, path), 'utf8').trim().split('\n').slice(0, n)
      .map((l) => JSON.parse(l) as { text: string; schema: unknown });
    const realtext = read('bench/realtext/dev.jsonl', 6);
    const edge = read('bench/edgejson/data/test.jsonl', 4);
    const on = expectIdentical(bundled, [...realtext, ...edge], {});
    expectIdentical(bundled, realtext.slice(0, 3), { grounded: false, valueChoice: false });
    expectIdentical(bundled, realtext.slice(3, 5), { temperature: 0.8, seed: 5 });
    expect(on.passes).toBeGreaterThan(0);
    expect(on.accepted).toBeGreaterThan(0);
  });

  it('rejects a draft option that is not a boolean; the CLI flags set it and refuse to contradict', () => {
    const ex = extractorFor(tiny);
    expect(() => run(ex, texts[0], schema, { draft: 'yes' as unknown as boolean })).toThrow(/draft must be a boolean, got "yes"/);
    expect(extractOptionsFrom({ draft: true }).draft).toBe(true);
    expect(extractOptionsFrom({ 'no-draft': true }).draft).toBe(false);
    expect(extractOptionsFrom({}).draft).toBeUndefined();
    expect(() => extractOptionsFrom({ draft: true, 'no-draft': true })).toThrow(/--draft and --no-draft contradict/);
  });
});
