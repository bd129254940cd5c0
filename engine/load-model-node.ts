// Node-only: loadModel from a path (GGUF file, HF folder, or llama2.c .bin with an optional tokenizer.bin).
import { closeModelSource, readModelSource } from '../weights/node-files.js';
import { loadModel, type LoadModelOptions } from './load-model.js';
import type { Model } from './model.js';
import { nodeWorkerHost } from './worker-host-node.js';

export async function loadModelFromPath(path: string, options: LoadModelOptions & { tokenizerPath?: string } = {}): Promise<Model> {
  const source = readModelSource(path, options.tokenizerPath);
  try {
    return await loadModel(source, { workerHost: nodeWorkerHost, ...options });
  } finally {
    closeModelSource(source);
  }
}
