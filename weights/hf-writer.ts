// Writing a model as a Hugging Face LlamaForCausalLM folder: config.json, model.safetensors (F32, F16 or
// BF16, HF tensor names, Q/K rows in rotate-half order) and, when the model has one, tokenizer.json and
// tokenizer_config.json. Core code: each file is produced through a ByteSink.
import { generationConfigOf } from './extraction-hints.js';
import { f32BitsToBf16Bits, f32BitsToF16Bits } from './half.js';
import type { ByteSink } from './gguf-writer.js';
import { ggufToHfName } from './hf-folder.js';
import { exportChunkRows, withRopeStyle, type ExportModel, type ExportTensor } from './model-export.js';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

export interface OutputFile { name: string; write(sink: ByteSink): void }

const encoder = new TextEncoder();

export function hfConfigJson(model: ExportModel, dtype: SafetensorsDtype): string {
  const c = model.config;
  const special = model.tokenizerSource?.kind === 'hf' ? model.tokenizerSource.specialTokenIds ?? {} : {};
  return JSON.stringify({
    architectures: ['LlamaForCausalLM'], model_type: 'llama',
    hidden_size: c.dim, intermediate_size: c.hiddenDim, num_hidden_layers: c.nLayers,
    num_attention_heads: c.nHeads, num_key_value_heads: c.nKvHeads, head_dim: c.headDim,
    vocab_size: c.vocabSize, max_position_embeddings: c.contextLength, rope_theta: c.ropeTheta,
    rms_norm_eps: c.normEps, tie_word_embeddings: c.tiedEmbeddings, hidden_act: 'silu',
    rope_scaling: null, attention_bias: false, mlp_bias: false,
    torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dtype],
    ...(special.bos !== undefined ? { bos_token_id: special.bos } : {}),
    ...(special.eos !== undefined ? { eos_token_id: special.eos } : {}),
    ...(special.pad !== undefined ? { pad_token_id: special.pad } : {}),
  }, null, 2) + '\n';
}

/** One safetensors file holding `tensors` (already in HF row order). */
function safetensorsOf(tensors: ExportTensor[], dtype: SafetensorsDtype, name: string): OutputFile {
  const bytesPer = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1) * bytesPer;
    header[ggufToHfName(t.name)] = { dtype, shape: t.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (encoder.encode(json).length % 8)) % 8); // data starts 8-byte aligned
  return {
    name,
    write(sink) {
      const hb = encoder.encode(json);
      const len = new Uint8Array(8);
      new DataView(len.buffer).setBigUint64(0, BigInt(hb.length), true);
      sink.write(len);
      sink.write(hb);
      for (const t of tensors) {
        const cols = t.shape[t.shape.length - 1], rows = t.shape.length === 1 ? 1 : t.shape[0];
        const step = exportChunkRows(cols);
        const buf = new Float32Array(Math.min(step, rows) * cols);
        const bits = new Uint32Array(buf.buffer);
        const halves = new Uint16Array(buf.length);
        const convert = dtype === 'F16' ? f32BitsToF16Bits : f32BitsToBf16Bits;
        for (let r = 0; r < rows; r += step) {
          const n = Math.min(step, rows - r);
          t.readRowsF32(r, n, buf.subarray(0, n * cols));
          if (dtype === 'F32') { sink.write(new Uint8Array(buf.buffer, 0, n * cols * 4)); continue; }
          for (let i = 0; i < n * cols; i++) halves[i] = convert(bits[i]);
          sink.write(new Uint8Array(halves.buffer, 0, n * cols * 2));
        }
      }
    },
  };
}

/** model.safetensors for the model (rows re-ordered to HF's rotate-half convention), or, when the
 * tensors pass `maxShardBytes`, model-0000i-of-0000n.safetensors shards plus model.safetensors.index.json. */
export function safetensorsFiles(model: ExportModel, dtype: SafetensorsDtype, maxShardBytes = Infinity): OutputFile[] {
  const m = withRopeStyle(model, 'half');
  const bytesPer = dtype === 'F32' ? 4 : 2;
  const shards: ExportTensor[][] = [[]];
  let size = 0, total = 0;
  for (const t of m.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1) * bytesPer;
    if (size > 0 && size + n > maxShardBytes) { shards.push([]); size = 0; }
    shards[shards.length - 1].push(t);
    size += n;
    total += n;
  }
  if (shards.length === 1) return [safetensorsOf(shards[0], dtype, 'model.safetensors')];
  const pad = (i: number) => String(i).padStart(5, '0');
  const names = shards.map((_, i) => `model-${pad(i + 1)}-of-${pad(shards.length)}.safetensors`);
  const weightMap: Record<string, string> = {};
  shards.forEach((ts, i) => { for (const t of ts) weightMap[ggufToHfName(t.name)] = names[i]; });
  const index = JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n';
  return [...shards.map((ts, i) => safetensorsOf(ts, dtype, names[i])),
    { name: 'model.safetensors.index.json', write: (sink) => sink.write(encoder.encode(index)) }];
}

/** The files of an HF folder for the model. */
export function hfFolderFiles(model: ExportModel, dtype: SafetensorsDtype, maxShardBytes = Infinity): OutputFile[] {
  const text = (name: string, s: string): OutputFile => ({ name, write: (sink) => sink.write(encoder.encode(s)) });
  const files = [text('config.json', hfConfigJson(model, dtype)), ...safetensorsFiles(model, dtype, maxShardBytes)];
  const tok = model.tokenizerSource;
  if (tok?.kind === 'hf') {
    files.push(text('tokenizer.json', tok.tokenizerJson));
    if (tok.tokenizerConfigJson) files.push(text('tokenizer_config.json', tok.tokenizerConfigJson));
  }
  const generation = generationConfigOf(model.hints);
  if (Object.keys(generation).length > 0) files.push(text('generation_config.json', JSON.stringify(generation, null, 2) + '\n'));
  return files;
}
