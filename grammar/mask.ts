// The mask engine: which tokens of a vocabulary keep the document a prefix of the grammar, per PDA state
// set. Masks are cached on the set, so a state seen before costs nothing; a new state costs one walk of
// the token trie over memoised byte transitions, split into what the top frame allows on its own (shared
// by every stack below it) and the subtrees that reach below (see README: "How it works").

import type { Grammar, StringSpec } from './grammar.js';
import { Kind, Pda, type StackSet } from './pda.js';
import type { TokenVocabulary, TrieLayout } from './token-trie.js';
import { freeStringDfa, type StringDfa } from './string-dfa.js';
import { addToken } from '../tokenizer/token-set.js';

export class MaskRuntime {
  pda: Pda;
  private readonly setsByDepth: StackSet[];
  /** Per detached top frame (set id): its own tokens and the tokens that depend on the stack below. */
  private topParts = new Map<number, Part>();
  private readonly pathBytes: Uint8Array;
  private stringParts = new Map<string, Part>();
  private subtreeIds = new Map<number, Int32Array>();
  private readonly dfaStates: Int32Array;
  /** rootChild[b]: the trie node of first byte b, or -1. */
  private readonly rootChild = new Int32Array(256).fill(-1);
  private readonly firstByteBits = new Map<string, Uint32Array>();
  /** Per (frames below, first bytes of the top): the below mask without tokens starting with those. */
  private belowOwn = new Map<string, Uint32Array>();
  private readonly classTries = new WeakMap<StringDfa, { trie: TrieLayout; rep: Uint8Array }>();
  private readonly dfaWalks = new WeakMap<StringDfa, number>();
  private readonly dfaCounts: Float64Array;
  readonly noTokens: Uint32Array;

  constructor(readonly grammar: Grammar, readonly vocab: TokenVocabulary) {
    this.pda = new Pda(grammar);
    this.setsByDepth = new Array(vocab.trie.maxDepth + 1);
    this.pathBytes = new Uint8Array(vocab.trie.maxDepth + 1);
    this.dfaStates = new Int32Array(vocab.trie.maxDepth + 1);
    for (let i = 1; i < vocab.trie.nodeByte.length; i = vocab.trie.nodeEnd[i]) this.rootChild[vocab.trie.nodeByte[i]] = i;
    this.dfaCounts = new Float64Array(vocab.trie.maxDepth + 1);
    this.noTokens = new Uint32Array(vocab.words);
  }

  /** Starts over with empty caches when they outgrow their budget (called between documents). */
  maybeRenew(): void {
    if (this.pda.oversized) { this.pda = new Pda(this.grammar); this.topParts = new Map(); this.stringParts = new Map(); this.subtreeIds = new Map(); this.belowOwn = new Map(); }
  }

  /** The mask of `set`, cached on it: a full bitset, or (most states) a bitset shared by many states
   * plus a short list of extra token ids — masks are the bulk of the cache, and sharing them keeps
   * memory and garbage collection small. */
  mask(pda: Pda, set: StackSet): MaskValue {
    if (set.mask) return set.mask as MaskValue;
    const v = this.vocab;
    let out: MaskValue;
    const body = this.freeStringBody(pda, set);
    if (body) {
      // Inside a free string: the plain tokens as one block, the quote/backslash tokens from a raw-DFA
      // walk of their small trie (cached per string and count), closing subtrees from the real stack.
      const top = set.stacks[0];
      const key = `free:${top.node},${top.dfaState},${top.chars},${top.extraKey ? 1 : 0}`;
      let part = this.stringParts.get(key);
      if (!part) {
        part = this.walkStringDfa(pda.grammar.strings[top.node], top.dfaState, top.chars, v.stringBodySets().escapesAndQuotes);
        for (let w = 0; w < v.words; w++) part.own[w] |= body[w];
        this.stringParts.set(key, part);
      }
      out = this.applyPart(pda, set, part);
    } else if (set.stacks.length === 1 && set.stacks[0].kind === Kind.String) {
      out = this.stringMask(pda, set);
    } else if (set.stacks.length === 1 && (set.stacks[0].kind === Kind.Number || set.stacks[0].kind === Kind.Literal)) {
      out = this.endableMask(pda, set);
    } else if (set.stacks.length === 1 && set.stacks[0].parent !== pda.done) {
      out = this.splitMask(pda, set);
    } else {
      out = new Uint32Array(v.words);
      this.walk(pda, set, v.trie, out);
    }
    if (set.complete) {
      if (out instanceof CompositeMask) out = new CompositeMask(out.own, Int32Array.from([...out.extra, ...v.eosIds]));
      else for (let w = 0; w < v.words; w++) out[w] |= v.eosMask[w];
    }
    set.mask = out;
    return out;
  }

  /** The mask as a bitset: the cached one, or `scratch` filled in. */
  materialize(value: MaskValue, scratch: Uint32Array): Uint32Array {
    if (!(value instanceof CompositeMask)) return value;
    scratch.set(value.own);
    const extra = value.extra;
    for (let j = 0; j < extra.length; j++) { const id = extra[j]; addToken(scratch, id); }
    return scratch;
  }

  /** One stack: the tokens its top frame accepts on its own (computed once per top frame, shared by
   * every parent) plus the trie subtrees whose first bytes reach below it, walked with the real stack. */
  private splitMask(pda: Pda, set: StackSet): MaskValue {
    const top = set.stacks[0];
    const detached = pda.detach(top);
    let part = this.topParts.get(detached.id);
    if (!part) {
      const dependent: Dependent = { trie: this.vocab.trie, nodes: [], paths: [] };
      const first = pda.firstBytes(top);
      const ids: number[] = [];
      const trie = this.vocab.trie;
      this.setsByDepth[0] = detached;
      // Only the subtrees of bytes the top frame can take when it cannot end (no other byte is valid).
      if (first) {
        for (const b of first) {
          const node = this.rootChild[b];
          if (node >= 0) this.walkRange(pda, trie, null, node, trie.nodeEnd[node], dependent, ids);
        }
      } else this.walkRange(pda, trie, null, 1, trie.nodeByte.length, dependent, ids);
      // Few tokens (keys, punctuation) stay a list; many become a bitset.
      let own = this.noTokens;
      let ownIds: Int32Array | undefined = Int32Array.from(ids);
      if (ids.length > 1024) {
        own = new Uint32Array(this.vocab.words);
        for (const id of ids) addToken(own, id);
        ownIds = undefined;
      }
      part = { own, ownIds, dependent };
      this.topParts.set(detached.id, part);
    }
    return this.applyPart(pda, set, part);
  }

  /** Inside a string with an automaton (pattern, format, key classifier, or a free string mid-character):
   * the tokens that stay inside the string come from a walk of the raw DFA (no PDA states created),
   * cached per (string, DFA state, count); subtrees that close the string are walked with the real
   * stack, as in splitMask. */
  private stringMask(pda: Pda, set: StackSet): MaskValue {
    const top = set.stacks[0];
    const key = `${top.node},${top.dfaState},${top.chars},${top.extraKey ? 1 : 0}`;
    let part = this.stringParts.get(key);
    if (!part) {
      const spec = pda.grammar.strings[top.node];
      // Quote/backslash tokens from their own trie (they may close the string or escape); every other
      // token from the DFA's byte-class trie, where tokens spelling the same class sequence share a node.
      // The class trie (tens of ms to build) pays for itself only on automata whose states keep coming:
      // build it on the third walk of the same DFA; until then walk the vocabulary trie directly.
      const walks = (this.dfaWalks.get(spec.dfa) ?? 0) + 1;
      this.dfaWalks.set(spec.dfa, walks);
      // (Never for the free-string DFA: off its boundary state only continuation bytes or escape
      // characters can follow, and the direct walk stops at the first byte.)
      if (walks >= 3 && !spec.dfa.isFree) {
        part = this.walkStringDfa(spec, top.dfaState, top.chars, this.vocab.stringBodySets().escapesAndQuotes);
        const classes = this.classTrie(spec.dfa);
        const plain = this.walkStringDfa(spec, top.dfaState, top.chars, classes.trie, classes.rep);
        for (let w = 0; w < plain.own.length; w++) part.own[w] |= plain.own[w];
      } else part = this.walkStringDfa(spec, top.dfaState, top.chars, this.vocab.trie);
      this.stringParts.set(key, part);
    }
    return this.applyPart(pda, set, part);
  }

  /** The vocabulary's quote- and backslash-free tokens re-spelled in the DFA's byte classes (bytes with
   * identical transitions everywhere), as a trie: thousands of tokens collapse into one path. */
  private classTrie(dfa: StringDfa): { trie: TrieLayout; rep: Uint8Array } {
    let ct = this.classTries.get(dfa);
    if (ct) return ct;
    const classOf = new Uint8Array(256);
    const rep: number[] = [];
    const byColumn = new Map<string, number>();
    const dead = new Uint8Array(256);
    for (let b = 0; b < 256; b++) {
      const col: number[] = [];
      let any = false;
      for (let q = 0; q < dfa.size; q++) { const t = dfa.trans[q * 256 + b]; col.push(t); if (t >= 0) any = true; }
      if (!any) { dead[b] = 1; continue; }
      const key = col.join(',');
      let c = byColumn.get(key);
      if (c === undefined) { c = rep.length; rep.push(b); byColumn.set(key, c); }
      classOf[b] = c;
    }
    // Re-spell the vocabulary trie in classes: node i of the byte trie maps to the class-trie node of
    // its parent's image plus class(byte); subtrees through a dead byte, a quote or a backslash drop out.
    const vt = this.vocab.trie;
    const children = new Map<number, number>();
    const kids: number[][] = [[]];
    const classByte: number[] = [0];
    const tokensAt: number[][] = [[]];
    const atDepth = new Int32Array(vt.maxDepth + 1);
    for (let i = 1; i < vt.nodeByte.length;) {
      const b = vt.nodeByte[i];
      if (dead[b] || b === 0x22 || b === 0x5c) { i = vt.nodeEnd[i]; continue; }
      const d = vt.nodeDepth[i];
      const key = atDepth[d - 1] * 256 + classOf[b];
      let node = children.get(key);
      if (node === undefined) {
        node = kids.length;
        children.set(key, node);
        kids.push([]);
        classByte.push(classOf[b]);
        tokensAt.push([]);
        kids[atDepth[d - 1]].push(node);
      }
      atDepth[d] = node;
      for (let t = vt.tokenStart[i], e = vt.tokenStart[i + 1]; t < e; t++) tokensAt[node].push(vt.tokenIds[t]);
      i++;
    }
    // Pre-order layout.
    const nodeByte: number[] = [];
    const nodeDepth: number[] = [];
    const nodeEnd: number[] = [];
    const tokenStart: number[] = [];
    const tokenIds: number[] = [];
    let maxDepth = 0;
    const visit = (node: number, depth: number) => {
      const at = nodeByte.length;
      nodeByte.push(classByte[node]);
      nodeDepth.push(depth);
      nodeEnd.push(0);
      tokenStart.push(tokenIds.length);
      for (const id of tokensAt[node]) tokenIds.push(id);
      if (depth > maxDepth) maxDepth = depth;
      for (const k of kids[node]) visit(k, depth + 1);
      nodeEnd[at] = nodeByte.length;
    };
    visit(0, 0);
    tokenStart.push(tokenIds.length);
    const trie: TrieLayout = {
      nodeByte: Uint8Array.from(nodeByte), nodeDepth: Uint16Array.from(nodeDepth), nodeEnd: Int32Array.from(nodeEnd),
      tokenStart: Int32Array.from(tokenStart), tokenIds: Int32Array.from(tokenIds), maxDepth,
    };
    ct = { trie, rep: Uint8Array.from(rep) };
    this.classTries.set(dfa, ct);
    return ct;
  }

  private walkStringDfa(spec: StringSpec, startState: number, startCount: number, trie: TrieLayout, rep?: Uint8Array): { own: Uint32Array; dependent: Dependent } {
    const own = new Uint32Array(this.vocab.words);
    const dependent: Dependent = { trie, nodes: [], paths: [], closeStates: [] };
    const { trans, accept, boundary, minChars, maxChars } = spec.dfa;
    const { minLength, maxLength, counted } = spec;
    const states = this.dfaStates;
    const counts = this.dfaCounts;
    const path = this.pathBytes;
    states[0] = startState;
    counts[0] = startCount;
    const bytes = trie.nodeByte, depth = trie.nodeDepth, end = trie.nodeEnd, tokStart = trie.tokenStart, tokIds = trie.tokenIds;
    const n = bytes.length;
    let i = 1;
    while (i < n) {
      const d = depth[i];
      const q = states[d - 1];
      const b = rep ? rep[bytes[i]] : bytes[i];
      path[d - 1] = b;
      const t = trans[q * 256 + b];
      if (b === 0x22 && t < 0) {
        // A closing quote: fine if the string may end here; what follows depends on the stack below.
        if (accept[q] && counts[d - 1] >= minLength) {
          dependent.nodes.push(i);
          dependent.paths.push(path.slice(0, d));
          dependent.closeStates!.push(q);
        }
        i = end[i];
        continue;
      }
      if (t < 0) { i = end[i]; continue; }
      let count = counts[d - 1];
      if (counted) {
        if (boundary[t]) count++;
        if (count + minChars[t] > maxLength || count + maxChars[t] < minLength) { i = end[i]; continue; }
        if (maxLength === Infinity && count > minLength) count = minLength;
      }
      states[d] = t;
      counts[d] = count;
      for (let k = tokStart[i], e = tokStart[i + 1]; k < e; k++) { const id = tokIds[k]; addToken(own, id); }
      i++;
    }
    return { own, dependent };
  }

  /** own | (the dependent subtrees, walked from the real stack). A subtree's answer depends only on
   * the PDA state its path leads to, so it is cached per (state, subtree) as a list of token ids. */
  private applyPart(pda: Pda, set: StackSet, part: Part): CompositeMask {
    const extra: number[] = part.ownIds ? Array.from(part.ownIds) : [];
    const { trie, nodes, paths, closeStates } = part.dependent;
    const empty = pda.empty;
    const trieSize = trie.nodeByte.length;
    const trieTag = trie === this.vocab.trie ? 0 : 1;
    const top = set.stacks[0];
    for (let k = 0; k < nodes.length; k++) {
      const path = paths[k];
      let s: StackSet;
      if (closeStates) {
        // The path ends with the string's closing quote: what is left is the stack below.
        s = pda.afterClose(top, closeStates[k]);
      } else {
        // The first byte the top frame refused on its own goes to the frames below it (their state does
        // not depend on the top's counters, so these steps are shared across many tops).
        s = path.length === 1 || this.refusedByTop(pda, set, path[0]) ? pda.belowTop(set) : set;
        for (let i = 0; i < path.length && s !== empty; i++) {
          const cached = s.next[path[i]];
          s = cached >= 0 ? pda.sets[cached] : pda.step(s, path[i]);
        }
      }
      if (s === empty) continue;
      const node = nodes[k];
      const key = (s.id * trieSize + node) * 2 + trieTag;
      let ids = this.subtreeIds.get(key);
      if (!ids) {
        const collected: number[] = [];
        for (let t = trie.tokenStart[node], e = trie.tokenStart[node + 1]; t < e; t++) collected.push(trie.tokenIds[t]);
        this.setsByDepth[trie.nodeDepth[node]] = s;
        this.walkRange(pda, trie, null, node + 1, trie.nodeEnd[node], undefined, collected);
        ids = Int32Array.from(collected);
        this.subtreeIds.set(key, ids);
      }
      for (let j = 0; j < ids.length; j++) extra.push(ids[j]);
    }
    return new CompositeMask(part.own, Int32Array.from(extra));
  }

  /** A number or literal on top: it can only consume a few known bytes (digits and signs; the literal
   * trie's next bytes). Tokens starting with one of those are walked from the real stack; every other
   * token is valid exactly when the frames below the top accept it (if the top may end here), which is
   * their own cached mask. */
  private endableMask(pda: Pda, set: StackSet): MaskValue {
    const top = set.stacks[0];
    const first = top.kind === Kind.Number ? NUMBER_BYTES : [...pda.grammar.tries[top.node].next[top.trieNode].keys()];
    const trie = this.vocab.trie;
    const below = pda.belowTop(set);
    let own = this.noTokens;
    if (below !== pda.empty) {
      const key = `${below.id}|${first.join(',')}`;
      let cached = this.belowOwn.get(key);
      if (!cached) {
        const belowMask = this.materialize(this.mask(pda, below), new Uint32Array(this.vocab.words));
        const starts = this.firstBytesTokens(first);
        cached = new Uint32Array(belowMask.length);
        for (let w = 0; w < cached.length; w++) cached[w] = belowMask[w] & ~starts[w];
        this.belowOwn.set(key, cached);
      }
      own = cached;
    }
    const extra: number[] = [];
    const sets = this.setsByDepth;
    for (const b of first) {
      const node = this.rootChild[b];
      if (node < 0) continue;
      const cached = set.next[b];
      const s = cached >= 0 ? pda.sets[cached] : pda.step(set, b);
      if (s === pda.empty) continue;
      for (let t = trie.tokenStart[node], e = trie.tokenStart[node + 1]; t < e; t++) extra.push(trie.tokenIds[t]);
      sets[1] = s;
      this.walkRange(pda, trie, null, node + 1, trie.nodeEnd[node], undefined, extra);
    }
    return new CompositeMask(own, Int32Array.from(extra));
  }

  /** Tokens whose first byte is one of `bytes` (cached per byte set). */
  private firstBytesTokens(bytes: number[]): Uint32Array {
    const key = bytes.join(',');
    let bits = this.firstByteBits.get(key);
    if (!bits) {
      bits = new Uint32Array(this.vocab.words);
      const trie = this.vocab.trie;
      for (const b of bytes) {
        const node = this.rootChild[b];
        if (node < 0) continue;
        for (let i = node; i < trie.nodeEnd[node]; i++) {
          for (let t = trie.tokenStart[i], e = trie.tokenStart[i + 1]; t < e; t++) { const id = trie.tokenIds[t]; addToken(bits, id); }
        }
      }
      this.firstByteBits.set(key, bits);
    }
    return bits;
  }

  /** Whether the top frame of a one-stack set consumes nothing of `byte` on its own. */
  private refusedByTop(pda: Pda, set: StackSet, byte: number): boolean {
    const detached = pda.detach(set.stacks[0]);
    return !pda.step(detached, byte).hasOwnPath;
  }

  /** The plain-token block when `set` is one stack inside a free string at a character boundary. */
  private freeStringBody(pda: Pda, set: StackSet): Uint32Array | null {
    if (set.stacks.length !== 1) return null;
    const top = set.stacks[0];
    if (top.kind !== Kind.String) return null;
    const spec = pda.grammar.strings[top.node];
    if (!(spec.dfa.isFree && top.dfaState === FREE_BOUNDARY) && !isUniversal(spec.dfa, top.dfaState)) return null;
    const sets = this.vocab.stringBodySets();
    const room = spec.maxLength === Infinity ? sets.maxChars : Math.min(sets.maxChars, spec.maxLength - top.chars);
    return room >= 0 ? sets.withinChars[room] : null;
  }

  /** Sets the bits of every token of `trie` whose bytes the PDA accepts from `set`. From a detached set,
   * a subtree whose bytes so far reach below the top frame (and nowhere else) is recorded in
   * `dependent` and skipped: its answer depends on the real stack. */
  private walk(pda: Pda, set: StackSet, trie: TrieLayout, out: Uint32Array, dependent?: Dependent): void {
    this.setsByDepth[0] = set;
    this.walkRange(pda, trie, out, 1, trie.nodeByte.length, dependent);
  }

  /** The walk over trie nodes [from, to), with setsByDepth[depth(from) - 1] already set. */
  private walkRange(pda: Pda, trie: TrieLayout, out: Uint32Array | null, from: number, to: number, dependent?: Dependent, collect?: number[]): void {
    const empty = pda.empty;
    const sets = this.setsByDepth;
    const path = this.pathBytes;
    const bytes = trie.nodeByte, depth = trie.nodeDepth, end = trie.nodeEnd, tokStart = trie.tokenStart, tokIds = trie.tokenIds;
    const all = pda.sets;
    let i = from;
    while (i < to) {
      const d = depth[i];
      const parent = sets[d - 1];
      const cached = parent.next[bytes[i]];
      const next = cached >= 0 ? all[cached] : pda.step(parent, bytes[i]);
      if (next === empty) { i = end[i]; continue; }
      if (dependent) {
        path[d - 1] = bytes[i];
        if (!next.hasOwnPath) {
          dependent.nodes.push(i);
          dependent.paths.push(path.slice(0, d));
          i = end[i];
          continue;
        }
      }
      sets[d] = next;
      if (out) for (let k = tokStart[i], e = tokStart[i + 1]; k < e; k++) { const id = tokIds[k]; addToken(out, id); }
      else for (let k = tokStart[i], e = tokStart[i + 1]; k < e; k++) collect!.push(tokIds[k]);
      i++;
    }
  }
}

const universalStates = new WeakMap<StringDfa, Int8Array>();

/** Does DFA state `q` accept every string from here (like the free-string automaton at a boundary)?
 * Then the free-string token blocks apply to it: the sink of an "any key but these" automaton, say.
 * Checked by walking `q` in step with the free-string DFA: every byte the free DFA takes must be taken,
 * and acceptance must agree. */
function isUniversal(dfa: StringDfa, q: number): boolean {
  let memo = universalStates.get(dfa);
  if (!memo) { memo = new Int8Array(dfa.size).fill(-1); universalStates.set(dfa, memo); }
  if (memo[q] >= 0) return memo[q] === 1;
  const free = freeStringDfa();
  let ok = dfa.boundary[q] === 1;
  const seen = new Set<number>();
  const stack: Array<[number, number]> = [[q, FREE_BOUNDARY]];
  seen.add(q * 64 + FREE_BOUNDARY);
  while (ok && stack.length) {
    const [x, f] = stack.pop()!;
    if (free.accept[f] && !dfa.accept[x]) { ok = false; break; }
    for (let b = 0; b < 256 && ok; b++) {
      const ft = free.trans[f * 256 + b];
      if (ft < 0) continue;
      const xt = dfa.trans[x * 256 + b];
      if (xt < 0) { ok = false; break; }
      const key = xt * 64 + ft;
      if (!seen.has(key)) { seen.add(key); stack.push([xt, ft]); }
    }
    if (seen.size > 20000) ok = false;
  }
  memo[q] = ok ? 1 : 0;
  return ok;
}

/** A mask as a shared bitset plus extra token ids. */
class CompositeMask {
  constructor(readonly own: Uint32Array, readonly extra: Int32Array) {}
}

export type MaskValue = Uint32Array | CompositeMask;

/** Bytes a number frame can consume: digits, sign, point, exponent. */
const NUMBER_BYTES = Array.from('0123456789-+.eE', (c) => c.charCodeAt(0));

/** What one top frame (or string state) allows by itself: a bitset or a short id list, plus the
 * subtrees that depend on the stack below. */
interface Part { own: Uint32Array; ownIds?: Int32Array; dependent: Dependent }

/** Trie subtrees whose answer depends on the stack below the top frame: the subtree root, the bytes
 * leading to it, and for string parts the DFA state in which the closing quote was read. */
interface Dependent { trie: TrieLayout; nodes: number[]; paths: Uint8Array[]; closeStates?: number[] }

/** The free-string DFA state at a character boundary (its start state: every whole character returns
 * there). */
const FREE_BOUNDARY = 0;
