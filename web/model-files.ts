// Turns the files a user picked or dropped into a model source: a GGUF file; a llama2.c checkpoint with its
// tokenizer.bin; or a Hugging Face folder (config.json + *.safetensors [+ index] + tokenizer.json).
import { MemorySource, type ByteSource } from '../weights/byte-source.js';
import { modelSourceFromBytes, type ModelSource } from '../weights/load.js';
import type { PickedFile } from './protocol.js';

export interface PickedModel { source: ModelSource; name: string; format: string; bytes: number }

const isTokenizerBin = (name: string) => /^(tokenizer|tok\d*)(\.[\w-]+)?\.bin$/i.test(name) || /tokenizer.*\.bin$/i.test(name);

export async function sourceFromPicked(files: PickedFile[]): Promise<PickedModel> {
  if (files.length === 0) throw new Error('no files picked');
  const read = async (f: PickedFile) => new Uint8Array(await f.file.arrayBuffer());
  const total = (fs: PickedFile[]) => fs.reduce((n, f) => n + f.file.size, 0);

  const config = files.find((f) => f.name === 'config.json');
  if (config) {
    // An HF folder: keep only what the reader looks at (JSON and safetensors), keyed by file name.
    const wanted = files.filter((f) => /\.(json|safetensors)$/i.test(f.name));
    const map = new Map<string, ByteSource>();
    for (const f of wanted) map.set(f.name, new MemorySource(await read(f), f.path));
    const folder = config.path.includes('/') ? config.path.slice(0, config.path.lastIndexOf('/')) : 'model';
    return { source: { kind: 'hf', name: folder, files: map }, name: folder, format: 'Hugging Face folder', bytes: total(wanted) };
  }

  const gguf = files.filter((f) => /\.gguf$/i.test(f.name)).sort((a, b) => b.file.size - a.file.size)[0];
  if (gguf) {
    return { source: modelSourceFromBytes(await read(gguf), gguf.name), name: gguf.name, format: 'GGUF', bytes: gguf.file.size };
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
  const source = modelSourceFromBytes(await read(model), model.name, tokenizer ? await read(tokenizer) : undefined);
  return { source, name: model.name, format: source.kind === 'gguf' ? 'GGUF' : 'llama2.c', bytes: model.file.size };
}
