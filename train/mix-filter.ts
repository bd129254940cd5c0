// The training mix's guard (prepare-data.ts filter): no example whose text is held out (bench/realtext, the
// EdgeJSON test split, every corpus test file) reaches training, no text twice, each source capped and a
// validation slice cut from it, with the counts printed so a run's log says what was dropped.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../bench/edgejson/prng.js';

interface Example { text: string; schema: unknown; gold: unknown; dataset?: string }

/** The files a --in / --exclude list names: files as given, folders as every *.jsonl inside (sorted). */
export function jsonlFiles(list: string): string[] {
  return list.split(',').filter(Boolean).flatMap((p) => {
    if (!existsSync(p)) throw new Error(`no such file or folder: ${p}`);
    if (!statSync(p).isDirectory()) return [p];
    return readdirSync(p).sort().flatMap((f) => (statSync(join(p, f)).isDirectory() ? jsonlFiles(join(p, f)) : f.endsWith('.jsonl') ? [join(p, f)] : []));
  });
}

/** The key two texts are compared on (as bench/corpora splits): lower case, every run of characters that are
 * not letters or digits one space, trimmed. "Hello,  World!" and "hello world" are the same text. */
export function textKey(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function readJsonl(path: string): Example[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
    let e: Example;
    try { e = JSON.parse(l) as Example; } catch { throw new Error(`${path}:${i + 1}: not JSON`); }
    if (typeof e.text !== 'string' || e.schema === undefined || e.gold === undefined) throw new Error(`${path}:${i + 1}: needs text, schema and gold`);
    return e;
  });
}

/** See the header: exclusion, de-duplication, per-file cap and validation slice, with counts. */
export function filterMix(a: Record<string, string>): { kept: number; val: number; excluded: number; duplicates: number } {
  if (!a.in || !a.out) throw new Error('filter: --in and --out are required');
  const excluded = new Set<string>();
  for (const f of jsonlFiles(a.exclude ?? '')) for (const e of readJsonl(f)) excluded.add(textKey(e.text));
  const seen = new Set<string>();
  const cap = a.cap === undefined ? Infinity : Number(a.cap);
  const valN = a['val-n'] === undefined ? 0 : Number(a['val-n']);
  if (!(cap >= 0) || !(valN >= 0) || !Number.isInteger(valN)) throw new Error(`filter: --cap and --val-n must be non-negative integers`);
  if (valN > 0 && !a['val-out']) throw new Error('filter: --val-n needs --val-out');
  const rng = new Rng(Number(a.seed ?? 1));
  const train: string[] = [], val: string[] = [];
  let nExcluded = 0, nDup = 0;
  // Pass 1: each file's usable rows, shuffled (seeded) when sampled, and its validation slice.
  const perFile: { f: string; rows: Example[]; v: Example[] }[] = [];
  const valTexts = new Set<string>();
  for (const f of jsonlFiles(a.in)) {
    let rows = readJsonl(f).filter((e) => {
      const k = textKey(e.text);
      if (excluded.has(k)) { nExcluded++; return false; }
      // A text may come twice with different schemas (a corpus asks several things of one sentence): only
      // the same text with the same schema and gold is a duplicate.
      const d = `${k}\u0000${JSON.stringify(e.schema)}\u0000${JSON.stringify(e.gold)}`;
      if (seen.has(d)) { nDup++; return false; }
      seen.add(d);
      return true;
    });
    if (a.source) rows = rows.map((e) => ({ ...e, dataset: e.dataset ?? a.source }));
    if (cap !== Infinity || valN > 0) rows = rng.shuffle(rows);
    const v = rows.slice(0, valN);
    for (const e of v) valTexts.add(textKey(e.text));
    perFile.push({ f, rows: rows.slice(valN), v });
  }
  // Pass 2: training rows, none sharing a text with any validation row (whatever its schema).
  let nValText = 0;
  for (const { f, rows, v } of perFile) {
    const usable = rows.filter((e) => !valTexts.has(textKey(e.text)) || (nValText++, false));
    const t = usable.slice(0, cap);
    for (const e of v) val.push(JSON.stringify(e));
    for (const e of t) train.push(JSON.stringify(e));
    console.error(`filter: ${f}: ${t.length} train${valN ? `, ${v.length} val` : ''} (of ${usable.length + v.length} usable)`);
  }
  writeFileSync(a.out, train.join('\n') + (train.length ? '\n' : ''));
  if (a['val-out']) writeFileSync(a['val-out'], val.join('\n') + (val.length ? '\n' : ''));
  console.error(`filter: ${train.length} train, ${val.length} val -> ${a.out}; excluded ${nExcluded} (text in ${excluded.size} held-out texts), ${nDup} duplicates dropped${valN ? `, ${nValText} sharing a text with a val row dropped` : ''}`);
  return { kept: train.length, val: val.length, excluded: nExcluded, duplicates: nDup };
}
