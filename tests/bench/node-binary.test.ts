// `--node PATH` of `bench decode` and `bench kernels`: the binary is checked before anything is measured,
// and the measured child really runs under it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkNodeBinary } from '../../bench/node-binary.js';
import { leanChild, measureInChild } from '../../bench/decode-child.js';
import { run as runDecode } from '../../bench/decode.js';
import { run as runKernels } from '../../bench/kernels.js';
import { ranOn } from '../../bench/vs-llama-cpp.js';
import type { DecodeBenchResult } from '../../bench/decode-result.js';
import { UsageError } from '../../cmdline/flags.js';

let dir: string;
/** An executable shell script with this body. */
function script(name: string, body: string, mode = 0o755): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, mode);
  return p;
}
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'jsonlm-node-flag-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--node PATH', () => {
  it('accepts this Node and reports its version', () => {
    expect(checkNodeBinary(process.execPath)).toEqual({ path: process.execPath, version: process.versions.node });
  });

  it('names the problem with a path that is not a usable Node', () => {
    expect(() => checkNodeBinary(join(dir, 'nowhere/node'))).toThrow(/--node: no such file '.*nowhere\/node'/);
    expect(() => checkNodeBinary(dir)).toThrow(/--node: '.*' is not a file \(give the node binary itself/);
    expect(() => checkNodeBinary('')).toThrow(/--node needs the path of a Node binary/);
    expect(() => checkNodeBinary(script('silent', 'exit 0'))).toThrow(/--node: '.*silent' is not a Node binary \(running it with -e printed no Node version\)/);
    expect(() => checkNodeBinary(script('failing', 'exit 3'))).toThrow(/is not a Node binary .*exit 3/);
    expect(() => checkNodeBinary(script('old', 'printf 18.20.4'))).toThrow(/--node: '.*old' is Node 18\.20\.4; jsonlm needs Node >= 20/);
    expect(() => checkNodeBinary(script('not-executable', 'exit 0', 0o644))).toThrow(/--node: could not run '.*not-executable': .*EACCES/);
    for (const f of [() => checkNodeBinary(join(dir, 'nowhere')), () => checkNodeBinary(dir)]) expect(f).toThrow(UsageError);
  });

  it('bench decode and bench kernels refuse a bad --node before measuring, and --node with --browser or --child', async () => {
    await expect(runDecode(['--node', join(dir, 'nowhere')])).rejects.toThrow(/--node: no such file/);
    await expect(runDecode(['--vs-llama-cpp', '--node', join(dir, 'nowhere')])).rejects.toThrow(/--node: no such file/);
    await expect(runDecode(['--node', process.execPath, '--browser'])).rejects.toThrow(/--node .*not with --browser or --child/);
    await expect(runDecode(['--node', process.execPath, '--child'])).rejects.toThrow(/not with --browser or --child/);
    await expect(runDecode(['--node'])).rejects.toThrow(UsageError); // the value is missing
    await expect(runKernels(['--node', script('old2', 'printf 16.0.0')])).rejects.toThrow(/is Node 16\.0\.0; jsonlm needs Node >= 20/);
    await expect(runKernels(['--node', process.execPath, '--clock', 'x'])).rejects.toThrow(/--clock must be 'wall' or 'cpu'/);
  });

  it('the report names the Node and the kernel build that ran, each kind once', () => {
    const r = (environment: string, relaxedSimd: boolean) => ({ environment, relaxedSimd }) as DecodeBenchResult;
    expect(ranOn([r('node v24.11.1', true), r('node v24.11.1', true)])).toBe('node v24.11.1, relaxed-SIMD kernels');
    expect(ranOn([r('node v20.20.2', false)])).toBe('node v20.20.2, plain SIMD kernels');
    expect(ranOn([r('node v20.20.2', false), r('node v24.11.1', true)])).toBe('node v20.20.2, plain SIMD kernels / node v24.11.1, relaxed-SIMD kernels');
  });

  it('the measured child runs under the given binary', async () => {
    const marker = join(dir, 'ran.txt');
    const wrapper = script('node-wrapper', `echo "$@" >> '${marker}'\nexec '${process.execPath}' "$@"`);
    const { path } = checkNodeBinary(wrapper);
    const lean = await leanChild();
    expect(lean, 'esbuild and the sources are here').toBeDefined();
    try {
      const r = await measureInChild('smollm-135m', false, { promptTokens: 2, genTokens: 1, ctx: 32, threads: 1 }, lean, path);
      expect(r.environment).toBe(`node ${process.version}`);
      expect(typeof r.relaxedSimd).toBe('boolean');
      const lines = readFileSync(marker, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(2); // the version check, then the measurement
      expect(lines[1]).toContain('--preset smollm-135m');
    } finally {
      rmSync(lean!, { force: true });
    }
  }, 60_000);
});
