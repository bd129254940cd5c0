// The house rules of ../shared/DESIGN.md, checked on every import: a room imports only rooms below it,
// and no files import each other (directly or around a circle). Type-only imports count too: they are
// what a newcomer follows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../paths.js';

/** Rank of each room: a file may import from its own room or from a room of lower rank. */
const RANK: Record<string, number> = {
  random: 0, // seeded integer PRNGs: the ground floor
  kernels: 1, tokenizer: 1, grammar: 1,
  weights: 2,
  engine: 3,
  extract: 4,
  api: 5, // index.ts (browser-safe) and node.ts: the public API
  cmdline: 6, // Node-only helpers shared by cli and bench
  bench: 7,
  cli: 8, // `jsonlm bench ...` dispatches into bench/
  web: 8,
  train: 9,
};
/** Rooms of equal rank that still must not import each other. */
const ROOMS = Object.keys(RANK).filter((r) => r !== 'api');

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

  it('no import runs from a lower room to a higher one', () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        const a = roomOf(from), b = roomOf(to);
        if (a !== b && !(RANK[b] < RANK[a])) upward.push(`${from} -> ${to}`);
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
