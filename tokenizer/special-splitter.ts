// Cutting special-token text (e.g. "<s>", "<|im_start|>") out of a prompt before the text encoder sees
// it, as llama.cpp's tokenizer_st_partition does with parse_special: the longest special token first,
// each occurrence in the remaining text pieces becomes its id.

export type Fragment = string | { id: number };

export function splitOnSpecialTokens(text: string, specials: readonly { text: string; id: number }[]): Fragment[] {
  let fragments: Fragment[] = text === '' ? [] : [text];
  const longestFirst = [...specials].filter((s) => s.text !== '').sort((a, b) => b.text.length - a.text.length);
  for (const special of longestFirst) {
    const next: Fragment[] = [];
    for (const fragment of fragments) {
      if (typeof fragment !== 'string' || !fragment.includes(special.text)) {
        next.push(fragment);
        continue;
      }
      const parts = fragment.split(special.text);
      parts.forEach((part, i) => {
        if (i > 0) next.push({ id: special.id });
        if (part !== '') next.push(part);
      });
    }
    fragments = next;
  }
  return fragments;
}
