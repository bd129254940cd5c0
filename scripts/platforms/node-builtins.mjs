// Which Node built-ins an esbuild metafile shows a bundle pulling in, bundled or left external.
import { builtinModules } from 'node:module';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** @param {import('esbuild').Metafile} metafile @returns {string[]} */
export function nodeBuiltinImports(metafile) {
  const paths = [
    ...Object.keys(metafile.inputs),
    ...Object.values(metafile.inputs).flatMap((i) => i.imports.map((x) => x.path)),
    ...Object.values(metafile.outputs).flatMap((o) => o.imports.map((x) => x.path)),
  ];
  return [...new Set(paths.filter((p) => builtins.has(p) || p.startsWith('node:')))].sort();
}
