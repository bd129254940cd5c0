// Node-only: the default model from the package's own files (models/default beside dist/ when installed,
// beside engine/ in the repository: both are one level below the package root).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DefaultModelError, setPackagedDefaultModelLoader } from './default-model.js';
import { loadModelFromPath } from './load-model-node.js';

/** The packaged default model's folder. */
export function defaultModelDir(): string {
  return fileURLToPath(new URL('../models/default/', import.meta.url));
}

setPackagedDefaultModelLoader(async (options) => {
  const dir = defaultModelDir();
  if (!existsSync(dir)) throw new DefaultModelError(`the packaged default model is missing: ${dir}`);
  return loadModelFromPath(dir, options);
});

// The same function as the core's; importing it from here is what registers the packaged loader above.
export { loadDefaultModel } from './default-model.js';
