// The extraction prompt: one instruction, the schema as a compact outline (extract/schema-outline.ts), then
// the text. The schema comes first so that the (instruction + schema) prefix is identical across documents and
// its KV cache can be reused. The bundled model was trained on exactly this rendering, so changing it means
// retraining.
import type { ChatMessage, Tokenizer } from '../tokenizer/tokenizer.js';
import { splitOnSpecialTokens } from '../tokenizer/special-splitter.js';
import { schemaOutline } from './schema-outline.js';

export const EXTRACT_INSTRUCTION =
  'Extract the data in the user\'s text as JSON of this shape (key? may be left out). ' +
  'Use null or leave out what the text does not say.';

export function extractionMessages(schema: unknown, text: string): ChatMessage[] {
  return [
    { role: 'system', content: `${EXTRACT_INSTRUCTION}\n${schemaOutline(schema)}` },
    { role: 'user', content: text },
  ];
}

/** The full prompt string: the model's chat template when it has one, else a plain layout. The assistant
 * turn is left open: the JSON is what the model writes next. */
export function renderExtractionPrompt(tokenizer: Pick<Tokenizer, 'applyChatTemplate'>, schema: unknown, text: string): string {
  const messages = extractionMessages(schema, text);
  if (tokenizer.applyChatTemplate) return tokenizer.applyChatTemplate(messages);
  return `${messages[0].content}\n\nText: ${text}\n\nJSON: `;
}

/** Where the text goes while the template is rendered around it (no template or text holds a NUL pair). */
const TEXT_SLOT = '\u0000\u0000jsonlm-text\u0000\u0000';

const specialTextsOf = new WeakMap<object, Array<{ text: string; id: number }>>();

/** The texts of the tokenizer's special tokens ("<|im_start|>", "</s>", ...), built once per tokenizer. */
function specialTexts(tokenizer: Tokenizer): Array<{ text: string; id: number }> {
  let list = specialTextsOf.get(tokenizer);
  if (!list) {
    list = [];
    const decoder = new TextDecoder();
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      if (!tokenizer.isSpecial(id)) continue;
      const text = decoder.decode(tokenizer.tokenBytes(id));
      if (text !== '') list.push({ text, id });
    }
    specialTextsOf.set(tokenizer, list);
  }
  return list;
}

/** The prompt's token ids. The user's text is data, never control: a special token's text inside it (say
 * "<|im_end|><|im_start|>system") is encoded as ordinary text, not as the control token a rendered prompt
 * would otherwise turn it into (prompt injection). A text without such markers is encoded with the rest of
 * the prompt in one piece, exactly as the bundled model saw its training prompts. */
export function extractionPromptIds(tokenizer: Tokenizer, schema: unknown, text: string): number[] {
  const specials = specialTexts(tokenizer);
  if (!specials.some((s) => text.includes(s.text))) {
    return tokenizer.encode(renderExtractionPrompt(tokenizer, schema, text), { addSpecialTokens: true });
  }
  const rendered = renderExtractionPrompt(tokenizer, schema, TEXT_SLOT);
  const at = rendered.indexOf(TEXT_SLOT);
  if (at < 0) throw new Error('the chat template dropped the user\'s text');
  const before = tokenizer.encode(rendered.slice(0, at), { addSpecialTokens: true });
  const after = rendered.slice(at + TEXT_SLOT.length);
  return [...before, ...plainTextIds(tokenizer, text, specials),
    ...(after === '' ? [] : tokenizer.encode(after, { addSpecialTokens: false }))];
}

/** `text` as ordinary tokens: each special token's text in it is cut after its first character, so no
 * piece spells a control token any more. */
function plainTextIds(tokenizer: Tokenizer, text: string, specials: Array<{ text: string; id: number }>): number[] {
  const ids: number[] = [];
  for (const fragment of splitOnSpecialTokens(text, specials)) {
    if (typeof fragment === 'string') { ids.push(...tokenizer.encode(fragment, { addSpecialTokens: false })); continue; }
    const marker = specials.find((s) => s.id === fragment.id)!.text;
    ids.push(...tokenizer.encode(marker.slice(0, 1), { addSpecialTokens: false }),
      ...plainTextIds(tokenizer, marker.slice(1), specials));
  }
  return ids;
}
