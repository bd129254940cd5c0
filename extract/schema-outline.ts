// A JSON Schema written as a compact, TypeScript-like outline for the prompt:
//
//   {order_date: string(date), order_id: string, total: number, status?: "paid"|"draft"|null}
//
// Why not the schema itself: its JSON costs four to five times the tokens ("type", "properties", "required",
// "additionalProperties", braces and quotes) and most of those keywords constrain values that the grammar
// already enforces token by token. A small model has to read the prompt on every step of training and every
// extraction; the outline keeps what it needs to choose values (the keys, their nesting, types, enums,
// formats, which keys may be left out) at about a quarter of the length. Tools that prompt for structured
// output (BAML, TypeChat) render schemas this way for the same reason.
//
// The outline is for the model only: the grammar and the final ajv check always use the full schema.

/** Keys rendered without quotes: plain identifiers, as TypeScript would print them. */
const BARE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

type Schema = boolean | Record<string, unknown>;

export function schemaOutline(schema: unknown): string {
  return new OutlineWriter(schema).render(schema, ['#']); // the root is '#' to a $ref
}

class OutlineWriter {
  constructor(private readonly root: unknown) {}

  render(schema: unknown, refStack: string[]): string {
    if (schema === true || schema === undefined || schema === null) return 'any';
    if (schema === false) return 'never';
    if (typeof schema !== 'object' || Array.isArray(schema)) return 'any';
    const s = schema as Record<string, unknown>;

    const parts: string[] = [];
    const ref = typeof s.$ref === 'string' ? s.$ref : undefined;
    if (ref !== undefined) parts.push(this.renderRef(ref, refStack));

    if ('const' in s) parts.push(JSON.stringify(s.const));
    else if (Array.isArray(s.enum)) parts.push(s.enum.map((v) => JSON.stringify(v)).join('|'));
    else {
      const own = this.renderTyped(s, refStack);
      if (own !== undefined) parts.push(own);
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      const alts = s[key];
      if (Array.isArray(alts) && alts.length > 0) parts.push(this.union(alts.map((a) => this.render(a, refStack))));
    }
    if (Array.isArray(s.allOf)) for (const a of s.allOf) parts.push(this.render(a, refStack));

    const meaningful = parts.filter((p) => p !== 'any');
    if (meaningful.length === 0) return 'any';
    return meaningful.map((p) => (meaningful.length > 1 && p.includes('|') ? `(${p})` : p)).join(' & ');
  }

  /** The part of a schema that `type` (or type-implying keywords) describes; undefined when it says nothing. */
  private renderTyped(s: Record<string, unknown>, refStack: string[]): string | undefined {
    let types: string[];
    if (typeof s.type === 'string') types = [s.type];
    else if (Array.isArray(s.type)) types = s.type.filter((t): t is string => typeof t === 'string');
    else if (s.properties !== undefined || s.additionalProperties !== undefined || s.patternProperties !== undefined) types = ['object'];
    else if (s.items !== undefined || s.prefixItems !== undefined) types = ['array'];
    else if (typeof s.format === 'string') types = ['string'];
    else return undefined;
    return this.union(types.map((t) => this.renderType(t, s, refStack)));
  }

  private renderType(type: string, s: Record<string, unknown>, refStack: string[]): string {
    switch (type) {
      case 'object': return this.renderObject(s, refStack);
      case 'array': return this.renderArray(s, refStack);
      case 'string': return typeof s.format === 'string' ? `string(${s.format})` : 'string';
      default: return type; // integer, number, boolean, null
    }
  }

  private renderObject(s: Record<string, unknown>, refStack: string[]): string {
    const props = (s.properties && typeof s.properties === 'object' ? s.properties : {}) as Record<string, unknown>;
    const required = new Set(Array.isArray(s.required) ? s.required : []);
    const entries = Object.entries(props).map(([name, sub]) =>
      `${BARE_KEY.test(name) ? name : JSON.stringify(name)}${required.has(name) ? '' : '?'}: ${this.render(sub, refStack)}`);
    for (const [pattern, sub] of Object.entries((s.patternProperties ?? {}) as Record<string, unknown>)) {
      entries.push(`[key /${pattern}/]: ${this.render(sub, refStack)}`);
    }
    const extra = s.additionalProperties;
    if (extra !== undefined && extra !== false && (Object.keys(props).length === 0 || extra !== true)) {
      entries.push(`[key: string]: ${this.render(extra, refStack)}`);
    }
    return `{${entries.join(', ')}}`;
  }

  private renderArray(s: Record<string, unknown>, refStack: string[]): string {
    if (Array.isArray(s.prefixItems)) {
      const head = s.prefixItems.map((p) => this.render(p, refStack));
      if (s.items !== undefined && s.items !== false) head.push(`...${this.wrap(this.render(s.items, refStack))}[]`);
      return `[${head.join(', ')}]`;
    }
    if (Array.isArray(s.items)) { // draft-04..2019 tuple form
      return `[${s.items.map((p) => this.render(p, refStack)).join(', ')}]`;
    }
    return `${this.wrap(this.render(s.items, refStack))}[]`;
  }

  /** A local reference is written out in place; one that recurses is named instead (its last path segment). */
  private renderRef(ref: string, refStack: string[]): string {
    const name = decodeURIComponent(ref.replace(/^#/, '').split('/').pop() || 'root');
    if (refStack.includes(ref)) return name;
    const target = ref.startsWith('#') ? resolvePointer(this.root, ref.slice(1)) : undefined;
    if (target === undefined) return name;
    return this.render(target, [...refStack, ref]);
  }

  private union(parts: string[]): string {
    return [...new Set(parts)].join('|');
  }

  private wrap(part: string): string {
    return part.includes('|') || part.includes('&') ? `(${part})` : part;
  }
}

function resolvePointer(root: unknown, pointer: string): Schema | undefined {
  let node: unknown = root;
  if (pointer === '') return node as Schema;
  if (!pointer.startsWith('/')) return undefined; // an $anchor: left unresolved, written as its name
  for (const raw of pointer.slice(1).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node === undefined ? undefined : (node as Schema);
}
