// GGUF v3 writer: typed key/values, the tensor directory, then each tensor's data aligned to
// general.alignment (32). Tensor data is pulled chunk by chunk from the caller, so a large model streams
// to disk without being assembled in memory. Core code: it writes to a ByteSink (a file in Node, an
// in-memory collector in browsers or tests).
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufValueType, type GgufTypeTag, type GgufValue } from './gguf.js';
import { GGML_TYPES } from './ggml-types.js';

export interface ByteSink { write(bytes: Uint8Array): void }

/** Collects everything written (tests, browsers). */
export class MemorySink implements ByteSink {
  private parts: Uint8Array[] = [];
  length = 0;
  write(bytes: Uint8Array): void { this.parts.push(bytes.slice()); this.length += bytes.length; }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

export interface GgufKv { key: string; tag: GgufTypeTag; value: GgufValue }

export interface GgufTensorToWrite {
  name: string;
  /** Row-major shape ([rows, cols] or [n]); written reversed as ggml dims. */
  shape: number[];
  /** ggml type id (F32 0, F16 1, Q8_0 8, BF16 30). */
  type: number;
  /** Emits exactly the tensor's bytes, in order, through `emit`. */
  write(emit: (bytes: Uint8Array) => void): void;
}

export const kv = {
  string: (key: string, value: string): GgufKv => ({ key, tag: { type: GgufValueType.STRING }, value }),
  u32: (key: string, value: number): GgufKv => ({ key, tag: { type: GgufValueType.UINT32 }, value }),
  i32: (key: string, value: number): GgufKv => ({ key, tag: { type: GgufValueType.INT32 }, value }),
  f32: (key: string, value: number): GgufKv => ({ key, tag: { type: GgufValueType.FLOAT32 }, value }),
  bool: (key: string, value: boolean): GgufKv => ({ key, tag: { type: GgufValueType.BOOL }, value }),
  strings: (key: string, value: string[]): GgufKv => ({ key, tag: { type: GgufValueType.ARRAY, item: { type: GgufValueType.STRING } }, value }),
  f32s: (key: string, value: number[]): GgufKv => ({ key, tag: { type: GgufValueType.ARRAY, item: { type: GgufValueType.FLOAT32 } }, value }),
  i32s: (key: string, value: number[]): GgufKv => ({ key, tag: { type: GgufValueType.ARRAY, item: { type: GgufValueType.INT32 } }, value }),
};

const encoder = new TextEncoder();

/** Little-endian serialization of the header part (small values), growing as needed. */
class HeaderBuffer {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private room(n: number) {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number) { this.room(1); this.view.setUint8(this.length, v); this.length += 1; }
  i8(v: number) { this.room(1); this.view.setInt8(this.length, v); this.length += 1; }
  u16(v: number) { this.room(2); this.view.setUint16(this.length, v, true); this.length += 2; }
  i16(v: number) { this.room(2); this.view.setInt16(this.length, v, true); this.length += 2; }
  u32(v: number) { this.room(4); this.view.setUint32(this.length, v, true); this.length += 4; }
  i32(v: number) { this.room(4); this.view.setInt32(this.length, v, true); this.length += 4; }
  f32(v: number) { this.room(4); this.view.setFloat32(this.length, v, true); this.length += 4; }
  f64(v: number) { this.room(8); this.view.setFloat64(this.length, v, true); this.length += 8; }
  u64(v: number | bigint) { this.room(8); this.view.setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  i64(v: number | bigint) { this.room(8); this.view.setBigInt64(this.length, BigInt(v), true); this.length += 8; }
  string(s: string) { const b = encoder.encode(s); this.u64(b.length); this.room(b.length); this.buf.set(b, this.length); this.length += b.length; }
  pad(alignment: number) { while (this.length % alignment) this.u8(0); }
  bytes() { return this.buf.subarray(0, this.length); }
}

function writeValue(h: HeaderBuffer, tag: GgufTypeTag, value: GgufValue, key: string): void {
  const bad = () => new Error(`gguf-writer: value of '${key}' does not match its type ${GgufValueType[tag.type]}`);
  switch (tag.type) {
    case GgufValueType.UINT8: return h.u8(value as number);
    case GgufValueType.INT8: return h.i8(value as number);
    case GgufValueType.UINT16: return h.u16(value as number);
    case GgufValueType.INT16: return h.i16(value as number);
    case GgufValueType.UINT32: return h.u32(value as number);
    case GgufValueType.INT32: return h.i32(value as number);
    case GgufValueType.FLOAT32: return h.f32(value as number);
    case GgufValueType.FLOAT64: return h.f64(value as number);
    case GgufValueType.UINT64: return h.u64(value as number | bigint);
    case GgufValueType.INT64: return h.i64(value as number | bigint);
    case GgufValueType.BOOL: if (typeof value !== 'boolean') throw bad(); return h.u8(value ? 1 : 0);
    case GgufValueType.STRING: if (typeof value !== 'string') throw bad(); return h.string(value);
    case GgufValueType.ARRAY: {
      if (!Array.isArray(value)) throw bad();
      h.u32(tag.item.type);
      h.u64(value.length);
      for (const v of value) writeValue(h, tag.item, v, key);
      return;
    }
  }
}

function tensorBytes(t: GgufTensorToWrite): number {
  const info = GGML_TYPES.get(t.type);
  if (!info) throw new Error(`gguf-writer: unknown ggml type ${t.type} for ${t.name}`);
  const n = t.shape.reduce((a, b) => a * b, 1);
  const cols = t.shape[t.shape.length - 1];
  if (cols % info.blockSize) throw new Error(`gguf-writer: ${t.name} row of ${cols} is not a multiple of ${info.name}'s block ${info.blockSize}`);
  return (n / info.blockSize) * info.typeSize;
}

/** Writes a GGUF v3 file; returns its size in bytes. */
export function writeGguf(sink: ByteSink, kvs: GgufKv[], tensors: GgufTensorToWrite[], alignment = GGUF_DEFAULT_ALIGNMENT): number {
  const h = new HeaderBuffer();
  h.u32(GGUF_MAGIC);
  h.u32(3);
  h.u64(tensors.length);
  const allKvs = alignment === GGUF_DEFAULT_ALIGNMENT || kvs.some((k) => k.key === 'general.alignment') ? kvs : [...kvs, kv.u32('general.alignment', alignment)];
  h.u64(allKvs.length);
  for (const k of allKvs) {
    h.string(k.key);
    h.u32(k.tag.type);
    writeValue(h, k.tag, k.value, k.key);
  }
  const sizes = tensors.map(tensorBytes);
  let offset = 0;
  tensors.forEach((t, i) => {
    h.string(t.name);
    h.u32(t.shape.length);
    for (let d = t.shape.length - 1; d >= 0; d--) h.u64(t.shape[d]);
    h.u32(t.type);
    h.u64(offset);
    offset += Math.ceil(sizes[i] / alignment) * alignment;
  });
  h.pad(alignment);
  sink.write(h.bytes());
  let total = h.length;
  const zeros = new Uint8Array(alignment);
  tensors.forEach((t, i) => {
    let written = 0;
    t.write((b) => { written += b.length; sink.write(b); });
    if (written !== sizes[i]) throw new Error(`gguf-writer: tensor ${t.name} wrote ${written} bytes, expected ${sizes[i]}`);
    const pad = Math.ceil(written / alignment) * alignment - written;
    if (pad) sink.write(zeros.subarray(0, pad));
    total += written + pad;
  });
  return total;
}
