// Normalized forms of the values a text writes in prose: the form a JSON answer holds for them. Dates
// become ISO 8601 ("the 3rd of June 2026" -> 2026-06-03), 12-hour clock times become 24-hour HH:MM
// ("6:10 p.m." -> 18:10), phone numbers get the hyphenated North American form ("(555) 123-4567" ->
// 555-123-4567), number words and ordinals become digits ("twenty-five" -> 25, "second" -> 2),
// amounts with zero cents lose them ("1,707,000.00" -> 1707000), and decimal commas become points
// ("€17,85" -> 17.85, "1.203,17" -> 1203.17; only with one or two digits after the comma, since "1,500"
// is a thousands separator far more often).
//
// Why: the copy bias (copy-bias.ts) favours values that are spans of the text, but a schema that asks for
// `format: date` or an integer wants a form the text may not contain. A model of a few million parameters
// picks the right date far more often than it manages to spell its ISO form digit by digit; with these
// forms among the copy sources the bias can carry that spelling too. Only unambiguous English notations are
// read: day-month order is never guessed from digits alone (03/04/2025 is left alone).

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december'];
// Full names, three-letter abbreviations (with an optional dot), and "Sept".
const MONTH = String.raw`(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?`;
const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
const YEAR = String.raw`(\d{4})`;

const DAY_MONTH_YEAR = new RegExp(String.raw`\b(?:the\s+)?${DAY}\s+(?:of\s+)?${MONTH},?\s+${YEAR}\b`, 'gi');
const MONTH_DAY_YEAR = new RegExp(String.raw`\b${MONTH}\s+${DAY},?\s+${YEAR}\b`, 'gi');
const YEAR_MONTH_DAY = /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/g;
const CLOCK_12H = /\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?/gi;
// North American numbers as (555) 123-4567, 555.123.4567 or 555 123 4567: also offered as 555-123-4567.
const PHONE = /(?<![\d-])\(?(\d{3})\)?[-. ]?(\d{3})[-. ](\d{4})(?![\d-])/g;
const ZERO_CENTS = /\b(\d{1,3}(?:,\d{3})+|\d+)\.0+\b/g;
// A decimal comma, with optional dots between thousands: not inside a longer run of digits and separators.
const DECIMAL_COMMA = /(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+),(\d{1,2})(?![\d]|[.,]\d)/g;

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth',
  'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth',
  'nineteenth', 'twentieth'];
const ORDINAL_WORD = new RegExp(String.raw`\b(${ORDINALS.join('|')})\b`, 'gi');
const NUMBER_WORD = new RegExp(String.raw`\b(?:(${TENS.join('|')})(?:[-\s](${UNITS.slice(1, 10).join('|')}))?|(${UNITS.join('|')}))\b`, 'gi');

const pad2 = (n: number) => String(n).padStart(2, '0');

function monthNumber(name: string): number {
  const key = name.toLowerCase().replace(/\.$/, '');
  return MONTHS.findIndex((m) => m.startsWith(key.slice(0, 3))) + 1;
}

function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days ? `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}` : undefined;
}

export interface NormalizedValues {
  /** String values: ISO dates, 24-hour times and hyphenated phone numbers, in order of appearance, without
   * repeats. */
  strings: string[];
  /** Number values, as JSON numbers would be written: from number words, ordinals, zero-cent amounts and
   * decimal commas. */
  numbers: string[];
}

/** The normalized forms of the dates, clock times, phone numbers, number words, ordinals and zero-cent
 * amounts in `text`. */
export function normalizedValues(text: string): NormalizedValues {
  const strings = new Set<string>(), numbers = new Set<string>();
  const found: Array<[number, string]> = [];
  for (const m of text.matchAll(DAY_MONTH_YEAR)) found.push([m.index!, isoDate(+m[3], monthNumber(m[2]), +m[1]) ?? '']);
  for (const m of text.matchAll(MONTH_DAY_YEAR)) found.push([m.index!, isoDate(+m[3], monthNumber(m[1]), +m[2]) ?? '']);
  for (const m of text.matchAll(YEAR_MONTH_DAY)) found.push([m.index!, isoDate(+m[1], +m[2], +m[3]) ?? '']);
  for (const m of text.matchAll(CLOCK_12H)) {
    const h = +m[1], min = m[2] === undefined ? 0 : +m[2];
    if (h < 1 || h > 12 || min > 59) continue;
    const h24 = (h % 12) + (m[3].toLowerCase() === 'p' ? 12 : 0);
    found.push([m.index!, `${pad2(h24)}:${pad2(min)}`]);
  }
  for (const m of text.matchAll(PHONE)) found.push([m.index!, `${m[1]}-${m[2]}-${m[3]}`]);
  found.sort((a, b) => a[0] - b[0]);
  for (const [, s] of found) if (s) strings.add(s);

  for (const m of text.matchAll(NUMBER_WORD)) {
    const value = m[3] !== undefined
      ? UNITS.indexOf(m[3].toLowerCase())
      : 20 + 10 * TENS.indexOf(m[1].toLowerCase()) + (m[2] ? UNITS.indexOf(m[2].toLowerCase()) : 0);
    numbers.add(String(value));
  }
  for (const m of text.matchAll(ORDINAL_WORD)) numbers.add(String(ORDINALS.indexOf(m[1].toLowerCase()) + 1));
  for (const m of text.matchAll(ZERO_CENTS)) numbers.add(m[1].replace(/,/g, ''));
  for (const m of text.matchAll(DECIMAL_COMMA)) numbers.add(String(Number(`${m[1].replace(/\./g, '')}.${m[2]}`)));
  return { strings: [...strings], numbers: [...numbers] };
}
