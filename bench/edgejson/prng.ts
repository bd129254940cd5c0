// The data generators' random choices over the ground floor's mulberry32: the same seed gives the same dataset on every machine and Node
// version, which Math.random cannot promise. All arithmetic stays in 32-bit integers (Math.imul, >>>).
import { mulberry32 } from '../../random/prng.js';

export class Rng {
  /** The next uniformly distributed 32-bit unsigned integer. */
  readonly u32: () => number;

  constructor(seed: number) {
    // Mix the seed once so that nearby seeds (1, 2, 3) start far apart.
    this.u32 = mulberry32((seed ^ 0x9e3779b9) >>> 0);
    this.u32();
  }

  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (span <= 0) throw new Error(`Rng.int: empty range [${lo}, ${hi}]`);
    return lo + (this.u32() % span);
  }

  /** True with probability numerator/denominator (integers, so no float rounding differs by platform). */
  chance(numerator: number, denominator = 100): boolean {
    return this.u32() % denominator < numerator;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[this.u32() % items.length];
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.u32() % (i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** k distinct items in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.min(k, items.length));
  }

  /** A child generator whose stream does not depend on how many draws this one makes later. */
  fork(): Rng {
    return new Rng(this.u32());
  }
}
