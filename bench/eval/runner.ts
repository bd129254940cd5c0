// Runs an extractor over dataset examples and scores each output. The extractor is a function, so the
// same runner serves the CLI (a loaded model), tests (a random-weight model) and the web page.
import type { Example } from '../edgejson/compose.js';
import { scoreExample, type ExampleScore } from './metrics.js';

/** One example; `dataset` (optional) names the corpus it came from, for the per-dataset table. */
export type EvalExample = Pick<Example, 'id' | 'tier' | 'schema' | 'text' | 'gold'> & { dataset?: string };

/** What one extraction reports back to the runner. */
export interface ExtractionOutcome {
  text: string;
  /** Generated tokens, forced ones (appended without sampling) included. */
  tokens: number;
  /** Of those, forced by the grammar (0 without one). */
  forcedTokens?: number;
  /** The document was finished along the grammar's shortest completion because the budget ran low. */
  closedEarly?: boolean;
  promptTokens: number;
  prefillMs: number;
  decodeMs: number;
}

export interface EvalRecord extends ExampleScore {
  id: string;
  tier: string;
  dataset?: string;
  output: string;
  tokens: number;
  forcedTokens: number;
  closedEarly: boolean;
  promptTokens: number;
  prefillMs: number;
  decodeMs: number;
  /** Wall time of the whole extraction call, prompt rendering and validation included. */
  latencyMs: number;
  /** Set when the extraction threw (e.g. text too long for the context); the output counts as empty. */
  error?: string;
}

export type ExtractFn = (example: EvalExample) => Promise<ExtractionOutcome> | ExtractionOutcome;

export async function evaluate(examples: readonly EvalExample[], extract: ExtractFn,
  onRecord?: (record: EvalRecord, done: number) => void): Promise<EvalRecord[]> {
  const records: EvalRecord[] = [];
  for (const example of examples) {
    const t0 = performance.now();
    let outcome: ExtractionOutcome, error: string | undefined;
    try {
      outcome = await extract(example);
    } catch (e) {
      error = (e as Error).message ?? String(e);
      outcome = { text: '', tokens: 0, promptTokens: 0, prefillMs: 0, decodeMs: 0 };
    }
    const latencyMs = performance.now() - t0;
    const record: EvalRecord = {
      id: example.id, tier: example.tier, ...(example.dataset !== undefined ? { dataset: example.dataset } : {}), output: outcome.text,
      ...scoreExample(outcome.text, example.gold, example.schema, example.text),
      tokens: outcome.tokens, forcedTokens: outcome.forcedTokens ?? 0, closedEarly: outcome.closedEarly ?? false, promptTokens: outcome.promptTokens, prefillMs: outcome.prefillMs, decodeMs: outcome.decodeMs, latencyMs,
      ...(error !== undefined ? { error } : {}),
    };
    records.push(record);
    onRecord?.(record, records.length);
  }
  return records;
}
