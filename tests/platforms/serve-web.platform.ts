// `node scripts/platforms/serve-web.mjs` (npm run web): serves dist/web on 127.0.0.1 only, with the
// cross-origin isolation headers, the bundled-model listing, no path escapes, and stops on SIGTERM.
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../paths.js';

describe('serve-web', () => {
  test('serves the built page on 127.0.0.1 and stops on SIGTERM', async () => {
    expect(existsSync(join(REPO, 'dist/web/app.js')), 'dist/web is built by `npm run build` (npm test builds it first)').toBe(true);
    const child = spawn(process.execPath, [join(REPO, 'scripts/platforms/serve-web.mjs'), '--port', '0', '--idle-minutes', '2'], { cwd: REPO });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        const timer = setTimeout(() => fail(new Error(`no URL printed: ${out}`)), 20_000);
        child.stdout.on('data', (d) => {
          out += d;
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (m) { clearTimeout(timer); ok(m[0]); }
        });
        child.on('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
      });
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(await page.text()).toContain('<script type="module" src="./app.js">');
      for (const f of ['app.js', 'worker.js', 'style.css']) expect((await fetch(`${url}/${f}`)).status).toBe(200);
      const listing = await fetch(`${url}/models/default/index.json`);
      expect(listing.status).toBe(200);
      expect(Array.isArray(await listing.json())).toBe(true);
      expect((await fetch(`${url}/%2e%2e/package.json`)).status).toBe(404);
      expect((await fetch(`${url}/..%2fpackage.json`)).status).toBe(404);
      expect((await fetch(`${url}/`, { method: 'POST' })).status).toBe(405);
    } finally {
      if (child.exitCode === null) { // still running (if not, the failure above says why)
        const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    }
  });
});
