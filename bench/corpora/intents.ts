// Slot-filling corpora of voice-assistant requests (SNIPS, SLURP, HWU64): one inventory group per intent,
// holding the slot types seen with that intent anywhere in the corpus; gold values are the annotated
// chunks, verbatim. Held out: SNIPS validate_*, SLURP test (devel is for training), HWU64 fold 1 (its 10
// folds are disjoint samples). SLURP/HWU64 overlap is removed in corpora.ts.
import type { ReadText } from './ner.js';
import { inventoryOf, type Converted, type Labelled, type SlotSpec, type SlotValue } from './types.js';

export const SNIPS_INTENTS = ['AddToPlaylist', 'BookRestaurant', 'GetWeather', 'PlayMusic', 'RateBook', 'SearchCreativeWork', 'SearchScreeningEvent'];

/** One SNIPS file: {Intent: [{data: [{text, entity?}]}]}. */
export function snipsFile(content: string, intent: string): Labelled[] {
  const rows = (JSON.parse(content) as Record<string, Array<{ data: Array<{ text: string; entity?: string }> }>>)[intent];
  if (!Array.isArray(rows)) throw new Error(`SNIPS file has no "${intent}" list`);
  return rows.map((row) => {
    let text = '';
    const values: SlotValue[] = [];
    for (const chunk of row.data) {
      text += chunk.text;
      // Chunks may carry edge spaces; the value is the chunk without them, still a span of the text.
      const value = chunk.text.trim();
      if (chunk.entity && value) values.push({ slot: chunk.entity, value });
    }
    return { text: text.trim(), group: intent, values };
  });
}

export function snips(read: ReadText): Converted {
  const test = SNIPS_INTENTS.flatMap((i) => snipsFile(read(`snips-nlu-benchmark/${i}/validate_${i}.json`), i));
  const train = SNIPS_INTENTS.flatMap((i) => [
    ...snipsFile(read(`snips-nlu-benchmark/${i}/train_${i}_full.json`), i),
    ...snipsFile(read(`snips-nlu-benchmark/${i}/train_${i}.json`), i),
  ]);
  return { test, train, inventory: inventoryOf([...test, ...train]) };
}

const INLINE = /\[\s*([^\]:]+?)\s*:\s*([^\]]*?)\s*\]/g;

/** "wake me at [time : five am]" -> text "wake me at five am", values [{time: "five am"}]. */
export function parseInline(annotated: string, group: string): Labelled {
  let text = '', last = 0;
  const values: SlotValue[] = [];
  for (const m of annotated.matchAll(INLINE)) {
    text += annotated.slice(last, m.index);
    if (m[2]) values.push({ slot: m[1], value: m[2] });
    text += m[2];
    last = m.index! + m[0].length;
  }
  text += annotated.slice(last);
  return { text: text.replace(/\s+/g, ' ').trim(), group, values };
}

export function slurpLines(content: string): Labelled[] {
  return content.split('\n').filter((l) => l.trim()).map((l) => {
    const row = JSON.parse(l) as { sentence_annotation: string; intent: string };
    return parseInline(row.sentence_annotation, row.intent);
  });
}

export function slurp(read: ReadText): Converted {
  const test = slurpLines(read('slurp/test.compact.jsonl'));
  const train = slurpLines(read('slurp/devel.compact.jsonl'));
  return { test, train, inventory: inventoryOf([...test, ...train]) };
}

/** HWU64 CSV rows (fold;answerid;scenario;intent;answer_annotation;...), with their fold. */
export function hwu64Rows(content: string): Array<{ fold: number; rec: Labelled }> {
  const lines = content.split('\n').filter((l) => l.trim());
  return lines.slice(1).map((l) => {
    const cols = l.split(';');
    return { fold: Number(cols[0]), rec: parseInline(cols[4], `${cols[2]}_${cols[3]}`) };
  });
}

export function hwu64(read: ReadText): Converted {
  const rows = hwu64Rows(read('hwu64-nlu-evaluation-data/hwu64_annotated_cv_testsets.csv'));
  const test = rows.filter((r) => r.fold === 1).map((r) => r.rec);
  const train = rows.filter((r) => r.fold !== 1).map((r) => r.rec);
  return { test, train, inventory: inventoryOf([...test, ...train]) };
}
