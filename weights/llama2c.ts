// llama2.c checkpoints (karpathy/llama2.c export.py): the legacy version-0 layout (7 int32 header, fp32
// arrays; a negative vocab_size means an untied classifier), version 1 (magic "ak42", 256-byte header,
// fp32) and version 2 (int8 weights quantized in groups, fp32 norms and scales). Q/K rows are stored for
// llama2.c's interleaved-pair RoPE, so the config says ropeStyle 'interleaved'.
import type { LlamaConfig } from './config.js';
import { SourceCursor, WeightsFormatError, type ByteSource } from './byte-source.js';
import { layerTensorNames, type ModelLayout, type TensorEncoding, type TensorRef } from './model-layout.js';

export const LLAMA2C_MAGIC = 0x616b3432; // "ak42"
export const LLAMA2C_HEADER_BYTES = 256;

export interface Llama2cHeader {
  version: 0 | 1 | 2;
  dim: number; hiddenDim: number; nLayers: number; nHeads: number; nKvHeads: number;
  vocabSize: number; seqLen: number;
  sharedClassifier: boolean;
  /** Quantization group size (version 2 only). */
  groupSize?: number;
}

export function isLlama2cVersioned(first4: Uint8Array): boolean {
  return first4.length >= 4 && (first4[0] | (first4[1] << 8) | (first4[2] << 16) | (first4[3] << 24)) >>> 0 === LLAMA2C_MAGIC;
}

export function parseLlama2cHeader(source: ByteSource): Llama2cHeader {
  const name = source.name;
  const fail = (p: string): never => { throw new WeightsFormatError(name, p); };
  if (source.size < 28) fail(`truncated file: ${source.size} bytes is too short for a llama2.c header`);
  const c = new SourceCursor(source);
  const first = c.u32('magic');
  let version: 0 | 1 | 2 = 0;
  if (first === LLAMA2C_MAGIC) {
    const v = c.i32('version');
    if (v !== 1 && v !== 2) fail(`unsupported llama2.c version ${v} (jsonlm reads versions 0, 1 and 2)`);
    version = v as 1 | 2;
    if (source.size < LLAMA2C_HEADER_BYTES) fail(`truncated file: ${source.size} bytes is too short for a llama2.c v${v} header`);
  } else {
    c.pos = 0;
  }
  const dim = c.i32(), hiddenDim = c.i32(), nLayers = c.i32(), nHeads = c.i32(), nKvHeads = c.i32();
  let vocabSize = c.i32();
  const seqLen = c.i32();
  let sharedClassifier: boolean;
  let groupSize: number | undefined;
  if (version === 0) {
    sharedClassifier = vocabSize > 0;
    vocabSize = Math.abs(vocabSize);
  } else {
    sharedClassifier = c.u8() !== 0;
    if (version === 2) groupSize = c.i32();
  }
  const h: Llama2cHeader = { version, dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen, sharedClassifier, groupSize };
  const bad = (['dim', 'hiddenDim', 'nLayers', 'nHeads', 'nKvHeads', 'vocabSize', 'seqLen'] as const)
    .filter((k) => !(h[k] > 0 && h[k] < 1 << 24));
  if (bad.length) {
    fail(`not a llama2.c checkpoint (or a corrupt one): header ${bad.map((k) => `${k}=${h[k]}`).join(', ')} out of range` +
      (version === 0 ? ' (no "ak42" magic, read as the legacy version-0 layout)' : ''));
  }
  if (dim % nHeads !== 0) fail(`invalid header: dim ${dim} is not a multiple of n_heads ${nHeads}`);
  if (nHeads % nKvHeads !== 0) fail(`invalid header: n_heads ${nHeads} is not a multiple of n_kv_heads ${nKvHeads}`);
  if (version === 2 && !(groupSize! > 0)) fail(`invalid header: group size ${groupSize}`);
  return h;
}

export function llama2cConfig(h: Llama2cHeader): LlamaConfig {
  return {
    architecture: 'llama', dim: h.dim, hiddenDim: h.hiddenDim, nLayers: h.nLayers, nHeads: h.nHeads,
    nKvHeads: h.nKvHeads, headDim: h.dim / h.nHeads, vocabSize: h.vocabSize, contextLength: h.seqLen,
    // llama2.c's run.c hard-codes these.
    ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: h.sharedClassifier,
  };
}

/** Reads a llama2.c checkpoint's header and locates every tensor. */
export function readLlama2cLayout(source: ByteSource, tokenizer?: ByteSource): ModelLayout {
  const h = parseLlama2cHeader(source);
  const config = llama2cConfig(h);
  const { dim, hiddenDim, nLayers, vocabSize } = config;
  const qDim = config.nHeads * config.headDim, kvDim = config.nKvHeads * config.headDim;
  // The size the header implies, checked before listing tensors (a corrupt layer count would list millions).
  const perLayerValues = 2 * dim + qDim * dim + 2 * kvDim * dim + dim * qDim + 3 * hiddenDim * dim;
  const matrixValues = vocabSize * dim * (h.sharedClassifier ? 1 : 2) + nLayers * (perLayerValues - 2 * dim);
  const normValues = nLayers * 2 * dim + dim;
  const need = h.version === 0 ? 28 + 4 * (matrixValues + normValues + h.seqLen * config.headDim)
    : h.version === 1 ? LLAMA2C_HEADER_BYTES + 4 * (matrixValues + normValues)
    : LLAMA2C_HEADER_BYTES + 4 * normValues + matrixValues + 4 * Math.floor(matrixValues / h.groupSize!);
  if (need > source.size) {
    throw new WeightsFormatError(source.name, `header claims more bytes than the file holds: a llama2.c v${h.version} model with ` +
      `dim ${dim}, hidden ${hiddenDim}, ${nLayers} layers, vocab ${vocabSize} needs ${need} bytes but the file has ${source.size} (truncated?)`);
  }
  const tensors = new Map<string, TensorRef>();
  const L = [...Array(nLayers).keys()];
  const shapes: Record<string, number[]> = {
    attnNorm: [dim], ffnNorm: [dim], wq: [qDim, dim], wk: [kvDim, dim], wv: [kvDim, dim], wo: [dim, qDim],
    wGate: [hiddenDim, dim], wDown: [dim, hiddenDim], wUp: [hiddenDim, dim],
  };
  // (tensor name, shape) in file order; llama2.c's w1 = gate, w2 = down, w3 = up.
  type Item = [string, number[]];
  const perLayer = (k: keyof ReturnType<typeof layerTensorNames>): Item[] => L.map((i) => [layerTensorNames(i)[k], shapes[k]]);
  const emb: Item = ['token_embd.weight', [vocabSize, dim]];
  const finalNorm: Item = ['output_norm.weight', [dim]];
  const cls: Item[] = h.sharedClassifier ? [] : [['output.weight', [vocabSize, dim]]];
  const matrices: Item[] = [...perLayer('wq'), ...perLayer('wk'), ...perLayer('wv'), ...perLayer('wo'),
    ...perLayer('wGate'), ...perLayer('wDown'), ...perLayer('wUp')];
  const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

  let pos: number;
  const place = (items: Item[], encoding: () => TensorEncoding, bytesPer: number) => {
    for (const [n, shape] of items) {
      tensors.set(n, { name: n, fileTensorName: n, shape, encoding: encoding(), source, offset: pos });
      pos += numel(shape) * bytesPer;
    }
  };
  if (h.version === 0) {
    pos = 28;
    place([emb, ...perLayer('attnNorm'), ...perLayer('wq'), ...perLayer('wk'), ...perLayer('wv'), ...perLayer('wo'),
      ...perLayer('ffnNorm'), ...perLayer('wGate'), ...perLayer('wDown'), ...perLayer('wUp'), finalNorm], () => ({ kind: 'F32' }), 4);
    pos += 2 * h.seqLen * (config.headDim / 2) * 4; // freq_cis_real / freq_cis_imag, unused
    place(cls, () => ({ kind: 'F32' }), 4);
  } else if (h.version === 1) {
    pos = LLAMA2C_HEADER_BYTES;
    place([...perLayer('attnNorm'), ...perLayer('ffnNorm'), finalNorm, emb, ...matrices, ...cls], () => ({ kind: 'F32' }), 4);
  } else {
    pos = LLAMA2C_HEADER_BYTES;
    place([...perLayer('attnNorm'), ...perLayer('ffnNorm'), finalNorm], () => ({ kind: 'F32' }), 4);
    const quantized = [emb, ...matrices, ...cls];
    const g = h.groupSize!;
    for (const [n, s] of quantized) {
      if (numel(s) % g !== 0) throw new WeightsFormatError(source.name, `tensor ${n} has ${numel(s)} values, not a multiple of group size ${g}`);
    }
    let scalesPos = pos + quantized.reduce((a, [, s]) => a + numel(s), 0);
    for (const [n, shape] of quantized) {
      tensors.set(n, { name: n, fileTensorName: n, shape, encoding: { kind: 'Q8_GROUPS', group: g, scalesOffset: scalesPos }, source, offset: pos });
      pos += numel(shape);
      scalesPos += (numel(shape) / g) * 4;
    }
    pos = scalesPos;
  }
  if (pos > source.size) {
    throw new WeightsFormatError(source.name, `header claims more bytes than the file holds: a llama2.c v${h.version} model with ` +
      `dim ${dim}, hidden ${hiddenDim}, ${nLayers} layers, vocab ${vocabSize} needs ${pos} bytes but the file has ${source.size} (truncated?)`);
  }
  if (h.version !== 0 && pos !== source.size) {
    throw new WeightsFormatError(source.name, `file size ${source.size} does not match the ${pos} bytes its llama2.c v${h.version} header implies`);
  }
  return {
    format: 'llama2c', fileName: source.name, config, tensors, hints: {},
    tokenizerSource: tokenizer ? { kind: 'llama2c', bytes: tokenizer.read(0, tokenizer.size).slice() } : undefined,
  };
}
