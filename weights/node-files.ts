// Node-only: model sources over files. A FileSource reads ranges with fs.readSync straight into the
// destination (often a view of WebAssembly memory), so a model is never held whole in the JS heap.
import { closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkRange, WeightsFormatError, type ByteSource } from './byte-source.js';
import type { ModelSource } from './load.js';
import type { OutputFile } from './hf-writer.js';

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | undefined;

  constructor(readonly path: string, readonly name = path) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw new WeightsFormatError(name, `cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    this.size = fstatSync(this.fd).size;
  }

  read(offset: number, length: number, into?: Uint8Array): Uint8Array {
    checkRange(this, offset, length);
    if (this.fd === undefined) throw new Error(`${this.name}: read after close`);
    const out = into ? into.subarray(0, length) : new Uint8Array(length);
    let done = 0;
    while (done < length) {
      // readSync takes at most 2 GiB per call.
      const n = readSync(this.fd, out, done, Math.min(length - done, 1 << 30), offset + done);
      if (n === 0) throw new WeightsFormatError(this.name, `truncated file: read ended at byte ${offset + done}`);
      done += n;
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The files a ModelSource holds open (close them once loaded). */
export function sourceFiles(source: ModelSource): ByteSource[] {
  if (source.kind === 'hf') return [...source.files.values()];
  return source.kind === 'llama2c' && source.tokenizer ? [source.file, source.tokenizer] : [source.file];
}

export function closeModelSource(source: ModelSource): void {
  for (const f of sourceFiles(source)) if (f instanceof FileSource) f.close();
}

/** Opens a model by path: a folder with config.json (HF), a file starting with 'GGUF', or else a
 * llama2.c checkpoint (with the optional tokenizer.bin path). */
export function readModelSource(path: string, tokenizerPath?: string): ModelSource {
  let st;
  try { st = statSync(path); } catch (e) {
    throw new WeightsFormatError(path, `cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (st.isDirectory()) {
    const names = readdirSync(path).filter((f) => /\.(json|safetensors)$/.test(f));
    if (!names.includes('config.json')) throw new WeightsFormatError(path, 'not a Hugging Face model folder: no config.json');
    const files = new Map<string, ByteSource>();
    for (const f of names) files.set(f, new FileSource(join(path, f)));
    return { kind: 'hf', name: path, files };
  }
  const file = new FileSource(path);
  const head = file.size >= 4 ? file.read(0, 4) : new Uint8Array(0);
  if (head.length === 4 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46) return { kind: 'gguf', file };
  if (file.size < 28) {
    file.close();
    throw new WeightsFormatError(path, `not a model file: ${file.size} bytes, no GGUF magic, too short for llama2.c`);
  }
  return { kind: 'llama2c', file, tokenizer: tokenizerPath ? new FileSource(tokenizerPath, tokenizerPath) : undefined };
}


/** A ByteSink writing sequentially to a file. */
export class FileSink {
  private fd: number;
  written = 0;
  constructor(readonly path: string) { this.fd = openSync(path, 'w'); }
  write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.written += bytes.length;
  }
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Writes output files (an HF folder, say) into `dir`, creating it. Each file is written whole to a
 * temporary folder beside `dir` first and then renamed into place, so a failure midway (a full disk, a
 * bad input found late) never leaves a truncated file where a good one was. */
export function writeFilesToDir(dir: string, files: OutputFile[]): void {
  mkdirSync(dir, { recursive: true });
  const staging = mkdtempSync(join(dirname(resolve(dir)), `.${basename(resolve(dir))}.partial-`));
  try {
    for (const f of files) {
      const sink = new FileSink(join(staging, f.name));
      try { f.write(sink); } finally { sink.close(); }
    }
    for (const f of files) renameSync(join(staging, f.name), join(dir, f.name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Runs `write` against a file sink on a temporary file beside `path`, renamed to `path` once complete:
 * `path` is never truncated before the new content is whole (it may be the very file being read). */
export function writeToFile<T>(path: string, write: (sink: FileSink) => T): T {
  const partial = join(dirname(resolve(path)), `.${basename(path)}.partial-${process.pid}`);
  const sink = new FileSink(partial);
  try {
    const result = write(sink);
    sink.close();
    renameSync(partial, path);
    return result;
  } catch (e) {
    sink.close();
    rmSync(partial, { force: true });
    throw e;
  }
}
