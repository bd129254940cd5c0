// Where every subschema lives: its JSON pointer (for error messages) and base URI (for $ref), plus the
// $id / $anchor index that $ref resolves against. Remote references are never fetched: the grammar runs
// without a network, so a $ref to another document resolves only when the caller passed that document
// (option `schemas`), else it is an "unresolvable $ref" error.

import { GrammarError, pointerToken } from './errors.js';

export type Draft = 'draft-04' | 'draft-06' | 'draft-07' | '2019-09' | '2020-12';

const DEFAULT_BASE = 'https://jsonlm.invalid/schema.json';

/** Keywords whose value is a schema, an array of schemas, or a map of schemas: where $id and $anchor can
 * hide. `items` and `dependencies` take either form. */
const SCHEMA_VALUE = ['additionalProperties', 'additionalItems', 'items', 'not', 'if', 'then', 'else', 'contains',
  'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'];
const SCHEMA_ARRAY = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const SCHEMA_MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

export interface SchemaInfo { pointer: string; base: string }

/** Deeper schemas are refused before indexing recurses far enough to overflow the stack. */
const MAX_SCHEMA_DEPTH = 500;

export function detectDraft(root: unknown, fallback: Draft): Draft {
  const r = typeof root === 'object' && root !== null ? (root as Record<string, unknown>) : undefined;
  const uri = r?.$schema;
  // No $schema but a draft-04 `id` (and no `$id`): written for draft-04, whose validators accept `id`
  // (ajv's 2020-12 and draft-07 classes refuse such a schema outright).
  if (typeof uri !== 'string') return typeof r?.id === 'string' && r.$id === undefined ? 'draft-04' : fallback;
  if (uri.includes('draft-04')) return 'draft-04';
  if (uri.includes('draft-06')) return 'draft-06';
  if (uri.includes('draft-07')) return 'draft-07';
  if (uri.includes('2019-09')) return '2019-09';
  if (uri.includes('2020-12')) return '2020-12';
  return fallback;
}

export class SchemaResources {
  private readonly info = new WeakMap<object, SchemaInfo>();
  /** Absolute URI (no fragment) -> resource root; "uri#anchor" -> schema. */
  private readonly byUri = new Map<string, unknown>();

  /** `documents`: other schema documents by absolute URI, for $refs into them (nothing is fetched). */
  constructor(readonly root: unknown, readonly draft: Draft, documents: Record<string, unknown> = {}) {
    this.index(root, '', DEFAULT_BASE);
    for (const [uri, doc] of Object.entries(documents)) this.index(doc, '', uri);
  }

  infoOf(schema: object): SchemaInfo {
    return this.info.get(schema) ?? { pointer: '?', base: DEFAULT_BASE };
  }

  private idKeyword(): string {
    return this.draft === 'draft-04' ? 'id' : '$id';
  }

  private index(schema: unknown, pointer: string, base: string, depth = 0): void {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return;
    if (this.info.has(schema)) return;
    if (depth > MAX_SCHEMA_DEPTH) throw new GrammarError('schema', pointer, `invalid schema: nested more than ${MAX_SCHEMA_DEPTH} levels deep`);
    const s = schema as Record<string, unknown>;
    const id = s[this.idKeyword()];
    const refHidesId = typeof s.$ref === 'string' && this.draft !== '2019-09' && this.draft !== '2020-12';
    if (typeof id === 'string' && !refHidesId) {
      if (id.startsWith('#') && this.draft !== '2019-09' && this.draft !== '2020-12') {
        // draft-07 and earlier: "$id": "#name" is a plain-name anchor.
        this.byUri.set(resolveUri(id, base), schema);
      } else {
        base = resolveUri(id, base);
        this.byUri.set(stripFragment(base), schema);
      }
    }
    if (pointer === '') this.byUri.set(stripFragment(base), schema);
    for (const key of ['$anchor', '$dynamicAnchor']) {
      if (typeof s[key] === 'string') this.byUri.set(stripFragment(base) + '#' + s[key], schema);
    }
    this.info.set(schema, { pointer, base });
    for (const k of SCHEMA_VALUE) if (k in s) this.index(s[k], `${pointer}/${k}`, base, depth + 1);
    for (const k of SCHEMA_ARRAY) {
      const v = s[k];
      if (Array.isArray(v)) v.forEach((x, i) => this.index(x, `${pointer}/${k}/${i}`, base, depth + 1));
    }
    for (const k of SCHEMA_MAP) {
      const v = s[k];
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [name, sub] of Object.entries(v)) {
          if (Array.isArray(sub)) continue; // draft-07 "dependencies" arrays of names
          this.index(sub, `${pointer}/${k}/${pointerToken(name)}`, base, depth + 1);
        }
      }
    }
  }

  /** The schema a $ref names, seen from `from`. */
  resolve(ref: string, from: object): unknown {
    const { pointer, base } = this.infoOf(from);
    let target: string;
    try {
      target = resolveUri(ref, base);
    } catch {
      throw new GrammarError('$ref', pointer, `malformed reference ${JSON.stringify(ref)}`);
    }
    const hashAt = target.indexOf('#');
    const docUri = hashAt < 0 ? target : target.slice(0, hashAt);
    const fragment = hashAt < 0 ? '' : decodeURIComponent(target.slice(hashAt + 1));
    if (fragment !== '' && !fragment.startsWith('/')) {
      const anchored = this.byUri.get(docUri + '#' + fragment);
      if (anchored === undefined) throw new GrammarError('$ref', pointer, `unresolvable reference ${JSON.stringify(ref)} (no such anchor)`);
      return anchored;
    }
    const doc = this.byUri.get(docUri);
    if (doc === undefined) {
      throw new GrammarError('$ref', pointer, `unresolvable reference ${JSON.stringify(ref)} (remote documents are not fetched)`);
    }
    let node: unknown = doc;
    const docInfo = typeof doc === 'object' && doc !== null ? this.infoOf(doc) : { pointer: '', base: docUri };
    let nodePointer = docInfo.pointer;
    if (fragment !== '') {
      for (const raw of fragment.slice(1).split('/')) {
        const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        if (node === null || typeof node !== 'object' || !(token in (node as object))) {
          throw new GrammarError('$ref', pointer, `unresolvable reference ${JSON.stringify(ref)} (pointer does not exist)`);
        }
        node = (node as Record<string, unknown>)[token];
        nodePointer += '/' + pointerToken(token);
      }
    }
    if (typeof node === 'object' && node !== null && !this.info.has(node)) this.index(node, nodePointer, docInfo.base);
    return node;
  }
}

function resolveUri(ref: string, base: string): string {
  return new URL(ref, base).href;
}

function stripFragment(uri: string): string {
  const i = uri.indexOf('#');
  return i < 0 ? uri : uri.slice(0, i);
}
