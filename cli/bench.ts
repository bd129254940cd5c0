// `jsonlm bench <suite>`: each suite lives in bench/ and prints a table plus, with --json FILE, a report.
import { UsageError } from '../cmdline/flags.js';

const SUITES: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  kernels: () => import('../bench/kernels.js'),
  decode: () => import('../bench/decode.js'),
  kv: () => import('../bench/kv-cache.js'),
  grammar: () => import('../bench/grammar.js'),
  load: () => import('../bench/load.js'),
  memory: () => import('../bench/memory.js'),
  serve: () => import('../bench/serve.js'),
};

export async function run(args: string[]): Promise<number> {
  const [suite, ...rest] = args;
  const load = suite ? SUITES[suite] : undefined;
  if (!load) throw new UsageError(`usage: jsonlm bench <${Object.keys(SUITES).join('|')}> [options]` +
    (suite ? ` (unknown suite '${suite}')` : ''));
  return (await load()).run(rest);
}
