// Deterministic automata over the *bytes of a JSON string's content* (what sits between the quotes, as
// JSON.stringify writes it). A regex over code points is lowered in three steps: each code point gets
// its one canonical JSON spelling (raw UTF-8, or \" \\ \b \f \n \r \t \u00xx for the characters JSON
// must escape), the spellings form a Thompson NFA over byte ranges, and subset construction makes the
// DFA. Dead states are trimmed, so every state the matcher can reach still has a way to finish: the
// mask never lets a token into a corner (a lead byte with no allowed continuation, a pattern that can no
// longer match).
//
// Each state also says whether it sits on a character boundary: UTF-8 and the escapes are prefix-free,
// so all NFA threads agree, and the matcher counts characters (minLength / maxLength, which ajv counts in
// code points) by counting transitions into boundary states.

import { ANY, MAX_CODEPOINT, type CodepointSet } from './codepoint-set.js';
import type { ParsedPattern, RegexNode } from './regex.js';

export interface StringDfa {
  readonly size: number;
  /** trans[state * 256 + byte] = next state, or -1. */
  readonly trans: Int32Array;
  readonly accept: Uint8Array;
  readonly boundary: Uint8Array;
  /** Per state: fewest characters still needed to reach an accepting state (boundary states only);
   * NO_ACCEPTING_PATH when none can be reached. */
  readonly minChars: Int32Array;
  /** Per state: most characters an accepting path can still take, Infinity when it can loop. */
  readonly maxChars: Float64Array;
  /** True when every state accepts and loops on every string byte: a free string (fast paths apply). */
  readonly isFree: boolean;
}

/** minChars of a state from which no accepting state can be reached: larger than any real distance,
 * and small enough that adding a character count to it stays an exact int32. */
export const NO_ACCEPTING_PATH = 0x3fffffff;

export class AutomatonTooLargeError extends Error {}

const MAX_NFA_STATES = 400_000;
const MAX_DFA_STATES = 30_000;

// ---------------------------------------------------------------- NFA
class Nfa {
  /** edges[s] = flat [lo, hi, to, lo, hi, to, ...] */
  edges: number[][] = [];
  /** The entry of the shared "anything may follow" tail of unanchored patterns, or -1 (determinize). */
  anyTail = -1;
  eps: number[][] = [];
  boundary: boolean[] = [];
  newState(boundary: boolean): number {
    if (this.edges.length >= MAX_NFA_STATES) throw new AutomatonTooLargeError(`pattern needs more than ${MAX_NFA_STATES} automaton states`);
    this.edges.push([]);
    this.eps.push([]);
    this.boundary.push(boundary);
    return this.edges.length - 1;
  }
}

interface Fragment { start: number; end: number }

/** Canonical JSON escape for the code points JSON.stringify escapes; undefined for raw UTF-8. */
function jsonEscape(cp: number): string | undefined {
  switch (cp) {
    case 0x22: return '\\"';
    case 0x5c: return '\\\\';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
  }
  if (cp < 0x20) return '\\u00' + cp.toString(16).padStart(2, '0');
  return undefined;
}

/** UTF-8 byte-range sequences covering [lo, hi] (no surrogates), after the utf8-ranges algorithm: split
 * until each piece is a product of per-byte ranges. */
function utf8Sequences(lo: number, hi: number, out: Array<Array<[number, number]>>): void {
  if (lo > hi) return;
  // Surrogates have no UTF-8 encoding.
  if (lo <= 0xdfff && hi >= 0xd800) {
    utf8Sequences(lo, 0xd7ff, out);
    utf8Sequences(0xe000, hi, out);
    return;
  }
  const limits = [0x7f, 0x7ff, 0xffff];
  for (const limit of limits) {
    if (lo <= limit && hi > limit) {
      utf8Sequences(lo, limit, out);
      utf8Sequences(limit + 1, hi, out);
      return;
    }
  }
  if (hi <= 0x7f) { out.push([[lo, hi]]); return; }
  const n = hi <= 0x7ff ? 2 : hi <= 0xffff ? 3 : 4;
  for (let i = 1; i < n; i++) {
    const m = (1 << (6 * i)) - 1;
    if ((lo & ~m) !== (hi & ~m)) {
      if ((lo & m) !== 0) {
        utf8Sequences(lo, lo | m, out);
        utf8Sequences((lo | m) + 1, hi, out);
        return;
      }
      if ((hi & m) !== m) {
        utf8Sequences(lo, (hi & ~m) - 1, out);
        utf8Sequences(hi & ~m, hi, out);
        return;
      }
    }
  }
  const a = encodeUtf8(lo);
  const b = encodeUtf8(hi);
  out.push(a.map((x, i) => [x, b[i]]));
}

function encodeUtf8(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

/** One character out of `set`, spelled as JSON string content. */
function charFragment(nfa: Nfa, set: CodepointSet): Fragment {
  const start = nfa.newState(true);
  const end = nfa.newState(true);
  const addPath = (bytes: Array<[number, number]>) => {
    let s = start;
    for (let i = 0; i < bytes.length; i++) {
      const t = i === bytes.length - 1 ? end : nfa.newState(false);
      nfa.edges[s].push(bytes[i][0], bytes[i][1], t);
      s = t;
    }
  };
  for (const [lo, hi] of set) {
    // Code points below 0x20 plus '"' and '\' are escaped; the rest is raw UTF-8.
    let from = lo;
    for (let cp = lo; cp <= Math.min(hi, 0x5c); cp++) {
      if (jsonEscape(cp) !== undefined) {
        if (from < cp) rawRange(from, cp - 1);
        const esc = jsonEscape(cp)!;
        addPath(Array.from(esc, (ch) => [ch.charCodeAt(0), ch.charCodeAt(0)] as [number, number]));
        from = cp + 1;
      }
    }
    if (from <= hi) rawRange(from, hi);
  }
  function rawRange(a: number, b: number) {
    const seqs: Array<Array<[number, number]>> = [];
    utf8Sequences(a, Math.min(b, MAX_CODEPOINT), seqs);
    for (const seq of seqs) addPath(seq);
  }
  return { start, end };
}

function buildFragment(nfa: Nfa, node: RegexNode): Fragment {
  switch (node.kind) {
    case 'set': return charFragment(nfa, node.set);
    case 'seq': {
      if (node.items.length === 0) { const s = nfa.newState(true); return { start: s, end: s }; }
      const parts = node.items.map((n) => buildFragment(nfa, n));
      for (let i = 1; i < parts.length; i++) nfa.eps[parts[i - 1].end].push(parts[i].start);
      return { start: parts[0].start, end: parts[parts.length - 1].end };
    }
    case 'alt': {
      const start = nfa.newState(true);
      const end = nfa.newState(true);
      for (const item of node.items) {
        const f = buildFragment(nfa, item);
        nfa.eps[start].push(f.start);
        nfa.eps[f.end].push(end);
      }
      return { start, end };
    }
    case 'repeat': {
      const start = nfa.newState(true);
      let cur = start;
      for (let i = 0; i < node.min; i++) {
        const f = buildFragment(nfa, node.item);
        nfa.eps[cur].push(f.start);
        cur = f.end;
      }
      if (node.max === Infinity) {
        const f = buildFragment(nfa, node.item);
        const loop = nfa.newState(true);
        nfa.eps[cur].push(loop);
        nfa.eps[loop].push(f.start);
        nfa.eps[f.end].push(loop);
        return { start, end: loop };
      }
      const end = nfa.newState(true);
      nfa.eps[cur].push(end);
      for (let i = node.min; i < node.max; i++) {
        const f = buildFragment(nfa, node.item);
        nfa.eps[cur].push(f.start);
        nfa.eps[f.end].push(end);
        cur = f.end;
      }
      return { start, end };
    }
    case 'start': case 'end':
      throw new Error('anchors are resolved by parsePattern');
  }
}

function patternNfa(pattern: ParsedPattern): { nfa: Nfa; start: number; accept: number } {
  const nfa = new Nfa();
  const start = nfa.newState(true);
  const accept = nfa.newState(true);
  const anyStar: RegexNode = { kind: 'repeat', item: { kind: 'set', set: ANY }, min: 0, max: Infinity };
  // Every branch not anchored at the end shares one trailing "anything" tail: once a subset of NFA states
  // reaches it, the rest of the string is free, so determinize collapses that subset to the tail alone
  // (else "UTC|(Africa/[A-Za-z]+)|(America/[A-Za-z]+)|..." blows up into tens of thousands of states).
  let tail: Fragment | undefined;
  for (const branch of pattern.branches) {
    const items: RegexNode[] = [];
    if (!branch.anchoredStart) items.push(anyStar);
    items.push(branch.body);
    const f = buildFragment(nfa, { kind: 'seq', items });
    nfa.eps[start].push(f.start);
    if (branch.anchoredEnd) nfa.eps[f.end].push(accept);
    else {
      if (!tail) {
        tail = buildFragment(nfa, anyStar);
        nfa.eps[tail.end].push(accept);
        nfa.anyTail = nfa.newState(true);
        nfa.eps[nfa.anyTail].push(tail.start);
      }
      nfa.eps[f.end].push(nfa.anyTail);
    }
  }
  return { nfa, start, accept };
}

// ---------------------------------------------------------------- DFA
interface RawDfa { trans: Int32Array; accept: Uint8Array; boundary: Uint8Array; size: number; labels?: Int32Array }

function determinize(nfa: Nfa, start: number, acceptState: number): RawDfa {
  const epsClosure = (states: number[]): Set<number> => {
    const seen = new Set<number>(states);
    const stack = [...states];
    while (stack.length) {
      const s = stack.pop()!;
      for (const t of nfa.eps[s]) if (!seen.has(t)) { seen.add(t); stack.push(t); }
    }
    return seen;
  };
  const tailClosure = nfa.anyTail >= 0 ? epsClosure([nfa.anyTail]) : undefined;
  const closure = (states: number[]): number[] => {
    let seen = epsClosure(states);
    // The tail accepts any continuation at a character boundary, which covers every other member.
    if (tailClosure && seen.has(nfa.anyTail)) seen = tailClosure;
    // Only states with byte edges (or the accept state) matter for identity.
    return [...seen].filter((s) => nfa.edges[s].length > 0 || s === acceptState).sort((a, b) => a - b);
  };
  const ids = new Map<string, number>();
  const sets: number[][] = [];
  const trans: number[] = [];
  const intern = (set: number[]): number => {
    const key = set.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      if (id >= MAX_DFA_STATES) throw new AutomatonTooLargeError(`pattern needs more than ${MAX_DFA_STATES} DFA states`);
      ids.set(key, id);
      sets.push(set);
      for (let b = 0; b < 256; b++) trans.push(-1);
    }
    return id;
  };
  intern(closure([start]));
  const buckets: number[][] = Array.from({ length: 256 }, () => []);
  for (let d = 0; d < sets.length; d++) {
    const touched: number[] = [];
    for (const s of sets[d]) {
      const e = nfa.edges[s];
      for (let i = 0; i < e.length; i += 3) {
        for (let b = e[i]; b <= e[i + 1]; b++) {
          if (buckets[b].length === 0) touched.push(b);
          buckets[b].push(e[i + 2]);
        }
      }
    }
    const memo = new Map<string, number>();
    for (const b of touched) {
      const targets = buckets[b];
      const rawKey = targets.join(',');
      let t = memo.get(rawKey);
      if (t === undefined) { t = intern(closure(targets)); memo.set(rawKey, t); }
      trans[d * 256 + b] = t;
      buckets[b] = [];
    }
  }
  const size = sets.length;
  const accept = new Uint8Array(size);
  const boundary = new Uint8Array(size);
  for (let d = 0; d < size; d++) {
    accept[d] = sets[d].includes(acceptState) ? 1 : 0;
    boundary[d] = sets[d].length === 0 || sets[d].some((s) => nfa.boundary[s]) ? 1 : 0;
  }
  return { trans: Int32Array.from(trans), accept, boundary, size };
}

/** The reachable states of a product automaton, breadth first from `start`: each state is a tuple of
 * component states, numbered in discovery order. `step(tuple, byte)` gives the next tuple, or undefined
 * where the product has no transition. Past MAX_DFA_STATES it throws with `tooLarge`. */
function productStates(start: number[], step: (tuple: number[], b: number) => number[] | undefined,
  tooLarge: string): { tuples: number[][]; trans: number[] } {
  const ids = new Map<string, number>();
  const tuples: number[][] = [];
  const trans: number[] = [];
  const intern = (t: number[]) => {
    const key = t.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = tuples.length;
      if (id >= MAX_DFA_STATES) throw new AutomatonTooLargeError(tooLarge);
      ids.set(key, id);
      tuples.push(t);
      for (let b = 0; b < 256; b++) trans.push(-1);
    }
    return id;
  };
  intern(start);
  for (let d = 0; d < tuples.length; d++) {
    for (let b = 0; b < 256; b++) {
      const next = step(tuples[d], b);
      if (next) trans[d * 256 + b] = intern(next);
    }
  }
  return { tuples, trans };
}

/** Product of several DFAs (all must accept). */
function intersectDfas(dfas: RawDfa[]): RawDfa {
  if (dfas.length === 1) return dfas[0];
  const { tuples, trans } = productStates(dfas.map(() => 0), (tuple, b) => {
    const next: number[] = [];
    for (let i = 0; i < dfas.length; i++) {
      const t = dfas[i].trans[tuple[i] * 256 + b];
      if (t < 0) return undefined;
      next.push(t);
    }
    return next;
  }, `patterns need more than ${MAX_DFA_STATES} DFA states together`);
  const size = tuples.length;
  const accept = new Uint8Array(size);
  const boundary = new Uint8Array(size);
  for (let d = 0; d < size; d++) {
    accept[d] = tuples[d].every((s, i) => dfas[i].accept[s]) ? 1 : 0;
    boundary[d] = dfas[0].boundary[tuples[d][0]];
  }
  return { trans: Int32Array.from(trans), accept, boundary, size };
}

/** Removes transitions into states that cannot reach acceptance, renumbers reachable live states, and
 * computes the character-distance tables. */
function finish(raw: RawDfa): StringDfa & { labels?: Int32Array } {
  const { size, trans, accept } = raw;
  const live = new Uint8Array(size);
  const preds: number[][] = Array.from({ length: size }, () => []);
  for (let s = 0; s < size; s++) for (let b = 0; b < 256; b++) { const t = trans[s * 256 + b]; if (t >= 0) preds[t].push(s); }
  const stack: number[] = [];
  for (let s = 0; s < size; s++) if (accept[s]) { live[s] = 1; stack.push(s); }
  while (stack.length) { const s = stack.pop()!; for (const p of preds[s]) if (!live[p]) { live[p] = 1; stack.push(p); } }
  // Renumber states reachable from 0 through live states.
  const map = new Int32Array(size).fill(-1);
  const order: number[] = [];
  if (live[0]) { map[0] = 0; order.push(0); }
  for (let i = 0; i < order.length; i++) {
    const s = order[i];
    for (let b = 0; b < 256; b++) {
      const t = trans[s * 256 + b];
      if (t >= 0 && live[t] && map[t] < 0) { map[t] = order.length; order.push(t); }
    }
  }
  const n = Math.max(order.length, 1);
  const out = new Int32Array(n * 256).fill(-1);
  const acc = new Uint8Array(n);
  const bnd = new Uint8Array(n).fill(1);
  const labels = raw.labels ? new Int32Array(n).fill(-1) : undefined;
  order.forEach((s, i) => {
    if (labels) labels[i] = raw.labels![s];
    acc[i] = raw.accept[s];
    bnd[i] = raw.boundary[s];
    for (let b = 0; b < 256; b++) { const t = trans[s * 256 + b]; if (t >= 0 && live[t]) out[i * 256 + b] = map[t]; }
  });
  const dfa = { size: n, trans: out, accept: acc, boundary: bnd };
  const { minChars, maxChars } = charDistances(dfa);
  return { ...dfa, minChars, maxChars, isFree: false, labels };
}

/** Fewest / most characters from each state to acceptance, over the character-level graph. */
function charDistances(dfa: { size: number; trans: Int32Array; accept: Uint8Array; boundary: Uint8Array }) {
  const n = dfa.size;
  // charSucc[s]: boundary states reached from s by one whole character.
  const charSucc: number[][] = [];
  for (let s = 0; s < n; s++) {
    const out = new Set<number>();
    const seen = new Set<number>();
    const stack = [s];
    while (stack.length) {
      const u = stack.pop()!;
      for (let b = 0; b < 256; b++) {
        const t = dfa.trans[u * 256 + b];
        if (t < 0) continue;
        if (dfa.boundary[t]) out.add(t);
        else if (!seen.has(t)) { seen.add(t); stack.push(t); }
      }
    }
    charSucc.push([...out]);
  }
  const minChars = new Int32Array(n).fill(NO_ACCEPTING_PATH);
  const queue: number[] = [];
  const preds: number[][] = Array.from({ length: n }, () => []);
  for (let s = 0; s < n; s++) for (const t of charSucc[s]) preds[t].push(s);
  for (let s = 0; s < n; s++) if (dfa.accept[s]) { minChars[s] = 0; queue.push(s); }
  for (let i = 0; i < queue.length; i++) {
    const t = queue[i];
    for (const p of preds[t]) if (minChars[p] > minChars[t] + 1) { minChars[p] = minChars[t] + 1; queue.push(p); }
  }
  // Longest: Infinity if a cycle is reachable on a path to acceptance; else DAG longest path.
  const maxChars = new Float64Array(n).fill(-1);
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const visit = (s: number): number => {
    if (state[s] === 2) return maxChars[s];
    if (state[s] === 1) return Infinity;
    state[s] = 1;
    let best = dfa.accept[s] ? 0 : -Infinity;
    for (const t of charSucc[s]) {
      const v = visit(t);
      if (v >= 0 || v === Infinity) best = Math.max(best, v + 1);
    }
    state[s] = 2;
    maxChars[s] = best;
    return best;
  };
  for (let s = 0; s < n; s++) visit(s);
  return { minChars, maxChars };
}

/** The DFA of strings matching every pattern given (their intersection). */
export function patternsDfa(patterns: ParsedPattern[]): StringDfa {
  if (patterns.length === 0) return freeStringDfa();
  const raws = patterns.map((p) => {
    const { nfa, start, accept } = patternNfa(p);
    return determinize(nfa, start, accept);
  });
  return finish(intersectDfas(raws));
}

/** Intersection of already-built string DFAs (a format and a pattern, say). */
export function intersectStringDfas(dfas: StringDfa[]): StringDfa {
  if (dfas.length === 1) return dfas[0];
  const free = dfas.filter((d) => !d.isFree);
  if (free.length === 0) return dfas[0];
  if (free.length === 1) return free[0];
  return finish(intersectDfas(free));
}

let freeDfa: StringDfa | undefined;
/** Any string at all (every code point but lone surrogates), canonically spelled. */
export function freeStringDfa(): StringDfa {
  if (!freeDfa) {
    const nfa = new Nfa();
    const f = buildFragment(nfa, { kind: 'repeat', item: { kind: 'set', set: ANY }, min: 0, max: Infinity });
    const d = finish(determinize(nfa, f.start, f.end));
    freeDfa = { ...d, isFree: true };
  }
  return freeDfa;
}

function trieRaw(excluded: string[]): RawDfa {
  const children: Map<number, number>[] = [new Map()];
  const terminal: boolean[] = [false];
  for (const str of excluded) {
    const bytes = new TextEncoder().encode(JSON.stringify(str).slice(1, -1));
    let node = 0;
    for (const b of bytes) {
      let next = children[node].get(b);
      if (next === undefined) { next = children.length; children.push(new Map()); terminal.push(false); children[node].set(b, next); }
      node = next;
    }
    terminal[node] = true;
  }
  const sink = children.length;
  const size = sink + 1;
  const trans = new Int32Array(size * 256).fill(-1);
  const accept = new Uint8Array(size);
  for (let k = 0; k < children.length; k++) {
    for (let b = 0; b < 256; b++) trans[k * 256 + b] = children[k].get(b) ?? sink;
    accept[k] = terminal[k] ? 0 : 1;
  }
  for (let b = 0; b < 256; b++) trans[sink * 256 + b] = sink;
  accept[sink] = 1;
  return { trans, accept, boundary: new Uint8Array(size).fill(1), size };
}

/** Keys of additional properties: strings of `base` that are none of `excluded`, classified by which of
 * `patterns` they match. labels[state] is the bit mask of matched patterns on accepting states (-1
 * elsewhere); a key may end only where `allowed(mask)` holds (e.g. additionalProperties: false wants at
 * least one pattern). The matcher reads the mask to pick the value schema. */
export function keyClassifierDfa(base: StringDfa, excluded: string[], patterns: ParsedPattern[],
  allowed: (mask: number) => boolean): { dfa: StringDfa; labels: Int32Array } {
  const comps: RawDfa[] = [
    { trans: base.trans, accept: base.accept, boundary: base.boundary, size: base.size },
    trieRaw(excluded),
    ...patterns.map((p) => { const { nfa, start, accept } = patternNfa(p); return determinize(nfa, start, accept); }),
  ];
  // The base and the excluded-names trie must both move; a pattern that dies stays -1 (unmatched).
  const { tuples, trans } = productStates(comps.map(() => 0), (tuple, b) => {
    const t0 = comps[0].trans[tuple[0] * 256 + b];
    const t1 = comps[1].trans[tuple[1] * 256 + b];
    if (t0 < 0 || t1 < 0) return undefined;
    const next = [t0, t1];
    for (let i = 2; i < comps.length; i++) next.push(tuple[i] < 0 ? -1 : comps[i].trans[tuple[i] * 256 + b]);
    return next;
  }, `property-name automaton needs more than ${MAX_DFA_STATES} states`);
  const size = tuples.length;
  const accept = new Uint8Array(size);
  const boundary = new Uint8Array(size);
  const labels = new Int32Array(size).fill(-1);
  for (let d = 0; d < size; d++) {
    const t = tuples[d];
    boundary[d] = comps[0].boundary[t[0]];
    let mask = 0;
    for (let i = 2; i < comps.length; i++) if (t[i] >= 0 && comps[i].accept[t[i]]) mask |= 1 << (i - 2);
    if (comps[0].accept[t[0]] && comps[1].accept[t[1]] && allowed(mask)) { accept[d] = 1; labels[d] = mask; }
  }
  const out = finish({ trans: Int32Array.from(trans), accept, boundary, size, labels });
  return { dfa: out, labels: out.labels! };
}

const patternCache = new Map<string, StringDfa>();

/** patternsDfa, memoised across compilations (schemas repeat the same patterns). */
export function cachedPatternsDfa(patterns: ParsedPattern[]): StringDfa {
  const key = JSON.stringify(patterns);
  let dfa = patternCache.get(key);
  if (!dfa) {
    dfa = patternsDfa(patterns);
    if (patternCache.size > 500) patternCache.clear();
    patternCache.set(key, dfa);
  }
  return dfa;
}
