// JSON numbers under a schema's numeric constraints, recognised one byte at a time. The lexer is the
// JSON number grammar with length caps (so a model cannot loop on digits); when the schema bounds the
// value (minimum/maximum, exclusive forms, integer multipleOf) every byte is allowed only if some
// completion of the text so far is in range, computed exactly with BigInt on a fixed decimal grid:
// completions of a prefix form at most a few dozen integer intervals, and each is intersected with the
// bounds. So no token can lead into a number that can no longer be finished validly.

export interface NumberSpec {
  readonly id: number;
  readonly integer: boolean;
  /** Bounds on the grid (value * 10^fracDigits), inclusive; null = unbounded. */
  readonly lo: bigint | null;
  readonly hi: bigint | null;
  /** Integer divisor (integer specs only), null = none. */
  readonly multipleOf: bigint | null;
  /** Non-integer divisors (multipleOf 0.01, 1.5): checked with ajv's own float test, x / m an integer. */
  readonly floatDivisors: number[];
  /** Most fraction digits emitted (FRAC_DIGITS, or the divisors' decimals: a multiple has no more). */
  readonly fracCap: number;
  /** True when bounds or multipleOf apply: the state keeps the text. */
  readonly constrained: boolean;
}

/** Caps on what the grammar emits: digits before the point, after it, and in the exponent. */
export const INT_DIGITS = 16;
export const FRAC_DIGITS = 15;
export const EXP_DIGITS = 2;
const SCALE = 10n ** BigInt(FRAC_DIGITS);
const POW10: bigint[] = Array.from({ length: INT_DIGITS + FRAC_DIGITS + 2 }, (_, k) => 10n ** BigInt(k));

// NegZero: "-0", which must go on with a fraction (JSON.stringify never writes -0, and a model should not).
export const enum NumPhase { Start = 0, Minus = 1, Zero = 2, Int = 3, Dot = 4, Frac = 5, E = 6, ESign = 7, Exp = 8, NegZero = 9 }

export function isCompletePhase(p: number): boolean {
  return p === NumPhase.Zero || p === NumPhase.Int || p === NumPhase.Frac || p === NumPhase.Exp;
}

/** Lexer step on phase and digit counts; returns the new phase or -1. Exponents only for unconstrained
 * non-integers (bounds are checked on plain decimals). */
export function lexStep(spec: NumberSpec, phase: number, intDigits: number, fracDigits: number, expDigits: number, byte: number): number {
  const digit = byte >= 0x30 && byte <= 0x39;
  const allowFraction = !spec.integer;
  const allowExp = !spec.integer && !spec.constrained;
  switch (phase) {
    case NumPhase.Start:
      if (byte === 0x2d) return NumPhase.Minus;
      if (byte === 0x30) return NumPhase.Zero;
      return digit ? NumPhase.Int : -1;
    case NumPhase.Minus:
      if (byte === 0x30) return allowFraction ? NumPhase.NegZero : -1;
      return digit ? NumPhase.Int : -1;
    case NumPhase.NegZero:
      return byte === 0x2e ? NumPhase.Dot : -1;
    case NumPhase.Zero:
    case NumPhase.Int:
      if (digit && phase === NumPhase.Int) return intDigits < INT_DIGITS ? NumPhase.Int : -1;
      if (byte === 0x2e && allowFraction && spec.fracCap > 0) return NumPhase.Dot;
      if ((byte === 0x65 || byte === 0x45) && allowExp) return NumPhase.E;
      return -1;
    case NumPhase.Dot:
      return digit ? NumPhase.Frac : -1;
    case NumPhase.Frac:
      if (digit) return fracDigits < spec.fracCap ? NumPhase.Frac : -1;
      if ((byte === 0x65 || byte === 0x45) && allowExp) return NumPhase.E;
      return -1;
    case NumPhase.E:
      if (byte === 0x2b || byte === 0x2d) return NumPhase.ESign;
      return digit ? NumPhase.Exp : -1;
    case NumPhase.ESign:
      return digit ? NumPhase.Exp : -1;
    case NumPhase.Exp:
      return digit && expDigits < EXP_DIGITS ? NumPhase.Exp : -1;
  }
  return -1;
}

function gridScale(spec: NumberSpec): bigint {
  return spec.integer ? 1n : SCALE;
}

interface Parsed { negative: boolean; int: string; dot: boolean; frac: string }

function parseText(text: string): Parsed {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const dotAt = body.indexOf('.');
  return dotAt < 0
    ? { negative, int: body, dot: false, frac: '' }
    : { negative, int: body.slice(0, dotAt), dot: true, frac: body.slice(dotAt + 1) };
}

/** Magnitude intervals (on the grid) that completions of `text` can reach. */
function completionIntervals(spec: NumberSpec, p: Parsed): Array<[bigint, bigint]> {
  const unit = gridScale(spec);
  const fracDigits = spec.integer ? 0 : FRAC_DIGITS;
  const out: Array<[bigint, bigint]> = [];
  if (p.int === '') {
    // After a lone "-": never -0 itself (the lexer refuses it), so the magnitude is at least one grid step.
    out.push([p.negative ? 1n : 0n, 10n ** BigInt(INT_DIGITS) * unit - 1n]);
  } else if (!p.dot) {
    const d = BigInt(p.int);
    if (p.int === '0') out.push([p.negative ? 1n : 0n, unit - 1n]);
    else {
      // Intervals grow with k: stop once they start above the largest magnitude the bounds allow.
      const cap = p.negative ? (spec.lo === null ? null : -spec.lo) : spec.hi;
      for (let k = 0; k <= INT_DIGITS - p.int.length; k++) {
        const pow = POW10[k];
        const lo = d * pow * unit;
        if (cap !== null && lo > cap) break;
        out.push([lo, (d + 1n) * pow * unit - 1n]);
      }
    }
  } else {
    const lf = p.frac.length;
    const base = BigInt(p.int) * 10n ** BigInt(lf) + (lf ? BigInt(p.frac) : 0n);
    const pow = 10n ** BigInt(fracDigits - lf);
    out.push([base * pow, (base + 1n) * pow - 1n]);
  }
  return out;
}

function intervalHasValue(spec: NumberSpec, lo: bigint, hi: bigint): boolean {
  if (spec.lo !== null && spec.lo > lo) lo = spec.lo;
  if (spec.hi !== null && spec.hi < hi) hi = spec.hi;
  if (lo > hi) return false;
  const m = spec.multipleOf;
  if (m === null) return true;
  // Smallest multiple of m that is >= lo.
  const q = lo >= 0n ? (lo + m - 1n) / m : -((-lo) / m);
  return q * m <= hi;
}

/** Can `text` (a valid number prefix) still be completed into a number the spec accepts? */
export function feasible(spec: NumberSpec, text: string): boolean {
  if (!spec.constrained) return true;
  if (!inRangeSomewhere(spec, text)) return false;
  if (spec.floatDivisors.length === 0) return true;
  // Float divisors: look for an accepted completion a few characters ahead (a multiple is never far:
  // at most the divisors' decimals after the point). Not finding one refuses the prefix, so the
  // answer errs on the side of no dead ends.
  return completionExists(spec, text, 4);
}

function inRangeSomewhere(spec: NumberSpec, text: string): boolean {
  const p = parseText(text);
  for (const [a, b] of completionIntervals(spec, p)) {
    const [lo, hi] = p.negative ? [-b, -a] : [a, b];
    if (intervalHasValue(spec, lo, hi)) return true;
  }
  return false;
}

const NEXT_CHARS = Array.from('0123456789.', (c) => c.charCodeAt(0));

function completionExists(spec: NumberSpec, text: string, depth: number): boolean {
  const phase = phaseOf(text);
  if (isCompletePhase(phase) && acceptsValue(spec, text)) return true;
  if (depth === 0) return false;
  const { int, frac } = parseText(text);
  for (const c of NEXT_CHARS) {
    const next = lexStep(spec, phase, int.length, frac.length, 0, c);
    if (next < 0) continue;
    const longer = text + String.fromCharCode(c);
    if (inRangeSomewhere(spec, longer) && completionExists(spec, longer, depth - 1)) return true;
  }
  return false;
}

/** The lexer phase after a constrained number's text (no exponents there). */
function phaseOf(text: string): number {
  if (text === '' ) return NumPhase.Start;
  if (text === '-') return NumPhase.Minus;
  if (text === '-0') return NumPhase.NegZero;
  if (text.endsWith('.')) return NumPhase.Dot;
  if (text.includes('.')) return NumPhase.Frac;
  return text === '0' ? NumPhase.Zero : NumPhase.Int;
}

/** Is the complete number `text` accepted? */
export function acceptsValue(spec: NumberSpec, text: string): boolean {
  if (!spec.constrained) return true;
  const p = parseText(text);
  const unit = gridScale(spec);
  const lf = p.frac.length;
  let v = BigInt(p.int) * unit;
  if (lf) v += BigInt(p.frac) * (unit / 10n ** BigInt(lf));
  if (p.negative) v = -v;
  if (!intervalHasValue(spec, v, v)) return false;
  // Exactly ajv's test: data / divisor must equal its parseInt.
  const x = Number(text);
  for (const m of spec.floatDivisors) {
    const r = x / m;
    if (r !== parseInt(r as unknown as string)) return false;
  }
  return true;
}

/** A decimal (a JS number from the schema) on the grid, rounded toward the inside of the range. */
export function toGrid(value: number, integer: boolean, direction: 'ceil' | 'floor'): { grid: bigint; exact: boolean } {
  const digits = integer ? 0 : FRAC_DIGITS;
  // The shortest round-trip form: schemas are written in decimal, so this is the bound the author meant.
  const text = shortestDecimal(value);
  const negative = text.startsWith('-');
  const [intPart, fracPart = ''] = (negative ? text.slice(1) : text).split('.');
  const scaledDigits = intPart + fracPart.padEnd(digits, '0');
  const kept = scaledDigits.slice(0, intPart.length + digits);
  const dropped = scaledDigits.slice(intPart.length + digits);
  let grid = BigInt(kept || '0');
  const exact = !/[1-9]/.test(dropped);
  if (negative) grid = -grid;
  if (!exact) {
    // Truncation moved toward zero; fix up for the requested direction.
    if (direction === 'ceil' && !negative) grid += 1n;
    if (direction === 'floor' && negative) grid -= 1n;
  }
  return { grid, exact };
}

/** Plain decimal digits of a finite double's shortest representation (no exponent). */
function shortestDecimal(value: number): string {
  const s = String(value);
  if (!/e/i.test(s)) return s;
  const negative = s.startsWith('-');
  const [m, e] = (negative ? s.slice(1) : s).split(/e/i);
  const exp = Number(e);
  const [i, f = ''] = m.split('.');
  const digits = i + f;
  const point = i.length + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (negative ? '-' : '') + out;
}
