// jsonlm eval end to end with random-weight models: with the grammar, every output is valid JSON that
// matches its schema, on every tier, whatever the model; without it, a random model writes no JSON.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO } from '../paths.js';
import { main } from '../../cli/main.js';
import type { EvalReport } from '../../bench/eval/report.js';
import { writeRandomModel } from './random-model-file.js';

const PER_TIER = 3;
let dir: string, data: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jsonlm-eval-'));
  // The first PER_TIER test examples of each tier.
  const lines = readFileSync(resolve(REPO, 'bench/edgejson/data/test.jsonl'), 'utf8').trim().split('\n');
  const picked = ['simple', 'medium', 'complex'].flatMap((t) => lines.filter((l) => JSON.parse(l).tier === t).slice(0, PER_TIER));
  // Each line names a data set (its family), so the per-dataset table is exercised too.
  const named = picked.map((l) => { const e = JSON.parse(l); return JSON.stringify({ ...e, dataset: e.family }); });
  data = join(dir, 'subset.jsonl');
  writeFileSync(data, named.join('\n') + '\n');
});
afterEach(() => vi.restoreAllMocks());

async function evalRun(argv: string[]): Promise<{ code: number; out: string; report: EvalReport }> {
  let out = '', err = '';
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out += a.join(' ') + '\n'; });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err += a.join(' ') + '\n'; });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const json = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const code = await main(['eval', '--data', data, '--json', json, ...argv]);
  vi.restoreAllMocks();
  if (code !== 0) throw new Error(`jsonlm eval exited ${code}: ${err}`);
  return { code, out, report: JSON.parse(readFileSync(json, 'utf8')) };
}

describe('jsonlm eval with random-weight models', () => {
  it('with the grammar: validity and compliance are 100% on every tier, for two different random models', async () => {
    for (const seed of [1, 2]) {
      const model = writeRandomModel(seed);
      // Seed 1 with jump-forward, seed 2 without (the default): both paths must keep every output valid.
      const jump = seed === 1;
      const { code, out, report } = await evalRun(['--model', model, '--temperature', '1', '--seed', String(seed), ...(jump ? ['--jump-forward'] : [])]);
      expect(code).toBe(0);
      for (const tier of ['simple', 'medium', 'complex']) {
        const s = report.tiers[tier];
        expect(s.n).toBe(PER_TIER);
        expect(s.errors, JSON.stringify(report.examples.filter((e) => e.error).map((e) => e.error))).toBe(0);
        expect(s.validity, tier).toBe(1);
        expect(s.compliance, tier).toBe(1);
        expect(s.tokensPerSecond).toBeGreaterThan(0);
        if (jump) expect(s.forcedShare).toBeGreaterThan(0); // braces, keys and colons come from the grammar
        else expect(s.forcedShare).toBe(0);
      }
      expect(report.overall.n).toBe(3 * PER_TIER);
      expect(report.settings.grammar).toBe(true);
      expect(report.examples).toHaveLength(3 * PER_TIER);
      expect(out).toMatch(/^tier\s+n\s+valid\s+compliant\s+JSONExact\s+field F1\s+halluc\.\s+null acc\.\s+latency ms\s+tok\/s\s+errors$/m);
      expect(out).toMatch(/^dataset\s+n\s+valid/m);
      const families = [...new Set(report.examples.map((e) => e.dataset))];
      expect(Object.keys(report.datasets!)).toEqual(families);
      expect(Object.values(report.datasets!).reduce((a, s) => a + s.n, 0)).toBe(3 * PER_TIER);
      expect(typeof report.overall.nullAccuracy === 'number' || report.overall.nullAccuracy === null).toBe(true);
      expect(out).toMatch(/^overall\s+9\s+100\.0%\s+100\.0%/m);
    }
  });

  it('with a context too short for what a random model rambles, the JSON is closed early and still valid', async () => {
    const model = writeRandomModel(4);
    const { report } = await evalRun(['--model', model, '--temperature', '1', '--tier', 'medium', '--ctx', '1200']);
    expect(report.overall.n).toBe(PER_TIER);
    expect(report.overall.errors).toBe(0);
    expect(report.overall.validity).toBe(1);
    expect(report.overall.compliance).toBe(1);
    expect(report.overall.closedEarly).toBeGreaterThan(0);
  });

  it('without the grammar (one flag), a random model does not produce valid JSON', async () => {
    const model = writeRandomModel(3);
    const { code, report } = await evalRun(['--model', model, '--no-grammar', '--max-tokens', '24', '--tier', 'simple']);
    expect(code).toBe(0);
    expect(report.settings.grammar).toBe(false);
    expect(report.overall.n).toBe(PER_TIER);
    expect(report.overall.validity).toBe(0);
    expect(report.overall.compliance).toBe(0);
  });

  it('exit 3 for a missing dataset, 8 for a malformed one (or a non-string dataset name), 2 for bad flags', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['eval', '--data', join(dir, 'nope.jsonl'), '--model', 'x'])).toBe(3);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id": "a", "text": "x"}\n');
    expect(await main(['eval', '--data', bad, '--model', writeRandomModel(1)])).toBe(8);
    writeFileSync(bad, '{"id": "a", "text": "x", "schema": {}, "gold": {}, "dataset": 7}\n');
    expect(await main(['eval', '--data', bad, '--model', writeRandomModel(1)])).toBe(8);
    expect(await main(['eval', '--data', data, '--limit', '0'])).toBe(2);
    expect(await main(['eval'])).toBe(2);
  });
});
