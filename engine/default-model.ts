// The bundled default model (models/default, a Hugging Face folder). Browser-safe: the page serves the
// folder's files and loadDefaultModel fetches them from its URL, or is handed their bytes. In Node,
// engine/default-model-node.ts registers a loader that reads the packaged files, so `extract({ text,
// schema })` works there with no model at all.
import { hfSourceFromFiles } from '../weights/load.js';
import { loadModel, type LoadModelOptions } from './load-model.js';
import type { Model } from './model.js';

/** The files of models/default that loading needs (the rest are optional: tuned decoding, chat template). */
export const DEFAULT_MODEL_REQUIRED_FILES = ['config.json', 'model.safetensors', 'tokenizer.json'] as const;
export const DEFAULT_MODEL_OPTIONAL_FILES = ['generation_config.json', 'tokenizer_config.json'] as const;

/** Where the default model's files come from: a base URL the files sit under (`<url>/config.json`, ...),
 * or their bytes keyed by file name. */
export type DefaultModelFrom =
  | { url: string | URL; fetch?: typeof fetch }
  | { files: Record<string, ArrayBuffer | Uint8Array> };

export class DefaultModelError extends Error {}

let nodeLoader: ((options: LoadModelOptions) => Promise<Model>) | undefined;
let shared: Promise<Model> | undefined;

/** Called by the Node entry: how to load the packaged model when no source is given. */
export function setPackagedDefaultModelLoader(loader: (options: LoadModelOptions) => Promise<Model>): void {
  nodeLoader = loader;
}

/** Loads the default model from the given files, or (Node only) from the package's own copy. The model
 * loaded last becomes the one `extract()` uses when it is given no model. */
export async function loadDefaultModel(from?: DefaultModelFrom, options: LoadModelOptions = {}): Promise<Model> {
  const loading = from ? loadModel(hfSourceFromFiles('default', await defaultModelFiles(from)), options) : packaged(options);
  shared = loading;
  // A failed load must not stay the default: the next call tries again.
  loading.catch(() => { if (shared === loading) shared = undefined; });
  return loading;
}

/** The model extract() uses when none is given: the last loadDefaultModel() result, else (Node) the
 * packaged model, loaded once and shared by every call. */
export function sharedDefaultModel(): Promise<Model> {
  if (shared) return shared;
  if (!nodeLoader) {
    return Promise.reject(new DefaultModelError(
      'no model given and no default model loaded: pass `model`, or call loadDefaultModel({ url }) or ' +
      'loadDefaultModel({ files }) first (browsers have no packaged files to read)'));
  }
  return loadDefaultModel();
}

function packaged(options: LoadModelOptions): Promise<Model> {
  if (!nodeLoader) {
    return Promise.reject(new DefaultModelError(
      'loadDefaultModel() without a source reads the packaged files, which only Node can: in a browser pass ' +
      '{ url } (where the page serves models/default) or { files }'));
  }
  return nodeLoader(options);
}

async function defaultModelFiles(from: DefaultModelFrom): Promise<Record<string, ArrayBuffer | Uint8Array>> {
  if ('files' in from) {
    const missing = DEFAULT_MODEL_REQUIRED_FILES.filter((f) => !(f in from.files));
    if (missing.length) throw new DefaultModelError(`default model files missing: ${missing.join(', ')}`);
    return from.files;
  }
  const get = from.fetch ?? globalThis.fetch;
  let base: URL;
  try {
    base = new URL(String(from.url).replace(/\/*$/, '/'), globalThis.location?.href);
  } catch {
    throw new DefaultModelError(`default model URL is not a URL (relative URLs need a page): ${String(from.url)}`);
  }
  const fetchOne = async (name: string, required: boolean): Promise<[string, ArrayBuffer] | undefined> => {
    const url = new URL(name, base).href;
    let response: Response;
    try {
      response = await get(url);
    } catch (e) {
      throw new DefaultModelError(`could not fetch the default model's ${name} from ${url}: ${(e as Error).message}`);
    }
    if (response.ok) return [name, await response.arrayBuffer()];
    if (!required && response.status === 404) return undefined;
    throw new DefaultModelError(`could not fetch the default model's ${name} from ${url}: HTTP ${response.status}`);
  };
  const got = await Promise.all([
    ...DEFAULT_MODEL_REQUIRED_FILES.map((f) => fetchOne(f, true)),
    ...DEFAULT_MODEL_OPTIONAL_FILES.map((f) => fetchOne(f, false)),
  ]);
  return Object.fromEntries(got.filter((e): e is [string, ArrayBuffer] => e !== undefined));
}
