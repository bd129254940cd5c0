#!/usr/bin/env node
// Serves the web page (dist/web, built by `npm run build`) on 127.0.0.1 only.
// usage: node scripts/platforms/serve-web.mjs [--port 8080] [--idle-minutes N]
//   --idle-minutes N   stop by itself after N minutes without a request (default: run until Ctrl-C)
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(name); return i >= 0 && args[i + 1] ? args[i + 1] : d; };
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: node scripts/platforms/serve-web.mjs [--port 8080] [--idle-minutes N]');
  process.exit(0);
}
const web = join(root, 'dist/web');
if (!existsSync(join(web, 'app.js'))) {
  console.error('dist/web is missing: run `npm run build` first');
  process.exit(1);
}
const port = Number(opt('--port', process.env.PORT ?? 8080)); // 0: any free port
const idleMs = Number(opt('--idle-minutes', 0)) * 60_000;
// The bundled default model (models/default), offered by the page as a one-click choice when present.
const models = join(root, 'models/default');
const server = await startServer({
  mounts: { '/': web, '/models/default/': models }, listings: { '/models/default/index.json': models }, port, idleMs, quiet: false,
});
console.log(`jsonlm web page: ${server.url}/  (127.0.0.1 only; Ctrl-C to stop)`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close().then(() => process.exit(0)));
