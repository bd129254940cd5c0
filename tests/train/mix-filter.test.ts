// The training mix's guard (train/mix-filter.ts): held-out texts never reach training or validation, in
// whatever spacing or case; duplicates are dropped; the per-file cap and validation slice are seeded, and no
// training row shares a text with a validation row; bad input is named.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { filterMix, jsonlFiles, textKey } from '../../train/mix-filter.js';

const dir = mkdtempSync(join(tmpdir(), 'jsonlm-mix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
vi.spyOn(console, 'error').mockImplementation(() => {});

const row = (text: string, extra: Record<string, unknown> = {}) => JSON.stringify({ id: text, tier: 'simple', schema: { type: 'object' }, text, gold: {}, ...extra });
const write = (name: string, lines: string[]) => { const p = join(dir, name); writeFileSync(p, lines.join('\n') + '\n'); return p; };
const read = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('train/mix-filter', () => {
  it('normalizes texts for comparison: case, spacing, punctuation', () => {
    expect(textKey('Hello,  World!\n')).toBe(textKey('hello world'));
    expect(textKey('Größe: 5')).toBe('größe 5');
    expect(textKey('a b')).not.toBe(textKey('ab'));
  });

  it('drops held-out texts (files and folders) and duplicates, and counts them', () => {
    mkdirSync(join(dir, 'heldout'));
    write('heldout/test.jsonl', [row('The secret Test sentence.')]);
    const realtext = write('real.jsonl', [row('Hi Priya, room 4B please')]);
    const input = write('in.jsonl', [row('keep me'), row('the secret test   sentence'), row('HI PRIYA: room 4B, please!'),
      row('keep me'), row('keep me', { schema: { type: 'object', title: 'other question' } }), row('another')]);
    const out = join(dir, 'out.jsonl');
    const r = filterMix({ in: input, exclude: `${join(dir, 'heldout')},${realtext}`, out, source: 'src' });
    expect(r).toEqual({ kept: 3, val: 0, excluded: 2, duplicates: 1 });
    const kept = read(out);
    expect(kept.map((e) => e.text)).toEqual(['keep me', 'keep me', 'another']);
    expect(kept.every((e) => e.dataset === 'src')).toBe(true);
  });

  it('caps each file and cuts a seeded validation slice that shares no text with training', () => {
    const a = write('a.jsonl', Array.from({ length: 40 }, (_, i) => row(`a text ${i}`)));
    // b repeats some of a's texts under another schema: if one lands in validation, its twin must not train.
    const b = write('b.jsonl', Array.from({ length: 40 }, (_, i) => row(`a text ${i}`, { schema: { type: 'object', title: 'b' } })));
    const run = (seed: string) => {
      const out = join(dir, `o${seed}.jsonl`), vout = join(dir, `v${seed}.jsonl`);
      filterMix({ in: `${a},${b}`, out, cap: '10', 'val-n': '5', 'val-out': vout, seed });
      return { t: read(out), v: read(vout) };
    };
    const x = run('3'), y = run('3'), z = run('4');
    expect(x).toEqual(y);
    expect(x.t.map((e) => e.id)).not.toEqual(z.t.map((e) => e.id));
    expect(x.t).toHaveLength(20);
    expect(x.v).toHaveLength(10);
    const valTexts = new Set(x.v.map((e) => textKey(e.text)));
    expect(x.t.some((e) => valTexts.has(textKey(e.text)))).toBe(false);
  });

  it('names bad input', () => {
    const out = join(dir, 'bad-out.jsonl');
    expect(() => filterMix({ in: join(dir, 'missing.jsonl'), out })).toThrow(/no such file or folder: .*missing.jsonl/);
    const notJson = write('bad.jsonl', [row('ok'), '{nope']);
    expect(() => filterMix({ in: notJson, out })).toThrow(/bad.jsonl:2: not JSON/);
    const noText = write('notext.jsonl', [JSON.stringify({ schema: {}, gold: {} })]);
    expect(() => filterMix({ in: noText, out })).toThrow(/notext.jsonl:1: needs text, schema and gold/);
    expect(() => filterMix({ in: notJson, out, 'val-n': '2' })).toThrow(/--val-n needs --val-out/);
    expect(() => filterMix({ in: notJson, out, cap: '-1' })).toThrow(/non-negative/);
    expect(() => filterMix({ in: notJson })).toThrow(/--in and --out are required/);
    expect(jsonlFiles('')).toEqual([]);
  });
});
