// Seeded random-weight Llama models at any config (the real SmolLM-135M / 360M shapes included), for
// tests and benchmarks on machines that cannot download real weights. Every value comes from integer
// arithmetic only: a 32-bit integer PRNG (mulberry32, Math.imul), an Irwin-Hall sum of four uniform
// 16-bit integers, scaled by a power of two. So each value is an exact small binary fraction, the same
// seed gives bit-identical files on every platform, and any row can be generated on its own (each row has
// its own PRNG stream), so writers stream models of any size.
import { fmix32, mulberry32 } from '../random/prng.js';
import type { LlamaConfig } from './config.js';
import type { ExportModel, ExportTensor } from './model-export.js';
import { expectedTensors, type TokenizerSource } from './model-layout.js';

export const SMOLLM_135M: LlamaConfig = {
  architecture: 'llama', dim: 576, hiddenDim: 1536, nLayers: 30, nHeads: 9, nKvHeads: 3, headDim: 64,
  vocabSize: 49152, contextLength: 2048, ropeTheta: 100000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: true,
};
export const SMOLLM_360M: LlamaConfig = {
  ...SMOLLM_135M, dim: 960, hiddenDim: 2560, nLayers: 32, nHeads: 15, nKvHeads: 5, headDim: 64,
};
/** A small model for unit tests: GQA, untied head, 4 layers, the synthetic tokenizer's vocabulary. */
export const TINY: LlamaConfig = {
  architecture: 'llama', dim: 64, hiddenDim: 160, nLayers: 2, nHeads: 4, nKvHeads: 2, headDim: 16,
  vocabSize: 288, contextLength: 256, ropeTheta: 10000, ropeStyle: 'interleaved', normEps: 1e-5, tiedEmbeddings: false,
};
export const RANDOM_PRESETS: Record<string, LlamaConfig> = { 'smollm-135m': SMOLLM_135M, 'smollm-360m': SMOLLM_360M, tiny: TINY };

/** Matrix values: (sum of four u16) - 131070, times 2^-20: mean 0, std ~0.036, |x| < 0.125. */
const MATRIX_SCALE = 2 ** -20;
/** Norm weights: 1 + (same sum) * 2^-19: mean 1, std ~0.072. */
const NORM_SCALE = 2 ** -19;

/** Fills `dst` with row `row` of tensor number `tensorIndex`. */
function fillRow(seed: number, tensorIndex: number, row: number, isNorm: boolean, dst: Float32Array): void {
  const next = mulberry32(fmix32(fmix32(fmix32(seed >>> 0) ^ Math.imul(tensorIndex + 1, 0x9e3779b1)) ^ Math.imul(row + 1, 0x7feb352d)));
  for (let i = 0; i < dst.length; i++) {
    const a = next(), b = next();
    const s = (a & 0xffff) + (a >>> 16) + (b & 0xffff) + (b >>> 16) - 131070; // Irwin-Hall, integer
    dst[i] = isNorm ? 1 + s * NORM_SCALE : s * MATRIX_SCALE; // exact: |s| < 2^18
  }
}

export interface RandomModelOptions {
  config: LlamaConfig;
  seed: number;
  /** Tokenizer to embed: the synthetic byte-level one (default), or a given HF tokenizer.json. */
  tokenizer?: TokenizerSource;
  name?: string;
}

/** A seeded random model, ready for writeModelGguf / hfFolderFiles. Rows are in the config's ropeStyle
 * order (interleaved by default; the HF writer permutes them like any GGUF-ordered model). */
export function randomModel(options: RandomModelOptions): ExportModel {
  const { config, seed } = options;
  const tensors = expectedTensors(config).map(({ name, shape }, index): ExportTensor => {
    const cols = shape[shape.length - 1];
    const isNorm = shape.length === 1;
    return {
      name, shape,
      readRowsF32(row0, n, dst) {
        for (let r = 0; r < n; r++) fillRow(seed, index, row0 + r, isNorm, dst.subarray(r * cols, (r + 1) * cols));
      },
    };
  });
  return {
    name: options.name ?? `random-${seed}`,
    config: { ...config },
    tensors,
    tokenizerSource: options.tokenizer ?? syntheticTokenizer(),
  };
}

/** GPT-2's byte -> printable character map used by byte-level BPE vocabularies. */
export function byteLevelAlphabet(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const out: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  return out;
}

const SYNTHETIC_SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
const SYNTHETIC_MERGES: [string, string][] = [
  ['Ġ', 't'], ['h', 'e'], ['i', 'n'], ['e', 'r'], ['a', 'n'], ['Ġ', 'a'], ['o', 'n'], ['r', 'e'],
  ['Ġt', 'he'], ['Ġ', 's'], ['"', ':'], ['Ġ', '"'], ['Ġ', '{'], ['a', 'm'], ['e', 's'], ['Ġ', 'c'],
];
const CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** A small byte-level BPE tokenizer.json (SmolLM style: 3 ChatML specials, 256 byte tokens, 16 merges,
 * 275 tokens), so random models have a real, loadable tokenizer in tests. */
export function syntheticTokenizer(): TokenizerSource {
  const vocab: Record<string, number> = {};
  SYNTHETIC_SPECIALS.forEach((s, i) => { vocab[s] = i; });
  let id = SYNTHETIC_SPECIALS.length;
  for (const ch of byteLevelAlphabet()) vocab[ch] = id++;
  for (const [a, b] of SYNTHETIC_MERGES) vocab[a + b] = id++;
  const tokenizer = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: SYNTHETIC_SPECIALS.map((content, i) => ({ id: i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: SYNTHETIC_MERGES.map(([a, b]) => `${a} ${b}`) },
  };
  const tokenizerConfig = { add_bos_token: false, add_eos_token: false, bos_token: '<|im_start|>', eos_token: '<|im_end|>',
    pad_token: '<|im_end|>', chat_template: CHATML, model_max_length: 2048 };
  return { kind: 'hf', tokenizerJson: JSON.stringify(tokenizer), tokenizerConfigJson: JSON.stringify(tokenizerConfig),
    specialTokenIds: { bos: 1, eos: 2, pad: 2 } };
}
