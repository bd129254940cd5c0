// SQuAD few-shot (MRQA form): each question becomes a field whose description is the question, over its
// Wikipedia paragraph; questions on the same paragraph share a schema (up to 3 fields). The field name is
// the question's content words. The corpus has no test file: a stable fifth of the paragraphs is held out.
import type { ReadText } from './ner.js';
import { fnv1a, inHeldOutFifth } from './split-hash.js';
import type { Converted, Labelled, SlotSpec } from './types.js';

interface SquadRow { id: string; context: string; question: string; spans: Array<[number, number, string]> }

const STOP = new Set(['what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how', 'is', 'are', 'was', 'were', 'did', 'do',
  'does', 'the', 'a', 'an', 'of', 'in', 'on', 'to', 'for', 'by', 'with', 'and', 'or', 'that', 'this', 'it', 'its', 'at', 'as', 'be',
  'been', 'has', 'have', 'had', 'from', 'many', 'much', 'name', 's']);

/** "Which publication provided rankings?" -> "publication_provided_rankings" (at most 3 content words). */
export function questionSlug(question: string): string {
  const words = question.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w && !STOP.has(w));
  return words.slice(0, 3).join('_') || 'answer';
}

export function squadRows(content: string): SquadRow[] {
  return content.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as SquadRow);
}

export function squad(read: ReadText): Converted {
  const rows = [1, 2].flatMap((p) => squadRows(read(`squad-fewshot-mrqa/squad_train_fewshot_union.part${p}of2.jsonl`)));
  const byContext = new Map<string, SquadRow[]>();
  for (const r of rows) byContext.set(r.context, [...(byContext.get(r.context) ?? []), r]);
  const test: Labelled[] = [], train: Labelled[] = [];
  const inventory = new Map<string, SlotSpec[]>();
  for (const [context, qs] of byContext) {
    const group = `squad-${fnv1a(context).toString(16)}`;
    const usable = qs.filter((q) => q.spans.length && context.slice(q.spans[0][0], q.spans[0][1]) === q.spans[0][2]);
    if (!usable.length) continue;
    inventory.set(group, usable.map((q) => ({ slot: q.id, description: q.question, needsDescription: true, names: [questionSlug(q.question)] })));
    const rec: Labelled = { text: context, group, values: usable.map((q) => ({ slot: q.id, value: q.spans[0][2] })) };
    (inHeldOutFifth(context) ? test : train).push(rec);
  }
  return { test, train, inventory, maxFields: 3 };
}
