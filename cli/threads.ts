// `--threads N` of every command that runs a model: worker threads for the int8 products (logits are
// identical for any count). Default: the cores this process may use.
import { defaultThreads } from '../engine/worker-host-node.js';
import { MAX_THREADS } from '../kernels/thread-pool.js';
import { intFlag, UsageError } from '../cmdline/flags.js';

export const THREADS_HELP = `  --threads N         worker threads for the int8 products (default: the cores available, here ${defaultThreads()}; one for a model too small to split)`;

/** The loader options for --threads: a given count is taken as given; without the flag, the cores available,
 * as an upper bound (a model too small to split runs on one thread: engine/load-model.ts threadsWorthUsing). */
export function threadsFlag(value: string | undefined): { threads: number; threadsUpTo: boolean } {
  const n = intFlag(value, 'threads', defaultThreads(), 1);
  if (n > MAX_THREADS) throw new UsageError(`--threads must be at most ${MAX_THREADS}, got ${n}`);
  return { threads: n, threadsUpTo: value === undefined };
}
