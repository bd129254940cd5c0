// Strict flag parsing shared by every command: unknown flags, missing values and malformed numbers are
// usage errors (exit 2) with a message naming the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[], options: T, allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
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
