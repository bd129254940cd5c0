// Run by relaxed-simd.test.ts in a separate Node process (bundled by esbuild, started with
// --experimental-wasm-relaxed-simd where Node needs it): the relaxed-SIMD build against the plain build
// and the scalar reference on fresh random inputs, then whole-model logits with each. Prints one JSON line.
import { Kernels, relaxedSimdSupported } from '../../kernels/kernels.js';
import { compareBuilds, same } from './relaxed-compare.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';

const [seedArg, modelPath] = process.argv.slice(2);
const seed = Number(seedArg);
const report: { supported: boolean; relaxed: boolean; cases: number; mismatches: string[]; modelRows: number; refusal?: string } = {
  supported: relaxedSimdSupported(), relaxed: false, cases: 0, mismatches: [], modelRows: 0,
};

if (!report.supported) {
  // Asking for relaxed-SIMD where the engine lacks it must fail clearly.
  try { await Kernels.create({ relaxedSimd: true }); } catch (e) { report.refusal = (e as Error).message; }
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(0);
}

const relaxed = await Kernels.create({ relaxedSimd: true });
const plain = await Kernels.create({ relaxedSimd: false });
report.relaxed = relaxed.relaxedSimd && !plain.relaxedSimd;

const cmp = compareBuilds(relaxed, plain, seed);
report.cases = cmp.cases;
report.mismatches.push(...cmp.mismatches);

// Whole model: logits after every prompt position and after 8 decode steps, relaxed vs plain.
const models = await Promise.all([true, false].map((relaxedSimd) => loadModelFromPath(modelPath, { dtype: 'q8', relaxedSimd, maxChunk: 16 })));
const rows = models.map((m) => {
  const prompt = Array.from({ length: 20 }, (_, i) => (i * 37 + 11) % m.config.vocabSize);
  const out = m.logitsAll(prompt);
  const s = m.createSession();
  s.prefill(prompt);
  for (let i = 0; i < 8; i++) { s.decode((i * 53 + 5) % m.config.vocabSize); out.push(s.logitsView().slice()); }
  return out;
});
report.modelRows = rows[0].length;
rows[0].forEach((row, i) => { if (!same(row, rows[1][i])) report.mismatches.push(`model logits row ${i}: relaxed != plain`); });
if (!models[0].kernels.relaxedSimd) report.mismatches.push('the model did not load the relaxed build');
process.stdout.write(JSON.stringify(report) + '\n');
