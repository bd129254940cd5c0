// Node-side drivers for the three environments of the platform tests: Node on this machine (x86-64), arm64
// Node under qemu-user, and Debian's headless Chromium driven by playwright-core. Each runs the same bundle
// of tests/platforms/fingerprint.ts and hands back its FingerprintReport.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO, MODELS } from '../paths.js';
import type { FingerprintReport } from './fingerprint.js';
// @ts-ignore: plain ESM helper without types
import { startServer } from '../../scripts/platforms/static-server.mjs';

export const STORIES_BIN = join(MODELS, 'stories260K', 'stories260K.bin');
export const STORIES_TOKENIZER = join(MODELS, 'stories260K', 'tok512.bin');
export const CHROMIUM = process.env.JSONLM_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

/** Bundles the fingerprint (browser platform: it must run in Chromium and in both Nodes unchanged). */
export async function buildFingerprintBundle(): Promise<{ dir: string; file: string; nodeInputs: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'jsonlm-platforms-'));
  const file = join(dir, 'fingerprint.mjs');
  const result = await build({
    entryPoints: [join(REPO, 'tests/platforms/fingerprint.ts')], outfile: file, bundle: true, format: 'esm',
    platform: 'browser', target: 'es2022', logLevel: 'silent', metafile: true, absWorkingDir: REPO,
  });
  writeFileSync(join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>jsonlm platform fingerprint</title><body>fingerprint\n' +
    '<script type="module">\n' +
    'import { runFingerprints } from "./fingerprint.mjs";\n' +
    'window.fingerprint = async () => {\n' +
    '  const get = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());\n' +
    '  return runFingerprints(`chromium ${navigator.userAgent}`,\n' +
    '    { stories260K: await get("/models/stories260K.bin"), stories260KTokenizer: await get("/models/tok512.bin") });\n' +
    '};\n' +
    '</script></body>\n');
  const nodeInputs = Object.keys(result.metafile!.inputs).filter((p) => p.startsWith('node:') || /^(fs|path|os|crypto|url|child_process)$/.test(p));
  return { dir, file, nodeInputs };
}

/** Runs a command and resolves with stdout; rejects with stderr on failure or after `timeoutMs`. */
export function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); fail(new Error(`${cmd} timed out after ${timeoutMs} ms\n${err}`)); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); fail(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) ok(out); else fail(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${err}`));
    });
  });
}

function lastJsonLine(out: string): FingerprintReport {
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as FingerprintReport;
}

export async function runNodeHost(bundle: string): Promise<FingerprintReport> {
  return lastJsonLine(await run(process.execPath, [join(REPO, 'tests/platforms/run-node.mjs'), bundle, STORIES_BIN, STORIES_TOKENIZER], 60_000));
}

export interface Arm64Env { qemu: string; node: string; sysroot: string }

/** Paths of qemu, the arm64 Node and its sysroot; runs the setup script first when any is missing. */
export function arm64Env(): Arm64Env {
  const setup = join(REPO, 'scripts/platforms/setup.sh');
  const read = (): Arm64Env => {
    const env = Object.fromEntries(execFileSync('bash', [setup, '--print-env'], { encoding: 'utf8' })
      .trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
    return { qemu: env.QEMU_AARCH64, node: env.ARM64_NODE, sysroot: env.ARM64_SYSROOT };
  };
  let env = read();
  if (![env.qemu, env.node, join(env.sysroot, 'lib/ld-linux-aarch64.so.1')].every((p) => existsSync(p))) {
    execFileSync('bash', [setup, 'arm64'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
    env = read();
  }
  return env;
}

export async function runNodeArm64(bundle: string): Promise<FingerprintReport> {
  const env = arm64Env();
  return lastJsonLine(await run(env.qemu, ['-L', env.sysroot, env.node,
    join(REPO, 'tests/platforms/run-node.mjs'), bundle, STORIES_BIN, STORIES_TOKENIZER], 240_000));
}

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    execFileSync('bash', [join(REPO, 'scripts/platforms/setup.sh'), 'chromium'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Serves the fingerprint bundle and the model on 127.0.0.1 and runs the fingerprint inside the page. */
export async function runChromium(bundleDir: string): Promise<FingerprintReport> {
  const server = await startServer({ mounts: { '/': bundleDir, '/models/stories260K.bin': STORIES_BIN, '/models/tok512.bin': STORIES_TOKENIZER }, idleMs: 120_000 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/index.html`);
    // A string, not a function: vitest's transform would rewrite a dynamic import inside a function body.
    await page.waitForFunction('typeof window.fingerprint === "function"', undefined, { timeout: 30_000 });
    const report = await page.evaluate('window.fingerprint()') as FingerprintReport;
    if (pageErrors.length) report.errors['page'] = pageErrors.join('; ');
    return report;
  } finally {
    await browser.close();
    await server.close();
  }
}
