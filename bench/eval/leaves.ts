// A JSON value flattened to its leaves: path -> value. Field F1 compares these maps. Array elements are
// addressed by index (matched in order, as EdgeJSON does); an empty array or object is itself a leaf, so
// that "tags": [] in the gold can be found (or missed) like any other value.

export type LeafMap = Map<string, string>;

/** Leaves of `value` keyed by path (`customer.address.city`, `items[0].price`, `tags[2]`); each leaf's
 * value is its JSON text, so 5 and "5" differ and 1.0 equals 1. The root itself, when a primitive, has
 * the path "$". */
export function flattenLeaves(value: unknown): LeafMap {
  const out: LeafMap = new Map();
  walk(value, '', out);
  return out;
}

function walk(value: unknown, path: string, out: LeafMap): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path || '$', '[]');
    value.forEach((v, i) => walk(v, `${path}[${i}]`, out));
    return;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) out.set(path || '$', '{}');
    // Keys go through JSON.stringify when they hold a dot or bracket, so "a.b" and a.b stay apart.
    for (const k of keys) walk((value as Record<string, unknown>)[k], path ? `${path}.${safeKey(k)}` : safeKey(k), out);
    return;
  }
  out.set(path || '$', JSON.stringify(value));
}

function safeKey(k: string): string {
  return /^[A-Za-z0-9_$-]+$/.test(k) ? k : JSON.stringify(k);
}
