// Writing Q4_0, Q5_0 and Q4_K (jsonlm convert --type q4_0|q4_k): Q4_0/Q5_0 blocks decode to within half a
// step of the input (one step where the positive end clamps), the largest-magnitude value maps to level 0
// exactly; Q4_K decodes to within one level step of each 32-value sub-block's range; whole models written
// so load and run. (Byte-identity with llama-quantize is checked by hand: llama-cpp-quant-check.mjs.)
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cmdline/convert.js';
import { loadModel } from '../../engine/load-model.js';
import { Kernels } from '../../kernels/kernels.js';
import { dequantizeBlocks } from '../../weights/ggml-quants.js';
import { quantizeQ4_0, quantizeQ4_K, quantizeQ5_0 } from '../../weights/ggml-quantize.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import { parseGguf } from '../../weights/gguf.js';
import { loadWeights, modelSourceFromBytes } from '../../weights/load.js';
import { f16ToNumber } from '../../weights/half.js';
import { expectSameF32, placedTensors } from './helpers.js';

function randomValues(n: number, seed: number, run = 32): Float32Array {
  let s = seed;
  const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  // Blocks of different scales (d stays an fp16 normal), some with a positive and some with a negative extreme.
  return new Float32Array(n).map((_, i) => (next() - 0.5) * 2 ** -(Math.floor(i / run) % 8));
}

describe('Q4_0, Q5_0 and Q4_K writers', () => {
  for (const [type, levels, size, quantize] of [['Q4_0', 8, 18, quantizeQ4_0], ['Q5_0', 16, 22, quantizeQ5_0]] as const) {
    it(`${type} decodes to within half a step (one step at the clamped positive end); the extreme value is exact in fp16 d`, () => {
      const x = randomValues(32 * 200, 9);
      const bytes = new Uint8Array(200 * size);
      quantize(x, bytes);
      const y = new Float32Array(x.length);
      dequantizeBlocks(type, bytes, 200, y);
      let clampedSeen = 0;
      for (let b = 0; b < 200; b++) {
        const d = f16ToNumber(bytes[b * size] | (bytes[b * size + 1] << 8));
        let iMax = 0;
        for (let j = 0; j < 32; j++) if (Math.abs(x[b * 32 + j]) > Math.abs(x[b * 32 + iMax])) iMax = j;
        expect(y[b * 32 + iMax]).toBe(-levels * d); // level 0
        expect(Math.abs(-levels * d - x[b * 32 + iMax])).toBeLessThanOrEqual(Math.abs(x[b * 32 + iMax]) * 2 ** -11);
        for (let j = 0; j < 32; j++) {
          const i = b * 32 + j;
          const clamped = Math.sign(x[i]) === -Math.sign(x[b * 32 + iMax]) && Math.abs(x[i] / d) > levels - 0.5;
          if (clamped) clampedSeen++;
          const bound = Math.abs(d) * (clamped ? 1 : 0.5) * (1 + 2 ** -10) + Math.abs(x[b * 32 + iMax]) * 2 ** -11;
          if (!(Math.abs(y[i] - x[i]) <= bound)) throw new Error(`value ${i}: ${x[i]} -> ${y[i]} (d ${d})`);
        }
      }
      expect(clampedSeen).toBeGreaterThan(0);
    });
  }

  it('Q4_K decodes to within one level step (range / 15) of each 32-value sub-block', () => {
    // One magnitude per 256-value block, as in weight rows: sub-block scales far below the block's largest
    // lose resolution to the 6-bit scale codes, which this bound does not cover.
    const x = randomValues(256 * 100, 4, 256);
    for (let i = 0; i < 256 * 30; i++) x[i] += 0.02; // some all-positive sub-blocks (min clamped at 0)
    const bytes = new Uint8Array(100 * 144);
    quantizeQ4_K(x, bytes);
    const y = new Float32Array(x.length);
    dequantizeBlocks('Q4_K', bytes, 100, y);
    for (let sb = 0; sb < x.length / 32; sb++) {
      let lo = 0, hi = -Infinity;
      for (let i = 0; i < 32; i++) { lo = Math.min(lo, x[sb * 32 + i]); hi = Math.max(hi, x[sb * 32 + i]); }
      for (let i = sb * 32; i < sb * 32 + 32; i++) {
        if (!(Math.abs(y[i] - x[i]) <= (hi - lo) / 15)) throw new Error(`value ${i}: ${x[i]} -> ${y[i]} (sub-block range ${hi - lo})`);
      }
    }
  });

  it('an all-zero block is d = -0 (0 / -8, as ggml computes it) and nibbles 8', () => {
    const bytes = new Uint8Array(18);
    quantizeQ4_0(new Float32Array(32), bytes);
    expect(Array.from(bytes)).toEqual([0, 0x80, ...new Array(16).fill(0x88)]);
  });

  it('jsonlm convert --type q4_0: every matrix Q4_0, loads with its int8 values kept, runs as the same values in f32', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonlm-q4-'));
    const log = console.log;
    console.log = () => {};
    try {
      expect(await run(['random:tiny:5', join(dir, 'q4.gguf'), '--type', 'q4_0'])).toBe(0);
    } finally {
      console.log = log;
    }
    const bytes = new Uint8Array(readFileSync(join(dir, 'q4.gguf')));
    rmSync(dir, { recursive: true, force: true });
    const g = parseGguf(bytes, 'q4.gguf');
    for (const t of g.tensors) expect(t.typeName).toBe(t.shape.length === 1 ? 'F32' : 'Q4_0');
    expect(g.metadata.get('general.file_type')).toBe(2);
    const k = await Kernels.create();
    const asF32 = placedTensors(k, (await loadWeights(modelSourceFromBytes(bytes, 'q4.gguf'), k, { dtype: 'f32' })).weights);
    const asInt8 = placedTensors(k, (await loadWeights(modelSourceFromBytes(bytes, 'q4.gguf'), k, { dtype: 'q8' })).weights);
    for (const [n, v] of asF32) expectSameF32(asInt8.get(n), v, n);
    const model = await loadModel(modelSourceFromBytes(bytes, 'q4.gguf'), { dtype: 'q8' });
    const logits = model.logitsAll([1, 2, 3, 4]);
    expect(logits.every((row) => row.every(Number.isFinite))).toBe(true);
  });

  it('a model written as q4_k: Q4_K where rows are a multiple of 256, Q5_0 elsewhere (as llama-quantize); loads and runs', async () => {
    const model = randomModel({ config: { ...TINY, dim: 256, nHeads: 4, nKvHeads: 2, headDim: 64 }, seed: 6 }); // ffn rows of 160
    const sink = new MemorySink();
    writeModelGguf(model, sink, 'q4_k');
    const bytes = sink.bytes();
    const g = parseGguf(bytes, 'q4k.gguf');
    for (const t of g.tensors) expect(t.typeName).toBe(t.shape.length === 1 ? 'F32' : t.shape[1] % 256 === 0 ? 'Q4_K' : 'Q5_0');
    expect(g.tensors.some((t) => t.typeName === 'Q5_0')).toBe(true);
    expect(g.metadata.get('general.file_type')).toBe(14);
    const m = await loadModel(modelSourceFromBytes(bytes, 'q4k.gguf'), { dtype: 'q8' });
    expect(m.logitsAll([1, 2, 3]).every((row) => row.every(Number.isFinite))).toBe(true);
  });
});
