// Schema validation with ajv (+ ajv-formats for "date", "email", ...), the final word on whether an
// extraction matches its schema. Compiled validators are cached per schema text, since a batch reuses one
// schema for thousands of documents and compiling costs far more than validating.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export interface ValidationResult {
  valid: boolean;
  /** ajv's messages, one per failed keyword ("/age must be integer"); empty when valid. */
  errors: string[];
}

export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    // strict: false lets annotation keywords a user's schema may carry (examples, x-*) through; allErrors
    // so one run reports every problem.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
  }

  /** Compiles (or reuses) the validator; throws a readable error for a schema ajv rejects. */
  compile(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let fn = this.cache.get(key);
    if (!fn) {
      try {
        fn = this.ajv.compile(schema as object);
      } catch (e) {
        throw new InvalidSchemaError(`invalid JSON Schema: ${(e as Error).message}`);
      }
      this.cache.set(key, fn);
    }
    return fn;
  }

  validate(schema: unknown, value: unknown): ValidationResult {
    const fn = this.compile(schema);
    const valid = fn(value) as boolean;
    return { valid, errors: valid ? [] : formatErrors(fn.errors ?? []) };
  }
}

export class InvalidSchemaError extends Error {
  override name = 'InvalidSchemaError';
}

function formatErrors(errors: ErrorObject[]): string[] {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

let shared: SchemaValidator | undefined;
/** One validator per process, so the compiled-schema cache is shared by every caller. */
export function sharedValidator(): SchemaValidator {
  return (shared ??= new SchemaValidator());
}
