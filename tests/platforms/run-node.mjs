// Runs the bundled platform fingerprint in whatever Node runs this file (x86-64 natively, arm64 under
// qemu-user) and prints the report as one JSON line on stdout.
// usage: node run-node.mjs BUNDLE.mjs [STORIES260K.bin [TOK512.bin]]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, stories, tokenizer] = process.argv.slice(2);
const { runFingerprints } = await import(pathToFileURL(bundle).href);
const inputs = {};
if (stories) inputs.stories260K = new Uint8Array(readFileSync(stories));
if (tokenizer) inputs.stories260KTokenizer = new Uint8Array(readFileSync(tokenizer));
const report = await runFingerprints(`node ${process.version} ${process.arch}`, inputs);
process.stdout.write(JSON.stringify(report) + '\n');
