// Format automata against ajv-formats' own "full" checks, on fresh random near-miss strings: every string
// a format automaton accepts must pass ajv (what the grammar emits is always valid), and for the formats
// the grammar claims to express exactly (dates, times, IPv4, UUID), the two must agree both ways.
import { describe, expect, it } from 'vitest';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { ENFORCED_FORMATS, lookupFormat } from '../../grammar/formats.js';
import type { StringDfa } from '../../grammar/string-dfa.js';
import { mulberry32 } from '../../random/prng.js';
import { dfaAccepts } from './dfa-run.js';


function ajvAccepts(name: string, s: string): boolean {
  const f = (fullFormats as Record<string, unknown>)[name];
  if (f instanceof RegExp) return f.test(s);
  if (typeof f === 'function') return (f as (x: string) => boolean)(s);
  const v = (f as { validate: RegExp | ((x: string) => boolean) }).validate;
  return v instanceof RegExp ? v.test(s) : v(s);
}

function dfaOf(name: string): StringDfa {
  const found = lookupFormat(name);
  if (found.kind !== 'dfa') throw new Error(`${name}: ${found.kind}`);
  return found.dfa;
}

/** Fills a shape: 9 -> a digit, h -> a hex digit, a -> a letter, anything else kept. Near-misses come
 * from digits that make out-of-range months, days, hours and octets. */
function fill(shape: string, next: () => number): string {
  return [...shape].map((c) => {
    if (c === '9') return String(next() % 10);
    if (c === 'h') return '0123456789abcdefABCDEF'[next() % 22];
    if (c === 'a') return 'aZmqXy'[next() % 6];
    return c;
  }).join('');
}

const SHAPES: Record<string, string[]> = {
  date: ['9999-99-99', '9999-09-29', '9999-02-29', '2000-02-29', '1900-02-29', '9999-1-09'],
  time: ['99:99:99Z', '19:59:59+09:59', '29:59:59z', '23:59:60Z', '09:09:09.999-29:00', '09:09:09'],
  'date-time': ['9999-09-19T19:59:59Z', '9999-19-39 29:69:69+00:00', '2024-02-29t00:00:00Z'],
  ipv4: ['999.999.999.999', '99.9.99.9', '9.9.9', '199.299.099.9'],
  uuid: ['hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh', 'hhhhhhhh-hhhh-hhhh-hhhhhhhhhhhhhhhh', 'hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhh'],
  duration: ['P9Y9M9D', 'P9DT9H', 'PT9S', 'P9W', 'P9Y9D', 'P', 'PT', 'P9M9Y'],
  email: ['aaa@aaa.aa', 'a.a@a-a.aa', 'a..a@aa.aa', 'a@a', '9a@a9.a9'],
  hostname: ['aaa.aa', 'a-a.a9', '-aa.aa', 'aa-.aa', 'a.a.a.a'],
};
// Durations are a documented subset: RFC 3339 appendix A forbids skipping a unit (P1Y2D), ajv does not.
const EXACT = new Set(['date', 'time', 'date-time', 'ipv4', 'uuid']);

describe('format automata', () => {
  it('enforce only formats ajv-formats knows', () => {
    for (const name of ENFORCED_FORMATS) expect(Object.keys(fullFormats)).toContain(name);
  });

  it.each(Object.keys(SHAPES))('%s: accepted strings pass ajv-formats (and agree both ways where exact)', (name) => {
    const dfa = dfaOf(name);
    const next = mulberry32(name.length * 7919);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const s = fill(SHAPES[name][i % SHAPES[name].length], next);
      const mine = dfaAccepts(dfa, s), ajv = ajvAccepts(name, s);
      if (mine) accepted++;
      if (mine && !ajv) expect({ name, s, ajv }).toEqual({ name, s, ajv: true });
      if (EXACT.has(name) && ajv && !mine) expect({ name, s, grammar: mine }).toEqual({ name, s, grammar: true });
    }
    expect(accepted).toBeGreaterThan(0); // the shapes do reach the accepting side
  });

  it('dates know leap years', () => {
    const date = dfaOf('date');
    expect(dfaAccepts(date, '2000-02-29')).toBe(true);
    expect(dfaAccepts(date, '2024-02-29')).toBe(true);
    expect(dfaAccepts(date, '1900-02-29')).toBe(false);
    expect(dfaAccepts(date, '2023-02-29')).toBe(false);
    expect(dfaAccepts(date, '2023-04-31')).toBe(false);
  });

  it('sorts the formats it cannot express from those that carry no constraint', () => {
    expect(lookupFormat('regex').kind).toBe('inexpressible');
    expect(lookupFormat('password').kind).toBe('none');
    expect(lookupFormat('int32').kind).toBe('none');
    expect(lookupFormat('x-my-own-format').kind).toBe('unknown');
  });
});
