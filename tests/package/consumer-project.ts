// A temporary project that installs the packed tarball the way a user does (`npm ci` of jsonlm and its
// runtime dependencies only), offline: its lockfile pins the same versions as the repository's lockfile,
// so npm needs only the tarballs that `npm install` in the repository put in the npm cache (or, where the
// cache lacks them, the same versions packed from the repository's node_modules).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../paths.js';

type LockEntry = { version?: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>; dev?: boolean; devOptional?: boolean; [k: string]: unknown };

/** The lockfile paths of `names` and everything they depend on, resolved as Node resolves: the nearest
 * node_modules folder up from the dependent. */
export function runtimeClosure(packages: Record<string, LockEntry>, names: string[]): string[] {
  const seen = new Set<string>();
  const queue = names.map((n) => `node_modules/${n}`);
  while (queue.length) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    const entry = packages[path];
    if (!entry) throw new Error(`package-lock.json has no ${path}`);
    seen.add(path);
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.peerDependencies })) {
      let base = path;
      let found: string | undefined;
      for (;;) {
        if (packages[`${base}/node_modules/${dep}`]) { found = `${base}/node_modules/${dep}`; break; }
        const up = base.lastIndexOf('/node_modules/');
        if (up < 0) { found = packages[`node_modules/${dep}`] ? `node_modules/${dep}` : undefined; break; }
        base = base.slice(0, up);
      }
      if (found) queue.push(found);
      else if (!entry.peerDependenciesMeta?.[dep]?.optional) throw new Error(`${path} needs ${dep}, which package-lock.json lacks`);
    }
  }
  return [...seen].sort();
}

export interface Packed { dir: string; tarball: string; files: string[] }

/** `npm pack` of the repository as it is built (no scripts: `npm test` built it already). */
export function packRepository(): Packed {
  const dir = mkdtempSync(join(tmpdir(), 'jsonlm-pack-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  return { dir, tarball: join(dir, info.filename), files: info.files.map((f) => f.path).sort() };
}

/** A project in `packed.dir` depending on the tarball, installed with `npm ci --offline`. */
export function installConsumer(packed: Packed): string {
  const dir = packed.dir;
  const repoPkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const tarballName = packed.tarball.slice(dir.length + 1);
  const integrity = 'sha512-' + createHash('sha512').update(readFileSync(packed.tarball)).digest('base64');
  const packages: Record<string, unknown> = {
    '': { name: 'jsonlm-consumer', dependencies: { jsonlm: `file:${tarballName}` } },
    'node_modules/jsonlm': {
      version: repoPkg.version, resolved: `file:${tarballName}`, integrity, license: repoPkg.license,
      dependencies: repoPkg.dependencies, bin: repoPkg.bin, engines: repoPkg.engines,
    },
  };
  const closure = runtimeClosure(lock.packages, Object.keys(repoPkg.dependencies));
  for (const path of closure) {
    const { dev: _dev, devOptional: _devOptional, ...entry } = lock.packages[path];
    packages[path] = entry;
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'jsonlm-consumer', private: true, type: 'module', dependencies: { jsonlm: `file:${tarballName}` },
  }, null, 2));
  const install = () => {
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'jsonlm-consumer', lockfileVersion: 3, requires: true, packages }, null, 2));
    execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 90_000, stdio: 'pipe' });
  };
  // JSONLM_PACK_TEST_DEPS=node_modules tries the fallback below directly.
  if (process.env.JSONLM_PACK_TEST_DEPS !== 'node_modules') {
    try {
      install();
      return dir;
    } catch (e) {
      if (!/ENOTCACHED/.test(String((e as { stderr?: string }).stderr ?? e))) throw e;
    }
  }
  // The npm cache lacks a dependency (a checkout whose node_modules came from elsewhere): pack the same
  // versions from the repository's node_modules instead. Still offline, still only runtime dependencies.
  mkdirSync(join(dir, 'deps'), { recursive: true });
  for (const path of closure) {
    const out = execFileSync('npm', ['pack', join(REPO, path), '--ignore-scripts', '--json', '--pack-destination', join(dir, 'deps')],
      { cwd: dir, encoding: 'utf8', timeout: 60_000, stdio: 'pipe' });
    const [info] = JSON.parse(out) as { filename: string }[];
    const { integrity: _integrity, ...entry } = packages[path] as Record<string, unknown>;
    packages[path] = { ...entry, resolved: `file:deps/${info.filename}` };
  }
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  install();
  return dir;
}
