// The plain schema reader of the grammar tools (`jsonlm sample-schema`, `jsonlm bench grammar`): a file
// that cannot be read is a usage error (exit 2), text that is not JSON a plain failure (exit 1). It does
// not check the schema: the grammar compiler reports what it cannot compile. `jsonlm extract` and the
// commands built on it use cli/extract.ts's readSchemaFile, which has its own exit codes (see there).
import { readFileSync } from 'node:fs';
import { UsageError } from './flags.js';

export function readSchema(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read schema ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not JSON: ${(e as Error).message}`);
  }
}
