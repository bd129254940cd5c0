// `jsonlm bench decode` measures each model in a fresh Node process, so that its peak RSS is that model's
// alone. Browser-safe at the top level like decode.ts (Node modules are imported inside the functions).
import type { DecodeBenchResult, MeasureOptions } from './decode-result.js';

/** Bundles a child entry (decode.ts's measurement + the engine and its Node file loader, nothing else) into a temporary .mjs;
 * undefined when esbuild or the TypeScript sources are not available (an installed package without dev
 * dependencies), in which case the CLI is the child. */
export async function leanChild(): Promise<string | undefined> {
  try {
    const { build } = await import('esbuild');
    const { existsSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('..', import.meta.url));
    if (!existsSync(join(root, 'bench/decode.ts'))) return undefined;
    // A model file loads as the CLI's --child does (loadModelFromPath, int8), timed the same way.
    const contents = `import { measureModel, measurePreset } from './bench/decode.ts';
import { loadModelFromPath } from './engine/load-model-node.ts';
const a = process.argv.slice(2), get = (f) => a[a.indexOf(f) + 1];
const opts = { promptTokens: Number(get('--prompt-tokens')), genTokens: Number(get('--gen-tokens')),
  ctx: a.includes('--ctx') ? Number(get('--ctx')) : undefined, threads: a.includes('--threads') ? Number(get('--threads')) : undefined };
let r;
if (a.includes('--model')) {
  const t0 = performance.now();
  const model = await loadModelFromPath(get('--model'), { dtype: 'q8', contextLength: opts.ctx, threads: opts.threads });
  r = measureModel(get('--model'), model, performance.now() - t0, opts);
} else {
  r = await measurePreset(get('--preset'), opts);
}
process.stdout.write(JSON.stringify(r) + '\\n');`;
    const out = await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node',
      target: 'node20', write: false, logLevel: 'silent' });
    const file = join(tmpdir(), `jsonlm-bench-decode-${process.pid}.mjs`);
    writeFileSync(file, out.outputFiles[0].text);
    return file;
  } catch {
    return undefined;
  }
}

/** Measures one preset (or, with isFile, one model file) in a fresh Node process, so that its peak RSS is
 * that model's alone. `lean`: the bundled child entry from leanChild(), else the CLI is the child. `node`:
 * the Node binary that runs the child (default: this process's). */
export async function measureInChild(name: string, isFile: boolean, opts: MeasureOptions, lean?: string,
  node?: string): Promise<DecodeBenchResult> {
  const { spawnSync } = await import('node:child_process');
  const childArgs = [lean ?? process.argv[1], ...(lean ? [] : ['bench', 'decode']), '--child', isFile ? '--model' : '--preset', name,
    '--prompt-tokens', String(opts.promptTokens), '--gen-tokens', String(opts.genTokens), ...(opts.ctx ? ['--ctx', String(opts.ctx)] : []),
    ...(opts.threads ? ['--threads', String(opts.threads)] : [])];
  const out = spawnSync(node ?? process.execPath, childArgs, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`bench child for ${name} failed (exit ${out.status}): ${out.stderr.trim()}`);
  return { ...JSON.parse(out.stdout.trim().split('\n').pop()!), child: lean ? 'lean' : 'cli' };
}
