// Grounded strings: the mask against a brute-force reference (string operations, no trie) on random texts
// and vocabularies; every value the mask lets close is a span; which strings the grammar leaves free; the
// fallback when no span fits; the whole-span choice inside the real loop against float64 full passes;
// determinism; the option, the model hint and the CLI flags.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { CopySource, CopyTracker, isWordByte, opensSpan } from '../../extract/copy-bias.js';
import { endsSpan, groundedTokens, Grounding, isFreeString } from '../../extract/grounded.js';
import { buildTrie } from '../../grammar/token-trie.js';
import { extract, extractorFor } from '../../extract/api.js';
import { ForcedTokenizer } from '../../extract/forced-tokens.js';
import { grammarCompiler, vocabularyOf } from '../../extract/grammar-constraint.js';
import { GROUNDED_SPAN_WORDS, MAX_SPAN_TOKENS } from '../../extract/value-choice.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { hintsFromGenerationConfig, hintsFromGgufMetadata, generationConfigOf } from '../../weights/extraction-hints.js';
import { extractOptionsFrom } from '../../cli/extract.js';
import { mulberry32Unit } from '../../random/prng.js';
import { MemorySource, type ByteSource } from '../../weights/byte-source.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { hfFolderFiles } from '../../weights/hf-writer.js';
import { modelSourceFromBytes, readModelLayout, type ModelSource } from '../../weights/load.js';
import { exportFromLayout, type ExportModel } from '../../weights/model-export.js';
import { randomModel, TINY } from '../../weights/random-model.js';

const UTF8 = new TextEncoder();
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);
const QUOTE = 0x22;

/** Reference start positions: where opensSpan holds and a word begins (or the byte is a symbol), or right
 * after an escape sequence of the JSON-escaped text. */
function referenceStarts(src: Uint8Array): number[] {
  const afterEscape = new Set<number>();
  for (const m of latin1(src).matchAll(/\\(u[0-9a-fA-F]{4}|.)/g)) afterEscape.add(m.index! + m[0].length);
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    if (!opensSpan(src[i])) continue;
    if (i === 0 || !isWordByte(src[i - 1]) || !isWordByte(src[i]) || afterEscape.has(i)) out.push(i);
  }
  return out;
}

/** Reference set of whole values: every span from a start that ends on a word byte, ')' or '%' before a
 * non-word byte (or the end). */
function referenceSpans(src: Uint8Array): Set<string> {
  const spans = new Set<string>();
  for (const i of referenceStarts(src)) {
    for (let j = i + 1; j <= src.length; j++) {
      const last = src[j - 1];
      if (!(isWordByte(last) || last === 0x29 || last === 0x25)) continue;
      if (j < src.length && isWordByte(src[j])) continue;
      spans.add(latin1(src.subarray(i, j)));
    }
  }
  return spans;
}

/** Whether token `t` may follow value bytes `v` inside a grounded string (reference, string operations). */
function referenceAllows(src: string, starts: readonly number[], spans: ReadonlySet<string>, v: string, t: string): boolean {
  const q = closingQuote(v + t);
  if (q < 0) return starts.some((i) => src.startsWith(v + t, i));
  return spans.has((v + t).slice(0, q));
}

/** Index of the first quote of a JSON string body that is not escaped (-1 when none). */
function closingQuote(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

function randomCase(rnd: () => number) {
  const words = ['Ana', 'Lima', 'Bo', 'ran', 'to', 'Oslo', 'at', '7', '42%', '(Ltd)', 'x-1', 'é', 'Dr.', 'a'];
  const seps = [' ', ' ', ' ', ', ', '. ', '\n', ' "', '" ', ': '];
  let text = '';
  const n = 3 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) text += words[Math.floor(rnd() * words.length)] + (i < n - 1 ? seps[Math.floor(rnd() * seps.length)] : '');
  const source = new CopySource(text);
  const src = source.stringBytes;
  // A vocabulary: every single byte of the source, quote and JSON punctuation, random source pieces, and
  // random pieces followed by a quote and more.
  const pieces = new Set<string>(['"', ',', '}', '{', ':', '",', '"}', 'k']);
  for (const b of src) pieces.add(String.fromCharCode(b));
  for (let k = 0; k < 40; k++) {
    const i = Math.floor(rnd() * src.length), len = 1 + Math.floor(rnd() * 5);
    const piece = latin1(src.subarray(i, i + len));
    pieces.add(piece);
    if (rnd() < 0.4) pieces.add(piece + '"' + (rnd() < 0.5 ? ',' : ''));
    if (rnd() < 0.2) pieces.add('"' + piece);
  }
  const tokens = [...pieces].map((p) => Uint8Array.from(p, (c) => c.charCodeAt(0)));
  const trie = buildTrie(tokens, tokens.map((_, id) => id));
  return { text, source, src, tokens, trie };
}

function maskIds(keep: Uint32Array, n: number): number[] {
  const ids: number[] = [];
  for (let id = 0; id < n; id++) if (keep[id >>> 5] & (1 << (id & 31))) ids.push(id);
  return ids;
}

describe('the grounded mask', () => {
  it('allows exactly the tokens a brute-force reference allows, inside a value and where one opens (300 random cases)', () => {
    const rnd = mulberry32Unit(1301);
    let checkedInside = 0, checkedOpen = 0, allowedSeen = 0;
    for (let trial = 0; trial < 300; trial++) {
      const { source, src, tokens, trie } = randomCase(rnd);
      const s = latin1(src), starts = referenceStarts(src), spans = referenceSpans(src);
      expect([...source.spanStarts]).toEqual(starts);
      // Where a value opens: tokens without a leading quote pass; `"`+rest must continue a span from nothing.
      const open = new CopyTracker(source, true);
      open.push(UTF8.encode('{"k":'));
      expect(open.atValueStart).toBe(true);
      const keepOpen = new Uint32Array((tokens.length + 31) >>> 5);
      groundedTokens(trie, open, keepOpen);
      const wantOpen = tokens.map((t, id) => [id, t[0] !== QUOTE || t.length === 1 || referenceAllows(s, starts, spans, '', latin1(t.subarray(1)))] as const)
        .filter(([, ok]) => ok).map(([id]) => id);
      expect(maskIds(keepOpen, tokens.length)).toEqual(wantOpen);
      checkedOpen++;
      // Inside: the value so far is a random piece of the source (from a start or not) or garbage.
      for (let k = 0; k < 4; k++) {
        const i = rnd() < 0.7 ? starts[Math.floor(rnd() * starts.length)] : Math.floor(rnd() * src.length);
        let v = latin1(src.subarray(i, i + Math.floor(rnd() * 8)));
        if (rnd() < 0.1) v = 'zzq';
        if (v.includes('\0') || closingQuote(v) >= 0 || /(^|[^\\])(\\\\)*\\$/.test(v) || /\\u[0-9a-f]{0,3}$/i.test(v)) continue; // not a string body's prefix
        const t = new CopyTracker(source, true);
        t.push(Uint8Array.from('{"k":"' + v, (c) => c.charCodeAt(0)));
        const keep = new Uint32Array((tokens.length + 31) >>> 5);
        groundedTokens(trie, t, keep);
        const want = tokens.map((tok, id) => [id, referenceAllows(s, starts, spans, v, latin1(tok))] as const).filter(([, ok]) => ok).map(([id]) => id);
        expect(maskIds(keep, tokens.length)).toEqual(want);
        allowedSeen += want.length;
        checkedInside++;
      }
    }
    expect(checkedOpen).toBe(300);
    expect(checkedInside).toBeGreaterThan(800);
    expect(allowedSeen).toBeGreaterThan(1000); // the comparison is not between empty sets
  });

  it('lets a value close only as a span of the text or a normalized form (every token path up to 4 deep)', () => {
    const rnd = mulberry32Unit(77);
    let closed = 0;
    for (let trial = 0; trial < 40; trial++) {
      const { source, src, tokens, trie } = randomCase(rnd);
      const spans = referenceSpans(src);
      const walk = (written: string, depth: number) => {
        const t = new CopyTracker(source, true);
        t.push(Uint8Array.from('{"k":"' + written, (c) => c.charCodeAt(0)));
        const keep = new Uint32Array((tokens.length + 31) >>> 5);
        groundedTokens(trie, t, keep);
        for (const id of maskIds(keep, tokens.length)) {
          const tok = latin1(tokens[id]);
          const q = closingQuote(written + tok);
          if (q >= 0) { expect(spans.has((written + tok).slice(0, q))).toBe(true); closed++; continue; }
          if (depth > 1) walk(written + tok, depth - 1);
        }
      };
      walk('', 4);
    }
    expect(closed).toBeGreaterThan(100);
    // Normalized forms are spans too: "the 3rd of June 2026" may be written 2026-06-03.
    const s = new CopySource('We met on the 3rd of June 2026 in Oslo.');
    expect(referenceSpans(s.stringBytes).has('2026-06-03')).toBe(true);
    expect(referenceSpans(s.stringBytes).has('Osl')).toBe(false);
    expect(endsSpan(0x2c, 0x20)).toBe(false); // "Oslo," never closes
  });
});

let model: Model;
beforeAll(async () => {
  model = await loadModelFromPath(join(MODELS, 'stories260K/stories260K.bin'), { tokenizerPath: join(MODELS, 'stories260K/tok512.bin') });
});

describe('which strings are grounded', () => {
  it('asks the grammar: free strings and length limits yes; enum, const, format, pattern no', () => {
    const tok = model.tokenizer!;
    const at = (sub: object) => {
      const schema = { type: 'object', properties: { v: sub }, required: ['v'], additionalProperties: false };
      const c = grammarCompiler(tok).compile(schema).create();
      for (const id of new ForcedTokenizer(tok).encode(UTF8.encode('{"v":'))) c.advance(id);
      return isFreeString(c, true);
    };
    expect(at({ type: 'string' })).toBe(true);
    expect(at({ type: 'string', maxLength: 20, minLength: 2 })).toBe(true);
    expect(at({ type: ['string', 'null'] })).toBe(true);
    expect(at({ type: 'string', enum: ['red', 'green'] })).toBe(false);
    expect(at({ const: 'Oslo' })).toBe(false);
    expect(at({ type: 'string', format: 'date' })).toBe(false);
    expect(at({ type: 'string', pattern: '^[A-Z]{3}$' })).toBe(false);
    expect(at({ type: 'integer' })).toBe(false);
  });
});

describe('grounded extraction', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, place: { type: 'string' } }, required: ['name', 'place'], additionalProperties: false };
  const stories = [
    'Lily and Tom went to the big park. Lily had a red ball and a little dog.',
    'Once upon a time, a girl named Sue lived in a small house near the sea.',
    'Ben saw a cat in the garden. The cat was happy and ran to the tree.',
  ];

  it('writes only spans of the text for free strings, the same text on every run', async () => {
    for (const text of stories) {
      const a = await extract({ text, schema, model, options: { grounded: true } });
      const b = await extract({ text, schema, model, options: { grounded: true } });
      expect(a.text).toBe(b.text);
      expect(a.valid).toBe(true);
      const spans = referenceSpans(new CopySource(text).stringBytes);
      for (const v of Object.values(a.value as Record<string, string>)) expect(spans.has(v)).toBe(true);
    }
  });

  it('falls back to an ungrounded value when no span fits the string\'s own constraints (never a dead end)', async () => {
    const long = { type: 'object', properties: { name: { type: 'string', minLength: 90, maxLength: 95 } }, required: ['name'], additionalProperties: false };
    const r = await extract({ text: stories[0], schema: long, model, options: { grounded: true, maxTokens: 200 } });
    expect(r.valid).toBe(true);
    expect((r.value as { name: string }).name.length).toBeGreaterThanOrEqual(90);
  });

  it('leaves the mask alone where it would leave no token, and grounds nothing that is not free', () => {
    const tok = model.tokenizer!;
    const vocab = vocabularyOf(tok);
    const enumSchema = { type: 'object', properties: { v: { type: 'string', enum: ['zebra'] } }, required: ['v'], additionalProperties: false };
    const c = grammarCompiler(tok).compile(enumSchema).create();
    const tracker = new CopyTracker(new CopySource('Lily had a ball.'), true);
    const g = new Grounding(vocab.trie, tracker, (tok.vocabSize + 31) >>> 5);
    for (const id of new ForcedTokenizer(tok).encode(UTF8.encode('{"v":"'))) { c.advance(id); tracker.push(tok.tokenBytes(id)); }
    const bits = Uint32Array.from(c.allowed());
    g.restrict(bits, c);
    expect(Array.from(bits)).toEqual(Array.from(c.allowed()));
    expect(g.isGrounded(c)).toBe(false);
    // A value at the end of every span that the grammar may not close yet (minLength): left ungrounded.
    const atEnd = (text: string, sub: object, written: string) => {
      const s = { type: 'object', properties: { v: sub }, required: ['v'], additionalProperties: false };
      const m = grammarCompiler(tok).compile(s).create();
      const t = new CopyTracker(new CopySource(text), true);
      const gr = new Grounding(vocab.trie, t, (tok.vocabSize + 31) >>> 5);
      for (const id of new ForcedTokenizer(tok).encode(UTF8.encode(`{"v":"${written}`))) { m.advance(id); t.push(tok.tokenBytes(id)); }
      expect(gr.isGrounded(m)).toBe(true);
      const before = Uint32Array.from(m.allowed());
      const after = Uint32Array.from(before);
      gr.restrict(after, m);
      return { before, after, grounded: gr.isGrounded(m) };
    };
    const short = atEnd('Lily', { type: 'string', minLength: 10 }, 'Lily');
    expect(Array.from(short.after)).toEqual(Array.from(short.before));
    expect(short.grounded).toBe(false);
    // A value that ran past a span's end ("Lily.") is closed where the grammar allows, not continued freely.
    const past = atEnd('Lily.', { type: 'string' }, 'Lily.');
    const ids = maskIds(past.after, tok.vocabSize);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(tok.tokenBytes(id)[0]).toBe(QUOTE);
    expect(past.grounded).toBe(true);
  });

  it('chooses the span a float64 brute force over full passes ranks first (first token, then the mean)', async () => {
    const tok = model.tokenizer!;
    const one = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };
    const forced = new ForcedTokenizer(tok);
    const closers: number[] = [];
    for (let id = 0; id < tok.vocabSize; id++) if (!tok.isSpecial(id) && tok.tokenBytes(id)[0] === QUOTE) closers.push(id);
    const logSoftmax = (row: ArrayLike<number>, ids: readonly number[]) => {
      let max = -Infinity;
      for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
      let z = 0, p = 0;
      for (let i = 0; i < row.length; i++) z += Math.exp(row[i] - max);
      for (const id of ids) p += Math.exp(row[id] - max);
      return Math.log(p / z);
    };
    let compared = 0;
    for (const text of [...stories, 'Mia met Max at the zoo and they fed the old lion.']) {
      const r = await extract({ text, schema: one, model, options: { grounded: true, jumpForward: true, copyBias: 0, valueChoice: false } });
      expect(r.valid).toBe(true);
      // The reference: the prompt, the forced prefix, the mask there (grammar and grounding).
      const prompt = extractorFor(model).promptIds(one, text);
      const prefix = forced.encode(UTF8.encode('{"name":"'));
      const c = grammarCompiler(tok).compile(one).create();
      const source = new CopySource(text);
      const tracker = new CopyTracker(source, true);
      for (const id of prefix) { c.advance(id); tracker.push(tok.tokenBytes(id)); }
      const allowed = Uint32Array.from(c.allowed());
      new Grounding(vocabularyOf(tok).trie, tracker, allowed.length).restrict(allowed, c);
      const src = source.stringBytes;
      const ranked: Array<{ value: string; first: number; mean: number }> = [];
      const seen = new Set<string>();
      for (const start of referenceStarts(src)) {
        // The candidate's bytes: up to a NUL, an escape, a clause end other than '.', or GROUNDED_SPAN_WORDS words.
        let end = start, words = 1;
        for (; end < src.length; end++) {
          const b = src[end];
          if (b === 0 || b === 0x5c || ([0x2c, 0x3b, 0x21, 0x3f].includes(b) && src[end + 1] === 0x20)) break;
          if (b === 0x20 && ++words > GROUNDED_SPAN_WORDS) break;
        }
        const bytes = src.subarray(start, end);
        if (seen.has(latin1(bytes))) continue;
        seen.add(latin1(bytes));
        const ids = forced.encode(bytes).slice(0, MAX_SPAN_TOKENS);
        const rows = model.logitsAll([...prompt, ...prefix, ...ids]).slice(prompt.length + prefix.length - 1);
        const firstRow = Float64Array.from(rows[0], (x, id) => ((allowed[id >>> 5] >>> (id & 31)) & 1 ? x : -Infinity));
        const lps = ids.map((id, k) => logSoftmax(k === 0 ? firstRow : rows[k], [id]));
        let spelled = 0, total = 0;
        for (let k = 0; k < ids.length; k++) {
          spelled += tok.tokenBytes(ids[k]).length;
          total += lps[k];
          const at = start + spelled;
          if (!endsSpan(src[start + spelled - 1], at < src.length ? src[at] : undefined)) continue;
          ranked.push({ value: latin1(bytes.subarray(0, spelled)), first: lps[0], mean: (total + logSoftmax(rows[k + 1], closers)) / (k + 2) });
        }
      }
      ranked.sort((a, b) => b.first - a.first || b.mean - a.mean);
      const best = ranked[0];
      const runnerUp = ranked.find((x) => x.value !== best.value && x.first === best.first);
      if (runnerUp && best.mean - runnerUp.mean < 1e-4) continue; // too close to call in float32
      expect(new TextDecoder().decode(Uint8Array.from(best.value, (ch) => ch.charCodeAt(0)))).toBe((r.value as { name: string }).name);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(3);
  });
});

describe('the grounded option, hint and flags', () => {
  it('defaults to the model file\'s hint, which an explicit option overrides; refuses a non-boolean', async () => {
    const text = 'Lily and Tom went to the big park.';
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };
    const hinted = await loadModelFromPath(join(MODELS, 'stories260K/stories260K.bin'),
      { tokenizerPath: join(MODELS, 'stories260K/tok512.bin'), extractionHints: { grounded: true } });
    expect((await extract({ text, schema, model: hinted })).text).toBe((await extract({ text, schema, model, options: { grounded: true } })).text);
    expect((await extract({ text, schema, model: hinted, options: { grounded: false } })).text).toBe((await extract({ text, schema, model })).text);
    await expect(extract({ text, schema, model, options: { grounded: 'yes' as unknown as boolean } })).rejects.toThrow(/grounded must be a boolean/);
  });

  it('reads jsonlm_grounded / jsonlm.grounded, refusing a non-boolean by name', () => {
    expect(hintsFromGenerationConfig({ jsonlm_grounded: true }, 'g.json')).toEqual({ grounded: true });
    expect(hintsFromGgufMetadata(new Map([['jsonlm.grounded', false]]), 'm.gguf')).toEqual({ grounded: false });
    expect(generationConfigOf({ grounded: true })).toEqual({ jsonlm_grounded: true });
    expect(() => hintsFromGenerationConfig({ jsonlm_grounded: 1 }, 'g.json')).toThrow(/jsonlm_grounded must be true or false/);
  });

  it('carries jsonlm_grounded through HF -> GGUF -> HF conversion', () => {
    const hf = (model: ExportModel, config?: string): ModelSource => {
      const files = new Map<string, ByteSource>();
      for (const f of hfFolderFiles(model, 'F32')) {
        const sink = new MemorySink();
        f.write(sink);
        files.set(f.name, new MemorySource(sink.bytes(), f.name));
      }
      if (config) files.set('generation_config.json', new MemorySource(UTF8.encode(config), 'generation_config.json'));
      return { kind: 'hf', name: 'hf', files };
    };
    const source = hf(randomModel({ config: TINY, seed: 5 }), '{"jsonlm_copy_bias": 4, "jsonlm_grounded": true}');
    expect(readModelLayout(source).hints).toEqual({ copyBias: 4, grounded: true });
    const sink = new MemorySink();
    writeModelGguf(exportFromLayout(readModelLayout(source)), sink, 'f32');
    const gguf = modelSourceFromBytes(sink.bytes(), 'm.gguf');
    expect(readModelLayout(gguf).hints).toEqual({ copyBias: 4, grounded: true });
    expect(readModelLayout(hf(exportFromLayout(readModelLayout(gguf)))).hints).toEqual({ copyBias: 4, grounded: true });
  });

  it('takes --grounded and --no-grounded, refusing both at once', () => {
    expect(extractOptionsFrom({ grounded: true }).grounded).toBe(true);
    expect(extractOptionsFrom({ 'no-grounded': true }).grounded).toBe(false);
    expect(extractOptionsFrom({}).grounded).toBeUndefined();
    expect(() => extractOptionsFrom({ grounded: true, 'no-grounded': true })).toThrow(/contradict/);
  });
});
