// Reading the text from stdin, and batch extraction killed mid-run (SIGKILL, no chance to clean up) loses no finished line, and a rerun
// completes the rest without repeating an id. The CLI runs in a child process, bundled from the sources.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { REPO } from '../paths.js';
import { writeRandomModel } from '../bench/random-model-file.js';

const N = 40;
let dir: string, runner: string, model: string, input: string;
const schema = resolve(REPO, 'examples/person.schema.json');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jsonlm-batch-'));
  // Inside node_modules, so the bundle's external packages resolve from the repository.
  const out = join(REPO, 'node_modules/.cache/jsonlm-tests');
  mkdirSync(out, { recursive: true });
  await build({ entryPoints: [join(REPO, 'cli/main.ts')], outfile: join(out, 'cli.mjs'), bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
  runner = join(out, 'run-cli.mjs');
  writeFileSync(runner, "import { main } from './cli.mjs';\nprocess.exitCode = await main(process.argv.slice(2));\n");
  model = writeRandomModel(11);
  input = join(dir, 'docs.jsonl');
  writeFileSync(input, Array.from({ length: N }, (_, i) => JSON.stringify({ id: `doc-${i}`, text: `Person number ${i} is ${20 + i} years old.` })).join('\n') + '\n');
});

const args = (output: string) => [runner, 'extract', '--schema', schema, '--model', model, '--input', input, '--output', output, '--temperature', '1'];
const readLines = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');

describe('batch extraction interrupted by SIGKILL', () => {
  it('keeps every finished line and resumes without repeating ids', async () => {
    const output = join(dir, 'out.jsonl');
    const child = spawn(process.execPath, args(output), { stdio: 'ignore' });
    // Kill it once a few lines are written (poll the file), before it can finish.
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        const lines = readLines(output).split('\n').filter(Boolean).length;
        if (lines >= 3) { clearInterval(timer); child.kill('SIGKILL'); }
      }, 5);
      child.on('exit', () => { clearInterval(timer); done(); });
      child.on('error', fail);
    });
    const before = readLines(output);
    const finished = before.split('\n').filter(Boolean);
    expect(finished.length).toBeGreaterThanOrEqual(3);
    expect(finished.length).toBeLessThan(N); // really interrupted
    for (const l of finished.slice(0, -1)) expect(() => JSON.parse(l)).not.toThrow();

    const rerun = spawnSync(process.execPath, args(output), { encoding: 'utf8' });
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/resuming: \d+ of 40 documents already/);
    const after = readLines(output);
    const complete = before.endsWith('\n') ? before : before.slice(0, before.lastIndexOf('\n') + 1);
    expect(after.startsWith(complete)).toBe(true); // finished lines untouched
    const lines = after.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(N);
    expect(new Set(lines.map((l) => l.id))).toEqual(new Set(Array.from({ length: N }, (_, i) => `doc-${i}`)));
    expect(lines.every((l) => l.valid === true)).toBe(true);
  });

  it('--output /dev/stdout into a pipe writes every line and ends (it never reads its own stdout back)', () => {
    const quoted = [process.execPath, ...args('/dev/stdout'), '--temperature', '0'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('sh', ['-c', `${quoted} | cat`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal, 'hung reading its own stdout').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).id)).toHaveLength(N);
    // Stdout a socket (how node pipes a child's output): /dev/stdout cannot be opened there, fd 1 is used.
    const direct = spawnSync(process.execPath, [...args('/dev/stdout'), '--temperature', '0'], { encoding: 'utf8', timeout: 60_000 });
    expect(direct.status, direct.stderr).toBe(0);
    const values = (out: string) => out.trim().split('\n').map((l) => { const o = JSON.parse(l); return [o.id, o.value]; });
    expect(values(direct.stdout)).toEqual(values(r.stdout));
  });

  it('two runs on one output at the same time: one writes, the other is refused; no id is written twice', async () => {
    const output = join(dir, 'shared-out.jsonl');
    const start = () => new Promise<{ code: number | null; err: string }>((done) => {
      const child = spawn(process.execPath, args(output), { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => { err += d; });
      child.on('exit', (code) => done({ code, err }));
    });
    const results = await Promise.all([start(), start()]);
    const refused = results.filter((r) => r.code === 9);
    expect(results.filter((r) => r.code === 0).length + refused.length, results.map((r) => r.err).join('\n')).toBe(2);
    for (const r of refused) expect(r.err).toMatch(/being written by another jsonlm run \(pid \d+\)/);
    const ids = readLines(output).trim().split('\n').map((l) => JSON.parse(l).id);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    expect(existsSync(`${output}.lock`)).toBe(false);
  });

  it('single mode reads the text from stdin when neither --text nor --input is given', () => {
    const r = spawnSync(process.execPath, [runner, 'extract', '--schema', schema, '--model', model], { input: 'Ann Lee is 40.', encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['full_name', 'age', 'city', 'email']);
    expect(r.stderr).toMatch(/valid: yes/);
  });
});
