// The typed conjunction folds: keyword values per atom and min/max bounds combined over every atom.
import { describe, expect, it } from 'vitest';
import { keywordValues, sizeBounds, type Conj } from '../../grammar/constraints.js';

const conj = (...atoms: Array<Record<string, unknown>>): Conj => ({ atoms, split: new Set(), never: false });

describe('constraint folds', () => {
  it('sizeBounds takes the largest minimum and the smallest maximum, 0 and Infinity when silent', () => {
    expect(sizeBounds(conj({}), 'Length')).toEqual({ min: 0, max: Infinity });
    expect(sizeBounds(conj({ minLength: 2, maxLength: 9 }, { minLength: 5 }, { maxLength: 7 }), 'Length')).toEqual({ min: 5, max: 7 });
    expect(sizeBounds(conj({ minItems: 3 }, { maxItems: 1 }), 'Items')).toEqual({ min: 3, max: 1 }); // contradiction left to the caller
    expect(sizeBounds(conj({ minProperties: 1, minLength: 8 }, { maxProperties: 0 }), 'Properties')).toEqual({ min: 1, max: 0 });
  });

  it('keywordValues lists the atoms that have the keyword, in order, with their values', () => {
    const a = { pattern: '^a' }, b = { format: 'date' }, c = { pattern: 'z$' };
    expect(keywordValues(conj(a, b, c), 'pattern')).toEqual([[a, '^a'], [c, 'z$']]);
    expect(keywordValues(conj(a, c), 'format')).toEqual([]);
    // 0 is a value, not an absence.
    const zero = { maxLength: 0 };
    expect(keywordValues(conj(zero), 'maxLength')).toEqual([[zero, 0]]);
  });
});
