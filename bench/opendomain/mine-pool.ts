// Node script: mines the field-name pool (pool.json) from the JSONSchemaBench development half in
// ../shared/corpora/jsonschemabench-dev. Only property names, their primitive type, and short string enums are
// kept (no descriptions, no defaults, no examples): what a user's schema asks for, not what its documents hold.
//   npx esbuild bench/opendomain/mine-pool.ts --bundle --platform=node --format=esm --outfile=/tmp/mine.mjs
//   node /tmp/mine.mjs ../shared/corpora/jsonschemabench-dev/schemas bench/opendomain/pool.json
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'date';
interface Seen { count: number; kinds: Map<Kind, number>; enums: Map<string, number> }

/** A name a person could say in a sentence: letters (camelCase, snake_case, kebab-case or spaced), 3-32 chars. */
const SAYABLE = /^[A-Za-z][A-Za-z]*(?:[ _-]?[A-Za-z]+){0,3}$/;
const MAX_FIELDS = 2500;
const MAX_ENUMS = 600;

function kindOf(s: Record<string, unknown>): Kind | undefined {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t === 'string') return s.format === 'date' || s.format === 'date-time' ? 'date' : 'string';
  if (t === 'integer' || t === 'number' || t === 'boolean') return t;
  return undefined;
}

function walk(node: unknown, seen: Map<string, Seen>, depth: number): void {
  if (depth > 12 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) { for (const n of node) walk(n, seen, depth + 1); return; }
  const obj = node as Record<string, unknown>;
  const props = obj.properties;
  if (props && typeof props === 'object' && !Array.isArray(props)) {
    for (const [name, sub] of Object.entries(props as Record<string, unknown>)) {
      if (!sub || typeof sub !== 'object' || name.length < 3 || name.length > 32 || !SAYABLE.test(name)) continue;
      const kind = kindOf(sub as Record<string, unknown>);
      if (!kind) continue;
      const e = seen.get(name) ?? { count: 0, kinds: new Map(), enums: new Map() };
      e.count++;
      e.kinds.set(kind, (e.kinds.get(kind) ?? 0) + 1);
      const en = (sub as Record<string, unknown>).enum;
      if (kind === 'string' && Array.isArray(en) && en.length >= 2 && en.length <= 10 &&
          en.every((v) => typeof v === 'string' && /^[A-Za-z][A-Za-z0-9 _-]{0,23}$/.test(v)) && new Set(en).size === en.length) {
        const key = JSON.stringify(en);
        e.enums.set(key, (e.enums.get(key) ?? 0) + 1);
      }
      seen.set(name, e);
    }
  }
  for (const v of Object.values(obj)) walk(v, seen, depth + 1);
}

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : f.endsWith('.json') ? [p] : [];
  });
}

function main(): void {
  const [src, out] = process.argv.slice(2);
  if (!src || !out) throw new Error('usage: mine SCHEMAS_DIR OUT.json');
  const seen = new Map<string, Seen>();
  const paths = files(src);
  for (const p of paths) {
    let schema: unknown;
    try { schema = JSON.parse(readFileSync(p, 'utf8')); } catch { continue; }
    walk(schema, seen, 0);
  }
  const best = (m: Map<Kind, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  const ranked = [...seen].filter(([, e]) => e.count >= 2)
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  const fields = ranked.slice(0, MAX_FIELDS).map(([name, e]) => [name, best(e.kinds)]);
  const enums = new Map<string, number>();
  for (const [name, e] of ranked) for (const [k, c] of e.enums) if (!enums.has(`${name}\t${k}`)) enums.set(`${name}\t${k}`, c);
  const enumList = [...enums].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_ENUMS)
    .map(([k]) => { const [name, vals] = k.split('\t'); return [name, JSON.parse(vals) as string[]]; });
  const pool = {
    provenance: `Property names, their primitive types (string, integer, number, boolean, date = string with format date/date-time) and short string enums, mined by bench/opendomain/mine-pool.ts from ${paths.length} schemas of the JSONSchemaBench development half (../shared/corpora/jsonschemabench-dev; guidance-ai/jsonschemabench at ba103c73756198dd9b149ddc7db7867da7a077f6, data/). Names seen in at least 2 properties, ranked by count; the top ${MAX_FIELDS} names and ${MAX_ENUMS} (name, enum) pairs.`,
    licence: 'MIT (dataset card of epfl-dlab/JSONSchemaBench); the schemas were collected from public sources. Only names, types and enum values are kept.',
    fields,
    enums: enumList,
  };
  writeFileSync(out, JSON.stringify(pool) + '\n');
  console.error(`pool: ${fields.length} fields, ${enumList.length} enums from ${paths.length} schemas -> ${out}`);
}

main();
