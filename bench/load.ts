// `jsonlm bench load [--json FILE] [--preset smollm-135m|smollm-360m|tiny] [--tokenizer tokenizer.json]
//  [--keep DIR] [--repeat N]`: writes a seeded random model at a real SmolLM shape as a Q8_0 GGUF and as HF
// folders (BF16 and F16 safetensors), then loads each into the kernels' memory (int8 layout) in a fresh
// child process and reports load time and peak memory: the process's max RSS (process.resourceUsage().maxRSS,
// which includes the WebAssembly memory and Node's own baseline), the RSS before loading, and the wasm
// memory size. One child per case so peaks do not mix. Prints a table and writes JSON.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { intFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { Kernels } from '../kernels/kernels.js';
import { writeModelGguf } from '../weights/gguf-convert.js';
import { hfFolderFiles } from '../weights/hf-writer.js';
import { placeLayout, readModelLayout } from '../weights/load.js';
import type { TokenizerSource } from '../weights/model-layout.js';
import { closeModelSource, readModelSource, writeFilesToDir, writeToFile } from '../weights/node-files.js';
import { RANDOM_PRESETS, randomModel } from '../weights/random-model.js';

interface CaseResult {
  case: string;
  format: string;
  dtype: 'q8' | 'f32';
  fileMiB: number;
  loadMs: number;
  /** Process max RSS after loading, MiB. */
  peakRssMiB: number;
  /** RSS just before loading (Node + the compiled kernels), MiB. */
  baseRssMiB: number;
  /** RSS after reading headers and metadata (before placing tensors), MiB. */
  headerRssMiB: number;
  wasmMiB: number;
}

const MiB = 2 ** 20;

function sizeOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((a, f) => a + statSync(join(path, f)).size, 0);
}

/** Child mode: load one model and print one JSON line. */
async function child(path: string, dtype: 'q8' | 'f32'): Promise<number> {
  const kernels = await Kernels.create();
  const baseRss = process.memoryUsage().rss;
  const t0 = performance.now();
  const source = readModelSource(path);
  const layout = readModelLayout(source);
  const headerRss = process.memoryUsage().rss;
  placeLayout(layout, kernels, { dtype });
  const config = layout.config;
  closeModelSource(source);
  const loadMs = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ loadMs, peakRss: peak, baseRss, headerRss, wasm: kernels.reservedBytes, layers: config.nLayers }));
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    json: { type: 'string' }, preset: { type: 'string' }, tokenizer: { type: 'string' }, keep: { type: 'string' },
    repeat: { type: 'string' }, child: { type: 'string' }, dtype: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  }, true);
  if (values.help) {
    console.log('usage: jsonlm bench load [--json FILE] [--preset smollm-135m|smollm-360m|tiny] [--tokenizer tokenizer.json] [--keep DIR] [--repeat N]');
    return 0;
  }
  if (values.child) return child(values.child, values.dtype === 'f32' ? 'f32' : 'q8');
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const presetName = values.preset ?? 'smollm-135m';
  const config = RANDOM_PRESETS[presetName];
  if (!config) throw new UsageError(`--preset must be one of ${Object.keys(RANDOM_PRESETS).join(', ')}`);
  const repeat = intFlag(values.repeat, 'repeat', 1, 1);

  let tokenizer: TokenizerSource | undefined;
  if (values.tokenizer) {
    const cfgPath = join(dirname(values.tokenizer), 'tokenizer_config.json');
    tokenizer = { kind: 'hf', tokenizerJson: readFileSync(values.tokenizer, 'utf8'),
      tokenizerConfigJson: existsSync(cfgPath) ? readFileSync(cfgPath, 'utf8') : undefined, specialTokenIds: { bos: 1, eos: 2, pad: 2 } };
  }
  const model = randomModel({ config, seed: 1, tokenizer, name: `random-${presetName}` });
  const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'jsonlm-bench-load-'));
  mkdirSync(dir, { recursive: true });
  const files = {
    'gguf-q8_0': join(dir, `${presetName}-q8_0.gguf`),
    'hf-bf16': join(dir, `${presetName}-hf-bf16`),
    'hf-f16': join(dir, `${presetName}-hf-f16`),
  };
  const writeMs: Record<string, number> = {};
  try {
    let t = performance.now();
    if (!existsSync(files['gguf-q8_0'])) {
      const kernels = await Kernels.create();
      writeToFile(files['gguf-q8_0'], (sink) => writeModelGguf(model, sink, 'q8_0', kernels));
      writeMs['gguf-q8_0'] = performance.now() - t;
    }
    for (const dtype of ['BF16', 'F16'] as const) {
      const path = files[dtype === 'BF16' ? 'hf-bf16' : 'hf-f16'];
      t = performance.now();
      if (!existsSync(path)) {
        writeFilesToDir(path, hfFolderFiles(model, dtype));
        writeMs[`hf-${dtype.toLowerCase()}`] = performance.now() - t;
      }
    }
    const cases: [string, string, string, 'q8' | 'f32'][] = [
      ['gguf-q8_0 -> q8', 'GGUF Q8_0', files['gguf-q8_0'], 'q8'],
      ['hf-bf16 -> q8', 'HF BF16', files['hf-bf16'], 'q8'],
      ['hf-f16 -> q8', 'HF F16', files['hf-f16'], 'q8'],
    ];
    const results: CaseResult[] = [];
    const entry = process.argv[1];
    for (const [name, format, path, dtype] of cases) {
      for (let r = 0; r < repeat; r++) {
        const out = spawnSync(process.execPath, [entry, 'bench', 'load', '--child', path, '--dtype', dtype], { encoding: 'utf8' });
        if (out.status !== 0) throw new Error(`bench load: child for ${name} failed (${out.status}): ${out.stderr}`);
        const line = JSON.parse(out.stdout.trim().split('\n').pop()!);
        results.push({ case: name, format, dtype, fileMiB: sizeOf(path) / MiB, loadMs: line.loadMs, peakRssMiB: line.peakRss / MiB,
          baseRssMiB: line.baseRss / MiB, headerRssMiB: line.headerRss / MiB, wasmMiB: line.wasm / MiB });
      }
    }
    const header = `jsonlm bench load: random ${presetName} (dim ${config.dim}, ${config.nLayers} layers, vocab ${config.vocabSize}), ` +
      `Node ${process.versions.node}, ${process.arch}, ${cpus()[0]?.model ?? 'cpu'}`;
    console.log(header);
    const rows = [['case', 'file MiB', 'load ms', 'peak RSS MiB', 'RSS before MiB', 'RSS after header MiB', 'wasm MiB'],
      ...results.map((r) => [r.case, r.fileMiB.toFixed(1), r.loadMs.toFixed(0), r.peakRssMiB.toFixed(1), r.baseRssMiB.toFixed(1), r.headerRssMiB.toFixed(1), r.wasmMiB.toFixed(1)])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const [i, row] of rows.entries()) {
      console.log(row.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
      if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    }
    const json = values.json ?? 'bench/results/load.json';
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(json, JSON.stringify({ bench: 'load', preset: presetName, config, node: process.versions.node, arch: process.arch,
      cpu: cpus()[0]?.model, tokenizer: values.tokenizer ?? 'synthetic', writeMs, results, date: new Date().toISOString() }, null, 2) + '\n');
    console.log(`wrote ${json}`);
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}
