// The decode benchmark's measurement runs end to end (no speed asserted here: targets live in the bench).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import { measureModel, run } from '../../bench/decode.js';
import { UsageError } from '../../cli/args.js';

describe('bench decode', () => {
  it('measures prefill, TTFT, decode and memory on a real model', async () => {
    const model = await loadModelFromPath(join(MODELS, 'stories260K/stories260K.bin'));
    const r = measureModel('stories260K', model, 1, { promptTokens: 16, genTokens: 8 });
    expect(r.promptTokens).toBe(16);
    expect(r.genTokens).toBe(8);
    for (const x of [r.prefillTokPerS, r.ttftMs, r.decodeTokPerS, r.peakRssMiB!, r.wasmMemoryMiB]) {
      expect(Number.isFinite(x) && x > 0).toBe(true);
    }
    expect(r.params).toBe(260032); // the count in stories260K/PROVENANCE.md
    expect(() => measureModel('x', model, 1, { promptTokens: 500, genTokens: 100 })).toThrow(/does not fit the context of 512/);
  });

  it('rejects bad flags', async () => {
    await expect(run(['--preset', 'gpt-9'])).rejects.toThrow(UsageError);
    await expect(run(['--prompt-tokens', 'x'])).rejects.toThrow(/--prompt-tokens must be an integer/);
    await expect(run(['--prompt-tokens', '100', '--gen-tokens', '100', '--ctx', '64'])).rejects.toThrow(/does not fit --ctx 64/);
  });
});
