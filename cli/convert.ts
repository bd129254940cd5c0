// `jsonlm convert IN OUT`: any supported model (GGUF file, HF folder, llama2.c .bin) to a GGUF file that
// llama.cpp loads (default), or to an HF folder (--format hf).
import { Kernels } from '../kernels/kernels.js';
import { writeModelGguf, type GgufOutputType } from '../weights/gguf-convert.js';
import { hfFolderFiles, type SafetensorsDtype } from '../weights/hf-writer.js';
import { readModelLayout } from '../weights/load.js';
import { exportFromLayout } from '../weights/model-export.js';
import { closeModelSource, readModelSource, writeFilesToDir, writeToFile } from '../weights/node-files.js';
import { parseFlags, UsageError } from './args.js';
import { basename } from 'node:path';

const USAGE = `usage: jsonlm convert IN OUT [--type q8_0|f16|bf16|f32] [--format gguf|hf] [--tokenizer tokenizer.bin] [--name NAME]

IN is a GGUF file, a Hugging Face folder (config.json + *.safetensors) or a llama2.c checkpoint.
OUT is a GGUF file (default, --type q8_0 by default) or, with --format hf, a folder (--type f32 by default).`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    type: { type: 'string' }, format: { type: 'string' }, tokenizer: { type: 'string' }, name: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, true);
  if (values.help) { console.log(USAGE); return 0; }
  if (positionals.length !== 2) throw new UsageError(`expected IN and OUT\n${USAGE}`);
  const [input, output] = positionals;
  const format = values.format ?? 'gguf';
  if (format !== 'gguf' && format !== 'hf') throw new UsageError(`--format must be gguf or hf, got '${format}'`);
  const type = (values.type ?? (format === 'gguf' ? 'q8_0' : 'f32')).toLowerCase();
  const allowed = format === 'gguf' ? ['q8_0', 'f16', 'bf16', 'f32'] : ['f32', 'f16', 'bf16'];
  if (!allowed.includes(type)) throw new UsageError(`--type must be one of ${allowed.join('|')} for --format ${format}, got '${values.type}'`);

  const started = performance.now();
  const source = readModelSource(input, values.tokenizer);
  try {
    const layout = readModelLayout(source);
    const model = exportFromLayout(layout, values.name ?? basename(input).replace(/\.(gguf|bin)$/, ''));
    if (!layout.tokenizerSource) console.error('jsonlm convert: warning: the input has no tokenizer; the output will have none');
    if (format === 'gguf') {
      const kernels = type === 'q8_0' ? await Kernels.create() : undefined;
      const bytes = writeToFile(output, (sink) => writeModelGguf(model, sink, type as GgufOutputType, kernels));
      console.log(`wrote ${output}: GGUF ${type.toUpperCase()}, ${(bytes / 2 ** 20).toFixed(1)} MiB, ` +
        `${layout.config.nLayers} layers, vocab ${layout.config.vocabSize} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } else {
      writeFilesToDir(output, hfFolderFiles(model, type.toUpperCase() as SafetensorsDtype));
      console.log(`wrote ${output}/: HF folder, ${type.toUpperCase()} safetensors (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    closeModelSource(source);
  }
  return 0;
}
