// `jsonlm bench grammar` over a folder: per-schema failures (invalid JSON, refusals, a schema that runs
// past its deadline) are counted and the run goes on; draft-06 schemas are measured, not aborted on.
// Runs the built CLI (dist/cli.mjs, built by `npm test`'s pretest), since each schema runs in a worker.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../paths.js';

const dir = mkdtempSync(join(tmpdir(), 'jsonlm-bench-grammar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, content: unknown): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
}

function bench(args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/jsonlm.mjs'), 'bench', 'grammar', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('jsonlm bench grammar --schemas FOLDER', () => {
  it('counts invalid, refused and draft-06 schemas per subset and goes on', () => {
    write('corpus/easy/a.json', { type: 'object', properties: { n: { type: 'integer', minimum: 0 } }, required: ['n'] });
    write('corpus/easy/b-draft06.json', { $schema: 'http://json-schema.org/draft-06/schema#', type: 'integer', exclusiveMinimum: 5 });
    write('corpus/easy/c-not-json.json', '{"type": ');
    write('corpus/hard/d-refused.json', { not: { type: 'string' } });
    write('corpus/hard/e-cycle.json', { $ref: '#' });
    write('corpus/hard/f.json', { type: 'array', items: { enum: ['x', 'y'] }, maxItems: 3 });
    const json = join(dir, 'report.json');
    const r = bench(['--schemas', join(dir, 'corpus'), '--docs', '3', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| easy \| 3 \| 2 \| 0 \| 1 \| 0 \| 0 \|/);
    expect(r.stdout).toMatch(/\| hard \| 3 \| 1 \| 2 \| 0 \| 0 \| 0 \|/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.overall).toMatchObject({ schemas: 6, compiled: 3, refused: 2, invalid: 1, crash: 0, timeout: 0, rejected: 0 });
    const byName = Object.fromEntries(report.schemas.map((s: { schema: string }) => [s.schema, s]));
    expect(byName['easy/b-draft06.json'].outcome).toBe('compiled');
    expect(byName['easy/b-draft06.json'].valid).toBe(byName['easy/b-draft06.json'].finished);
    expect(byName['hard/e-cycle.json'].reason).toMatch(/^\$ref: .*infinite recursion/);
    expect(Object.keys(report.refusalReasons).length).toBe(3);
  });

  it('stops a schema that runs past --timeout, counts it, and measures the next one', () => {
    // Eight different patterns of ~20,000 DFA states each: legal, but seconds of compile work.
    const properties: Record<string, unknown> = {};
    for (const c of 'abcdefgh') properties[c] = { type: 'string', pattern: `^[a-h]*${c}[a-h]{13}$` };
    write('slow/1-runaway.json', { type: 'object', properties, required: Object.keys(properties) });
    write('slow/2-quick.json', { type: 'boolean' });
    const r = bench(['--schemas', join(dir, 'slow'), '--docs', '2', '--timeout', '1']);
    expect(r.code).toBe(1); // a timeout fails the run's verdict, but not the run
    expect(r.stderr).toMatch(/1-runaway\.json: timeout: stopped after 1 s/);
    expect(r.stdout).toMatch(/2-quick\.json +\d/);
    expect(r.stdout).toMatch(/\| slow \| 2 \| 1 \| 0 \| 0 \| 0 \| 1 \|/);
  });

  it('a list file still works, and a missing --schemas is a usage error', () => {
    write('list.txt', 'corpus/easy/a.json\n# a comment\n');
    const r = bench(['--schemas', join(dir, 'list.txt'), '--docs', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| easy \| 1 \| 1 \|/);
    expect(bench([]).code).toBe(2);
    expect(bench(['--schemas', join(dir, 'nope')]).code).toBe(2);
  });
});
