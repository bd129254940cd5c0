// The extraction prompt: one instruction, the schema, then the text. The schema comes first so that the
// (instruction + schema) prefix is identical across documents and its KV cache can be reused. The
// bundled model was trained on exactly this rendering, so changing it means retraining.
import type { ChatMessage, Tokenizer } from '../tokenizer/tokenizer.js';

export const EXTRACT_INSTRUCTION =
  'Extract the information in the user\'s text as one JSON object that matches this JSON Schema. ' +
  'Use null or leave out what the text does not say.';

/** Keywords that only annotate a schema: they cost prompt tokens and tell a small model nothing. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', '$comment', '$schema', '$id', 'id',
  'deprecated', 'readOnly', 'writeOnly']);

/** The schema without annotations or vendor keywords (x-*), for the prompt only; the grammar and the final
 * ajv check always use the full schema. */
export function promptSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(promptSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (ANNOTATIONS.has(k) || k.startsWith('x-')) continue;
    // Under these keys the object maps names to schemas, so the names are data, not keywords.
    if (k === 'properties' || k === '$defs' || k === 'definitions' || k === 'patternProperties') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([n, s]) => [n, promptSchema(s)]));
    } else if (k === 'enum' || k === 'const' || k === 'required') {
      out[k] = v;
    } else {
      out[k] = promptSchema(v);
    }
  }
  return out;
}

export function extractionMessages(schema: unknown, text: string): ChatMessage[] {
  return [
    { role: 'system', content: `${EXTRACT_INSTRUCTION}\n${JSON.stringify(promptSchema(schema))}` },
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
