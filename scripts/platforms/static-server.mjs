// A small static file server for the web page and the browser tests. It binds 127.0.0.1 only, serves
// GET/HEAD of files under the mounted folders (no directory listings, no path escapes), and can stop by
// itself after a period without requests.
import { createServer } from 'node:http';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * @param {{ mounts: Record<string, string>, listings?: Record<string, string>, port?: number, idleMs?: number, quiet?: boolean, isolate?: boolean }} opts
 *   mounts: URL prefix ('/' or '/models/') -> folder or single file on disk.
 *   idleMs: stop after this long without a request (0: never).
 *   listings: URL -> folder: answers a JSON array of { name, size } for the folder's plain files (how the
 *   page finds the bundled default model).
 *   isolate: send COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer: the Stop button's
 *   flag that the worker reads between tokens).
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startServer({ mounts, listings = {}, port = 0, idleMs = 0, quiet = true, isolate = true }) {
  const table = Object.entries(mounts)
    .map(([prefix, path]) => [prefix, resolve(path)])
    .sort((a, b) => b[0].length - a[0].length);
  let idleTimer;
  const server = createServer((req, res) => {
    if (idleMs) { clearTimeout(idleTimer); idleTimer = setTimeout(() => close(), idleMs); idleTimer.unref?.(); }
    // DNS rebinding: a page on evil.example whose name is made to resolve to 127.0.0.1 would reach this
    // server with its own name in the Host header; only the loopback names are served.
    if (!isLocalHost(req.headers.host)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden: this server answers only to localhost, 127.0.0.1 or [::1]\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
    let pathname;
    try { pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname); } catch { res.writeHead(400).end(); return; }
    const isolation = isolate ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    if (Object.hasOwn(listings, pathname)) {
      let files = [];
      try {
        files = readdirSync(listings[pathname], { withFileTypes: true }).filter((d) => d.isFile())
          .map((d) => ({ name: d.name, size: statSync(join(listings[pathname], d.name)).size }));
      } catch { /* a missing folder lists nothing */ }
      res.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store', ...isolation });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(files));
      return;
    }
    const file = lookup(table, pathname);
    let stat;
    try { stat = file && statSync(file); } catch { stat = undefined; }
    if (!stat || !stat.isFile()) {
      if (!quiet) console.error(`404 ${pathname}`);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': stat.size,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...isolation,
    });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  await new Promise((ok, fail) => {
    server.once('error', (e) => {
      if (e.code === 'EADDRINUSE') fail(new Error(`port ${port} on 127.0.0.1 is already in use (another server?): stop it or pick another with --port N (0: any free port)`));
      else if (e.code === 'EACCES') fail(new Error(`no permission to listen on port ${port}: pick a port above 1023 with --port N`));
      else fail(e);
    });
    server.listen(port, '127.0.0.1', ok);
  });
  const actual = server.address().port;
  let closed;
  function close() {
    closed ??= new Promise((ok) => { clearTimeout(idleTimer); server.close(() => ok()); server.closeAllConnections?.(); });
    return closed;
  }
  if (idleMs) { idleTimer = setTimeout(() => close(), idleMs); idleTimer.unref?.(); }
  return { url: `http://127.0.0.1:${actual}`, port: actual, close };
}

function lookup(table, pathname) {
  for (const [prefix, base] of table) {
    if (prefix.endsWith('/') ? !pathname.startsWith(prefix) : pathname !== prefix) continue;
    if (!prefix.endsWith('/')) return base; // a single file
    let rest = pathname.slice(prefix.length);
    if (rest === '' || rest.endsWith('/')) rest += 'index.html';
    const file = normalize(join(base, rest));
    if (file !== base && !file.startsWith(base + sep)) return undefined;
    return file;
  }
  return undefined;
}

/** True for a Host header naming the loopback interface (with any port). */
export function isLocalHost(host) {
  if (typeof host !== 'string') return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]';
}
