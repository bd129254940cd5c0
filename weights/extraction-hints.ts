// Decoding settings a model file recommends for extraction, set by whoever trained or tuned it: today the
// copy bias (extract/copy-bias.ts), whose best value depends on the model (a small model that does not copy
// well gains from it; a large one needs none). HF folders carry it in generation_config.json, beside HF's own
// decoding defaults, under a key of ours; GGUF files in their metadata. The caller's own options win.
import { WeightsFormatError } from './byte-source.js';

export interface ExtractionHints {
  /** The logit bonus for copying values from the text (ExtractOptions.copyBias). */
  copyBias?: number;
}

export const HF_COPY_BIAS_KEY = 'jsonlm_copy_bias';
export const GGUF_COPY_BIAS_KEY = 'jsonlm.copy_bias';

function copyBias(value: unknown, file: string, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new WeightsFormatError(file, `${key} must be a number >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** From a parsed generation_config.json (undefined when the folder has none). */
export function hintsFromGenerationConfig(json: Record<string, unknown> | undefined, file: string): ExtractionHints {
  const bias = copyBias(json?.[HF_COPY_BIAS_KEY], file, HF_COPY_BIAS_KEY);
  return bias === undefined ? {} : { copyBias: bias };
}

export function hintsFromGgufMetadata(metadata: ReadonlyMap<string, unknown>, file: string): ExtractionHints {
  const bias = copyBias(metadata.get(GGUF_COPY_BIAS_KEY), file, GGUF_COPY_BIAS_KEY);
  return bias === undefined ? {} : { copyBias: bias };
}
