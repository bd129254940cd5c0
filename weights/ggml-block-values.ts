// Values both ggml-quants.ts (32-value blocks) and ggml-kquants.ts (256-value K blocks) decode with: fp16
// scales as f32, and the IQ4 level table.
import { f16Table } from './half.js';

/** The f32 value of every fp16 bit pattern (a Float32Array view of half.ts's exact table). */
let f16Values: Float32Array | undefined;
export function f16ValueTable(): Float32Array {
  if (!f16Values) { const t = f16Table(); f16Values = new Float32Array(t.buffer, t.byteOffset, t.length); }
  return f16Values;
}

export function f16At(b: Uint8Array, at: number): number { return f16ValueTable()[b[at] | (b[at + 1] << 8)]; }

/** IQ4_NL / IQ4_XS: the 16 non-uniform int8 levels a 4-bit index selects (ggml's kvalues_iq4nl). */
export const IQ4_LEVELS: readonly number[] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];
