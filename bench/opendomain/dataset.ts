// Many open-domain examples from one seed: tiers in turn, each example from its own forked stream, texts unique.
import { Rng } from '../edgejson/prng.js';
import { composeExample, TIERS, type Example } from './compose.js';

/** `count` examples with distinct texts; the ids are `${prefix}-NNNNNN`. Texts in `exclude` are redrawn. */
export function generateOpenDomain(seed: number, count: number, prefix = `od${seed}`, exclude: ReadonlySet<string> = new Set()): Example[] {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`opendomain: seed must be a non-negative integer, got ${seed}`);
  if (!Number.isSafeInteger(count) || count < 0) throw new Error(`opendomain: count must be a non-negative integer, got ${count}`);
  const r = new Rng(seed);
  const seen = new Set<string>(exclude);
  const out: Example[] = [];
  let attempts = 0;
  while (out.length < count) {
    if (++attempts > count * 20 + 100) throw new Error(`opendomain: could not draw ${count} distinct examples (got ${out.length})`);
    const e = composeExample(TIERS[out.length % TIERS.length], r.fork(), `${prefix}-${String(out.length).padStart(6, '0')}`);
    if (seen.has(e.text)) continue;
    seen.add(e.text);
    out.push(e);
  }
  return out;
}

export function toJsonl(examples: readonly Example[]): string {
  return examples.map((e) => JSON.stringify({ id: e.id, tier: e.tier, dataset: e.dataset, register: e.register, locale: e.locale, schema: e.schema, text: e.text, gold: e.gold })).join('\n') + (examples.length ? '\n' : '');
}
