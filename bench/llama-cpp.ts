// llama.cpp as the yardstick for `jsonlm bench decode --vs-llama-cpp` (bench only: never a runtime or test
// dependency). llama.cpp is built once, from the git bundle that the npm package node-llama-cpp ships (so
// the commit is pinned by the package version), for this CPU (-march=native, AMX off so an AMX machine
// measures the same AVX-512/AVX2 kernels as one without), into a cache outside the repository. The
// random-weight GGUF files both engines read are cached beside it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Root of jsonlm's bench cache: --cache, else $JSONLM_CACHE, else $XDG_CACHE_HOME/jsonlm, else ~/.cache/jsonlm. */
export function cacheRoot(flag?: string): string {
  if (flag) return resolve(flag);
  if (process.env.JSONLM_CACHE) return resolve(process.env.JSONLM_CACHE);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'jsonlm');
}

const INSTALL_HINT = 'install it anywhere outside this project (mkdir -p ~/nlc && cd ~/nlc && npm install node-llama-cpp@3.22.1) ' +
  'and pass --node-llama-cpp ~/nlc (or set NODE_LLAMA_CPP)';

/** The llama.cpp git bundle inside an installed node-llama-cpp. `path` may be the package folder, a
 * node_modules folder, or the folder npm installed it into. */
export function findLlamaCppBundle(path: string | undefined): string {
  const given = path ?? process.env.NODE_LLAMA_CPP;
  if (!given) throw new Error(`--vs-llama-cpp builds llama.cpp from node-llama-cpp's bundled source, but no node-llama-cpp was given: ${INSTALL_HINT}`);
  const base = resolve(given);
  for (const pkg of [base, join(base, 'node-llama-cpp'), join(base, 'node_modules/node-llama-cpp')]) {
    const bundle = join(pkg, 'llama/gitRelease.bundle');
    if (existsSync(bundle)) return bundle;
  }
  throw new Error(`no node-llama-cpp with llama/gitRelease.bundle under ${base}: ${INSTALL_HINT}`);
}

/** True when /proc/cpuinfo lists AMX (Linux); the build then leaves AMX out. */
export function cpuHasAmx(): boolean {
  try { return /\bamx_(tile|int8|bf16)\b/.test(readFileSync('/proc/cpuinfo', 'utf8')); } catch { return false; }
}

export function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch { /* not Linux */ }
  return 'unknown CPU';
}

function run(cmd: string, args: string[], cwd: string | undefined, log: (s: string) => void): void {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}); building llama.cpp needs git, cmake and a C++ compiler`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} ... failed with exit ${r.status}`);
}

/** Path of llama-bench under `dir` (a llama.cpp checkout with a CMake build in dir/build); builds it from
 * the node-llama-cpp bundle when it is not there yet. A half-finished clone never counts: it is made in a
 * temporary folder and renamed into place. */
export function ensureLlamaBench(dir: string, nodeLlamaCpp: string | undefined, log: (s: string) => void): string {
  const bin = join(dir, 'build/bin/llama-bench');
  if (existsSync(bin)) return bin;
  const bundle = findLlamaCppBundle(nodeLlamaCpp);
  if (!existsSync(join(dir, 'CMakeLists.txt'))) {
    if (existsSync(dir)) throw new Error(`${dir} exists but is not a llama.cpp checkout; remove it or pass another --llama-cpp-dir`);
    mkdirSync(dirname(dir), { recursive: true });
    const tmp = `${dir}.partial-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    run('git', ['clone', '--quiet', bundle, tmp], undefined, log);
    renameSync(tmp, dir);
  }
  const amxOff = cpuHasAmx() ? ['-DGGML_AMX_TILE=OFF', '-DGGML_AMX_INT8=OFF', '-DGGML_AMX_BF16=OFF'] : [];
  run('cmake', ['-S', dir, '-B', join(dir, 'build'), '-DCMAKE_BUILD_TYPE=Release', '-DGGML_NATIVE=ON', '-DLLAMA_CURL=OFF',
    '-DLLAMA_BUILD_TESTS=OFF', '-DLLAMA_BUILD_SERVER=OFF', ...amxOff], undefined, log);
  run('cmake', ['--build', join(dir, 'build'), '--config', 'Release', '--target', 'llama-bench', '-j'], undefined, log);
  if (!existsSync(bin)) throw new Error(`llama.cpp built, but ${bin} is missing`);
  return bin;
}

/** The commit of the llama.cpp checkout at dir (short), or 'unknown'. */
export function llamaCppCommit(dir: string): string {
  const r = spawnSync('git', ['-C', dir, 'rev-parse', '--short=7', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** Weight types both engines are compared on (`jsonlm convert --type`, which writes what llama-quantize
 * --pure writes). */
export const COMPARED_TYPES = ['q8_0', 'q4_0'] as const;
export type ComparedType = typeof COMPARED_TYPES[number];

/** A seeded random-weight GGUF (Q8_0, or Q4_0: every matrix, as llama-quantize --pure) at a SmolLM preset's
 * shapes (the default model's tokenizer, padded to the preset's vocabulary, so llama.cpp loads it), written
 * once into the cache. */
export async function randomGguf(dir: string, preset: string, seed: number, log: (s: string) => void, type: ComparedType = 'q8_0'): Promise<string> {
  const file = join(dir, `random-${preset}-${seed}-${type}.gguf`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  mkdirSync(dir, { recursive: true });
  const tokenizer = new URL('../models/default/tokenizer.json', import.meta.url).pathname;
  const tmp = `${file}.partial-${process.pid}`;
  log(`writing ${file}`);
  const { run: convert } = await import('../cmdline/convert.js');
  const code = await convert([`random:${preset}:${seed}`, tmp, '--type', type, '--tokenizer', tokenizer]);
  if (code !== 0) throw new Error(`could not write ${file} (convert exit ${code})`);
  renameSync(tmp, file);
  return file;
}

export interface LlamaBenchResult { prefillTokPerS: number; decodeTokPerS: number; peakRssMiB: number | null }

/** VmHWM (peak resident set) of a live process, MiB; null once it has gone or off Linux. */
function peakRssOf(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch { return null; }
}

/** One llama-bench run: prefill of `promptTokens` and decode of `genTokens`, one repetition each after
 * llama-bench's own warm-up. Peak RSS is the last VmHWM read while it ran (polled every 20 ms). */
export function runLlamaBench(bin: string, model: string, threads: number, promptTokens: number, genTokens: number): Promise<LlamaBenchResult> {
  const args = ['-m', model, '-p', String(promptTokens), '-n', String(genTokens), '-t', String(threads), '-r', '1', '-o', 'json'];
  return new Promise((done, fail) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', peak: number | null = null;
    const poll = setInterval(() => { const p = child.pid && peakRssOf(child.pid); if (p) peak = Math.max(peak ?? 0, p); }, 20);
    child.stdout.on('data', (d) => { out += d; const p = child.pid && peakRssOf(child.pid); if (p) peak = Math.max(peak ?? 0, p); });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => { clearInterval(poll); fail(new Error(`${bin} could not run: ${e.message}`)); });
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) return fail(new Error(`llama-bench failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`));
      try {
        const rows = JSON.parse(out) as { n_prompt: number; n_gen: number; avg_ts: number }[];
        const pp = rows.find((r) => r.n_prompt > 0 && r.n_gen === 0), tg = rows.find((r) => r.n_gen > 0 && r.n_prompt === 0);
        if (!pp || !tg) throw new Error('no prompt and generation rows');
        done({ prefillTokPerS: pp.avg_ts, decodeTokPerS: tg.avg_ts, peakRssMiB: peak });
      } catch (e) {
        fail(new Error(`could not read llama-bench's JSON output (${(e as Error).message}): ${out.slice(0, 200)}`));
      }
    });
  });
}
