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

/** The fields of each frame kind (what the named constructors take; the Stack readers give them back).
 *  `node` is the value node (Value), trie (Literal) or spec (String, Number, Object, Array). */
export interface LiteralFields {
  /** Node of the literal trie reached so far. */
  trieNode: number;
  /** In a uniqueItems array: the literals (payload bits) the array has used already. */
  usedLiterals: number;
  /** Set for a uniqueItems array's item: the literal must be one the array has not used. */
  unique: boolean;
}
export interface StringFields {
  /** DFA state over the bytes of the string content. */
  dfaState: number;
  /** Characters so far (only when the spec counts them). */
  chars: number;
  /** The string is an additional key of the object below (its end tells the object the key's value schema). */
  extraKey: boolean;
}
export interface NumberFields {
  phase: NumPhase;
  intDigits: number;
  fracDigits: number;
  expDigits: number;
  /** The text so far, kept only when the spec has a range or multipleOf (else ''). */
  text: string;
}
export interface ObjectFields {
  phase: Obj;
  /** Index of the last declared property emitted (-1: none yet; props.length after an additional key). */
  last: number;
  /** Properties so far. */
  count: number;
  /** Key-trie node (InKey), property index (AfterKey, AfterColon) or value node (AfterExtraKey, AfterExtraColon). */
  key: number;
  /** Whitespace bytes in the current gap. */
  ws: number;
  /** Bitmask of the dependency triggers emitted (ObjectSpec.trackBit); the compiler refuses more than 30, so
   *  it is a small non-negative int32. */
  deps: number;
}
export interface ArrayFields {
  phase: Arr;
  /** Items so far (clamped once past every bound that depends on it). */
  items: number;
  /** uniqueItems over literals: the literals (payload bits) used so far. */
  usedLiterals: number;
  /** contains: items so far that matched, capped at containsMin. */
  matched: number;
  /** Whitespace bytes in the current gap. */
  ws: number;
}

/** One stack: the top frame plus the stack below. The frame is a flat record (slots a..f, s) so that it
 * hash-conses with one key string; build frames with Pda's named constructors (objectFrame(...)) and read
 * them with the named readers below, whose meaning depends on `kind`:
 *  Literal: a = trie node, b = used literals, c = 1 when unique.
 *  String:  a = DFA state, b = characters so far, c = 1 for an extra key.
 *  Number:  a = phase, b/c/d = digits in integer/fraction/exponent, s = text.
 *  Object:  a = phase, b = last property index + 1, c = properties so far, d = key, e = whitespace, f = deps.
 *  Array:   a = phase, b = items so far, c = used literals, d = contains matches, e = whitespace. */
export class Stack {
  /** Filled lazily: the stacks reachable by ending frames that may end here (epsilon closure). */
  closure: Stack[] | null = null;
  constructor(
    readonly id: number,
    readonly kind: Kind,
    readonly node: number,
    private readonly a: number,
    private readonly b: number,
    private readonly c: number,
    private readonly d: number,
    private readonly e: number,
    private readonly f: number,
    private readonly s: string,
    readonly parent: Stack | null,
  ) {}

  /** The hash-consing key of a frame over `parent`: every slot, separated so no two frames collide. */
  static key(kind: Kind, node: number, a: number, b: number, c: number, d: number, e: number, f: number, s: string, parent: Stack | null): string {
    return `${kind},${node},${a},${b},${c},${d},${e},${f},${s},${parent ? parent.id : -1}`;
  }

  /** This frame's key over another stack. */
  keyOver(parent: Stack | null): string {
    return Stack.key(this.kind, this.node, this.a, this.b, this.c, this.d, this.e, this.f, this.s, parent);
  }

  /** This frame over another stack (detach() puts it over a Hole), as stack `id`. */
  withParent(id: number, parent: Stack | null): Stack {
    return new Stack(id, this.kind, this.node, this.a, this.b, this.c, this.d, this.e, this.f, this.s, parent);
  }

  // Literal
  get trieNode(): number { return this.a; }
  get unique(): boolean { return this.c === 1; }
  // Literal, Array
  get usedLiterals(): number { return this.kind === Kind.Literal ? this.b : this.c; }
  // String
  get dfaState(): number { return this.a; }
  get chars(): number { return this.b; }
  get extraKey(): boolean { return this.c === 1; }
  // Number, Object, Array
  get phase(): number { return this.a; }
  // Number
  get intDigits(): number { return this.b; }
  get fracDigits(): number { return this.c; }
  get expDigits(): number { return this.d; }
  get text(): string { return this.s; }
  // Object
  get last(): number { return this.b - 1; }
  get count(): number { return this.c; }
  get key(): number { return this.d; }
  get deps(): number { return this.f; }
  // Object, Array
  get ws(): number { return this.e; }
  // Array
  get items(): number { return this.b; }
  get matched(): number { return this.d; }
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

/** Byte order for completion search: closers first, then the comma (so a number ends where it may rather
 * than growing digit by digit: `0` then `,`, not `0.000000000000000,`), then what formats and numbers need. */
const COMPLETION_ORDER: number[] = (() => {
  const first = Array.from('"}],0123456789aA-:.@/T+Z', (c) => c.charCodeAt(0));
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
    this.done = this.stack(Kind.Done, 0, 0, 0, 0, 0, 0, 0, '', null);
    this.hole = this.stack(Kind.Hole, 0, 0, 0, 0, 0, 0, 0, '', null);
    this.holeHit = this.stack(Kind.HoleHit, 0, 0, 0, 0, 0, 0, 0, '', null);
    this.initial = this.intern([this.valueFrame(rootNode, this.done)]);
  }

  /** True when the caches have grown past their budget and the owner should start a fresh Pda. */
  get oversized(): boolean {
    return this.stackIds.size > MAX_STACKS;
  }

  /** The hash-consed stack with these raw slots (see Stack); callers use the named constructors below. */
  private stack(kind: Kind, node: number, a: number, b: number, c: number, d: number, e: number, f: number, s: string, parent: Stack | null): Stack {
    const key = Stack.key(kind, node, a, b, c, d, e, f, s, parent);
    let st = this.stackIds.get(key);
    if (!st) {
      st = new Stack(this.stackIds.size, kind, node, a, b, c, d, e, f, s, parent);
      this.stackIds.set(key, st);
    }
    return st;
  }

  /** The hash-consed stack of frame `s` over `parent`. */
  private rebase(s: Stack, parent: Stack | null): Stack {
    const key = s.keyOver(parent);
    let st = this.stackIds.get(key);
    if (!st) {
      st = s.withParent(this.stackIds.size, parent);
      this.stackIds.set(key, st);
    }
    return st;
  }

  valueFrame(node: number, parent: Stack): Stack {
    return this.stack(Kind.Value, node, 0, 0, 0, 0, 0, 0, '', parent);
  }

  literalFrame(trie: number, f: LiteralFields, parent: Stack): Stack {
    return this.stack(Kind.Literal, trie, f.trieNode, f.usedLiterals, f.unique ? 1 : 0, 0, 0, 0, '', parent);
  }

  stringFrame(spec: number, f: StringFields, parent: Stack): Stack {
    return this.stack(Kind.String, spec, f.dfaState, f.chars, f.extraKey ? 1 : 0, 0, 0, 0, '', parent);
  }

  numberFrame(spec: number, f: NumberFields, parent: Stack): Stack {
    return this.stack(Kind.Number, spec, f.phase, f.intDigits, f.fracDigits, f.expDigits, 0, 0, f.text, parent);
  }

  objectFrame(spec: number, f: ObjectFields, parent: Stack): Stack {
    return this.stack(Kind.Object, spec, f.phase, f.last + 1, f.count, f.key, f.ws, f.deps, '', parent);
  }

  arrayFrame(spec: number, f: ArrayFields, parent: Stack): Stack {
    return this.stack(Kind.Array, spec, f.phase, f.items, f.usedLiterals, f.matched, f.ws, 0, '', parent);
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
    return this.intern([this.rebase(s, this.hole)]);
  }

  /** A superset of the first bytes an object, array or value frame can take on its own, or null when
   * the frame may end (then any byte can belong to the frames below) or is of another kind. */
  firstBytes(s: Stack): number[] | null {
    const ws = this.grammar.whitespace > 0 ? WS_BYTES : NO_BYTES;
    const g = this.grammar;
    switch (s.kind) {
      case Kind.Value: return this.valueStart(s.node);
      case Kind.Object:
        switch (s.phase) {
          case Obj.Open: return [QUOTE, RBRACE, ...ws];
          case Obj.KeyNext: return [QUOTE, ...ws];
          case Obj.InKey: {
            const trie = this.keyTrie(g.objects[s.node], s.last, s.count, s.deps);
            return trie ? [...trie.next[s.key].keys()] : [];
          }
          case Obj.AfterKey: case Obj.AfterExtraKey: return [COLON, ...ws];
          case Obj.AfterColon: return [...this.valueStart(g.objects[s.node].props[s.key].node), ...ws];
          case Obj.AfterExtraColon: return [...this.valueStart(s.key), ...ws];
          case Obj.AfterValue: return [COMMA, RBRACE, ...ws];
          default: return null;
        }
      case Kind.Array: {
        const item = this.itemNode(s.node, s.items);
        const spec = g.arrays[s.node];
        const match = spec.containsMin > 0 && item >= 0 ? (s.items < spec.prefix.length ? spec.matchPrefix[s.items] : spec.matchRest) : -1;
        const starts = item >= 0 ? [...this.valueStart(item), ...(match >= 0 ? this.valueStart(match) : NO_BYTES)] : NO_BYTES;
        switch (s.phase) {
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
    if (s.kind !== Kind.Literal || !s.unique || parent.kind !== Kind.Array) return parent;
    const used = parent.usedLiterals | (1 << this.grammar.tries[s.node].payload[s.trieNode]);
    return this.arrayFrame(parent.node, { phase: parent.phase, items: parent.items, usedLiterals: used, matched: parent.matched, ws: parent.ws }, parent.parent!);
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
        const p = g.tries[s.node].payload[s.trieNode];
        return p >= 0 && (!s.unique || (s.usedLiterals & (1 << p)) === 0);
      }
      case Kind.Number: {
        if (!isCompletePhase(s.phase)) return false;
        const spec = g.numbers[s.node];
        return !spec.constrained || acceptsValue(spec, s.text);
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
        const child = this.grammar.tries[s.node].next[s.trieNode].get(byte);
        if (child === undefined) return;
        // In a uniqueItems array, only towards literals the array has not used yet.
        if (s.unique && (this.literalMask(s.node)[child] & ~s.usedLiterals) === 0) return;
        out.push(this.literalFrame(s.node, { trieNode: child, usedLiterals: s.usedLiterals, unique: s.unique }, s.parent!));
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
          if (child !== undefined) out.push(this.literalFrame(alt.trie, { trieNode: child, usedLiterals: 0, unique: false }, parent));
          break;
        }
        case 'string':
          if (byte === QUOTE) out.push(this.stringFrame(alt.spec, { dfaState: 0, chars: 0, extraKey: false }, parent));
          break;
        case 'number': {
          const spec = g.numbers[alt.spec];
          const phase = lexStep(spec, NumPhase.Start, 0, 0, 0, byte);
          if (phase < 0) break;
          const text = spec.constrained ? String.fromCharCode(byte) : '';
          if (spec.constrained && !feasible(spec, text)) break;
          out.push(this.numberFrame(alt.spec, { phase, intDigits: phase === NumPhase.Int ? 1 : 0, fracDigits: 0, expDigits: 0, text }, parent));
          break;
        }
        case 'object':
          if (byte === LBRACE) out.push(this.objectFrame(alt.spec, { phase: Obj.Open, last: -1, count: 0, key: 0, ws: 0, deps: 0 }, parent));
          break;
        case 'array':
          if (byte === LBRACKET) out.push(this.arrayFrame(alt.spec, { phase: Arr.Open, items: 0, usedLiterals: 0, matched: 0, ws: 0 }, parent));
          break;
      }
    }
  }

  /** The stack after the closing quote of string frame `s` ended in DFA state `q`. */
  private closed(s: Stack, q: number): Stack {
    const parent = s.parent!;
    if (!s.extraKey) return parent;
    // The end of an extra key: the object learns which value schema the key selected.
    const valueNode = this.grammar.strings[s.node].valueNodeByState![q];
    return this.objectFrame(parent.node, { phase: Obj.AfterExtraKey, last: parent.last, count: parent.count, key: valueNode, ws: 0, deps: parent.deps }, parent.parent!);
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
    const q = s.dfaState;
    if (byte === QUOTE && dfa.trans[q * 256 + QUOTE] < 0) {
      if (!dfa.accept[q] || s.chars < spec.minLength) return;
      out.push(this.closed(s, q));
      return;
    }
    const t = dfa.trans[q * 256 + byte];
    if (t < 0) return;
    let count = s.chars;
    if (spec.counted) {
      if (dfa.boundary[t]) count++;
      if (count + dfa.minChars[t] > spec.maxLength) return;
      if (count + dfa.maxChars[t] < spec.minLength) return;
      // Past minLength only the upper bound matters: forget the exact count when unbounded above.
      if (spec.maxLength === Infinity && count > spec.minLength) count = spec.minLength;
    }
    out.push(this.stringFrame(s.node, { dfaState: t, chars: count, extraKey: s.extraKey }, s.parent!));
  }

  private consumeNumber(s: Stack, byte: number, out: Stack[]): void {
    const spec = this.grammar.numbers[s.node];
    const phase = lexStep(spec, s.phase, s.intDigits, s.fracDigits, s.expDigits, byte);
    if (phase < 0) return;
    const digit = byte >= 0x30 && byte <= 0x39;
    const intDigits = s.intDigits + (digit && (phase === NumPhase.Int || phase === NumPhase.Zero || phase === NumPhase.NegZero) ? 1 : 0);
    const fracDigits = s.fracDigits + (digit && phase === NumPhase.Frac ? 1 : 0);
    const expDigits = s.expDigits + (digit && phase === NumPhase.Exp ? 1 : 0);
    let text = '';
    if (spec.constrained) {
      text = s.text + String.fromCharCode(byte);
      if (!feasible(spec, text)) return;
    }
    out.push(this.numberFrame(s.node, { phase, intDigits, fracDigits, expDigits, text }, s.parent!));
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
    const last = s.last;
    const count = s.count;
    const deps = s.deps;
    const ws = (byte === 0x20 || byte === 0x0a) && s.ws < g.whitespace;
    const parent = s.parent!;
    // This object in another phase; what is not given carries over (key and whitespace reset).
    const obj = (phase: Obj, key = 0, wsBytes = 0) => this.objectFrame(s.node, { phase, last, count, key, ws: wsBytes, deps }, parent);
    switch (s.phase) {
      case Obj.Open:
      case Obj.KeyNext: {
        if (ws) { out.push(obj(s.phase, 0, s.ws + 1)); return; }
        if (byte === RBRACE && s.phase === Obj.Open && this.canClose(spec, last, count, deps)) { out.push(parent); return; }
        if (byte === QUOTE) {
          if (this.keyTrie(spec, last, count, deps)) out.push(obj(Obj.InKey));
          if (this.extraKeyAllowed(spec, last, count, deps)) {
            const below = obj(Obj.ExtraKeyPending);
            out.push(this.stringFrame(spec.extraKey!.id, { dfaState: 0, chars: 0, extraKey: true }, below));
          }
        }
        return;
      }
      case Obj.InKey: {
        const trie = this.keyTrie(spec, last, count, deps)!;
        const child = trie.next[s.key].get(byte);
        if (child === undefined) return;
        const prop = trie.payload[child];
        // Key tails end with the closing quote, which never occurs raw inside a key: a payload means the
        // key is complete.
        if (prop >= 0) out.push(obj(Obj.AfterKey, prop));
        else out.push(obj(Obj.InKey, child));
        return;
      }
      case Obj.AfterKey:
      case Obj.AfterExtraKey: {
        if (ws) { out.push(obj(s.phase, s.key, s.ws + 1)); return; }
        if (byte === COLON) out.push(obj(s.phase === Obj.AfterKey ? Obj.AfterColon : Obj.AfterExtraColon, s.key));
        return;
      }
      case Obj.AfterColon:
      case Obj.AfterExtraColon: {
        if (ws) { out.push(obj(s.phase, s.key, s.ws + 1)); return; }
        const extra = s.phase === Obj.AfterExtraColon;
        const newLast = extra ? spec.props.length : s.key;
        const valueNode = extra ? s.key : spec.props[s.key].node;
        const bit = extra ? 0 : spec.trackBit[s.key];
        const resume = this.objectFrame(s.node, { phase: Obj.AfterValue, last: newLast, count: count + 1, key: 0, ws: 0, deps: deps | bit }, parent);
        this.startValue(valueNode, resume, byte, out);
        return;
      }
      case Obj.AfterValue: {
        if (ws) { out.push(obj(s.phase, 0, s.ws + 1)); return; }
        if (byte === RBRACE && this.canClose(spec, last, count, deps)) { out.push(parent); return; }
        if (byte === COMMA && (this.keyTrie(spec, last, count, deps) || this.extraKeyAllowed(spec, last, count, deps))) {
          out.push(obj(Obj.KeyNext));
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
    const count = s.items;
    const ws = (byte === 0x20 || byte === 0x0a) && s.ws < g.whitespace;
    const parent = s.parent!;
    const arr = (phase: Arr, items: number, matched: number, wsBytes: number) =>
      this.arrayFrame(s.node, { phase, items, usedLiterals: s.usedLiterals, matched, ws: wsBytes }, parent);
    switch (s.phase) {
      case Arr.Open:
      case Arr.Next: {
        if (ws) { out.push(arr(s.phase, count, s.matched, s.ws + 1)); return; }
        if (byte === RBRACKET && s.phase === Arr.Open && count >= spec.minItems && s.matched >= spec.containsMin) { out.push(parent); return; }
        const item = this.itemNode(s.node, count);
        if (item >= 0) {
          // Past every bound that depends on it, the exact count no longer matters for the future.
          const next = this.clampCount(spec, count + 1);
          if (spec.containsMin > 0) {
            // Room left after this item must cover the matches still owed.
            const room = spec.maxItems - (count + 1);
            if (spec.containsMin - s.matched <= room) {
              this.startValue(item, arr(Arr.AfterValue, next, s.matched, 0), byte, out);
            }
            const match = count < spec.prefix.length ? spec.matchPrefix[count] : spec.matchRest;
            const matched = Math.min(s.matched + 1, spec.containsMin);
            if (match >= 0 && spec.containsMin - matched <= room) {
              this.startValue(match, arr(Arr.AfterValue, next, matched, 0), byte, out);
            }
            return;
          }
          const resume = arr(Arr.AfterValue, next, 0, 0);
          if (spec.uniqueTrie >= 0) {
            const child = g.tries[spec.uniqueTrie].next[0].get(byte);
            if (child !== undefined && (this.literalMask(spec.uniqueTrie)[child] & ~s.usedLiterals) !== 0) {
              out.push(this.literalFrame(spec.uniqueTrie, { trieNode: child, usedLiterals: s.usedLiterals, unique: true }, resume));
            }
          } else this.startValue(item, resume, byte, out);
        }
        return;
      }
      case Arr.AfterValue: {
        if (ws) { out.push(arr(s.phase, count, s.matched, s.ws + 1)); return; }
        if (byte === RBRACKET && count >= spec.minItems && s.matched >= spec.containsMin) { out.push(parent); return; }
        if (byte === COMMA && this.itemNode(s.node, count) >= 0) out.push(arr(Arr.Next, count, s.matched, 0));
        return;
      }
    }
  }

  private clampCount(spec: { prefix: number[]; minItems: number; maxItems: number }, count: number): number {
    if (spec.maxItems !== Infinity) return count;
    return Math.min(count, Math.max(spec.prefix.length, spec.minItems));
  }
}

