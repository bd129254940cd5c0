import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../random/prng.js';
import { PieceTableBuilder } from '../../tokenizer/piece-table.js';

describe('PieceTable: every token\'s bytes packed in one buffer', () => {
  it('gives back exactly the bytes set for each id, set in any order, with replacements and empty pieces', () => {
    const next = mulberry32(7);
    const n = 5000;
    const expected: Uint8Array[] = new Array(n);
    const builder = new PieceTableBuilder(n);
    // A shuffled order, so ids are not set in sequence; pieces up to 300 bytes make the buffer grow.
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = next() % (i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    for (const id of order) {
      const piece = Uint8Array.from({ length: next() % 300 }, () => next() & 0xff);
      expected[id] = piece;
      builder.set(id, piece);
    }
    // Replace a few ids: the last set wins.
    for (let k = 0; k < 50; k++) {
      const id = next() % n;
      expected[id] = Uint8Array.from({ length: next() % 8 }, () => next() & 0xff);
      builder.set(id, expected[id]);
    }
    builder.setText(0, 'héllo ▁');
    expected[0] = new TextEncoder().encode('héllo ▁');
    const table = builder.build();
    expect(table.size).toBe(n);
    // One comparison for the whole table (toEqual per id is slow); on a mismatch, the first differing id.
    const same = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);
    expect(expected.findIndex((piece, id) => !same(table.get(id), piece))).toBe(-1);
  });

  it('copies the pieces it is given (a caller may reuse its buffer)', () => {
    const builder = new PieceTableBuilder(2);
    const scratch = Uint8Array.of(1, 2, 3);
    builder.set(0, scratch);
    scratch.fill(9);
    builder.set(1, scratch);
    const table = builder.build();
    expect([...table.get(0)]).toEqual([1, 2, 3]);
    expect([...table.get(1)]).toEqual([9, 9, 9]);
  });

  it('says which ids it holds and refuses ids outside it', () => {
    const builder = new PieceTableBuilder(3);
    expect(() => builder.set(3, Uint8Array.of(1))).toThrow(/token id 3 is outside the vocabulary \(size 3\)/);
    expect(() => builder.set(-1, Uint8Array.of(1))).toThrow(/outside the vocabulary/);
    expect(() => builder.set(1.5, Uint8Array.of(1))).toThrow(/outside the vocabulary/);
    builder.set(0, Uint8Array.of(1));
    builder.set(2, Uint8Array.of(2));
    expect(builder.has(1)).toBe(false);
    expect(() => builder.build()).toThrow(/token id 1 has no bytes/);
    builder.set(1, new Uint8Array(0));
    const table = builder.build();
    expect(table.get(1).length).toBe(0);
    for (const bad of [-1, 3, 0.5, NaN]) expect(table.has(bad)).toBe(false);
    expect(table.has(2)).toBe(true);
  });
});
