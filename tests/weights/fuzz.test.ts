// Corrupted headers (seeded random byte changes and truncations) must end in a WeightsFormatError naming
// the file, or load: never a RangeError/TypeError from deep inside, a hang, or a huge allocation.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemorySource, WeightsFormatError, type ByteSource } from '../../weights/byte-source.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { parseGguf } from '../../weights/gguf.js';
import { hfFolderFiles } from '../../weights/hf-writer.js';
import { modelSourceFromBytes, readModelLayout } from '../../weights/load.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import { MODELS } from '../paths.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) % n; };
}

function expectCleanFailure(fn: () => unknown, name: string, what: string): void {
  try { fn(); } catch (e) {
    if (!(e instanceof WeightsFormatError)) throw new Error(`${what}: ${(e as Error).name}: ${(e as Error).message}`);
    expect(e.message.startsWith(name)).toBe(true);
  }
}

describe('corrupted headers fail cleanly', () => {
  const model = randomModel({ config: TINY, seed: 9 });
  const sink = new MemorySink();
  writeModelGguf(model, sink, 'f32');
  const gguf = sink.bytes();
  const headerEnd = parseGguf(gguf, 'x').dataOffset;

  it('GGUF: 600 seeded mutations of the header (bytes set to 0, 0xff or random) and truncations', () => {
    const r = rng(424242);
    for (let i = 0; i < 600; i++) {
      const b = gguf.slice();
      const edits = 1 + r(4);
      for (let e = 0; e < edits; e++) {
        // Bias towards the fixed header and the first keys, where counts and lengths live.
        const at = r(3) === 0 ? r(64) : r(headerEnd);
        b[at] = [0, 0xff, r(256)][r(3)];
      }
      const cut = r(5) === 0 ? b.subarray(0, r(b.length)) : b;
      expectCleanFailure(() => readModelLayout(modelSourceFromBytes(cut, 'fuzz.gguf')), 'fuzz.gguf', `mutation ${i}`);
    }
  });

  it('safetensors: 300 seeded mutations of the JSON header and its length', () => {
    const files = new Map<string, Uint8Array>();
    for (const f of hfFolderFiles(model, 'F32')) { const s = new MemorySink(); f.write(s); files.set(f.name, s.bytes()); }
    const st = files.get('model.safetensors')!;
    const n = Number(new DataView(st.buffer, st.byteOffset).getBigUint64(0, true));
    const r = rng(77);
    for (let i = 0; i < 300; i++) {
      const b = st.slice();
      for (let e = 0; e < 1 + r(3); e++) b[r(8 + n)] = r(256);
      const map = new Map<string, ByteSource>();
      for (const [name, bytes] of files) map.set(name, new MemorySource(name === 'model.safetensors' ? b : bytes, `f/${name}`));
      expectCleanFailure(() => readModelLayout({ kind: 'hf', name: 'f', files: map }), 'f', `mutation ${i}`);
    }
  });

  it('llama2.c: 300 seeded mutations of the 28-byte header and truncations', () => {
    const bin = new Uint8Array(readFileSync(join(MODELS, 'stories260K/stories260K.bin')));
    const r = rng(5);
    for (let i = 0; i < 300; i++) {
      const b = bin.slice();
      for (let e = 0; e < 1 + r(3); e++) b[r(28)] = r(256);
      const cut = r(4) === 0 ? b.subarray(0, r(b.length)) : b;
      expectCleanFailure(() => readModelLayout(modelSourceFromBytes(cut, 'fuzz.bin')), 'fuzz.bin', `mutation ${i}`);
    }
  });
});
