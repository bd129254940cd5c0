// The platform promise: the same kernels, weights, prompt and seed give bit-identical results in Node on
// x86-64, in headless Chromium (Debian's chromium + playwright-core) and in arm64 Node under qemu-user.
// Each environment computes its own SHA-256s of the raw output bytes (NaN-checked first); they are compared
// with each other, never with stored constants.
import { beforeAll, describe, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import { buildFingerprintBundle, runChromium, runNodeArm64, runNodeHost } from './environments.js';
import type { FingerprintReport } from './fingerprint.js';
import { SAME_AS } from './model-fingerprint.js';

/** Every entry each environment must produce: a missing one fails the test rather than passing vacuously. */
const KERNEL_ENTRIES = [
  'kernels/quantize_rows_q8', 'kernels/dequantize_rows_q8', 'kernels/matvec_q8', 'kernels/matmul_q8', 'kernels/matmul_q8_tiled',
  'kernels/matvec_f32', 'kernels/matmul_f32', 'kernels/rmsnorm', 'kernels/softmax+swiglu', 'kernels/rope_table',
  'kernels/rope', 'kernels/attention', 'kernels/elementwise', 'kernels/math', 'kernels/subnormals',
  'kernels/f16_rows+attention_f16',
];
const MODEL_ENTRIES = [
  'model/stories260K-f32', 'model/stories260K-q8', 'extract/stories260K-q8', 'model/stories260K-f32-kv16', 'model/random-q8-kv16',
  'weights/random-gguf', 'model/random-f32', 'model/random-q8', 'model/random-q8_0-gguf', 'extract/random-q8',
  'weights/random-q4_0-gguf', 'model/random-q4_0-gguf',
  ...Object.keys(SAME_AS),
];
const EXPECTED = [...KERNEL_ENTRIES, ...MODEL_ENTRIES].sort();

const reports: Record<string, FingerprintReport> = {};
let bundleDir = '';

beforeAll(async () => {
  const bundle = await buildFingerprintBundle();
  bundleDir = bundle.dir;
  expect(bundle.nodeInputs, 'the fingerprint bundle must not import Node built-ins').toEqual([]);
  const t0 = Date.now();
  const [host, arm64, chromium] = await Promise.all([
    timed('node-x64', () => runNodeHost(bundle.file)),
    timed('node-arm64', () => runNodeArm64(bundle.file)),
    timed('chromium', () => runChromium(bundle.dir)),
  ]);
  Object.assign(reports, { 'node-x64': host, 'node-arm64': arm64, chromium });
  console.log(`platforms: three environments in ${Date.now() - t0} ms`);
  for (const [name, r] of Object.entries(reports)) {
    console.log(`  ${name.padEnd(10)} ${r.env.slice(0, 60)}: ${Object.keys(r.hashes).length} hashes, ` +
      `${Object.keys(r.errors).length} errors, ${r.ms.total} ms inside`);
  }
  for (const key of EXPECTED) {
    const h = (n: string) => reports[n].hashes[key]?.slice(0, 16) ?? 'missing';
    console.log(`  ${key.padEnd(28)} x64 ${h('node-x64')}  arm64 ${h('node-arm64')}  chromium ${h('chromium')}` +
      (reports['node-x64'].notes[key] ? `  (${reports['node-x64'].notes[key]})` : ''));
  }
  for (const [name, r] of Object.entries(reports)) {
    for (const [key, err] of Object.entries(r.errors)) console.log(`  ${name} ERROR ${key}: ${err}`);
  }
  return () => rmSync(bundleDir, { recursive: true, force: true });
}, 300_000);

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try { return await fn(); } finally { console.log(`platforms: ${name} finished in ${Date.now() - t0} ms`); }
}

describe.each(['node-x64', 'node-arm64', 'chromium'])('%s', (name) => {
  test('runs every computation without error or NaN', () => {
    const r = reports[name];
    expect(r.errors).toEqual({});
    expect(Object.keys(r.hashes).sort()).toEqual(EXPECTED);
    for (const h of Object.values(r.hashes)) expect(h).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('bit-identical across environments', () => {
  test('the three environments really are different engines and CPUs', () => {
    expect(reports['node-x64'].env).toMatch(/ x64$/);
    expect(reports['node-arm64'].env).toMatch(/ arm64$/);
    expect(reports['chromium'].env).toMatch(/^chromium .*Chrome\//);
  });
  test.each(EXPECTED)('%s', (key) => {
    const host = reports['node-x64'].hashes[key];
    expect(host).toBeDefined();
    expect(reports['node-arm64'].hashes[key], 'arm64 Node differs from x86-64 Node').toBe(host);
    expect(reports['chromium'].hashes[key], 'Chromium differs from x86-64 Node').toBe(host);
  });
  test('distinct computations give distinct hashes (the hash sees the data)', () => {
    const hashes = Object.entries(reports['node-x64'].hashes).filter(([key]) => !(key in SAME_AS)).map(([, h]) => h);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
  test.each(Object.entries(SAME_AS))('%s: the same logits as %s in every environment', (key, base) => {
    for (const name of ['node-x64', 'node-arm64', 'chromium']) expect(reports[name].hashes[key], name).toBe(reports[name].hashes[base]);
  });
  test('Chromium >= 114 ran the relaxed-SIMD kernels (so they are compared with the plain ones), Node 20 the plain ones', () => {
    const chrome = Number(/Chrome\/(\d+)/.exec(reports['chromium'].env)?.[1] ?? 0);
    if (chrome >= 114) expect(reports['chromium'].notes['model/random-q8']).toMatch(/relaxed-SIMD kernels/);
    expect(reports['chromium'].notes['model/random-q8-plain']).toMatch(/plain SIMD kernels/);
    if (process.versions.node.startsWith('20.')) expect(reports['node-x64'].notes['model/random-q8']).toMatch(/plain SIMD kernels/);
  });
  test('the thread entries really ran on 2 and 4 threads (Node worker_threads on both CPUs, Web Workers in Chromium)', () => {
    for (const name of ['node-x64', 'node-arm64', 'chromium']) {
      expect(reports[name].notes['model/random-q8-threads2']).toMatch(/, 2 threads$/);
      expect(reports[name].notes['model/random-q8-threads4']).toMatch(/, 4 threads$/);
    }
  });
});
