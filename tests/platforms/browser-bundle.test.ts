// The browser bundles (the public API and the web page's app + worker) must not pull in Node built-ins,
// bundled or left as external imports, and must be self-contained (no bare imports left for a resolver).
import { describe, expect, test } from 'vitest';
import { build, type BuildOptions } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../paths.js';
// @ts-ignore: plain ESM helper without types
import { nodeBuiltinImports } from '../../scripts/platforms/node-builtins.mjs';

const browser: BuildOptions = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, metafile: true, logLevel: 'silent', absWorkingDir: REPO };

async function inspect(entryPoints: BuildOptions['entryPoints'], extra: BuildOptions = {}) {
  const r = await build({ ...browser, entryPoints, outdir: join(REPO, 'dist/.inspect'), ...extra });
  const external = Object.values(r.metafile!.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
  const text = r.outputFiles!.map((f) => f.text).join('\n');
  return { builtins: nodeBuiltinImports(r.metafile!) as string[], external, text, inputs: Object.keys(r.metafile!.inputs) };
}

describe('browser bundles', () => {
  test('dist/jsonlm.browser.mjs (index.ts) has no Node built-ins and no external imports', async () => {
    const r = await inspect(['index.ts']);
    expect(r.inputs).toContain('index.ts');
    expect(r.inputs).toContain('kernels/kernels.ts');
    expect(r.builtins).toEqual([]);
    expect(r.external).toEqual([]);
    expect(r.text).not.toMatch(/\brequire\(\s*["'](node:)?(fs|path|os|child_process|crypto|url)["']\)/);
  });

  test('the web page and its worker have no Node built-ins and no external imports', async () => {
    const r = await inspect({ app: 'web/app.ts', worker: 'web/worker.ts' });
    expect(r.inputs).toEqual(expect.arrayContaining(['web/worker.ts', 'engine/load-model.ts', 'weights/load.ts']));
    expect(r.builtins).toEqual([]);
    expect(r.external).toEqual([]);
  });

  test('the check sees a Node built-in when one sneaks in (bundled or external)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonlm-bundle-'));
    try {
      const entry = join(dir, 'leak.ts');
      writeFileSync(entry, "import { readFileSync } from 'node:fs';\nexport const f = () => readFileSync('x');\n");
      const r = await inspect([entry], { external: ['node:*'] });
      expect(r.builtins).toEqual(['node:fs']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
