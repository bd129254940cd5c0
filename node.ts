// The Node entry: the browser-safe core plus loaders that read from the file system.
export * from './index.js';
export { loadModelFromPath } from './engine/load-model-node.js';
// With no argument, loadDefaultModel() reads the package's own models/default (this import registers that).
export { loadDefaultModel, defaultModelDir } from './engine/default-model-node.js';
export { readModelSource, closeModelSource, FileSource } from './weights/node-files.js';
