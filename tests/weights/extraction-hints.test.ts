// Extraction hints (weights/extraction-hints.ts): read from generation_config.json and GGUF metadata, carried
// through conversion both ways, refused when malformed, and used by the extractor as its default.
import { describe, expect, it } from 'vitest';
import { MemorySource, WeightsFormatError, type ByteSource } from '../../weights/byte-source.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { hfFolderFiles } from '../../weights/hf-writer.js';
import { modelSourceFromBytes, readModelLayout, type ModelSource } from '../../weights/load.js';
import { exportFromLayout, type ExportModel } from '../../weights/model-export.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import { loadModel } from '../../engine/load-model.js';

function hfSource(model: ExportModel, extra: Record<string, string> = {}): ModelSource {
  const files = new Map<string, ByteSource>();
  for (const f of hfFolderFiles(model, 'F32')) {
    const sink = new MemorySink();
    f.write(sink);
    files.set(f.name, new MemorySource(sink.bytes(), f.name));
  }
  for (const [name, text] of Object.entries(extra)) files.set(name, new MemorySource(new TextEncoder().encode(text), name));
  return { kind: 'hf', name: 'hf', files };
}

function ggufSource(model: ExportModel): ModelSource {
  const sink = new MemorySink();
  writeModelGguf(model, sink, 'f32');
  return modelSourceFromBytes(sink.bytes(), 'm.gguf');
}

describe('extraction hints', () => {
  const base = randomModel({ config: TINY, seed: 3 });

  it('an HF folder\'s generation_config.json jsonlm_copy_bias reaches the model, and survives HF -> GGUF -> HF', async () => {
    const hf = hfSource(base, { 'generation_config.json': '{"do_sample": false, "jsonlm_copy_bias": 3.5}' });
    expect(readModelLayout(hf).hints).toEqual({ copyBias: 3.5 });
    expect((await loadModel(hf)).extractionHints).toEqual({ copyBias: 3.5 });
    const gguf = ggufSource(exportFromLayout(readModelLayout(hf)));
    expect(readModelLayout(gguf).hints).toEqual({ copyBias: 3.5 });
    const back = hfSource(exportFromLayout(readModelLayout(gguf)));
    expect(readModelLayout(back).hints).toEqual({ copyBias: 3.5 });
  });

  it('jsonlm_value_choice rides along in both formats, beside the copy bias', async () => {
    const hf = hfSource(base, { 'generation_config.json': '{"jsonlm_copy_bias": 4, "jsonlm_value_choice": true}' });
    expect(readModelLayout(hf).hints).toEqual({ copyBias: 4, valueChoice: true });
    const gguf = ggufSource(exportFromLayout(readModelLayout(hf)));
    expect(readModelLayout(gguf).hints).toEqual({ copyBias: 4, valueChoice: true });
    const back = hfSource(exportFromLayout(readModelLayout(gguf)));
    expect((await loadModel(back)).extractionHints).toEqual({ copyBias: 4, valueChoice: true });
    const off = hfSource(base, { 'generation_config.json': '{"jsonlm_value_choice": false}' });
    expect(readModelLayout(off).hints).toEqual({ valueChoice: false });
    for (const bad of ['1', '"yes"', 'null']) {
      const src = hfSource(base, { 'generation_config.json': `{"jsonlm_value_choice": ${bad}}` });
      expect(() => readModelLayout(src)).toThrow(/generation_config\.json.*jsonlm_value_choice must be true or false/);
    }
  });

  it('no hint: an empty set, and none written', async () => {
    expect(readModelLayout(hfSource(base)).hints).toEqual({});
    expect(readModelLayout(ggufSource(base)).hints).toEqual({});
    expect(hfFolderFiles(base, 'F32').map((f) => f.name)).not.toContain('generation_config.json');
    expect((await loadModel(hfSource(base), { extractionHints: { copyBias: 1 } })).extractionHints).toEqual({ copyBias: 1 });
  });

  it('refuses a malformed value, naming the file and the key', () => {
    for (const bad of ['-1', '"4"', 'null']) {
      const src = hfSource(base, { 'generation_config.json': `{"jsonlm_copy_bias": ${bad}}` });
      expect(() => readModelLayout(src)).toThrow(WeightsFormatError);
      expect(() => readModelLayout(src)).toThrow(/generation_config\.json.*jsonlm_copy_bias must be a number >= 0/);
    }
    expect(() => readModelLayout(hfSource(base, { 'generation_config.json': '{oops' }))).toThrow(/generation_config\.json: not valid JSON/);
  });
});
