// Turns the files a user picked or dropped into a model source: a GGUF file; a llama2.c checkpoint with its
// tokenizer.bin; or a Hugging Face folder (config.json + *.safetensors [+ index] + tokenizer.json).
// In the worker the files are read range by range (BlobSource over FileReaderSync), so a model streams into
// WebAssembly memory without a whole-file copy in the JS heap; elsewhere they are read whole.
import { BlobSource, MemorySource, WeightsFormatError, type ByteSource, type ModelSource } from '../index.js';
import type { PickedFile } from './protocol.js';

export interface PickedModel { source: ModelSource; name: string; format: string; bytes: number }

const isTokenizerBin = (name: string) => /^(tokenizer|tok\d*)(\.[\w-]+)?\.bin$/i.test(name) || /tokenizer.*\.bin$/i.test(name);

export async function sourceFromPicked(files: PickedFile[]): Promise<PickedModel> {
  if (files.length === 0) throw new Error('no files picked');
  const open = async (f: PickedFile, name = f.name): Promise<ByteSource> =>
    typeof (globalThis as { FileReaderSync?: unknown }).FileReaderSync === 'function' ? new BlobSource(f.file, name) : new MemorySource(new Uint8Array(await f.file.arrayBuffer()), name);
  const total = (fs: PickedFile[]) => fs.reduce((n, f) => n + f.file.size, 0);

  const config = files.find((f) => f.name === 'config.json');
  if (config) {
    // An HF folder: keep only what the reader looks at (JSON and safetensors), keyed by file name.
    const wanted = files.filter((f) => /\.(json|safetensors)$/i.test(f.name));
    const map = new Map<string, ByteSource>();
    for (const f of wanted) map.set(f.name, await open(f, f.path));
    const folder = config.path.includes('/') ? config.path.slice(0, config.path.lastIndexOf('/')) : 'model';
    return { source: { kind: 'hf', name: folder, files: map }, name: folder, format: 'Hugging Face folder', bytes: total(wanted) };
  }

  const gguf = files.filter((f) => /\.gguf$/i.test(f.name)).sort((a, b) => b.file.size - a.file.size)[0];
  if (gguf) {
    return { source: { kind: 'gguf', file: await open(gguf) }, name: gguf.name, format: 'GGUF', bytes: gguf.file.size };
  }

  // llama2.c: the checkpoint and (optionally) its tokenizer.bin; with two unnamed .bin files the smaller
  // one is taken as the tokenizer.
  const bins = files.filter((f) => /\.bin$/i.test(f.name)).sort((a, b) => b.file.size - a.file.size);
  if (bins.length === 0) {
    throw new Error(`no model among ${files.map((f) => f.name).join(', ')}: pick a .gguf file, a llama2.c .bin (with tokenizer.bin) or a folder with config.json`);
  }
  const tokenizer = bins.find((f) => isTokenizerBin(f.name)) ?? (bins.length > 1 ? bins[bins.length - 1] : undefined);
  const model = bins.find((f) => f !== tokenizer);
  if (!model) throw new Error(`${tokenizer?.name} looks like a tokenizer; pick the model .bin as well`);
  const file = await open(model);
  if (file.size < 4) throw new WeightsFormatError(model.name, `truncated file: ${file.size} bytes`);
  const head = file.read(0, 4);
  const isGguf = head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46; // "GGUF"
  const source: ModelSource = isGguf ? { kind: 'gguf', file }
    : { kind: 'llama2c', file, tokenizer: tokenizer ? await open(tokenizer) : undefined };
  return { source, name: model.name, format: isGguf ? 'GGUF' : 'llama2.c', bytes: model.file.size };
}
