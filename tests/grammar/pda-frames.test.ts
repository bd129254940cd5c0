// The pushdown automaton's frames: named constructors and readers over the flat hash-consed record, and
// the object frame's numeric dependency mask at its full width (the compiler allows 30 tracked properties).
import { describe, expect, it } from 'vitest';
import { compileGrammar, grammarAccepts, GrammarError } from '../../grammar/index.js';
import { Arr, Kind, Obj, Pda } from '../../grammar/pda.js';

/** Properties p0..p{n} where each p{i} (i < n) requires p{i+1}: n tracked triggers. */
function chain(n: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const dependentRequired: Record<string, string[]> = {};
  for (let i = 0; i <= n; i++) properties[`p${i}`] = { type: 'integer' };
  for (let i = 0; i < n; i++) dependentRequired[`p${i}`] = [`p${i + 1}`];
  return { type: 'object', properties, dependentRequired, additionalProperties: false };
}

describe('pda frames', () => {
  const { grammar } = compileGrammar({ type: 'object', properties: { a: { type: 'array', items: { enum: [1, 2] }, uniqueItems: true } } });

  it('the named constructors round-trip through the readers and hash-cons to one stack', () => {
    const pda = new Pda(grammar);
    const fields = { phase: Obj.AfterColon, last: 0, count: 1, key: 0, ws: 1, deps: (1 << 29) | 5 };
    const o = pda.objectFrame(0, fields, pda.done);
    expect(o.kind).toBe(Kind.Object);
    expect({ phase: o.phase, last: o.last, count: o.count, key: o.key, ws: o.ws, deps: o.deps }).toEqual(fields);
    expect(pda.objectFrame(0, { ...fields }, pda.done)).toBe(o);
    // Every field takes part in the identity, deps included at its top bit.
    for (const change of [{ deps: 5 }, { deps: 1 << 29 }, { ws: 0 }, { last: -1 }, { key: 1 }, { count: 2 }]) {
      expect(pda.objectFrame(0, { ...fields, ...change }, pda.done)).not.toBe(o);
    }
    const arr = pda.arrayFrame(0, { phase: Arr.AfterValue, items: 3, usedLiterals: 2, matched: 1, ws: 0 }, o);
    expect([arr.phase, arr.items, arr.usedLiterals, arr.matched, arr.ws, arr.parent]).toEqual([Arr.AfterValue, 3, 2, 1, 0, o]);
    const lit = pda.literalFrame(0, { trieNode: 4, usedLiterals: 2, unique: true }, arr);
    expect([lit.trieNode, lit.usedLiterals, lit.unique]).toEqual([4, 2, true]);
    const str = pda.stringFrame(0, { dfaState: 7, chars: 3, extraKey: true }, o);
    expect([str.dfaState, str.chars, str.extraKey]).toEqual([7, 3, true]);
    const num = pda.numberFrame(0, { phase: 2, intDigits: 3, fracDigits: 1, expDigits: 0, text: '12.5' }, o);
    expect([num.phase, num.intDigits, num.fracDigits, num.expDigits, num.text]).toEqual([2, 3, 1, 0, '12.5']);
    expect(pda.numberFrame(0, { phase: 2, intDigits: 3, fracDigits: 1, expDigits: 0, text: '12.6' }, o)).not.toBe(num);
  });

  it('dependency masks work up to 30 tracked properties and are refused beyond', () => {
    const { grammar: g30 } = compileGrammar(chain(30));
    const all = Array.from({ length: 31 }, (_, i) => `"p${i}":${i}`).join(',');
    expect(grammarAccepts(g30, `{${all}}`)).toBe('complete');
    expect(grammarAccepts(g30, '{"p29":0,"p30":1}')).toBe('complete'); // trigger on bit 29
    expect(grammarAccepts(g30, '{"p29":0}')).toBe('rejected'); // p30 still owed
    expect(grammarAccepts(g30, '{"p0":0,"p1":0}')).toBe('rejected'); // p2..p30 still owed
    expect(grammarAccepts(g30, '{"p30":0}')).toBe('complete');
    expect(() => compileGrammar(chain(31))).toThrow(GrammarError);
    expect(() => compileGrammar(chain(31))).toThrow(/more than 30 properties/);
  });
});
