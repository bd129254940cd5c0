// The NER corpora (BIO or IOB1 token files): every schema field is a list of the mentions of one type,
// and a type the text does not mention is []. Held-out splits: each corpus's own test file (CrossNER
// test.txt, WNUT-17 emerging.test.annotated, BTC section F, SEC FIN3, SkillSpan *_test); Green 2022 is
// itself the gold test set; wikigold and re3d ship none, so a stable fifth of their sentences is held out.
import { conllToLabelled } from './conll.js';
import { inHeldOutFifth } from './split-hash.js';
import type { Converted, Labelled, SlotSpec } from './types.js';

export type ReadText = (relPath: string) => string;

// MISC / misc says nothing a user would ask for by name.
const dropMisc = (t: string) => (/^misc$/i.test(t) ? undefined : t);

function nerConverted(test: Labelled[], train: Labelled[]): Converted {
  const inventory = new Map<string, SlotSpec[]>();
  for (const rec of [...test, ...train]) {
    const slots = inventory.get(rec.group) ?? [];
    for (const v of rec.values) if (!slots.some((s) => s.slot === v.slot)) slots.push({ slot: v.slot });
    inventory.set(rec.group, slots);
  }
  for (const slots of inventory.values()) slots.sort((a, b) => (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0));
  return { test, train, inventory, lists: true, maxFields: 5 };
}

const byHash = (all: Labelled[]) => nerConverted(all.filter((r) => inHeldOutFifth(r.text)), all.filter((r) => !inHeldOutFifth(r.text)));

export const CROSSNER_DOMAINS = ['ai', 'literature', 'music', 'politics', 'science'];

export function crossner(read: ReadText): Converted {
  const load = (split: string) => CROSSNER_DOMAINS.flatMap((d) => conllToLabelled(read(`crossner/${d}/${split}.txt`), `crossner-${d}`, dropMisc));
  return nerConverted(load('test'), [...load('train'), ...load('dev')]);
}

export function wnut17(read: ReadText): Converted {
  const load = (f: string) => conllToLabelled(read(`wnut17-emerging-entities/${f}`), 'wnut17');
  return nerConverted(load('emerging.test.annotated'), [...load('wnut17train.conll'), ...load('emerging.dev.conll')]);
}

export function wikigold(read: ReadText): Converted {
  return byHash(conllToLabelled(read('wikigold/wikigold.conll.txt'), 'wikigold', dropMisc));
}

export function btc(read: ReadText): Converted {
  const load = (s: string) => conllToLabelled(read(`broad-twitter-corpus/${s}.conll`), 'btc');
  return nerConverted(load('f'), ['a', 'b', 'e', 'g', 'h'].flatMap(load));
}

export function sec(read: ReadText): Converted {
  const load = (f: string) => conllToLabelled(read(`sec-filings-ner/${f}`), 'sec', dropMisc);
  return nerConverted(load('FIN3.txt'), load('FIN5.txt'));
}

export const RE3D_SOURCES = ['Australian_Department_of_Foreign_Affairs', 'CENTCOM', 'UK_Government', 'US_State_Department', 'Wikipedia'];

export function re3d(read: ReadText): Converted {
  return byHash(RE3D_SOURCES.flatMap((s) => conllToLabelled(read(`re3d-open-subset/${s}.conll`), 're3d')));
}

export function skillspan(read: ReadText): Converted {
  const load = (split: string) => ['house', 'tech'].flatMap((d) => conllToLabelled(read(`skillspan/skillspan_${d}_${split}.conll`), 'skillspan'));
  return nerConverted(load('test'), [...load('train'), ...load('dev')]);
}

export function green2022(read: ReadText): Converted {
  return nerConverted(conllToLabelled(read('job-descriptions-green2022/testset.txt'), 'green2022'), []);
}
