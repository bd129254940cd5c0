// Field names: the mined pool (pool.json, see mine-pool.ts), the key styles a schema may spell a name in, and
// the spaced label a text uses for it. A schema says `postalCode`, `postal_code` or `PostalCode`; the text says
// "postal code": the model must match a label to a key, not find the key verbatim.
import type { Rng } from '../edgejson/prng.js';
import pool from './pool.json';

export type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'date';

export interface PoolField { name: string; kind: Kind }

export const FIELDS: readonly PoolField[] = (pool.fields as [string, Kind][]).map(([name, kind]) => ({ name, kind }));
export const ENUMS: readonly { name: string; values: string[] }[] = (pool.enums as [string, string[]][]).map(([name, values]) => ({ name, values }));

/** The words of a name, lower case: `resourceVersion`, `resource_version`, `resource-version` -> [resource, version];
 * acronyms stay whole, plural ones too: `imageIDs` -> [image, ids], `HTTPServer` -> [http, server]. */
export function nameWords(name: string): string[] {
  return (name.match(/[A-Z]{2,}s(?![a-z])|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((w) => w.toLowerCase());
}

/** The schema key for a name: as mined (half the time), or re-spelled snake_case / camelCase. */
export function keyStyle(r: Rng, name: string): string {
  const w = nameWords(name);
  const roll = r.int(0, 3);
  if (roll <= 1 || w.length === 0) return name;
  if (roll === 2) return w.join('_');
  return w[0] + w.slice(1).map((x) => x[0].toUpperCase() + x.slice(1)).join('');
}

/** How a text names a field: spaced words, sometimes capitalized. */
export function label(r: Rng, key: string): string {
  const words = nameWords(key).join(' ');
  return r.chance(25) ? words[0].toUpperCase() + words.slice(1) : words;
}

/** A naive plural for an array field's key (`tag` -> `tags`), keeping the key's style. */
export function pluralKey(key: string): string {
  if (/s$/i.test(key)) return key;
  if (/[^aeiou]y$/i.test(key)) return key.slice(0, -1) + 'ies';
  return key + 's';
}
