// Folding: a schema position becomes the conjunction of the schema objects that apply there (the schema
// itself and what its $ref and allOf bring in, siblings of $ref included), checked keyword by keyword on
// the way in; and the refusals, warnings and dropped alternatives the compiler reports.

import type { Conj, Json } from './constraints.js';
import { GrammarError } from './errors.js';
import type { SchemaResources } from './schema-resources.js';

/** Assertions a context-free grammar cannot enforce (or that we do not): refused, or warned when lenient. */
const UNSUPPORTED = new Set(['not', 'if', 'then', 'else', 'maxContains',
  'dependentSchemas', 'unevaluatedProperties', 'unevaluatedItems',
  '$dynamicRef', '$recursiveRef']);

const TYPES = ['null', 'boolean', 'object', 'array', 'string', 'number', 'integer'] as const;
export type TypeName = (typeof TYPES)[number];

/** Beyond this many schemas chained at one position the schema is refused (bounds stack depth). */
const MAX_CONJUNCT_CHAIN = 200;

export class SchemaFolder {
  readonly warnings: string[] = [];
  /** Why alternatives were dropped as impossible to emit (reported when nothing is left). */
  readonly dropped: GrammarError[] = [];
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;
  private readonly warned = new Set<string>();
  /** The schemas being expanded into the current conjunction (through $ref / allOf), to catch cycles. */
  private readonly refPath: Json[] = [];

  constructor(private readonly res: SchemaResources, private readonly lenient: boolean) {}

  /** Where `schema` sits, as a JSON pointer (for error messages). */
  ptr(schema: object): string {
    return this.res.infoOf(schema).pointer;
  }

  idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) { id = this.nextId++; this.ids.set(o, id); }
    return id;
  }

  conjOf(schemas: unknown[], base?: Conj): Conj {
    const conj: Conj = base
      ? { atoms: [...base.atoms], split: new Set(base.split), never: base.never }
      : { atoms: [], split: new Set(), never: false };
    for (const s of schemas) this.addToConj(conj, s, '');
    return conj;
  }

  addToConj(conj: Conj, schema: unknown, fromPointer: string): void {
    if (schema === true) return;
    if (schema === false) { conj.never = true; return; }
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new GrammarError('schema', fromPointer, 'invalid schema: a subschema must be an object or a boolean');
    }
    const s = schema as Json;
    const pointer = this.ptr(s);
    if (this.refPath.includes(s)) {
      // {"$ref": "#"}, allOf: [{"$ref": "#"}], a -> b -> a: a schema that is its own conjunct with no object
      // or array in between says nothing finite, and ajv recurses forever validating against it.
      throw new GrammarError('$ref', pointer, 'the schema refers back to itself through $ref/allOf with no object or array in between (infinite recursion)');
    }
    if (conj.atoms.includes(s)) return;
    // Siblings of $ref apply too, as a conjunction. Before 2019-09 the specification says to ignore
    // them, but ajv (and most validators) apply them: emitting what satisfies both readings is safe.
    conj.atoms.push(s);
    this.checkKeywords(s, pointer);
    if (this.refPath.length > MAX_CONJUNCT_CHAIN) {
      throw new GrammarError('$ref', pointer, `more than ${MAX_CONJUNCT_CHAIN} schemas chained through $ref/allOf at one position`);
    }
    this.refPath.push(s);
    try {
      if (s.$ref !== undefined) {
        if (typeof s.$ref !== 'string') throw new GrammarError('$ref', pointer, 'invalid schema: $ref must be a string');
        this.addToConj(conj, this.res.resolve(s.$ref, s), pointer + '/$ref');
      }
      if (s.allOf !== undefined) {
        if (!Array.isArray(s.allOf) || s.allOf.length === 0) throw new GrammarError('allOf', pointer, 'invalid schema: allOf must be a non-empty array');
        for (const sub of s.allOf) this.addToConj(conj, sub, pointer + '/allOf');
      }
    } finally {
      this.refPath.pop();
    }
  }

  conjKey(conj: Conj): string {
    if (conj.never) return 'never';
    const ids = conj.atoms.map((a) => this.idOf(a)).sort((x, y) => x - y);
    return ids.join(',') + '|' + [...conj.split].sort().join(',');
  }

  refuse(keyword: string, pointer: string, reason: string): void {
    const msg = new GrammarError(keyword, pointer, reason).message;
    if (!this.lenient) throw new GrammarError(keyword, pointer, reason);
    if (!this.warned.has(msg)) { this.warned.add(msg); this.warnings.push(msg); }
  }

  /** An alternative that cannot be emitted is left out; if nothing is left the schema is refused with
   * the first such reason rather than a bare "contradictory". */
  drop(keyword: string, pointer: string, reason: string): void {
    this.dropped.push(new GrammarError(keyword, pointer, reason));
  }

  warn(keyword: string, pointer: string, reason: string): void {
    const msg = new GrammarError(keyword, pointer, reason).message;
    if (!this.warned.has(msg)) { this.warned.add(msg); this.warnings.push(msg); }
  }

  private checkKeywords(s: Json, pointer: string): void {
    for (const k of Object.keys(s)) {
      if (!UNSUPPORTED.has(k)) continue;
      const v = s[k];
      // Keywords that assert nothing in these forms are harmless.
      if ((k === 'then' || k === 'else') && s.if === undefined) continue;
      if (k === 'if' && s.then === undefined && s.else === undefined) continue;
      this.refuse(k, pointer, 'not enforced by the grammar (lenient mode reports it; the final ajv check still applies)');
    }
    for (const k of ['contentMediaType', 'contentEncoding', 'contentSchema']) {
      if (s[k] !== undefined) this.warn(k, pointer, 'an annotation: not enforced (ajv does not check it either)');
    }
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      for (const t of types) {
        if (!TYPES.includes(t as TypeName)) throw new GrammarError('type', pointer, `invalid schema: unknown type ${JSON.stringify(t)}`);
      }
    }
    for (const k of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']) {
      const v = s[k];
      if (v !== undefined && (typeof v !== 'number' || v < 0 || !Number.isInteger(v))) {
        throw new GrammarError(k, pointer, 'invalid schema: must be a non-negative integer');
      }
    }
    for (const k of ['minimum', 'maximum']) {
      if (s[k] !== undefined && (typeof s[k] !== 'number' || !Number.isFinite(s[k]))) throw new GrammarError(k, pointer, 'invalid schema: must be a number');
    }
    for (const k of ['exclusiveMinimum', 'exclusiveMaximum']) {
      const v = s[k];
      if (v !== undefined && typeof v !== 'boolean' && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw new GrammarError(k, pointer, 'invalid schema: must be a number (or a boolean in draft-04)');
      }
    }
    if (s.multipleOf !== undefined && (typeof s.multipleOf !== 'number' || !(s.multipleOf > 0))) {
      throw new GrammarError('multipleOf', pointer, 'invalid schema: must be a number > 0');
    }
    if (s.enum !== undefined && !Array.isArray(s.enum)) throw new GrammarError('enum', pointer, 'invalid schema: must be an array');
    if (s.required !== undefined && (!Array.isArray(s.required) || s.required.some((r) => typeof r !== 'string'))) {
      // draft-03 style "required": true on a property is not JSON Schema 4+.
      throw new GrammarError('required', pointer, 'invalid schema: must be an array of property names');
    }
    for (const k of ['properties', 'patternProperties', '$defs', 'definitions']) {
      const v = s[k];
      if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) throw new GrammarError(k, pointer, 'invalid schema: must be an object');
    }
    for (const k of ['anyOf', 'oneOf']) {
      const v = s[k];
      if (v !== undefined && (!Array.isArray(v) || v.length === 0)) throw new GrammarError(k, pointer, 'invalid schema: must be a non-empty array');
    }
    if (s.pattern !== undefined && typeof s.pattern !== 'string') throw new GrammarError('pattern', pointer, 'invalid schema: must be a string');
    if (s.format !== undefined && typeof s.format !== 'string') throw new GrammarError('format', pointer, 'invalid schema: must be a string');
  }
}
