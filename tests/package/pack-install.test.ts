// What a user does: `npm pack`, install the tarball into an empty project with only the runtime
// dependencies (offline, from the npm cache), then run `npx jsonlm extract`, a JavaScript consumer and a
// TypeScript consumer (tsc --noEmit against the shipped declarations). Results must equal the repository
// CLI's, so the tarball alone is enough to run the package.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../paths.js';
import { installConsumer, packRepository, type Packed } from './consumer-project.js';

const SCHEMA = join(REPO, 'examples/person.schema.json');
const INPUT = join(REPO, 'examples/person.txt');

let packed: Packed;
let project: string;
let repoCliValue: unknown;

beforeAll(() => {
  packed = packRepository();
  project = installConsumer(packed);
  repoCliValue = JSON.parse(execFileSync(process.execPath, [join(REPO, 'bin/jsonlm.mjs'), 'extract', '--schema', SCHEMA, '--input', INPUT],
    { encoding: 'utf8', timeout: 60_000 }));
}, 180_000);

afterAll(() => {
  if (packed) rmSync(packed.dir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds only the bundles, their declarations, the default model and the docs', () => {
    const allowed = [
      /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^bin\/jsonlm\.mjs$/,
      /^dist\/(cli|jsonlm\.node|jsonlm\.browser)\.mjs$/, /^dist\/types\/.+\.d\.ts$/, /^models\/default\/[^/]+$/,
    ];
    const unexpected = packed.files.filter((f) => !allowed.some((re) => re.test(f)));
    expect(unexpected).toEqual([]);
    for (const f of ['LICENSE', 'dist/cli.mjs', 'dist/types/node.d.ts', 'dist/types/index.d.ts', 'models/default/model.safetensors', 'models/default/MODEL_CARD.md']) {
      expect(packed.files).toContain(f);
    }
  });

  it('installs with no dev dependency and no build step', () => {
    for (const dev of ['tinybench', 'typescript', 'esbuild', 'assemblyscript', 'vitest', 'openai']) {
      expect(existsSync(join(project, 'node_modules', dev)), dev).toBe(false);
    }
    expect(existsSync(join(project, 'node_modules/jsonlm/dist/cli.mjs'))).toBe(true);
  });

  it('runs `npx jsonlm extract` with the bundled model, as the repository CLI does', () => {
    const r = spawnSync('npx', ['--offline', 'jsonlm', 'extract', '--schema', SCHEMA, '--input', INPUT],
      { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toContain('valid: yes');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(repoCliValue);
  });

  it('runs eval, generate and convert from the tarball too (no command needs a dev dependency)', () => {
    const cli = (args: string[]) => spawnSync('npx', ['--offline', 'jsonlm', ...args], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    const data = join(project, 'two.jsonl');
    writeFileSync(data, readFileSync(join(REPO, 'bench/edgejson/data/test.jsonl'), 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
    const evalRun = cli(['eval', '--data', data]);
    expect(evalRun.stderr + evalRun.stdout).toMatch(/JSONExact|valid/i);
    expect(evalRun.status).toBe(0);
    const gen = cli(['generate', '--model', 'node_modules/jsonlm/models/default', '--prompt', 'Hello', '--steps', '4']);
    expect(gen.status).toBe(0);
    const convert = cli(['convert', 'node_modules/jsonlm/models/default', 'default.gguf', '--type', 'q8_0']);
    expect(convert.status).toBe(0);
    expect(statSync(join(project, 'default.gguf')).size).toBeGreaterThan(1_000_000);
  });

  it('bundles import only Node built-ins and runtime dependencies at load time', () => {
    const runtime = Object.keys(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).dependencies);
    for (const bundle of ['dist/cli.mjs', 'dist/jsonlm.node.mjs']) {
      const code = readFileSync(join(project, 'node_modules/jsonlm', bundle), 'utf8');
      const imported = [...code.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]);
      expect(imported.length, bundle).toBeGreaterThan(0);
      const foreign = imported.filter((spec) => !spec.startsWith('node:') && !runtime.some((dep) => spec === dep || spec.startsWith(`${dep}/`)));
      expect(foreign, bundle).toEqual([]);
    }
  });

  it('gives the CLI a clear error for a missing schema file', () => {
    const r = spawnSync('npx', ['--offline', 'jsonlm', 'extract', '--schema', 'nope.json', '--text', 'x'],
      { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('nope.json');
  });

  it('serves a JavaScript consumer: extract() without a model, loadDefaultModel(), the browser entry from bytes', () => {
    writeFileSync(join(project, 'consumer.mjs'), `
import { readFileSync } from 'node:fs';
import { extract, loadDefaultModel, defaultModelDir } from 'jsonlm';
import * as browser from 'jsonlm/browser';
const [schemaPath, inputPath] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const text = readFileSync(inputPath, 'utf8');
const implicit = await extract({ text, schema });
const explicit = await extract({ text, schema, model: await loadDefaultModel() });
const files = Object.fromEntries(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']
  .map((f) => [f, readFileSync(defaultModelDir() + f)]));
const fromBytes = await browser.extract({ text, schema, model: await browser.loadDefaultModel({ files }) });
console.log(JSON.stringify({ implicit: implicit.value, valid: implicit.valid, explicit: explicit.value, fromBytes: fromBytes.value }));
`);
    const out = JSON.parse(execFileSync(process.execPath, ['consumer.mjs', SCHEMA, INPUT], { cwd: project, encoding: 'utf8', timeout: 60_000 }));
    expect(out.valid).toBe(true);
    expect(out.implicit).toEqual(repoCliValue);
    expect(out.explicit).toEqual(repoCliValue);
    expect(out.fromBytes).toEqual(repoCliValue);
  });

  it('type-checks a TypeScript consumer against the shipped declarations (nodenext, strict, no skipLibCheck)', () => {
    writeFileSync(join(project, 'consumer.ts'), `
import { extract, loadDefaultModel, type ExtractResult, type Model } from 'jsonlm';
import { loadDefaultModel as loadInBrowser } from 'jsonlm/browser';

const model: Model = await loadDefaultModel();
const result: ExtractResult = await extract({ text: 'Ann, 31', schema: { type: 'object' }, model });
const valid: boolean = result.valid;
const implicit = await extract({ text: 'Ann, 31', schema: { type: 'object' }, options: { copyBias: 4 } });
await loadInBrowser({ url: 'https://example.test/models/default/' });
// The declarations are real types, not any: each of these must be an error.
// @ts-expect-error: text is required
await extract({ schema: {} });
// @ts-expect-error: valid is a boolean
const notAString: string = result.valid;
// @ts-expect-error: loadDefaultModel takes a URL or files, not a number
await loadDefaultModel(42);
export { valid, implicit, notAString };
`);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false,
        lib: ['ES2022'], types: ['node'], typeRoots: [join(REPO, 'node_modules/@types')],
      },
      files: ['consumer.ts'],
    }));
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
