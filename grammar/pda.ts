// The grammar as a pushdown automaton over bytes. A parse position is a stack of frames (the value being
// read on top, the objects/arrays around it below, each already in the state it resumes in when the top
// is done); a matcher state is the set of stacks still possible (anyOf branches that share a prefix keep
// several alive). Stacks and sets are hash-consed to small integers and every (set, byte) step is
// memoised, so repeated states cost one array lookup: this is what makes mask computation a walk over
// cached transitions.

import { lexStep, isCompletePhase, feasible, acceptsValue, NumPhase } from './number-range.js';
import { LiteralTrie, type Grammar, type ObjectSpec } from './grammar.js';

// Hole: stands for "whatever is below" when a top frame is examined on its own (see detach()); HoleHit:
// a byte reached below the top frame, so the answer depends on the real stack.
export const enum Kind { Done = 0, Value = 1, Literal = 2, String = 3, Number = 4, Object = 5, Array = 6, Hole = 7, HoleHit = 8 }

// Object phases.
export const enum Obj { Open = 0, KeyNext = 1, InKey = 2, AfterKey = 3, AfterColon = 4, AfterValue = 5, ExtraKeyPending = 6, AfterExtraKey = 7, AfterExtraColon = 8 }
// Array phases.
export const enum Arr { Open = 0, AfterValue = 1, Next = 2 }

const QUOTE = 0x22, COLON = 0x3a, COMMA = 0x2c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d;
const WS_BYTES = [0x20, 0x0a];
const NO_BYTES: number[] = [];

/** One stack: the top frame's fields plus the stack below. Field meaning depends on kind:
 *  Value:   node = value node.
 *  Literal: node = trie, a = trie node.
 *  String:  node = string spec, a = DFA state, b = characters so far (when counted), c = 1 for an extra key.
 *  Number:  node = number spec, a = phase, b/c/d = digits in integer/fraction/exponent, s = text (when constrained).
 *  Object:  node = object spec, a = phase, b = last property index + 1, c = properties so far,
 *           d = key-trie node (InKey) / property index (AfterKey, AfterColon) / value node (AfterExtraKey...),
 *           e = whitespace bytes in the current gap.
 *  Array:   node = array spec, a = phase, b = items so far, e = whitespace bytes in the current gap. */
export class Stack {
  /** Filled lazily: the stacks reachable by ending frames that may end here (epsilon closure). */
  closure: Stack[] | null = null;
  constructor(
    readonly id: number,
    readonly kind: Kind,
    readonly node: number,
    readonly a: number,
    readonly b: number,
    readonly c: number,
    readonly d: number,
    readonly e: number,
    readonly s: string,
    readonly parent: Stack | null,
  ) {}
}

const UNKNOWN_STEPS = new Int32Array(256).fill(-1);

export class StackSet {
  /** Holds a HoleHit stack: some path needed the frames below the detached top. */
  hasHoleHit = false;
  /** Holds a non-HoleHit stack: some path stayed within the detached top (or just popped it). */
  hasOwnPath = false;
  /** next[byte] = id of the set after that byte (0 = empty set), -1 = not computed yet. Starts as a
   * shared all-unknown table; a set's own table is allocated on its first step (most sets never step). */
  next: Int32Array = UNKNOWN_STEPS;
  /** Cached mask for one vocabulary (a bitset, or matcher.ts's shared-bitset-plus-ids form). */
  mask: object | null = null;
  /** The only byte that can follow (-1: several or none, -2: not computed). */
  forced = -2;
  /** Cached belowTop() (null: not computed). */
  below: StackSet | null = null;
  /** Cached shortestCompletion() (undefined: not computed). */
  completion: Uint8Array | null | undefined = undefined;
  constructor(readonly id: number, readonly stacks: Stack[], readonly complete: boolean) {}
}

const MAX_STACKS = 400_000;

/** The deepest stack of a set (frames from top to bottom). */
function stackSetDepth(set: StackSet): number {
  let deepest = 0;
  for (const top of set.stacks) {
    let n = 0;
    for (let st: Stack | null = top; st; st = st.parent) n++;
    if (n > deepest) deepest = n;
  }
  return deepest;
}

/** Byte order for completion search: closers first, then what formats and numbers need. */
const COMPLETION_ORDER: number[] = (() => {
  const first = Array.from('"}]0123456789aA-:.@/T+Z,', (c) => c.charCodeAt(0));
  const rest: number[] = [];
  for (let b = 0x20; b < 0x7f; b++) if (!first.includes(b)) rest.push(b);
  return [...first, ...rest, 0x5c];
})();

export class Pda {
  private readonly stackIds = new Map<string, Stack>();
  private readonly setIds = new Map<string, StackSet>();
  /** Sets of one stack, by stack id: the common case, interned without building a key string. */
  private readonly singletons: Array<StackSet | undefined> = [];
  readonly sets: StackSet[] = [];
  readonly done: Stack;
  readonly hole: Stack;
  readonly holeHit: Stack;
  readonly empty: StackSet;
  readonly initial: StackSet;

  constructor(readonly grammar: Grammar, rootNode = grammar.root) {
    this.empty = this.intern([]);
    this.done = this.stack(Kind.Done, 0, 0, 0, 0, 0, 0, '', null);
    this.hole = this.stack(Kind.Hole, 0, 0, 0, 0, 0, 0, '', null);
    this.holeHit = this.stack(Kind.HoleHit, 0, 0, 0, 0, 0, 0, '', null);
    this.initial = this.intern([this.stack(Kind.Value, rootNode, 0, 0, 0, 0, 0, '', this.done)]);
  }

  /** True when the caches have grown past their budget and the owner should start a fresh Pda. */
  get oversized(): boolean {
    return this.stackIds.size > MAX_STACKS;
  }

  stack(kind: Kind, node: number, a: number, b: number, c: number, d: number, e: number, s: string, parent: Stack | null): Stack {
    const key = `${kind},${node},${a},${b},${c},${d},${e},${s},${parent ? parent.id : -1}`;
    let st = this.stackIds.get(key);
    if (!st) {
      st = new Stack(this.stackIds.size, kind, node, a, b, c, d, e, s, parent);
      this.stackIds.set(key, st);
    }
    return st;
  }

  intern(stacks: Stack[]): StackSet {
    if (stacks.length === 1) {
      const only = stacks[0];
      let set = this.singletons[only.id];
      if (!set) { set = this.internKeyed(stacks); this.singletons[only.id] = set; }
      return set;
    }
    return this.internKeyed(stacks);
  }

  private internKeyed(stacks: Stack[]): StackSet {
    if (stacks.length > 1) {
      stacks.sort((x, y) => x.id - y.id);
      stacks = stacks.filter((s, i) => i === 0 || s !== stacks[i - 1]);
    }
    const key = stacks.map((s) => s.id).join(',');
    let set = this.setIds.get(key);
    if (!set) {
      let complete = false;
      for (const s of stacks) for (const c of this.closureOf(s)) if (c.kind === Kind.Done) complete = true;
      set = new StackSet(this.sets.length, stacks, complete);
      for (const st of stacks) { if (st.kind === Kind.HoleHit) set.hasHoleHit = true; else set.hasOwnPath = true; }
      this.setIds.set(key, set);
      this.sets.push(set);
    }
    return set;
  }

  step(set: StackSet, byte: number): StackSet {
    const cached = set.next[byte];
    if (cached >= 0) return this.sets[cached];
    const out: Stack[] = [];
    for (const s of set.stacks) for (const c of this.closureOf(s)) this.consume(c, byte, out);
    const next = out.length === 0 ? this.empty : this.intern(out);
    if (set.next === UNKNOWN_STEPS) set.next = new Int32Array(256).fill(-1);
    set.next[byte] = next.id;
    return next;
  }

  /** The top frame of `s` alone, over a Hole: what it accepts without looking below (context-free
   * tokens) is the same for every stack with this top, so masks can be shared across parents. */
  detach(s: Stack): StackSet {
    return this.intern([this.stack(s.kind, s.node, s.a, s.b, s.c, s.d, s.e, s.s, this.hole)]);
  }

  /** A superset of the first bytes an object, array or value frame can take on its own, or null when
   * the frame may end (then any byte can belong to the frames below) or is of another kind. */
  firstBytes(s: Stack): number[] | null {
    const ws = this.grammar.whitespace > 0 ? WS_BYTES : NO_BYTES;
    const g = this.grammar;
    switch (s.kind) {
      case Kind.Value: return this.valueStart(s.node);
      case Kind.Object:
        switch (s.a) {
          case Obj.Open: return [QUOTE, RBRACE, ...ws];
          case Obj.KeyNext: return [QUOTE, ...ws];
          case Obj.InKey: {
            const trie = this.keyTrie(g.objects[s.node], s.b - 1, s.c, s.s === '' ? 0 : Number(s.s));
            return trie ? [...trie.next[s.d].keys()] : [];
          }
          case Obj.AfterKey: case Obj.AfterExtraKey: return [COLON, ...ws];
          case Obj.AfterColon: return [...this.valueStart(g.objects[s.node].props[s.d].node), ...ws];
          case Obj.AfterExtraColon: return [...this.valueStart(s.d), ...ws];
          case Obj.AfterValue: return [COMMA, RBRACE, ...ws];
          default: return null;
        }
      case Kind.Array: {
        const item = this.itemNode(s.node, s.b);
        const spec = g.arrays[s.node];
        const match = spec.containsMin > 0 && item >= 0 ? (s.b < spec.prefix.length ? spec.matchPrefix[s.b] : spec.matchRest) : -1;
        const starts = item >= 0 ? [...this.valueStart(item), ...(match >= 0 ? this.valueStart(match) : NO_BYTES)] : NO_BYTES;
        switch (s.a) {
          case Arr.Open: return [RBRACKET, ...starts, ...ws];
          case Arr.AfterValue: return [COMMA, RBRACKET, ...ws];
          case Arr.Next: return [...starts, ...ws];
          default: return null;
        }
      }
      default: return null;
    }
  }

  private readonly valueStarts = new Map<number, number[]>();

  /** The bytes a value of `nodeId` can start with. */
  private valueStart(nodeId: number): number[] {
    let out = this.valueStarts.get(nodeId);
    if (!out) {
      const bytes = new Set<number>();
      for (const alt of this.grammar.nodes[nodeId].alts) {
        switch (alt.kind) {
          case 'literal': for (const b of this.grammar.tries[alt.trie].next[0].keys()) bytes.add(b); break;
          case 'string': bytes.add(QUOTE); break;
          case 'number': for (const c of '-0123456789') bytes.add(c.charCodeAt(0)); break;
          case 'object': bytes.add(LBRACE); break;
          case 'array': bytes.add(LBRACKET); break;
        }
      }
      out = [...bytes];
      this.valueStarts.set(nodeId, out);
    }
    return out;
  }

  /** Runs bytes from `set`; the empty set when some byte is refused. */
  run(set: StackSet, bytes: Uint8Array): StackSet {
    for (let i = 0; i < bytes.length && set !== this.empty; i++) set = this.step(set, bytes[i]);
    return set;
  }

  /** The only byte that can come next, or -1. */
  forcedByte(set: StackSet): number {
    if (set.forced !== -2) return set.forced;
    let only = -1;
    if (!set.complete) {
      for (let b = 0; b < 256; b++) {
        if (this.step(set, b) !== this.empty) {
          if (only >= 0) { only = -1; break; }
          only = b;
        }
      }
    }
    set.forced = only;
    return only;
  }

  /** A short byte string that completes the document from `set`, or null when none is found within
   * `limit` explored states. Lets a decoder that runs out of
   * budget close the document validly, and lets the fuzzer steer towards the end. */
  shortestCompletion(set: StackSet, limit = 20_000): Uint8Array | null {
    if (set.completion === undefined) set.completion = this.searchCompletion(set, limit);
    return set.completion;
  }

  /** Depth-first, trying bytes that close things first (quote, braces, brackets, then digits and
   * letters), with visited states remembered: finds a short completion while touching few states.
   * Iterative, so a completion thousands of bytes long (an object with dozens of required properties)
   * neither overflows the stack nor hits a depth cap. A plain depth-first search can dive forever into
   * a recursive schema ({"a":{"a":{"a":..., every level a new state), so when the first search fails,
   * nesting is capped at a few frames above the start and the cap doubled while it was what stopped the
   * search. Each search explores at most limit / 4 states. */
  private searchCompletion(set: StackSet, limit: number): Uint8Array | null {
    if (set.complete) return new Uint8Array(0);
    const budget = Math.max(1, Math.floor(limit / 4));
    const first = this.depthFirstCompletion(set, budget, Infinity);
    if (first.path || !first.stopped) return first.path;
    const base = stackSetDepth(set);
    for (let extra = 2; extra <= 64; extra *= 4) {
      const r = this.depthFirstCompletion(set, budget, base + extra);
      if (r.path || !r.stopped) return r.path;
    }
    return null;
  }

  /** One depth-first search; `stopped`: it ran out of budget or met the depth cap (so a search with
   * more room might succeed). */
  private depthFirstCompletion(set: StackSet, budget: number, maxDepth: number): { path: Uint8Array | null; stopped: boolean } {
    const visited = new Set<number>([set.id]);
    const sets: StackSet[] = [set];
    const tried: number[] = [0];
    const path: number[] = [];
    let stopped = false;
    while (sets.length) {
      const top = sets.length - 1;
      if (tried[top] >= COMPLETION_ORDER.length) { sets.pop(); tried.pop(); path.pop(); continue; }
      const b = COMPLETION_ORDER[tried[top]++];
      const next = this.step(sets[top], b);
      if (next === this.empty || visited.has(next.id)) continue;
      if (next.complete) { path.push(b); return { path: Uint8Array.from(path), stopped: false }; }
      if (visited.size >= budget) return { path: null, stopped: true };
      if (maxDepth !== Infinity && stackSetDepth(next) > maxDepth) { stopped = true; continue; }
      visited.add(next.id);
      sets.push(next);
      tried.push(0);
      path.push(b);
    }
    return { path: null, stopped };
  }

  private closureOf(s: Stack): Stack[] {
    if (s.closure) return s.closure;
    const out = [s];
    if (this.canEnd(s) && s.parent) out.push(...this.closureOf(this.resumeAfter(s)));
    s.closure = out;
    return out;
  }

  /** The frame below `s` once `s` ends: for a literal inside a uniqueItems array, the array records
   * the literal as used. */
  private resumeAfter(s: Stack): Stack {
    const parent = s.parent!;
    if (s.kind !== Kind.Literal || s.c !== 1 || parent.kind !== Kind.Array) return parent;
    const used = parent.c | (1 << this.grammar.tries[s.node].payload[s.a]);
    return this.stack(Kind.Array, parent.node, parent.a, parent.b, used, parent.d, parent.e, parent.s, parent.parent);
  }

  private readonly literalMasks = new Map<number, Int32Array>();

  /** Per literal-trie node: bit mask of the payloads (< 31) of the spellings below it. */
  private literalMask(trieId: number): Int32Array {
    let masks = this.literalMasks.get(trieId);
    if (!masks) {
      const trie = this.grammar.tries[trieId];
      masks = new Int32Array(trie.next.length);
      const fill = (node: number): number => {
        let m = trie.payload[node] >= 0 && trie.payload[node] < 31 ? 1 << trie.payload[node] : 0;
        for (const child of trie.next[node].values()) m |= fill(child);
        masks![node] = m;
        return m;
      };
      fill(0);
      this.literalMasks.set(trieId, masks);
    }
    return masks;
  }

  private canEnd(s: Stack): boolean {
    const g = this.grammar;
    switch (s.kind) {
      case Kind.Literal: {
        const p = g.tries[s.node].payload[s.a];
        return p >= 0 && (s.c !== 1 || (s.b & (1 << p)) === 0);
      }
      case Kind.Number: {
        if (!isCompletePhase(s.a)) return false;
        const spec = g.numbers[s.node];
        return !spec.constrained || acceptsValue(spec, s.s);
      }
      default: return false;
    }
  }

  // ------------------------------------------------------------------ consuming one byte at the top
  private consume(s: Stack, byte: number, out: Stack[]): void {
    switch (s.kind) {
      case Kind.Done: return;
      case Kind.Hole: case Kind.HoleHit: out.push(this.holeHit); return;
      case Kind.Value: this.startValue(s.node, s.parent!, byte, out); return;
      case Kind.Literal: {
        const child = this.grammar.tries[s.node].next[s.a].get(byte);
        if (child === undefined) return;
        // In a uniqueItems array, only towards literals the array has not used yet.
        if (s.c === 1 && (this.literalMask(s.node)[child] & ~s.b) === 0) return;
        out.push(this.stack(Kind.Literal, s.node, child, s.b, s.c, 0, 0, '', s.parent));
        return;
      }
      case Kind.String: this.consumeString(s, byte, out); return;
      case Kind.Number: this.consumeNumber(s, byte, out); return;
      case Kind.Object: this.consumeObject(s, byte, out); return;
      case Kind.Array: this.consumeArray(s, byte, out); return;
    }
  }

  /** The first byte of a value of `nodeId`, whose frame below is `parent`. */
  private startValue(nodeId: number, parent: Stack, byte: number, out: Stack[]): void {
    const g = this.grammar;
    for (const alt of g.nodes[nodeId].alts) {
      switch (alt.kind) {
        case 'literal': {
          const child = g.tries[alt.trie].next[0].get(byte);
          if (child !== undefined) out.push(this.stack(Kind.Literal, alt.trie, child, 0, 0, 0, 0, '', parent));
          break;
        }
        case 'string':
          if (byte === QUOTE) out.push(this.stack(Kind.String, alt.spec, 0, 0, 0, 0, 0, '', parent));
          break;
        case 'number': {
          const spec = g.numbers[alt.spec];
          const phase = lexStep(spec, NumPhase.Start, 0, 0, 0, byte);
          if (phase < 0) break;
          const text = spec.constrained ? String.fromCharCode(byte) : '';
          if (spec.constrained && !feasible(spec, text)) break;
          out.push(this.stack(Kind.Number, alt.spec, phase, phase === NumPhase.Int ? 1 : 0, 0, 0, 0, text, parent));
          break;
        }
        case 'object':
          if (byte === LBRACE) out.push(this.stack(Kind.Object, alt.spec, Obj.Open, 0, 0, 0, 0, '', parent));
          break;
        case 'array':
          if (byte === LBRACKET) out.push(this.stack(Kind.Array, alt.spec, Arr.Open, 0, 0, 0, 0, '', parent));
          break;
      }
    }
  }

  /** The stack after the closing quote of string frame `s` ended in DFA state `q`. */
  private closed(s: Stack, q: number): Stack {
    const parent = s.parent!;
    if (s.c !== 1) return parent;
    // The end of an extra key: the object learns which value schema the key selected.
    const valueNode = this.grammar.strings[s.node].valueNodeByState![q];
    return this.stack(Kind.Object, parent.node, Obj.AfterExtraKey, parent.b, parent.c, valueNode, 0, parent.s, parent.parent);
  }

  /** The set right after string frame `top` closes in DFA state `q` (the caller checked it may). */
  afterClose(top: Stack, q: number): StackSet {
    return this.intern([this.closed(top, q)]);
  }

  /** For a one-stack set: the stacks below the top that a byte can reach when the top ends (its
   * closure without the top itself); the empty set when the top cannot end. */
  belowTop(set: StackSet): StackSet {
    if (set.below === null) {
      const rest = this.closureOf(set.stacks[0]).slice(1);
      set.below = rest.length ? this.intern(rest) : this.empty;
    }
    return set.below;
  }

  private consumeString(s: Stack, byte: number, out: Stack[]): void {
    const spec = this.grammar.strings[s.node];
    const dfa = spec.dfa;
    // A raw quote inside the content only ever continues an escape (\"); otherwise it closes.
    if (byte === QUOTE && dfa.trans[s.a * 256 + QUOTE] < 0) {
      if (!dfa.accept[s.a] || s.b < spec.minLength) return;
      out.push(this.closed(s, s.a));
      return;
    }
    const t = dfa.trans[s.a * 256 + byte];
    if (t < 0) return;
    let count = s.b;
    if (spec.counted) {
      if (dfa.boundary[t]) count++;
      if (count + dfa.minChars[t] > spec.maxLength) return;
      if (count + dfa.maxChars[t] < spec.minLength) return;
      // Past minLength only the upper bound matters: forget the exact count when unbounded above.
      if (spec.maxLength === Infinity && count > spec.minLength) count = spec.minLength;
    }
    out.push(this.stack(Kind.String, s.node, t, count, s.c, 0, 0, '', s.parent));
  }

  private consumeNumber(s: Stack, byte: number, out: Stack[]): void {
    const spec = this.grammar.numbers[s.node];
    const phase = lexStep(spec, s.a, s.b, s.c, s.d, byte);
    if (phase < 0) return;
    const digit = byte >= 0x30 && byte <= 0x39;
    const b = s.b + (digit && (phase === NumPhase.Int || phase === NumPhase.Zero || phase === NumPhase.NegZero) ? 1 : 0);
    const c = s.c + (digit && phase === NumPhase.Frac ? 1 : 0);
    const d = s.d + (digit && phase === NumPhase.Exp ? 1 : 0);
    let text = '';
    if (spec.constrained) {
      text = s.s + String.fromCharCode(byte);
      if (!feasible(spec, text)) return;
    }
    out.push(this.stack(Kind.Number, s.node, phase, b, c, d, 0, text, s.parent));
  }

  // ------------------------------------------------------------------ objects
  /** Whether property j must still come, given the emitted-dependency mask. */
  private isRequired(spec: ObjectSpec, j: number, mask: number): boolean {
    return spec.props[j].required || (spec.requiredBy[j] & mask) !== 0;
  }

  /** How many properties after index j must still come. */
  private requiredAfterIndex(spec: ObjectSpec, j: number, mask: number): number {
    if (!spec.hasDependencies) return spec.requiredAfter[j + 1];
    let n = 0;
    for (let k = j + 1; k < spec.props.length; k++) if (this.isRequired(spec, k, mask)) n++;
    return n;
  }

  private keyTrie(spec: ObjectSpec, last: number, count: number, mask: number): LiteralTrie | null {
    const countMatters = spec.minProperties > 0 || spec.maxProperties !== Infinity;
    const base = (last + 1) * 4096 + (countMatters ? Math.min(count, 4095) : 0);
    const key = spec.hasDependencies ? `${base}/${mask}` : base;
    let trie = spec.keyTries.get(key);
    if (!trie) {
      trie = new LiteralTrie();
      const n = spec.props.length;
      for (let j = last + 1; j < n; j++) {
        // Properties come in schema order; a required one cannot be skipped.
        if (j > last + 1 && this.isRequired(spec, j - 1, mask)) break;
        const needs = spec.needsBefore[j];
        if (needs < 0 || (needs & ~mask) !== 0) continue; // its earlier dependencies are missing
        const after = this.requiredAfterIndex(spec, j, mask | spec.trackBit[j]);
        if (count + 1 + after > spec.maxProperties) continue;
        // With minProperties >= 2 at most one additional key follows the declared ones (extraKeyAllowed).
        const canReachMin = count + 1 + (n - 1 - j) + (spec.extraKey !== null ? 1 : 0) >= spec.minProperties;
        if (!canReachMin) continue;
        trie.add(spec.props[j].keyTail, j);
      }
      spec.keyTries.set(key, trie);
    }
    return trie.isEmpty ? null : trie;
  }

  private extraKeyAllowed(spec: ObjectSpec, last: number, count: number, mask: number): boolean {
    if (spec.extraKey === null || this.requiredAfterIndex(spec, last, mask) !== 0 || count + 1 > spec.maxProperties) return false;
    // Additional keys may repeat each other, so only one of them can count towards minProperties >= 2:
    // then one is allowed, after the declared ones (last === props.length once one was emitted).
    return spec.minProperties < 2 || (last < spec.props.length && count + 1 >= spec.minProperties);
  }

  private canClose(spec: ObjectSpec, last: number, count: number, mask: number): boolean {
    return this.requiredAfterIndex(spec, last, mask) === 0 && count >= spec.minProperties;
  }

  private consumeObject(s: Stack, byte: number, out: Stack[]): void {
    const g = this.grammar;
    const spec = g.objects[s.node];
    const last = s.b - 1;
    const count = s.c;
    const ws = (byte === 0x20 || byte === 0x0a) && s.e < g.whitespace;
    // The emitted-dependency mask rides in the string field ('' = 0).
    const mask = s.s === '' ? 0 : Number(s.s);
    const obj = (phase: number, b: number, c: number, d: number, e: number, parent: Stack | null, m = s.s) =>
      this.stack(Kind.Object, s.node, phase, b, c, d, e, m, parent);
    switch (s.a) {
      case Obj.Open:
      case Obj.KeyNext: {
        if (ws) { out.push(obj(s.a, s.b, s.c, 0, s.e + 1, s.parent)); return; }
        if (byte === RBRACE && s.a === Obj.Open && this.canClose(spec, last, count, mask)) { out.push(s.parent!); return; }
        if (byte === QUOTE) {
          if (this.keyTrie(spec, last, count, mask)) out.push(obj(Obj.InKey, s.b, s.c, 0, 0, s.parent));
          if (this.extraKeyAllowed(spec, last, count, mask)) {
            const below = obj(Obj.ExtraKeyPending, s.b, s.c, 0, 0, s.parent);
            out.push(this.stack(Kind.String, spec.extraKey!.id, 0, 0, 1, 0, 0, '', below));
          }
        }
        return;
      }
      case Obj.InKey: {
        const trie = this.keyTrie(spec, last, count, mask)!;
        const child = trie.next[s.d].get(byte);
        if (child === undefined) return;
        const prop = trie.payload[child];
        // Key tails end with the closing quote, which never occurs raw inside a key: a payload means the
        // key is complete.
        if (prop >= 0) out.push(obj(Obj.AfterKey, s.b, s.c, prop, 0, s.parent));
        else out.push(obj(Obj.InKey, s.b, s.c, child, 0, s.parent));
        return;
      }
      case Obj.AfterKey:
      case Obj.AfterExtraKey: {
        if (ws) { out.push(obj(s.a, s.b, s.c, s.d, s.e + 1, s.parent)); return; }
        if (byte === COLON) out.push(obj(s.a === Obj.AfterKey ? Obj.AfterColon : Obj.AfterExtraColon, s.b, s.c, s.d, 0, s.parent));
        return;
      }
      case Obj.AfterColon:
      case Obj.AfterExtraColon: {
        if (ws) { out.push(obj(s.a, s.b, s.c, s.d, s.e + 1, s.parent)); return; }
        const extra = s.a === Obj.AfterExtraColon;
        const newLast = extra ? spec.props.length : s.d;
        const valueNode = extra ? s.d : spec.props[s.d].node;
        const bit = extra ? 0 : spec.trackBit[s.d];
        const resume = obj(Obj.AfterValue, newLast + 1, count + 1, 0, 0, s.parent, bit ? String(mask | bit) : s.s);
        this.startValue(valueNode, resume, byte, out);
        return;
      }
      case Obj.AfterValue: {
        if (ws) { out.push(obj(s.a, s.b, s.c, 0, s.e + 1, s.parent)); return; }
        if (byte === RBRACE && this.canClose(spec, last, count, mask)) { out.push(s.parent!); return; }
        if (byte === COMMA && (this.keyTrie(spec, last, count, mask) || this.extraKeyAllowed(spec, last, count, mask))) {
          out.push(obj(Obj.KeyNext, s.b, s.c, 0, 0, s.parent));
        }
        return;
      }
    }
  }

  // ------------------------------------------------------------------ arrays
  private itemNode(specId: number, index: number): number {
    const spec = this.grammar.arrays[specId];
    if (index >= spec.maxItems) return -1;
    return index < spec.prefix.length ? spec.prefix[index] : spec.rest;
  }

  private consumeArray(s: Stack, byte: number, out: Stack[]): void {
    const g = this.grammar;
    const spec = g.arrays[s.node];
    const count = s.b;
    const ws = (byte === 0x20 || byte === 0x0a) && s.e < g.whitespace;
    const arr = (phase: number, b: number, e: number, parent: Stack | null) =>
      this.stack(Kind.Array, s.node, phase, b, s.c, s.d, e, '', parent);
    switch (s.a) {
      case Arr.Open:
      case Arr.Next: {
        if (ws) { out.push(arr(s.a, count, s.e + 1, s.parent)); return; }
        if (byte === RBRACKET && s.a === Arr.Open && count >= spec.minItems && s.d >= spec.containsMin) { out.push(s.parent!); return; }
        const item = this.itemNode(s.node, count);
        if (item >= 0) {
          // Past every bound that depends on it, the exact count no longer matters for the future.
          const next = this.clampCount(spec, count + 1);
          if (spec.containsMin > 0) {
            // Room left after this item must cover the matches still owed.
            const room = spec.maxItems - (count + 1);
            if (spec.containsMin - s.d <= room) {
              this.startValue(item, this.stack(Kind.Array, s.node, Arr.AfterValue, next, s.c, s.d, 0, '', s.parent), byte, out);
            }
            const match = count < spec.prefix.length ? spec.matchPrefix[count] : spec.matchRest;
            const d = Math.min(s.d + 1, spec.containsMin);
            if (match >= 0 && spec.containsMin - d <= room) {
              this.startValue(match, this.stack(Kind.Array, s.node, Arr.AfterValue, next, s.c, d, 0, '', s.parent), byte, out);
            }
            return;
          }
          const resume = this.stack(Kind.Array, s.node, Arr.AfterValue, next, s.c, 0, 0, '', s.parent);
          if (spec.uniqueTrie >= 0) {
            const child = g.tries[spec.uniqueTrie].next[0].get(byte);
            if (child !== undefined && (this.literalMask(spec.uniqueTrie)[child] & ~s.c) !== 0) {
              out.push(this.stack(Kind.Literal, spec.uniqueTrie, child, s.c, 1, 0, 0, '', resume));
            }
          } else this.startValue(item, resume, byte, out);
        }
        return;
      }
      case Arr.AfterValue: {
        if (ws) { out.push(arr(s.a, count, s.e + 1, s.parent)); return; }
        if (byte === RBRACKET && count >= spec.minItems && s.d >= spec.containsMin) { out.push(s.parent!); return; }
        if (byte === COMMA && this.itemNode(s.node, count) >= 0) out.push(arr(Arr.Next, count, 0, s.parent));
        return;
      }
    }
  }

  private clampCount(spec: { prefix: number[]; minItems: number; maxItems: number }, count: number): number {
    if (spec.maxItems !== Infinity) return count;
    return Math.min(count, Math.max(spec.prefix.length, spec.minItems));
  }
}

