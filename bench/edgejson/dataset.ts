// The dataset: examples drawn tier by tier and family by family from one seed, deduplicated, split 80/20
// per tier. Extra training data comes from another seed and is kept disjoint from the base dataset.
import { canonicalJson } from '../eval/canonical.js';
import { composeExample, TIERS, type Example, type Tier } from './compose.js';
import { FAMILIES } from './families/index.js';
import { Rng } from './prng.js';

/** Sizes of the original EdgeJSON benchmark: 787 examples, 629 train / 158 test. */
export const DEFAULT_TOTAL = 787;
export const DEFAULT_TEST_FRACTION = 0.2;

export interface Split {
  train: Example[];
  test: Example[];
}

/** The two keys an example is deduplicated on: its text, and its (schema, gold) pair. */
export function dedupeKeys(e: Pick<Example, 'text' | 'schema' | 'gold'>): [string, string] {
  return [`text:${e.text}`, `sg:${canonicalJson(e.schema)}|${canonicalJson(e.gold)}`];
}

/**
 * Draws `total` distinct examples, tiers in turn (so the counts differ by at most one) and families in a
 * shuffled round-robin within each tier (so every family appears about equally often). Candidates that
 * repeat a text or a (schema, gold) pair already seen, or listed in `exclude`, are redrawn.
 */
export function generateExamples(seed: number, total: number, idPrefix: string, exclude: ReadonlySet<string> = new Set()): Example[] {
  const r = new Rng(seed);
  const seen = new Set<string>(exclude);
  const queues = new Map<Tier, number[]>(TIERS.map((t) => [t, []]));
  const out: Example[] = [];
  let attempts = 0;
  while (out.length < total) {
    if (++attempts > total * 50) throw new Error(`generator: could not draw ${total} distinct examples (got ${out.length})`);
    const tier = TIERS[out.length % TIERS.length];
    const queue = queues.get(tier)!;
    if (queue.length === 0) queue.push(...r.shuffle(FAMILIES.map((_, i) => i)));
    const family = FAMILIES[queue[queue.length - 1]];
    const candidate = composeExample(family, tier, r.fork(), `${idPrefix}-${String(out.length).padStart(5, '0')}`);
    const keys = dedupeKeys(candidate);
    if (keys.some((k) => seen.has(k))) continue;
    queue.pop();
    keys.forEach((k) => seen.add(k));
    out.push(candidate);
  }
  return out;
}

/** Splits per tier: the first ceil(testFraction * n) examples of each tier (in a seeded shuffle) go to test. */
export function splitByTier(examples: Example[], seed: number, testFraction = DEFAULT_TEST_FRACTION): Split {
  const r = new Rng(seed ^ 0x5eed);
  const split: Split = { train: [], test: [] };
  const totalTest = Math.ceil(examples.length * testFraction);
  const tiers = TIERS.map((t) => examples.filter((e) => e.tier === t));
  // Share the test quota between tiers as evenly as the counts allow (158 = 53 + 53 + 52 for 787).
  let left = totalTest;
  tiers.forEach((items, i) => {
    const quota = Math.round(left / (tiers.length - i));
    left -= quota;
    const shuffled = r.shuffle(items);
    split.test.push(...shuffled.slice(0, quota));
    split.train.push(...shuffled.slice(quota));
  });
  const byId = (a: Example, b: Example) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  split.train.sort(byId);
  split.test.sort(byId);
  return split;
}

/** The base benchmark: `total` examples from `seed`, split 80/20 per tier. */
export function generateDataset(seed: number, total = DEFAULT_TOTAL): Split {
  return splitByTier(generateExamples(seed, total, `ej${seed}`), seed);
}

/** `count` more training examples from another seed, none sharing a text or a (schema, gold) pair with
 * the base dataset (train or test). */
export function generateExtraTrain(extraSeed: number, count: number, base: Split): Example[] {
  const exclude = new Set<string>();
  for (const e of [...base.train, ...base.test]) dedupeKeys(e).forEach((k) => exclude.add(k));
  return generateExamples(extraSeed, count, `ej${extraSeed}x`, exclude);
}
