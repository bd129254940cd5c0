// esbuild bundles: the browser core (no Node built-ins allowed), the Node API, and the CLI.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

await Promise.all([
  build({ ...common, entryPoints: ['index.ts'], outfile: 'dist/jsonlm.browser.mjs', platform: 'browser' }),
  build({ ...common, entryPoints: ['node.ts'], outfile: 'dist/jsonlm.node.mjs', platform: 'node', packages: 'external' }),
  build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.mjs', platform: 'node', packages: 'external' }),
]);
console.log('bundles: dist/jsonlm.browser.mjs, dist/jsonlm.node.mjs, dist/cli.mjs');
