// `jsonlm bench kv`: the KV cache in f32 and in f16 (engine/kv-cache.ts) on a seeded random model at a SmolLM
// shape: the cache's bytes, the process's peak RSS once P + G positions are filled, and decode tok/s G steps
// after a P-token prompt (by default 1024 in, where attention reads a long cache every step). Each
// measurement runs in a fresh child process (so peak RSS is that run's alone), f32 and f16 alternating, in
// an order that swaps every round, so that drift in the machine's load falls on both alike.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { intFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { Kernels } from '../kernels/kernels.js';
import { Model } from '../engine/model.js';
import type { KvCacheType } from '../engine/kv-cache.js';
import { PRESETS, measureModel, randomWeights } from './decode.js';
import type { DecodeBenchResult } from './decode-result.js';
import { markdownTable } from './markdown-table.js';
import { median } from './median.js';

const HELP = `usage: jsonlm bench kv [options]

  --preset NAME        random int8 weights at a SmolLM shape: smollm-135m | smollm-360m (default)
  --prompt-tokens N    tokens in the cache before decode is timed (default 1024)
  --gen-tokens N       decode steps timed (default 32)
  --ctx N              context length allocated (default 2048)
  --rounds N           f32/f16 pairs, each in fresh processes, order swapped every round (default 3)
  --json FILE          also write the results as JSON (e.g. bench/results/kv-cache.json)

One thread. Peak RSS is the child's (Node + the whole CLI + the model) after P + G positions are filled.`;

interface KvRun extends DecodeBenchResult { kvCache: KvCacheType; kvMiB: number; round: number }

interface ChildArgs { preset: string; kvCache: KvCacheType; promptTokens: number; genTokens: number; ctx: number }

async function child(a: ChildArgs): Promise<number> {
  const config = PRESETS[a.preset];
  const t0 = performance.now();
  const kernels = await Kernels.create();
  const model = new Model(kernels, randomWeights(kernels, config, 1234), undefined, { contextLength: a.ctx, kvCache: a.kvCache });
  const r = measureModel(a.preset, model, performance.now() - t0, a);
  process.stdout.write(JSON.stringify({ ...r, kvCache: a.kvCache, kvMiB: model.session.cache.bytes / 2 ** 20 }) + '\n');
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const { values: v } = parseFlags(args, {
    preset: { type: 'string' }, 'prompt-tokens': { type: 'string' }, 'gen-tokens': { type: 'string' }, ctx: { type: 'string' },
    rounds: { type: 'string' }, json: { type: 'string' }, child: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) { console.log(HELP); return 0; }
  const preset = v.preset ?? 'smollm-360m';
  if (!PRESETS[preset]) throw new UsageError(`unknown --preset '${preset}' (choose ${Object.keys(PRESETS).join(', ')})`);
  const promptTokens = intFlag(v['prompt-tokens'], 'prompt-tokens', 1024, 1);
  const genTokens = intFlag(v['gen-tokens'], 'gen-tokens', 32, 1);
  const ctx = intFlag(v.ctx, 'ctx', 2048, 1);
  const rounds = intFlag(v.rounds, 'rounds', 3, 1);
  if (ctx > PRESETS[preset].contextLength) throw new UsageError(`--ctx ${ctx} is more than the preset's ${PRESETS[preset].contextLength}`);
  if (promptTokens + genTokens > ctx) throw new UsageError(`--prompt-tokens + --gen-tokens = ${promptTokens + genTokens} does not fit --ctx ${ctx}`);
  if (v.child !== undefined) {
    if (v.child !== 'f32' && v.child !== 'f16') throw new UsageError(`--child must be f32 or f16, got '${v.child}'`);
    return child({ preset, kvCache: v.child, promptTokens, genTokens, ctx });
  }

  const runs: KvRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const kv of (round % 2 ? ['f32', 'f16'] : ['f16', 'f32']) as KvCacheType[]) {
      const childArgs = [process.argv[1], 'bench', 'kv', '--child', kv, '--preset', preset, '--prompt-tokens', String(promptTokens),
        '--gen-tokens', String(genTokens), '--ctx', String(ctx)];
      const out = spawnSync(process.execPath, childArgs, { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (out.status !== 0) throw new Error(`bench kv child (${kv}) failed (exit ${out.status}): ${out.stderr.trim()}`);
      runs.push({ ...JSON.parse(out.stdout.trim().split('\n').pop()!), round });
      console.error(`round ${round} ${kv}: done`);
    }
  }
  const f = (x: number | null, d = 1) => (x === null ? '-' : x.toFixed(d));
  console.log(markdownTable(['round', 'KV', 'KV MiB', 'wasm MiB', 'peak RSS MiB', 'prefill tok/s', 'decode tok/s', 'decode tok/cpu-s'],
    runs.map((r) => [String(r.round), r.kvCache, f(r.kvMiB), f(r.wasmAllocatedMiB), f(r.peakRssMiB), f(r.prefillTokPerS),
      f(r.decodeTokPerS, 2), f(r.decodeTokPerCpuS, 2)])));
  const of = (kv: KvCacheType) => runs.filter((r) => r.kvCache === kv);
  const med = (kv: KvCacheType, key: 'peakRssMiB' | 'decodeTokPerS' | 'decodeTokPerCpuS' | 'prefillTokPerS') =>
    median(of(kv).map((r) => r[key] ?? NaN));
  // Per round, f16 / f32 of the decode rate per CPU-second: the pairs ran back to back.
  const ratios = Array.from({ length: rounds }, (_, i) => {
    const a = runs.find((r) => r.round === i + 1 && r.kvCache === 'f32')!, b = runs.find((r) => r.round === i + 1 && r.kvCache === 'f16')!;
    return (b.decodeTokPerCpuS ?? NaN) / (a.decodeTokPerCpuS ?? NaN);
  });
  const summary = {
    kvMiB: { f32: of('f32')[0].kvMiB, f16: of('f16')[0].kvMiB },
    peakRssMiB: { f32: med('f32', 'peakRssMiB'), f16: med('f16', 'peakRssMiB') },
    decodeTokPerCpuS: { f32: med('f32', 'decodeTokPerCpuS'), f16: med('f16', 'decodeTokPerCpuS') },
    decodeTokPerS: { f32: med('f32', 'decodeTokPerS'), f16: med('f16', 'decodeTokPerS') },
    prefillTokPerS: { f32: med('f32', 'prefillTokPerS'), f16: med('f16', 'prefillTokPerS') },
    decodeF16OverF32PerRound: ratios,
  };
  console.log(`${preset}, ${promptTokens} tokens in, ${genTokens} decoded, ctx ${ctx}, medians of ${rounds}: ` +
    `KV ${f(summary.kvMiB.f32)} -> ${f(summary.kvMiB.f16)} MiB, peak RSS ${f(summary.peakRssMiB.f32)} -> ${f(summary.peakRssMiB.f16)} MiB, ` +
    `decode ${f(summary.decodeTokPerCpuS.f32, 2)} -> ${f(summary.decodeTokPerCpuS.f16, 2)} tok/cpu-s ` +
    `(f16/f32 per round: ${ratios.map((x) => x.toFixed(3)).join(', ')})`);
  if (v.json) {
    mkdirSync(dirname(v.json), { recursive: true });
    writeFileSync(v.json, JSON.stringify({
      suite: 'kv', date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, loadAverage1m: loadavg()[0],
      preset, promptTokens, genTokens, ctx, rounds, weights: 'seeded random int8 (group 32)', summary, runs,
    }, null, 2) + '\n');
    console.log(`wrote ${v.json}`);
  }
  return 0;
}
