#!/usr/bin/env node
// Thin launcher: the CLI is bundled to dist/cli.mjs by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error('jsonlm: dist/cli.mjs is missing; run `npm install` (or `npm run build`) first');
  process.exit(1);
}
// A closed pipe (`jsonlm logits ... | head`) is the reader's choice, not an error: stop quietly.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import(cli);
process.exitCode = await main(process.argv.slice(2));
