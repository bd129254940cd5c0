// Sets of Unicode code points as sorted, disjoint, non-adjacent inclusive ranges: the alphabet of the
// regex engine (character classes, `.`, \d, case folding) before it is lowered to UTF-8 bytes.

export type CodepointSet = ReadonlyArray<readonly [number, number]>;

export const MAX_CODEPOINT = 0x10ffff;

export function normalizeSet(ranges: Array<readonly [number, number]>): CodepointSet {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function single(cp: number): CodepointSet {
  return [[cp, cp]];
}

export function union(...sets: CodepointSet[]): CodepointSet {
  return normalizeSet(sets.flatMap((s) => s.map(([a, b]) => [a, b] as const)));
}

export function complement(set: CodepointSet): CodepointSet {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODEPOINT) out.push([next, MAX_CODEPOINT]);
  return out;
}

/** Adds the other ASCII case of every ASCII letter (the `i` flag; formats use it). Non-ASCII case folding
 * is not needed by any format we build and patterns never carry flags in JSON Schema. */
export function withAsciiCaseVariants(set: CodepointSet): CodepointSet {
  const extra: Array<[number, number]> = [];
  for (const [lo, hi] of set) {
    const addShifted = (from: number, to: number, delta: number) => {
      const a = Math.max(lo, from);
      const b = Math.min(hi, to);
      if (a <= b) extra.push([a + delta, b + delta]);
    };
    addShifted(0x41, 0x5a, 0x20);
    addShifted(0x61, 0x7a, -0x20);
  }
  return union(set, extra);
}

const r = (a: string, b = a): [number, number] => [a.codePointAt(0)!, b.codePointAt(0)!];
export const DIGITS: CodepointSet = [r('0', '9')];
export const WORD: CodepointSet = normalizeSet([r('0', '9'), r('A', 'Z'), r('_'), r('a', 'z')]);
/** ECMAScript \s: WhiteSpace and LineTerminator code points. */
export const SPACE: CodepointSet = normalizeSet([
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029],
  [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
]);
/** ECMAScript `.` without the s flag: everything but line terminators. */
export const DOT: CodepointSet = complement(normalizeSet([[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]]));
export const ANY: CodepointSet = [[0, MAX_CODEPOINT]];
