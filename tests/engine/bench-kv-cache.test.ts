// The KV-cache benchmark (bench/kv-cache.ts): its child measurement runs end to end for both cache types and
// reports the cache's bytes (no speed asserted here: figures live in the bench), and bad flags are usage errors.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../bench/kv-cache.js';
import { UsageError } from '../../cmdline/flags.js';

afterEach(() => vi.restoreAllMocks());

describe('bench kv', () => {
  it('measures one cache type in the child: KV bytes halve with f16, rates are positive', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => { lines.push(String(chunk)); return true; }) as typeof process.stdout.write);
    for (const kv of ['f32', 'f16']) {
      expect(await run(['--child', kv, '--preset', 'smollm-135m', '--prompt-tokens', '8', '--gen-tokens', '2', '--ctx', '64'])).toBe(0);
    }
    vi.restoreAllMocks();
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect([a.kvCache, b.kvCache]).toEqual(['f32', 'f16']);
    // SmolLM-135M: 30 layers, 3 KV heads of 64, K and V, 64 positions.
    expect(a.kvMiB * 2 ** 20).toBe(2 * 30 * 64 * 3 * 64 * 4);
    expect(b.kvMiB).toBe(a.kvMiB / 2);
    for (const r of [a, b]) for (const x of [r.decodeTokPerS, r.prefillTokPerS, r.peakRssMiB]) expect(x > 0 && Number.isFinite(x)).toBe(true);
  });

  it('rejects bad flags', async () => {
    await expect(run(['--preset', 'gpt-9'])).rejects.toThrow(UsageError);
    await expect(run(['--prompt-tokens', '2000', '--gen-tokens', '100'])).rejects.toThrow(/does not fit --ctx 2048/);
    await expect(run(['--ctx', '4096'])).rejects.toThrow(/--ctx 4096 is more than the preset's 2048/);
    await expect(run(['--rounds', '0'])).rejects.toThrow(/--rounds must be >= 1/);
    await expect(run(['--child', 'q8', '--prompt-tokens', '8', '--ctx', '64'])).rejects.toThrow(/--child must be f32 or f16, got 'q8'/);
  });
});
