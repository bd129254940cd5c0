// Canonical JSON: object keys sorted at every depth, array order kept. Two values are "the same JSON"
// (JSONExact) exactly when their canonical strings are equal; the dataset also dedupes on it.

export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object).sort()) out[key] = canonicalize((value as Record<string, unknown>)[key]);
  return out;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}
