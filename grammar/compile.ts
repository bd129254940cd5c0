// JSON Schema -> Grammar. A schema position is compiled as the conjunction of the schema objects that
// apply there (the schema itself, what its $ref and allOf bring in), so allOf is merged rather than
// approximated; anyOf/oneOf distribute over that conjunction into alternatives. Every conjunction is
// compiled once (memoised), which is also what makes recursive schemas finite. The conjunctions come from
// schema-fold.ts, their typed keyword folds from constraints.ts; this file lowers them to grammar specs.
// The decisions about each keyword are listed in grammar/README.md.

import { keywordValues, sizeBounds, type Conj, type Json } from './constraints.js';
import { GrammarError } from './errors.js';
import { lookupFormat } from './formats.js';
import { Grammar, LiteralTrie, type Alternative, type ObjectSpec, type StringSpec, type ValueNode } from './grammar.js';
import { FRAC_DIGITS, feasible, toGrid, type NumberSpec } from './number-range.js';
import { ObjectLowering, type LoweringContext } from './lower-object.js';
import { Pda } from './pda.js';
import { removeUnproductive } from './productive.js';
import { parsePattern, RegexSyntaxError, type ParsedPattern } from './regex.js';
import { SchemaFolder, type TypeName } from './schema-fold.js';
import { SchemaResources, detectDraft, type Draft } from './schema-resources.js';
import {
  AutomatonTooLargeError, NO_ACCEPTING_PATH, cachedPatternsDfa, freeStringDfa, intersectStringDfas, type StringDfa,
} from './string-dfa.js';

export interface CompileOptions {
  /** Report keywords the grammar cannot enforce as warnings instead of refusing the schema. */
  lenient?: boolean;
  /** 'compact' (default): no whitespace at all; { pretty: n }: up to n spaces/newlines in each gap. */
  whitespace?: 'compact' | { pretty: number };
  /** Draft assumed when the schema has no $schema (default 2020-12). */
  defaultDraft?: Draft;
  /** Other schema documents by absolute URI (e.g. "https://example.com/address.json"), for $refs
   * into them. Nothing is ever fetched. */
  schemas?: Record<string, unknown>;
  /** What to emit where a schema declares properties but says nothing about additionalProperties:
   * 'forbid' (default) emits only the declared ones; 'allow' also emits other keys, as the spec permits. */
  silentAdditionalProperties?: 'forbid' | 'allow';
}

export interface CompileResult { grammar: Grammar; warnings: string[] }

const MAX_ALTERNATIVES = 256;
/** Limits that keep compile time and stack depth bounded; beyond them the schema is refused. */
const MAX_NESTING = 150;
const MAX_ENUM_VALUES = 20_000;
const MAX_ENUM_BYTES = 1 << 20;
/** Beyond these the grammar emits nothing of that kind: no decoding budget reaches such documents. */
const MAX_EMITTED_MIN_LENGTH = 100_000;
const MAX_EMITTED_MIN_ITEMS = 10_000;
const ENCODER = new TextEncoder();

export function compileGrammar(schema: unknown, options: CompileOptions = {}): CompileResult {
  const compiler = new Compiler(schema, options);
  const grammar = compiler.run();
  return { grammar, warnings: compiler.warnings };
}

class Compiler implements LoweringContext {
  readonly grammar = new Grammar();
  readonly fold: SchemaFolder;
  private readonly draft: Draft;
  private readonly memo = new Map<string, number>();
  /** How deep nodeFor is nested (schema nesting being compiled), bounded so the stack never overflows. */
  private depth = 0;
  readonly lenient: boolean;
  private readonly objects = new ObjectLowering(this);

  constructor(private readonly schema: unknown, private readonly options: CompileOptions) {
    this.lenient = options.lenient ?? false;
    if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
      throw new GrammarError('schema', '', 'invalid schema: a schema must be an object or a boolean');
    }
    this.draft = detectDraft(schema, options.defaultDraft ?? '2020-12');
    this.fold = new SchemaFolder(new SchemaResources(schema, this.draft, options.schemas), this.lenient);
    const ws = options.whitespace ?? 'compact';
    this.grammar.whitespace = ws === 'compact' ? 0 : Math.max(0, Math.floor(ws.pretty));
    this.grammar.schema = schema;
  }

  get silentAdditionalProperties(): 'forbid' | 'allow' | undefined {
    return this.options.silentAdditionalProperties;
  }

  get warnings(): string[] {
    return this.fold.warnings;
  }

  run(): Grammar {
    const root = this.nodeFor(this.fold.conjOf([this.schema]));
    const node = this.grammar.nodes[root];
    if (node.alts.length === 0) throw this.fold.dropped[0] ?? new GrammarError('schema', '', 'contradictory constraints: no JSON value satisfies the schema');
    this.grammar.root = root;
    removeUnproductive(this.grammar);
    return this.grammar;
  }

  // ---------------------------------------------------------------- nodes
  nodeFor(conj: Conj): number {
    const key = this.fold.conjKey(conj);
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    const node = this.grammar.newNode();
    this.memo.set(key, node.id);
    if (this.depth >= MAX_NESTING) {
      throw new GrammarError('schema', this.fold.ptr(conj.atoms[0] ?? {}), `nested more than ${MAX_NESTING} levels deep (objects, arrays and alternatives)`);
    }
    this.depth++;
    try {
      if (!conj.never) node.alts = this.alternatives(conj);
    } finally {
      this.depth--;
    }
    node.pending = false;
    return node.id;
  }

  private alternatives(conj: Conj): Alternative[] {
    // Split the first anyOf/oneOf not yet split; the branches see the rest of the conjunction.
    for (const atom of conj.atoms) {
      for (const kw of ['anyOf', 'oneOf'] as const) {
        const branches = atom[kw];
        if (!Array.isArray(branches)) continue;
        const tag = `${this.fold.idOf(atom)}/${kw}`;
        if (conj.split.has(tag)) continue;
        const pointer = this.fold.ptr(atom);
        const nodes: ValueNode[] = [];
        branches.forEach((branch, i) => {
          const sub = this.fold.conjOf([], conj);
          sub.split.add(tag);
          this.fold.addToConj(sub, branch, `${pointer}/${kw}/${i}`);
          const n = this.grammar.nodes[this.nodeFor(sub)];
          if (n.pending) throw new GrammarError(kw, pointer, 'a branch refers back to this schema without any object or array in between (infinite recursion)');
          nodes.push(n);
        });
        if (kw === 'oneOf') this.checkExclusive(nodes.filter((n) => n.alts.length > 0), pointer);
        const alts = nodes.flatMap((n) => n.alts);
        if (alts.length > MAX_ALTERNATIVES) throw new GrammarError(kw, pointer, `more than ${MAX_ALTERNATIVES} alternatives after distributing anyOf/oneOf`);
        return alts;
      }
    }
    return this.simpleAlternatives(conj);
  }

  /** oneOf is anyOf plus "exactly one": enforced when the branches provably cannot both match. */
  private checkExclusive(nodes: ValueNode[], pointer: string): void {
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        if (!this.disjoint(nodes[i], nodes[j])) {
          this.fold.refuse('oneOf', pointer, `branches ${i} and ${j} can match the same value; the grammar cannot enforce "exactly one"`);
          return;
        }
      }
    }
  }

  private disjoint(x: ValueNode, y: ValueNode): boolean {
    for (const a of x.alts) for (const b of y.alts) if (!this.altsDisjoint(a, b)) return false;
    return true;
  }

  private altsDisjoint(a: Alternative, b: Alternative): boolean {
    const g = this.grammar;
    if (a.kind === 'literal' && b.kind === 'literal') {
      return !this.literalsOf(a.trie).some((l) => this.literalsOf(b.trie).includes(l));
    }
    if (a.kind === 'literal' || b.kind === 'literal') {
      const [lit, other] = a.kind === 'literal' ? [a, b] : [b, a as Alternative];
      const first = other.kind === 'string' ? '"' : other.kind === 'object' ? '{' : other.kind === 'array' ? '[' : '-0123456789';
      return this.literalsOf((lit as { trie: number }).trie).every((l) => !first.includes(l[0]));
    }
    if (a.kind !== b.kind) return true;
    if (a.kind === 'number' && b.kind === 'number') {
      const p = g.numbers[a.spec], q = g.numbers[b.spec];
      // Compare on a common grid: both integer, or compare as reals via bounds on their own grids.
      if (p.integer === q.integer) {
        if (p.hi !== null && q.lo !== null && p.hi < q.lo) return true;
        if (q.hi !== null && p.lo !== null && q.hi < p.lo) return true;
      }
      return false;
    }
    if (a.kind === 'object' && b.kind === 'object') {
      // A discriminator: a property both require, with disjoint values.
      const p = g.objects[a.spec], q = g.objects[b.spec];
      for (const pp of p.props) {
        if (!pp.required) continue;
        const qp = q.props.find((x) => x.name === pp.name && x.required);
        if (qp && this.disjoint(g.nodes[pp.node], g.nodes[qp.node])) return true;
      }
      // Closed objects whose required names the other cannot have.
      const closed = (o: ObjectSpec) => o.extraKey === null;
      if (closed(q) && p.props.some((pp) => pp.required && !q.props.some((x) => x.name === pp.name))) return true;
      if (closed(p) && q.props.some((qp) => qp.required && !p.props.some((x) => x.name === qp.name))) return true;
      return false;
    }
    return false;
  }

  literalsOf(trieId: number): string[] {
    const trie = this.grammar.tries[trieId];
    const out: string[] = [];
    const walk = (node: number, prefix: number[]) => {
      if (trie.payload[node] >= 0) out.push(new TextDecoder().decode(Uint8Array.from(prefix)));
      for (const [b, child] of trie.next[node]) walk(child, [...prefix, b]);
    };
    walk(0, []);
    return out;
  }

  // ---------------------------------------------------------------- one conjunction without anyOf

  private allowedTypes(conj: Conj): Set<TypeName> {
    let types = new Set<TypeName>(['null', 'boolean', 'object', 'array', 'string', 'number']);
    for (const [atom, t] of keywordValues(conj, 'type')) {
      const listed = new Set<TypeName>((Array.isArray(t) ? t : [t]) as TypeName[]);
      if (atom.nullable === true) listed.add('null'); // OpenAPI 3.0
      const next = new Set<TypeName>();
      for (const x of types) {
        if (listed.has(x)) next.add(x);
        else if (x === 'number' && listed.has('integer')) next.add('integer');
        else if (x === 'integer' && listed.has('number')) next.add('integer');
      }
      types = next;
    }
    return types;
  }

  private simpleAlternatives(conj: Conj, ignoreEnum = false): Alternative[] {
    const types = this.allowedTypes(conj);
    const enums = ignoreEnum ? undefined : this.enumValues(conj);
    if (enums !== undefined) return this.enumAlternatives(conj, enums, types);
    const alts: Alternative[] = [];
    const literals: string[] = [];
    if (types.has('null')) literals.push('null');
    if (types.has('boolean')) literals.push('true', 'false');
    if (literals.length) alts.push(this.literalAlt(literals));
    if (types.has('number') || types.has('integer')) {
      const spec = this.numberSpec(conj, !types.has('number'));
      if (spec) alts.push({ kind: 'number', spec: spec.id });
    }
    if (types.has('string')) {
      const spec = this.stringSpec(conj);
      if (spec) alts.push({ kind: 'string', spec: spec.id });
    }
    if (types.has('array')) {
      const spec = this.arraySpec(conj);
      if (spec !== undefined) alts.push({ kind: 'array', spec });
    }
    if (types.has('object')) {
      const spec = this.objects.lower(conj);
      if (spec !== undefined) alts.push({ kind: 'object', spec });
    }
    return alts;
  }

  private literalAlt(spellings: string[]): Alternative {
    const trie = new LiteralTrie();
    // Each spelling's index is its payload (uniqueItems tracks which literals an array has used).
    spellings.forEach((s, i) => trie.add(ENCODER.encode(s), i));
    this.grammar.tries.push(trie);
    return { kind: 'literal', trie: this.grammar.tries.length - 1 };
  }

  /** enum/const values common to every atom, or undefined when none constrains. */
  enumValues(conj: Conj): unknown[] | undefined {
    let values: unknown[] | undefined;
    for (const atom of conj.atoms) {
      const own: unknown[] | undefined = atom.const !== undefined ? [atom.const] : (atom.enum as unknown[] | undefined);
      if (atom.const !== undefined && atom.enum !== undefined) {
        const c = canonicalKey(atom.const);
        values = intersectValues(values, (atom.enum as unknown[]).filter((v) => canonicalKey(v) === c));
        continue;
      }
      if (own !== undefined) values = intersectValues(values, own);
    }
    return values;
  }

  /** Each enum value becomes a literal, kept only if the rest of the schema accepts it (checked by running
   * its JSON spelling through the grammar of the rest). */
  private enumAlternatives(conj: Conj, values: unknown[], types: Set<TypeName>): Alternative[] {
    if (values.length > MAX_ENUM_VALUES) {
      throw new GrammarError('enum', this.fold.ptr(conj.atoms[0]), `more than ${MAX_ENUM_VALUES} values (${values.length}); the grammar refuses enums this large`);
    }
    let bytes = 0;
    for (const v of values) {
      bytes += JSON.stringify(v)?.length ?? 0;
      if (bytes > MAX_ENUM_BYTES) throw new GrammarError('enum', this.fold.ptr(conj.atoms[0]), `values spelled in more than ${MAX_ENUM_BYTES} bytes; the grammar refuses enums this large`);
    }
    const restNode = this.grammar.newNode();
    restNode.alts = this.simpleAlternatives(conj, true);
    restNode.pending = false;
    const pda = new Pda(this.grammar, restNode.id);
    const kept: string[] = [];
    const seen = new Set<string>();
    for (const v of values) {
      const key = canonicalKey(v);
      if (seen.has(key)) continue; // equal values (1 and 1.0, reordered objects) are one literal
      seen.add(key);
      const type = jsonType(v);
      if (!types.has(type) && !(type === 'integer' && types.has('number'))) continue;
      const spelling = JSON.stringify(v);
      if (pda.run(pda.initial, ENCODER.encode(spelling)).complete) kept.push(spelling);
    }
    return kept.length ? [this.literalAlt(kept)] : [];
  }

  private numberSpec(conj: Conj, integerOnly: boolean): NumberSpec | null {
    let integer = integerOnly;
    let multiple: bigint | null = null;
    const floatDivisors: number[] = [];
    let fracCap = FRAC_DIGITS;
    for (const [atom, m] of keywordValues(conj, 'multipleOf')) {
      if (!Number.isInteger(m)) {
        // ajv decides with float division (0.07 / 0.01 is not an integer to it): emit numbers with at
        // most the divisor's decimals and accept exactly what ajv's test accepts.
        const decimals = decimalPlaces(m);
        if (decimals > FRAC_DIGITS) {
          this.fold.refuse('multipleOf', this.fold.ptr(atom), `divisor ${m} has more than ${FRAC_DIGITS} decimals`);
          continue;
        }
        floatDivisors.push(m);
        fracCap = Math.min(fracCap, decimals);
        continue;
      }
      const big = BigInt(m);
      multiple = multiple === null ? big : lcm(multiple, big);
      integer = true; // a multiple of an integer is an integer
    }
    for (const [, f] of keywordValues(conj, 'format')) {
      if (f === 'int32' || f === 'int64') integer = true;
    }
    if (multiple === 1n) multiple = null;
    let lo: bigint | null = null;
    let hi: bigint | null = null;
    const tighten = (value: number, exclusive: boolean, side: 'lo' | 'hi') => {
      const { grid, exact } = toGrid(value, integer, side === 'lo' ? 'ceil' : 'floor');
      let g = grid;
      if (exclusive && exact) g += side === 'lo' ? 1n : -1n;
      if (side === 'lo') lo = lo === null || g > lo ? g : lo;
      else hi = hi === null || g < hi ? g : hi;
    };
    for (const atom of conj.atoms) {
      if (typeof atom.minimum === 'number') tighten(atom.minimum, atom.exclusiveMinimum === true, 'lo');
      if (typeof atom.maximum === 'number') tighten(atom.maximum, atom.exclusiveMaximum === true, 'hi');
      if (typeof atom.exclusiveMinimum === 'number') tighten(atom.exclusiveMinimum, true, 'lo');
      if (typeof atom.exclusiveMaximum === 'number') tighten(atom.exclusiveMaximum, true, 'hi');
      if (atom.format === 'int32') { tighten(-(2 ** 31), false, 'lo'); tighten(2 ** 31 - 1, false, 'hi'); }
    }
    if (lo !== null && hi !== null && (lo as bigint) > (hi as bigint)) return null;
    // With several float divisors the emitted decimals are the fewest any of them has: still sound.
    const spec: NumberSpec = {
      id: this.grammar.numbers.length, integer, lo, hi, multipleOf: multiple, floatDivisors, fracCap,
      constrained: lo !== null || hi !== null || multiple !== null || floatDivisors.length > 0,
    };
    if (multiple !== null && lo !== null && hi !== null) {
      const l = lo as bigint, h = hi as bigint;
      const q = l >= 0n ? (l + multiple - 1n) / multiple : -((-l) / multiple);
      if (q * multiple > h) return null;
    }
    // The bounds may lie beyond the numbers the grammar emits (16 integer digits: minimum 2^60, 1e308):
    // then no number can start, which would be a dead end at decode time.
    if (spec.constrained && !['-', ...'0123456789'].some((c) => feasible(spec, c))) {
      this.fold.drop('minimum', this.fold.ptr(conj.atoms[0]), 'no number with at most 16 integer and 15 fraction digits (what the grammar emits) satisfies the bounds');
      return null;
    }
    this.grammar.numbers.push(spec);
    return spec;
  }

  private stringSpec(conj: Conj): StringSpec | null {
    const { min: minLength, max: lengthCap } = sizeBounds(conj, 'Length');
    let maxLength = lengthCap;
    const dfas: StringDfa[] = [];
    const patterns: ParsedPattern[] = [];
    for (const [atom, p] of keywordValues(conj, 'pattern')) {
      const parsed = this.parsePatternAt(p, atom, 'pattern');
      if (parsed) patterns.push(parsed);
    }
    for (const [atom, f] of keywordValues(conj, 'format')) {
      const found = lookupFormat(f);
      if (found.kind === 'dfa') {
        dfas.push(found.dfa);
        if (found.maxLength !== undefined) maxLength = Math.min(maxLength, found.maxLength);
      } else if (found.kind === 'inexpressible') {
        this.fold.refuse('format', this.fold.ptr(atom), `format "${f}" is not enforced by the grammar`);
      } else if (found.kind === 'unknown') {
        this.fold.warn('format', this.fold.ptr(atom), `unknown format "${f}" is an annotation (ajv ignores it too)`);
      }
    }
    if (minLength > maxLength) return null;
    if (minLength > MAX_EMITTED_MIN_LENGTH) {
      this.fold.drop('minLength', this.fold.ptr(conj.atoms[0]), `minLength ${minLength} is beyond the ${MAX_EMITTED_MIN_LENGTH} characters the grammar emits in one string`);
      return null;
    }
    let dfa: StringDfa;
    try {
      if (patterns.length) dfas.push(cachedPatternsDfa(patterns));
      dfa = dfas.length ? intersectStringDfas(dfas) : freeStringDfa();
    } catch (e) {
      if (e instanceof AutomatonTooLargeError) {
        const [atom] = keywordValues(conj, 'pattern')[0] ?? keywordValues(conj, 'format')[0] ?? [conj.atoms[0]];
        throw new GrammarError('pattern', this.fold.ptr(atom), e.message);
      }
      throw e;
    }
    // Some string must fit: the automaton accepts a length within the bounds.
    if (dfa.minChars[0] >= NO_ACCEPTING_PATH || dfa.minChars[0] > maxLength || dfa.maxChars[0] < minLength) return null;
    const spec: StringSpec = {
      id: this.grammar.strings.length, dfa, minLength, maxLength,
      counted: minLength > 0 || maxLength !== Infinity, valueNodeByState: null,
    };
    this.grammar.strings.push(spec);
    return spec;
  }

  parsePatternAt(source: string, atom: Json, keyword: string): ParsedPattern | null {
    try {
      return parsePattern(source);
    } catch (e) {
      if (e instanceof RegexSyntaxError) {
        let valid = true;
        try { new RegExp(source, 'u'); } catch { valid = false; }
        if (!valid) throw new GrammarError(keyword, this.fold.ptr(atom), `invalid schema: ${JSON.stringify(source)} is not a valid regular expression`);
        this.fold.refuse(keyword, this.fold.ptr(atom), `unsupported regular expression ${JSON.stringify(source)}: ${e.message}`);
        return null;
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- arrays
  private arraySpec(conj: Conj): number | undefined {
    let { min: minItems, max: maxItems } = sizeBounds(conj, 'Items');
    // Per atom: its tuple (prefixItems, or items as an array) and the schema for the rest.
    const views = conj.atoms.map((atom) => {
      const pointer = this.fold.ptr(atom);
      if (Array.isArray(atom.prefixItems)) return { tuple: atom.prefixItems as unknown[], rest: atom.items, pointer, restKw: 'items' };
      if (Array.isArray(atom.items)) return { tuple: atom.items as unknown[], rest: atom.additionalItems, pointer, restKw: 'additionalItems' };
      return { tuple: [] as unknown[], rest: atom.items, pointer, restKw: 'items' };
    });
    if (minItems > MAX_EMITTED_MIN_ITEMS && minItems <= maxItems) {
      this.fold.drop('minItems', this.fold.ptr(conj.atoms[0]), `minItems ${minItems} is beyond the ${MAX_EMITTED_MIN_ITEMS} items the grammar emits in one array`);
      return undefined;
    }
    const prefixLength = Math.max(0, ...views.map((v) => v.tuple.length));
    const itemConj = (index: number): Conj => {
      const c: Conj = { atoms: [], split: new Set(), never: false };
      for (const v of views) {
        if (index < v.tuple.length) this.fold.addToConj(c, v.tuple[index], `${v.pointer}/${index}`);
        else if (v.rest !== undefined) this.fold.addToConj(c, v.rest, `${v.pointer}/${v.restKw}`);
      }
      return c;
    };
    const prefix: number[] = [];
    for (let i = 0; i < prefixLength && i < maxItems; i++) {
      const node = this.nodeFor(itemConj(i));
      if (this.isEmptyNode(node)) { maxItems = i; break; }
      prefix.push(node);
    }
    let rest = -1;
    if (maxItems > prefixLength) {
      rest = this.nodeFor(itemConj(prefixLength));
      if (this.isEmptyNode(rest)) { rest = -1; maxItems = Math.min(maxItems, prefixLength); }
    }
    // uniqueItems: enforced exactly when the items are one finite set of literals (enum / const /
    // booleans): the array frame remembers which ones it used. Trivial when at most one item fits.
    let uniqueTrie = -1;
    const uniqueAtom = conj.atoms.find((a) => a.uniqueItems === true);
    if (uniqueAtom && maxItems > 1) {
      const restAlts = rest >= 0 ? this.grammar.nodes[rest].alts : [];
      const literal = prefix.length === 0 && restAlts.length === 1 && restAlts[0].kind === 'literal' ? restAlts[0] : undefined;
      const count = literal ? this.literalsOf(literal.trie).length : 0;
      if (literal && count <= 31) {
        uniqueTrie = literal.trie;
        maxItems = Math.min(maxItems, count);
      } else {
        this.fold.refuse('uniqueItems', this.fold.ptr(uniqueAtom), 'enforced only for arrays whose items are one set of at most 31 literals (enum, const, booleans)');
      }
    }
    // contains / minContains: each item may be drawn from "item and contains" (which counts) or from
    // "item" (which does not); the array closes once enough counted. maxContains would need "item and
    // not contains": refused.
    let containsMin = 0;
    const matchPrefix: number[] = [];
    let matchRest = -1;
    const containsAtoms = conj.atoms.filter((a) => a.contains !== undefined);
    if (containsAtoms.length > 1) this.fold.refuse('contains', this.fold.ptr(containsAtoms[1]), 'more than one contains on one array');
    else if (containsAtoms.length === 1) {
      const atom = containsAtoms[0];
      const min = typeof atom.minContains === 'number' && this.draft !== 'draft-07' && this.draft !== 'draft-06' ? atom.minContains : 1;
      if (min > 0 && uniqueTrie >= 0) this.fold.refuse('contains', this.fold.ptr(atom), 'together with uniqueItems');
      else if (min > 0) {
        const withContains = (i: number): number => {
          const c = itemConj(i);
          this.fold.addToConj(c, atom.contains, `${this.fold.ptr(atom)}/contains`);
          const node = this.nodeFor(c);
          return this.isEmptyNode(node) ? -1 : node;
        };
        for (let i = 0; i < prefix.length; i++) matchPrefix.push(withContains(i));
        matchRest = rest >= 0 ? withContains(prefixLength) : -1;
        if (matchRest < 0 && matchPrefix.every((n) => n < 0)) return undefined;
        containsMin = min;
        minItems = Math.max(minItems, min);
      }
    }
    if (minItems > maxItems) return undefined;
    this.grammar.arrays.push({ id: this.grammar.arrays.length, prefix, rest, minItems, maxItems, uniqueTrie, containsMin, matchPrefix, matchRest });
    return this.grammar.arrays.length - 1;
  }

  /** Known empty (no alternatives). A node still being compiled counts as non-empty; productivity is
   * checked at the end. */
  isEmptyNode(id: number): boolean {
    const n = this.grammar.nodes[id];
    return !n.pending && n.alts.length === 0;
  }
}

// ---------------------------------------------------------------- helpers

/** Decimal places of a JS number as written (1.5 -> 1, 0.0001 -> 4, 1e-8 -> 8). */
function decimalPlaces(x: number): number {
  const [mantissa, exp] = String(x).split('e');
  const frac = (mantissa.split('.')[1] ?? '').length;
  return Math.max(0, frac - Number(exp ?? 0));
}


function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}
function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

function jsonType(v: unknown): TypeName {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as TypeName;
}

/** JSON with sorted keys: equality of JSON values as JSON Schema defines it (1 and 1.0 are equal). */
export function canonicalKey(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalKey).join(',') + ']';
  if (v && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonicalKey((v as Json)[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

function intersectValues(current: unknown[] | undefined, next: unknown[]): unknown[] {
  if (current === undefined) return [...next];
  const keys = new Set(next.map(canonicalKey));
  return current.filter((v) => keys.has(canonicalKey(v)));
}
