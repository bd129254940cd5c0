// Faker across its locales, driven by our seed. Faker keeps its own PRNG (a Mersenne Twister); every draw here
// reseeds it from our Rng first, so a value depends only on our stream, never on how many draws came before or
// on the wall clock (faker's date helpers read the clock: they are not used). Locales lacking a module fall back
// to English, reseeded the same way.
import { allFakers, type Faker } from '@faker-js/faker';
import type { Rng } from '../edgejson/prng.js';

/** Every faker locale with data of its own (faker's 'base' has none), sorted so the list is the same everywhere. */
export const LOCALES: readonly string[] = Object.keys(allFakers).filter((k) => k !== 'base').sort();

/** A one-line, trimmed value of at most 60 characters, or undefined when faker gave something else. */
function clean(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.replace(/\s+/g, ' ').trim();
  return s.length > 0 && s.length <= 60 ? s : undefined;
}

/** One faker value in the given locale; English when the locale lacks the module or gives an unusable value. */
export function fake(r: Rng, locale: string, draw: (f: Faker) => unknown): string {
  // The locale first, then English; a few more English draws when a value is too long (a file path, a URL).
  const tries: [string, number][] = [[locale, r.u32()]];
  tries.push(['en', tries[0][1]]);
  for (let i = 0; i < 6; i++) tries.push(['en', r.u32()]);
  for (const [loc, seed] of tries) {
    const f = (allFakers as Record<string, Faker>)[loc];
    f.seed(seed);
    try {
      const v = clean(draw(f));
      if (v !== undefined) return v;
    } catch {
      // the locale has no data for this module: try English
    }
  }
  throw new Error('faker: no usable value in 8 draws');
}
