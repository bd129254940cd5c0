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
  /** Per data set, when the examples name one (`dataset`), in order of first appearance. */
  datasets?: Record<string, Summary>;
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
  const names = [...new Set(records.map((r) => r.dataset).filter((d): d is string => d !== undefined))];
  const datasets = names.length ? Object.fromEntries(names.map((d) => [d, summarize(records.filter((r) => r.dataset === d))])) : undefined;
  return { settings, tiers, ...(datasets ? { datasets } : {}), overall: summarize(records), examples: records };
}

// A rate with no denominator (no string leaf counted, no empty gold field) prints as "-".
const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

function table(first: string, groups: Record<string, Summary>, overall: Summary): string {
  const header = [first, 'n', 'valid', 'compliant', 'JSONExact', 'field F1', 'halluc.', 'null acc.', 'latency ms', 'tok/s', 'errors'];
  const row = (name: string, s: Summary) => [name, String(s.n), pct(s.validity), pct(s.compliance), pct(s.jsonExact),
    pct(s.f1), pct(s.hallucination), pct(s.nullAccuracy), s.meanLatencyMs.toFixed(0), s.tokensPerSecond.toFixed(1), String(s.errors)];
  const rows = [header, ...Object.entries(groups).map(([t, s]) => row(t, s)), row('overall', overall)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

/** Fixed-width tables: one row per tier, then overall; then, when the examples name data sets, one row per
 * data set, then overall, after a blank line. */
export function formatTable(report: EvalReport): string {
  const tiers = table('tier', report.tiers, report.overall);
  return report.datasets ? `${tiers}\n\n${table('dataset', report.datasets, report.overall)}` : tiers;
}
