// The house rules of ../shared/DESIGN.md, checked on every import: a room imports only rooms below it,
// and no files import each other (directly or around a circle). Type-only imports count too: they are
// what a newcomer follows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../paths.js';

const CORE = ['random', 'kernels', 'tokenizer', 'grammar', 'weights', 'engine', 'extract'];
/** Which rooms each room may import (besides itself), as ../shared/DESIGN.md draws the house: the ground
 * floor (random), then kernels and tokenizer; the grammar sees only the tokenizer's token ids and bytes;
 * weights sit on the kernels; the engine on weights and tokenizer and knows nothing of JSON; extract is
 * where engine and grammar meet; the public API (index.ts, node.ts) on top of the core; cmdline (Node-only
 * helpers) below both cli and bench; cli may dispatch into bench, never the other way round. */
const MAY_IMPORT: Record<string, string[]> = {
  random: [],
  kernels: ['random'],
  tokenizer: ['random'],
  grammar: ['random', 'tokenizer'],
  weights: ['random', 'kernels', 'tokenizer'],
  engine: ['random', 'kernels', 'tokenizer', 'weights'],
  extract: ['random', 'kernels', 'tokenizer', 'grammar', 'weights', 'engine'],
  api: CORE,
  cmdline: [...CORE, 'api'],
  bench: [...CORE, 'api', 'cmdline'],
  cli: [...CORE, 'api', 'cmdline', 'bench'],
  web: [...CORE, 'api'],
  train: [...CORE, 'api', 'cmdline', 'bench'],
};
const ROOMS = Object.keys(MAY_IMPORT).filter((r) => r !== 'api');

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'build' || name === 'data' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mjs)$/.test(name) && !name.endsWith('.d.ts') && name !== 'wasm-bytes.ts') out.push(relative(REPO, p));
    }
  };
  for (const room of ROOMS) { try { walk(join(REPO, room)); } catch { /* a room may not exist yet */ } }
  out.push('index.ts', 'node.ts');
  return out.filter((f) => !f.startsWith('kernels/assembly/')); // AssemblyScript: a separate program
}

function roomOf(file: string): string {
  return file.includes('/') ? file.split('/')[0] : 'api';
}

function importsOf(file: string): string[] {
  const src = readFileSync(join(REPO, file), 'utf8');
  const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2]);
  return specs.map((s) => normalize(join(dirname(file), s)).replace(/\.(m?)js$/, (_, m) => (m ? '.mjs' : '.ts')));
}

describe('the house', () => {
  const files = sourceFiles();
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));

  it('no import runs from a lower room to a higher one (or sideways where the house forbids it)', () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        const a = roomOf(from), b = roomOf(to);
        if (a !== b && !MAY_IMPORT[a].includes(b)) upward.push(`${from} -> ${to}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('no files import each other, directly or around a circle', () => {
    // Tarjan's strongly connected components; any component of two or more files is a circle.
    let index = 0;
    const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
    const stack: string[] = [], circles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index); low.set(v, index); index++; stack.push(v); onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const comp: string[] = [];
        let w: string;
        do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
        if (comp.length > 1) circles.push(comp.sort());
      }
    };
    for (const f of files) if (!idx.has(f)) visit(f);
    expect(circles).toEqual([]);
  });
});
