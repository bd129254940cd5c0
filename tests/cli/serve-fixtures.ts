// Shared by the serve tests: a small schema, texts for it, and the repository CLI's answers for them
// (one batch run of `jsonlm extract`), which every server answer must equal.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../paths.js';

export const SCHEMA = {
  type: 'object',
  properties: { full_name: { type: 'string', maxLength: 40 }, age: { type: 'integer', minimum: 0 } },
  required: ['full_name', 'age'],
  additionalProperties: false,
};

export const TEXTS = [
  'Grace Kim is 29 years old.',
  'Kenji Tanaka, aged 52, signed up last week.',
  'Our new tenant, Maria Lopez (34), moved in on Monday.',
  'Tom Berg turned 41 in May.',
  'Age 63: Ruth Adler, retired teacher.',
  'Ali Hassan is a 19-year-old student.',
  'Contact: Lena Novak, 27.',
  'Peter Olsen, who is 45, called twice.',
];

/** The CLI's value for each text (same defaults: greedy, seed 0, the bundled model's decoding). */
export function cliValues(): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), 'jsonlm-serve-'));
  try {
    writeFileSync(join(dir, 'schema.json'), JSON.stringify(SCHEMA));
    writeFileSync(join(dir, 'in.jsonl'), TEXTS.map((text, i) => JSON.stringify({ id: `t${i}`, text })).join('\n') + '\n');
    execFileSync(process.execPath, [join(REPO, 'bin/jsonlm.mjs'), 'extract', '--schema', join(dir, 'schema.json'),
      '--input', join(dir, 'in.jsonl'), '--output', join(dir, 'out.jsonl')], { stdio: 'pipe', timeout: 120_000 });
    const byId = new Map(readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { id: string; value: unknown }).map((r) => [r.id, r.value]));
    return TEXTS.map((_, i) => byId.get(`t${i}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function chatBody(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'default',
    messages: [{ role: 'system', content: 'Extract the person.' }, { role: 'user', content: text }],
    response_format: { type: 'json_schema', json_schema: { name: 'person', schema: SCHEMA, strict: true } },
    ...extra,
  };
}
