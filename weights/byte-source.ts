// A file's bytes without holding them all: parsers ask for ranges. In browsers the source wraps an
// ArrayBuffer (fetch / File); in Node it wraps a file descriptor (weights/node-files.ts) so a 145 MB
// model streams into WebAssembly memory one tensor at a time instead of sitting in the JS heap first.

export interface ByteSource {
  /** The file name, for error messages. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset` into `into` (or a fresh array) and returns them.
   * Throws WeightsFormatError if the range runs past the end. */
  read(offset: number, length: number, into?: Uint8Array): Uint8Array;
}

/** A problem with a model file; the message always starts with the file's name. */
export class WeightsFormatError extends Error {
  constructor(readonly fileName: string, readonly problem: string) {
    super(`${fileName}: ${problem}`);
    this.name = 'WeightsFormatError';
  }
}

export function checkRange(source: { name: string; size: number }, offset: number, length: number, what = 'data'): void {
  if (!(offset >= 0) || !(length >= 0) || offset + length > source.size) {
    throw new WeightsFormatError(source.name,
      `truncated file: ${what} needs bytes ${offset}..${offset + length} but the file holds ${source.size} bytes`);
  }
}

/** A ByteSource over bytes already in memory (ArrayBuffer, Uint8Array). */
export class MemorySource implements ByteSource {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array | ArrayBuffer, readonly name: string) {
    this.bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  }
  get size(): number { return this.bytes.length; }
  read(offset: number, length: number, into?: Uint8Array): Uint8Array {
    checkRange(this, offset, length);
    const view = this.bytes.subarray(offset, offset + length);
    if (!into) return view;
    into.set(view);
    return into.subarray(0, length);
  }
}

export function asByteSource(bytes: Uint8Array | ArrayBuffer | ByteSource, name: string): ByteSource {
  if (bytes instanceof Uint8Array || bytes instanceof ArrayBuffer) return new MemorySource(bytes, name);
  return bytes;
}

/** Sequential little-endian reading through a ByteSource with a sliding window, for headers whose size is
 * not known up front (GGUF metadata can hold megabytes of vocabulary strings). */
export class SourceCursor {
  pos: number;
  private window: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.window.buffer);
  private windowStart = 0;
  private buffer: Uint8Array = new Uint8Array(0);
  private static readonly CHUNK = 1 << 20;
  private static readonly utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }) // keep a leading U+FEFF: it can be a token;

  readonly name: string;
  constructor(readonly source: ByteSource, start = 0, name?: string) { this.pos = start; this.name = name ?? source.name; }

  /** Makes bytes [pos, pos+n) available in the window and returns their index in it. */
  private ensure(n: number, what: string): number {
    const rel = this.pos - this.windowStart;
    if (rel >= 0 && rel + n <= this.window.length) return rel;
    if (this.pos + n > this.source.size) {
      throw new WeightsFormatError(this.name,
        `truncated file: ${what} at byte ${this.pos} needs ${n} bytes but the file holds ${this.source.size}`);
    }
    const len = Math.min(Math.max(n, SourceCursor.CHUNK), this.source.size - this.pos);
    // Reuse one buffer for the window (the source may return a view of its own memory, so copy into ours).
    if (this.buffer.length < len) this.buffer = new Uint8Array(Math.max(len, SourceCursor.CHUNK));
    this.window = this.source.read(this.pos, len, this.buffer);
    this.view = new DataView(this.window.buffer, this.window.byteOffset, this.window.byteLength);
    this.windowStart = this.pos;
    return 0;
  }

  get remaining(): number { return this.source.size - this.pos; }

  u8(what = 'u8'): number { const i = this.ensure(1, what); this.pos += 1; return this.window[i]; }
  i8(what = 'i8'): number { const i = this.ensure(1, what); this.pos += 1; return this.view.getInt8(i); }
  u16(what = 'u16'): number { const i = this.ensure(2, what); this.pos += 2; return this.view.getUint16(i, true); }
  i16(what = 'i16'): number { const i = this.ensure(2, what); this.pos += 2; return this.view.getInt16(i, true); }
  u32(what = 'u32'): number { const i = this.ensure(4, what); this.pos += 4; return this.view.getUint32(i, true); }
  i32(what = 'i32'): number { const i = this.ensure(4, what); this.pos += 4; return this.view.getInt32(i, true); }
  f32(what = 'f32'): number { const i = this.ensure(4, what); this.pos += 4; return this.view.getFloat32(i, true); }
  f64(what = 'f64'): number { const i = this.ensure(8, what); this.pos += 8; return this.view.getFloat64(i, true); }
  u64(what = 'u64'): number | bigint {
    const i = this.ensure(8, what); this.pos += 8;
    const v = this.view.getBigUint64(i, true);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  i64(what = 'i64'): number | bigint {
    const i = this.ensure(8, what); this.pos += 8;
    const v = this.view.getBigInt64(i, true);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }
  bytes(n: number, what = 'bytes'): Uint8Array {
    const i = this.ensure(n, what); this.pos += n;
    return this.window.subarray(i, i + n);
  }
  utf8(n: number, what = 'string'): string {
    return SourceCursor.utf8.decode(this.bytes(n, what));
  }
  skip(n: number, what = 'data'): void {
    if (this.pos + n > this.source.size) {
      throw new WeightsFormatError(this.name,
        `truncated file: ${what} at byte ${this.pos} needs ${n} bytes but the file holds ${this.source.size}`);
    }
    this.pos += n;
  }
}

