// Record-shaped corpora: E2E restaurant descriptions (a meaning representation per text: name and near
// are verbatim, the rest are categories, so enums and one boolean), US addresses (usaddress) and person /
// company names (probablepeople), both XML token labels whose values are exact slices of the text.
// Held out: E2E test-fixed.csv (devel is for training); usaddress test_labeled.xml + us50_test_tagged.xml;
// probablepeople test_labeled.xml.
import type { ReadText } from './ner.js';
import { inventoryOf, type Converted, type Labelled, type SlotSpec, type SlotValue } from './types.js';

/** Rows of a CSV with a header line: fields may be quoted ("" inside quotes is one quote). */
export function parseCsv(content: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (quoted) {
      if (c === '"' && content[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && content[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

const E2E_VERBATIM = ['name', 'near'];

/** "name[Blue Spice], eatType[coffee shop]" -> [[name, Blue Spice], [eatType, coffee shop]]. */
export function parseMr(mr: string): Array<[string, string]> {
  return [...mr.matchAll(/([^,[\]]+?)\[([^\]]*)\]/g)].map((m) => [m[1].trim(), m[2].trim()]);
}

function e2eRows(content: string): Array<{ text: string; mr: Array<[string, string]> }> {
  return parseCsv(content).map((r) => ({ text: r.ref.trim(), mr: parseMr(r.mr) }));
}

export function e2e(read: ReadText): Converted {
  const test = e2eRows(read('e2e-nlg-cleaned/test-fixed.csv'));
  const train = e2eRows(read('e2e-nlg-cleaned/devel-fixed.no-ol.csv'));
  const categories = new Map<string, Set<string>>();
  for (const { mr } of [...test, ...train]) {
    for (const [k, v] of mr) if (!E2E_VERBATIM.includes(k) && k !== 'familyFriendly') categories.set(k, (categories.get(k) ?? new Set()).add(v));
  }
  const inventory: SlotSpec[] = [
    ...E2E_VERBATIM.map((slot) => ({ slot, ...(slot === 'near' ? { names: ['near', 'nearby_landmark', 'close_to'] } : { names: ['name', 'restaurant_name', 'venue'] }) })),
    { slot: 'familyFriendly', boolean: true, names: ['family_friendly', 'kid_friendly', 'child_friendly'] },
    ...[...categories].map(([slot, vs]) => ({ slot, enum: [...vs].sort() })),
  ];
  const toLabelled = ({ text, mr }: { text: string; mr: Array<[string, string]> }): Labelled => {
    const values: SlotValue[] = [];
    const exclude: string[] = [];
    for (const [k, v] of mr) {
      if (k === 'familyFriendly') values.push({ slot: k, value: v === 'yes' });
      else if (!E2E_VERBATIM.includes(k)) values.push({ slot: k, value: v });
      // A name the reference text spells differently would be a gold value the text lacks: not asked.
      else if (text.includes(v)) values.push({ slot: k, value: v });
      else exclude.push(k);
    }
    return { text, group: 'restaurant', values, ...(exclude.length ? { exclude } : {}) };
  };
  return { test: test.map(toLabelled), train: train.map(toLabelled), inventory: new Map([['restaurant', inventory]]), maxFields: 6 };
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string) => s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) => (e[0] === '#' ? String.fromCodePoint(+e.slice(1)) : ENTITY[e]));

/** Labelled texts from `<Root><Item><Label>token</Label> <Label>token</Label></Item>...`: the text is the
 * item's character data, each run of same-label tokens one value (trailing commas and semicolons dropped:
 * they separate, they are not part of the value). */
export function xmlTokens(content: string, itemTag: string, groupOf: (labels: string[]) => string): Labelled[] {
  const out: Labelled[] = [];
  for (const item of content.matchAll(new RegExp(`<${itemTag}>([\\s\\S]*?)</${itemTag}>`, 'g'))) {
    let text = '';
    const runs: Array<{ label: string; start: number; end: number }> = [];
    let last = 0;
    const body = item[1];
    for (const m of body.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g)) {
      const between = unescapeXml(body.slice(last, m.index)).replace(/\s+/g, ' ');
      text += text === '' ? '' : between || ' ';
      const start = text.length;
      text += unescapeXml(m[2]);
      const prev = runs[runs.length - 1];
      if (prev && prev.label === m[1] && /^\s*$/.test(between)) prev.end = text.length;
      else runs.push({ label: m[1], start, end: text.length });
      last = m.index! + m[0].length;
    }
    text = text.trim();
    if (!text) continue;
    const values = runs.map((r) => ({ slot: r.label, value: text.slice(r.start, r.end).replace(/[,;]+$/, '').trim() })).filter((v) => v.value !== '');
    out.push({ text, group: groupOf(runs.map((r) => r.label)), values });
  }
  return out;
}

export function usaddress(read: ReadText): Converted {
  const load = (f: string) => xmlTokens(read(`usaddress-labeled/${f}`), 'AddressString', () => 'address');
  const test = [...load('test_labeled.xml'), ...load('us50_test_tagged.xml')];
  const train = [...load('train_labeled.xml'), ...load('us50_messiest_manual_label.xml')];
  return { test, train, inventory: inventoryOf([...test, ...train]), maxFields: 8, nestPercent: 30 };
}

const nameGroup = (labels: string[]) => (labels.some((l) => l.startsWith('Corporation')) ? 'company' : 'person');

export function probablepeople(read: ReadText): Converted {
  const load = (f: string) => xmlTokens(read(`probablepeople-names/${f}`), 'Name', nameGroup);
  const test = load('test_labeled.xml');
  const train = [...load('person_labeled.xml'), ...load('company_labeled.xml')];
  return { test, train, inventory: inventoryOf([...test, ...train]), maxFields: 6, nestPercent: 20 };
}
