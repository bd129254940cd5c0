// jsonlm extract through the CLI dispatcher, in-process: the value alone on stdout, timings on stderr,
// one distinct exit code per kind of bad input.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MODELS, REPO } from '../paths.js';
import { main } from '../../cli/main.js';
import { EXIT, progressLine } from '../../cli/extract.js';

const BIN = join(MODELS, 'stories260K/stories260K.bin');
const TOK = join(MODELS, 'stories260K/tok512.bin');
const PERSON = resolve(REPO, 'examples/person.schema.json');
const MODEL = ['--model', BIN, '--tokenizer', TOK];

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const capture = (sink: 'out' | 'err') => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (sink === 'out') out += s; else err += s;
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  }) as typeof process.stdout.write;
  vi.spyOn(process.stdout, 'write').mockImplementation(capture('out'));
  vi.spyOn(process.stderr, 'write').mockImplementation(capture('err'));
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out += a.join(' ') + '\n'; });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err += a.join(' ') + '\n'; });
  try {
    return { code: await main(argv), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}
afterEach(() => vi.restoreAllMocks());

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'jsonlm-extract-')); });
const file = (name: string, content: string) => { const p = join(dir, name); writeFileSync(p, content); return p; };

describe('jsonlm extract', () => {
  it('prints the JSON value alone on stdout, timings and validation on stderr', async () => {
    const r = await cli(['extract', '--schema', PERSON, ...MODEL, '--text', 'Lily is 3 and lives in Paris.', '--max-tokens', '200']);
    expect(r.code, r.err).toBe(EXIT.ok);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(['full_name', 'age', 'city', 'email']);
    expect(r.err).toMatch(/prompt \d+ tokens \(\d+ cached\), prefill \d+ ms, \d+ tokens \(\d+ forced\) in \d+ ms/);
    expect(r.err).toMatch(/valid: yes/);
  });

  it('reads the text from a file', async () => {
    const r = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', file('doc.txt', 'Omar is 51.')]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(JSON.parse(r.out)).toHaveProperty('age');
  });

  it('exit 3: a missing schema, model, tokenizer or input file', async () => {
    for (const argv of [
      ['--schema', join(dir, 'nope.json'), ...MODEL, '--text', 'x'],
      ['--schema', PERSON, '--model', join(dir, 'nope.gguf'), '--text', 'x'],
      ['--schema', PERSON, '--model', BIN, '--tokenizer', join(dir, 'nope.bin'), '--text', 'x'],
      ['--schema', PERSON, ...MODEL, '--input', join(dir, 'nope.txt')],
    ]) {
      const r = await cli(['extract', ...argv]);
      expect(r.code, argv.join(' ')).toBe(EXIT.missingFile);
      expect(r.err).toMatch(/not found: .*nope/);
    }
  });

  it('exit 4: a schema that is not JSON, or not a JSON Schema', async () => {
    let r = await cli(['extract', '--schema', file('bad.json', '{"type": "object",'), ...MODEL, '--text', 'x']);
    expect(r.code).toBe(EXIT.invalidSchema);
    expect(r.err).toMatch(/not valid JSON/);
    r = await cli(['extract', '--schema', file('bad2.json', '{"type": "objekt"}'), ...MODEL, '--text', 'x']);
    expect(r.code).toBe(EXIT.invalidSchema);
    expect(r.err).toMatch(/invalid JSON Schema/);
  });

  it('exit 5: a keyword the grammar cannot enforce, named with its location', async () => {
    const schema = file('not.json', JSON.stringify({ type: 'object', properties: { a: { type: 'string', not: { const: 'x' } } } }));
    const r = await cli(['extract', '--schema', schema, ...MODEL, '--text', 'x']);
    expect(r.code).toBe(EXIT.unsupportedKeyword);
    expect(r.err).toMatch(/not at #\/properties\/a/);
  });

  it('exit 6: text too long for the context', async () => {
    const r = await cli(['extract', '--schema', PERSON, ...MODEL, '--text', 'Lily went to the park. '.repeat(120)]);
    expect(r.code).toBe(EXIT.textTooLong);
    expect(r.err).toMatch(/too long for the model's context/);
  });

  it('exit 7: output that is not schema-valid (token limit, or no grammar)', async () => {
    const r = await cli(['extract', '--schema', PERSON, ...MODEL, '--text', 'Lily.', '--max-tokens', '4']);
    expect(r.code).toBe(EXIT.invalidOutput);
    expect(r.err).toMatch(/valid: no: generation stopped \(token limit of 4\)/);
    const free = await cli(['extract', '--schema', PERSON, ...MODEL, '--text', 'Lily.', '--no-grammar', '--max-tokens', '20']);
    expect(free.code).toBe(EXIT.invalidOutput);
  });

  it('exit 2: bad flags', async () => {
    for (const argv of [['--schema', PERSON, '--bogus'], ['--schema', PERSON, '--seed', 'x', '--text', 'a'], ['--text', 'a'],
      ['--schema', PERSON, '--text', 'a', '--input', PERSON], ['--schema', PERSON, '--text', 'a', '--output', 'o.jsonl'],
      ['--schema', PERSON, '--text', 'a', '--copy-bias', '-1'], ['--schema', PERSON, '--text', 'a', '--copy-bias', 'lots'],
      ['--schema', PERSON, '--text', 'a', '--value-choice', '--no-value-choice'], ['--schema', PERSON, '--text', 'a', '--value-choice=yes']]) {
      const r = await cli(['extract', ...argv]);
      expect(r.code, argv.join(' ')).toBe(EXIT.usage);
    }
    const both = await cli(['extract', '--schema', PERSON, '--text', 'a', '--value-choice', '--no-value-choice']);
    expect(both.err).toMatch(/--value-choice and --no-value-choice contradict each other/);
  });

  it('exit 3 with a clear message when there is no default model and no --model', async () => {
    const { existsSync } = await import('node:fs');
    if (existsSync(resolve(REPO, 'models/default'))) return; // the trained model has shipped: nothing to check here
    const r = await cli(['extract', '--schema', PERSON, '--text', 'x']);
    expect(r.code).toBe(EXIT.missingFile);
    expect(r.err).toMatch(/no default model .*pass --model/);
  });

  it('batch: one line per document, ids kept, a rerun skips finished ids; exit 8 on a malformed line', async () => {
    const input = file('docs.jsonl', ['Lily is 3.', 'Omar is 51.', 'Ann is 40.'].map((t, i) => JSON.stringify({ id: `d${i}`, text: t })).join('\n') + '\n');
    const output = join(dir, 'out.jsonl');
    writeFileSync(output, JSON.stringify({ id: 'd1', value: { done: 'before' }, valid: true }) + '\n{"id": "d2", "val'); // d1 done, d2 torn
    const r = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', input, '--output', output]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.err).toMatch(/resuming: 1 of 3/);
    expect(r.err).toMatch(/\] 2\/2 .* doc\/s ETA/);
    const lines = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['d1', 'd0', 'd2']);
    expect(lines[0].value).toEqual({ done: 'before' });
    expect(lines.slice(1).every((l) => l.valid === true)).toBe(true);
    const again = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', input, '--output', output]);
    expect(again.err).toMatch(/0 extracted, 0 not valid, 3 skipped/);
    const bad = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', file('bad.jsonl', '{"id": 1, "text": "a"}\nnot json\n'), '--output', join(dir, 'o2.jsonl')]);
    expect(bad.code).toBe(EXIT.badInput);
    expect(bad.err).toMatch(/bad\.jsonl:2/);
  });

  it('batch: an output of prose, or with a blank line in the middle, is refused (exit 9) and left untouched', async () => {
    const input = file('docs-r.jsonl', JSON.stringify({ id: 'a', text: 'Ann is 40.' }) + '\n');
    const prose = 'Meeting notes\n\n- keep this\n';
    const notes = file('notes.txt', prose);
    const r = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', input, '--output', notes]);
    expect(r.code, r.err).toBe(EXIT.badOutput);
    expect(r.err).toMatch(/notes\.txt:1: is not a result line/);
    expect(readFileSync(notes, 'utf8')).toBe(prose);
    const gap = `${JSON.stringify({ id: 'x', value: null, valid: true })}\n\n${JSON.stringify({ id: 'y', value: null, valid: true })}\n`;
    const out = file('gap.jsonl', gap);
    const g = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', input, '--output', out]);
    expect(g.code, g.err).toBe(EXIT.badOutput);
    expect(g.err).toMatch(/gap\.jsonl:2: is blank/);
    expect(readFileSync(out, 'utf8')).toBe(gap);
  });

  it('batch: --output equal to --input is refused (exit 9), the input untouched', async () => {
    const content = JSON.stringify({ id: 'a', text: 'Ann is 40.' }) + '\n';
    const input = file('same.jsonl', content);
    const r = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', input, '--output', input]);
    expect(r.code, r.err).toBe(EXIT.badOutput);
    expect(r.err).toMatch(/is the input file/);
    expect(readFileSync(input, 'utf8')).toBe(content);
  });

  it('batch: id-less lines are matched by content, so a document inserted at the top is extracted on rerun', async () => {
    const doc = (t: string) => JSON.stringify({ text: t });
    const input = file('noid.jsonl', [doc('Lily is 3.'), doc('Omar is 51.')].join('\n') + '\n');
    const output = join(dir, 'noid-out.jsonl');
    expect((await cli(['extract', '--schema', PERSON, ...MODEL, '--input', input, '--output', output])).code).toBe(EXIT.ok);
    writeFileSync(input, [doc('Ann is 40.'), doc('Lily is 3.'), doc('Omar is 51.')].join('\n') + '\n');
    const r = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', input, '--output', output]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.err).toMatch(/1 extracted, 0 not valid, 2 skipped/);
    const ids = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^text-[0-9a-f]{16}$/);
  });

  it('batch: a UTF-8 BOM in docs.jsonl or the schema is accepted; an object id is refused naming the line', async () => {
    const schema = file('bom.schema.json', '\uFEFF' + readFileSync(PERSON, 'utf8'));
    const input = file('bom.jsonl', '\uFEFF' + JSON.stringify({ id: 'a', text: 'Ann is 40.' }) + '\n');
    const r = await cli(['extract', '--schema', schema, ...MODEL, '--input', input, '--output', join(dir, 'bom-out.jsonl')]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(join(dir, 'bom-out.jsonl'), 'utf8')).id).toBe('a');
    const objectId = file('objid.jsonl', JSON.stringify({ id: 'a', text: 'x' }) + '\n' + JSON.stringify({ id: { n: 1 }, text: 'y' }) + '\n');
    const bad = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', objectId, '--output', join(dir, 'objid-out.jsonl')]);
    expect(bad.code).toBe(EXIT.badInput);
    expect(bad.err).toMatch(/objid\.jsonl:2: "id" must be a string or a number/);
  });

  it('batch: a full disk exits 1 naming ENOSPC', async () => {
    const { existsSync } = await import('node:fs');
    if (!existsSync('/dev/full')) return;
    const input = file('full.jsonl', JSON.stringify({ id: 'a', text: 'Ann is 40.' }) + '\n');
    const r = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', input, '--output', '/dev/full']);
    expect(r.code).toBe(EXIT.failure);
    expect(r.err).toMatch(/disk is full \(ENOSPC\)/);
  });

  it('clear errors: a negative flag value, --ctx beyond the model, --input a folder', async () => {
    const neg = await cli(['extract', '--schema', PERSON, ...MODEL, '--text', 'a', '--seed', '-1']);
    expect(neg.code).toBe(EXIT.usage);
    expect(neg.err).toMatch(/--seed must be >= 0, got -1/);
    const temp = await cli(['extract', '--schema', PERSON, ...MODEL, '--text', 'a', '--temperature', '-0.5']);
    expect(temp.err).toMatch(/--temperature must be >= 0, got -0.5/);
    const ctx = await cli(['extract', '--schema', PERSON, ...MODEL, '--text', 'a', '--ctx', '99999999']);
    expect(ctx.code).toBe(EXIT.usage);
    expect(ctx.err).toMatch(/--ctx 99999999 is more than this model's context of 512 tokens/);
    const folder = await cli(['extract', '--schema', PERSON, ...MODEL, '--input', dir]);
    expect(folder.code).toBe(EXIT.missingFile);
    expect(folder.err).toMatch(/input file .* is a folder, not a file/);
  });

  it('progress line shows a bar, count, rate and ETA', () => {
    expect(progressLine(5, 20, 10)).toBe('[######..................] 5/20 0.50 doc/s ETA 30s');
    expect(progressLine(0, 20, 0)).toMatch(/0\/20 0\.00 doc\/s ETA \?/);
  });
});
