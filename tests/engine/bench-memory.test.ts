// `bench memory` (where the peak RSS goes) and the decode bench's lean child for model files run end to
// end on a small real model; no sizes are asserted beyond what must hold on any machine.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { run } from '../../bench/memory.js';
import { leanChild, measureInChild } from '../../bench/decode-child.js';
import { UsageError } from '../../cmdline/flags.js';

const STORIES = join(MODELS, 'stories260K/stories260K.bin');

describe('bench memory', () => {
  it.runIf(process.platform === 'linux')('reports every load stage, with the WebAssembly memory found among the mappings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonlm-bench-memory-'));
    try {
      const json = join(dir, 'memory.json');
      expect(await run(['--model', STORIES, '--ctx', '64', '--prompt-tokens', '8', '--gen-tokens', '4', '--json', json])).toBe(0);
      const report = JSON.parse(readFileSync(json, 'utf8'));
      const stages = report.stages as { stage: string; rssMiB: number; peakMiB: number; wasmCommittedMiB: number; wasmTouchedMiB: number | null }[];
      expect(stages.map((s) => s.stage)).toEqual(['Node + CLI modules', 'kernels instantiated', 'file header + metadata parsed',
        'weights placed', 'tokenizer built', 'run state allocated', 'KV cache allocated (64 positions)', 'prefill 8', 'decode 4']);
      for (let i = 1; i < stages.length; i++) {
        expect(stages[i].peakMiB).toBeGreaterThanOrEqual(stages[i - 1].peakMiB); // a peak never falls
        expect(stages[i].wasmCommittedMiB).toBeGreaterThanOrEqual(stages[i - 1].wasmCommittedMiB); // nor does wasm memory
        // The mapping was told apart, and no more of it is resident than is committed.
        expect(stages[i].wasmTouchedMiB).not.toBeNull();
        expect(stages[i].wasmTouchedMiB!).toBeLessThanOrEqual(stages[i].wasmCommittedMiB);
      }
      // Placing the weights commits memory, and running the model touches it.
      const placed = stages[3], last = stages[stages.length - 1];
      expect(placed.wasmCommittedMiB).toBeGreaterThan(stages[2].wasmCommittedMiB);
      expect(last.wasmTouchedMiB!).toBeGreaterThan(0);
      expect(last.rssMiB).toBeGreaterThan(last.wasmTouchedMiB!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad flags', async () => {
    await expect(run([])).rejects.toThrow(UsageError);
    await expect(run([])).rejects.toThrow(/needs --model PATH/);
    await expect(run(['--model', STORIES, '--ctx', '16', '--prompt-tokens', '10', '--gen-tokens', '10'])).rejects.toThrow(/does not fit --ctx 16/);
    await expect(run(['--model', STORIES, '--ctx', 'x'])).rejects.toThrow(/--ctx must be an integer/);
    await expect(run(['--model', STORIES, 'extra'])).rejects.toThrow(/unexpected argument 'extra'/);
  });

  it('a missing model file is named', async () => {
    await expect(run(['--model', join(tmpdir(), 'no-such-model.gguf')])).rejects.toThrow(/no-such-model\.gguf: cannot open: ENOENT/);
  });
});

describe('bench decode: the lean child', () => {
  it('measures a model file in a child that loads only the engine', async () => {
    const lean = await leanChild();
    expect(lean).toBeDefined();
    try {
      const r = await measureInChild(STORIES, true, { promptTokens: 8, genTokens: 4, ctx: 64, threads: 1 }, lean);
      expect(r.child).toBe('lean');
      expect(r.model).toBe(STORIES);
      expect(r.contextLength).toBe(64);
      expect(r.params).toBe(260032);
      for (const x of [r.prefillTokPerS, r.decodeTokPerS, r.peakRssMiB!]) expect(Number.isFinite(x) && x > 0).toBe(true);
    } finally {
      if (lean) rmSync(lean, { force: true });
    }
  }, 60_000);
});
