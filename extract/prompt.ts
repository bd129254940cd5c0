// The extraction prompt: one instruction, the schema as a compact outline (extract/schema-outline.ts), then
// the text. The schema comes first so that the (instruction + schema) prefix is identical across documents and
// its KV cache can be reused. The bundled model was trained on exactly this rendering, so changing it means
// retraining.
import type { ChatMessage, Tokenizer } from '../tokenizer/tokenizer.js';
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
