// Which ids start and end a sequence when a file does not say: the markers the common tiny-model
// families use. Generation also ends on the end-of-turn markers of chat vocabularies (ChatML's
// <|im_end|>, Llama 3's <|eot_id|>), because an instruct model ends its answer with them.

const BOS_TEXTS = ['<s>', '<|begin_of_text|>', '<|endoftext|>'];
const EOS_TEXTS = ['</s>', '<|endoftext|>', '<|end_of_text|>', '<|im_end|>', '<|eot_id|>'];

/** The first BOS marker the vocabulary has. */
export function defaultBosId(idOf: (text: string) => number | undefined): number | undefined {
  for (const text of BOS_TEXTS) {
    const id = idOf(text);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** The declared EOS ids plus every end marker the vocabulary has, without duplicates. */
export function endOfGenerationIds(declared: readonly (number | undefined)[], idOf: (text: string) => number | undefined): number[] {
  const ids = new Set<number>();
  for (const id of declared) if (id !== undefined) ids.add(id);
  for (const text of EOS_TEXTS) {
    const id = idOf(text);
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}
