// `jsonlm convert IN OUT`: any supported model (GGUF file, HF folder, llama2.c .bin) to a GGUF file that
// llama.cpp loads (default), or to an HF folder (--format hf).
import { Kernels } from '../kernels/kernels.js';
import { writeModelGguf, type GgufOutputType } from '../weights/gguf-convert.js';
import { hfFolderFiles, type SafetensorsDtype } from '../weights/hf-writer.js';
import { readModelLayout } from '../weights/load.js';
import { exportFromLayout } from '../weights/model-export.js';
import { closeModelSource, readModelSource, writeFilesToDir, writeToFile } from '../weights/node-files.js';
import { parseFlags, UsageError } from './flags.js';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { RANDOM_PRESETS, randomModel } from '../weights/random-model.js';
import { parseGguf } from '../weights/gguf.js';
import type { ExportModel } from '../weights/model-export.js';
import type { TokenizerSource } from '../weights/model-layout.js';

const USAGE = `usage: jsonlm convert IN OUT [--type q8_0|q4_0|q4_k|f16|bf16|f32] [--format gguf|hf] [--tokenizer PATH] [--name NAME]

IN is a GGUF file, a Hugging Face folder (config.json + *.safetensors), a llama2.c checkpoint (with
--tokenizer tokenizer.bin), or random:PRESET[:SEED] for a seeded random-weight model (presets:
${Object.keys(RANDOM_PRESETS).join(', ')}; default tokenizer: a small synthetic byte-level one).
--tokenizer PATH supplies or replaces the tokenizer: a tokenizer.json, a GGUF holding tokenizer.ggml.* (e.g.
llama.cpp's ggml-vocab-*.gguf), or a llama2.c tokenizer.bin.
OUT is a GGUF file (default, --type q8_0 by default) or, with --format hf, a folder (--type f32 by default).`;

/** A tokenizer from a file: tokenizer.json (with tokenizer_config.json / config.json beside it), a GGUF
 * (its tokenizer.* keys, e.g. llama.cpp's ggml-vocab-*.gguf) or a llama2.c tokenizer.bin. */
function tokenizerFromFile(path: string): TokenizerSource {
  const bytes = readFileSync(path);
  if (bytes.length >= 4 && bytes.toString('latin1', 0, 4) === 'GGUF') {
    const g = parseGguf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path);
    if (!g.metadata.has('tokenizer.ggml.model')) throw new UsageError(`--tokenizer ${path}: this GGUF holds no tokenizer.ggml.* vocabulary`);
    return { kind: 'gguf', metadata: g.metadata, metadataTypes: g.metadataTypes };
  }
  if (/\.json$/i.test(path)) {
    const dir = dirname(path);
    const cfgPath = join(dir, 'tokenizer_config.json');
    const tok: TokenizerSource = { kind: 'hf', tokenizerJson: bytes.toString('utf8'),
      tokenizerConfigJson: existsSync(cfgPath) ? readFileSync(cfgPath, 'utf8') : undefined };
    const cfg = join(dir, 'config.json');
    if (existsSync(cfg)) {
      const c = JSON.parse(readFileSync(cfg, 'utf8'));
      tok.specialTokenIds = { bos: c.bos_token_id, eos: c.eos_token_id, pad: c.pad_token_id };
    }
    return tok;
  }
  return { kind: 'llama2c', bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
}

function randomInput(spec: string, tokenizerPath: string | undefined, name: string | undefined): ExportModel {
  const [, preset, seedText] = spec.split(':');
  const config = RANDOM_PRESETS[preset];
  if (!config) throw new UsageError(`unknown random preset '${preset}' (${Object.keys(RANDOM_PRESETS).join(', ')})`);
  if (seedText !== undefined && !/^\d+$/.test(seedText)) throw new UsageError(`random seed must be a non-negative integer, got '${seedText}'`);
  const seed = seedText === undefined ? 1 : Number(seedText);
  const tokenizer = tokenizerPath ? tokenizerFromFile(tokenizerPath) : undefined;
  return randomModel({ config, seed, tokenizer, name: name ?? `random-${preset}-${seed}` });
}

/** OUT must not be IN (same path or same file through a link) nor inside IN (an HF folder), nor the
 * --tokenizer file: the output replaces what is at its path. */
function refuseOverwritingInput(input: string, output: string, tokenizer: string | undefined): void {
  const out = resolveReal(output);
  for (const [flag, path] of [['IN', input], ['--tokenizer', tokenizer]] as const) {
    if (path === undefined || path.startsWith('random:')) continue;
    const src = resolveReal(path);
    const same = out === src || sameInode(output, path);
    if (same || out.startsWith(src + sep)) {
      throw new UsageError(`OUT ${output} ${same ? 'is' : 'is inside'} ${flag} ${path}: converting would overwrite the input; give another OUT`);
    }
  }
}

/** The real path of `path`, or of its nearest existing parent joined with the rest (OUT may not exist yet). */
function resolveReal(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(resolveReal(parent), basename(abs));
  }
}

function sameInode(a: string, b: string): boolean {
  try {
    const sa = statSync(a), sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

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
  const allowed = format === 'gguf' ? ['q8_0', 'q4_0', 'q4_k', 'f16', 'bf16', 'f32'] : ['f32', 'f16', 'bf16'];
  if (!allowed.includes(type)) throw new UsageError(`--type must be one of ${allowed.join('|')} for --format ${format}, got '${values.type}'`);

  refuseOverwritingInput(input, output, values.tokenizer);

  const started = performance.now();
  const source = input.startsWith('random:') ? undefined : readModelSource(input, values.tokenizer);
  try {
    let model = source ? exportFromLayout(readModelLayout(source), values.name ?? basename(input).replace(/\.(gguf|bin)$/, ''))
      : randomInput(input, values.tokenizer, values.name);
    // --tokenizer supplies (or replaces) the tokenizer of a GGUF or HF input too.
    if (source && source.kind !== 'llama2c' && values.tokenizer) model = { ...model, tokenizerSource: tokenizerFromFile(values.tokenizer) };
    const layout = model;
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
    if (source) closeModelSource(source);
  }
  return 0;
}
