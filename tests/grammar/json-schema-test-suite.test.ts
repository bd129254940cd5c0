// The JSON Schema Test Suite (draft2020-12 and draft7) against the compiled grammar: see suite-runner.ts.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED } from '../paths.js';
import { loadRemotes, runSuite } from './suite-runner.js';

const SUITE = resolve(SHARED, 'corpora/json-schema-test-suite/tests');
// Remote documents are passed to the compiler (it never fetches): the suite serves them at localhost:1234.
const REMOTES = loadRemotes(resolve(SHARED, 'corpora/json-schema-test-suite/remotes'));

describe('JSON Schema Test Suite', () => {
  for (const [dir, draft] of [['draft2020-12', '2020-12'], ['draft7', 'draft-07']] as const) {
    it(`${dir}: valid instances accepted, invalid ones rejected`, () => {
      const c = runSuite(resolve(SUITE, dir), draft, REMOTES);
      const refused = Object.entries(c.refused).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
      const outside = Object.entries(c.validOutsideLanguage).map(([k, n]) => `${n} ${k}`).join('; ');
      console.log(`[${dir}] schemas ${c.cases}: compiled ${c.compiled}, refused ${c.cases - c.compiled} (${refused})\n` +
        `  valid accepted ${c.validAccepted}, valid outside the emitted language ${Object.values(c.validOutsideLanguage).reduce((a, b) => a + b, 0)} (${outside})\n` +
        `  invalid rejected ${c.invalidRejected}, invalid accepted for keywords not enforced (annotations) ${c.invalidNotEnforced}`);
      expect(c.failures).toEqual([]);
      // Coverage floor: most of the suite's schemas compile.
      expect(c.compiled / c.cases).toBeGreaterThan(0.5);
    });
  }
});
