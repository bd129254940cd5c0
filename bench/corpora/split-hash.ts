// Text normalization for de-duplication and a stable hash for corpora that ship no test split (wikigold,
// re3d, SQuAD few-shot, NLU++ aside): the same text always lands in the same split, on every machine.

/** Lower case, every run of non-letters/digits as one space, trimmed: "Play it, Sam!" -> "play it sam". */
export function normalizeText(text: string): string {
  return text.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** FNV-1a over the UTF-16 code units of a string, as an unsigned 32-bit integer. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** True for about one text in five: the held-out fifth of a corpus without a test file. */
export const inHeldOutFifth = (text: string) => fnv1a(normalizeText(text)) % 5 === 0;
