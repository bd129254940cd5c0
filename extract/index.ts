// extract/'s public surface, for index.ts to re-export.
export { extract, extractStream, extractorFor, type ExtractArgs } from './api.js';
export { Extractor, MIN_OUTPUT_TOKENS, type ExtractOptions, type ExtractResult, type ExtractTimings, type ExtractFinishReason } from './extractor.js';
export { TextTooLongError, ExtractSetupError } from './errors.js';
export { ValidatorCache, InvalidSchemaError, sharedValidator, type ValidationResult } from './validate.js';
export { renderExtractionPrompt, extractionMessages, EXTRACT_INSTRUCTION } from './prompt.js';
export type { TokenConstraint, CompiledConstraint, ConstraintCompiler } from './constraint.js';
export { grammarCompiler, vocabularyOf } from './grammar-constraint.js';
export { schemaOutline } from './schema-outline.js';
