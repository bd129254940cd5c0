// The Node entry: the browser-safe core plus loaders that read from the file system.
export * from './index.js';
