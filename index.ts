// The public API of jsonlm: the only module users import. Browser-safe: no Node built-ins here; node.ts
// adds loading from file paths.
//
//   const model = await loadModel(modelSourceFromBytes(bytes, 'model.gguf'));
//   const { value, valid } = await extract({ text, schema, model });

// Extraction: where the grammar and the engine meet.
export {
  extract, extractStream, Extractor, TextTooLongError, ExtractSetupError, InvalidSchemaError,
  renderExtractionPrompt, schemaOutline,
  type ExtractArgs, type ExtractOptions, type ExtractResult, type ExtractTimings, type ExtractFinishReason,
} from './extract/index.js';

// Engine: models, sessions (KV-cache reuse), sampling, generation.
export {
  loadModel, Model, Session, Sampler, Prng, ContextOverflowError, KvCacheRangeError, TokenIdError, NoTokenAllowedError, NonFiniteLogitsError,
  type LlamaConfig, type RopeStyle, type LoadModelOptions, type SamplingOptions, type GenerateOptions,
  type GenerateResult, type GeneratedToken, type FinishReason, type LogitsProcessor, type KvCacheType,
} from './engine/index.js';
// The bundled default model: browsers fetch it from where the page serves models/default (or pass bytes).
export { loadDefaultModel, DefaultModelError, type DefaultModelFrom } from './engine/default-model.js';

// Weights: the three file formats, conversion, seeded random models.
export {
  loadWeights, modelSourceFromBytes, hfSourceFromFiles, type ModelSource, type TokenizerSource,
} from './weights/load.js';
export { parseGguf, type GgufFile, type GgufValue } from './weights/gguf.js';
export { MemorySource, WeightsFormatError, type ByteSource } from './weights/byte-source.js';
export { BlobSource } from './weights/blob-source.js';
export { writeModelGguf } from './weights/gguf-convert.js';
export { hfFolderFiles } from './weights/hf-writer.js';
export { randomModel, SMOLLM_135M, SMOLLM_360M } from './weights/random-model.js';

// Tokenizers.
export {
  tokenizerFromJson, tokenizerFromGguf, tokenizerFromLlama2c, vocabularyBytes, createTextStream,
  type Tokenizer, type ChatMessage, type EncodeOptions, type DecodeOptions, type TextStream,
} from './tokenizer/index.js';

// Grammar: JSON Schema -> token masks.
export {
  compileGrammar, GrammarError, TokenVocabulary, createMatcher, createValidator, sampleDocument,
  type CompileOptions, type CompileResult, type Matcher,
} from './grammar/index.js';

// Kernels, for benchmarks and advanced embedding.
export { Kernels, type Ptr } from './kernels/kernels.js';
