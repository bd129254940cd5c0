// CoNLL-style token files (one token per line, tags in later columns, blank line between sentences) to
// labelled texts. Tags may be BIO or IOB1 (wikigold, SEC: an entity starts with I- unless it touches
// another of its type), so one decoder takes both: B-X always starts a mention, I-X starts one unless the
// token before is also X. Tokens are joined back into a readable sentence and each mention's value is the
// exact slice of that sentence, so gold strings are always spans of the text.
import type { Labelled, SlotValue } from './types.js';

const NO_SPACE_BEFORE = /^(?:[.,;:!?%)\]}]|'s|'re|'ve|'ll|'d|'m|n't|'|'')$/i;
const NO_SPACE_AFTER = /^(?:[([{$#@]|``)$/;

/** The sentence the tokens spell, and each token's [start, end) in it. */
export function detokenize(tokens: readonly string[]): { text: string; offsets: Array<[number, number]> } {
  let text = '';
  const offsets: Array<[number, number]> = [];
  tokens.forEach((t, i) => {
    if (i > 0 && !NO_SPACE_BEFORE.test(t) && !NO_SPACE_AFTER.test(tokens[i - 1])) text += ' ';
    offsets.push([text.length, text.length + t.length]);
    text += t;
  });
  return { text, offsets };
}

const TAG = /^([BI])-(.+)$/;

/** Mentions of one tag column: [first token, last token, type]. */
export function decodeTags(tokens: readonly string[], tags: readonly string[]): Array<[number, number, string]> {
  const out: Array<[number, number, string]> = [];
  let prevType: string | undefined;
  tags.forEach((tag, i) => {
    const m = TAG.exec(tag);
    if (!m) { prevType = undefined; return; }
    const [, bio, type] = m;
    // BTC splits "@name" into "@" + "name", each B-PER: the name continues the "@".
    const continuesAt = bio === 'B' && prevType === type && tokens[i - 1] === '@';
    if (bio === 'I' && prevType === type || continuesAt) out[out.length - 1][1] = i;
    else out.push([i, i, type]);
    prevType = type;
  });
  return out;
}

/** Sentences of a CoNLL file: tokens and the tag columns (columns whose every value is O, B-X or I-X). */
export function readConll(content: string): Array<{ tokens: string[]; layers: string[][] }> {
  const sentences: Array<{ tokens: string[]; rows: string[][] }> = [];
  let cur: string[][] = [];
  const flush = () => { if (cur.length) sentences.push({ tokens: cur.map((r) => r[0]), rows: cur }); cur = []; };
  for (const raw of content.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') { flush(); continue; }
    const cols = line.split(/\t| /).filter((c, i) => i === 0 || c !== '');
    if (cols[0] === '-DOCSTART-') { flush(); continue; }
    cur.push(cols);
  }
  flush();
  return sentences.map(({ tokens, rows }) => {
    const width = Math.max(...rows.map((r) => r.length));
    const layers: string[][] = [];
    for (let c = 1; c < width; c++) {
      const col = rows.map((r) => r[c] ?? 'O');
      if (col.every((t) => t === 'O' || TAG.test(t))) layers.push(col);
    }
    return { tokens, layers };
  });
}

/** Labelled texts of a CoNLL file; `typeName` maps a raw tag type to the slot (or undefined to drop it). */
export function conllToLabelled(content: string, group: string, typeName: (t: string) => string | undefined = (t) => t): Labelled[] {
  const out: Labelled[] = [];
  for (const { tokens, layers } of readConll(content)) {
    const { text, offsets } = detokenize(tokens);
    if (text.trim() === '') continue;
    const values: SlotValue[] = [];
    for (const tags of layers) {
      for (const [a, b, type] of decodeTags(tokens, tags)) {
        const slot = typeName(type);
        if (slot !== undefined) values.push({ slot, value: text.slice(offsets[a][0], offsets[b][1]) });
      }
    }
    out.push({ text, group, values });
  }
  return out;
}
