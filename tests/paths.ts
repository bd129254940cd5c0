// Where tests find the repository and the read-only fixtures in ../shared (never needed at run time).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = resolve(REPO, '../shared');
export const MODELS = resolve(SHARED, 'models');
export const REFERENCE = resolve(SHARED, 'reference');
