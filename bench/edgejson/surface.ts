// How values look in prose versus in the gold JSON: the text varies the surface form (date formats,
// currency notation, number words), the gold always holds the normalized form (ISO dates, plain numbers).
import type { Rng } from './prng.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve'];

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A calendar date drawn between two years; the gold form is ISO 8601 (YYYY-MM-DD). */
export function drawIsoDate(r: Rng, fromYear = 2020, toYear = 2026): string {
  const y = r.int(fromYear, toYear);
  const m = r.int(1, 12);
  const d = r.int(1, 28); // every month has a 28th, so no calendar arithmetic is needed
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** An ISO date written one of several unambiguous ways (no 03/04 day-month guessing games). */
export function sayDate(iso: string, r: Rng): string {
  const [y, m, d] = iso.split('-').map(Number);
  const month = MONTHS[m - 1];
  switch (r.int(0, 5)) {
    case 0: return `${month} ${d}, ${y}`;
    case 1: return `${d} ${month} ${y}`;
    case 2: return iso;
    case 3: return `the ${ordinal(d)} of ${month} ${y}`;
    case 4: return `${month.slice(0, 3)} ${d}, ${y}`;
    default: return `${month} ${ordinal(d)}, ${y}`;
  }
}

/** A 24-hour clock time; gold form HH:MM. */
export function drawTime(r: Rng): string {
  return `${pad2(r.int(6, 21))}:${pad2(r.pick([0, 0, 15, 30, 45, 10, 20, 50]))}`;
}

export function sayTime(hhmm: string, r: Rng): string {
  const [h, m] = hhmm.split(':').map(Number);
  if (r.chance(40)) return hhmm;
  const suffix = h < 12 ? (r.chance(50) ? 'AM' : 'a.m.') : (r.chance(50) ? 'PM' : 'p.m.');
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return m === 0 && r.chance(50) ? `${h12} ${suffix}` : `${h12}:${pad2(m)} ${suffix}`;
}

/** A money amount with two decimals at most, as a JSON number (gold). */
export function drawMoney(r: Rng, lo: number, hi: number, cents = true): number {
  const whole = r.int(lo, hi);
  if (!cents || r.chance(30)) return whole;
  return Number(`${whole}.${pad2(r.pick([0, 5, 10, 25, 49, 50, 75, 95, 99, r.int(1, 98)]))}`);
}

function groupThousands(n: number): string {
  const [int, frac] = n.toFixed(2).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}.${frac}`;
}

/** A money amount in one of several notations; currency symbol or code from the given currency. */
export function sayMoney(amount: number, r: Rng, currency = 'USD'): string {
  const symbol: Record<string, string> = { USD: '$', EUR: '€', GBP: '£' };
  const whole = Number.isInteger(amount);
  const plain = whole && r.chance(50) ? String(amount) : amount.toFixed(2);
  const grouped = whole && r.chance(50) ? groupThousands(amount).replace(/\.00$/, '') : groupThousands(amount);
  switch (r.int(0, 3)) {
    case 0: return `${symbol[currency] ?? currency + ' '}${grouped}`;
    case 1: return `${plain} ${currency}`;
    case 2: return `${currency} ${grouped}`;
    default: return `${symbol[currency] ?? ''}${plain}`;
  }
}

/** Small counts are written as words a third of the time ("three bedrooms"). */
export function sayCount(n: number, r: Rng): string {
  return n < NUMBER_WORDS.length && r.chance(35) ? NUMBER_WORDS[n] : String(n);
}

/** A number with thousands separators half of the time. */
export function sayNumber(n: number, r: Rng): string {
  if (Math.abs(n) >= 1000 && r.chance(50)) return Number.isInteger(n) ? groupThousands(n).replace(/\.00$/, '') : groupThousands(n);
  return String(n);
}

/** A US-style phone number; gold keeps the digits-and-dashes form. */
export function drawPhone(r: Rng): string {
  return `${r.int(201, 989)}-555-${String(r.int(100, 9999)).padStart(4, '0')}`;
}

export function sayPhone(phone: string, r: Rng): string {
  const [a, b, c] = phone.split('-');
  return r.pick([phone, `(${a}) ${b}-${c}`, `${a}.${b}.${c}`]);
}

/** Capitalizes the first letter of a sentence. */
export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "a, b and c" (or with an Oxford comma, or "&"). */
export function sayList(items: readonly string[], r: Rng): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0];
  const conj = r.pick([' and ', ', and ', ' & ']);
  if (conj === ', and ' && items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}${conj}${items[items.length - 1]}`;
}
