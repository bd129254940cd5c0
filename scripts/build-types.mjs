// Type declarations for the published package: dist/types/index.d.ts (browser entry) and node.d.ts (Node
// entry), one .d.ts per source module, emitted by tsc from tsconfig.types.json. Cleared first so a
// removed module leaves no stale declaration behind.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/types');
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.types.json')], { stdio: 'inherit' });

// tsc writes the kernels' base64 literal into the declaration as its type (53 kB); users need `string`.
const wasm = join(out, 'kernels/wasm-bytes.d.ts');
writeFileSync(wasm, readFileSync(wasm, 'utf8').replace(/KERNELS_WASM_BASE64 = "[^"]*"/, 'KERNELS_WASM_BASE64: string'));
console.log('types: dist/types/index.d.ts, dist/types/node.d.ts');
