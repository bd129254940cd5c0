// A parser for the ECMAScript regular-expression subset that JSON Schema `pattern` (and our format
// definitions) use, producing an AST over code-point sets. What is supported is exactly what a finite
// automaton can express: literals, escapes (\d \w \s and negations, \t \n \r \f \v \0 \cX \xHH \uHHHH
// \u{H..}), classes with ranges and negation, `.`, groups (capturing, (?:), named), alternation,
// quantifiers * + ? {n} {n,} {n,m} (lazy forms match the same language), and ^ / $ at the start / end of
// a top-level alternative. Refused with a reason: backreferences, lookaround, \b \B word boundaries,
// \p{..} property escapes, anchors in the middle of a pattern.

import {
  DIGITS, DOT, SPACE, WORD, complement, single, union, withAsciiCaseVariants,
  type CodepointSet,
} from './codepoint-set.js';

export type RegexNode =
  | { kind: 'set'; set: CodepointSet }
  | { kind: 'seq'; items: RegexNode[] }
  | { kind: 'alt'; items: RegexNode[] }
  | { kind: 'repeat'; item: RegexNode; min: number; max: number } // max = Infinity for unbounded
  | { kind: 'start' }
  | { kind: 'end' };

export class RegexSyntaxError extends Error {}

/** A pattern split into top-level alternatives, each with its anchoring: JSON Schema patterns are not
 * implicitly anchored, so an unanchored side means "anything may come before / after". */
export interface ParsedPattern {
  branches: Array<{ body: RegexNode; anchoredStart: boolean; anchoredEnd: boolean }>;
}

export function parsePattern(source: string, options: { ignoreCase?: boolean } = {}): ParsedPattern {
  const parser = new Parser(source, options.ignoreCase ?? false);
  const root = parser.parseAlternation();
  if (parser.pos < parser.chars.length) throw new RegexSyntaxError(`unexpected '${parser.chars[parser.pos]}' at ${parser.pos}`);
  const alternatives = root.kind === 'alt' ? root.items : [root];
  return {
    branches: alternatives.map((branch) => {
      const items = branch.kind === 'seq' ? [...branch.items] : [branch];
      let anchoredStart = false;
      let anchoredEnd = false;
      while (items.length && items[0].kind === 'start') { items.shift(); anchoredStart = true; }
      while (items.length && items[items.length - 1].kind === 'end') { items.pop(); anchoredEnd = true; }
      const body: RegexNode = { kind: 'seq', items };
      if (containsAnchor(body)) throw new RegexSyntaxError('^ or $ inside the pattern (only at the start or end of a top-level alternative) is not supported');
      return { body, anchoredStart, anchoredEnd };
    }),
  };
}

function containsAnchor(node: RegexNode): boolean {
  switch (node.kind) {
    case 'start': case 'end': return true;
    case 'seq': case 'alt': return node.items.some(containsAnchor);
    case 'repeat': return containsAnchor(node.item);
    default: return false;
  }
}

class Parser {
  readonly chars: string[];
  pos = 0;
  constructor(source: string, private readonly ignoreCase: boolean) {
    this.chars = Array.from(source); // code points, so astral literals are one unit
  }

  private peek(): string | undefined { return this.chars[this.pos]; }
  private eat(c: string): boolean {
    if (this.chars[this.pos] === c) { this.pos++; return true; }
    return false;
  }

  parseAlternation(): RegexNode {
    const items = [this.parseSequence()];
    while (this.eat('|')) items.push(this.parseSequence());
    return items.length === 1 ? items[0] : { kind: 'alt', items };
  }

  private parseSequence(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      const atom = this.parseAtom();
      items.push(this.parseQuantifier(atom));
    }
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  }

  private parseQuantifier(atom: RegexNode): RegexNode {
    let node = atom;
    for (;;) {
      const c = this.peek();
      let min: number, max: number;
      if (c === '*') { min = 0; max = Infinity; this.pos++; }
      else if (c === '+') { min = 1; max = Infinity; this.pos++; }
      else if (c === '?') { min = 0; max = 1; this.pos++; }
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.chars.slice(this.pos, this.pos + 24).join(''));
        if (!m) { return node; } // a literal '{' (Annex B); parseAtom handles it
        this.pos += m[0].length;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (max < min) throw new RegexSyntaxError(`quantifier {${min},${max}} out of order`);
      } else return node;
      if (node.kind === 'start' || node.kind === 'end') throw new RegexSyntaxError('quantified anchor');
      this.eat('?'); // lazy: same language
      node = { kind: 'repeat', item: node, min, max };
    }
  }

  private parseAtom(): RegexNode {
    const c = this.chars[this.pos++];
    switch (c) {
      case '^': return { kind: 'start' };
      case '$': return { kind: 'end' };
      case '.': return { kind: 'set', set: DOT };
      case '(': {
        if (this.eat('?')) {
          if (this.eat(':')) { /* non-capturing */ }
          else if (this.peek() === '<' && this.chars[this.pos + 1] !== '=' && this.chars[this.pos + 1] !== '!') {
            while (this.peek() !== undefined && this.peek() !== '>') this.pos++;
            if (!this.eat('>')) throw new RegexSyntaxError('unterminated group name');
          } else throw new RegexSyntaxError('lookahead/lookbehind assertions are not supported');
        }
        const inner = this.parseAlternation();
        if (!this.eat(')')) throw new RegexSyntaxError('missing )');
        return inner;
      }
      case ')': throw new RegexSyntaxError('unbalanced )');
      case '[': return { kind: 'set', set: this.parseClass() };
      case '\\': return this.parseEscapeAtom();
      case '*': case '+': case '?': throw new RegexSyntaxError(`nothing to repeat before '${c}'`);
      default: return this.literal(c.codePointAt(0)!);
    }
  }

  private literal(cp: number): RegexNode {
    return { kind: 'set', set: this.ignoreCase ? withAsciiCaseVariants(single(cp)) : single(cp) };
  }

  private parseEscapeAtom(): RegexNode {
    const c = this.peek();
    if (c === 'b' || c === 'B') throw new RegexSyntaxError(`\\${c} (word boundary) is not supported`);
    if (c !== undefined && /[1-9]/.test(c)) throw new RegexSyntaxError('backreferences are not supported');
    if (c === 'k') throw new RegexSyntaxError('named backreferences are not supported');
    const set = this.parseEscapeSet(false);
    return { kind: 'set', set: this.ignoreCase ? withAsciiCaseVariants(set) : set };
  }

  /** After a backslash: a class escape or a single character. */
  private parseEscapeSet(inClass: boolean): CodepointSet {
    const c = this.chars[this.pos++];
    if (c === undefined) throw new RegexSyntaxError('trailing backslash');
    switch (c) {
      case 'd': return DIGITS;
      case 'D': return complement(DIGITS);
      case 'w': return WORD;
      case 'W': return complement(WORD);
      case 's': return SPACE;
      case 'S': return complement(SPACE);
      case 't': return single(9);
      case 'n': return single(10);
      case 'v': return single(11);
      case 'f': return single(12);
      case 'r': return single(13);
      case '0': return single(0);
      case 'b': if (inClass) return single(8); break;
      case 'c': {
        const l = this.chars[this.pos++];
        if (!l || !/[a-zA-Z]/.test(l)) throw new RegexSyntaxError('bad \\c escape');
        return single(l.codePointAt(0)! % 32);
      }
      case 'x': {
        const h = this.chars.slice(this.pos, this.pos + 2).join('');
        if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new RegexSyntaxError('bad \\x escape');
        this.pos += 2;
        return single(parseInt(h, 16));
      }
      case 'u': {
        if (this.peek() === '{') {
          const end = this.chars.indexOf('}', this.pos);
          const h = this.chars.slice(this.pos + 1, end).join('');
          if (end < 0 || !/^[0-9a-fA-F]{1,6}$/.test(h)) throw new RegexSyntaxError('bad \\u{} escape');
          this.pos = end + 1;
          return single(parseInt(h, 16));
        }
        const h = this.chars.slice(this.pos, this.pos + 4).join('');
        if (!/^[0-9a-fA-F]{4}$/.test(h)) throw new RegexSyntaxError('bad \\u escape');
        this.pos += 4;
        let cp = parseInt(h, 16);
        // A surrogate pair written as two escapes is one astral code point.
        if (cp >= 0xd800 && cp <= 0xdbff && this.chars[this.pos] === '\\' && this.chars[this.pos + 1] === 'u') {
          const low = this.chars.slice(this.pos + 2, this.pos + 6).join('');
          const lo = /^[0-9a-fA-F]{4}$/.test(low) ? parseInt(low, 16) : -1;
          if (lo >= 0xdc00 && lo <= 0xdfff) { this.pos += 6; cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00); }
        }
        return single(cp);
      }
      case 'p': case 'P': throw new RegexSyntaxError(`\\${c}{...} Unicode property escapes are not supported`);
    }
    if (/[a-zA-Z0-9]/.test(c)) throw new RegexSyntaxError(`unknown escape \\${c}`);
    return single(c.codePointAt(0)!); // escaped punctuation stands for itself
  }

  private parseClass(): CodepointSet {
    const negate = this.eat('^');
    const parts: CodepointSet[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new RegexSyntaxError('unterminated character class');
      if (c === ']' && !first) { this.pos++; break; }
      if (c === ']' && first) { this.pos++; break; } // [] matches nothing; [^] matches anything
      first = false;
      const lo = this.classAtom();
      if (this.peek() === '-' && this.chars[this.pos + 1] !== ']' && this.chars[this.pos + 1] !== undefined) {
        this.pos++;
        const hi = this.classAtom();
        if (lo.length !== 1 || hi.length !== 1 || lo[0][0] !== lo[0][1] || hi[0][0] !== hi[0][1]) {
          // A class escape in a range, like [\d-x]: Annex B reads '-' literally.
          parts.push(lo, single(45), hi);
          continue;
        }
        if (hi[0][0] < lo[0][0]) throw new RegexSyntaxError('character class range out of order');
        parts.push([[lo[0][0], hi[0][0]]]);
      } else parts.push(lo);
    }
    let set = union(...parts);
    if (this.ignoreCase) set = withAsciiCaseVariants(set);
    return negate ? complement(set) : set;
  }

  private classAtom(): CodepointSet {
    const c = this.chars[this.pos++];
    if (c === '\\') return this.parseEscapeSet(true);
    return single(c.codePointAt(0)!);
  }
}
