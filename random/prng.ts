// Seeded randomness on 32-bit integer operations only (Math.imul, >>>), so a seed draws the same numbers
// in every JS engine: no Math.random, no float rounding. The ground floor: every room may use it.
//
// Two generators, for two jobs: `Prng` (xoshiro128**) is the sampler's, with a large state and a seed
// that may be any safe integer; `mulberry32` is a one-word generator for test inputs, fuzzing, random
// weights and the data generators, whose outputs are pinned by tests (the random model's bytes, the
// EdgeJSON data set), so its arithmetic must never change.

/** murmur3's 32-bit finalizer: a bijective integer hash that spreads nearby inputs far apart. */
export function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: a stream of uniform 32-bit unsigned integers from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** mulberry32 scaled to [0, 1): for test inputs and fuzzing, where a float is what the caller wants. */
export function mulberry32Unit(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** xoshiro128**, seeded through splitmix32: the sampler's generator. */
export class Prng {
  private readonly s = new Uint32Array(4);

  /** Any integer seed in [0, 2^53); the high and low 32-bit halves both reach the state. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
    let splitmix = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x27d4eb2f);
    for (let i = 0; i < 4; i++) {
      splitmix = (splitmix + 0x9e3779b9) >>> 0;
      this.s[i] = fmix32(splitmix);
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1; // the one forbidden state
  }

  /** The next uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }
}
