// The pattern parser: what it accepts becomes an AST of code-point sets; what a finite automaton cannot
// express is refused with a reason, never silently approximated.
import { describe, expect, it } from 'vitest';
import { parsePattern, RegexSyntaxError, type RegexNode } from '../../grammar/regex.js';

/** A branch body is a sequence; a one-item sequence is that item. */
function only(node: RegexNode): RegexNode {
  return node.kind === 'seq' && node.items.length === 1 ? node.items[0] : node;
}

function setOf(body: RegexNode): ReadonlyArray<readonly [number, number]> {
  const node = only(body);
  if (node.kind !== 'set') throw new Error(`expected a set, got ${node.kind}`);
  return node.set;
}

describe('parsePattern', () => {
  it('splits top-level alternatives and records their anchors', () => {
    const p = parsePattern('^ab|c$|d');
    expect(p.branches.map((b) => [b.anchoredStart, b.anchoredEnd])).toEqual([[true, false], [false, true], [false, false]]);
  });

  it('reads quantifiers, lazy forms matching the same language', () => {
    const rep = (src: string) => {
      const body = only(parsePattern(src).branches[0].body);
      if (body.kind !== 'repeat') throw new Error(body.kind);
      return [body.min, body.max];
    };
    expect(rep('a*')).toEqual([0, Infinity]);
    expect(rep('a+?')).toEqual([1, Infinity]);
    expect(rep('a?')).toEqual([0, 1]);
    expect(rep('a{3}')).toEqual([3, 3]);
    expect(rep('a{2,}')).toEqual([2, Infinity]);
    expect(rep('a{2,5}?')).toEqual([2, 5]);
  });

  it('reads escapes and classes as code-point sets', () => {
    expect(setOf(parsePattern('\\x41').branches[0].body)).toEqual([[0x41, 0x41]]);
    expect(setOf(parsePattern('\\u00e9').branches[0].body)).toEqual([[0xe9, 0xe9]]);
    expect(setOf(parsePattern('[a-c0]').branches[0].body)).toEqual([[0x30, 0x30], [0x61, 0x63]]);
    const negated = setOf(parsePattern('[^a]').branches[0].body);
    expect(negated[0]).toEqual([0, 0x60]);
    expect(negated[1][0]).toBe(0x62);
    expect(setOf(parsePattern('A', { ignoreCase: true }).branches[0].body)).toEqual([[0x41, 0x41], [0x61, 0x61]]);
  });

  it.each([
    ['(a)\\1', 'backreference'],
    ['a(?=b)', 'look-ahead'],
    ['(?<!a)b', 'look-behind'],
    ['\\bword', 'word boundary'],
    ['\\p{L}', 'property escape'],
    ['a^b', 'anchor in the middle'],
    ['a{2', 'unclosed brace read as'],
    ['(ab', 'unclosed group'],
    ['[b-a]', 'reversed range'],
  ])('refuses %s (%s) with RegexSyntaxError', (src) => {
    if (src === 'a{2') {
      // ECMAScript (without the u flag) reads an unfinished brace as a literal; either reading is fine,
      // a crash or a different language is not.
      try { parsePattern(src); } catch (e) { expect(e).toBeInstanceOf(RegexSyntaxError); }
      return;
    }
    expect(() => parsePattern(src)).toThrow(RegexSyntaxError);
  });
});
