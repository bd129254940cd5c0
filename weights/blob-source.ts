// A ByteSource over a Blob / File in a Web Worker: FileReaderSync reads just the requested range, so a
// model picked from disk (or fetched with Response.blob(), which browsers may keep out of the JS heap)
// streams into WebAssembly memory without a second whole-file copy. FileReaderSync exists only in workers;
// on the main thread read the file into an ArrayBuffer instead (MemorySource).
import { checkRange, type ByteSource } from './byte-source.js';

interface FileReaderSyncLike { readAsArrayBuffer(blob: Blob): ArrayBuffer }

export function canReadBlobsSync(): boolean {
  return typeof (globalThis as { FileReaderSync?: unknown }).FileReaderSync === 'function';
}

export class BlobSource implements ByteSource {
  private reader: FileReaderSyncLike;

  constructor(readonly blob: Blob, readonly name: string) {
    const Reader = (globalThis as { FileReaderSync?: new () => FileReaderSyncLike }).FileReaderSync;
    if (!Reader) throw new Error(`${name}: BlobSource needs FileReaderSync (a Web Worker); on the main thread use the file's ArrayBuffer`);
    this.reader = new Reader();
  }

  get size(): number { return this.blob.size; }

  read(offset: number, length: number, into?: Uint8Array): Uint8Array {
    checkRange(this, offset, length);
    const bytes = new Uint8Array(this.reader.readAsArrayBuffer(this.blob.slice(offset, offset + length)));
    if (bytes.length !== length) throw new Error(`${this.name}: read ${bytes.length} of ${length} bytes at ${offset}`);
    if (!into) return bytes;
    into.set(bytes);
    return into.subarray(0, length);
  }
}
