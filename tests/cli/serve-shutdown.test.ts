// `jsonlm serve` as a process: SIGTERM with a queue full of requests finishes the running one, answers
// every queued one 503 (none lost, none left hanging), and exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../paths.js';
import { cliValues, SCHEMA, TEXTS } from './serve-fixtures.js';

let expected: unknown[];
beforeAll(() => { expected = cliValues(); }, 120_000);

const children: ReturnType<typeof spawn>[] = [];
afterAll(() => { for (const c of children) if (c.exitCode === null) c.kill('SIGKILL'); });

describe('jsonlm serve: shutdown', () => {
  it('on SIGTERM finishes the running request, answers the queued ones 503, and exits 0', async () => {
    const child = spawn(process.execPath, [join(REPO, 'bin/jsonlm.mjs'), 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (c) => { stderr += c; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no 'listening' line: ${stderr}`)), 60_000);
      child.stderr!.on('data', () => {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
    });
    const base = `http://127.0.0.1:${port}`;

    const n = 16;
    let answered = 0;
    const answers = Array.from({ length: n }, (_, i) => fetch(`${base}/v1/extract`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: TEXTS[i % TEXTS.length], schema: SCHEMA }),
    }).then(async (r) => ({ i, status: r.status, json: await r.json() as any })).finally(() => { answered++; }));
    // Wait until every request is inside the server (answered, running or queued), then stop it: one still
    // in the listen backlog would be reset, not refused, when the server stops listening.
    for (let t = 0; ; t++) {
      const done = answered;
      const h = await (await fetch(`${base}/health`)).json() as { running: boolean; queued: number };
      if (h.running && h.queued > 0 && done + 1 + h.queued >= n) break;
      if (t > 600) throw new Error(`requests never queued: ${JSON.stringify(h)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGTERM');
    const results = await Promise.all(answers);
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 503);
    expect(ok.length + refused.length).toBe(n);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of ok) expect(r.json.value).toEqual(expected[r.i % TEXTS.length]);
    for (const r of refused) expect(r.json.error).toMatchObject({ code: 'shutting_down', message: expect.stringMatching(/shutting down/) });
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/SIGTERM/);
    expect(stderr).toMatch(/stopped/);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  }, 120_000);

  it('bad flags are usage errors (exit 2) naming the flag; a missing model is exit 3', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin/jsonlm.mjs'), 'serve', ...args], { encoding: 'utf8', timeout: 30_000 });
    const cases: [string[], number, RegExp][] = [
      [['--port', 'abc'], 2, /--port must be an integer/],
      [['--port', '70000'], 2, /--port must be <= 65535/],
      [['--max-body-bytes', '0'], 2, /--max-body-bytes must be >= 1/],
      [['--frobnicate'], 2, /frobnicate/],
      [['--model', 'no-such-model.gguf'], 3, /model not found: no-such-model\.gguf/],
    ];
    for (const [args, code, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(message);
    }
  });

  it('refuses a port in use with a clear error', async () => {
    const first = spawn(process.execPath, [join(REPO, 'bin/jsonlm.mjs'), 'serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(first);
    let log = '';
    first.stderr!.on('data', (c) => { log += c; });
    const port = await new Promise<string>((resolve) => first.stderr!.on('data', () => { const m = /:(\d+) \(/.exec(log); if (m) resolve(m[1]); }));
    const second = spawn(process.execPath, [join(REPO, 'bin/jsonlm.mjs'), 'serve', '--port', port], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(second);
    let err = '';
    second.stderr!.on('data', (c) => { err += c; });
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    first.kill('SIGTERM');
    expect(await new Promise((resolve) => first.on('exit', resolve))).toBe(0);
  }, 60_000);
});
