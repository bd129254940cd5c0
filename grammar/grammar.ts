// The compiled grammar: a graph of value nodes, each a union of alternatives (a literal set, a string, a
// number, an object, an array), with the per-kind specs the matcher steps through. It holds no model or
// vocabulary: masks are computed against a TokenVocabulary by the matcher.

import type { NumberSpec } from './number-range.js';
import type { StringDfa } from './string-dfa.js';

/** A byte trie of literal spellings (enum/const values, true/false/null, object keys). payload[node] is
 * >= 0 on nodes where a spelling ends (for keys: the property index), -1 elsewhere. */
export class LiteralTrie {
  readonly next: Array<Map<number, number>> = [new Map()];
  readonly payload: number[] = [-1];

  add(bytes: Uint8Array, payload: number): void {
    let node = 0;
    for (const b of bytes) {
      let child = this.next[node].get(b);
      if (child === undefined) {
        child = this.next.length;
        this.next.push(new Map());
        this.payload.push(-1);
        this.next[node].set(b, child);
      }
      node = child;
    }
    if (this.payload[node] < 0) this.payload[node] = payload;
  }

  get isEmpty(): boolean {
    return this.next[0].size === 0 && this.payload[0] < 0;
  }
}

export interface StringSpec {
  readonly id: number;
  readonly dfa: StringDfa;
  readonly minLength: number;
  readonly maxLength: number; // Infinity when unbounded
  /** Whether the matcher must count characters (some length bound applies). */
  readonly counted: boolean;
  /** For keys of additional properties: the value node each accepting DFA state leads to, else null. */
  readonly valueNodeByState: Int32Array | null;
}

export interface PropertySpec {
  readonly name: string;
  /** The key as written in the document after the opening quote: canonical JSON spelling plus '"'. */
  readonly keyTail: Uint8Array;
  readonly node: number;
  readonly required: boolean;
}

export interface ObjectSpec {
  readonly id: number;
  readonly props: PropertySpec[];
  /** requiredAfter[i + 1] = number of required properties with index > i (i from -1 to props.length). */
  readonly requiredAfter: Int32Array;
  /** Keys beyond the declared properties (additionalProperties / patternProperties), or null. */
  readonly extraKey: StringSpec | null;
  readonly minProperties: number;
  readonly maxProperties: number; // Infinity when unbounded
  /** Key tries per (last property index, count, dependency mask), built on first use. */
  readonly keyTries: Map<number | string, LiteralTrie>;
  /** dependentRequired: per property, the bits of emitted triggers that make it required. */
  readonly requiredBy: Int32Array;
  /** Per property: its bit in the frame's emitted-properties mask (0: not tracked). */
  readonly trackBit: Int32Array;
  /** Per property: bits of the properties that must already be present before it may come (its
   * dependencies earlier in the order), or -1 when it may never come (a dependency cannot exist). */
  readonly needsBefore: Int32Array;
  readonly hasDependencies: boolean;
}

export interface ArraySpec {
  readonly id: number;
  /** Node of item i for i < prefix.length. */
  readonly prefix: number[];
  /** Node of the items after the prefix, -1 when none may follow. */
  readonly rest: number;
  readonly minItems: number;
  readonly maxItems: number; // Infinity when unbounded
  /** uniqueItems over literal items: the literal trie whose payloads (< 31) the array tracks, else -1. */
  readonly uniqueTrie: number;
  /** contains / minContains: at least this many items must also match `contains` (0: no such rule). */
  readonly containsMin: number;
  /** Node of item i that also matches `contains` (-1: cannot), for i < prefix.length; then matchRest. */
  readonly matchPrefix: number[];
  readonly matchRest: number;
}

export type Alternative =
  | { kind: 'literal'; trie: number }
  | { kind: 'string'; spec: number }
  | { kind: 'number'; spec: number }
  | { kind: 'object'; spec: number }
  | { kind: 'array'; spec: number };

export interface ValueNode {
  readonly id: number;
  alts: Alternative[];
  /** Still being compiled (recursion reached it). */
  pending: boolean;
}

export interface WhitespaceOption { pretty: number }

export class Grammar {
  readonly nodes: ValueNode[] = [];
  readonly strings: StringSpec[] = [];
  readonly numbers: NumberSpec[] = [];
  readonly objects: ObjectSpec[] = [];
  readonly arrays: ArraySpec[] = [];
  readonly tries: LiteralTrie[] = [];
  root = -1;
  /** Most whitespace bytes allowed in one gap between tokens (0: compact). */
  whitespace = 0;
  /** The schema as given, for the final ajv check. */
  schema: unknown = undefined;

  newNode(): ValueNode {
    const node: ValueNode = { id: this.nodes.length, alts: [], pending: true };
    this.nodes.push(node);
    return node;
  }
}
