// The decode benchmark's measurement runs end to end (no speed asserted here: targets live in the bench).
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot } from '../../bench/llama-cpp.js';
import { MODELS } from '../paths.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import { measureModel, run } from '../../bench/decode.js';
import { UsageError } from '../../cmdline/flags.js';

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
    await expect(run(['--threads', '0'])).rejects.toThrow(/--threads must be a comma-separated list of positive integers, got '0'/);
    await expect(run(['--threads', '2,x'])).rejects.toThrow(/--threads must be/);
    await expect(run(['--rounds', '3'])).rejects.toThrow(/--rounds goes with --vs-llama-cpp/);
    await expect(run(['--vs-llama-cpp', '--model', 'x.gguf'])).rejects.toThrow(/--vs-llama-cpp runs its own GGUF files/);
    await expect(run(['--vs-llama-cpp', '--rounds', '0'])).rejects.toThrow(/--rounds must be >= 1/);
    await expect(run(['--types', 'q4_0'])).rejects.toThrow(/--types goes with --vs-llama-cpp/);
    await expect(run(['--vs-llama-cpp', '--types', 'q8_0,q3_k'])).rejects.toThrow(/--types takes a comma-separated list of q8_0, q4_0, got 'q8_0,q3_k'/);
  });

  it('--vs-llama-cpp says how to get llama.cpp when none is built and no node-llama-cpp is given', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'jsonlm-vs-'));
    const saved = process.env.NODE_LLAMA_CPP;
    delete process.env.NODE_LLAMA_CPP;
    try {
      await expect(run(['--vs-llama-cpp', '--cache', cache])).rejects.toThrow(/no node-llama-cpp was given: install it anywhere outside this project .*--node-llama-cpp/);
      await expect(run(['--vs-llama-cpp', '--cache', cache, '--node-llama-cpp', join(cache, 'nowhere')]))
        .rejects.toThrow(/no node-llama-cpp with llama\/gitRelease.bundle under .*nowhere/);
      // A folder in the way of the checkout is never overwritten.
      mkdirSync(join(cache, 'llama.cpp'));
      writeFileSync(join(cache, 'llama.cpp/keep.txt'), 'mine');
      const fakePkg = join(cache, 'nlc/node_modules/node-llama-cpp/llama');
      mkdirSync(fakePkg, { recursive: true });
      writeFileSync(join(fakePkg, 'gitRelease.bundle'), '');
      await expect(run(['--vs-llama-cpp', '--cache', cache, '--node-llama-cpp', join(cache, 'nlc')]))
        .rejects.toThrow(/exists but is not a llama.cpp checkout/);
      expect(readFileSync(join(cache, 'llama.cpp/keep.txt'), 'utf8')).toBe('mine');
    } finally {
      if (saved !== undefined) process.env.NODE_LLAMA_CPP = saved;
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('reads the cache location from --cache, $JSONLM_CACHE, then $XDG_CACHE_HOME', () => {
    const saved = { j: process.env.JSONLM_CACHE, x: process.env.XDG_CACHE_HOME };
    try {
      process.env.JSONLM_CACHE = '/tmp/a';
      process.env.XDG_CACHE_HOME = '/tmp/x';
      expect(cacheRoot('/tmp/flag')).toBe('/tmp/flag');
      expect(cacheRoot()).toBe('/tmp/a');
      delete process.env.JSONLM_CACHE;
      expect(cacheRoot()).toBe('/tmp/x/jsonlm');
    } finally {
      if (saved.j === undefined) delete process.env.JSONLM_CACHE; else process.env.JSONLM_CACHE = saved.j;
      if (saved.x === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = saved.x;
    }
  });
});
