// `jsonlm bench decode --vs-llama-cpp`: jsonlm and llama.cpp (llama-bench) on the same random-weight GGUF
// files (Q8_0, and with --types q8_0,q4_0 also Q4_0, which jsonlm keeps packed at 4 bits), run in turn
// (llama.cpp, then jsonlm, for each model, weight type and thread count, for R rounds) so that
// load from other processes hits both alike. Reports per-round ratios jsonlm / llama.cpp as a median with
// the spread (min..max) over the rounds, beside each engine's own medians. Both prefill a P-token prompt
// and decode G tokens (llama-bench's decode starts from an empty context, jsonlm's after the prompt: a few
// percent in llama.cpp's favour at these lengths).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../cmdline/flags.js';
import { leanChild, measureInChild } from './decode-child.js';
import type { DecodeBenchResult } from './decode-result.js';
import {
  cacheRoot, COMPARED_TYPES, cpuModel, ensureLlamaBench, type ComparedType, llamaCppCommit, randomGguf, runLlamaBench, type LlamaBenchResult,
} from './llama-cpp.js';
import { markdownTable } from './markdown-table.js';
import { median } from './median.js';

export interface CompareOptions {
  presets: string[];
  promptTokens: number;
  genTokens: number;
  rounds: number;
  threads: number[];
  /** Weight types (default q8_0). */
  types?: ComparedType[];
  cache?: string;
  llamaCppDir?: string;
  nodeLlamaCpp?: string;
  json?: string;
  /** The Node binary that runs jsonlm's side (checked by bench/node-binary.ts; default this process's). */
  node?: string;
}

export function parseTypeList(text: string): ComparedType[] {
  const list = text.split(',').map((t) => t.trim().toLowerCase());
  const bad = list.filter((t) => !(COMPARED_TYPES as readonly string[]).includes(t));
  if (!list.length || bad.length) throw new UsageError(`--types takes a comma-separated list of ${COMPARED_TYPES.join(', ')}, got '${text}'`);
  return [...new Set(list)] as ComparedType[];
}

export function parseThreadList(text: string): number[] {
  const list = text.split(',').map((t) => t.trim());
  if (!list.length || list.some((t) => !/^\d+$/.test(t) || Number(t) < 1)) {
    throw new UsageError(`--threads must be a comma-separated list of positive integers, got '${text}'`);
  }
  return [...new Set(list.map(Number))];
}

interface Stat { median: number; min: number; max: number }
const stat = (xs: number[]): Stat => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/** One model in one weight type at one thread count, all rounds. */
interface Cell { preset: string; type: ComparedType; threads: number; llama: LlamaBenchResult[]; jsonlm: DecodeBenchResult[] }

/** Which Node and which kernel build ran the jsonlm side, from the children's own reports: e.g.
 * 'node v24.11.1, relaxed-SIMD kernels' (both named when the runs differ). */
export function ranOn(results: DecodeBenchResult[]): string {
  const kinds = [...new Set(results.map((r) => `${r.environment}, ${r.relaxedSimd ? 'relaxed-SIMD' : 'plain SIMD'} kernels`))];
  return kinds.join(' / ') || 'nothing';
}

export async function compareWithLlamaCpp(o: CompareOptions): Promise<number> {
  const log = (s: string) => console.error(s);
  const root = cacheRoot(o.cache);
  const dir = o.llamaCppDir ?? join(root, 'llama.cpp');
  const bench = ensureLlamaBench(dir, o.nodeLlamaCpp, log);
  const types = o.types ?? ['q8_0'];
  const files: Record<string, string> = {};
  for (const p of o.presets) for (const t of types) files[`${p} ${t}`] = await randomGguf(join(root, 'gguf'), p, 1, log, t);

  const cells: Cell[] = [];
  for (const preset of o.presets) for (const type of types) for (const threads of o.threads) cells.push({ preset, type, threads, llama: [], jsonlm: [] });
  const opts = { promptTokens: o.promptTokens, genTokens: o.genTokens, ctx: o.promptTokens + o.genTokens + 16 };
  // jsonlm runs in a lean child (the engine and its file loader, not the CLI's other modules), as llama-bench
  // is llama.cpp's engine without its CLI; where it cannot be bundled the CLI is the child.
  const lean = await leanChild();
  try {
    for (let r = 0; r < o.rounds; r++) {
      for (const c of cells) {
        const file = files[`${c.preset} ${c.type}`];
        c.llama.push(await runLlamaBench(bench, file, c.threads, o.promptTokens, o.genTokens));
        c.jsonlm.push(await measureInChild(file, true, { ...opts, threads: c.threads }, lean, o.node));
        log(`round ${r + 1}/${o.rounds}: ${c.preset} ${c.type} ${c.threads}T done`);
      }
    }
  } finally {
    if (lean) rmSync(lean, { force: true });
  }

  const cpu = cpuModel();
  const commit = llamaCppCommit(dir);
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const span = (s: Stat) => `${f(s.median)} (${f(s.min)}..${f(s.max)})`;
  const ratio = (s: Stat) => `${s.median.toFixed(2)}x (${s.min.toFixed(2)}..${s.max.toFixed(2)})`;
  const ratios = (a: number[], b: number[]) => stat(a.map((x, i) => x / b[i]));
  const rows: string[][] = [];
  const report: unknown[] = [];
  for (const c of cells) {
    const one = cells.find((d) => d.preset === c.preset && d.type === c.type && d.threads === 1);
    const metrics: [string, (j: DecodeBenchResult) => number | null, (l: LlamaBenchResult) => number | null][] = [
      ['prefill tok/s', (j) => j.prefillTokPerS, (l) => l.prefillTokPerS],
      ['decode tok/s', (j) => j.decodeTokPerS, (l) => l.decodeTokPerS],
      ['peak RSS MiB', (j) => j.peakRssMiB, (l) => l.peakRssMiB],
    ];
    for (const [name, jv, lv] of metrics) {
      const js = c.jsonlm.map(jv), ls = c.llama.map(lv);
      if (js.some((x) => x === null) || ls.some((x) => x === null)) continue;
      const jn = js as number[], ln = ls as number[];
      const vsSame = ratios(jn, ln);
      const vsOne = one && one !== c ? ratios(jn, one.llama.map(lv) as number[]) : undefined;
      rows.push([c.preset, c.type.toUpperCase(), `${c.threads}`, name, span(stat(ln)), span(stat(jn)), ratio(vsSame), vsOne ? ratio(vsOne) : '']);
      report.push({ preset: c.preset, weights: c.type.toUpperCase(), threads: c.threads, metric: name, llamaCpp: stat(ln), jsonlm: stat(jn),
        ratioSameThreads: vsSame, ratioVsLlamaCpp1T: vsOne ?? null });
    }
  }
  const head = ['model', 'weights', 'threads', 'metric', 'llama.cpp median (min..max)', 'jsonlm median (min..max)',
    'jsonlm / llama.cpp same threads', 'jsonlm / llama.cpp 1T'];
  const jsonlmOn = ranOn(cells.flatMap((c) => c.jsonlm));
  console.log(`CPU: ${cpu}; llama.cpp ${commit} (llama-bench, -march=native); jsonlm on ${jsonlmOn}; ` +
    `random ${types.map((t) => t.toUpperCase()).join('/')} weights (every matrix; jsonlm keeps Q4_0 packed), prompt ${o.promptTokens}, decode ${o.genTokens}, ${o.rounds} interleaved rounds; ` +
    'ratios are per-round jsonlm / llama.cpp, median (min..max); RSS ratio: lower is better; ' +
    `jsonlm's RSS: ${lean ? 'Node + the engine (lean child)' : 'Node + the whole CLI'}`);
  console.log(markdownTable(head, rows));
  if (o.json) {
    mkdirSync(dirname(o.json), { recursive: true });
    writeFileSync(o.json, JSON.stringify({
      suite: 'decode-vs-llama-cpp', date: new Date().toISOString(), cpu, node: jsonlmOn, llamaCpp: commit,
      promptTokens: o.promptTokens, genTokens: o.genTokens, rounds: o.rounds, types, jsonlmChild: lean ? 'lean' : 'cli', results: report,
    }, null, 2) + '\n');
    console.log(`wrote ${o.json}`);
  }
  return 0;
}
