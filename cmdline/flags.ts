// Strict flag parsing shared by every command: unknown flags, missing values and malformed numbers are
// usage errors (exit 2) with a message naming the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[], options: T, allowPositionals = false,
) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function intFlag(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`--${flag} must be an integer, got '${value}'`);
  const n = Number(value);
  if (n < min) throw new UsageError(`--${flag} must be >= ${min}, got ${n}`);
  return n;
}

export function numberFlag(value: string | undefined, flag: string, fallback: number, min = -Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got '${value}'`);
  if (n < min) throw new UsageError(`--${flag} must be >= ${min}, got ${n}`);
  return n;
}

/** `--seed -1` as `--seed=-1`: node's parser takes a value starting with a dash for a forgotten value
 * ("argument is ambiguous"); a negative number is a value, so the flag's own range check can name it. */
function joinNegativeValues(args: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') && !args[i].includes('=') ? args[i].slice(2) : undefined;
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity$)/.test(next)) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else {
      out.push(args[i]);
    }
  }
  return out;
}
