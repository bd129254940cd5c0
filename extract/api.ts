// The public extraction API: text + JSON Schema + model -> a JSON value that matches the schema.
// One Extractor per model (kept in a WeakMap) holds the session whose KV cache carries the shared
// instruction + schema prefix from one call to the next.
import { sharedDefaultModel } from '../engine/default-model.js';
import type { Model } from '../engine/model.js';
import { Extractor, type ExtractOptions, type ExtractResult } from './extractor.js';
import { grammarCompiler } from './grammar-constraint.js';

export interface ExtractArgs {
  text: string;
  schema: unknown;
  /** Default: the bundled default model (Node: the packaged files, loaded once on first use; browsers: the
   * one loadDefaultModel() loaded last). */
  model?: Model;
  options?: ExtractOptions;
}

const extractors = new WeakMap<Model, Extractor>();

/** The model's extractor (created on first use). */
export function extractorFor(model: Model): Extractor {
  let ex = extractors.get(model);
  if (!ex) {
    ex = new Extractor(model, (tokenizer) => grammarCompiler(tokenizer));
    extractors.set(model, ex);
  }
  return ex;
}

/** Extracts one JSON value. Throws TextTooLongError, InvalidSchemaError (ajv cannot compile the schema)
 * or GrammarError (a keyword the grammar cannot enforce) for bad input; a model that fails to produce a
 * valid document (only possible with `grammar: false` or a token limit) gives `valid: false`. */
export async function extract({ text, schema, model, options }: ExtractArgs): Promise<ExtractResult> {
  const it = extractorFor(model ?? await sharedDefaultModel()).steps({ text, schema, options });
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/** The same, streamed: yields the JSON text as it grows; the iterator's return value is the result. */
export async function* extractStream({ text, schema, model, options }: ExtractArgs): AsyncGenerator<string, ExtractResult, void> {
  const it = extractorFor(model ?? await sharedDefaultModel()).steps({ text, schema, options });
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
    yield r.value;
  }
}
