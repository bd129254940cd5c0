// A GGUF file as a Llama model: the llama.* hyper-parameters to a LlamaConfig, the tensor directory to a
// ModelLayout. GGUF stores Q/K rows permuted for adjacent-pair RoPE (convert_hf_to_gguf.py does it), so
// the config says ropeStyle 'interleaved'.
import type { LlamaConfig } from './config.js';
import { WeightsFormatError, type ByteSource } from './byte-source.js';
import { parseGguf, type GgufFile, type GgufValue } from './gguf.js';
import type { ModelLayout, TensorEncoding, TensorRef } from './model-layout.js';
import { hintsFromGgufMetadata } from './extraction-hints.js';
import { GGML_BLOCK_TYPES, type GgmlBlockType } from './ggml-quants.js';

const DIRECT: Record<string, TensorEncoding> = { F32: { kind: 'F32' }, F16: { kind: 'F16' }, BF16: { kind: 'BF16' }, Q8_0: { kind: 'Q8_0' } };

/** How jsonlm reads a ggml tensor type, or undefined for types it cannot decode. */
function encodingOf(typeName: string): TensorEncoding | undefined {
  if (DIRECT[typeName]) return DIRECT[typeName];
  return (GGML_BLOCK_TYPES as readonly string[]).includes(typeName) ? { kind: 'GGML_BLOCKS', type: typeName as GgmlBlockType } : undefined;
}
export const LOADABLE_GGML_TYPES: readonly string[] = [...Object.keys(DIRECT), ...GGML_BLOCK_TYPES];

export function ggufConfig(gguf: GgufFile, fileName: string): LlamaConfig {
  const m = gguf.metadata;
  const fail = (p: string): never => { throw new WeightsFormatError(fileName, p); };
  const arch = m.get('general.architecture');
  if (typeof arch !== 'string') fail('missing metadata general.architecture (not a model GGUF?)');
  if (arch !== 'llama') fail(`unsupported architecture '${arch}' (jsonlm runs 'llama' models only)`);
  const num = (key: string, fallback?: number): number => {
    const v = m.get(`llama.${key}`);
    if (v === undefined) {
      if (fallback === undefined) fail(`missing metadata llama.${key}`);
      return fallback!;
    }
    if (typeof v !== 'number') fail(`metadata llama.${key} is ${typeof v}, expected a number`);
    return v as number;
  };
  const dim = num('embedding_length');
  const nHeads = num('attention.head_count');
  const embd = gguf.tensors.find((t) => t.name === 'token_embd.weight');
  // Name the inconsistent value itself, before it shows up as a wrong head size (and so as "partial RoPE").
  if (embd && embd.shape.length === 2 && embd.shape[1] !== dim) {
    fail(`metadata llama.embedding_length is ${dim} but token_embd.weight has rows of ${embd.shape[1]} values`);
  }
  const keyLength = m.get('llama.attention.key_length');
  if (keyLength === undefined && nHeads > 0 && dim % nHeads !== 0) {
    fail(`metadata llama.embedding_length ${dim} is not a multiple of llama.attention.head_count ${nHeads} (and no attention.key_length gives the head size)`);
  }
  const headDim = num('attention.key_length', Math.floor(dim / nHeads));
  const ropeDims = num('rope.dimension_count', headDim);
  if (ropeDims !== headDim) {
    fail(`llama.rope.dimension_count ${ropeDims} differs from the head size ${headDim} ` +
      `(${keyLength === undefined ? `embedding_length ${dim} / head_count ${nHeads}` : 'attention.key_length'}): ` +
      'either one of these is wrong or the model uses partial RoPE, which jsonlm does not support');
  }
  const scaling = m.get('llama.rope.scaling.type');
  if (typeof scaling === 'string' && scaling !== 'none') fail(`RoPE scaling '${scaling}' is not supported`);
  const tokens = m.get('tokenizer.ggml.tokens');
  const vocab = num('vocab_size', Array.isArray(tokens) ? tokens.length : embd ? embd.shape[0] : undefined);
  return {
    architecture: arch as string,
    dim,
    hiddenDim: num('feed_forward_length'),
    nLayers: num('block_count'),
    nHeads,
    nKvHeads: num('attention.head_count_kv', nHeads),
    headDim,
    vocabSize: vocab,
    contextLength: num('context_length'),
    ropeTheta: num('rope.freq_base', 10000),
    ropeStyle: 'interleaved',
    normEps: num('attention.layer_norm_rms_epsilon', 1e-5),
    tiedEmbeddings: !gguf.tensors.some((t) => t.name === 'output.weight'),
  };
}

/** Reads a GGUF file's header and describes it as a Llama model. */
export function readGgufLayout(source: ByteSource): ModelLayout {
  const gguf = parseGguf(source, source.name);
  const config = ggufConfig(gguf, source.name);
  const tensors = new Map<string, TensorRef>();
  for (const t of gguf.tensors) {
    const encoding = encodingOf(t.typeName);
    if (!encoding) {
      // Only fail for tensors the model uses; extra ones (e.g. rope_freqs) are skipped.
      if (/^(token_embd|output|output_norm|blk\.\d+\.(attn_norm|attn_q|attn_k|attn_v|attn_output|ffn_norm|ffn_gate|ffn_up|ffn_down))\.weight$/.test(t.name)) {
        throw new WeightsFormatError(source.name, `tensor ${t.name} has type ${t.typeName}, which jsonlm cannot load ` +
          `(supported: ${LOADABLE_GGML_TYPES.join(', ')}; re-quantize with llama-quantize, e.g. to Q8_0 or Q4_K_M)`);
      }
      continue;
    }
    tensors.set(t.name, { name: t.name, fileTensorName: t.name, shape: t.shape, encoding, source, offset: t.fileOffset });
  }
  // A weights-only GGUF (no tokenizer.ggml.tokens; jsonlm writes tokenizer.ggml.model 'no_vocab' there, as
  // llama.cpp requires the key) carries no tokenizer.
  const hasVocab = Array.isArray(gguf.metadata.get('tokenizer.ggml.tokens'));
  return { format: 'gguf', fileName: source.name, config, tensors, hints: hintsFromGgufMetadata(gguf.metadata, source.name),
    tokenizerSource: hasVocab ? { kind: 'gguf', metadata: gguf.metadata, metadataTypes: gguf.metadataTypes } : undefined };
}

export function ggufString(m: Map<string, GgufValue>, key: string): string | undefined {
  const v = m.get(key);
  return typeof v === 'string' ? v : undefined;
}
