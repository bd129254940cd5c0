// esbuild bundles: the browser core (no Node built-ins allowed), the Node API, the CLI, and the web page
// (dist/web: index.html, style.css, app.js and its inference worker.js).
// The browser builds are checked here too: a Node built-in among their inputs fails the build, and their
// input lists are written beside them (*.meta.json) for tests/platforms/browser-bundle.test.ts.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBuiltinImports } from './platforms/node-builtins.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', absWorkingDir: root };
const browser = { ...common, platform: 'browser', metafile: true };

const [core, web] = await Promise.all([
  build({ ...browser, entryPoints: ['index.ts'], outfile: 'dist/jsonlm.browser.mjs' }),
  build({ ...browser, entryPoints: { app: 'web/app.ts', worker: 'web/worker.ts' }, outdir: 'dist/web', minify: true }),
  build({ ...common, entryPoints: ['node.ts'], outfile: 'dist/jsonlm.node.mjs', platform: 'node', packages: 'external' }),
  build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.mjs', platform: 'node', packages: 'external' }),
]);

for (const [name, result] of [['dist/jsonlm.browser.mjs', core], ['dist/web', web]]) {
  const inputs = Object.keys(result.metafile.inputs);
  const external = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
  const bad = nodeBuiltinImports(result.metafile);
  if (bad.length) throw new Error(`${name}: the browser build pulls in Node built-ins: ${bad.join(', ')}`);
  const metaFile = name.endsWith('.mjs') ? name.replace(/\.mjs$/, '.meta.json') : join(name, 'meta.json');
  writeFileSync(join(root, metaFile), JSON.stringify({ inputs, external }, null, 1) + '\n');
}

mkdirSync(join(root, 'dist/web'), { recursive: true });
for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'web', f), join(root, 'dist/web', f));
console.log('bundles: dist/jsonlm.browser.mjs, dist/jsonlm.node.mjs, dist/cli.mjs, dist/web/');
