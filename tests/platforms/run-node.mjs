// Runs the bundled platform fingerprint in whatever Node runs this file (x86-64 natively, arm64 under
// qemu-user) and prints the report as one JSON line on stdout.
// usage: node run-node.mjs BUNDLE.mjs [STORIES260K.bin [TOK512.bin]]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const [bundle, stories, tokenizer] = process.argv.slice(2);
const { runFingerprints } = await import(pathToFileURL(bundle).href);
const inputs = {};
if (stories) inputs.stories260K = new Uint8Array(readFileSync(stories));
if (tokenizer) inputs.stories260KTokenizer = new Uint8Array(readFileSync(tokenizer));
// Worker threads for the thread-count entries (as engine/worker-host-node.ts, which the browser-safe bundle
// cannot import).
inputs.workerHost = {
  name: 'node worker_threads',
  start: (source, data) => new Promise((resolve, reject) => {
    const w = new Worker(`${source}\nconst { workerData, parentPort } = require('node:worker_threads');\n` +
      'kernelsWorkerMain(workerData, () => parentPort.postMessage("ready"));', { eval: true, workerData: data });
    w.once('message', () => { w.unref(); resolve({ terminate: () => void w.terminate() }); });
    w.once('error', reject);
  }),
};
const report = await runFingerprints(`node ${process.version} ${process.arch}`, inputs);
process.stdout.write(JSON.stringify(report) + '\n');
