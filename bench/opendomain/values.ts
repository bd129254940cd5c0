// Values for a field, from pools too large to memorize: faker in a random locale (names, cities, streets,
// companies, products, emails, phones...), random codes and ids, amounts, counts and dates. Each value comes
// with the way the text writes it (`surface`) and what the gold holds: free strings are written verbatim (the
// gold is a span of the text), numbers and dates are normalized in the gold only.
import type { Faker } from '@faker-js/faker';
import type { Rng } from '../edgejson/prng.js';
import { fake } from './faker.js';
import type { Kind } from './names.js';

export interface Value { gold: string | number | boolean; surface: string }

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const CURRENCIES = ['$', '€', '£', 'USD ', 'EUR ', 'GBP ', 'CHF ', 'JPY ', 'INR ', 'R', 'NZ$', 'A$', 'SEK ', 'KES '];

const digits = (r: Rng, n: number) => Array.from({ length: n }, () => String(r.int(0, 9))).join('');
const letters = (r: Rng, n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + r.int(0, 25))).join('');
const hex = (r: Rng, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[r.int(0, 15)]).join('');

/** A random identifier in one of many shapes: PO-17600, 4f3a9c1e, AB12-XY9, 2024-00417, v3.12.0... */
export function randomCode(r: Rng): string {
  switch (r.int(0, 7)) {
    case 0: return `${letters(r, r.int(2, 3))}-${digits(r, r.int(3, 6))}`;
    case 1: return hex(r, r.int(6, 12));
    case 2: return `${letters(r, 2)}${digits(r, 2)}-${letters(r, 2)}${digits(r, 1)}`;
    case 3: return `${r.int(2000, 2030)}-${digits(r, 5)}`;
    case 4: return `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}`;
    case 5: return `#${digits(r, r.int(3, 7))}`;
    case 6: return `${letters(r, 1)}${digits(r, r.int(4, 8))}`;
    default: return `${letters(r, 3)}/${digits(r, 2)}/${digits(r, 3)}`;
  }
}

const STRING_HINTS: [RegExp, (f: Faker, r: Rng) => unknown][] = [
  [/e-?mail/, (f) => f.internet.email()],
  [/url|uri|link|href|website|homepage|endpoint/, (f) => f.internet.url()],
  [/phone|mobile|fax|tel/, (f) => f.phone.number()],
  [/city|town|place|region/, (f) => f.location.city()],
  [/country|nation/, (f) => f.location.country()],
  [/street|address|location/, (f) => f.location.streetAddress()],
  [/zip|postal|postcode/, (f) => f.location.zipCode()],
  [/first ?name|given/, (f) => f.person.firstName()],
  [/last ?name|surname|family/, (f) => f.person.lastName()],
  [/user ?name|login|handle|nick/, (f) => f.internet.username()],
  [/company|organi[sz]ation|vendor|publisher|brand|employer|org$/, (f) => f.company.name()],
  [/author|owner|person|contact|reporter|assignee|creator|manager|customer|maintainer|user|member|name/, (f) => f.person.fullName()],
  [/host|domain|server/, (f) => f.internet.domainName()],
  [/\bip\b/, (f) => f.internet.ipv4()],
  [/colou?r/, (f) => f.color.human()],
  [/title|subject|headline|book/, (f) => f.book.title()],
  [/product|item|model/, (f) => f.commerce.productName()],
  [/category|department|genre|group|tag|topic/, (f, r) => r.chance(50) ? f.commerce.department() : f.music.genre()],
  [/currency/, (f) => f.finance.currencyCode()],
  [/file|path|dir|folder/, (f) => f.system.filePath()],
  [/description|message|comment|note|text|reason|summary|content/, (f, r) => f.word.words(r.int(2, 6))],
];

function stringValue(r: Rng, locale: string, words: string): string {
  if (/\b(id|uid|uuid|key|code|token|sku|ref|serial|number|hash|sha|tag ?name)\b|id$/.test(words)) return randomCode(r);
  if (/version/.test(words)) return `${r.int(0, 12)}.${r.int(0, 40)}.${r.int(0, 99)}`;
  for (const [re, draw] of STRING_HINTS) if (re.test(words)) return fake(r, locale, (f) => draw(f, r));
  switch (r.int(0, 5)) {
    case 0: return randomCode(r);
    case 1: return fake(r, locale, (f) => f.commerce.productName());
    case 2: return fake(r, locale, (f) => f.company.name());
    case 3: return fake(r, locale, (f) => f.location.city());
    default: return fake(r, locale, (f) => f.word.words(r.int(1, 3)));
  }
}

function withCommas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function integerValue(r: Rng): Value {
  const roll = r.int(0, 9);
  const n = roll < 4 ? r.int(0, 12) : roll < 7 ? r.int(13, 999) : r.int(1000, 2_000_000);
  const surface = n <= 12 && r.chance(40) ? SMALL[n] : n >= 1000 && r.chance(50) ? withCommas(n) : String(n);
  return { gold: n, surface };
}

function numberValue(r: Rng, words: string): Value {
  const money = /price|amount|cost|fee|total|balance|salary|budget|paid|charge|rate/.test(words) || r.chance(25);
  const cents = r.int(0, 5_000_000);
  const gold = cents / 100;
  const plain = gold.toFixed(2);
  const body = r.chance(50) && gold >= 1000 ? withCommas(Math.floor(gold)) + plain.slice(plain.indexOf('.')) : r.chance(50) ? String(gold) : plain;
  if (!money) return { gold, surface: body };
  const cur = r.pick(CURRENCIES);
  return { gold, surface: r.chance(70) ? `${cur}${body}` : `${body} ${cur.trim().replace(/^\$$/, 'USD')}` };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A calendar date (gold ISO) and one of several written forms. */
export function dateValue(r: Rng): Value {
  const y = r.int(1985, 2035), m = r.int(1, 12), d = r.int(1, 28);
  const gold = `${y}-${pad(m)}-${pad(d)}`;
  const month = MONTHS[m - 1];
  const forms = [gold, `${month} ${d}, ${y}`, `${d} ${month} ${y}`, `${month.slice(0, 3)} ${d}, ${y}`, `${d} ${month.slice(0, 3)} ${y}`,
    `${y}/${pad(m)}/${pad(d)}`, `the ${d}${d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th'} of ${month} ${y}`];
  return { gold, surface: r.pick(forms) };
}

/** A value for a primitive field of the given kind, chosen by what the field's words suggest. */
export function drawValue(r: Rng, locale: string, words: string, kind: Kind): Value {
  switch (kind) {
    case 'integer': return integerValue(r);
    case 'number': return numberValue(r, words);
    case 'date': return dateValue(r);
    case 'boolean': { const b = r.chance(50); return { gold: b, surface: String(b) }; }
    default: { const s = stringValue(r, locale, words); return { gold: s, surface: s }; }
  }
}

/** How a text may write an enum value: as is, lower case, or with its separators as spaces. */
export function enumSurface(r: Rng, value: string): string {
  const spaced = value.replace(/[_-]+/g, ' ');
  return r.pick([value, value, value.toLowerCase(), spaced.toLowerCase()]);
}
