// The final check: ajv against the full schema (every keyword, including the ones the grammar does not
// enforce in lenient mode), with ajv-formats, using the Ajv class that matches the schema's draft.
// Browser-safe (ajv is plain JavaScript).

import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { detectDraft, type Draft } from './schema-resources.js';

/** One schema compiled by ajv: call it with a value (extract/validate.ts's ValidatorCache keeps one per schema). */
export interface SchemaValidator {
  (value: unknown): boolean;
  /** ajv's messages for the last failed value. */
  errors(): string[];
}

/** Validates against `schema` with ajv (strict mode off: real-world schemas carry vendor keywords). */
export function createValidator(schema: unknown, defaultDraft: Draft = '2020-12', schemas: Record<string, unknown> = {},
  allErrors = false): SchemaValidator {
  const draft = detectDraft(schema, defaultDraft);
  const options = { strict: false, allErrors, validateFormats: true, logger: false as const };
  const ajv =
    draft === '2020-12' ? new Ajv2020(options)
      : draft === '2019-09' ? new Ajv2019(options)
        : draft === 'draft-04' ? new AjvDraft04(options)
          : new Ajv(options);
  addFormats(ajv as unknown as Ajv);
  if (draft === 'draft-06') addDraft06MetaSchema(ajv as Ajv);
  for (const [uri, doc] of Object.entries(schemas)) ajv.addSchema(doc as object, uri);
  const validate: ValidateFunction = ajv.compile(schema as object);
  const fn = ((value: unknown) => validate(value) as boolean) as SchemaValidator;
  fn.errors = () => (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  return fn;
}

const DRAFT_06 = 'http://json-schema.org/draft-06/schema';

/** ajv's default class is draft-07 and knows no draft-06 meta-schema, so a schema naming it would not
 * compile. Draft-06 keywords are a subset of draft-07's with the same meaning, so the draft-07
 * meta-schema serves under the draft-06 URI (kept in code rather than read from a JSON file, which
 * neither the browser bundle nor Node's ESM loader would take without import attributes). */
function addDraft06MetaSchema(ajv: Ajv): void {
  const draft07 = ajv.getSchema('http://json-schema.org/draft-07/schema')?.schema;
  if (!draft07 || typeof draft07 !== 'object') return;
  ajv.addMetaSchema({ ...(draft07 as object), $id: DRAFT_06 + '#' }, DRAFT_06);
}
