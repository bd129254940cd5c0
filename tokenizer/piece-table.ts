// Every token's exact bytes, packed into one buffer. Held as one Uint8Array per token, a 49k vocabulary
// costs ~190 bytes of JS heap per token (the typed-array object, its buffer object and a small backing
// store: ~9 MiB); packed, it costs its bytes plus 8 per token (well under 1 MiB). tokenBytes hands out
// views into the buffer.

export class PieceTable {
  /** @param bytes every token's bytes; token `id` is bytes[starts[id] .. starts[id] + lengths[id]). */
  constructor(private readonly bytes: Uint8Array, private readonly starts: Uint32Array, private readonly lengths: Uint32Array) {}

  /** Number of tokens. */
  get size(): number { return this.starts.length; }

  /** Whether `id` is an id of this table (an integer in 0..size-1). */
  has(id: number): boolean { return Number.isInteger(id) && id >= 0 && id < this.starts.length; }

  /** Token `id`'s bytes: a view into the table (do not modify). `id` must satisfy has(id). */
  get(id: number): Uint8Array {
    const start = this.starts[id];
    return this.bytes.subarray(start, start + this.lengths[id]);
  }
}

const UTF8 = new TextEncoder();

/** Collects pieces by id, in any order (a later set of the same id replaces the earlier one), then packs
 * them. The pieces handed to set() are copied, so they can be short-lived. */
export class PieceTableBuilder {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private readonly starts: Uint32Array;
  private readonly lengths: Uint32Array;
  private readonly present: Uint8Array;

  constructor(readonly size: number) {
    this.starts = new Uint32Array(size);
    this.lengths = new Uint32Array(size);
    this.present = new Uint8Array(size);
  }

  has(id: number): boolean { return this.present[id] === 1; }

  set(id: number, piece: Uint8Array): void {
    if (!(Number.isInteger(id) && id >= 0 && id < this.size)) throw new RangeError(`token id ${id} is outside the vocabulary (size ${this.size})`);
    this.reserve(piece.length);
    this.bytes.set(piece, this.used);
    this.starts[id] = this.used;
    this.lengths[id] = piece.length;
    this.present[id] = 1;
    this.used += piece.length;
  }

  /** Sets token `id` to the UTF-8 bytes of `text`. */
  setText(id: number, text: string): void {
    this.set(id, UTF8.encode(text));
  }

  private reserve(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + n));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }

  /** The packed table. Every id must have been set. */
  build(): PieceTable {
    const missing = this.present.indexOf(0);
    if (missing >= 0) throw new Error(`token id ${missing} has no bytes`);
    return new PieceTable(this.bytes.slice(0, this.used), this.starts, this.lengths);
  }
}
