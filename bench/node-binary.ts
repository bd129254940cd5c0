// `--node PATH` of `jsonlm bench decode` and `bench kernels`: the jsonlm side of a benchmark runs under
// another Node binary (e.g. a newer one, whose V8 runs the relaxed-SIMD kernels), in a child process.
// The binary is checked before any measurement starts, so a wrong path fails at once, naming the problem.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../cmdline/flags.js';

/** The oldest Node jsonlm runs on (package.json engines). */
const MIN_NODE_MAJOR = 20;

export interface NodeBinary { path: string; version: string }

/** Checks that `path` is a Node binary jsonlm can run on; returns its absolute path and version. */
export function checkNodeBinary(path: string): NodeBinary {
  if (path.trim() === '') throw new UsageError('--node needs the path of a Node binary');
  const abs = resolve(path);
  let isFile: boolean;
  try { isFile = statSync(abs).isFile(); } catch {
    throw new UsageError(`--node: no such file '${abs}'`);
  }
  if (!isFile) throw new UsageError(`--node: '${abs}' is not a file (give the node binary itself, e.g. .../bin/node)`);
  const out = spawnSync(abs, ['-e', 'process.stdout.write(process.versions.node)'], { encoding: 'utf8', timeout: 30_000 });
  if (out.error) throw new UsageError(`--node: could not run '${abs}': ${(out.error as Error).message}`);
  const version = out.stdout?.trim() ?? '';
  if (out.status !== 0 || !/^\d+\.\d+\.\d+/.test(version)) {
    throw new UsageError(`--node: '${abs}' is not a Node binary (running it with -e printed no Node version${out.status ? `, exit ${out.status}` : ''})`);
  }
  if (Number(version.split('.')[0]) < MIN_NODE_MAJOR) {
    throw new UsageError(`--node: '${abs}' is Node ${version}; jsonlm needs Node >= ${MIN_NODE_MAJOR}`);
  }
  return { path: abs, version };
}
