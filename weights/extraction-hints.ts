// Decoding settings a model file recommends for extraction, set by whoever trained or tuned it: the copy
// bias (extract/copy-bias.ts) and value choice (extract/value-choice.ts), whose worth depends on the model
// (a small model that does not copy well gains from them; a large one needs neither). HF folders carry them
// in generation_config.json, beside HF's own decoding defaults, under keys of ours; GGUF files in their
// metadata. The caller's own options win.
import { WeightsFormatError } from './byte-source.js';

export interface ExtractionHints {
  /** The logit bonus for copying values from the text (ExtractOptions.copyBias). */
  copyBias?: number;
  /** Choose digit-led values whole among the text's own (ExtractOptions.valueChoice). */
  valueChoice?: boolean;
  /** Ground free string values in the text (ExtractOptions.grounded). */
  grounded?: boolean;
}

export const HF_COPY_BIAS_KEY = 'jsonlm_copy_bias';
export const GGUF_COPY_BIAS_KEY = 'jsonlm.copy_bias';
export const HF_VALUE_CHOICE_KEY = 'jsonlm_value_choice';
export const GGUF_VALUE_CHOICE_KEY = 'jsonlm.value_choice';
export const HF_GROUNDED_KEY = 'jsonlm_grounded';
export const GGUF_GROUNDED_KEY = 'jsonlm.grounded';

function copyBias(value: unknown, file: string, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new WeightsFormatError(file, `${key} must be a number >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

function flag(value: unknown, file: string, key: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new WeightsFormatError(file, `${key} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function hints(bias: number | undefined, choice: boolean | undefined, grounded: boolean | undefined): ExtractionHints {
  return {
    ...(bias === undefined ? {} : { copyBias: bias }), ...(choice === undefined ? {} : { valueChoice: choice }),
    ...(grounded === undefined ? {} : { grounded }),
  };
}

/** From a parsed generation_config.json (undefined when the folder has none). */
export function hintsFromGenerationConfig(json: Record<string, unknown> | undefined, file: string): ExtractionHints {
  return hints(copyBias(json?.[HF_COPY_BIAS_KEY], file, HF_COPY_BIAS_KEY),
    flag(json?.[HF_VALUE_CHOICE_KEY], file, HF_VALUE_CHOICE_KEY), flag(json?.[HF_GROUNDED_KEY], file, HF_GROUNDED_KEY));
}

export function hintsFromGgufMetadata(metadata: ReadonlyMap<string, unknown>, file: string): ExtractionHints {
  return hints(copyBias(metadata.get(GGUF_COPY_BIAS_KEY), file, GGUF_COPY_BIAS_KEY),
    flag(metadata.get(GGUF_VALUE_CHOICE_KEY), file, GGUF_VALUE_CHOICE_KEY), flag(metadata.get(GGUF_GROUNDED_KEY), file, GGUF_GROUNDED_KEY));
}

/** The generation_config.json keys that carry `hints` (empty when there are none). */
export function generationConfigOf(h: ExtractionHints | undefined): Record<string, unknown> {
  return {
    ...(h?.copyBias === undefined ? {} : { [HF_COPY_BIAS_KEY]: h.copyBias }),
    ...(h?.valueChoice === undefined ? {} : { [HF_VALUE_CHOICE_KEY]: h.valueChoice }),
    ...(h?.grounded === undefined ? {} : { [HF_GROUNDED_KEY]: h.grounded }),
  };
}
