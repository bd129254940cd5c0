// `jsonlm convert` end to end through its run(args): llama2.c -> GGUF Q8_0 -> HF folder -> GGUF F32, and a
// random preset; usage errors for bad flags.
import { describe, expect, it } from 'vitest';
import { linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parseGguf } from '../../weights/gguf.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cmdline/convert.js';
import { UsageError } from '../../cmdline/flags.js';
import { readModelLayout } from '../../weights/load.js';
import { closeModelSource, readModelSource, writeFilesToDir, writeToFile, type FileSink } from '../../weights/node-files.js';
import { MODELS } from '../paths.js';

function layoutAt(path: string) {
  const src = readModelSource(path);
  try { return readModelLayout(src); } finally { closeModelSource(src); }
}

describe('jsonlm convert', () => {
  it('converts llama2.c -> GGUF Q8_0 -> HF folder -> GGUF F32, keeping config and tokenizer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonlm-convert-'));
    const log = console.log;
    console.log = () => {};
    try {
      expect(await run([join(MODELS, 'stories260K/stories260K.bin'), join(dir, 's.gguf'), '--tokenizer', join(MODELS, 'stories260K/tok512.bin')])).toBe(0);
      expect(await run([join(dir, 's.gguf'), join(dir, 'hf'), '--format', 'hf', '--type', 'bf16'])).toBe(0);
      expect(await run([join(dir, 'hf'), join(dir, 'back.gguf'), '--type', 'f32'])).toBe(0);
      expect(await run(['random:tiny:3', join(dir, 'r.gguf'), '--type', 'f16'])).toBe(0);
      // --tokenizer from a vocab-only GGUF replaces the input's tokenizer, types included.
      const vocab = join(MODELS, 'gguf-vocab-llama-spm/ggml-vocab-llama-spm.gguf');
      expect(await run(['random:tiny:3', join(dir, 'spm.gguf'), '--type', 'f32', '--tokenizer', vocab])).toBe(0);
      const spm = layoutAt(join(dir, 'spm.gguf')).tokenizerSource;
      const orig = parseGguf(new Uint8Array(readFileSync(vocab)), 'v');
      if (spm?.kind !== 'gguf') throw new Error('expected gguf tokenizer');
      for (const key of ['tokenizer.ggml.model', 'tokenizer.ggml.bos_token_id', 'tokenizer.ggml.add_bos_token']) expect(spm.metadata.get(key)).toEqual(orig.metadata.get(key));
      expect((spm.metadata.get('tokenizer.ggml.tokens') as string[]).length).toBe(32000);
      expect(spm.metadataTypes?.get('tokenizer.ggml.scores')).toEqual(orig.metadataTypes.get('tokenizer.ggml.scores'));
      const q = layoutAt(join(dir, 's.gguf'));
      expect(q.tensors.get('blk.0.attn_q.weight')!.encoding.kind).toBe('Q8_0');
      expect(q.tokenizerSource?.kind).toBe('gguf');
      const h = layoutAt(join(dir, 'hf'));
      expect(h.config.ropeStyle).toBe('half');
      expect(h.tensors.get('blk.0.attn_q.weight')!.encoding.kind).toBe('BF16');
      const back = layoutAt(join(dir, 'back.gguf'));
      expect({ ...back.config }).toEqual({ ...q.config });
      expect(back.tensors.get('token_embd.weight')!.encoding.kind).toBe('F32');
      expect(statSync(join(dir, 'back.gguf')).size).toBeGreaterThan(1_000_000);
      const r = layoutAt(join(dir, 'r.gguf'));
      expect(r.config.dim).toBe(64);
      expect(r.tokenizerSource?.kind === 'gguf' && r.tokenizerSource.metadata.get('tokenizer.ggml.model')).toBe('gpt2');
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses OUT = IN (same path, a hard link, OUT inside an HF folder IN) and leaves the input intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonlm-convert-same-'));
    const log = console.log;
    console.log = () => {};
    try {
      const gguf = join(dir, 'm.gguf');
      expect(await run(['random:tiny:5', gguf, '--type', 'f32'])).toBe(0);
      expect(await run([gguf, join(dir, 'hf'), '--format', 'hf'])).toBe(0);
      const ggufBytes = readFileSync(gguf);
      const hfBytes = readFileSync(join(dir, 'hf/model.safetensors'));
      await expect(run([gguf, gguf, '--type', 'q8_0'])).rejects.toThrow(/is IN .*would overwrite the input/);
      await expect(run([gguf, join(dir, '.', 'm.gguf')])).rejects.toThrow(/would overwrite the input/);
      linkSync(gguf, join(dir, 'hard.gguf'));
      await expect(run([gguf, join(dir, 'hard.gguf')])).rejects.toThrow(/is IN/);
      await expect(run([join(dir, 'hf'), join(dir, 'hf'), '--format', 'hf'])).rejects.toThrow(/is IN/);
      await expect(run([join(dir, 'hf'), join(dir, 'hf/sub'), '--format', 'hf'])).rejects.toThrow(/is inside IN/);
      await expect(run([join(dir, 'hf'), join(dir, 'hf/model.gguf')])).rejects.toThrow(/is inside IN/);
      await expect(run(['random:tiny:5', gguf, '--tokenizer', gguf])).rejects.toThrow(/is --tokenizer/);
      expect(readFileSync(gguf).equals(ggufBytes)).toBe(true);
      expect(readFileSync(join(dir, 'hf/model.safetensors')).equals(hfBytes)).toBe(true);
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true });
    }
  });

  it('writes beside OUT and renames: a write that fails midway leaves an existing OUT whole and no partial file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonlm-convert-fail-'));
    try {
      const out = join(dir, 'out.gguf');
      writeFileSync(out, 'the previous output');
      expect(() => writeToFile(out, (sink) => { sink.write(new Uint8Array(100)); throw new Error('input ended early'); })).toThrow(/input ended early/);
      expect(readFileSync(out, 'utf8')).toBe('the previous output');
      const hf = join(dir, 'hf');
      writeFilesToDir(hf, [{ name: 'config.json', write: (sink) => sink.write(new TextEncoder().encode('{"old": 1}')) }]);
      const failing = [
        { name: 'config.json', write: (sink: FileSink) => sink.write(new TextEncoder().encode('{"new": 1}')) },
        { name: 'model.safetensors', write: (sink: FileSink) => { sink.write(new Uint8Array(10)); throw new Error('disk full'); } },
      ];
      expect(() => writeFilesToDir(hf, failing)).toThrow(/disk full/);
      expect(readFileSync(join(hf, 'config.json'), 'utf8')).toBe('{"old": 1}');
      expect(readdirSync(dir).sort()).toEqual(['hf', 'out.gguf']);
      expect(readdirSync(hf)).toEqual(['config.json']);
      writeToFile(out, (sink) => sink.write(new TextEncoder().encode('new')));
      expect(readFileSync(out, 'utf8')).toBe('new');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('rejects bad usage with UsageError', async () => {
    await expect(run(['a'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['a', 'b', '--type', 'q6_k'])).rejects.toThrow(/--type must be one of q8_0\|q4_0\|q4_k\|f16\|bf16\|f32/);
    await expect(run(['a', 'b', '--format', 'hf', '--type', 'q8_0'])).rejects.toThrow(/--type must be one of f32\|f16\|bf16 for --format hf/);
    await expect(run(['a', 'b', '--bogus'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['random:nope', 'b'])).rejects.toThrow(/unknown random preset 'nope'/);
  });
});
