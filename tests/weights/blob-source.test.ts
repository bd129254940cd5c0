// BlobSource wiring: ranges of a Blob read through FileReaderSync (provided here by a stand-in that reads
// the Blob's bytes synchronously, since Node has no FileReaderSync) load the same model as the bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { Kernels } from '../../kernels/kernels.js';
import { BlobSource, canReadBlobsSync } from '../../weights/blob-source.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { loadWeights, modelSourceFromBytes } from '../../weights/load.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import { expectSameF32, placedTensors } from './helpers.js';

/** Stand-in FileReaderSync: knows the bytes behind each Blob made by `blobOf`. */
const backing = new WeakMap<Blob, Uint8Array>();
function blobOf(bytes: Uint8Array): Blob { const b = new Blob([bytes as BlobPart]); backing.set(b, bytes); return b; }
class FakeFileReaderSync {
  static reads = 0;
  readAsArrayBuffer(blob: Blob): ArrayBuffer {
    FakeFileReaderSync.reads++;
    const src = backing.get(blob)!;
    return src.slice().buffer;
  }
}
const realSlice = Blob.prototype.slice;

afterEach(() => { delete (globalThis as Record<string, unknown>).FileReaderSync; Blob.prototype.slice = realSlice; });

describe('BlobSource', () => {
  it('refuses clearly without FileReaderSync (main thread)', () => {
    expect(canReadBlobsSync()).toBe(false);
    expect(() => new BlobSource(new Blob([]), 'm.gguf')).toThrow(/m\.gguf: BlobSource needs FileReaderSync/);
  });

  it('loads a GGUF from ranged reads of a Blob, equal to loading its bytes', async () => {
    const sink = new MemorySink();
    writeModelGguf(randomModel({ config: TINY, seed: 4 }), sink, 'f32');
    const bytes = sink.bytes();
    (globalThis as Record<string, unknown>).FileReaderSync = FakeFileReaderSync;
    // Blob.slice in Node returns a Blob we cannot read synchronously; record the range it stands for.
    Blob.prototype.slice = function (this: Blob, start?: number, end?: number) {
      const b = realSlice.call(this, start, end);
      backing.set(b, backing.get(this)!.subarray(start ?? 0, end ?? this.size));
      return b;
    };
    const blob = blobOf(bytes);
    const k1 = await Kernels.create(), k2 = await Kernels.create();
    const a = await loadWeights({ kind: 'gguf', file: new BlobSource(blob, 'tiny.gguf') }, k1, { dtype: 'f32' });
    const b = await loadWeights(modelSourceFromBytes(bytes, 'tiny.gguf'), k2, { dtype: 'f32' });
    const ta = placedTensors(k1, a.weights), tb = placedTensors(k2, b.weights);
    for (const [n, v] of tb) expectSameF32(ta.get(n), v, n);
    expect(FakeFileReaderSync.reads).toBeGreaterThan(10);
    expect(() => new BlobSource(blob, 'tiny.gguf').read(bytes.length - 4, 8)).toThrow(/tiny\.gguf: truncated file/);
  });
});
