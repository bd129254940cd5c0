// Test oracle: an independent float64 Llama forward pass in plain TypeScript. It reads its own weights
// (llama2.c .bin, HF safetensors) with a few lines of parsing so that it shares no code with the engine,
// the kernels or the weight loaders it checks. Slow and simple on purpose: one token at a time, like run.c.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RefConfig {
  dim: number; hiddenDim: number; nLayers: number; nHeads: number; nKvHeads: number; headDim: number;
  vocabSize: number; seqLen: number; ropeTheta: number; eps: number;
  /** 'interleaved': pairs (2j, 2j+1) (llama2.c, GGUF); 'half': pairs (j, j+headDim/2) (HF). */
  ropeStyle: 'interleaved' | 'half';
}

interface RefLayer {
  attnNorm: Float64Array; wq: Float64Array; wk: Float64Array; wv: Float64Array; wo: Float64Array;
  ffnNorm: Float64Array; w1: Float64Array; w2: Float64Array; w3: Float64Array;
}

export interface RefWeights {
  config: RefConfig;
  emb: Float64Array; // [vocab, dim]
  layers: RefLayer[];
  finalNorm: Float64Array;
  cls: Float64Array; // [vocab, dim] (the same array as emb when tied)
}

/** llama2.c legacy (version 0) checkpoint: 7 int32 header, then float32 tensors; vocab > 0 = shared head. */
export function readLlama2cBin(path: string): RefWeights {
  const buf = readFileSync(path);
  const h = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + 28));
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabRaw, seqLen] = h;
  const vocabSize = Math.abs(vocabRaw);
  const headDim = dim / nHeads;
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + 28, buf.byteOffset + buf.length));
  let off = 0;
  const take = (n: number) => { const a = Float64Array.from(floats.subarray(off, off + n)); off += n; return a; };
  const emb = take(vocabSize * dim);
  const kvDim = nKvHeads * headDim;
  const per = (n: number) => Array.from({ length: nLayers }, () => take(n));
  const rmsAtt = per(dim), wq = per(dim * dim), wk = per(kvDim * dim), wv = per(kvDim * dim), wo = per(dim * dim);
  const rmsFfn = per(dim), w1 = per(hiddenDim * dim), w2 = per(dim * hiddenDim), w3 = per(hiddenDim * dim);
  const finalNorm = take(dim);
  off += seqLen * headDim; // freq_cis_real/imag (legacy, unused)
  const cls = vocabRaw > 0 ? emb : take(vocabSize * dim);
  const layers = Array.from({ length: nLayers }, (_, l) => ({
    attnNorm: rmsAtt[l], wq: wq[l], wk: wk[l], wv: wv[l], wo: wo[l], ffnNorm: rmsFfn[l], w1: w1[l], w2: w2[l], w3: w3[l],
  }));
  return {
    config: { dim, hiddenDim, nLayers, nHeads, nKvHeads, headDim, vocabSize, seqLen, ropeTheta: 10000, eps: 1e-5, ropeStyle: 'interleaved' },
    emb, layers, finalNorm, cls,
  };
}

/** A Hugging Face LlamaForCausalLM folder with float32 safetensors (HF row order: rotate-half RoPE). */
export function readHfFolder(dir: string): RefWeights {
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const buf = readFileSync(join(dir, 'model.safetensors'));
  const headerLen = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8'));
  const base = 8 + headerLen;
  const get = (name: string): Float64Array => {
    const t = header[name];
    if (!t) throw new Error(`reference: tensor ${name} missing`);
    if (t.dtype !== 'F32') throw new Error(`reference: ${name} is ${t.dtype}, expected F32`);
    const [a, b] = t.data_offsets;
    const bytes = buf.buffer.slice(buf.byteOffset + base + a, buf.byteOffset + base + b);
    return Float64Array.from(new Float32Array(bytes));
  };
  const nLayers = cfg.num_hidden_layers;
  const dim = cfg.hidden_size;
  const nHeads = cfg.num_attention_heads;
  const emb = get('model.embed_tokens.weight');
  const layers = Array.from({ length: nLayers }, (_, l) => {
    const p = `model.layers.${l}.`;
    return {
      attnNorm: get(p + 'input_layernorm.weight'), ffnNorm: get(p + 'post_attention_layernorm.weight'),
      wq: get(p + 'self_attn.q_proj.weight'), wk: get(p + 'self_attn.k_proj.weight'),
      wv: get(p + 'self_attn.v_proj.weight'), wo: get(p + 'self_attn.o_proj.weight'),
      w1: get(p + 'mlp.gate_proj.weight'), w3: get(p + 'mlp.up_proj.weight'), w2: get(p + 'mlp.down_proj.weight'),
    };
  });
  const tied = cfg.tie_word_embeddings !== false && !header['lm_head.weight'];
  return {
    config: {
      dim, hiddenDim: cfg.intermediate_size, nLayers, nHeads, nKvHeads: cfg.num_key_value_heads ?? nHeads,
      headDim: cfg.head_dim ?? dim / nHeads, vocabSize: cfg.vocab_size, seqLen: cfg.max_position_embeddings,
      ropeTheta: cfg.rope_theta ?? 10000, eps: cfg.rms_norm_eps ?? 1e-5, ropeStyle: 'half',
    },
    emb, layers, finalNorm: get('model.norm.weight'), cls: tied ? emb : get('lm_head.weight'),
  };
}

function rmsnorm(x: Float64Array, w: Float64Array, eps: number): Float64Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const s = 1 / Math.sqrt(ss / x.length + eps);
  return x.map((v, i) => v * s * w[i]);
}

function matvec(w: Float64Array, x: Float64Array, rows: number): Float64Array {
  const cols = x.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += w[r * cols + c] * x[c];
    out[r] = s;
  }
  return out;
}

function rope(v: Float64Array, nHeads: number, headDim: number, pos: number, theta: number, style: RefConfig['ropeStyle']) {
  for (let h = 0; h < nHeads; h++) {
    for (let j = 0; j < headDim / 2; j++) {
      const angle = pos * Math.pow(theta, -(2 * j) / headDim);
      const c = Math.cos(angle), s = Math.sin(angle);
      const a = h * headDim + (style === 'interleaved' ? 2 * j : j);
      const b = style === 'interleaved' ? a + 1 : a + headDim / 2;
      const x0 = v[a], x1 = v[b];
      v[a] = x0 * c - x1 * s;
      v[b] = x0 * s + x1 * c;
    }
  }
}

/** One sequence's state: feed tokens one at a time, get float64 logits back (KV cache in float64). */
export class ReferenceModel {
  private keys: Float64Array[][] = [];
  private values: Float64Array[][] = [];
  constructor(readonly w: RefWeights) {
    this.keys = w.layers.map(() => []);
    this.values = w.layers.map(() => []);
  }

  get position(): number { return this.keys[0].length; }

  step(token: number): Float64Array {
    const { config: c, layers } = this.w;
    const pos = this.position;
    const kvDim = c.nKvHeads * c.headDim;
    let x = this.w.emb.slice(token * c.dim, (token + 1) * c.dim);
    for (let l = 0; l < c.nLayers; l++) {
      const L = layers[l];
      const xb = rmsnorm(x, L.attnNorm, c.eps);
      const q = matvec(L.wq, xb, c.nHeads * c.headDim);
      const k = matvec(L.wk, xb, kvDim);
      const v = matvec(L.wv, xb, kvDim);
      rope(q, c.nHeads, c.headDim, pos, c.ropeTheta, c.ropeStyle);
      rope(k, c.nKvHeads, c.headDim, pos, c.ropeTheta, c.ropeStyle);
      this.keys[l].push(k);
      this.values[l].push(v);
      const att = new Float64Array(c.nHeads * c.headDim);
      const group = c.nHeads / c.nKvHeads;
      for (let h = 0; h < c.nHeads; h++) {
        const kh = Math.floor(h / group);
        const scores = new Float64Array(pos + 1);
        let max = -Infinity;
        for (let t = 0; t <= pos; t++) {
          let s = 0;
          for (let i = 0; i < c.headDim; i++) s += q[h * c.headDim + i] * this.keys[l][t][kh * c.headDim + i];
          scores[t] = s / Math.sqrt(c.headDim);
          max = Math.max(max, scores[t]);
        }
        let sum = 0;
        for (let t = 0; t <= pos; t++) { scores[t] = Math.exp(scores[t] - max); sum += scores[t]; }
        for (let t = 0; t <= pos; t++) {
          const a = scores[t] / sum;
          for (let i = 0; i < c.headDim; i++) att[h * c.headDim + i] += a * this.values[l][t][kh * c.headDim + i];
        }
      }
      const o = matvec(L.wo, att, c.dim);
      x = x.map((v, i) => v + o[i]);
      const xb2 = rmsnorm(x, L.ffnNorm, c.eps);
      const g = matvec(L.w1, xb2, c.hiddenDim);
      const u = matvec(L.w3, xb2, c.hiddenDim);
      const hb = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]);
      const d = matvec(L.w2, hb, c.dim);
      x = x.map((v, i) => v + d[i]);
    }
    return matvec(this.w.cls, rmsnorm(x, this.w.finalNorm, c.eps), c.vocabSize);
  }
}

/** Index of the largest value; the lowest index wins ties (as llama.cpp's greedy and the engine do). */
export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/** Max |a-b| and cosine similarity of two rows. */
export function compareRows(a: ArrayLike<number>, b: ArrayLike<number>): { maxAbs: number; cosine: number } {
  let maxAbs = 0, dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
    dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i];
  }
  return { maxAbs, cosine: dot / Math.sqrt(na * nb) };
}
