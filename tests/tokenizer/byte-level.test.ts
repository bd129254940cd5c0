import { describe, expect, it } from 'vitest';
import { BYTE_TO_CHAR, byteLevelToBytes, bytesToByteLevel } from '../../tokenizer/byte-level.js';
import { splitOnSpecialTokens } from '../../tokenizer/special-splitter.js';

describe('GPT-2 byte-level alphabet', () => {
  it('is a bijection with the known spellings', () => {
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    expect(BYTE_TO_CHAR[0x20]).toBe('Ġ'); // U+0120
    expect(BYTE_TO_CHAR[0x0a]).toBe('Ċ'); // U+010A
    expect(BYTE_TO_CHAR[0x00]).toBe('Ā'); // U+0100
    expect(BYTE_TO_CHAR[0xad]).toBe('Ń'); // U+0143: the 68th and last moved byte
    expect(BYTE_TO_CHAR[0x41]).toBe('A');
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(byteLevelToBytes(bytesToByteLevel(all))).toEqual(all);
  });

  it('returns undefined for text outside the alphabet', () => {
    expect(byteLevelToBytes('Ġthe')).toEqual(new TextEncoder().encode(' the'));
    expect(byteLevelToBytes('東')).toBeUndefined();
  });
});

describe('splitOnSpecialTokens', () => {
  const specials = [{ text: '<s>', id: 1 }, { text: '<s><s>', id: 9 }, { text: '</s>', id: 2 }];
  it('cuts the longest special first and keeps the text between', () => {
    expect(splitOnSpecialTokens('a<s><s>b</s><s>', specials)).toEqual(['a', { id: 9 }, 'b', { id: 2 }, { id: 1 }]);
    expect(splitOnSpecialTokens('', specials)).toEqual([]);
    expect(splitOnSpecialTokens('plain', specials)).toEqual(['plain']);
  });
});
