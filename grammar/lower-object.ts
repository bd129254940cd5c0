// Object lowering: a conjunction's properties, required names, dependencies, patternProperties,
// additionalProperties and propertyNames become an ObjectSpec (declared keys in order as a key trie, the
// dependency bitmasks the object frame tracks, and one classifier automaton for additional keys).

import { keywordValues, sizeBounds, type Conj, type Json } from './constraints.js';
import { GrammarError, pointerToken } from './errors.js';
import type { Grammar, ObjectSpec, PropertySpec, StringSpec } from './grammar.js';
import { parsePattern, type ParsedPattern } from './regex.js';
import type { SchemaFolder } from './schema-fold.js';
import { AutomatonTooLargeError, NO_ACCEPTING_PATH, cachedPatternsDfa, freeStringDfa, keyClassifierDfa, type StringDfa } from './string-dfa.js';

const MAX_KEY_STATES_BUILT = 500_000;
/** Keys that JavaScript objects treat as their prototype (obj[key] = v, spread, Object.assign): a
 * document with one does not survive being handled as an object, so they are never emitted. */
const UNSAFE_KEYS = ['__proto__'];
const ENCODER = new TextEncoder();

/** What object lowering needs from the compiler: the grammar being built, folding, and the compilation
 * of property value schemas (which recurses through the compiler). */
export interface LoweringContext {
  readonly grammar: Grammar;
  readonly fold: SchemaFolder;
  readonly lenient: boolean;
  readonly silentAdditionalProperties: 'forbid' | 'allow' | undefined;
  nodeFor(conj: Conj): number;
  isEmptyNode(id: number): boolean;
  parsePatternAt(source: string, atom: Json, keyword: string): ParsedPattern | null;
  enumValues(conj: Conj): unknown[] | undefined;
  literalsOf(trieId: number): string[];
}

/** One patternProperties entry; `parsed` is null when the pattern is outside the regex subset (refused). */
interface KeyPattern { atom: Json; source: string; schema: unknown; parsed: ParsedPattern | null; regex: RegExp | null }

/** A dependency trigger and the names it requires. */
type Dependency = [string, string[]];

interface DependencyMasks { requiredBy: Int32Array; trackBit: Int32Array; needsBefore: Int32Array; bits: number }

/** What propertyNames allows: declared names are checked with `allows`; additional keys get `dfa` (null:
 * none) and the length bounds. */
interface KeyRule { allows: (name: string) => boolean; dfa: StringDfa | null; minLength: number; maxLength: number }

export class ObjectLowering {
  private readonly keyClassifiers = new Map<string, { dfa: StringDfa; labels: Int32Array }>();
  private keyStatesBuilt = 0;

  constructor(private readonly c: LoweringContext) {}

  /** The object spec of `conj` (its id), or undefined when no object satisfies it. */
  lower(conj: Conj): number | undefined {
    const { min: minProperties, max: maxProperties } = sizeBounds(conj, 'Properties');
    const required = new Set<string>();
    for (const [, r] of keywordValues(conj, 'required')) for (const name of r) required.add(name);
    const patterns = this.keyPatterns(conj);

    // Declared properties, in order of first appearance, then required names declared nowhere.
    const names: string[] = [];
    for (const atom of conj.atoms) {
      const props = atom.properties as Json | undefined;
      if (props) for (const name of Object.keys(props)) if (!names.includes(name)) names.push(name);
    }
    for (const name of required) if (!names.includes(name)) names.push(name);
    const dependencies = this.dependencyLists(conj, names);
    // A required trigger makes everything it brings in required.
    for (const name of [...required]) for (const x of dependencyClosure(dependencies, name)) required.add(x);

    const keyRule = this.propertyNamesRule(conj);
    const props: PropertySpec[] = [];
    for (const name of names) {
      if (UNSAFE_KEYS.includes(name)) {
        if (required.has(name)) throw new GrammarError('required', this.c.fold.ptr(conj.atoms[0]), `property ${JSON.stringify(name)} is never emitted (JavaScript objects take it as their prototype)`);
        continue;
      }
      const c = keyRule.allows(name) ? this.valueConj(conj, patterns, name, (p) => p.regex !== null && p.regex.test(name)) : null;
      const isRequired = required.has(name);
      const node = c === null ? -1 : this.c.nodeFor(c);
      if (node < 0 || this.c.isEmptyNode(node)) {
        if (isRequired) return undefined; // contradictory: a required property that can have no value
        continue;
      }
      props.push({ name, keyTail: ENCODER.encode(JSON.stringify(name).slice(1)), node, required: isRequired });
    }
    const masks = this.dependencyMasks(conj, props, dependencies);
    if (masks === null) return undefined;
    // One extra trailing zero: after an extra key, "last" is props.length.
    const requiredAfter = new Int32Array(props.length + 2);
    for (let i = props.length - 1; i >= 0; i--) requiredAfter[i] = requiredAfter[i + 1] + (props[i].required ? 1 : 0);

    const extraKey = maxProperties > 0 ? this.extraKeySpec(conj, patterns, names, keyRule) : null;

    // Contradictions that no choice of properties can satisfy.
    const requiredCount = requiredAfter[0];
    if (requiredCount > maxProperties) return undefined;
    if (extraKey === null && props.length < minProperties) return undefined;
    // Additional keys cannot be kept distinct from each other ({"a":1,"a":2} is one property), so with
    // minProperties >= 2 an object takes at most one (pda.ts), and the declared ones must make up the rest.
    if (extraKey !== null && minProperties >= 2 && props.length + 1 < minProperties) {
      this.c.fold.refuse('minProperties', this.c.fold.ptr(conj.atoms[0]), `needs ${minProperties - props.length} additional keys; the grammar cannot keep additional keys distinct, so it allows one`);
      if (this.c.lenient) return undefined;
    }
    const { requiredBy, trackBit, needsBefore, bits } = masks;
    const spec: ObjectSpec = {
      id: this.c.grammar.objects.length, props, requiredAfter, extraKey, minProperties, maxProperties, keyTries: new Map(),
      requiredBy, trackBit, needsBefore, hasDependencies: bits > 0 || needsBefore.some((n) => n !== 0),
    };
    this.c.grammar.objects.push(spec);
    return spec.id;
  }

  /** patternProperties from every atom, numbered globally (a key's match mask is over these). */
  private keyPatterns(conj: Conj): KeyPattern[] {
    const patterns: KeyPattern[] = [];
    for (const atom of conj.atoms) {
      const pp = atom.patternProperties as Json | undefined;
      if (!pp) continue;
      for (const [source, schema] of Object.entries(pp)) {
        const parsed = this.c.parsePatternAt(source, atom, 'patternProperties');
        let regex: RegExp | null = null;
        try { regex = new RegExp(source, 'u'); } catch { /* reported by parsePatternAt */ }
        patterns.push({ atom, source, schema, parsed, regex });
      }
    }
    if (patterns.length > 24) throw new GrammarError('patternProperties', this.c.fold.ptr(conj.atoms[0]), 'more than 24 patterns in one object');
    return patterns;
  }

  /** Whether `atom` lets a key that none of its properties / patterns names through. Where the schema is
   * silent about additionalProperties but declares its properties, emit none. */
  private allowsUnmatched(atom: Json): boolean {
    if (atom.additionalProperties === false) return false;
    if (atom.additionalProperties === undefined && this.c.silentAdditionalProperties !== 'allow' &&
      (atom.properties !== undefined || atom.patternProperties !== undefined)) return false;
    return true;
  }

  /** The schemas a property value must satisfy (declared as `name`, when not null, and matched by the
   * patterns `matched` picks), or null when some atom forbids the name. */
  private valueConj(conj: Conj, patterns: KeyPattern[], name: string | null, matched: (p: KeyPattern) => boolean): Conj | null {
    const c: Conj = { atoms: [], split: new Set(), never: false };
    for (const atom of conj.atoms) {
      const pointer = this.c.fold.ptr(atom);
      const props = atom.properties as Json | undefined;
      let covered = false;
      if (name !== null && props && Object.prototype.hasOwnProperty.call(props, name)) {
        this.c.fold.addToConj(c, props[name], `${pointer}/properties/${pointerToken(name)}`);
        covered = true;
      }
      for (const p of patterns) {
        if (p.atom === atom && matched(p)) {
          this.c.fold.addToConj(c, p.schema, `${pointer}/patternProperties/${pointerToken(p.source)}`);
          covered = true;
        }
      }
      if (!covered) {
        const ap = atom.additionalProperties;
        if (ap === false) return null;
        if (ap !== undefined) this.c.fold.addToConj(c, ap, `${pointer}/additionalProperties`);
      }
    }
    return c;
  }

  /** dependentRequired (and draft-07 "dependencies" with name lists): trigger -> names it requires. Names
   * not seen yet are appended to `names`. */
  private dependencyLists(conj: Conj, names: string[]): Dependency[] {
    const dependencies: Dependency[] = [];
    for (const atom of conj.atoms) {
      for (const kw of ['dependentRequired', 'dependencies'] as const) {
        const v = atom[kw];
        if (v === undefined) continue;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new GrammarError(kw, this.c.fold.ptr(atom), 'invalid schema: must be an object');
        for (const [trigger, targets] of Object.entries(v as Json)) {
          if (!Array.isArray(targets)) {
            this.c.fold.refuse(kw, this.c.fold.ptr(atom), `a schema dependency (${JSON.stringify(trigger)}) is not enforced: only lists of required names are`);
            continue;
          }
          dependencies.push([trigger, targets as string[]]);
          for (const name of [trigger, ...(targets as string[])]) if (!names.includes(name)) names.push(name);
        }
      }
    }
    return dependencies;
  }

  /** The bitmasks the object frame tracks dependencies with (ObjectSpec.requiredBy / trackBit /
   * needsBefore), or null when a required trigger brings in a property that cannot exist. */
  private dependencyMasks(conj: Conj, props: PropertySpec[], dependencies: Dependency[]): DependencyMasks | null {
    const index = new Map(props.map((p, i) => [p.name, i]));
    const requiredBy = new Int32Array(props.length);
    const trackBit = new Int32Array(props.length);
    const needsBefore = new Int32Array(props.length);
    let bits = 0;
    const bitOf = (i: number) => {
      if (trackBit[i] === 0) {
        if (bits >= 30) throw new GrammarError('dependentRequired', this.c.fold.ptr(conj.atoms[0]), 'more than 30 properties take part in dependencies');
        trackBit[i] = 1 << bits++;
      }
      return trackBit[i];
    };
    for (const trigger of new Set(dependencies.map(([t]) => t))) {
      const t = index.get(trigger);
      if (t === undefined) continue; // the trigger can never be present
      for (const target of dependencyClosure(dependencies, trigger)) {
        const k = index.get(target);
        if (k === undefined) {
          // The trigger brings in a property that cannot exist: it cannot be present either.
          if (props[t].required) return null;
          needsBefore[t] = -1;
        } else if (k < t) {
          // Earlier in the order: it must already be there when the trigger comes.
          if (needsBefore[t] >= 0) needsBefore[t] |= bitOf(k);
        } else {
          // Later: required from the moment the trigger is emitted.
          requiredBy[k] |= bitOf(t);
        }
      }
    }
    return { requiredBy, trackBit, needsBefore, bits };
  }

  /** The string spec of additional keys (with the value node each key selects), or null when none may
   * come. Allowed when every atom allows them (by a pattern it has, or by additionalProperties). */
  private extraKeySpec(conj: Conj, patterns: KeyPattern[], names: string[], keyRule: KeyRule): StringSpec | null {
    const usable = patterns.filter((p) => p.parsed !== null);
    const allowed = (mask: number) => conj.atoms.every((atom) =>
      usable.some((p, i) => p.atom === atom && (mask & (1 << i)) !== 0) || this.allowsUnmatched(atom));
    const anyExtra = conj.atoms.every((atom) => this.allowsUnmatched(atom) || usable.some((p) => p.atom === atom));
    if (!anyExtra || keyRule.dfa === null) return null;
    let classified: { dfa: StringDfa; labels: Int32Array };
    try {
      classified = this.cachedKeyClassifier(keyRule.dfa, [...names, ...UNSAFE_KEYS], usable.map((p) => p.parsed!), allowed, conj);
    } catch (e) {
      if (e instanceof AutomatonTooLargeError) throw new GrammarError('patternProperties', this.c.fold.ptr(conj.atoms[0]), e.message);
      throw e;
    }
    if (classified.dfa.minChars[0] >= NO_ACCEPTING_PATH) return null;
    const nodeByMask = new Map<number, number>();
    const valueNodeByState = new Int32Array(classified.dfa.size).fill(-1);
    let any = false;
    for (let st = 0; st < classified.dfa.size; st++) {
      const mask = classified.labels[st];
      if (mask < 0) continue;
      let node = nodeByMask.get(mask);
      if (node === undefined) {
        const c = this.valueConj(conj, patterns, null, (p) => { const i = usable.indexOf(p); return i >= 0 && (mask & (1 << i)) !== 0; });
        node = c === null ? -1 : this.c.nodeFor(c);
        if (node >= 0 && this.c.isEmptyNode(node)) node = -1;
        nodeByMask.set(mask, node);
      }
      valueNodeByState[st] = node;
      if (node >= 0) any = true;
    }
    if (!any) return null;
    // States whose value schema is unsatisfiable must not accept: rebuild acceptance accordingly.
    const accept = Uint8Array.from(classified.dfa.accept, (a, st) => (a && valueNodeByState[st] >= 0 ? 1 : 0));
    const dfa = { ...classified.dfa, accept };
    const { minLength, maxLength } = keyRule;
    const extraKey: StringSpec = {
      id: this.c.grammar.strings.length, dfa, minLength, maxLength, counted: minLength > 0 || maxLength !== Infinity, valueNodeByState,
    };
    this.c.grammar.strings.push(extraKey);
    return extraKey;
  }

  /** keyClassifierDfa, memoised: a large schema compiles the same object shape in many conjunctions
   * (a 1 MB real-world schema spent 85 s rebuilding them). The total of states built is bounded. */
  private cachedKeyClassifier(base: StringDfa, excluded: string[], patterns: ParsedPattern[], allowed: (mask: number) => boolean,
    conj: Conj): { dfa: StringDfa; labels: Int32Array } {
    const masks = patterns.length <= 10 ? Array.from({ length: 1 << patterns.length }, (_, m) => (allowed(m) ? 1 : 0)).join('') : null;
    const key = masks === null ? null : `${this.c.fold.idOf(base)}|${JSON.stringify([...excluded].sort())}|${JSON.stringify(patterns)}|${masks}`;
    const hit = key === null ? undefined : this.keyClassifiers.get(key);
    if (hit) return hit;
    const made = keyClassifierDfa(base, excluded, patterns, allowed);
    this.keyStatesBuilt += made.dfa.size;
    if (this.keyStatesBuilt > MAX_KEY_STATES_BUILT) {
      throw new GrammarError('properties', this.c.fold.ptr(conj.atoms[0]), `too large: the key automata of its objects need more than ${MAX_KEY_STATES_BUILT} states in all`);
    }
    if (key !== null) this.keyClassifiers.set(key, made);
    return made;
  }

  /** propertyNames: every key must be a string its schemas accept. Declared names are checked one by
   * one; keys of additional properties get the schemas' automaton and length bounds. */
  private propertyNamesRule(conj: Conj): KeyRule {
    const rules = keywordValues(conj, 'propertyNames');
    if (rules.length === 0) return { allows: () => true, dfa: freeStringDfa(), minLength: 0, maxLength: Infinity };
    const c: Conj = { atoms: [], split: new Set(), never: false };
    for (const [atom, pn] of rules) this.c.fold.addToConj(c, pn, `${this.c.fold.ptr(atom)}/propertyNames`);
    if (c.never) return { allows: () => false, dfa: null, minLength: 0, maxLength: Infinity };
    // Keys are strings: the rule is the string part of the propertyNames conjunction.
    const node = this.c.grammar.nodes[this.c.nodeFor(c)];
    if (node.pending) throw new GrammarError('propertyNames', this.c.fold.ptr(rules[0][0]), 'a recursive propertyNames schema is not supported');
    const stringAlts = node.alts.filter((a) => a.kind === 'string');
    const literalAlts = node.alts.filter((a) => a.kind === 'literal');
    if (this.c.enumValues(c) !== undefined) {
      // enum / const: exactly the listed names, as a pattern of alternatives.
      const names = literalAlts.flatMap((a) => this.c.literalsOf((a as { trie: number }).trie))
        .filter((l) => l.startsWith('"')).map((l) => JSON.parse(l) as string);
      const dfa = names.length ? cachedPatternsDfa([parsePattern(`^(?:${names.map(escapeRegex).join('|')})$`)]) : null;
      return { allows: (name) => names.includes(name), dfa, minLength: 0, maxLength: Infinity };
    }
    if (stringAlts.length !== 1) {
      if (stringAlts.length === 0) return { allows: () => false, dfa: null, minLength: 0, maxLength: Infinity };
      throw new GrammarError('propertyNames', this.c.fold.ptr(rules[0][0]), 'alternatives (anyOf/oneOf) of string rules are not supported');
    }
    const spec = this.c.grammar.strings[(stringAlts[0] as { spec: number }).spec];
    const allows = (name: string) => {
      const length = Array.from(name).length;
      if (length < spec.minLength || length > spec.maxLength) return false;
      let q = 0;
      for (const b of ENCODER.encode(JSON.stringify(name).slice(1, -1))) { q = spec.dfa.trans[q * 256 + b]; if (q < 0) return false; }
      return spec.dfa.accept[q] === 1;
    };
    return { allows, dfa: spec.dfa, minLength: spec.minLength, maxLength: spec.maxLength };
  }
}

/** What a name brings in, transitively (a requires b, b requires c: a requires c). */
function dependencyClosure(dependencies: Dependency[], name: string): Set<string> {
  const out = new Set<string>();
  const todo = [name];
  while (todo.length) {
    const n = todo.pop()!;
    for (const [t, targets] of dependencies) if (t === n) for (const x of targets) if (!out.has(x)) { out.add(x); todo.push(x); }
  }
  out.delete(name);
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|\/-]/g, '\\$&');
}
