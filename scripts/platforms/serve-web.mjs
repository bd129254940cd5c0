#!/usr/bin/env node
// Serves the web page (dist/web, built by `npm run build`) on 127.0.0.1 only.
// usage: node scripts/platforms/serve-web.mjs [--port 8080] [--idle-minutes N]
//   --idle-minutes N   stop by itself after N minutes without a request (default: run until Ctrl-C)
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const USAGE = 'usage: node scripts/platforms/serve-web.mjs [--port 8080] [--idle-minutes N]';
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
function usageError(message) {
  console.error(`serve-web: ${message}\n${USAGE}`);
  process.exit(2);
}
const flags = { '--port': process.env.PORT ?? '8080', '--idle-minutes': '0' };
for (let i = 0; i < args.length; i++) {
  const [name, inline] = args[i].split(/=(.*)/s, 2);
  if (!Object.hasOwn(flags, name)) usageError(`unknown argument '${args[i]}'`);
  const value = inline ?? args[++i];
  if (value === undefined) usageError(`${name} needs a value`);
  flags[name] = value;
}
const port = /^\d+$/.test(flags['--port']) ? Number(flags['--port']) : NaN; // 0: any free port
if (!(port >= 0 && port <= 65535)) usageError(`--port must be an integer in 0..65535, got '${flags['--port']}'`);
const idleMinutes = flags['--idle-minutes'].trim() === '' ? NaN : Number(flags['--idle-minutes']);
if (!(idleMinutes >= 0 && Number.isFinite(idleMinutes))) usageError(`--idle-minutes must be a number >= 0, got '${flags['--idle-minutes']}'`);
const idleMs = idleMinutes * 60_000;
const web = join(root, 'dist/web');
if (!existsSync(join(web, 'app.js'))) {
  console.error('dist/web is missing: run `npm run build` first');
  process.exit(1);
}
// The bundled default model (models/default), offered by the page as a one-click choice when present.
const models = join(root, 'models/default');
let server;
try {
  server = await startServer({
    mounts: { '/': web, '/models/default/': models }, listings: { '/models/default/index.json': models }, port, idleMs, quiet: false,
  });
} catch (e) {
  console.error(`serve-web: ${e.message}`);
  process.exit(1);
}
console.log(`jsonlm web page: ${server.url}/  (127.0.0.1 only; Ctrl-C to stop)`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close().then(() => process.exit(0)));
