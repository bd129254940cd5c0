// ggml block types (Q4_0 ... Q6_K, IQ4_NL, IQ4_XS): the decoder against an independent reimplementation of
// ggml's reference dequantization on random blocks (bit-exact: deterministic f32 ops), a few hand-worked
// blocks, the exact int8 form of Q4_0/Q5_0/IQ4_NL/IQ4_XS, and whole models stored in each type loaded and
// run next to the same values stored as F32.
import { describe, expect, it } from 'vitest';
import { Kernels } from '../../kernels/kernels.js';
import { loadModel } from '../../engine/load-model.js';
import { dequantizeBlocks, GGML_BLOCK_TYPES, hasInt8Blocks, int8Blocks, type GgmlBlockType } from '../../weights/ggml-quants.js';
import { GGML_TYPE_BY_NAME, GGML_TYPE_ID } from '../../weights/ggml-types.js';
import { ggufModelMetadata, ggufTensors } from '../../weights/gguf-convert.js';
import { MemorySink, writeGguf, type GgufTensorToWrite } from '../../weights/gguf-writer.js';
import { loadWeights, modelSourceFromBytes } from '../../weights/load.js';
import { WeightsFormatError } from '../../weights/byte-source.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import type { LlamaConfig } from '../../weights/config.js';
import { HALF_FIELDS, referenceValue } from './ggml-quants-reference.js';
import { expectSameF32, placedTensors } from './helpers.js';

/** xorshift32: the tests' own seeded bytes. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/** Random blocks; every fp16 field gets a random finite value (exponent < 30, so products stay finite),
 * or, with `halfValue`, a value it chooses. */
function randomBlocks(type: GgmlBlockType, nBlocks: number, seed: number, halfValue?: (next: () => number, field: number) => number): Uint8Array {
  const { typeSize } = GGML_TYPE_BY_NAME.get(type)!;
  const next = rng(seed);
  const b = new Uint8Array(nBlocks * typeSize);
  for (let i = 0; i < b.length; i++) b[i] = next() & 255;
  for (let blk = 0; blk < nBlocks; blk++) {
    HALF_FIELDS[type].forEach((at, field) => {
      let h = next() & 0xffff;
      if (halfValue) h = halfValue(next, field);
      else if (((h >> 10) & 31) >= 30) h &= ~0x4000; // keep exponent below 30
      b[blk * typeSize + at] = h & 255;
      b[blk * typeSize + at + 1] = h >> 8;
    });
  }
  return b;
}

function referenceRow(type: GgmlBlockType, bytes: Uint8Array, nBlocks: number): Float32Array {
  const { blockSize, typeSize } = GGML_TYPE_BY_NAME.get(type)!;
  const out = new Float32Array(nBlocks * blockSize);
  for (let blk = 0; blk < nBlocks; blk++) {
    const block = bytes.subarray(blk * typeSize, (blk + 1) * typeSize);
    for (let i = 0; i < blockSize; i++) out[blk * blockSize + i] = referenceValue(type, block, i);
  }
  return out;
}

describe('ggml block dequantization', () => {
  for (const type of GGML_BLOCK_TYPES) {
    it(`${type}: equals the reference dequantization bit for bit on 64 random blocks`, () => {
      const { blockSize } = GGML_TYPE_BY_NAME.get(type)!;
      for (const seed of [1, 2, 3]) {
        const bytes = randomBlocks(type, 64, seed * 1000 + blockSize);
        const got = new Float32Array(64 * blockSize);
        dequantizeBlocks(type, bytes, 64, got);
        expectSameF32(got, referenceRow(type, bytes, 64), `${type} seed ${seed}`);
        // Not vacuous: values vary in sign and size.
        expect(got.some((x) => x > 0) && got.some((x) => x < 0)).toBe(true);
      }
    });
  }

  it('hand-worked blocks: Q4_0, Q4_K, Q6_K', () => {
    const q40 = new Uint8Array(18);
    q40[0] = 0x00; q40[1] = 0x38; // d = 0.5
    q40[2] = 0xf0; // value 0 = (0 - 8) * 0.5 = -4, value 16 = (15 - 8) * 0.5 = 3.5
    const v40 = new Float32Array(32);
    dequantizeBlocks('Q4_0', q40, 1, v40);
    expect([v40[0], v40[16], v40[1]]).toEqual([-4, 3.5, -4]);

    const q4k = new Uint8Array(144);
    q4k[1] = 0x3c; q4k[3] = 0x38; // d = 1, dmin = 0.5
    q4k[4 + 0] = 2; q4k[4 + 4] = 1; // sub-block 0: scale 2, min 1
    q4k[4 + 1] = 0x40 | 3; // sub-block 1: scale 3 (and top bits 01 for sub-block 5's scale)
    q4k[4 + 9] = 0x25; // sub-block 5: scale 5 | 1 << 4 = 21, min 2
    q4k[16] = 0x73; // value 0 = 1*2*3 - 0.5*1 = 5.5; value 32 (sub-block 1, min 0) = 3*7 = 21
    q4k[16 + 64 + 5] = 0x20; // value 160 + 5 (sub-block 5, high nibble of the third 32 bytes) = 21*2 - 0.5*2 = 41
    const v4k = new Float32Array(256);
    dequantizeBlocks('Q4_K', q4k, 1, v4k);
    expect([v4k[0], v4k[32], v4k[165], v4k[1]]).toEqual([5.5, 21, 41, -0.5]);

    const q6k = new Uint8Array(210);
    q6k[209] = 0x3c; // d = 1
    q6k[192 + 8 + 2 * 3 + 1] = 0xfe; // scale -2 for values 128 + 96 + 16..31
    q6k[64 + 32 + 20] = 0x90; // high nibble 9 of ql[64 + 32 + 20] -> value 128 + 96 + 20
    q6k[128 + 32 + 20] = 0xc0; // bits 6-7 = 3: q = 9 + 48 - 32 = 25
    const v6k = new Float32Array(256);
    dequantizeBlocks('Q6_K', q6k, 1, v6k);
    expect(v6k[128 + 96 + 20]).toBe(-50);
    expect(v6k[0] === 0).toBe(true); // scale 0 (times q = -32: -0)
  });

  for (const type of GGML_BLOCK_TYPES.filter(hasInt8Blocks)) {
    it(`${type}: the int8 form (q, f32 scale per 32) gives exactly the dequantized values`, () => {
      const { blockSize } = GGML_TYPE_BY_NAME.get(type)!;
      const bytes = randomBlocks(type, 32, 77);
      const n = 32 * blockSize;
      const q = new Int8Array(n), bits = new Uint32Array(n / 32), scales = new Float32Array(bits.buffer);
      int8Blocks(type, bytes, 32, q, bits);
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = q[i] * scales[i >> 5];
      const ref = new Float32Array(n);
      dequantizeBlocks(type, bytes, 32, ref);
      expectSameF32(values, ref, type);
    });
  }

  it('types without an exact int8 form refuse int8Blocks', () => {
    expect(() => int8Blocks('Q4_K', new Uint8Array(144), 1, new Int8Array(256), new Uint32Array(8))).toThrow(/Q4_K has no exact int8 form/);
  });
});

/** TINY widened so every matrix row is a multiple of 256 (the K-quants' block). */
const WIDE: LlamaConfig = { ...TINY, dim: 256, hiddenDim: 512, nHeads: 4, nKvHeads: 2, headDim: 64 };

/** A model file with every matrix of `type` (random blocks, scales sized for ~0.05 weights) and the same
 * model with those matrices decoded by the reference and stored as F32. */
function modelPair(type: GgmlBlockType, seed: number): { quant: Uint8Array; f32: Uint8Array } {
  const base = randomModel({ config: WIDE, seed });
  const { blockSize } = GGML_TYPE_BY_NAME.get(type)!;
  // d in [2^-12, 2^-11) with a random sign (dmin, m: positive) where sub-block scales (up to 63) or IQ4
  // levels (up to 127) multiply it; [2^-8, 2^-7) for the 4/5-bit 32-value types.
  const scale = blockSize === 256 || type === 'IQ4_NL' ? 12 : 8;
  const halfValue = (next: () => number, field: number) =>
    ((field === 0 && next() & 1 ? 0x8000 : 0) | ((15 - scale) << 10) | (next() & 1023));
  const quantTensors: GgufTensorToWrite[] = [], f32Tensors: GgufTensorToWrite[] = [];
  ggufTensors(base, 'f32').forEach((t, i) => {
    if (t.shape.length === 1) { quantTensors.push(t); f32Tensors.push(t); return; }
    const nBlocks = (t.shape[0] * t.shape[1]) / blockSize;
    const bytes = randomBlocks(type, nBlocks, seed * 100 + i, halfValue);
    const values = referenceRow(type, bytes, nBlocks);
    quantTensors.push({ name: t.name, shape: t.shape, type: GGML_TYPE_BY_NAME.get(type)!.id, write: (emit) => emit(bytes) });
    f32Tensors.push({ name: t.name, shape: t.shape, type: GGML_TYPE_ID.F32, write: (emit) => emit(new Uint8Array(values.buffer)) });
  });
  const write = (tensors: GgufTensorToWrite[]) => { const s = new MemorySink(); writeGguf(s, ggufModelMetadata(base, 'f32'), tensors); return s.bytes(); };
  return { quant: write(quantTensors), f32: write(f32Tensors) };
}

describe('models stored in ggml block types', () => {
  const prompt = [5, 77, 200, 13, 42, 250, 9, 101];
  for (const type of GGML_BLOCK_TYPES) {
    it(`${type}: loads (f32 and int8) and runs exactly as the same values stored as F32`, async () => {
      const { quant, f32 } = modelPair(type, 11);
      // f32 placement: every tensor bit-identical to the F32 file's, and so are the logits.
      const k = await Kernels.create();
      const a = placedTensors(k, (await loadWeights(modelSourceFromBytes(quant, `${type}.gguf`), k, { dtype: 'f32' })).weights);
      const b = placedTensors(k, (await loadWeights(modelSourceFromBytes(f32, 'f32.gguf'), k, { dtype: 'f32' })).weights);
      for (const [n, v] of b) expectSameF32(a.get(n), v, `${type} ${n}`);
      const mq = await loadModel(modelSourceFromBytes(quant, `${type}.gguf`), { dtype: 'f32' });
      const mf = await loadModel(modelSourceFromBytes(f32, 'f32.gguf'), { dtype: 'f32' });
      const lq = mq.logitsAll(prompt), lf = mf.logitsAll(prompt);
      lf.forEach((row, i) => expectSameF32(lq[i], row, `${type} f32 logits row ${i}`));
      expect(lf[7].some((x) => x !== lf[7][0])).toBe(true);

      // int8 placement: Q4_0/Q5_0/IQ4_NL/IQ4_XS keep their own int8 values and scales (so the placed
      // values are the decoded ones, exactly); the others are requantized exactly as an F32 file is.
      const q8q = await loadModel(modelSourceFromBytes(quant, `${type}.gguf`), { dtype: 'q8' });
      const q8f = await loadModel(modelSourceFromBytes(f32, 'f32.gguf'), { dtype: 'q8' });
      const l8q = q8q.logitsAll(prompt), l8f = q8f.logitsAll(prompt);
      if (!hasInt8Blocks(type)) {
        l8f.forEach((row, i) => expectSameF32(l8q[i], row, `${type} q8 logits row ${i}`));
      } else {
        const k8 = await Kernels.create();
        const placed = placedTensors(k8, (await loadWeights(modelSourceFromBytes(quant, `${type}.gguf`), k8, { dtype: 'q8' })).weights);
        for (const [n, v] of b) expectSameF32(placed.get(n), v, `${type} int8 ${n}`);
        // and the int8 run stays near the float run (activation quantization only)
        let maxAbs = 0, maxRef = 0;
        l8q.forEach((row, i) => row.forEach((x, j) => { maxAbs = Math.max(maxAbs, Math.abs(x - lq[i][j])); maxRef = Math.max(maxRef, Math.abs(lq[i][j])); }));
        expect(maxAbs).toBeLessThan(0.05 * maxRef);
      }
    });
  }

  it('an unsupported type names the type and the tensor', async () => {
    const base = randomModel({ config: WIDE, seed: 3 });
    const tensors = ggufTensors(base, 'f32').map((t): GgufTensorToWrite => t.name !== 'blk.1.ffn_up.weight' ? t :
      { name: t.name, shape: t.shape, type: GGML_TYPE_BY_NAME.get('IQ2_XS')!.id, write: (emit) => emit(new Uint8Array((t.shape[0] * t.shape[1] / 256) * 74)) });
    const s = new MemorySink();
    writeGguf(s, ggufModelMetadata(base, 'f32'), tensors);
    const k = await Kernels.create();
    await expect(loadWeights(modelSourceFromBytes(s.bytes(), 'iq2.gguf'), k)).rejects.toThrow(WeightsFormatError);
    await expect(loadWeights(modelSourceFromBytes(s.bytes(), 'iq2.gguf'), k)).rejects
      .toThrow(/iq2\.gguf: tensor blk\.1\.ffn_up\.weight has type IQ2_XS, which jsonlm cannot load \(supported: .*Q4_K.*\)/);
  });
});
