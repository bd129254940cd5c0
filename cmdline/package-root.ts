// Where the package's own files (models/default, bench data) are, for the commands and the benchmarks.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository / package root (this file is cmdline/package-root.ts in the sources, dist/cli.mjs when bundled). */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}
