// The web page's server (scripts/platforms/serve-web.mjs, `npm run web`): bad flags and a port in use are
// one-line errors (no stack trace), and only requests naming a loopback host are served (DNS rebinding).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../paths.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { isLocalHost, startServer } from '../../scripts/platforms/static-server.mjs';

const SCRIPT = join(REPO, 'scripts/platforms/serve-web.mjs');
const serve = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 30_000 });

function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path: '/a.txt', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => done({ status: res.statusCode!, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('serve-web', () => {
  it('bad flags exit 2 with a message naming the flag, no stack trace', () => {
    for (const [args, message] of [[['--port', 'abc'], /--port must be an integer in 0\.\.65535, got 'abc'/], [['--port', '70000'], /--port must be/],
      [['--idle-minutes', 'abc'], /--idle-minutes must be a number >= 0, got 'abc'/], [['--idle-minutes', '-1'], /--idle-minutes must be/],
      [['--bogus'], /unknown argument '--bogus'/], [['--port'], /--port needs a value/]] as const) {
      const r = serve(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a port in use is a one-line error, from startServer and from the script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonlm-serve-'));
    const first = await startServer({ mounts: { '/': dir } });
    try {
      await expect(startServer({ mounts: { '/': dir }, port: first.port })).rejects.toThrow(new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is already in use`));
      if (existsSync(join(REPO, 'dist/web/app.js'))) {
        const r = serve('--port', String(first.port));
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/is already in use/);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      await first.close();
    }
  });

  it('answers only requests whose Host is a loopback name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonlm-serve-'));
    writeFileSync(join(dir, 'a.txt'), 'hello');
    const server = await startServer({ mounts: { '/': dir } });
    try {
      for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, 'LOCALHOST', `[::1]:${server.port}`]) {
        expect(await get(server.port, host), host).toEqual({ status: 200, body: 'hello' });
      }
      for (const host of [`evil.example:${server.port}`, 'evil.example', '127.0.0.1.evil.example', 'localhost.evil.example:80']) {
        expect((await get(server.port, host)).status, host).toBe(403);
      }
    } finally {
      await server.close();
    }
    expect([isLocalHost(undefined), isLocalHost(''), isLocalHost('127.0.0.2')]).toEqual([false, false, false]);
  });
});
