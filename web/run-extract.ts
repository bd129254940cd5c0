// The page's extraction call, isolated here so the worker does not depend on the extraction API's exact
// shape. Streams partial JSON text with live stats through onPartial.
import type { Model } from '../engine/model.js';
import type { ExtractOptions, ExtractStats } from './protocol.js';

export interface RunExtraction {
  text: string;
  schema: unknown;
  options: ExtractOptions;
  signal: AbortSignal;
  onPartial: (text: string, stats: ExtractStats) => void;
}

export interface ExtractionOutcome { value: unknown; text: string; valid: boolean; errors: string[]; stats: ExtractStats }

export async function runExtraction(_model: Model, _req: RunExtraction): Promise<ExtractionOutcome> {
  throw new Error('extraction is not available in this build yet (extract/extract.ts)');
}
