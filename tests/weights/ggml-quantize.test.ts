// Writing Q4_0 (jsonlm convert --type q4_0): the blocks decode to within half a step of the input (one
// step where the +8 end clamps to nibble 15), the largest-magnitude value maps to nibble 0 exactly, and a
// whole model written as Q4_0 loads with its int8 values kept and runs like the same values as F32.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/convert.js';
import { loadModel } from '../../engine/load-model.js';
import { Kernels } from '../../kernels/kernels.js';
import { dequantizeBlocks } from '../../weights/ggml-quants.js';
import { quantizeQ4_0 } from '../../weights/ggml-quantize.js';
import { parseGguf } from '../../weights/gguf.js';
import { loadWeights, modelSourceFromBytes } from '../../weights/load.js';
import { f16ToNumber } from '../../weights/half.js';
import { expectSameF32, placedTensors } from './helpers.js';

function randomValues(n: number, seed: number): Float32Array {
  let s = seed;
  const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  // Blocks of different scales (d stays an fp16 normal), some with a positive and some with a negative extreme.
  return new Float32Array(n).map((_, i) => (next() - 0.5) * 2 ** -((i >> 5) % 8));
}

describe('Q4_0 writer', () => {
  it('decodes to within half a step (one step at the clamped +8 end); the extreme value is exact in fp16 d', () => {
    const x = randomValues(32 * 200, 9);
    const bytes = new Uint8Array(200 * 18);
    quantizeQ4_0(x, bytes);
    const y = new Float32Array(x.length);
    dequantizeBlocks('Q4_0', bytes, 200, y);
    for (let b = 0; b < 200; b++) {
      const d = f16ToNumber(bytes[b * 18] | (bytes[b * 18 + 1] << 8));
      let iMax = 0;
      for (let j = 0; j < 32; j++) if (Math.abs(x[b * 32 + j]) > Math.abs(x[b * 32 + iMax])) iMax = j;
      expect(y[b * 32 + iMax]).toBe(-8 * d); // nibble 0
      expect(Math.abs(-8 * d - x[b * 32 + iMax])).toBeLessThanOrEqual(Math.abs(x[b * 32 + iMax]) * 2 ** -11);
      for (let j = 0; j < 32; j++) {
        const i = b * 32 + j;
        const clamped = Math.sign(x[i]) === -Math.sign(x[b * 32 + iMax]) && Math.abs(x[i] / d) > 7.5;
        const bound = Math.abs(d) * (clamped ? 1 : 0.5) * (1 + 2 ** -10) + Math.abs(x[b * 32 + iMax]) * 2 ** -11;
        if (!(Math.abs(y[i] - x[i]) <= bound)) throw new Error(`value ${i}: ${x[i]} -> ${y[i]} (d ${d})`);
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
});
