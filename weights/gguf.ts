// GGUF reader (versions 2 and 3): header, typed key/value metadata and tensor directory. Tensor data is
// not read here; GgufTensorInfo says where each tensor lies so the loader can stream it into WebAssembly
// memory. Every count and length is checked against the file size before use, so a corrupt header gives
// a clear error instead of a huge allocation or a read past the end.
import { asByteSource, SourceCursor, WeightsFormatError, type ByteSource } from './byte-source.js';
import { GGML_TYPES } from './ggml-types.js';

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** GGUF metadata value types (gguf_type). */
export enum GgufValueType {
  UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
  STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
}

/** A metadata value: strings as JS strings, numbers as numbers (64-bit ints as bigint only when they do
 * not fit a double exactly), bools as booleans, arrays as plain arrays. */
export type GgufValue = string | number | bigint | boolean | GgufValue[];

/** The stored type of a metadata value, so a writer can reproduce it (arrays record their item type). */
export type GgufTypeTag = { type: Exclude<GgufValueType, GgufValueType.ARRAY> } |
  { type: GgufValueType.ARRAY; item: GgufTypeTag };

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the contiguous (innermost) dimension. */
  dims: number[];
  /** Row-major shape (dims reversed): [rows, cols] for a matrix. */
  shape: number[];
  /** ggml type id and name (e.g. 8, 'Q8_0'). */
  type: number;
  typeName: string;
  /** Offset relative to the start of the data section. */
  offset: number;
  /** Absolute offset in the file. */
  fileOffset: number;
  byteLength: number;
  nElements: number;
}

export interface GgufFile {
  version: number;
  metadata: Map<string, GgufValue>;
  /** The stored type of each metadata key (extension: lets convert copy metadata with its exact types). */
  metadataTypes: Map<string, GgufTypeTag>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute offset of the tensor data section. */
  dataOffset: number;
}

const SCALAR_BYTES: Partial<Record<GgufValueType, number>> = {
  [GgufValueType.UINT8]: 1, [GgufValueType.INT8]: 1, [GgufValueType.BOOL]: 1,
  [GgufValueType.UINT16]: 2, [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4, [GgufValueType.INT32]: 4, [GgufValueType.FLOAT32]: 4,
  [GgufValueType.UINT64]: 8, [GgufValueType.INT64]: 8, [GgufValueType.FLOAT64]: 8,
};

function count(c: SourceCursor, what: string, minBytesEach: number): number {
  const n = c.u64(what);
  if (typeof n === 'bigint' || n * minBytesEach > c.remaining) {
    throw new WeightsFormatError(c.name,
      `corrupt header: ${what} is ${n} but only ${c.remaining} bytes follow at byte ${c.pos}`);
  }
  return n;
}

function readString(c: SourceCursor, what: string): string {
  const len = count(c, `length of ${what}`, 1);
  return c.utf8(len, what);
}

function readScalar(c: SourceCursor, type: number, key: string): GgufValue {
  switch (type) {
    case GgufValueType.UINT8: return c.u8(key);
    case GgufValueType.INT8: return c.i8(key);
    case GgufValueType.UINT16: return c.u16(key);
    case GgufValueType.INT16: return c.i16(key);
    case GgufValueType.UINT32: return c.u32(key);
    case GgufValueType.INT32: return c.i32(key);
    case GgufValueType.FLOAT32: return c.f32(key);
    case GgufValueType.UINT64: return c.u64(key);
    case GgufValueType.INT64: return c.i64(key);
    case GgufValueType.FLOAT64: return c.f64(key);
    case GgufValueType.BOOL: {
      const b = c.u8(key);
      if (b > 1) throw new WeightsFormatError(c.name, `metadata '${key}': bool byte is ${b}, not 0 or 1`);
      return b === 1;
    }
    default: throw new WeightsFormatError(c.name, `metadata '${key}': unknown value type ${type}`);
  }
}

function readValue(c: SourceCursor, type: number, key: string): { value: GgufValue; tag: GgufTypeTag } {
  switch (type) {
    case GgufValueType.UINT8: return { value: c.u8(key), tag: { type } };
    case GgufValueType.INT8: return { value: c.i8(key), tag: { type } };
    case GgufValueType.UINT16: return { value: c.u16(key), tag: { type } };
    case GgufValueType.INT16: return { value: c.i16(key), tag: { type } };
    case GgufValueType.UINT32: return { value: c.u32(key), tag: { type } };
    case GgufValueType.INT32: return { value: c.i32(key), tag: { type } };
    case GgufValueType.FLOAT32: return { value: c.f32(key), tag: { type } };
    case GgufValueType.BOOL: {
      const b = c.u8(key);
      if (b > 1) throw new WeightsFormatError(c.name, `metadata '${key}': bool byte is ${b}, not 0 or 1`);
      return { value: b === 1, tag: { type } };
    }
    case GgufValueType.STRING: return { value: readString(c, `string value of '${key}'`), tag: { type } };
    case GgufValueType.UINT64: return { value: c.u64(key), tag: { type } };
    case GgufValueType.INT64: return { value: c.i64(key), tag: { type } };
    case GgufValueType.FLOAT64: return { value: c.f64(key), tag: { type } };
    case GgufValueType.ARRAY: {
      const itemType = c.u32(`array type of '${key}'`);
      const minBytes = itemType === GgufValueType.STRING ? 8 : itemType === GgufValueType.ARRAY ? 12 : SCALAR_BYTES[itemType as GgufValueType];
      if (minBytes === undefined) {
        throw new WeightsFormatError(c.name, `metadata '${key}': unknown array item type ${itemType}`);
      }
      const n = count(c, `length of array '${key}'`, minBytes);
      const out: GgufValue[] = new Array(n);
      if (itemType === GgufValueType.ARRAY) {
        let itemTag: GgufTypeTag = { type: GgufValueType.ARRAY, item: { type: GgufValueType.UINT8 } };
        for (let i = 0; i < n; i++) {
          const v = readValue(c, itemType, key);
          out[i] = v.value;
          itemTag = v.tag;
        }
        return { value: out, tag: { type: GgufValueType.ARRAY, item: itemTag } };
      }
      // Vocabulary arrays hold ~50k items: read them without a result object per item (less GC churn,
      // which otherwise grows the JS heap while a model loads).
      if (itemType === GgufValueType.STRING) {
        for (let i = 0; i < n; i++) out[i] = readString(c, `item ${i} of '${key}'`);
      } else {
        for (let i = 0; i < n; i++) out[i] = readScalar(c, itemType, key);
      }
      return { value: out, tag: { type: GgufValueType.ARRAY, item: { type: itemType } as GgufTypeTag } };
    }
    default:
      throw new WeightsFormatError(c.name, `metadata '${key}': unknown value type ${type}`);
  }
}

/** Parses a GGUF file's header, metadata and tensor directory (not the tensor data). */
export function parseGguf(bytes: Uint8Array | ArrayBuffer | ByteSource, fileName: string): GgufFile {
  const source = asByteSource(bytes, fileName);
  const name = fileName || source.name;
  const fail = (problem: string): never => { throw new WeightsFormatError(name, problem); };
  if (source.size < 4) fail(`truncated file: ${source.size} bytes is too short for a GGUF header`);
  const c = new SourceCursor(source, 0, name);
  const magic = c.u32('magic');
  if (magic !== GGUF_MAGIC) {
    const text = String.fromCharCode(magic & 0xff, (magic >>> 8) & 0xff, (magic >>> 16) & 0xff, magic >>> 24)
      .replace(/[^\x20-\x7e]/g, '?');
    fail(`not a GGUF file: wrong magic 0x${magic.toString(16).padStart(8, '0')} ('${text}'), expected 'GGUF'`);
  }
  const version = c.u32('version');
  if (version === 1) fail('GGUF version 1 is not supported (only versions 2 and 3); re-convert the model with a current llama.cpp');
  if (version !== 2 && version !== 3) {
    fail(`unsupported GGUF version ${version}` + (version > 0xffff ? ' (a big-endian GGUF file? only little-endian is supported)' : ' (only 2 and 3)'));
  }
  // A tensor-info entry is at least 8 (name length) + 4 (n_dims) + 4 (type) + 8 (offset) bytes; a key/value
  // pair at least 8 + 4 + 1.
  const tensorCount = count(c, 'tensor count', 24);
  const kvCount = count(c, 'metadata key/value count', 13);

  const metadata = new Map<string, GgufValue>();
  const metadataTypes = new Map<string, GgufTypeTag>();
  for (let i = 0; i < kvCount; i++) {
    const key = readString(c, `metadata key #${i}`);
    const type = c.u32(`value type of '${key}'`);
    const { value, tag } = readValue(c, type, key);
    metadata.set(key, value);
    metadataTypes.set(key, tag);
  }

  let alignment = GGUF_DEFAULT_ALIGNMENT;
  if (metadata.has('general.alignment')) {
    const a = metadata.get('general.alignment');
    if (typeof a !== 'number' || a <= 0 || (a & (a - 1)) !== 0) fail(`general.alignment is ${String(a)}, not a power of two`);
    alignment = a as number;
  }

  const tensors: GgufTensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const tname = readString(c, `name of tensor #${i}`);
    const nDims = c.u32(`dimension count of tensor '${tname}'`);
    if (nDims < 1 || nDims > 4) fail(`tensor '${tname}' has ${nDims} dimensions (expected 1 to 4)`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) {
      const n = c.u64(`dimension ${d} of tensor '${tname}'`);
      if (typeof n === 'bigint' || n < 1) fail(`tensor '${tname}' has an invalid dimension ${n}`);
      dims.push(n as number);
    }
    const type = c.u32(`type of tensor '${tname}'`);
    const info = GGML_TYPES.get(type);
    if (!info) fail(`tensor '${tname}' has unknown tensor type ${type}`);
    const offset = c.u64(`offset of tensor '${tname}'`);
    if (typeof offset === 'bigint') fail(`tensor '${tname}' has an offset ${offset} past any file size`);
    const nElements = dims.reduce((a, b) => a * b, 1);
    if (dims[0] % info!.blockSize !== 0) {
      fail(`tensor '${tname}' (${info!.name}) has a row of ${dims[0]} values, not a multiple of its block size ${info!.blockSize}`);
    }
    if ((offset as number) % alignment !== 0) fail(`tensor '${tname}' offset ${offset} is not aligned to ${alignment}`);
    if (names.has(tname)) fail(`tensor '${tname}' appears twice`);
    names.add(tname);
    tensors.push({
      name: tname, dims, shape: [...dims].reverse(), type, typeName: info!.name,
      offset: offset as number, fileOffset: 0, byteLength: (nElements / info!.blockSize) * info!.typeSize, nElements,
    });
  }
  const dataOffset = Math.ceil(c.pos / alignment) * alignment;
  for (const t of tensors) {
    t.fileOffset = dataOffset + t.offset;
    if (t.fileOffset + t.byteLength > source.size) {
      fail(`header claims more bytes than the file holds: tensor '${t.name}' (${t.typeName} [${t.shape.join(', ')}]) ` +
        `spans bytes ${t.fileOffset}..${t.fileOffset + t.byteLength} but the file has ${source.size} bytes (truncated?)`);
    }
  }
  // Overlapping tensors mean a wrong type or offset in the directory (a Q8_0 tensor relabelled F32 spans
  // four times the bytes and reads its neighbours' data as floats).
  const byStart = [...tensors].sort((a, b) => a.fileOffset - b.fileOffset);
  for (let i = 1; i < byStart.length; i++) {
    const prev = byStart[i - 1], t = byStart[i];
    if (prev.fileOffset + prev.byteLength > t.fileOffset) {
      fail(`tensor '${prev.name}' (${prev.typeName} [${prev.shape.join(', ')}], ${prev.byteLength} bytes from offset ${prev.offset}) ` +
        `overlaps tensor '${t.name}' at offset ${t.offset}: a wrong type or offset in the tensor directory`);
    }
  }
  return { version, metadata, metadataTypes, tensors, alignment, dataOffset };
}
