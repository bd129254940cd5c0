// safetensors: u64 little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, then
// the data. Only the header is read here; offsets are checked against the file size.
import { SourceCursor, WeightsFormatError, type ByteSource } from './byte-source.js';

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute offset of the data in the file. */
  fileOffset: number;
  byteLength: number;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
  dataOffset: number;
}

export const SAFETENSORS_DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, U16: 2, U32: 4, U64: 8,
  F8_E4M3: 1, F8_E5M2: 1,
};

export function parseSafetensors(source: ByteSource): SafetensorsFile {
  const fail = (p: string): never => { throw new WeightsFormatError(source.name, p); };
  if (source.size < 8) fail(`truncated file: ${source.size} bytes is too short for a safetensors header`);
  const c = new SourceCursor(source);
  const n = c.u64('header length');
  if (typeof n === 'bigint' || n > source.size - 8) {
    fail(`header claims more bytes than the file holds: header length ${n}, file size ${source.size} (not a safetensors file, or truncated)`);
  }
  let header: Record<string, any>;
  try {
    header = JSON.parse(c.utf8(n as number, 'header'));
  } catch (e) {
    return fail(`not a safetensors file: header is not JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('not a safetensors file: header is not a JSON object');
  const dataOffset = 8 + (n as number);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const size = SAFETENSORS_DTYPE_BYTES[v?.dtype];
    if (size === undefined) fail(`tensor ${name} has unknown dtype ${JSON.stringify(v?.dtype)}`);
    const shape = v.shape;
    if (!Array.isArray(shape) || shape.some((d: unknown) => !Number.isInteger(d) || (d as number) < 0)) fail(`tensor ${name} has an invalid shape ${JSON.stringify(shape)}`);
    const offs = v.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !Number.isInteger(offs[0]) || !Number.isInteger(offs[1]) || offs[0] < 0 || offs[1] < offs[0]) {
      fail(`tensor ${name} has invalid data_offsets ${JSON.stringify(offs)}`);
    }
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    if (offs[1] - offs[0] !== numel * size!) {
      fail(`tensor ${name}: data_offsets span ${offs[1] - offs[0]} bytes but ${v.dtype} [${shape.join(', ')}] needs ${numel * size!}`);
    }
    if (dataOffset + offs[1] > source.size) {
      fail(`header claims more bytes than the file holds: tensor ${name} ends at byte ${dataOffset + offs[1]} but the file has ${source.size} (truncated?)`);
    }
    tensors.set(name, { name, dtype: v.dtype, shape, fileOffset: dataOffset + offs[0], byteLength: offs[1] - offs[0] });
  }
  return { tensors, metadata: (header as Record<string, any>).__metadata__ ?? {}, dataOffset };
}
