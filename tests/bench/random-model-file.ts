// A seeded random-weight Llama (the weights room's TINY config: 2 layers, dim 64, a 275-token byte-level
// BPE tokenizer) written as a GGUF file, with a context long enough for the complex tier's prompts
// (about one token per byte with this tokenizer) plus the longest output the schemas allow.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { randomModel, TINY } from '../../weights/random-model.js';

export const RANDOM_CONTEXT = 8192;

export function writeRandomModel(seed: number): string {
  const sink = new MemorySink();
  writeModelGguf(randomModel({ config: { ...TINY, contextLength: RANDOM_CONTEXT }, seed }), sink, 'f32');
  const path = join(mkdtempSync(join(tmpdir(), 'jsonlm-random-')), `random-${seed}.gguf`);
  writeFileSync(path, sink.bytes());
  return path;
}
