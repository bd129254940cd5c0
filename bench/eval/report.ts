// Per-tier and overall summaries of an eval run, the table printed on stdout and the JSON report.
import { TIERS } from '../edgejson/compose.js';
import { aggregate, type Aggregate } from './metrics.js';
import type { EvalRecord } from './runner.js';

export interface Summary extends Aggregate {
  /** Mean wall time per example, ms. */
  meanLatencyMs: number;
  /** Generated tokens per second of decode time, summed over examples. */
  tokensPerSecond: number;
  meanPromptTokens: number;
  meanOutputTokens: number;
  /** Share of output tokens the grammar forced (fed in batches, never sampled). */
  forcedShare: number;
  /** Examples closed along the shortest completion because the token budget ran low. */
  closedEarly: number;
  /** Examples whose extraction threw (counted as empty, invalid output). */
  errors: number;
}

export interface EvalReport {
  settings: Record<string, unknown>;
  tiers: Record<string, Summary>;
  overall: Summary;
  examples: EvalRecord[];
}

export function summarize(records: readonly EvalRecord[]): Summary {
  const n = records.length;
  const sum = (f: (r: EvalRecord) => number) => records.reduce((acc, r) => acc + f(r), 0);
  const decodeS = sum((r) => r.decodeMs) / 1000;
  return {
    ...aggregate(records),
    meanLatencyMs: n ? sum((r) => r.latencyMs) / n : 0,
    tokensPerSecond: decodeS > 0 ? sum((r) => r.tokens) / decodeS : 0,
    meanPromptTokens: n ? sum((r) => r.promptTokens) / n : 0,
    meanOutputTokens: n ? sum((r) => r.tokens) / n : 0,
    forcedShare: sum((r) => r.tokens) > 0 ? sum((r) => r.forcedTokens) / sum((r) => r.tokens) : 0,
    closedEarly: records.filter((r) => r.closedEarly).length,
    errors: records.filter((r) => r.error !== undefined).length,
  };
}

export function buildReport(records: EvalRecord[], settings: Record<string, unknown>): EvalReport {
  const tiers: Record<string, Summary> = {};
  const known = [...TIERS, ...new Set(records.map((r) => r.tier).filter((t) => !(TIERS as readonly string[]).includes(t)))];
  for (const tier of known) {
    const rs = records.filter((r) => r.tier === tier);
    if (rs.length) tiers[tier] = summarize(rs);
  }
  return { settings, tiers, overall: summarize(records), examples: records };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** A fixed-width table: one row per tier, then overall. */
export function formatTable(report: EvalReport): string {
  const header = ['tier', 'n', 'valid', 'compliant', 'JSONExact', 'field F1', 'latency ms', 'tok/s', 'errors'];
  const row = (name: string, s: Summary) => [name, String(s.n), pct(s.validity), pct(s.compliance), pct(s.jsonExact),
    pct(s.f1), s.meanLatencyMs.toFixed(0), s.tokensPerSecond.toFixed(1), String(s.errors)];
  const rows = [header, ...Object.entries(report.tiers).map(([t, s]) => row(t, s)), row('overall', report.overall)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}
