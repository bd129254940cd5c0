// The 18 corpora, their held-out splits, and the train/test files built from them: de-duplicated by
// normalized text within each split, SLURP and HWU64 de-duplicated against each other, and no training
// text equal (after normalization) to any test text of any corpus, or to any excluded text (bench/realtext).
import { Rng } from '../edgejson/prng.js';
import { hwu64, slurp, snips } from './intents.js';
import { btc, crossner, green2022, re3d, sec, skillspan, wikigold, wnut17, type ReadText } from './ner.js';
import { e2e, probablepeople, usaddress } from './records.js';
import { buildExample } from './schema.js';
import { fnv1a, normalizeText } from './split-hash.js';
import { nluplusplus, restaurant8k, sgd } from './spans.js';
import { squad } from './squad.js';
import type { Converted, CorpusExample, Labelled, Split } from './types.js';

/** Data set name (as in ../shared/corpora/extraction) -> converter. */
export const CORPORA: Record<string, (read: ReadText) => Converted> = {
  'snips-nlu-benchmark': snips,
  slurp,
  'hwu64-nlu-evaluation-data': hwu64,
  'polyai-restaurant8k': restaurant8k,
  'polyai-nluplusplus': nluplusplus,
  'sgd-schema-guided-dialogue': sgd,
  crossner,
  'wnut17-emerging-entities': wnut17,
  wikigold,
  'broad-twitter-corpus': btc,
  'sec-filings-ner': sec,
  're3d-open-subset': re3d,
  skillspan,
  'job-descriptions-green2022': green2022,
  'e2e-nlg-cleaned': e2e,
  'usaddress-labeled': usaddress,
  'probablepeople-names': probablepeople,
  'squad-fewshot-mrqa': squad,
};

export interface BuildOptions {
  seed: number;
  /** Only these data sets (default: all). The test texts of all 18 still keep the train files clean. */
  only?: readonly string[];
  /** Texts no training example may have (bench/realtext's hand-written cases). */
  excludeTexts?: readonly string[];
  /** At most this many test examples per data set, a seeded sample in corpus order (default: all). */
  testCap?: number;
  /** Which splits to make examples for (default both; the other comes back empty). */
  splits?: readonly Split[];
}

export type Built = Record<string, Record<Split, CorpusExample[]>>;

function dedupe(records: Labelled[], drop: Set<string>): Labelled[] {
  const seen = new Set(drop);
  return records.filter((r) => {
    const key = normalizeText(r.text);
    if (key === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function seededFor(seed: number, name: string, split: Split): Rng {
  return new Rng((seed ^ fnv1a(`${name}/${split}`)) >>> 0);
}

/** Every corpus converted, SLURP and HWU64 de-duplicated: ~45% of sentences are in both, so a HWU64 test
 * sentence that SLURP's test split also holds is dropped. */
export function convertAll(read: ReadText): Record<string, Converted> {
  const converted = Object.fromEntries(Object.entries(CORPORA).map(([name, convert]) => [name, convert(read)])) as Record<string, Converted>;
  const slurpTest = new Set(converted.slurp.test.map((r) => normalizeText(r.text)));
  const hwu = converted['hwu64-nlu-evaluation-data'];
  hwu.test = hwu.test.filter((r) => !slurpTest.has(normalizeText(r.text)));
  return converted;
}

/** Makes the examples of the requested data sets (from `converted` when given, else converting afresh). */
export function buildCorpora(read: ReadText, options: BuildOptions, converted: Record<string, Converted> = convertAll(read)): Built {

  const heldOut = new Set<string>();
  for (const c of Object.values(converted)) for (const r of c.test) heldOut.add(normalizeText(r.text));
  const excluded = new Set([...heldOut, ...(options.excludeTexts ?? []).map(normalizeText)]);

  const out: Built = {};
  for (const name of options.only ?? Object.keys(CORPORA)) {
    const c = converted[name];
    if (!c) throw new Error(`unknown data set '${name}' (known: ${Object.keys(CORPORA).join(', ')})`);
    let test = dedupe(c.test, new Set());
    const train = dedupe(c.train, excluded);
    if (options.testCap !== undefined && test.length > options.testCap) {
      const keep = new Set(seededFor(options.seed, name, 'test').fork().sample(test.map((_, i) => i), options.testCap));
      test = test.filter((_, i) => keep.has(i));
    }
    const make = (recs: Labelled[], split: Split) => {
      const r = seededFor(options.seed, name, split);
      return recs.flatMap((rec, i) => buildExample(rec, c, r, `${name}-${split}-${String(i).padStart(5, '0')}`, name) ?? []);
    };
    const want = (split: Split) => (options.splits ?? ['test', 'train']).includes(split);
    out[name] = { test: want('test') ? make(test, 'test') : [], train: want('train') ? make(train, 'train') : [] };
  }
  return out;
}

export function toJsonl(examples: readonly CorpusExample[]): string {
  return examples.map((e) => JSON.stringify({ id: e.id, dataset: e.dataset, tier: e.tier, schema: e.schema, text: e.text, gold: e.gold })).join('\n') + (examples.length ? '\n' : '');
}
