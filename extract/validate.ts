// Schema validation with ajv (+ ajv-formats, the Ajv class of the schema's draft), the final word on whether an
// extraction matches its schema. Compiled validators are cached per schema text, since a batch reuses one
// schema for thousands of documents and compiling costs far more than validating.
import { createValidator, type SchemaValidator } from '../grammar/validate.js';

export interface ValidationResult {
  valid: boolean;
  /** ajv's messages, one per failed keyword ("/age must be integer"); empty when valid. */
  errors: string[];
}

/** Validates values against any schema, compiling each schema once into the grammar room's SchemaValidator
 * (one compiled ajv function per schema) and keeping it by schema text. */
export class ValidatorCache {
  private readonly cache = new Map<string, SchemaValidator>();

  /** Compiles (or reuses) the validator: the grammar room's ajv set-up, which picks the Ajv class for the
   * schema's draft; throws a readable error for a schema ajv rejects. */
  compile(schema: unknown): SchemaValidator {
    const key = JSON.stringify(schema);
    let fn = this.cache.get(key);
    if (!fn) {
      try {
        fn = createValidator(schema, '2020-12', {}, true); // allErrors: one run reports every problem
      } catch (e) {
        throw new InvalidSchemaError(`invalid JSON Schema: ${(e as Error).message}`);
      }
      this.cache.set(key, fn);
    }
    return fn;
  }

  validate(schema: unknown, value: unknown): ValidationResult {
    const fn = this.compile(schema);
    const valid = fn(value);
    return { valid, errors: valid ? [] : fn.errors() };
  }
}

export class InvalidSchemaError extends Error {
  override name = 'InvalidSchemaError';
}

let shared: ValidatorCache | undefined;
/** One validator per process, so the compiled-schema cache is shared by every caller. */
export function sharedValidator(): ValidatorCache {
  return (shared ??= new ValidatorCache());
}
