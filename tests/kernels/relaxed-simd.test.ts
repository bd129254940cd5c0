// The relaxed-SIMD decode kernel (kernels/assembly/matvec-q8.ts) must give the plain kernel's bits, on fresh
// random inputs (the seed is in the failure message). Three checks:
// - its algebra (sign masks, magnitudes, correction), on every engine: the test-only build where the
//   relaxed instruction is replaced by its exact definition in standard SIMD;
// - the real instruction, where the engine runs relaxed-SIMD as specified (Node >= 22), in a child process,
//   kernels and a whole model;
// - the load-time known-answer check: Node 20's V8 behind --experimental-wasm-relaxed-simd computes the
//   instruction differently (an older draft), so a child with that flag must fall back to the plain
//   kernels and refuse relaxedSimd: true with a clear error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { randomModel } from '../../weights/random-model.js';
import type { LlamaConfig } from '../../weights/config.js';
import { Kernels } from '../../kernels/kernels.js';
import { compareBuilds } from './relaxed-compare.js';

const FLAG = '--experimental-wasm-relaxed-simd';
const nodeHasFlag = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).includes(FLAG);
const nodeMajor = Number(process.versions.node.split('.')[0]);
const CONFIG: LlamaConfig = {
  architecture: 'llama', dim: 96, hiddenDim: 256, nLayers: 2, nHeads: 6, nKvHeads: 2, headDim: 16, vocabSize: 300,
  contextLength: 64, ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: true,
};

let dir: string, child: string, model: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jsonlm-relaxed-'));
  child = join(dir, 'child.mjs');
  model = join(dir, 'random.gguf');
  const root = fileURLToPath(new URL('../..', import.meta.url));
  await build({ entryPoints: [join(root, 'tests/kernels/relaxed-child.ts')], bundle: true, format: 'esm', platform: 'node',
    target: 'node20', outfile: child, logLevel: 'silent' });
  const sink = new MemorySink();
  writeModelGguf(randomModel({ config: CONFIG, seed: 3 }), sink, 'f32');
  writeFileSync(model, sink.bytes());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(flags: string[]) {
  const seed = (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0;
  const out = execFileSync(process.execPath, [...flags, child, String(seed), model], { encoding: 'utf8', cwd: dir });
  return { seed, ...JSON.parse(out.trim().split('\n').pop()!) };
}

describe('relaxed-SIMD int8 dot', () => {
  it('the relaxed path with the instruction emulated exactly gives the plain kernel\'s and the reference\'s bits', async () => {
    const bytes = readFileSync(fileURLToPath(new URL('../../kernels/build/kernels-relaxed-emulated.wasm', import.meta.url)));
    const emulated = await Kernels.create({ module: await WebAssembly.compile(bytes) });
    const plain = await Kernels.create({ relaxedSimd: false });
    const seed = (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0;
    const r = compareBuilds(emulated, plain, seed);
    expect(r.cases).toBe(80);
    expect(r.mismatches, `seed ${seed}`).toEqual([]);
  });

  it.runIf(nodeMajor >= 22)('gives the plain kernel\'s and the scalar reference\'s bits (kernels and a whole model)', () => {
    const r = runChild([]);
    expect(r.supported, 'relaxed-SIMD available in the child').toBe(true);
    expect(r.relaxed).toBe(true);
    expect(r.cases).toBe(80);
    expect(r.modelRows).toBe(28);
    expect(r.mismatches, `seed ${r.seed}`).toEqual([]);
  });

  it.runIf(nodeMajor < 22)('falls back to the plain kernels on Node 20, with and without the flag, and refuses relaxedSimd: true', () => {
    for (const flags of nodeHasFlag ? [[], [FLAG]] : [[]]) {
      const r = runChild(flags);
      expect(r.supported, flags.join(' ')).toBe(false);
      expect(r.refusal).toMatch(/relaxed-SIMD was asked for but this engine does not support it/);
    }
  });
});
