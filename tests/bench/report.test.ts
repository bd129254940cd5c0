import { describe, expect, it } from 'vitest';
import { buildReport, formatTable } from '../../bench/eval/report.js';
import { evaluate, type EvalExample } from '../../bench/eval/runner.js';

const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'], additionalProperties: false };
const examples: EvalExample[] = [
  { id: 's1', tier: 'simple', schema, text: 'a is 1', gold: { a: 1 } },
  { id: 's2', tier: 'simple', schema, text: 'a is 2', gold: { a: 2 } },
  { id: 'm1', tier: 'medium', schema, text: 'a is 3', gold: { a: 3 } },
  { id: 'c1', tier: 'complex', schema, text: 'too long', gold: { a: 4 } },
];
// A fake extractor: right on s1, wrong value on s2, not JSON on m1, throws on c1.
const outputs: Record<string, string> = { s1: '{"a":1}', s2: '{"a":5}', m1: '{"a":' };

describe('evaluate + report', () => {
  it('scores each example, records thrown errors as empty output, summarizes per tier', async () => {
    const records = await evaluate(examples, (e) => {
      if (e.id === 'c1') throw new Error('the text is too long');
      return { text: outputs[e.id], tokens: 10, forcedTokens: 4, promptTokens: 50, prefillMs: 5, decodeMs: 100 };
    });
    expect(records.map((r) => [r.id, r.valid, r.compliant, r.exact])).toEqual([
      ['s1', true, true, true], ['s2', true, true, false], ['m1', false, false, false], ['c1', false, false, false],
    ]);
    expect(records[3].error).toMatch(/too long/);
    const report = buildReport(records, { grammar: true });
    expect(report.tiers.simple).toMatchObject({ n: 2, validity: 1, compliance: 1, jsonExact: 0.5, tp: 1, fp: 1, fn: 1, errors: 0 });
    expect(report.tiers.simple.f1).toBeCloseTo(0.5);
    expect(report.tiers.simple.tokensPerSecond).toBeCloseTo(100); // 20 tokens in 0.2 s
    expect(report.tiers.simple.forcedShare).toBeCloseTo(0.4);
    expect(report.tiers.complex.forcedShare).toBe(0); // the example that threw generated nothing
    expect(report.tiers.complex).toMatchObject({ n: 1, validity: 0, errors: 1 });
    expect(report.overall).toMatchObject({ n: 4, validity: 0.5, jsonExact: 0.25 });
    const table = formatTable(report).split('\n');
    expect(table[0]).toMatch(/^tier\s+n\s+valid\s+compliant\s+JSONExact\s+field F1\s+halluc\.\s+null acc\.\s+latency ms\s+tok\/s\s+errors$/);
    expect(report.datasets).toBeUndefined(); // no example names a data set: one table only
    expect(table.map((l) => l.split(/\s+/)[0])).toEqual(['tier', 'simple', 'medium', 'complex', 'overall']);
    // No string field and no empty gold field: both grounding rates print as "-".
    expect(table[1]).toMatch(/simple\s+2\s+100\.0%\s+100\.0%\s+50\.0%\s+50\.0%\s+-\s+-\s/);
    expect(table[4]).toMatch(/overall\s+4\s+50\.0%\s+50\.0%\s+25\.0%/);
  });
});

describe('per-dataset table', () => {
  it('adds a second table, one row per data set in order of first appearance, with the grounding rates', async () => {
    const sSchema = { type: 'object', properties: { city: { type: ['string', 'null'] } }, required: ['city'], additionalProperties: false };
    const ex: EvalExample[] = [
      { id: 'w1', tier: 'simple', dataset: 'wnut', schema: sSchema, text: 'I live in Oslo', gold: { city: 'Oslo' } },
      { id: 's1', tier: 'simple', dataset: 'snips', schema: sSchema, text: 'play some jazz', gold: { city: null } },
      { id: 'w2', tier: 'medium', dataset: 'wnut', schema: sSchema, text: 'nothing here', gold: { city: null } },
    ];
    // w1 right; s1 invents Paris (hallucinated, null field missed); w2 answers null (right).
    const out: Record<string, string> = { w1: '{"city":"Oslo"}', s1: '{"city":"Paris"}', w2: '{"city":null}' };
    const records = await evaluate(ex, (e) => ({ text: out[e.id], tokens: 3, promptTokens: 9, prefillMs: 1, decodeMs: 10 }));
    expect(records.map((r) => r.dataset)).toEqual(['wnut', 'snips', 'wnut']);
    const report = buildReport(records, {});
    expect(Object.keys(report.datasets!)).toEqual(['wnut', 'snips']);
    expect(report.datasets!.wnut).toMatchObject({ n: 2, jsonExact: 1, stringLeaves: 1, hallucinated: 0, hallucination: 0, absentFields: 1, nullAccuracy: 1 });
    expect(report.datasets!.snips).toMatchObject({ n: 1, jsonExact: 0, hallucination: 1, nullAccuracy: 0 });
    expect(report.overall.hallucination).toBeCloseTo(1 / 2);
    expect(report.overall.nullAccuracy).toBeCloseTo(1 / 2);
    const lines = formatTable(report).split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['tier', 'simple', 'medium', 'overall', '', 'dataset', 'wnut', 'snips', 'overall']);
    expect(lines[6]).toMatch(/^wnut\s+2\s+100\.0%\s+100\.0%\s+100\.0%\s+100\.0%\s+0\.0%\s+100\.0%/);
    expect(lines[7]).toMatch(/^snips\s+1\s+100\.0%\s+100\.0%\s+0\.0%\s+0\.0%\s+100\.0%\s+0\.0%/);
  });
});
