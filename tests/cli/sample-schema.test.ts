// `jsonlm sample-schema`: one ajv-valid JSON document per line; a schema the grammar refuses exits 1
// with the reason.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/sample-schema.js';
import { createValidator } from '../../grammar/index.js';
import { main } from '../../cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'jsonlm-sample-'));

function schemaFile(name: string, schema: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(schema));
  return path;
}

afterEach(() => vi.restoreAllMocks());

describe('jsonlm sample-schema', () => {
  it('prints --count documents, each valid', async () => {
    const schema = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 9 }, tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 2 } }, required: ['id'] };
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
    const code = await run(['--schema', schemaFile('ok.json', schema), '--count', '5', '--seed', '3']);
    expect(code).toBe(0);
    expect(lines).toHaveLength(5);
    const validate = createValidator(schema);
    for (const line of lines) expect(validate(JSON.parse(line))).toBe(true);
  });

  it('the same seed draws the same documents', async () => {
    const file = schemaFile('seed.json', { type: 'array', items: { type: 'string', maxLength: 6 }, maxItems: 3 });
    const draw = async () => {
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
      await run(['--schema', file, '--count', '3', '--seed', '11']);
      spy.mockRestore();
      return lines;
    };
    expect(await draw()).toEqual(await draw());
  });

  it('exits 1 naming keyword and pointer for a schema it cannot compile', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => { errors.push(line); });
    const code = await main(['sample-schema', '--schema', schemaFile('bad.json', { type: 'object', properties: { a: { not: { type: 'null' } } } })]);
    expect(code).toBe(1);
    expect(errors.join('\n')).toContain('not at #/properties/a');
  });

  it('draws draft-06 documents (ajv used to refuse the draft-06 meta-schema: exit 1)', async () => {
    const schema = { $schema: 'http://json-schema.org/draft-06/schema#', type: 'array', items: { type: 'integer', exclusiveMinimum: 0 }, maxItems: 3 };
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
    expect(await run(['--schema', schemaFile('d6.json', schema), '--count', '3'])).toBe(0);
    expect(lines).toHaveLength(3);
  });

  it('a self-referencing $ref and 2,000-deep nesting exit 1 with the reason, not a stack overflow', async () => {
    let deep: unknown = { type: 'string' };
    for (let i = 0; i < 2000; i++) deep = { type: 'array', items: deep };
    for (const [name, schema, expected] of [['self.json', { $ref: '#' }, '$ref at #'], ['deep.json', deep, 'nested more than']] as const) {
      const errors: string[] = [];
      const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => { errors.push(line); });
      expect(await main(['sample-schema', '--schema', schemaFile(name, schema)])).toBe(1);
      spy.mockRestore();
      expect(errors.join('\n')).toContain(expected);
      expect(errors.join('\n')).not.toMatch(/call stack/);
    }
  });
});
