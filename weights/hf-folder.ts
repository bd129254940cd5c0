// A Hugging Face LlamaForCausalLM checkpoint folder: config.json, model.safetensors (or shards listed in
// model.safetensors.index.json), tokenizer.json and tokenizer_config.json. HF stores Q/K rows for
// rotate-half RoPE, so the config says ropeStyle 'half' (the engine rotates pairs (j, j + headDim/2)).
import type { LlamaConfig } from './config.js';
import { WeightsFormatError, type ByteSource } from './byte-source.js';
import type { ModelLayout, TensorEncoding, TensorRef } from './model-layout.js';
import { parseSafetensors } from './safetensors.js';
import { hintsFromGenerationConfig } from './extraction-hints.js';

const utf8 = new TextDecoder('utf-8');

/** HF tensor name -> GGUF-style name (undefined for tensors the forward pass does not use). */
export function hfToGgufName(name: string): string | undefined {
  if (name === 'model.embed_tokens.weight') return 'token_embd.weight';
  if (name === 'model.norm.weight') return 'output_norm.weight';
  if (name === 'lm_head.weight') return 'output.weight';
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(name);
  if (!m) return undefined;
  const part = ({
    'input_layernorm.weight': 'attn_norm', 'self_attn.q_proj.weight': 'attn_q', 'self_attn.k_proj.weight': 'attn_k',
    'self_attn.v_proj.weight': 'attn_v', 'self_attn.o_proj.weight': 'attn_output', 'post_attention_layernorm.weight': 'ffn_norm',
    'mlp.gate_proj.weight': 'ffn_gate', 'mlp.up_proj.weight': 'ffn_up', 'mlp.down_proj.weight': 'ffn_down',
  } as Record<string, string>)[m[2]];
  return part ? `blk.${m[1]}.${part}.weight` : undefined;
}

/** GGUF-style name -> HF tensor name. */
export function ggufToHfName(name: string): string {
  if (name === 'token_embd.weight') return 'model.embed_tokens.weight';
  if (name === 'output_norm.weight') return 'model.norm.weight';
  if (name === 'output.weight') return 'lm_head.weight';
  const m = /^blk\.(\d+)\.(\w+)\.weight$/.exec(name);
  const part = m && ({
    attn_norm: 'input_layernorm', attn_q: 'self_attn.q_proj', attn_k: 'self_attn.k_proj', attn_v: 'self_attn.v_proj',
    attn_output: 'self_attn.o_proj', ffn_norm: 'post_attention_layernorm', ffn_gate: 'mlp.gate_proj', ffn_up: 'mlp.up_proj',
    ffn_down: 'mlp.down_proj',
  } as Record<string, string>)[m[2]];
  if (!part) throw new Error(`no HF name for tensor ${name}`);
  return `model.layers.${m![1]}.${part}.weight`;
}

function readJson(files: Map<string, ByteSource>, folder: string, file: string): any {
  const src = files.get(file);
  if (!src) return undefined;
  try {
    return JSON.parse(utf8.decode(src.read(0, src.size)));
  } catch (e) {
    throw new WeightsFormatError(`${folder}/${file}`, `not valid JSON (${(e as Error).message})`);
  }
}

export function hfConfig(json: any, fileName: string): LlamaConfig {
  const fail = (p: string): never => { throw new WeightsFormatError(fileName, p); };
  if (!json || typeof json !== 'object') fail('config.json is not a JSON object');
  const archs: string[] = Array.isArray(json.architectures) ? json.architectures : [];
  if (!archs.includes('LlamaForCausalLM') && json.model_type !== 'llama') {
    fail(`unsupported architecture '${archs[0] ?? json.model_type ?? 'unknown'}' (jsonlm runs LlamaForCausalLM models only)`);
  }
  if (json.rope_scaling) fail(`RoPE scaling ${JSON.stringify(json.rope_scaling)} is not supported`);
  if (json.attention_bias || json.mlp_bias) fail('attention/MLP biases are not supported');
  if (json.hidden_act && json.hidden_act !== 'silu') fail(`activation '${json.hidden_act}' is not supported (only silu)`);
  const int = (key: string, fallback?: number): number => {
    const v = json[key] ?? fallback;
    if (!Number.isInteger(v) || v <= 0) fail(v === undefined ? `missing ${key}` : `${key} is ${JSON.stringify(v)}, expected a positive integer`);
    return v;
  };
  // A present value of the wrong type is an error, not a silent fall back to the default.
  const positive = (key: string, fallback: number): number => {
    const v = json[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${key} is ${JSON.stringify(v)}, expected a finite positive number`);
    return v;
  };
  const dim = int('hidden_size');
  const nHeads = int('num_attention_heads');
  return {
    architecture: 'llama', dim, hiddenDim: int('intermediate_size'), nLayers: int('num_hidden_layers'), nHeads,
    nKvHeads: int('num_key_value_heads', nHeads), headDim: int('head_dim', Math.floor(dim / nHeads)),
    vocabSize: int('vocab_size'), contextLength: int('max_position_embeddings', 2048),
    ropeTheta: positive('rope_theta', 10000), ropeStyle: 'half',
    normEps: positive('rms_norm_eps', 1e-6),
    tiedEmbeddings: json.tie_word_embeddings ?? false,
  };
}

/** Reads an HF folder (file name -> bytes) and describes it as a Llama model. */
export function readHfLayout(folder: string, files: Map<string, ByteSource>): ModelLayout {
  const configJson = readJson(files, folder, 'config.json');
  if (configJson === undefined) throw new WeightsFormatError(folder, 'not a Hugging Face model folder: no config.json');
  const config = hfConfig(configJson, `${folder}/config.json`);
  let shardNames: string[];
  const index = readJson(files, folder, 'model.safetensors.index.json');
  if (index !== undefined) {
    if (!index.weight_map || typeof index.weight_map !== 'object') {
      throw new WeightsFormatError(`${folder}/model.safetensors.index.json`, 'no weight_map object');
    }
    shardNames = [...new Set(Object.values(index.weight_map as Record<string, string>))];
  } else if (files.has('model.safetensors')) {
    shardNames = ['model.safetensors'];
  } else {
    throw new WeightsFormatError(folder, 'no model.safetensors or model.safetensors.index.json (PyTorch .bin checkpoints are not supported)');
  }
  const tensors = new Map<string, TensorRef>();
  let hasLmHead = false;
  for (const shard of shardNames) {
    const src = files.get(shard);
    if (!src) throw new WeightsFormatError(folder, `missing shard ${shard} listed in model.safetensors.index.json`);
    const st = parseSafetensors(src);
    for (const t of st.tensors.values()) {
      const name = hfToGgufName(t.name);
      if (!name) continue;
      if (name === 'output.weight') hasLmHead = true;
      if (t.dtype !== 'F32' && t.dtype !== 'F16' && t.dtype !== 'BF16') {
        throw new WeightsFormatError(src.name, `tensor ${t.name} has dtype ${t.dtype}, which jsonlm cannot load (supported: F32, F16, BF16)`);
      }
      tensors.set(name, { name, fileTensorName: t.name, shape: t.shape, encoding: { kind: t.dtype } as TensorEncoding, source: src, offset: t.fileOffset });
    }
  }
  // HF ties lm_head to embed_tokens when tie_word_embeddings is set; a folder without lm_head whose config
  // does not say either way is tied too (that is how such checkpoints are saved).
  if (configJson.tie_word_embeddings === undefined && !hasLmHead) config.tiedEmbeddings = true;
  if (config.tiedEmbeddings) tensors.delete('output.weight');
  const tokenizer = files.get('tokenizer.json');
  const tokCfg = files.get('tokenizer_config.json');
  return {
    format: 'hf', fileName: folder, config, tensors, fileTensorName: ggufToHfName,
    hints: hintsFromGenerationConfig(readJson(files, folder, 'generation_config.json'), `${folder}/generation_config.json`),
    tokenizerSource: tokenizer ? {
      kind: 'hf', tokenizerJson: utf8.decode(tokenizer.read(0, tokenizer.size)),
      tokenizerConfigJson: tokCfg ? utf8.decode(tokCfg.read(0, tokCfg.size)) : undefined,
      specialTokenIds: {
        bos: Number.isInteger(configJson.bos_token_id) ? configJson.bos_token_id : undefined,
        eos: Number.isInteger(configJson.eos_token_id) ? configJson.eos_token_id : undefined,
        pad: Number.isInteger(configJson.pad_token_id) ? configJson.pad_token_id : undefined,
      },
    } : undefined,
  };
}
