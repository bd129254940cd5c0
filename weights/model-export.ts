// A model as something to write out: its config, tensors that can produce rows (as f32, or as raw Q8_0
// blocks when the source already is Q8_0), and its tokenizer data. Sources are a loaded file's layout
// (convert) or the seeded random generator; writers are GGUF (gguf-convert.ts) and HF folders
// (hf-writer.ts). Q/K rows are re-ordered here when the target's RoPE convention differs.
import type { LlamaConfig, RopeStyle } from './config.js';
import { Q8_0_BYTES, Q8_0_BLOCK } from './ggml-types.js';
import { expectedTensors, type ModelLayout, type TokenizerSource } from './model-layout.js';
import { halfRowForInterleavedRow, interleavedRowForHalfRow } from './rope-permute.js';
import { TensorReader } from './tensor-read.js';
import type { ExtractionHints } from './extraction-hints.js';

export interface ExportTensor {
  name: string;
  shape: number[];
  /** Decodes rows [row0, row0 + n) into dst (length n * cols). */
  readRowsF32(row0: number, n: number, dst: Float32Array): void;
  /** Raw Q8_0 blocks of rows [row0, row0 + n), when the source stores Q8_0 (copied without requantizing). */
  readRowsQ8_0?(row0: number, n: number): Uint8Array;
}

export interface ExportModel {
  name: string;
  config: LlamaConfig;
  /** In GGUF order (expectedTensors). */
  tensors: ExportTensor[];
  tokenizerSource: TokenizerSource;
  /** Extraction settings to carry into the written file. */
  hints?: ExtractionHints;
}

export function exportFromLayout(layout: ModelLayout, name = layout.fileName): ExportModel {
  const reader = new TensorReader();
  const tensors = expectedTensors(layout.config).map(({ name: n }): ExportTensor => {
    const ref = layout.tensors.get(n)!;
    const cols = ref.shape[ref.shape.length - 1];
    const t: ExportTensor = { name: n, shape: ref.shape, readRowsF32: (r0, k, dst) => reader.readRowsF32(ref, r0, k, dst) };
    if (ref.encoding.kind === 'Q8_0') {
      t.readRowsQ8_0 = (r0, k) => ref.source.read(ref.offset + (r0 * cols / Q8_0_BLOCK) * Q8_0_BYTES, (k * cols / Q8_0_BLOCK) * Q8_0_BYTES).slice();
    }
    return t;
  });
  return { name, config: layout.config, tensors, tokenizerSource: layout.tokenizerSource, hints: layout.hints };
}

function permuted(t: ExportTensor, headDim: number, sourceRowFor: (r: number, headDim: number) => number): ExportTensor {
  const cols = t.shape[1];
  const out: ExportTensor = {
    name: t.name, shape: t.shape,
    readRowsF32(r0, n, dst) {
      for (let i = 0; i < n; i++) t.readRowsF32(sourceRowFor(r0 + i, headDim), 1, dst.subarray(i * cols, (i + 1) * cols));
    },
  };
  if (t.readRowsQ8_0) {
    const src = t.readRowsQ8_0.bind(t);
    const rowBytes = (cols / Q8_0_BLOCK) * Q8_0_BYTES;
    out.readRowsQ8_0 = (r0, n) => {
      const b = new Uint8Array(n * rowBytes);
      for (let i = 0; i < n; i++) b.set(src(sourceRowFor(r0 + i, headDim), 1), i * rowBytes);
      return b;
    };
  }
  return out;
}

/** The same model with Q/K rows ordered for `style` RoPE. */
export function withRopeStyle(model: ExportModel, style: RopeStyle): ExportModel {
  if (model.config.ropeStyle === style) return model;
  const map = style === 'interleaved' ? halfRowForInterleavedRow : interleavedRowForHalfRow;
  const tensors = model.tensors.map((t) => /\.attn_[qk]\.weight$/.test(t.name) ? permuted(t, model.config.headDim, map) : t);
  return { ...model, config: { ...model.config, ropeStyle: style }, tensors };
}

/** Rows per chunk so a chunk of f32 stays near 4 MiB. */
export function exportChunkRows(cols: number): number { return Math.max(1, Math.floor((4 << 20) / (cols * 4))); }
