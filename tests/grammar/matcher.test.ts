// The Matcher over SmolLM2's real vocabulary: masks, multi-lexeme tokens, partial UTF-8, EOS and
// special tokens, forced bytes.
import { describe, expect, it } from 'vitest';
import { compileGrammar, createMatcher } from '../../grammar/index.js';
import { isAllowed, smolVocabulary, tokenIdsFor } from './vocab.js';

const vocab = smolVocabulary();
const specialIds = vocab.special.flatMap((s, id) => (s ? [id] : []));

function matcherFor(schema: unknown) {
  return createMatcher(compileGrammar(schema).grammar, vocab);
}

/** Advances by the bytes of `text`, choosing at each point the longest allowed token that fits. */
function feed(m: ReturnType<typeof matcherFor>, text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  const used: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    const mask = m.allowed();
    let best = -1;
    let bestLen = 0;
    for (let id = 0; id < vocab.size; id++) {
      const t = vocab.tokens[id];
      if (vocab.special[id] || t.length <= bestLen || at + t.length > bytes.length) continue;
      if (t.every((b, i) => b === bytes[at + i]) && isAllowed(mask, id)) { best = id; bestLen = t.length; }
    }
    if (best < 0) throw new Error(`no allowed token at byte ${at} of ${text}`);
    m.advance(best);
    used.push(best);
    at += bestLen;
  }
  return used;
}

describe('Matcher', () => {
  const person = {
    type: 'object',
    properties: { name: { type: 'string', maxLength: 40 }, age: { type: 'integer', minimum: 0, maximum: 150 }, city: { type: 'string' } },
    required: ['name', 'age'],
  };

  it('never allows special tokens; EOS only when complete', () => {
    const m = matcherFor(person);
    const check = () => {
      const mask = m.allowed();
      for (const id of specialIds) {
        if (vocab.eosIds.includes(id)) expect(isAllowed(mask, id)).toBe(m.isComplete());
        else expect(isAllowed(mask, id)).toBe(false);
      }
    };
    check();
    feed(m, '{"name":"Ada ');
    check();
    feed(m, 'Lovelace","age":36');
    check();
    feed(m, '}');
    check();
    expect(m.isComplete()).toBe(true);
    expect(() => m.advance(specialIds.find((id) => !vocab.eosIds.includes(id))!)).toThrow();
    m.advance(vocab.eosIds[0]);
    expect(m.text()).toBe('{"name":"Ada Lovelace","age":36}');
  });

  it('tokens spanning several lexemes (`",` and `":"`) are allowed exactly when they fit', () => {
    const m = matcherFor({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a', 'b'] });
    feed(m, '{"a":"x');
    const quoteComma = tokenIdsFor(vocab, '",');
    expect(quoteComma.length).toBeGreaterThan(0);
    expect(isAllowed(m.allowed(), quoteComma[0])).toBe(true);
    const quoteBrace = tokenIdsFor(vocab, '"}');
    if (quoteBrace.length) expect(isAllowed(m.allowed(), quoteBrace[0])).toBe(false); // b is required
    m.advance(quoteComma[0]);
    m.advance(tokenIdsFor(vocab, '"')[0]);
    // Properties come in schema order: only "b" can follow "a".
    expect(isAllowed(m.allowed(), tokenIdsFor(vocab, 'b')[0])).toBe(true);
    expect(isAllowed(m.allowed(), tokenIdsFor(vocab, 'a')[0])).toBe(false);
    m.advance(tokenIdsFor(vocab, 'b')[0]);
    const colonQuote = tokenIdsFor(vocab, '":"');
    if (colonQuote.length) { expect(isAllowed(m.allowed(), colonQuote[0])).toBe(true); m.advance(colonQuote[0]); } else feed(m, '":"');
    feed(m, 'y"}');
    expect(m.isComplete()).toBe(true);
  });

  it('tokens ending inside a UTF-8 character: allowed in free strings, not in ASCII-only ones', () => {
    // Byte-level vocabularies hold lone lead bytes such as 0xE4.
    const partial = vocab.tokens.findIndex((t, id) => !vocab.special[id] && t.length === 1 && t[0] === 0xe4);
    expect(partial).toBeGreaterThan(0);
    const free = matcherFor({ type: 'string' });
    feed(free, '"');
    expect(isAllowed(free.allowed(), partial)).toBe(true);
    free.advance(partial);
    // Only continuation bytes may follow: '"' would leave invalid UTF-8.
    const quote = tokenIdsFor(vocab, '"')[0];
    expect(isAllowed(free.allowed(), quote)).toBe(false);
    // The rest of U+4E2D (E4 B8 AD), then the string may close.
    free.advanceBytes(Uint8Array.of(0xb8, 0xad));
    expect(isAllowed(free.allowed(), quote)).toBe(true);
    free.advance(quote);
    expect(free.text()).toBe('"\u4e2d"');
  });

  it('formats refuse non-ASCII lead bytes at once (no dead ends)', () => {
    const m = matcherFor({ type: 'string', format: 'date' });
    feed(m, '"2024-');
    const mask = m.allowed();
    const lead = vocab.tokens.findIndex((t, id) => !vocab.special[id] && t.length === 1 && t[0] === 0xe4);
    expect(isAllowed(mask, lead)).toBe(false);
    for (const d of ['0', '1']) expect(isAllowed(mask, tokenIdsFor(vocab, d)[0])).toBe(true);
    expect(isAllowed(mask, tokenIdsFor(vocab, '2')[0])).toBe(false); // month 2x does not exist
  });

  it('forcedBytes: fixed keys, colon and const tails', () => {
    const m = matcherFor({ type: 'object', properties: { kind: { const: 'invoice' }, total: { type: 'number' } }, required: ['kind', 'total'] });
    expect(new TextDecoder().decode(m.forcedBytes())).toBe('{"kind":"invoice","total":');
    m.advanceBytes(m.forcedBytes());
    expect(m.forcedBytes().length).toBe(0);
    feed(m, '12.5}');
    expect(m.isComplete()).toBe(true);
    expect(m.forcedBytes().length).toBe(0);
  });

  it('advance throws on a token that is not allowed, reset starts over', () => {
    const m = matcherFor(person);
    expect(() => m.advance(tokenIdsFor(vocab, '[')[0])).toThrow(/not allowed/);
    feed(m, '{"name":"x","age":');
    expect(() => m.advance(tokenIdsFor(vocab, '-')[0])).toThrow();
    m.reset();
    expect(m.text()).toBe('');
    feed(m, '{"name":"y","age":3}');
    expect(m.isComplete()).toBe(true);
  });

  it('accepts() tells whether bytes may follow, without consuming them', () => {
    const m = matcherFor({ type: 'object', properties: { n: { type: 'integer', minimum: 5 }, d: { type: 'string', format: 'date' } }, required: ['n', 'd'], additionalProperties: false });
    feed(m, '{"n":');
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(m.accepts(enc('12,'))).toBe(true);
    expect(m.accepts(enc('3,'))).toBe(false); // below the minimum
    expect(m.accepts(enc('1.5'))).toBe(false); // not an integer
    expect(m.accepts(enc('7,"d":"2026-06-03"}'))).toBe(true);
    expect(m.accepts(enc('7,"d":"June 3"'))).toBe(false); // not a date
    expect(m.text()).toBe('{"n":'); // nothing consumed
    feed(m, '7,"d":"2026-06-03"}');
    expect(m.accepts(enc(''))).toBe(true);
    expect(m.accepts(enc('}'))).toBe(false); // nothing after the document
    expect(m.accepts(enc('x'))).toBe(false);
  });

  it('shortestCompletion closes a document validly', () => {
    const m = matcherFor(person);
    feed(m, '{"name":"Bo');
    const tail = new TextDecoder().decode(m.shortestCompletion()!);
    expect(JSON.parse(m.text() + tail)).toEqual({ name: 'Bo', age: 0 });
  });

  it('shortestCompletion ends a number where it may, and completionAfter looks ahead without consuming', () => {
    const schema = { type: 'object', required: ['p', 'c'], properties: { p: { type: ['number', 'null'] }, c: { enum: ['ZAR', 'USD'] } } };
    const m = matcherFor(schema);
    feed(m, '{"p":0');
    // A comma before any digit: not `.000000000000000,"c":...`, which a digit-first search wrote.
    expect(new TextDecoder().decode(m.shortestCompletion()!)).toBe(',"c":"ZAR"}');
    const enc = (s: string) => new TextEncoder().encode(s);
    const after = m.completionAfter(enc(',"c":"U'));
    expect(new TextDecoder().decode(after!)).toBe('SD"}');
    expect(m.completionAfter(enc('x'))).toBeUndefined(); // cannot follow
    expect(m.text()).toBe('{"p":0'); // nothing consumed
  });
});

describe('mask exactness', () => {
  it('allowed() equals a brute-force check of every token, along sampled documents', async () => {
    const { HARD_SCHEMAS } = await import('./hard-schemas.js');
    const { Pda } = await import('../../grammar/pda.js');
    const { sampleDocument } = await import('../../grammar/index.js');
    const { mulberry32Unit } = await import('../../random/prng.js');
    let checked = 0;
    for (const name of ['nestedArraysOfObjects', 'sharedPrefixEnums', 'anyOfNullable', 'keysByPattern', 'stringLengths', 'uniqueEnumArrays', 'recursiveTree', 'dependentFields', 'containsMatches']) {
      const { grammar } = compileGrammar(HARD_SCHEMAS[name]);
      const m = createMatcher(grammar, vocab);
      const doc = sampleDocument(m, vocab, mulberry32Unit(name.length), { maxTokens: 200 });
      // Replay the document; at every 3rd step compare the mask with stepping each token's bytes.
      const pda = new Pda(grammar);
      const replay = createMatcher(grammar, vocab);
      let state = pda.initial;
      doc.tokens.forEach((id, step) => {
        if (step % 3 === 0) {
          const mask = replay.allowed();
          for (let t = 0; t < vocab.size; t++) {
            let expected: boolean;
            if (vocab.isEos(t)) expected = state.complete;
            else if (vocab.special[t] || vocab.tokens[t].length === 0) expected = false;
            else expected = pda.run(state, vocab.tokens[t]) !== pda.empty;
            if (isAllowed(mask, t) !== expected) {
              throw new Error(`${name}: token ${t} ${JSON.stringify(new TextDecoder().decode(vocab.tokens[t]))} after ${JSON.stringify(replay.text())}: mask ${!expected}, expected ${expected}`);
            }
          }
          checked++;
        }
        replay.advance(id);
        if (!vocab.isEos(id)) state = pda.run(state, vocab.tokens[id]);
      });
    }
    expect(checked).toBeGreaterThan(20);
  });
});
