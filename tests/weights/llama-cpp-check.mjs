// Manual check that llama.cpp itself loads what `jsonlm convert` writes (not part of `vitest run`: it
// needs node-llama-cpp, which jsonlm does not depend on). Usage:
//   mkdir -p /tmp/llcheck && (cd /tmp/llcheck && npm install node-llama-cpp@3.22.1)
//   NODE_PATH=/tmp/llcheck/node_modules node tests/weights/llama-cpp-check.mjs
// node-llama-cpp 3.22.1 ships the llama.cpp build (de3ff81) that recorded ../shared/reference. The check
// converts ref-bpe's HF folder to GGUF F32 and Q8_0 and expects llama.cpp's tokens and 32 greedy ids to
// equal the recorded ones; does the same for ref-spm's HF folder with llama.cpp's SPM vocab GGUF as
// --tokenizer; converts stories260K (llama2.c + tok512) to GGUF F32 and expects the greedy ids
// of PROVENANCE.md's reference; and loads a random SmolLM-135M-shaped Q8_0 model with the real tokenizer.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(join(process.env.NODE_PATH ?? '.', 'x.js'));
const { getLlama } = await import(require.resolve('node-llama-cpp'));
const { main } = await import('../../dist/cli.mjs');
const shared = new URL('../../../shared/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'jsonlm-llama-cpp-'));
const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
let failures = 0;

async function greedy(model, tokens, n) {
  const ctx = await model.createContext({ contextSize: 512, threads: 1 });
  const out = [];
  for await (const t of ctx.getSequence().evaluate(tokens, { temperature: 0 })) { out.push(t); if (out.length >= n) break; }
  await ctx.dispose();
  return out;
}
function check(label, ok) { console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}`); if (!ok) failures++; }

try {
  const cases = JSON.parse(readFileSync(join(shared, 'reference/ref-bpe/cases.json'), 'utf8')).cases;
  for (const type of ['f32', 'q8_0']) {
    const out = join(dir, `ref-bpe-${type}.gguf`);
    await main(['convert', join(shared, 'reference/ref-bpe/hf'), out, '--type', type]);
    const model = await llama.loadModel({ modelPath: out, gpuLayers: 0 });
    // Q8_0 greedy runs depend on the CPU's ggml kernels (activation rounding ties: the recorded ids came
    // from an AVX-512 VNNI machine), so Q8_0 is compared with llama.cpp on the reference Q8_0 file here.
    const refModel = type === 'q8_0' ? await llama.loadModel({ modelPath: join(shared, 'reference/ref-bpe/ref-bpe-q8_0.gguf'), gpuLayers: 0 }) : undefined;
    for (const c of cases.filter((c) => c.weights_type === type.toUpperCase())) {
      const tokens = model.tokenize(c.text, false);
      check(`ref-bpe ${type} ${c.prompt_id}: tokens`, JSON.stringify(Array.from(tokens)) === JSON.stringify(c.tokens));
      const ids = await greedy(model, tokens, 32);
      const want = refModel ? await greedy(refModel, c.tokens, 32) : c.greedy_ids;
      check(`ref-bpe ${type} ${c.prompt_id}: 32 greedy ids (${refModel ? 'as llama.cpp on ref-bpe-q8_0.gguf here' : 'as recorded'})`,
        JSON.stringify(ids) === JSON.stringify(want));
    }
    await model.dispose();
    await refModel?.dispose();
  }
  // ref-spm: untied head, MHA; its HF folder has no tokenizer, so take llama.cpp's SPM vocab GGUF.
  const spm = join(dir, 'ref-spm-f32.gguf');
  await main(['convert', join(shared, 'reference/ref-spm/hf'), spm, '--type', 'f32', '--tokenizer', join(shared, 'models/gguf-vocab-llama-spm/ggml-vocab-llama-spm.gguf')]);
  const spmModel = await llama.loadModel({ modelPath: spm, gpuLayers: 0 });
  const spmCases = JSON.parse(readFileSync(join(shared, 'reference/ref-spm/cases.json'), 'utf8')).cases.filter((c) => c.weights_type === 'F32');
  for (const c of spmCases) {
    const tokens = [spmModel.tokens.bos, ...spmModel.tokenize(c.text, false)];
    check(`ref-spm f32 ${c.prompt_id}: tokens (with BOS)`, JSON.stringify(tokens) === JSON.stringify(c.tokens));
    check(`ref-spm f32 ${c.prompt_id}: 32 greedy ids (as recorded)`, JSON.stringify(await greedy(spmModel, c.tokens, 32)) === JSON.stringify(c.greedy_ids));
  }
  await spmModel.dispose();
  const stories = join(dir, 'stories260K.gguf');
  await main(['convert', join(shared, 'models/stories260K/stories260K.bin'), stories, '--type', 'f32', '--tokenizer', join(shared, 'models/stories260K/tok512.bin')]);
  const ref = JSON.parse(readFileSync(join(shared, 'models/stories260K/greedy_reference.json'), 'utf8'));
  const sm = await llama.loadModel({ modelPath: stories, gpuLayers: 0 });
  const ids = await greedy(sm, ref.prompt_ids, 64);
  check('stories260K f32: 64 greedy ids from BOS', JSON.stringify(ids) === JSON.stringify(ref.greedy_ids.slice(0, 64)));
  console.log('     ', JSON.stringify(sm.detokenize(ids)).slice(0, 100));
  await sm.dispose();
  const big = join(dir, 'smollm-135m.gguf');
  await main(['convert', 'random:smollm-135m:1', big, '--tokenizer', join(shared, 'models/smollm2-135m-instruct-tokenizer/tokenizer.json')]);
  const bm = await llama.loadModel({ modelPath: big, gpuLayers: 0 });
  const bt = bm.tokenize('{"name": "Ada", "born": 1815}', false);
  check('random smollm-135m q8_0: loads, tokenizes, decodes 8 tokens', bt.length > 5 && (await greedy(bm, bt, 8)).length === 8);
  await bm.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(failures ? `${failures} check(s) failed` : 'all llama.cpp checks passed');
process.exit(failures ? 1 : 0);
